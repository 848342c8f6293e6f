from django.apps import AppConfig


class HealthConfig(AppConfig):
    name = "rollcall.health"
    label = "health"
    verbose_name = "Health needs"

    def ready(self) -> None:
        # The timeline words of the verbs this app records.
        # Registers how a confirmed illness-report claim is applied (rollcall/returns/claims.py).
        from rollcall.health import (
            events,  # noqa: F401
            services,  # noqa: F401
        )
