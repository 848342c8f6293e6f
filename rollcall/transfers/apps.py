from django.apps import AppConfig


class TransfersConfig(AppConfig):
    name = "rollcall.transfers"
    label = "transfers"
    verbose_name = "Moves to other councils"

    def ready(self) -> None:
        # The timeline words of the verbs this app records.
        from rollcall.transfers import events  # noqa: F401
