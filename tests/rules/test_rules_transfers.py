"""Moves to another council: the acknowledgement deadline, what moves, when a message is believed,
and the CTF destination codes."""

from __future__ import annotations

import datetime as dt
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollcall.rules.calendar import calendar_for, default_terms
from rollcall.rules.transfers import (
    DEFAULT_TRANSFER_SETTINGS,
    LOST_PUPILS_DESTINATION,
    OUTSIDE_MAINTAINED_SECTOR_DESTINATION,
    MovingTask,
    TransferSettings,
    acknowledgement_due,
    ctf_destination,
    escalation_due,
    is_la_code,
    message_problem,
    tasks_that_move,
)

CAL = calendar_for([term for year in (2025, 2026, 2027) for term in default_terms(year)])
UTC = dt.UTC


def test_the_other_council_has_ten_school_days_to_acknowledge_by_default() -> None:
    # Monday 2 November 2026, in term: ten school days on is Monday 16 November.
    assert acknowledgement_due(CAL, date(2026, 11, 2), DEFAULT_TRANSFER_SETTINGS) == date(2026, 11, 16)


def test_the_deadline_skips_the_christmas_holiday() -> None:
    sent = date(2026, 12, 14)
    due = acknowledgement_due(CAL, sent, DEFAULT_TRANSFER_SETTINGS)
    assert due.year == 2027
    assert CAL.school_days_between(sent, due) == 10


def test_it_escalates_the_day_after_the_deadline_and_not_on_it() -> None:
    sent = date(2026, 11, 2)
    assert not escalation_due(CAL, sent, date(2026, 11, 16), DEFAULT_TRANSFER_SETTINGS)
    assert escalation_due(CAL, sent, date(2026, 11, 17), DEFAULT_TRANSFER_SETTINGS)


def test_the_deadline_is_a_council_setting() -> None:
    quick = TransferSettings(acknowledge_within_school_days=2)
    assert acknowledgement_due(CAL, date(2026, 11, 2), quick) == date(2026, 11, 4)


@pytest.mark.parametrize(
    "bad",
    [
        {"acknowledge_within_school_days": 0},
        {"letter_follow_up_school_days": 0},
        {"message_window_seconds": 0},
    ],
)
def test_settings_refuse_nonsense(bad: dict[str, int]) -> None:
    with pytest.raises(ValueError, match="at least 1"):
        TransferSettings(**bad)


def test_open_work_moves_with_its_dates_and_the_sending_councils_own_handling_stays() -> None:
    tasks = [
        MovingTask("enquiries_complete", "Complete reasonable enquiries", date(2026, 11, 30)),
        MovingTask("transfer_acknowledgement", "Wait for the new council", date(2026, 11, 16)),
        MovingTask("first_enquiry", "Make the first enquiry", date(2026, 11, 3)),
        MovingTask("approve_closure", "Approve or return", date(2026, 11, 4)),
        MovingTask("confirm_on_roll", "Check the roll", date(2026, 11, 4)),
        MovingTask("transfer_letter_follow_up", "Follow up the letter", date(2026, 11, 16)),
    ]
    moved = tasks_that_move(tasks)
    assert [(t.code, t.due) for t in moved] == [
        ("first_enquiry", date(2026, 11, 3)),
        ("enquiries_complete", date(2026, 11, 30)),
    ]


@given(
    st.lists(
        st.builds(
            MovingTask,
            code=st.sampled_from(["first_enquiry", "review", "approve_closure", "transfer_acknowledgement"]),
            title=st.text(max_size=5),
            due=st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31)),
        ),
        max_size=12,
    )
)
def test_every_moved_task_keeps_its_due_date_and_none_is_invented(tasks: list[MovingTask]) -> None:
    moved = tasks_that_move(tasks)
    assert all(t in tasks for t in moved)
    assert [t.due for t in moved] == sorted(t.due for t in moved)
    assert len(moved) == sum(1 for t in tasks if t.code in {"first_enquiry", "review"})


NOW = dt.datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def _problem(**overrides: object) -> str | None:
    facts: dict[str, object] = {
        "sent_at": NOW - dt.timedelta(seconds=5),
        "now": NOW,
        "window_seconds": 300,
        "recipient": "856",
        "our_code": "856",
        "seen_before": False,
    }
    facts.update(overrides)
    return message_problem(**facts)  # type: ignore[arg-type]


def test_a_fresh_message_to_us_is_accepted() -> None:
    assert _problem() is None


def test_a_message_for_another_council_is_refused() -> None:
    assert _problem(recipient="855") == ("The message is addressed to council 855, not to this council (856)")


@pytest.mark.parametrize("offset", [-301, 301, 3600])
def test_a_message_outside_the_window_either_way_is_refused(offset: int) -> None:
    problem = _problem(sent_at=NOW + dt.timedelta(seconds=offset))
    assert problem is not None
    assert "300 seconds" in problem


@pytest.mark.parametrize("offset", [-300, 0, 300])
def test_the_window_edges_are_inside(offset: int) -> None:
    assert _problem(sent_at=NOW + dt.timedelta(seconds=offset)) is None


def test_a_replay_is_refused() -> None:
    assert _problem(seen_before=True) == "This message has been received before: a replay is refused"


def test_naive_times_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="time zone"):
        _problem(sent_at=dt.datetime(2026, 11, 2, 10, 0))


def test_a_pupil_with_no_known_school_goes_to_the_lost_pupils_database() -> None:
    assert ctf_destination(la_code="856", establishment=None) == ("XXX", "XXXX")
    assert ctf_destination(la_code=None, establishment=None) == LOST_PUPILS_DESTINATION


def test_a_known_school_gets_its_own_codes_and_outside_the_sector_gets_mmm() -> None:
    assert ctf_destination(la_code="856", establishment="2001") == ("856", "2001")
    assert ctf_destination(la_code="856", establishment="2001", outside_maintained_sector=True) == (
        OUTSIDE_MAINTAINED_SECTOR_DESTINATION
    )
    assert ctf_destination(la_code="85", establishment="2001") == LOST_PUPILS_DESTINATION


@pytest.mark.parametrize(
    ("code", "ok"),
    [("855", True), ("201", True), ("85", False), ("85a", False), ("\uff18\uff15\uff15", False)],
)
def test_la_code_shape(code: str, ok: bool) -> None:
    assert is_la_code(code) is ok
