"""Penalty-notice considerations: the decision, notices with their amounts, payments and withdrawal."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.accounts.models import User
from rollcall.casework.models import Event
from rollcall.casework.services import CaseworkError
from rollcall.exclusions import services
from rollcall.exclusions.models import Consideration, PenaltyNotice
from rollcall.exclusions.models import ProsecutionStep as ProsecutionStepRow
from rollcall.people.models import Child
from rollcall.rules.penalties import ProsecutionStep
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("enforcement_council", "frozen_clock")]


def _consideration(child: Child | None = None, term: str = "autumn") -> Consideration:
    return Consideration.objects.create(
        child=child or factories.ChildFactory.create(),
        academic_year=2026,
        term=term,
        reached_on=dt.date(2026, 11, 13),
        sessions=10,
        window_start=dt.date(2026, 9, 2),
        created_at=dt.datetime(2026, 11, 16, 2, tzinfo=dt.UTC),
    )


def test_no_action_needs_a_reason(access_officer: User) -> None:
    consideration = _consideration()
    with pytest.raises(CaseworkError, match="reason"):
        services.consideration_decide(consideration=consideration, actor=access_officer, decision="no_action")
    services.consideration_decide(
        consideration=consideration, actor=access_officer, decision="no_action", reason="Family bereavement"
    )
    consideration.refresh_from_db()
    assert (consideration.decision, consideration.decided_by) == ("no_action", access_officer)


def test_a_consideration_is_decided_once(access_officer: User) -> None:
    consideration = _consideration()
    services.consideration_decide(
        consideration=consideration, actor=access_officer, decision="notice_to_improve"
    )
    with pytest.raises(CaseworkError, match="already decided"):
        services.consideration_decide(
            consideration=consideration, actor=access_officer, decision="penalty_notice"
        )


def test_only_the_team_decides(school_user: User, inclusion_officer: User) -> None:
    consideration = _consideration()
    for user in (school_user, inclusion_officer):
        with pytest.raises(CaseworkError, match="Only Access to Education"):
            services.consideration_decide(consideration=consideration, actor=user, decision="other_support")


def test_an_unknown_decision_is_refused(access_officer: User) -> None:
    with pytest.raises(CaseworkError, match="not a decision"):
        services.consideration_decide(
            consideration=_consideration(), actor=access_officer, decision="prosecute"
        )


def _decided(access_officer: User, child: Child | None = None, term: str = "autumn") -> Consideration:
    consideration = _consideration(child, term)
    return services.consideration_decide(
        consideration=consideration, actor=access_officer, decision="penalty_notice"
    )


def test_a_first_notice_then_a_second_then_no_third_within_three_years(access_officer: User) -> None:
    child = factories.ChildFactory.create()
    first = services.penalty_notice_issue(
        consideration=_decided(access_officer, child),
        actor=access_officer,
        parent_name="Sam Parent",
        issued_on=dt.date(2026, 11, 16),
        received_on=dt.date(2026, 11, 18),
    )
    assert (first.number, first.reduced_amount, first.reduced_by, first.amount, first.pay_by) == (
        1,
        80,
        dt.date(2026, 12, 9),
        160,
        dt.date(2026, 12, 16),
    )
    second = services.penalty_notice_issue(
        consideration=_decided(access_officer, child, "spring"),
        actor=access_officer,
        parent_name="sam  parent",
        issued_on=dt.date(2027, 2, 1),
        received_on=dt.date(2027, 2, 1),
    )
    assert (second.number, second.reduced_amount, second.amount) == (2, None, 160)
    with pytest.raises(CaseworkError, match="prosecution"):
        services.penalty_notice_issue(
            consideration=_decided(access_officer, child, "summer"),
            actor=access_officer,
            parent_name="Sam Parent",
            issued_on=dt.date(2027, 5, 1),
            received_on=dt.date(2027, 5, 1),
        )
    # One notice per parent: the other parent's first notice is a first.
    other = services.penalty_notice_issue(
        consideration=Consideration.objects.get(child=child, term="summer"),
        actor=access_officer,
        parent_name="Alex Parent",
        issued_on=dt.date(2027, 5, 1),
        received_on=dt.date(2027, 5, 1),
    )
    assert other.number == 1


def test_a_notice_needs_a_penalty_notice_decision(access_officer: User) -> None:
    consideration = _consideration()
    services.consideration_decide(
        consideration=consideration, actor=access_officer, decision="notice_to_improve"
    )
    with pytest.raises(CaseworkError, match="Decide on a penalty notice first"):
        services.penalty_notice_issue(
            consideration=consideration,
            actor=access_officer,
            parent_name="Sam Parent",
            issued_on=dt.date(2026, 11, 16),
            received_on=dt.date(2026, 11, 16),
        )


def test_payment_and_withdrawal_are_recorded(access_officer: User) -> None:
    notice = services.penalty_notice_issue(
        consideration=_decided(access_officer),
        actor=access_officer,
        parent_name="Sam Parent",
        issued_on=dt.date(2026, 11, 16),
        received_on=dt.date(2026, 11, 16),
    )
    services.penalty_payment_record(
        notice=notice, actor=access_officer, paid_on=dt.date(2026, 11, 16), amount=80
    )
    notice.refresh_from_db()
    assert (notice.paid_on, notice.paid_amount) == (dt.date(2026, 11, 16), 80)
    services.penalty_notice_withdraw(
        notice=notice, actor=access_officer, on=dt.date(2026, 11, 16), reason="Wrong parent"
    )
    with pytest.raises(CaseworkError, match="withdrawn"):
        services.penalty_payment_record(
            notice=notice, actor=access_officer, paid_on=dt.date(2026, 11, 16), amount=80
        )
    assert PenaltyNotice.objects.get().withdrawal_reason == "Wrong parent"


def test_the_prosecution_route_is_recorded_step_by_step(access_officer: User, school_user: User) -> None:
    consideration = _decided(access_officer)
    services.prosecution_step_record(
        consideration=consideration,
        actor=access_officer,
        step=ProsecutionStep.REFERRED,
        on=dt.date(2026, 11, 2),
    )
    with pytest.raises(CaseworkError, match="cannot come next"):
        services.prosecution_step_record(
            consideration=consideration,
            actor=access_officer,
            step=ProsecutionStep.HEARING,
            on=dt.date(2026, 12, 1),
        )
    for step, on in [
        (ProsecutionStep.ESO_CONSIDERED, dt.date(2026, 11, 5)),
        (ProsecutionStep.CASE_PREPARED, dt.date(2026, 11, 12)),
        (ProsecutionStep.HEARING, dt.date(2027, 1, 20)),  # a court date may be ahead
    ]:
        services.prosecution_step_record(consideration=consideration, actor=access_officer, step=step, on=on)
    with pytest.raises(CaseworkError, match="Only Access to Education"):
        services.prosecution_step_record(
            consideration=consideration,
            actor=school_user,
            step=ProsecutionStep.WITHDRAWN,
            on=dt.date(2026, 11, 16),
        )
    rows = list(consideration.prosecution_steps.values_list("step", "on", "recorded_by"))
    assert rows == [
        ("referred", dt.date(2026, 11, 2), access_officer.pk),
        ("eso_considered", dt.date(2026, 11, 5), access_officer.pk),
        ("case_prepared", dt.date(2026, 11, 12), access_officer.pk),
        ("hearing", dt.date(2027, 1, 20), access_officer.pk),
    ]
    assert Event.objects.filter(child=consideration.child, verb="penalty.prosecution").count() == 4


def test_a_conviction_records_its_fine(access_officer: User) -> None:
    consideration = _decided(access_officer)
    for step, on in [
        (ProsecutionStep.REFERRED, dt.date(2026, 11, 2)),
        (ProsecutionStep.ESO_CONSIDERED, dt.date(2026, 11, 3)),
        (ProsecutionStep.CASE_PREPARED, dt.date(2026, 11, 4)),
        (ProsecutionStep.HEARING, dt.date(2026, 11, 13)),
    ]:
        services.prosecution_step_record(consideration=consideration, actor=access_officer, step=step, on=on)
    with pytest.raises(CaseworkError, match="Enter the fine"):
        services.prosecution_step_record(
            consideration=consideration,
            actor=access_officer,
            step=ProsecutionStep.CONVICTED,
            on=dt.date(2026, 11, 13),
        )
    services.prosecution_step_record(
        consideration=consideration,
        actor=access_officer,
        step=ProsecutionStep.CONVICTED,
        on=dt.date(2026, 11, 13),
        fine=440,
    )
    assert consideration.prosecution_steps.get(step="convicted").fine == 440


def test_no_prosecution_before_a_decision_or_after_no_action(access_officer: User) -> None:
    undecided = _consideration()
    with pytest.raises(CaseworkError, match="Record a decision"):
        services.prosecution_step_record(
            consideration=undecided,
            actor=access_officer,
            step=ProsecutionStep.REFERRED,
            on=dt.date(2026, 11, 2),
        )
    services.consideration_decide(
        consideration=undecided, actor=access_officer, decision="no_action", reason="Moved away"
    )
    undecided.refresh_from_db()
    with pytest.raises(CaseworkError, match="Record a decision"):
        services.prosecution_step_record(
            consideration=undecided,
            actor=access_officer,
            step=ProsecutionStep.REFERRED,
            on=dt.date(2026, 11, 2),
        )
    assert not ProsecutionStepRow.objects.exists()
