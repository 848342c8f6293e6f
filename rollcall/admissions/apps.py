from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "rollcall.admissions"
    label = "admissions"
    verbose_name = "Admissions"

    def ready(self) -> None:
        # The timeline words of the verbs this app records.
        from rollcall.admissions import events  # noqa: F401
