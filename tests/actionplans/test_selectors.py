"""Reading action plans: progress as of a past date, by quarter, the overdue list, the report."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from rollcall.accounts.models import User
from rollcall.actionplans import selectors, services
from rollcall.actionplans.models import Action, Complaint

pytestmark = pytest.mark.django_db


def _at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, dt.time(12, 0), tzinfo=dt.UTC), tick=False)


@pytest.fixture
def history(head_of_service: User) -> Complaint:
    """A plan recorded in March 2026 with three actions whose statuses change over the year."""
    with _at(dt.date(2026, 3, 10)):
        complaint = services.complaint_record(
            facts=services.ComplaintFacts(reference="25 100 200", title="Plan"), actor=head_of_service
        )
        a, b, c = (
            services.action_add(
                complaint=complaint,
                facts=services.ActionFacts(description=f"Action {n}", owner_title="Head", due_on=due),
                actor=head_of_service,
            )
            for n, due in ((1, dt.date(2026, 6, 30)), (2, dt.date(2026, 9, 30)), (3, None))
        )
    with _at(dt.date(2026, 5, 20)):
        services.action_update(
            action=a, actor=head_of_service, status="in_progress", rag="amber", text="Started."
        )
    with _at(dt.date(2026, 8, 4)):
        services.action_update(action=a, actor=head_of_service, status="complete", rag="green", text="Done.")
        services.action_update(action=b, actor=head_of_service, status="in_progress", rag="red", text="Late.")
    with _at(dt.date(2026, 11, 16)):
        # Recorded in November, about October: it counts from October.
        services.action_update(
            action=c,
            actor=head_of_service,
            status="in_progress",
            rag="green",
            text="Started in October.",
            happened_on=dt.date(2026, 10, 5),
        )
    return complaint


def _only(as_of: dt.date) -> selectors.ComplaintProgress:
    [row] = selectors.progress(as_of)
    return row


def test_progress_as_of_a_past_date_reads_the_dated_updates(history: Complaint) -> None:
    march = _only(dt.date(2026, 3, 31))
    assert (march.total, march.not_started, march.complete) == (3, 3, 0)
    assert march.not_rated == 3
    june = _only(dt.date(2026, 6, 30))
    assert (june.in_progress, june.not_started, june.amber) == (1, 2, 1)
    assert june.overdue == 0  # action 1 is due on 30 June: overdue from the next day
    july = _only(dt.date(2026, 7, 1))
    assert july.overdue == 1
    september = _only(dt.date(2026, 9, 30))
    assert dict(september.by_status) == {"complete": 1, "in_progress": 1, "not_started": 1, "not_stated": 0}
    assert dict(september.by_rag) == {"red": 1, "amber": 0, "green": 1, "": 1}
    assert september.overdue == 0
    october = _only(dt.date(2026, 10, 31))
    assert (october.in_progress, october.overdue, october.green) == (2, 1, 2)


def test_nothing_counts_before_the_complaint_was_recorded(history: Complaint) -> None:
    assert selectors.progress(dt.date(2026, 3, 9)) == []


def test_progress_today_agrees_with_the_actions_current_columns(history: Complaint) -> None:
    today = _only(dt.date(2026, 11, 16))
    actions = list(Action.objects.filter(complaint=history))
    assert today.complete == sum(a.status == "complete" for a in actions)
    assert today.in_progress == sum(a.status == "in_progress" for a in actions)
    assert today.red == sum(a.rag == "red" for a in actions)
    assert today.overdue == sum(a.is_overdue(dt.date(2026, 11, 16)) for a in actions)


def test_progress_by_quarter_gives_one_point_per_quarter_end_and_today(history: Complaint) -> None:
    points = selectors.progress_by_quarter([history.pk], today=dt.date(2026, 11, 16))[history.pk]
    assert [p.label for p in points] == ["Q1 2026", "Q2 2026", "Q3 2026", "Q4 2026 (to 16 Nov)"]
    assert [p.by_status["complete"] for p in points] == [0, 0, 1, 1]
    assert [p.by_status["in_progress"] for p in points] == [0, 1, 1, 2]


def test_progress_is_two_queries_however_many_actions(
    history: Complaint, head_of_service: User, django_assert_num_queries: object
) -> None:
    for n in range(10):
        services.action_add(
            complaint=history,
            facts=services.ActionFacts(description=f"More {n}", owner_title="Head"),
            actor=head_of_service,
        )
    with django_assert_num_queries(2):  # type: ignore[operator]
        selectors.progress(dt.date(2026, 11, 16))


def test_the_overdue_list_is_oldest_first_and_leaves_out_complete_actions(history: Complaint) -> None:
    overdue = list(selectors.overdue_actions(dt.date(2026, 11, 16)))
    assert [a.description for a in overdue] == ["Action 2"]


def test_the_scrutiny_report_has_every_action_with_its_latest_update(
    history: Complaint, frozen_clock: object
) -> None:
    report = selectors.scrutiny_report(today=dt.date(2026, 11, 16))
    [c] = report.complaints
    assert [a.number for a in c.actions] == [1, 2, 3]
    one, two, three = c.actions
    assert (one.status_label, one.rag_label, one.latest_update) == ("Complete", "Green", "Done.")
    assert (two.overdue, two.latest_update_date) == (True, "4 August 2026")
    assert three.latest_update == "Started in October."
    assert three.due_label == "No date given"
    assert report.totals["total"] == 3
    assert report.totals["rag_not_rated"] == 0
