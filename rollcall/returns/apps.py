from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "rollcall.returns"
    label = "returns"
    verbose_name = "Statutory returns from schools"

    def ready(self) -> None:
        # The timeline words of the verbs this app records.
        # Each kind of return registers how a confirmed claim is applied.
        from rollcall.returns import (  # noqa: F401
            attendance_returns,
            events,
            new_pupils,
            removals,
        )
