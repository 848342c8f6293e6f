"""Health-needs services: the report opens the case, the referral, the named contact, check-ins,
reintegration and the SEN panel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rollcall.accounts.models import User
from rollcall.casework.models import Case, Event, Task
from rollcall.casework.services import CaseworkError, case_transition
from rollcall.health import events as health_events
from rollcall.health import services
from rollcall.health.models import CheckIn, HealthReport, NamedContact
from rollcall.notify.models import Message
from rollcall.schools.models import School
from tests import factories
from tests.health.conftest import checkin_facts, referral_facts, report_facts

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("health_council", "frozen_clock")]

TODAY = dt.date(2026, 11, 16)


def reported(school: School, user: User) -> HealthReport:
    child = factories.ChildFactory.create()
    return services.health_report_record(child=child, school=school, actor=user, facts=report_facts())


def test_a_school_report_opens_a_health_case_for_access_to_education(
    school: School, school_user: User, access_officer: User
) -> None:
    report = reported(school, school_user)
    case = report.case
    assert case is not None
    assert (case.kind, case.team.kind, case.status, case.owner) == ("health", "access", "new", access_officer)
    tasks = {t.code: t.due for t in case.tasks.all()}
    assert tasks == {"arrange_provision": dt.date(2026, 11, 23), "named_contact": dt.date(2026, 11, 17)}


def test_the_team_and_the_school_are_told_at_once(
    school: School, school_user: User, access_officer: User, access_manager: User
) -> None:
    reported(school, school_user)
    assert Message.objects.filter(
        recipient=access_manager, subject__contains="absent through illness"
    ).exists()
    assert Message.objects.filter(recipient=school_user, subject__contains="health report").exists()


def test_a_second_report_joins_the_open_case(school: School, school_user: User) -> None:
    first = reported(school, school_user)
    assert first.case is not None
    second = services.health_report_record(
        child=first.child, school=school, actor=school_user, facts=report_facts(days_so_far=20)
    )
    assert second.case == first.case
    assert Case.objects.filter(child=first.child, kind="health").count() == 1
    assert Event.objects.filter(case=first.case, verb="case.updated").exists()


def test_the_referral_moves_the_case_to_referred(
    school: School, school_user: User, access_officer: User
) -> None:
    case = reported(school, school_user).case
    assert case is not None
    referral = services.referral_make(case=case, actor=access_officer, facts=referral_facts())
    case.refresh_from_db()
    assert case.status == "referred"
    assert referral.provision_name == "Springboard"
    assert referral.school == school


def test_a_referral_without_medical_evidence_still_goes(
    school: School, school_user: User, access_officer: User
) -> None:
    case = reported(school, school_user).case
    assert case is not None
    referral = services.referral_make(
        case=case, actor=access_officer, facts=referral_facts(medical_evidence="no")
    )
    assert referral.evidence_from == ""


def test_a_referral_needs_consent(school: School, school_user: User, access_officer: User) -> None:
    case = reported(school, school_user).case
    assert case is not None
    with pytest.raises(CaseworkError, match="consent"):
        services.referral_make(case=case, actor=access_officer, facts=referral_facts(consent="no"))


def test_another_team_cannot_refer(school: School, school_user: User, inclusion_officer: User) -> None:
    case = reported(school, school_user).case
    assert case is not None
    with pytest.raises(CaseworkError, match="another team"):
        services.referral_make(case=case, actor=inclusion_officer, facts=referral_facts())


def test_naming_a_contact_schedules_the_first_check_in_a_month_on(
    school: School, school_user: User, access_officer: User, access_officer_2: User
) -> None:
    case = reported(school, school_user).case
    assert case is not None
    contact = services.named_contact_assign(case=case, officer=access_officer_2, actor=access_officer)
    assert contact.until is None
    checkin = CheckIn.objects.get(case=case)
    assert checkin.due_on == dt.date(2026, 12, 16)
    task = Task.objects.get(key=f"checkin:{case.pk}:2026-12-16")
    assert task.assignee == access_officer_2
    assert case.tasks.get(code="named_contact").status == "done"
    assert Message.objects.filter(recipient=school_user, subject__startswith="Named council contact").exists()


def test_changing_the_contact_ends_the_previous_one_and_moves_the_check_in(
    school: School, school_user: User, access_officer: User, access_officer_2: User
) -> None:
    case = reported(school, school_user).case
    assert case is not None
    first = services.named_contact_assign(case=case, officer=access_officer, actor=access_officer)
    second = services.named_contact_assign(case=case, officer=access_officer_2, actor=access_officer)
    first.refresh_from_db()
    assert first.until is not None
    assert second.until is None
    assert NamedContact.objects.filter(case=case, until__isnull=True).count() == 1
    assert Task.objects.get(code="checkin", case=case).assignee == access_officer_2
    assert CheckIn.objects.filter(case=case).count() == 1


def test_a_check_in_completes_its_task_and_schedules_the_next(
    school: School, school_user: User, access_officer: User
) -> None:
    case = reported(school, school_user).case
    assert case is not None
    services.named_contact_assign(case=case, officer=access_officer, actor=access_officer)
    services.checkin_record(
        case=case,
        actor=access_officer,
        facts=checkin_facts(done_on=dt.date(2026, 12, 14)),
        at=dt.datetime(2026, 12, 14, 12, tzinfo=dt.UTC),
    )
    done, following = CheckIn.objects.filter(case=case).order_by("due_on")
    assert (done.due_on, done.done_on, done.hours_received) == (
        dt.date(2026, 12, 16),
        dt.date(2026, 12, 14),
        Decimal("8.5"),
    )
    assert following.due_on == dt.date(2027, 1, 14)
    assert following.done_on is None
    assert Task.objects.get(case=case, code="checkin", status="open").key == f"checkin:{case.pk}:2027-01-14"


def test_an_early_extra_check_in_leaves_the_schedule_alone(
    school: School, school_user: User, access_officer: User
) -> None:
    case = reported(school, school_user).case
    assert case is not None
    services.named_contact_assign(case=case, officer=access_officer, actor=access_officer)
    services.checkin_record(case=case, actor=access_officer, facts=checkin_facts())
    extra, scheduled = CheckIn.objects.filter(case=case).order_by("due_on")
    assert extra.done_on == TODAY
    assert scheduled.due_on == dt.date(2026, 12, 16)
    assert scheduled.done_on is None
    assert Task.objects.filter(case=case, code="checkin", status="open").count() == 1


def test_a_future_check_in_is_refused(school: School, school_user: User, access_officer: User) -> None:
    case = reported(school, school_user).case
    assert case is not None
    with pytest.raises(CaseworkError, match="today or in the past"):
        services.checkin_record(
            case=case, actor=access_officer, facts=checkin_facts(done_on=dt.date(2026, 11, 17))
        )


def test_reintegration_then_closure_back_in_school(
    school: School, school_user: User, access_officer: User
) -> None:
    case = reported(school, school_user).case
    assert case is not None
    services.referral_make(case=case, actor=access_officer, facts=referral_facts())
    services.reintegration_plan(
        case=case,
        actor=access_officer,
        school=school,
        target_return_date=dt.date(2027, 1, 5),
        school_agreed="yes",
        school_agreed_on=TODAY,
        plan="Mornings for two weeks, then full days.",
    )
    case.refresh_from_db()
    assert case.status == "reintegration"
    case_transition(
        case=case,
        target="closed",
        actor=access_officer,
        outcome="back_in_school",
        outcome_details={"school": school.name},
    )
    case.refresh_from_db()
    assert not case.is_open
    assert case.outcome == "back_in_school"


def test_an_sen_request_for_a_child_not_attending_tells_access_at_once(
    sen_officer: User, access_officer: User
) -> None:
    child = factories.ChildFactory.create()
    request = services.sen_panel_request_record(
        child=child, actor=sen_officer, panel_date=dt.date(2026, 12, 7), attending_school="no"
    )
    assert request.access_told_at is not None
    assert request.case is not None
    assert request.case.kind == "health"
    assert Message.objects.filter(recipient=access_officer, subject__contains="not attending school").exists()
    assert Event.objects.filter(case=request.case, verb=health_events.HEALTH_SEN_PANEL).exists()


def test_an_sen_request_for_an_attending_child_opens_nothing(sen_officer: User) -> None:
    child = factories.ChildFactory.create()
    request = services.sen_panel_request_record(
        child=child, actor=sen_officer, panel_date=dt.date(2026, 12, 7), attending_school="yes"
    )
    assert request.case is None
    assert request.access_told_at is None
    assert not Case.objects.filter(child=child).exists()


def test_an_sen_request_updates_an_open_health_case(
    school: School, school_user: User, sen_officer: User
) -> None:
    report = reported(school, school_user)
    request = services.sen_panel_request_record(
        child=report.child, actor=sen_officer, panel_date=dt.date(2026, 12, 7), attending_school="no"
    )
    assert request.case == report.case
    assert Event.objects.filter(case=report.case, verb="case.updated").exists()


def test_only_sen_access_and_heads_record_sen_requests(inclusion_officer: User) -> None:
    with pytest.raises(CaseworkError, match="SEN"):
        services.sen_panel_request_record(
            child=factories.ChildFactory.create(),
            actor=inclusion_officer,
            panel_date=dt.date(2026, 12, 7),
            attending_school="no",
        )
