from django.apps import AppConfig


class CaseworkConfig(AppConfig):
    name = "rollcall.casework"
    label = "casework"
    verbose_name = "Cases"

    def ready(self) -> None:
        # Registers the hook by which Notify tells casework of a message to a carer that failed.
        from rollcall.casework import carers  # noqa: F401
