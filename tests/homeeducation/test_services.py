"""Home-education records: opening, consent, contacts, the view of suitability and the order route."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from rollcall.accounts.models import User
from rollcall.casework.models import Case, Event, Task
from rollcall.casework.services import CaseworkError, case_transition
from rollcall.homeeducation import services
from rollcall.homeeducation.models import EHERecord, SAONotice
from rollcall.rules.home_education import Step
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ehe_council", "frozen_clock")]

TODAY = dt.date(2026, 11, 16)


def registered(officer: User, **kwargs: object) -> EHERecord:
    return services.record_open(
        child=factories.ChildFactory.create(),
        actor=officer,
        facts=services.EducationFacts(
            parents="Ruth Adeyemi, 4 Mill Lane",
            educated_by="Mother",
            hours_per_week=Decimal("20"),
            where="Home",
        ),
        **kwargs,  # type: ignore[arg-type]
    )


def contacted(officer: User) -> EHERecord:
    record = registered(officer)
    services.contact_record(record=record, actor=officer, made_on=TODAY, method="phone", with_whom="Mother")
    record.refresh_from_db()
    return record


def test_an_officer_registers_a_child_with_an_owner_and_first_contact_due_in_ten_school_days(
    ehe_officer: User,
) -> None:
    record = registered(ehe_officer)
    case = record.case
    assert (case.kind, case.status, case.owner) == ("ehe", "new", ehe_officer)
    assert case.next_action == "Make first contact with the family"
    assert case.next_action_due == dt.date(2026, 11, 30)
    assert record.next_review_on == dt.date(2026, 11, 30)
    assert (record.educated_by, record.hours_per_week) == ("Mother", Decimal("20"))
    assert Event.objects.filter(case=case, verb="ehe.registered").count() == 1


def test_registering_twice_keeps_one_record(ehe_officer: User) -> None:
    record = registered(ehe_officer)
    again = services.record_open(child=record.child, actor=ehe_officer)
    assert again.pk == record.pk
    assert EHERecord.objects.count() == 1


def test_only_the_ehe_team_registers_home_education(inclusion_officer: User) -> None:
    with pytest.raises(CaseworkError, match="Elective Home Education team"):
        services.record_open(child=factories.ChildFactory.create(), actor=inclusion_officer)


def test_a_council_arranged_special_school_place_waits_for_consent(ehe_officer: User) -> None:
    record = registered(ehe_officer, special_school_council_arranged=True)
    assert record.case.status == "consent"
    assert record.consent_needed == "special_school"
    assert record.case.next_action == "Decide the council's consent to home education"
    assert record.case.next_action_due == dt.date(2026, 11, 23)
    with pytest.raises(CaseworkError, match="consent"):
        services.contact_record(record=record, actor=ehe_officer, made_on=TODAY, method="phone")


def test_consent_given_starts_the_first_contact_clock(ehe_officer: User) -> None:
    record = registered(ehe_officer, special_school_council_arranged=True)
    services.consent_decide(record=record, actor=ehe_officer, given=True, reasons="Needs met at home")
    record.case.refresh_from_db()
    assert record.case.status == "new"
    assert record.case.next_action_due == dt.date(2026, 11, 30)
    assert record.consent_decided_by == ehe_officer


def test_consent_refused_closes_the_record_and_the_child_stays_on_roll(ehe_officer: User) -> None:
    record = registered(ehe_officer, special_school_council_arranged=True)
    services.consent_decide(record=record, actor=ehe_officer, given=False, reasons="Needs not met at home")
    record.case.refresh_from_db()
    assert (record.case.status, record.case.outcome) == ("closed", "stays_on_roll")


def test_a_consent_decision_needs_reasons(ehe_officer: User) -> None:
    record = registered(ehe_officer, special_school_council_arranged=True)
    with pytest.raises(CaseworkError, match="reasons"):
        services.consent_decide(record=record, actor=ehe_officer, given=True, reasons=" ")


def test_the_first_contact_starts_informal_enquiries_with_a_view_due(ehe_officer: User) -> None:
    record = contacted(ehe_officer)
    record.case.refresh_from_db()
    assert record.first_contact_on == TODAY
    assert record.case.status == "enquiries"
    assert Task.objects.get(case=record.case, code="first_contact").status == Task.Status.DONE
    # 15 school days from Monday 16 November 2026.
    assert record.case.next_action_due == dt.date(2026, 12, 7)


def test_a_contact_in_the_future_is_refused(ehe_officer: User) -> None:
    record = registered(ehe_officer)
    with pytest.raises(CaseworkError, match="today or in the past"):
        services.contact_record(
            record=record, actor=ehe_officer, made_on=TODAY + dt.timedelta(days=1), method="phone"
        )


def test_judging_before_the_first_contact_is_refused(ehe_officer: User) -> None:
    record = registered(ehe_officer)
    with pytest.raises(CaseworkError, match="first contact"):
        services.suitability_judge(record=record, actor=ehe_officer, judgement="suitable", reasons="Good")


def test_suitable_education_sets_the_annual_review(ehe_officer: User) -> None:
    record = contacted(ehe_officer)
    services.evidence_record(
        record=record, actor=ehe_officer, received_on=TODAY, kind="samples", description="Maths and writing"
    )
    services.suitability_judge(
        record=record, actor=ehe_officer, judgement="suitable", reasons="Broad and balanced"
    )
    record.refresh_from_db()
    record.case.refresh_from_db()
    assert record.case.status == "suitable"
    assert record.next_review_on == dt.date(2027, 11, 16)
    assert record.case.next_action == "Review the home education"
    assert record.case.next_action_due == dt.date(2027, 11, 16)


def test_the_annual_review_judged_suitable_again_moves_the_review_on(ehe_officer: User) -> None:
    record = contacted(ehe_officer)
    services.suitability_judge(record=record, actor=ehe_officer, judgement="suitable", reasons="Fine")
    services.suitability_judge(
        record=record, actor=ehe_officer, judgement="suitable", reasons="Still fine", judged_on=TODAY
    )
    record.refresh_from_db()
    assert record.case.status == "suitable"
    assert Task.objects.filter(case=record.case, code="review", status=Task.Status.OPEN).count() == 1


def test_a_judgement_needs_reasons(ehe_officer: User) -> None:
    record = contacted(ehe_officer)
    with pytest.raises(CaseworkError, match="reasons"):
        services.suitability_judge(record=record, actor=ehe_officer, judgement="suitable", reasons="")


def test_education_that_appears_unsuitable_opens_the_attendance_order_route(ehe_officer: User) -> None:
    record = contacted(ehe_officer)
    services.suitability_judge(
        record=record, actor=ehe_officer, judgement="not_suitable", reasons="No reply to the enquiry"
    )
    record.case.refresh_from_db()
    assert record.case.status == "concern"
    order = Case.objects.get(child=record.child, kind="sao")
    assert (order.status, order.owner) == ("informal", ehe_officer)
    assert order.next_action == "Send the informal enquiry letter"


def order_route(officer: User) -> EHERecord:
    record = contacted(officer)
    services.suitability_judge(record=record, actor=officer, judgement="no_information", reasons="No reply")
    return record


def test_the_route_runs_to_an_order_with_each_deadline_from_the_rules(ehe_officer: User) -> None:
    record = order_route(ehe_officer)
    informal = services.notice_serve(
        record=record,
        actor=ehe_officer,
        step=Step.INFORMAL_ENQUIRY,
        served_on=TODAY,
        method="post",
        reason="Please tell us",
    )
    assert informal.period_end == dt.date(2026, 12, 7)  # 15 school days
    preliminary = services.notice_serve(
        record=record,
        actor=ehe_officer,
        step=Step.PRELIMINARY_NOTICE,
        served_on=TODAY,
        method="hand",
        reason="No reply",
    )
    assert preliminary.period_end == dt.date(2026, 11, 30)  # 15 calendar days, service day 1
    order = Case.objects.get(child=record.child, kind="sao")
    assert (order.status, order.next_action_due) == ("preliminary", dt.date(2026, 12, 1))
    assert "15 days" in preliminary.letter_html or "30 November 2026" in preliminary.letter_html
    with pytest.raises(CaseworkError, match="can be served from 01/12/2026"):
        services.notice_serve(
            record=record,
            actor=ehe_officer,
            step=Step.NOTICE_OF_INTENTION,
            served_on=TODAY,
            method="hand",
            reason="Not satisfied",
            schools_named="Northmoor Academy",
        )


def test_a_notice_of_intention_must_name_a_school(ehe_officer: User) -> None:
    record = order_route(ehe_officer)
    services.notice_serve(
        record=record,
        actor=ehe_officer,
        step=Step.PRELIMINARY_NOTICE,
        served_on=dt.date(2026, 10, 1),
        method="hand",
        reason="No reply",
    )
    with pytest.raises(CaseworkError, match="Name the school"):
        services.notice_serve(
            record=record,
            actor=ehe_officer,
            step=Step.NOTICE_OF_INTENTION,
            served_on=TODAY,
            method="hand",
            reason="x",
        )


def test_notices_out_of_order_are_refused(ehe_officer: User) -> None:
    record = order_route(ehe_officer)
    with pytest.raises(CaseworkError, match="cannot be served now"):
        services.notice_serve(
            record=record,
            actor=ehe_officer,
            step=Step.ORDER,
            served_on=TODAY,
            method="hand",
            reason="x",
            schools_named="A",
        )


def serve_to_order(record: EHERecord, officer: User) -> Case:
    services.notice_serve(
        record=record,
        actor=officer,
        step=Step.PRELIMINARY_NOTICE,
        served_on=dt.date(2026, 10, 1),
        method="hand",
        reason="No reply",
    )
    services.notice_serve(
        record=record,
        actor=officer,
        step=Step.NOTICE_OF_INTENTION,
        served_on=dt.date(2026, 10, 16),
        method="hand",
        reason="Not satisfied",
        schools_named="Northmoor Academy",
    )
    services.notice_serve(
        record=record,
        actor=officer,
        step=Step.ORDER,
        served_on=dt.date(2026, 10, 31),
        method="hand",
        reason="Not satisfied",
        schools_named="Northmoor Academy",
    )
    return Case.objects.get(child=record.child, kind="sao")


def test_an_order_served_after_the_choice_period_is_in_force(ehe_officer: User) -> None:
    record = order_route(ehe_officer)
    order = serve_to_order(record, ehe_officer)
    assert order.status == "order"
    assert SAONotice.objects.filter(case=order).count() == 3
    assert order.next_action == "Check the child is registered at the named school"


def test_only_a_manager_refers_for_prosecution_having_considered_an_eso(
    ehe_officer: User, ehe_manager: User
) -> None:
    record = order_route(ehe_officer)
    serve_to_order(record, ehe_officer)
    with pytest.raises(CaseworkError, match="manager"):
        services.prosecution_refer(record=record, actor=ehe_officer, eso_considered="Tried")
    with pytest.raises(CaseworkError, match=r"s\.447"):
        services.prosecution_refer(record=record, actor=ehe_manager, eso_considered="")
    order = services.prosecution_refer(
        record=record, actor=ehe_manager, eso_considered="Parent refused to engage"
    )
    assert order.status == "prosecution"


def test_satisfied_at_last_closes_the_route_and_sets_the_review(ehe_officer: User) -> None:
    record = order_route(ehe_officer)
    services.suitability_judge(
        record=record, actor=ehe_officer, judgement="suitable", reasons="Report received"
    )
    order = Case.objects.get(child=record.child, kind="sao")
    assert (order.status, order.outcome) == ("closed", "satisfied")
    record.case.refresh_from_db()
    assert record.case.status == "suitable"


def test_an_officer_revokes_the_order_by_closing_with_the_outcome(ehe_officer: User) -> None:
    record = order_route(ehe_officer)
    order = serve_to_order(record, ehe_officer)
    case_transition(
        case=order,
        target="closed",
        actor=ehe_officer,
        outcome="revoked",
        outcome_details={"details": "Tutor arranged"},
    )
    order.refresh_from_db()
    assert order.outcome == "revoked"


# ---- s.440: amending the order ---------------------------------------------------------------------


def test_amending_the_order_names_the_new_school_keeps_the_order_in_force_and_sets_its_check(
    ehe_officer: User,
) -> None:
    record = order_route(ehe_officer)
    order = serve_to_order(record, ehe_officer)
    with pytest.raises(CaseworkError, match="Name the school"):
        services.notice_serve(
            record=record, actor=ehe_officer, step=Step.AMENDMENT, served_on=TODAY, method="post", reason="x"
        )
    with pytest.raises(CaseworkError, match="before the order"):
        services.notice_serve(
            record=record,
            actor=ehe_officer,
            step=Step.AMENDMENT,
            served_on=dt.date(2026, 10, 30),
            method="post",
            reason="Place obtained",
            schools_named="Hilltop Academy",
        )
    amended = services.notice_serve(
        record=record,
        actor=ehe_officer,
        step=Step.AMENDMENT,
        served_on=dt.date(2026, 11, 2),
        method="post",
        reason="The parents obtained a place at Hilltop Academy.",
        schools_named="Hilltop Academy",
    )
    order.refresh_from_db()
    assert order.status == "order"
    # 10 school days from Monday 2 November 2026.
    assert amended.period_end == dt.date(2026, 11, 16)
    assert "Northmoor Academy" in amended.letter_html  # the school named before
    assert "Hilltop Academy" in amended.letter_html
    assert "section 440" in amended.letter_html
    open_tasks = set(Task.objects.filter(case=order, status=Task.Status.OPEN).values_list("code", "due"))
    assert open_tasks == {("amendment_complied", dt.date(2026, 11, 16))}

    # A second place, a second amendment: allowed, with its own check, naming the last school.
    again = services.notice_serve(
        record=record,
        actor=ehe_officer,
        step=Step.AMENDMENT,
        served_on=TODAY,
        method="hand",
        reason="A place at Riverside School instead.",
        schools_named="Riverside School",
    )
    assert "Hilltop Academy" in again.letter_html
    assert SAONotice.objects.filter(case=order, step="amendment").count() == 2
    assert list(Task.objects.filter(case=order, status=Task.Status.OPEN).values_list("code", flat=True)) == [
        "amendment_complied"
    ]


def test_an_order_not_yet_served_cannot_be_amended(ehe_officer: User) -> None:
    record = order_route(ehe_officer)
    with pytest.raises(CaseworkError, match="cannot be served now"):
        services.notice_serve(
            record=record,
            actor=ehe_officer,
            step=Step.AMENDMENT,
            served_on=TODAY,
            method="post",
            reason="Place obtained",
            schools_named="Hilltop Academy",
        )
