"""Elective home education and the school attendance order route: every deadline at its edges."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollcall.rules.calendar import calendar_for, default_terms
from rollcall.rules.home_education import (
    CLOSING_EVENTS,
    Consent,
    EHETimescales,
    Step,
    add_months,
    choice_period_end,
    closes_process,
    consent_decision_due,
    consent_needed,
    earliest_next_step,
    first_contact_due,
    informal_enquiry_reply_due,
    next_review_due,
    notification_check_due,
    order_serve_due,
    preliminary_notice_period_end,
    prosecution_follow_up_due,
    step_deadline,
)

# Autumn 2026: half-term 26-30 October, term ends Friday 18 December; spring 2027 starts Monday
# 4 January; the early-May bank holiday (3 May 2027) falls inside the summer term.
CAL = calendar_for([term for year in (2025, 2026, 2027) for term in default_terms(year)])


# ---- first contact (school days, day 0 is the day the council heard) ------------------------


def test_first_contact_is_due_ten_school_days_after_the_council_hears() -> None:
    assert first_contact_due(CAL, date(2026, 11, 2)) == date(2026, 11, 16)


def test_first_contact_skips_the_october_half_term() -> None:
    # Friday 16 October: 19-23 October are days 1-5, half-term does not count, 2-6 November 6-10.
    assert first_contact_due(CAL, date(2026, 10, 16)) == date(2026, 11, 6)


def test_first_contact_skips_the_early_may_bank_holiday() -> None:
    # Monday 26 April 2027: 27-30 April are days 1-4, 3 May is a bank holiday, 4-7 May 5-8.
    assert first_contact_due(CAL, date(2027, 4, 26)) == date(2027, 5, 11)


def test_first_contact_heard_in_the_christmas_holiday_counts_from_the_spring_term() -> None:
    assert first_contact_due(CAL, date(2026, 12, 19)) == date(2027, 1, 15)


def test_the_ninth_school_day_is_not_yet_the_deadline() -> None:
    due = first_contact_due(CAL, date(2026, 11, 2))
    assert CAL.school_days_between(date(2026, 11, 2), date(2026, 11, 13)) == 9
    assert date(2026, 11, 13) < due


def test_the_council_sets_its_own_first_contact_period() -> None:
    assert first_contact_due(CAL, date(2026, 11, 2), EHETimescales(first_contact_school_days=5)) == date(
        2026, 11, 9
    )


@given(st.dates(date(2026, 1, 1), date(2027, 6, 30)), st.integers(0, 40))
def test_first_contact_is_always_exactly_the_set_number_of_school_days_on(heard: date, days: int) -> None:
    due = first_contact_due(CAL, heard, EHETimescales(first_contact_school_days=days))
    assert CAL.school_days_between(heard, due) == days
    if days:
        assert CAL.is_school_day(due)


# ---- the review (calendar months) -------------------------------------------------------------


def test_the_review_is_a_year_after_the_last_contact_by_default() -> None:
    assert next_review_due(date(2026, 3, 15)) == date(2027, 3, 15)


def test_a_review_from_a_leap_day_falls_on_the_last_day_of_february() -> None:
    assert next_review_due(date(2028, 2, 29)) == date(2029, 2, 28)


def test_a_review_may_fall_in_the_summer_holiday() -> None:
    # The family home educates all year: a calendar date, not a school day.
    assert next_review_due(date(2026, 8, 10)) == date(2027, 8, 10)


def test_a_six_monthly_review_clamps_to_the_month_end() -> None:
    assert next_review_due(date(2026, 8, 31), EHETimescales(review_interval_months=6)) == date(2027, 2, 28)


def test_adding_months_crosses_the_year() -> None:
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)
    assert add_months(date(2026, 1, 31), 0) == date(2026, 1, 31)


def test_adding_negative_months_is_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_months(date(2026, 1, 1), -1)


@pytest.mark.parametrize("months", [0, 13])
def test_the_review_interval_is_between_one_month_and_a_year(months: int) -> None:
    with pytest.raises(ValueError, match="at least annually"):
        EHETimescales(review_interval_months=months)


# ---- the preliminary notice (s.437(2): >= 15 days beginning with the day of service) ---------


def test_a_notice_served_on_the_first_runs_to_the_end_of_the_fifteenth() -> None:
    assert preliminary_notice_period_end(date(2027, 3, 1)) == date(2027, 3, 15)
    assert earliest_next_step(date(2027, 3, 15)) == date(2027, 3, 16)


def test_the_notice_period_counts_half_term_days() -> None:
    # Served Friday 23 October 2026, the last day before half-term: calendar days all count.
    assert preliminary_notice_period_end(date(2026, 10, 23)) == date(2026, 11, 6)


def test_the_notice_period_counts_christmas_and_bank_holidays() -> None:
    assert preliminary_notice_period_end(date(2026, 12, 18)) == date(2027, 1, 1)


def test_the_notice_period_runs_across_the_end_of_february_in_a_leap_year() -> None:
    assert preliminary_notice_period_end(date(2028, 2, 20)) == date(2028, 3, 5)


def test_a_council_may_give_a_longer_notice_period() -> None:
    assert preliminary_notice_period_end(date(2027, 3, 1), EHETimescales(preliminary_notice_days=21)) == date(
        2027, 3, 21
    )


def test_a_notice_period_under_fifteen_days_is_unlawful() -> None:
    with pytest.raises(ValueError, match=r"s\.437\(2\)"):
        EHETimescales(preliminary_notice_days=14)


@given(st.dates(date(2020, 1, 1), date(2035, 12, 31)), st.integers(15, 60))
def test_the_notice_period_holds_exactly_its_days_including_the_service_day(served: date, days: int) -> None:
    end = preliminary_notice_period_end(served, EHETimescales(preliminary_notice_days=days))
    assert (end - served).days + 1 == days


# ---- the notice of intention (s.438: 15 days beginning with service to choose a school) ------


def test_the_choice_period_ends_on_the_fifteenth_day_counting_the_service_day() -> None:
    assert choice_period_end(date(2026, 11, 2)) == date(2026, 11, 16)


def test_the_choice_period_runs_through_christmas() -> None:
    assert choice_period_end(date(2026, 12, 24)) == date(2027, 1, 7)


def test_a_choice_period_of_zero_days_is_refused() -> None:
    with pytest.raises(ValueError, match="choice period"):
        EHETimescales(choice_period_days=0)


# ---- serving the order (school days after the choice period, a setting) ---------------------


def test_the_order_is_due_ten_school_days_after_the_choice_period_ends() -> None:
    assert order_serve_due(CAL, date(2026, 11, 16)) == date(2026, 11, 30)


def test_the_order_deadline_skips_half_term() -> None:
    # Choice period ends Friday 23 October 2026; half-term does not count.
    assert order_serve_due(CAL, date(2026, 10, 23)) == date(2026, 11, 13)


def test_the_order_deadline_from_a_choice_period_ending_in_the_holiday() -> None:
    assert order_serve_due(CAL, date(2027, 1, 1)) == date(2027, 1, 15)


def test_negative_timescales_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        EHETimescales(serve_order_school_days=-1)


# ---- the informal enquiry --------------------------------------------------------------------


def test_the_informal_enquiry_reply_is_due_fifteen_school_days_on() -> None:
    # Sent Monday 19 October 2026: 20-23 October are days 1-4, half-term, then 11 more.
    assert informal_enquiry_reply_due(CAL, date(2026, 10, 19)) == date(2026, 11, 16)


def test_the_informal_enquiry_reply_skips_the_early_may_bank_holiday() -> None:
    # Sent Monday 26 April 2027: Monday 3 May is a bank holiday, so the 15th school day is 18 May.
    assert informal_enquiry_reply_due(CAL, date(2027, 4, 26)) == date(2027, 5, 18)


def test_the_fourteenth_school_day_is_not_yet_the_reply_date() -> None:
    due = informal_enquiry_reply_due(CAL, date(2026, 10, 19))
    assert (
        informal_enquiry_reply_due(CAL, date(2026, 10, 19), EHETimescales(informal_enquiry_school_days=14))
        < due
    )


# ---- the council's consent, checking a parent's notification, following a prosecution --------


def test_consent_is_decided_within_five_school_days_skipping_half_term() -> None:
    # Opened Thursday 22 October 2026: 23 October is day 1, half-term, then 2-5 November.
    assert consent_decision_due(CAL, date(2026, 10, 22)) == date(2026, 11, 5)


def test_a_notification_received_before_a_bank_holiday_weekend_is_checked_after_it() -> None:
    # Received Friday 30 April 2027: Monday 3 May is a bank holiday; days 1-2 are 4 and 5 May.
    assert notification_check_due(CAL, date(2027, 4, 30)) == date(2027, 5, 5)


def test_a_notification_received_in_the_christmas_holiday_counts_from_the_spring_term() -> None:
    assert notification_check_due(CAL, date(2026, 12, 28)) == date(2027, 1, 5)


def test_a_prosecution_is_followed_up_twenty_school_days_on() -> None:
    # Referred Monday 16 November 2026: 20 school days is Monday 14 December.
    assert prosecution_follow_up_due(CAL, date(2026, 11, 16)) == date(2026, 12, 14)
    # Referred Friday 11 December: 5 days to the end of term, then 15 from 4 January 2027.
    assert prosecution_follow_up_due(CAL, date(2026, 12, 11)) == date(2027, 1, 22)


@pytest.mark.parametrize(
    "field",
    ["consent_decision_school_days", "confirm_notification_school_days", "prosecution_follow_up_school_days"],
)
def test_these_timescales_cannot_be_negative(field: str) -> None:
    with pytest.raises(ValueError, match="negative"):
        EHETimescales(**{field: -1})


# ---- every step's deadline from one function --------------------------------------------------


@pytest.mark.parametrize(
    ("step", "served", "due"),
    [
        (Step.INFORMAL_ENQUIRY, date(2026, 10, 19), date(2026, 11, 16)),
        (Step.PRELIMINARY_NOTICE, date(2026, 10, 23), date(2026, 11, 6)),
        (Step.NOTICE_OF_INTENTION, date(2026, 12, 24), date(2027, 1, 7)),
        (Step.ORDER, date(2026, 10, 23), date(2026, 11, 13)),
        # s.440 amendment: 10 school days to check the new school has registered the child;
        # served the Friday before half-term, the week of half-term does not count.
        (Step.AMENDMENT, date(2026, 10, 23), date(2026, 11, 13)),
        (Step.AMENDMENT, date(2026, 11, 2), date(2026, 11, 16)),
    ],
)
def test_each_step_has_its_deadline_in_the_units_the_law_uses(step: Step, served: date, due: date) -> None:
    assert step_deadline(step, CAL, served) == due


def test_the_calendar_day_steps_ignore_the_school_calendar() -> None:
    empty = calendar_for([], extra_years=[2026])
    served = date(2026, 10, 23)
    for step in (Step.PRELIMINARY_NOTICE, Step.NOTICE_OF_INTENTION):
        assert step_deadline(step, empty, served) == step_deadline(step, CAL, served)
        assert step_deadline(step, CAL, served) == served + timedelta(days=14)


# ---- what closes the route ------------------------------------------------------------------


@pytest.mark.parametrize("event", ["on_roll", "satisfied", "revoked", "moved_away", "over_age", "died"])
def test_these_events_close_the_route(event: str) -> None:
    assert closes_process(event)
    assert CLOSING_EVENTS[event]


@pytest.mark.parametrize("event", ["amended", "prosecution_referral", "notice_served", ""])
def test_amending_or_prosecuting_keeps_the_order_in_force(event: str) -> None:
    assert not closes_process(event)


# ---- consent before deletion ------------------------------------------------------------------


def test_a_mainstream_pupil_needs_no_consent_even_with_an_ehc_plan() -> None:
    assert consent_needed(special_school_council_arranged=False, named_in_attendance_order=False) is None


def test_a_council_arranged_special_school_place_needs_the_councils_consent() -> None:
    assert (
        consent_needed(special_school_council_arranged=True, named_in_attendance_order=False)
        is Consent.SPECIAL_SCHOOL
    )


def test_a_school_named_in_an_order_waits_for_revocation_or_amendment() -> None:
    assert (
        consent_needed(special_school_council_arranged=True, named_in_attendance_order=True)
        is Consent.NAMED_IN_ORDER
    )


def test_child_protection_needs_consent_only_once_section_434a_commences() -> None:
    kwargs = {"special_school_council_arranged": False, "named_in_attendance_order": False}
    assert consent_needed(**kwargs, section_47_or_protection_plan=True) is None
    assert (
        consent_needed(**kwargs, section_47_or_protection_plan=True, section_434a_in_force=True)
        is Consent.SAFEGUARDING
    )
