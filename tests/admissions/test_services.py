"""The admissions services: application and assessment, offer and request, the school's answer."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.admissions import events as admission_events
from rollcall.admissions import services
from rollcall.admissions.models import AdmissionSettings, Application, PutOnRollRequest, VulnerabilityAnswer
from rollcall.casework.models import Event, Flag, Task
from rollcall.casework.services import CaseworkError
from rollcall.notify.models import Message
from rollcall.schools.models import RollEntry
from tests import factories
from tests.admissions.helpers import TODAY, answers, apply, case_of, offer

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]


def test_a_vulnerable_applicant_gets_a_tracking_case_and_the_vulnerable_applicant_flag(
    admissions_officer, school
):
    application = apply(admissions_officer, school)

    assert application.vulnerable is True
    assert application.rating == "high"
    assert application.reasons == ["children's social care involved"]
    case = application.case
    assert case is not None
    assert case.kind == "admission"
    assert case.team.kind == "admissions"
    assert case.owner == admissions_officer
    assert case.next_action == "Record the offer and ask the school to put the child on roll"
    flag = Flag.objects.get(child=application.child)
    assert flag.code == Flag.Code.VULNERABLE_APPLICANT
    assert flag.details.startswith("High: children's social care involved")
    assert VulnerabilityAnswer.objects.filter(application=application).count() == 8
    assert Event.objects.filter(child=application.child, verb=admission_events.APPLICATION_RECORDED).exists()


def test_an_applicant_with_nothing_of_concern_is_not_flagged_and_gets_no_case(admissions_officer, school):
    application = apply(admissions_officer, school, vulnerable=False)

    assert application.vulnerable is False
    assert application.rating == "low"
    assert application.case is None
    assert not Flag.objects.filter(child=application.child).exists()


def test_a_yes_without_evidence_is_refused_and_nothing_is_saved(admissions_officer, school):
    given = answers()
    given["county_lines"] = services.AnswerInput("yes", "  ")
    with pytest.raises(CaseworkError, match="evidence"):
        services.application_record(
            actor=admissions_officer,
            child=factories.ChildFactory.create(),
            received_on=TODAY,
            preferred_schools=[school],
            reason_for_move="x",
            current_school=None,
            answers=given,
        )
    assert not Application.objects.exists()


def test_missing_answers_count_as_not_known_and_flag_the_child(admissions_officer, school):
    application = services.application_record(
        actor=admissions_officer,
        child=factories.ChildFactory.create(),
        received_on=TODAY,
        preferred_schools=[school],
        reason_for_move="x",
        current_school=None,
        answers={},
    )
    assert application.rating == "medium"
    assert "too much is not known" in application.reasons[0]
    assert set(application.answers.values_list("answer", flat=True)) == {"not_known"}


def test_the_offer_asks_the_school_to_confirm_within_ten_school_days(admissions_officer, school, school_user):
    request = offer(admissions_officer, school)

    assert request.sent_on == TODAY
    assert request.answer_due == dt.date(2026, 11, 30)
    assert request.second_window_ends == dt.date(2026, 12, 14)
    message = Message.objects.get(recipient=school_user)
    assert "on roll" in message.subject
    assert "30 November 2026" in message.body
    case = case_of(request)
    assert case.next_action == f"Check {school.name} has confirmed the child is on roll"
    assert case.next_action_due == dt.date(2026, 11, 30)


def test_the_answer_window_is_an_administrator_setting(admissions_officer, school):
    AdmissionSettings.objects.update_or_create(pk=1, defaults={"answer_window_school_days": 5})
    request = offer(admissions_officer, school)
    assert request.answer_due == dt.date(2026, 11, 23)


def test_the_request_and_letter_come_from_the_editable_templates(admissions_officer, school):
    AdmissionSettings.objects.update_or_create(
        pk=1,
        defaults={"school_request_template": "Put {{ child }} on roll at {{ school }} by {{ answer_due }}."},
    )
    request = offer(admissions_officer, school)
    assert services.render_school_request(request) == (
        f"Put {request.child.full_name} on roll at {school.name} by 30 November 2026."
    )
    assert "Dear parent or carer" in services.render_parent_letter(request)


def test_a_school_confirming_on_roll_and_attending_checks_the_child_off_and_closes_the_case(
    admissions_officer, school, school_user
):
    request = offer(admissions_officer, school)

    services.request_answer(
        request=request,
        actor=school_user,
        on_roll=True,
        on_roll_from=dt.date(2026, 11, 16),
        attended_from=dt.date(2026, 11, 16),
    )

    request.refresh_from_db()
    assert request.checked_off_at is not None
    assert request.status_label == "Checked off"
    assert RollEntry.objects.filter(child=request.child, school=school).exists()
    case = case_of(request)
    assert case.status == "closed"
    assert case.outcome == "attending"
    assert not Flag.objects.filter(child=request.child, cleared_at__isnull=True).exists()
    assert Application.objects.get(pk=request.application_id).status == "checked_off"


def test_on_roll_without_attendance_keeps_the_case_open_until_the_child_attends(
    admissions_officer, school, school_user
):
    request = offer(admissions_officer, school)
    services.request_answer(
        request=request, actor=school_user, on_roll=True, on_roll_from=dt.date(2026, 11, 20)
    )
    case = case_of(request)
    assert case.status == "on_roll"
    assert case.next_action == "Check the child has started attending"

    services.request_answer(
        request=request,
        actor=school_user,
        on_roll=True,
        on_roll_from=dt.date(2026, 11, 20),
        attended_from=dt.date(2026, 11, 20),
    )
    case.refresh_from_db()
    assert case.status == "closed"


def test_not_on_roll_gives_the_officer_a_follow_up_task(admissions_officer, school, school_user):
    request = offer(admissions_officer, school)
    services.request_answer(request=request, actor=school_user, on_roll=False, reason="Family never came")

    case = case_of(request)
    assert case.status == "follow_up"
    assert case.next_action == "School says not on roll: contact the family and the school"
    assert request.status_label == "Not on roll"
    assert Message.objects.filter(recipient=admissions_officer, subject__contains="answered").exists()


def test_a_school_cannot_answer_another_schools_request(admissions_officer, school):
    request = offer(admissions_officer, school)
    other = factories.school_user(factories.SchoolFactory.create())
    with pytest.raises(CaseworkError, match="only your own school"):
        services.request_answer(request=request, actor=other, on_roll=True, on_roll_from=TODAY)
    assert PutOnRollRequest.objects.get(pk=request.pk).answer == ""


def test_an_inclusion_officer_cannot_record_the_schools_answer(admissions_officer, inclusion_officer, school):
    request = offer(admissions_officer, school)
    with pytest.raises(CaseworkError, match="Only the school or the Admissions team"):
        services.request_answer(request=request, actor=inclusion_officer, on_roll=True, on_roll_from=TODAY)


def test_recording_contact_with_the_family_completes_the_follow_up(admissions_officer, school, school_user):
    request = offer(admissions_officer, school)
    services.request_answer(request=request, actor=school_user, on_roll=False, reason="No contact")
    services.contact_record(
        request=request,
        actor=admissions_officer,
        party="parent",
        made_on=TODAY,
        intent="yes",
        details="Starts Monday",
    )
    assert not Task.objects.filter(case=case_of(request), code="admission_follow_up", status="open").exists()
    assert Event.objects.filter(child=request.child, verb=admission_events.CONTACT_RECORDED).exists()


def test_a_waiting_for_a_place_case_is_only_for_a_child_of_school_age_without_a_roll(
    admissions_officer, school
):
    application = apply(admissions_officer, school, vulnerable=False)
    case = services.waiting_open(child=application.child, actor=admissions_officer)
    assert case.kind == "waiting"
    assert case.team.kind == "admissions"
    assert case.next_action_due == dt.date(2026, 11, 30)

    toddler = factories.ChildFactory.create(date_of_birth=dt.date(2023, 1, 1))
    with pytest.raises(CaseworkError, match="compulsory school age"):
        services.waiting_open(child=toddler, actor=admissions_officer)


def test_a_school_confirming_on_roll_closes_the_childs_waiting_for_a_place_case(
    admissions_officer, school, school_user
):
    request = offer(admissions_officer, school, vulnerable=False)
    waiting = services.waiting_open(child=request.child, actor=admissions_officer)
    services.request_answer(request=request, actor=school_user, on_roll=True, on_roll_from=TODAY)
    waiting.refresh_from_db()
    assert waiting.status == "closed"
    assert waiting.outcome_details == {"school": school.name}
