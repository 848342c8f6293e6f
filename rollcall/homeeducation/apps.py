from django.apps import AppConfig


class HomeEducationConfig(AppConfig):
    name = "rollcall.homeeducation"
    label = "homeeducation"
    verbose_name = "Elective home education"

    def ready(self) -> None:
        # The timeline words of the verbs this app records.
        from rollcall.homeeducation import events  # noqa: F401
