"""Elective home education and the school attendance order route: the dates that follow.

Sources (DOMAIN.md, "Elective home education" and "School attendance orders"):

- Education Act 1996 s.7 (the parent's duty), s.436A (the council's duty to identify children not
  receiving suitable education); DfE *Elective home education: departmental guidance for local
  authorities* (April 2019, non-statutory): informal enquiries first, contact **at least
  annually** *(paragraph to confirm)*.
- First contact with the family: no deadline in law; Roll Call's default is **10 school days** after
  the council hears (local practice, *to confirm*), a council setting.
- s.437(1)-(2): the notice to satisfy the council (the CWS Act 2026 s.39 "preliminary notice") gives
  a period **not less than 15 days beginning with the day of service**: calendar days, the day of
  service is day 1, so a notice served on 1 March runs to the end of 15 March.
- s.438: after a notice of intention naming a school, the parent has **15 days beginning with
  service** to choose another school (calendar days, the service day counts).
- s.437(3): the council serves the order after both periods; no maximum in law. Roll Call's default
  is **10 school days** after the choice period ends (a setting).
- s.442 revocation, s.440 amendment, s.443 prosecution (the council must first consider an
  education supervision order, s.447).

The informal enquiry has no period in law; the council's letter gives one (default **15 school
days**, local practice, *to confirm*).

Every timescale is a parameter whose default is the value above; the Django side passes in the
council's settings. Pure Python: no Django import.
"""

from __future__ import annotations

import calendar as _calendar
import enum
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType

from rollcall.rules.calendar import SchoolCalendar

__all__ = [
    "CLOSING_EVENTS",
    "DEFAULT_EHE_TIMESCALES",
    "STATUTORY_MINIMUM_NOTICE_DAYS",
    "Consent",
    "EHETimescales",
    "Step",
    "add_months",
    "choice_period_end",
    "closes_process",
    "consent_decision_due",
    "consent_needed",
    "earliest_next_step",
    "first_contact_due",
    "informal_enquiry_reply_due",
    "next_review_due",
    "notification_check_due",
    "order_serve_due",
    "preliminary_notice_period_end",
    "prosecution_follow_up_due",
    "step_deadline",
]

# s.437(2): the period in the notice is "not less than 15 days"; a council may give longer.
STATUTORY_MINIMUM_NOTICE_DAYS = 15


@dataclass(frozen=True)
class EHETimescales:
    """A council's timescales for home education and the attendance order route.

    ``first_contact_school_days`` and ``informal_enquiry_school_days`` count school days (day 0 is
    the trigger); ``review_interval_months`` counts calendar months; the two notice periods count
    calendar days beginning with the day of service (s.437(2), s.438);
    ``serve_order_school_days`` counts school days after the choice period ends.
    """

    first_contact_school_days: int = 10
    review_interval_months: int = 12
    informal_enquiry_school_days: int = 15
    preliminary_notice_days: int = STATUTORY_MINIMUM_NOTICE_DAYS
    choice_period_days: int = 15
    serve_order_school_days: int = 10
    consent_decision_school_days: int = 5
    """School days to decide the council's consent for a special-school place (local practice)."""
    confirm_notification_school_days: int = 2
    """School days for the EHE team to check a parent's notification (local practice)."""
    prosecution_follow_up_school_days: int = 20
    """School days after a referral for prosecution (s.443) before the officer checks its progress."""

    def __post_init__(self) -> None:
        for name in (
            "first_contact_school_days",
            "informal_enquiry_school_days",
            "serve_order_school_days",
            "choice_period_days",
            "consent_decision_school_days",
            "confirm_notification_school_days",
            "prosecution_follow_up_school_days",
        ):
            if getattr(self, name) < 0:
                msg = f"A timescale cannot be negative; got {getattr(self, name)} for {name}"
                raise ValueError(msg)
        if not 1 <= self.review_interval_months <= 12:
            msg = (
                "The review interval must be between 1 and 12 months (the guidance asks for contact "
                f"at least annually); got {self.review_interval_months}"
            )
            raise ValueError(msg)
        if self.preliminary_notice_days < STATUTORY_MINIMUM_NOTICE_DAYS:
            msg = (
                "The period in a notice to satisfy the council cannot be less than "
                f"{STATUTORY_MINIMUM_NOTICE_DAYS} days (Education Act 1996 s.437(2)); "
                f"got {self.preliminary_notice_days}"
            )
            raise ValueError(msg)
        if self.choice_period_days < 1:
            msg = f"The parents' choice period must be at least 1 day; got {self.choice_period_days}"
            raise ValueError(msg)


DEFAULT_EHE_TIMESCALES = EHETimescales()


def first_contact_due(
    calendar: SchoolCalendar, opened_on: date, t: EHETimescales = DEFAULT_EHE_TIMESCALES
) -> date:
    """The date the council's first contact with a home-educating family is due.

    No deadline in law; the default of 10 school days after the council heard (day 0) is local
    practice *(to confirm)*. Half-terms, holidays and bank holidays do not count.
    """
    return calendar.add_school_days(opened_on, t.first_contact_school_days)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` calendar months later, clamped to that month's end
    (29 February + 12 months = 28 February)."""
    if months < 0:
        msg = f"Cannot add a negative number of months; got {months}"
        raise ValueError(msg)
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


def next_review_due(last_contact: date, t: EHETimescales = DEFAULT_EHE_TIMESCALES) -> date:
    """The next suitability review: ``review_interval_months`` calendar months after the last
    review or contact (DfE 2019 guidance: at least annually). Calendar months, holidays included:
    the family is home educating all year."""
    return add_months(last_contact, t.review_interval_months)


def informal_enquiry_reply_due(
    calendar: SchoolCalendar, sent_on: date, t: EHETimescales = DEFAULT_EHE_TIMESCALES
) -> date:
    """The date the council's informal enquiry letter asks the family to reply by (no period in
    law; default 15 school days, local practice *to confirm*)."""
    return calendar.add_school_days(sent_on, t.informal_enquiry_school_days)


def _period_end(served_on: date, days: int) -> date:
    """The last day of a period of ``days`` days "beginning with the day of service"."""
    return served_on + timedelta(days=days - 1)


def preliminary_notice_period_end(served_on: date, t: EHETimescales = DEFAULT_EHE_TIMESCALES) -> date:
    """The last day the parent has to satisfy the council after a notice under s.437(1) (the CWS
    Act 2026 "preliminary notice"): not less than 15 days beginning with the day of service, so
    the service day is day 1 and a notice served on 1 March runs to the end of 15 March. Calendar
    days: weekends, holidays and bank holidays all count."""
    return _period_end(served_on, t.preliminary_notice_days)


def choice_period_end(served_on: date, t: EHETimescales = DEFAULT_EHE_TIMESCALES) -> date:
    """The last day the parent may choose another school after a notice of intention (s.438(3)-(4):
    15 days beginning with the day of service; calendar days, the service day counts)."""
    return _period_end(served_on, t.choice_period_days)


def earliest_next_step(period_end: date) -> date:
    """The first day the council may act once a period has run out: the day after its last day."""
    return period_end + timedelta(days=1)


def order_serve_due(
    calendar: SchoolCalendar, choice_period_ends: date, t: EHETimescales = DEFAULT_EHE_TIMESCALES
) -> date:
    """The date by which the council should serve the order once the choice period has ended
    (s.437(3) sets no maximum; default 10 school days, a setting)."""
    return calendar.add_school_days(choice_period_ends, t.serve_order_school_days)


def consent_decision_due(
    calendar: SchoolCalendar, opened_on: date, t: EHETimescales = DEFAULT_EHE_TIMESCALES
) -> date:
    """The date the council decides its consent to home education for a pupil at a special
    school it arranged (no period in law; default 5 school days, local practice *to confirm*)."""
    return calendar.add_school_days(opened_on, t.consent_decision_school_days)


def notification_check_due(
    calendar: SchoolCalendar, received_on: date, t: EHETimescales = DEFAULT_EHE_TIMESCALES
) -> date:
    """The date the EHE team checks a parent's notification by (default 2 school days)."""
    return calendar.add_school_days(received_on, t.confirm_notification_school_days)


def prosecution_follow_up_due(
    calendar: SchoolCalendar, referred_on: date, t: EHETimescales = DEFAULT_EHE_TIMESCALES
) -> date:
    """The date the officer checks a referral for prosecution (s.443) has moved on (default 20
    school days; the court sets its own dates)."""
    return calendar.add_school_days(referred_on, t.prosecution_follow_up_school_days)


class Step(enum.StrEnum):
    """The steps of the route when education may not be suitable, in order."""

    INFORMAL_ENQUIRY = "informal_enquiry"
    PRELIMINARY_NOTICE = "preliminary_notice"
    NOTICE_OF_INTENTION = "notice_of_intention"
    ORDER = "order"
    AMENDMENT = "amendment"
    """s.440: the order amended to name the school where the parents obtained a place."""


def step_deadline(
    step: Step, calendar: SchoolCalendar, served_on: date, t: EHETimescales = DEFAULT_EHE_TIMESCALES
) -> date:
    """The date the step served or sent on ``served_on`` runs to, as the law or the council says.

    - informal enquiry: the reply the letter asks for (school days);
    - preliminary notice: the end of the period to satisfy the council (calendar days, s.437(2));
    - notice of intention: the end of the parents' choice period (calendar days, s.438);
    - order: the date by which the council should serve it, counted from the day it was decided
      (school days after the choice period; ``served_on`` is the choice period's last day);
    - amendment (s.440): the date by which the council checks the child is registered at the
      school the amended order names (no period in law; the same school days as serving an order).
    """
    if step is Step.INFORMAL_ENQUIRY:
        return informal_enquiry_reply_due(calendar, served_on, t)
    if step is Step.PRELIMINARY_NOTICE:
        return preliminary_notice_period_end(served_on, t)
    if step is Step.NOTICE_OF_INTENTION:
        return choice_period_end(served_on, t)
    if step is Step.AMENDMENT:
        return calendar.add_school_days(served_on, t.serve_order_school_days)
    return order_serve_due(calendar, served_on, t)


# What closes the attendance order route, with the outcome it records (DOMAIN.md outcomes).
CLOSING_EVENTS: Mapping[str, str] = MappingProxyType(
    {
        "satisfied": "The council is satisfied the education is suitable: home education continues",
        "on_roll": "Registered at a school (voluntarily or complying with the order)",
        "revoked": "Order revoked: suitable education arranged otherwise (s.442)",
        "moved_away": "Moved out of the council's area",
        "over_age": "Over compulsory school age",
        "died": "Died",
    }
)


def closes_process(event: str) -> bool:
    """Say whether ``event`` ends the route. An amendment (s.440) names another school and a
    referral for prosecution (s.443) keeps the order in force, so neither closes it; the child
    joining a school roll always does."""
    return event in CLOSING_EVENTS


class Consent(enum.StrEnum):
    """Why a school needs the council's consent (or the order revoked) before deleting a pupil
    who is to be home educated."""

    SPECIAL_SCHOOL = "special_school"
    NAMED_IN_ORDER = "named_in_order"
    SAFEGUARDING = "safeguarding"


def consent_needed(
    *,
    special_school_council_arranged: bool,
    named_in_attendance_order: bool,
    section_47_or_protection_plan: bool = False,
    section_434a_in_force: bool = False,
) -> Consent | None:
    """What stops a school deleting a pupil on ground (f) straight away, or None.

    - a pupil placed at a special school under council arrangements: the council's consent first
      (SI 2024/208 *(paragraph to confirm)*);
    - a school named in a school attendance order: not until the order is revoked or amended
      (reg. 9(1)(d)-(e));
    - once s.434A commences (CWS Act 2026 s.37): a child subject to s.47 enquiries or a child
      protection plan (Condition B).

    An EHC plan at a mainstream school needs no consent (DfE decision, August 2023).
    """
    if named_in_attendance_order:
        return Consent.NAMED_IN_ORDER
    if special_school_council_arranged:
        return Consent.SPECIAL_SCHOOL
    if section_434a_in_force and section_47_or_protection_plan:
        return Consent.SAFEGUARDING
    return None
