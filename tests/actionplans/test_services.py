"""Changing action plans: every change through a service; updates are appended, never overwritten."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rollcall.accounts.models import Team, User
from rollcall.actionplans import services
from rollcall.actionplans.models import Action, ActionUpdate, Complaint, Evidence
from rollcall.actionplans.services import ActionPlanError
from rollcall.notify.models import Message
from rollcall.rules.workflow import Role
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 16)


def test_recording_a_complaint_keeps_its_findings_and_recommendations_line_by_line(
    complaint: Complaint,
) -> None:
    assert complaint.finding_lines == [
        "Nobody owned the case for six weeks.",
        "The family was not told who to contact.",
    ]
    assert complaint.recommendation_lines[1] == "Review the process and report to scrutiny."
    assert complaint.created_by is not None


def test_only_managers_heads_and_administrators_record_complaints(
    frozen_clock: object, inclusion_officer: User, inclusion_manager: User
) -> None:
    facts = services.ComplaintFacts(reference="24 000 001", title="Plan")
    with pytest.raises(ActionPlanError, match="Only a manager"):
        services.complaint_record(facts=facts, actor=inclusion_officer)
    assert services.complaint_record(facts=facts, actor=inclusion_manager).reference == "24 000 001"
    with pytest.raises(ActionPlanError, match="already a complaint"):
        services.complaint_record(facts=facts, actor=factories.administrator())


def test_a_new_action_is_numbered_and_starts_with_a_signed_first_update(
    action: Action, head_of_service: User
) -> None:
    assert action.number == 1
    assert action.status == "not_started"
    assert action.tracked_from == TODAY
    [first] = action.updates.all()
    assert (first.status, first.author, first.effective_on) == ("not_started", head_of_service, TODAY)
    second = services.action_add(
        complaint=action.complaint,
        facts=services.ActionFacts(description="Train the staff.", owner_title="Head of Service"),
        actor=head_of_service,
    )
    assert second.number == 2


def test_the_responsible_person_is_told_once_when_named(action: Action, inclusion_officer: User) -> None:
    assert (
        Message.objects.filter(recipient=inclusion_officer, key__startswith="actionplan-responsible:").count()
        == 1
    )


def test_an_update_is_a_new_row_and_the_earlier_ones_are_untouched(
    action: Action, inclusion_manager: User, frozen_clock: object
) -> None:
    first = ActionUpdate.objects.get(action=action)
    before = (first.status, first.rag, first.text, first.effective_on)
    services.action_update(
        action=action, actor=inclusion_manager, status="in_progress", rag="amber", text="Draft page written."
    )
    services.action_update(
        action=action, actor=inclusion_manager, status="complete", rag="green", text="Published."
    )
    first.refresh_from_db()
    assert (first.status, first.rag, first.text, first.effective_on) == before
    assert list(action.updates.values_list("status", "rag")) == [
        ("not_started", ""),
        ("in_progress", "amber"),
        ("complete", "green"),
    ]
    action.refresh_from_db()
    assert (action.status, action.rag) == ("complete", "green")


def test_a_back_dated_update_counts_from_its_own_date_and_the_latest_by_date_wins(
    complaint: Complaint, inclusion_manager: User
) -> None:
    action = services.action_add(
        complaint=complaint,
        facts=services.ActionFacts(description="Older plan's action.", owner_title="Head"),
        actor=inclusion_manager,
        tracked_from=dt.date(2026, 9, 1),
    )
    assert action.updates.get().effective_on == dt.date(2026, 9, 1)
    services.action_update(
        action=action, actor=inclusion_manager, status="in_progress", rag="amber", text="Now."
    )
    services.action_update(
        action=action,
        actor=inclusion_manager,
        status="not_started",
        rag="red",
        text="What happened last month, recorded late.",
        happened_on=dt.date(2026, 10, 1),
    )
    action.refresh_from_db()
    # The late entry is about an earlier day, so the current state is still today's update.
    assert (action.status, action.rag) == ("in_progress", "amber")
    assert action.updates.get(rag="red").effective_on == dt.date(2026, 10, 1)


def test_an_update_may_not_be_dated_before_roll_call_started_tracking_the_action(
    action: Action, inclusion_manager: User
) -> None:
    with pytest.raises(ActionPlanError, match="on or after 16 November 2026"):
        services.action_update(
            action=action,
            actor=inclusion_manager,
            status="complete",
            rag="",
            text="x",
            happened_on=dt.date(2026, 11, 13),
        )


def test_a_transcribed_update_from_before_tracking_keeps_its_date_but_counts_from_the_start(
    action: Action,
) -> None:
    update = services.action_update(
        action=action,
        actor=None,
        status="not_stated",
        rag="",
        text="Policy was uploaded to the Local Offer site on 25.07.23.",
        happened_on=dt.date(2023, 7, 25),
        transcribed=True,
    )
    assert update.date_label == "25 July 2023"
    assert update.effective_on == TODAY


def test_the_person_responsible_may_update_but_another_officer_may_not(
    action: Action, inclusion_officer: User, admissions_officer: User
) -> None:
    services.action_update(
        action=action, actor=inclusion_officer, status="in_progress", rag="", text="Started."
    )
    with pytest.raises(ActionPlanError, match="person responsible"):
        services.action_update(
            action=action, actor=admissions_officer, status="complete", rag="", text="Done."
        )


def test_an_update_must_say_something_be_dated_no_later_than_today_and_use_a_real_status(
    action: Action, inclusion_manager: User
) -> None:
    with pytest.raises(ActionPlanError, match="Enter the update"):
        services.action_update(action=action, actor=inclusion_manager, status="not_started", rag="")
    with pytest.raises(ActionPlanError, match="today or in the past"):
        services.action_update(
            action=action,
            actor=inclusion_manager,
            status="complete",
            rag="",
            happened_on=TODAY + dt.timedelta(days=1),
        )
    with pytest.raises(ActionPlanError, match="Choose the status"):
        services.action_update(action=action, actor=inclusion_manager, status="not_stated", rag="", text="x")
    with pytest.raises(ActionPlanError, match="RAG"):
        services.action_update(
            action=action, actor=inclusion_manager, status="complete", rag="purple", text="x"
        )
    assert action.updates.count() == 1


def test_a_transcribed_update_may_have_no_date_and_no_stated_status(action: Action) -> None:
    update = services.action_update(
        action=action, actor=None, status="not_stated", rag="", text="From the source.", transcribed=True
    )
    assert update.happened_on is None
    assert update.date_label == "Date not given in the source plan"
    assert update.effective_on == TODAY  # it counts from the day it was recorded
    month_only = services.action_update(
        action=action,
        actor=None,
        status="not_stated",
        rag="",
        text="Sent in the November 2021 bulletins.",
        date_as_written="November 2021",
        transcribed=True,
    )
    assert month_only.date_label == "November 2021 (day not given in the source plan)"


def test_moving_the_due_date_is_recorded_as_an_update_and_clears_the_sweep_claims(
    action: Action, head_of_service: User
) -> None:
    Action.objects.filter(pk=action.pk).update(reminded_for=action.due_on, escalated_for=action.due_on)
    action.refresh_from_db()
    facts = services.ActionFacts(
        description=action.description,
        owner_title=action.owner_title,
        due_on=dt.date(2027, 1, 29),
        responsible=action.responsible,
    )
    services.action_change(action=action, facts=facts, actor=head_of_service)
    action.refresh_from_db()
    assert (action.reminded_for, action.escalated_for) == (None, None)
    latest = action.updates.order_by("-pk").first()
    assert latest is not None
    assert latest.text == "Due date changed from 2 November 2026 to 29 January 2027."
    assert latest.author == head_of_service
    # The change history keeps the old due date.
    assert list(action.history.values_list("due_on", flat=True).order_by("history_id")) == [
        dt.date(2026, 11, 2),
        dt.date(2027, 1, 29),
    ]


def test_an_unknown_feature_or_a_school_user_as_responsible_is_refused(
    complaint: Complaint, head_of_service: User, school_user: User
) -> None:
    with pytest.raises(ActionPlanError, match="feature"):
        services.action_add(
            complaint=complaint,
            facts=services.ActionFacts(description="x", owner_title="y", feature="teleport"),
            actor=head_of_service,
        )
    with pytest.raises(ActionPlanError, match="council staff"):
        services.action_add(
            complaint=complaint,
            facts=services.ActionFacts(description="x", owner_title="y", responsible=school_user),
            actor=head_of_service,
        )


def test_evidence_is_a_file_or_a_link_of_an_allowed_kind(
    action: Action, inclusion_officer: User, settings: object, tmp_path: object
) -> None:
    settings.MEDIA_ROOT = tmp_path  # type: ignore[attr-defined]
    pdf = SimpleUploadedFile("minutes.pdf", b"%PDF-1.4 minutes", content_type="application/pdf")
    evidence = services.evidence_add(action=action, actor=inclusion_officer, title="Minutes", file=pdf)
    assert evidence.file.name.endswith(".pdf")
    link = services.evidence_add(
        action=action,
        actor=inclusion_officer,
        title="Local Offer page",
        url="https://localoffer.northmoor.example/x",
    )
    assert link.url.startswith("https://")
    with pytest.raises(ActionPlanError, match="one, not both"):
        services.evidence_add(
            action=action, actor=inclusion_officer, title="Both", file=pdf, url="https://a.example"
        )
    with pytest.raises(ActionPlanError, match="must be a PDF"):
        services.evidence_add(
            action=action, actor=inclusion_officer, title="Script", file=SimpleUploadedFile("run.exe", b"MZ")
        )
    big = SimpleUploadedFile("big.pdf", b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ActionPlanError, match="smaller than 10 MB"):
        services.evidence_add(action=action, actor=inclusion_officer, title="Big", file=big)
    assert Evidence.objects.filter(action=action).count() == 2


def test_a_manager_in_any_team_may_manage_but_a_reader_may_not(
    complaint: Complaint, reader: User, teams: dict[str, Team]
) -> None:
    sen_manager = factories.staff(Role.MANAGER, Team.Kind.SEN)
    services.action_add(
        complaint=complaint, facts=services.ActionFacts(description="x", owner_title="y"), actor=sen_manager
    )
    with pytest.raises(ActionPlanError):
        services.action_add(
            complaint=complaint, facts=services.ActionFacts(description="x", owner_title="y"), actor=reader
        )


def test_a_full_disk_refuses_the_evidence_file_and_keeps_no_evidence_and_no_part_file(
    action: Action, inclusion_officer: User, settings: Any, tmp_path: Path, disk_full: None
) -> None:
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("minutes.pdf", b"%PDF-1.7\n" + b"x" * 12_000)
    with pytest.raises(ActionPlanError, match="could not be stored"):
        services.evidence_add(action=action, actor=inclusion_officer, title="Minutes", file=big)
    assert not action.evidence.exists()
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
