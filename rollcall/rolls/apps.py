from django.apps import AppConfig


class RollsConfig(AppConfig):
    name = "rollcall.rolls"
    label = "rolls"
    verbose_name = "School rolls"

    def ready(self) -> None:
        # The timeline words of the verbs this app records.
        from rollcall.rolls import events  # noqa: F401
