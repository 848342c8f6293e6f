from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "rollcall.health"
    label = "health"
    verbose_name = "Health needs"

    def ready(self) -> None:
        # The timeline words of the verbs this app records.
        from rollcall.health import events  # noqa: F401
