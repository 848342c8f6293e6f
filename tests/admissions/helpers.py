"""Shared arrangements for the admissions tests."""

from __future__ import annotations

import datetime as dt

from rollcall.accounts.models import User
from rollcall.admissions import services
from rollcall.admissions.models import Application, FairAccessReferral, PutOnRollRequest
from rollcall.casework.models import Case
from rollcall.rules.vulnerability import CODES
from rollcall.schools.models import School
from tests import factories

TODAY = dt.date(2026, 11, 16)


def answers(**given: str) -> dict[str, services.AnswerInput]:
    """Every characteristic 'no' unless given; a 'yes' gets evidence."""
    result = {}
    for code in CODES:
        answer = given.get(code, "no")
        result[code] = services.AnswerInput(answer, "Told by the previous school" if answer == "yes" else "")
    return result


def apply(
    officer: User, school: School, *, vulnerable: bool = True, surname: str = "Ashworth"
) -> Application:
    child = factories.ChildFactory.create(legal_surname=surname, date_of_birth=dt.date(2015, 3, 1))
    return services.application_record(
        actor=officer,
        child=child,
        received_on=TODAY,
        preferred_schools=[school],
        reason_for_move="Family moved to the area",
        current_school=None,
        answers=answers(social_care="yes") if vulnerable else answers(),
    )


def offer(officer: User, school: School, **kwargs: object) -> PutOnRollRequest:
    application = apply(officer, school, **kwargs)  # type: ignore[arg-type]
    return services.offer_record(
        application=application, school=school, decision_date=TODAY, offered_on=TODAY, actor=officer
    )


def case_of(request: PutOnRollRequest | FairAccessReferral) -> Case:
    """The tracking case behind a request or referral, fresh from the database."""
    assert request.case_id is not None
    return Case.objects.get(pk=request.case_id)
