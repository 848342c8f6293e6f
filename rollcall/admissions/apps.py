from typing import Any

from django.apps import AppConfig


class AdmissionsConfig(AppConfig):
    name = "rollcall.admissions"
    label = "admissions"
    verbose_name = "Admissions"

    def ready(self) -> None:
        # The timeline words of the verbs this app records.
        from rollcall.admissions import events  # noqa: F401
        from rollcall.admissions.models import PutOnRollRequest
        from rollcall.returns.claims import expectation_register

        def children_asked_for(school: Any) -> Any:
            """A put-on-roll request the school has not answered: the council expects the pupil there."""
            return PutOnRollRequest.objects.filter(school=school, answer="").values("child_id")

        expectation_register(children_asked_for)
