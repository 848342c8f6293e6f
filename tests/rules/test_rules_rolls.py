"""The roll rules (rules/rolls.py) at their boundaries: leaving dates, half-terms, two rolls."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.rules.calendar import calendar_for, default_terms
from rollcall.rules.rolls import (
    RollRefused,
    RollRow,
    RollStanding,
    deletion_return_due,
    left_without_notice,
    lost_reason,
    on_roll_at,
    roll_changes,
    snapshot_date_check,
)

AS_OF = dt.date(2026, 11, 18)  # a Wednesday in term
YESTERDAY = AS_OF - dt.timedelta(days=1)
TOMORROW = AS_OF + dt.timedelta(days=1)
SINCE = dt.date(2025, 9, 3)


def test_leaving_date_today_is_a_leaver_on_that_day() -> None:
    changes = roll_changes(previous={1: SINCE}, current={1: RollRow(SINCE, AS_OF)}, as_of=AS_OF)
    assert dict(changes.leavers) == {1: AS_OF}
    assert not changes.unchanged
    assert not changes.joiners


def test_leaving_date_yesterday_is_a_leaver_yesterday() -> None:
    changes = roll_changes(previous={1: SINCE}, current={1: RollRow(SINCE, YESTERDAY)}, as_of=AS_OF)
    assert dict(changes.leavers) == {1: YESTERDAY}


def test_leaving_date_tomorrow_changes_nothing_yet() -> None:
    changes = roll_changes(previous={1: SINCE}, current={1: RollRow(SINCE, TOMORROW)}, as_of=AS_OF)
    assert changes.unchanged == {1}
    assert not changes.leavers
    assert not changes.joiners
    assert on_roll_at(RollRow(SINCE, TOMORROW), AS_OF)
    assert not on_roll_at(RollRow(SINCE, AS_OF), AS_OF)


def test_absent_pupil_left_on_the_snapshot_date() -> None:
    changes = roll_changes(previous={1: SINCE, 2: SINCE}, current={2: RollRow(SINCE)}, as_of=AS_OF)
    assert dict(changes.leavers) == {1: AS_OF}
    assert changes.unchanged == {2}


def test_leaving_date_before_the_spell_began_never_ends_the_spell_before_it_starts() -> None:
    changes = roll_changes(previous={1: AS_OF}, current={1: RollRow(SINCE, dt.date(2025, 1, 1))}, as_of=AS_OF)
    assert dict(changes.leavers) == {1: AS_OF}


def test_joiner_joins_on_the_admission_date_or_the_snapshot_date() -> None:
    changes = roll_changes(
        previous={},
        current={1: RollRow(YESTERDAY), 2: RollRow(None), 3: RollRow(TOMORROW)},
        as_of=AS_OF,
    )
    assert dict(changes.joiners) == {1: YESTERDAY, 2: AS_OF, 3: AS_OF}


def test_new_pupil_who_has_already_left_is_neither_joiner_nor_leaver() -> None:
    changes = roll_changes(previous={}, current={1: RollRow(SINCE, YESTERDAY)}, as_of=AS_OF)
    assert not changes.joiners
    assert not changes.leavers
    assert not changes.unchanged


def test_same_roll_twice_changes_nothing() -> None:
    rows = {n: RollRow(SINCE) for n in range(5)}
    changes = roll_changes(previous=dict.fromkeys(range(5), SINCE), current=rows, as_of=AS_OF)
    assert changes.unchanged == frozenset(range(5))
    assert not changes.joiners
    assert not changes.leavers


def test_pupil_on_two_rolls_is_judged_per_school() -> None:
    # Dual registration: leaving school A says nothing about school B's roll.
    school_a = roll_changes(previous={1: SINCE}, current={}, as_of=AS_OF)
    school_b = roll_changes(previous={1: SINCE}, current={1: RollRow(SINCE)}, as_of=AS_OF)
    assert dict(school_a.leavers) == {1: AS_OF}
    assert school_b.unchanged == {1}
    standing = RollStanding(dt.date(2015, 5, 1), was_on_roll_in_area=True, on_roll_now=True)
    assert lost_reason(standing, AS_OF) is None


def test_snapshot_older_than_the_last_is_refused_with_the_dates() -> None:
    with pytest.raises(
        RollRefused, match="dated 17 November 2026, before the roll already loaded for 18 November 2026"
    ):
        snapshot_date_check(school="Oak Primary", as_of=YESTERDAY, latest=AS_OF)
    snapshot_date_check(school="Oak Primary", as_of=AS_OF, latest=AS_OF)
    snapshot_date_check(school="Oak Primary", as_of=TOMORROW, latest=AS_OF)
    snapshot_date_check(school="Oak Primary", as_of=YESTERDAY, latest=None)


def test_left_without_notice_is_a_leaver_with_no_removal_notice() -> None:
    leavers = {1: AS_OF, 2: AS_OF, 3: YESTERDAY}
    assert left_without_notice(leavers=leavers, noticed={2, 9}) == {1, 3}
    assert left_without_notice(leavers={}, noticed={1}) == frozenset()


def test_deletion_return_due_in_school_days_from_a_half_term() -> None:
    calendar = calendar_for(default_terms(2026))
    # The October half-term 2026 begins Monday 26 October; school resumes Monday 2 November.
    in_half_term = dt.date(2026, 10, 28)
    assert not calendar.is_school_day(in_half_term)
    assert deletion_return_due(calendar, in_half_term, 5) == dt.date(2026, 11, 6)
    # From a school day, day 0 is that day.
    assert deletion_return_due(calendar, AS_OF, 5) == dt.date(2026, 11, 25)
    assert deletion_return_due(calendar, AS_OF, 0) == AS_OF


DOB = dt.date(2015, 5, 1)  # 11 on AS_OF: of compulsory school age


@pytest.mark.parametrize(
    ("standing", "lost"),
    [
        (RollStanding(DOB, was_on_roll_in_area=True, on_roll_now=False), True),
        (RollStanding(DOB, was_on_roll_in_area=False, on_roll_now=False), False),
        (RollStanding(DOB, was_on_roll_in_area=True, on_roll_now=True), False),
        (RollStanding(DOB, was_on_roll_in_area=True, on_roll_now=False, destination_known=True), False),
        (
            RollStanding(DOB, was_on_roll_in_area=True, on_roll_now=False, open_case_owned_and_dated=True),
            False,
        ),
        # Too young: not yet of compulsory school age (starts 31 August after the fifth birthday).
        (RollStanding(dt.date(2022, 1, 1), was_on_roll_in_area=True, on_roll_now=False), False),
        # Past the last Friday in June of the school year they turned 16.
        (RollStanding(dt.date(2010, 1, 1), was_on_roll_in_area=True, on_roll_now=False), False),
    ],
)
def test_nobody_lost_between_rolls(standing: RollStanding, lost: bool) -> None:
    assert (lost_reason(standing, AS_OF) is not None) is lost


def test_nobody_lost_at_the_edges_of_compulsory_school_age() -> None:
    # Born 1 September 2010: turns 16 on 1 September 2026, so stays of compulsory age until the
    # last Friday in June 2027 (25 June 2027) and is free the day after.
    dob = dt.date(2010, 9, 1)
    standing = RollStanding(dob, was_on_roll_in_area=True, on_roll_now=False)
    assert lost_reason(standing, dt.date(2027, 6, 25)) is not None
    assert lost_reason(standing, dt.date(2027, 6, 26)) is None
