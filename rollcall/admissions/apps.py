from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "rollcall.admissions"
    label = "admissions"
    verbose_name = "Admissions"
