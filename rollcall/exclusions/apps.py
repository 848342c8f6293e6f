from django.apps import AppConfig


class ExclusionsConfig(AppConfig):
    name = "rollcall.exclusions"
    label = "exclusions"
    verbose_name = "Exclusions and attendance enforcement"

    def ready(self) -> None:
        # The timeline words of the verbs this app records, and how a confirmed exclusion claim
        # is applied (rollcall/returns/claims.py).
        from rollcall.exclusions import (
            events,  # noqa: F401
            services,  # noqa: F401
        )
