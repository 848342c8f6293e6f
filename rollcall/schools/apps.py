from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "rollcall.schools"
    label = "schools"
    verbose_name = "Schools, rolls and term dates"
