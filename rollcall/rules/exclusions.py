"""Suspensions and permanent exclusions: the days, the terms, the notifications and the deadlines.

Sources (DOMAIN.md, "Suspensions and permanent exclusions"; DOMAIN-SOURCES.md §3.3 and refs 11-13):

- The School Discipline (Pupil Exclusions and Reviews) (England) Regulations 2012 (SI 2012/1033),
  as amended 2022, and the DfE guidance *Suspension and permanent exclusion* (2024 edition, *latest
  to confirm*): suspensions total at most **45 school days** in a school year; a lunchtime counts
  as half a day. The council is told without delay of every permanent exclusion, of suspensions
  taking the pupil's total **over 5 school days in a term** (10 lunchtimes are 5 days), and of any
  suspension that means missing a public exam or national curriculum test; of the others once a term.
- The governing board must consider reinstatement of a permanent exclusion, of suspensions taking
  the term's total **over 15 school days**, or of one that means missing a public exam: it meets
  **within 15 school days** of being told. A total of 6 to 15 days: it meets only if the parents
  make representations, **within 50 school days**. 5 days or fewer: it considers representations
  but cannot reinstate (no meeting deadline).
- Independent review: the parents apply **within 15 school days** of notice of the board's
  decision (a notice sent by first-class post counts as given on the **2nd working day** after
  posting); the panel meets **within 15 school days** of the application; the board reconsiders
  **within 10 school days** of the panel's decision.
- The panel upholds the board's decision, recommends that the board reconsiders, or quashes it
  and directs the board to reconsider. A quashed decision the board does not reverse by
  reinstating, when it reconsiders, costs the school a budget adjustment: **£4,000** in DOMAIN.md
  (*to confirm*), so the amount is a parameter (a council setting).
- The Education (Provision of Full-Time Education for Excluded Pupils) (England) Regulations 2007
  (SI 2007/1870) regs 3 and 4: full-time education "from the **sixth school day** of exclusion",
  arranged by the school for a suspension of more than 5 consecutive school days and by the
  council where the child lives for a permanent exclusion.

Counting: a deadline "within N school days of" an event counts from the event as day 0
(DOMAIN.md, "school day"). The days *of* an exclusion count from its first day as day 1, so the
sixth school day of exclusion is 5 school days after the first.

Terms: the 2012 Regulations count suspension days "in a term" and Roll Call keeps three terms a
school year: autumn (1 September to 31 December), spring (1 January to Easter Sunday) and summer
(Easter Monday to 31 August). Every school day falls in exactly one, whatever the council's
half-term dates.

Every timescale is a field of :class:`ExclusionSettings`, whose defaults are the values above.
Pure Python: no Django import.
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, timedelta
from decimal import Decimal
from typing import Final

from rollcall.rules.calendar import SchoolCalendar, academic_year_of, easter_sunday

__all__ = [
    "DEFAULT_BUDGET_ADJUSTMENT",
    "DEFAULT_EXCLUSION_SETTINGS",
    "REVIEW_OUTCOMES",
    "BoardMeeting",
    "ExclusionKind",
    "ExclusionSettings",
    "NextReviewStep",
    "RecordedStep",
    "ReviewOutcome",
    "ReviewStep",
    "ReviewStepRefused",
    "Suspension",
    "TermName",
    "board_meeting",
    "budget_adjustment",
    "budget_adjustment_due",
    "council_told_without_delay",
    "days_by_term",
    "deemed_given",
    "exceeds_year_limit",
    "first_school_day_of_exclusion",
    "outcome_check",
    "outcome_choices",
    "reconsideration_due",
    "reminder_from",
    "review_application_due",
    "review_next",
    "review_panel_due",
    "review_route_ended",
    "review_step_check",
    "school_arranges_sixth_day",
    "sixth_school_day",
    "suspension_school_days",
    "term_bounds",
    "term_of",
    "validate_days",
]

_HALF: Final = Decimal("0.5")


class ExclusionKind(enum.StrEnum):
    """A suspension (for a fixed period) or a permanent exclusion."""

    SUSPENSION = "suspension"
    PERMANENT = "permanent"

    @property
    def label(self) -> str:
        return "Suspension" if self is ExclusionKind.SUSPENSION else "Permanent exclusion"


class TermName(enum.StrEnum):
    """The three terms of a school year, in order."""

    AUTUMN = "autumn"
    SPRING = "spring"
    SUMMER = "summer"


@dataclass(frozen=True)
class ExclusionSettings:
    """A council's exclusion timescales; the defaults are DOMAIN.md's.

    Days are school days unless the name says otherwise. ``council_told_over_days``: suspensions
    taking the term total over this are notified without delay. ``board_must_meet_over_days``: over
    this the board must meet (``board_meeting_days``); between the two it meets on request
    (``board_on_request_days``). ``sixth_day``: the day of exclusion from which full-time education
    is arranged. ``post_working_days``: when a posted notice counts as given. ``reminder_days``:
    how many school days before a deadline the reminder goes.
    """

    year_limit_days: int = 45
    council_told_over_days: int = 5
    board_must_meet_over_days: int = 15
    board_meeting_days: int = 15
    board_on_request_days: int = 50
    review_application_days: int = 15
    review_panel_days: int = 15
    reconsideration_days: int = 10
    sixth_day: int = 6
    post_working_days: int = 2
    reminder_days: int = 3

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                msg = f"ExclusionSettings.{f.name} must be a whole number of days, at least 1 (got {value!r})"
                raise ValueError(msg)
        if self.council_told_over_days >= self.board_must_meet_over_days:
            msg = "The days over which the council is told must be fewer than those over which the board must meet"
            raise ValueError(msg)


DEFAULT_EXCLUSION_SETTINGS: Final = ExclusionSettings()


@dataclass(frozen=True)
class Suspension:
    """One suspension: its first day and its length in school days (a lunchtime is 0.5)."""

    first_day: date
    days: Decimal

    def __post_init__(self) -> None:
        validate_days(self.days)


def validate_days(days: Decimal) -> Decimal:
    """Check a suspension's length: more than 0 and a whole number of half days.

    Raises ValueError with a sentence for the user otherwise; returns ``days``.
    """
    if not isinstance(days, Decimal) or not days.is_finite() or days <= 0 or (days / _HALF) % 1 != 0:
        msg = f"A suspension lasts a whole number of school days or half days (a lunchtime), more than 0 (got {days})"
        raise ValueError(msg)
    return days


# --- terms ------------------------------------------------------------------------------------


def term_of(day: date) -> tuple[int, TermName]:
    """The academic year (its first calendar year) and term ``day`` falls in (module docstring)."""
    year = academic_year_of(day)
    if day.month >= 9:
        return year, TermName.AUTUMN
    if day <= easter_sunday(day.year):
        return year, TermName.SPRING
    return year, TermName.SUMMER


def term_bounds(academic_year: int, term: TermName) -> tuple[date, date]:
    """The first and last calendar day of ``term`` of ``academic_year``, both inclusive."""
    easter = easter_sunday(academic_year + 1)
    if term is TermName.AUTUMN:
        return date(academic_year, 9, 1), date(academic_year, 12, 31)
    if term is TermName.SPRING:
        return date(academic_year + 1, 1, 1), easter
    return easter + timedelta(days=1), date(academic_year + 1, 8, 31)


# --- the days of an exclusion -----------------------------------------------------------------


def first_school_day_of_exclusion(calendar: SchoolCalendar, first_day: date) -> date:
    """The first school day of an exclusion: ``first_day`` itself, or the next school day after it."""
    return first_day if calendar.is_school_day(first_day) else calendar.next_school_day(first_day)


def suspension_school_days(calendar: SchoolCalendar, suspension: Suspension) -> list[date]:
    """The school days a suspension covers, in order; a trailing half day is a whole day here."""
    start = first_school_day_of_exclusion(calendar, suspension.first_day)
    whole = math.ceil(suspension.days)
    return calendar.school_days_in(start, calendar.add_school_days(start, whole - 1))


def sixth_school_day(
    calendar: SchoolCalendar, first_day: date, settings: ExclusionSettings = DEFAULT_EXCLUSION_SETTINGS
) -> date:
    """The day from which full-time education must be arranged (2007 Regulations regs 3 and 4).

    The first school day of exclusion is day 1, so the sixth is 5 school days after it: a
    suspension starting on a Monday of a full week has its sixth day on the next Monday.
    """
    start = first_school_day_of_exclusion(calendar, first_day)
    return calendar.add_school_days(start, settings.sixth_day - 1)


def school_arranges_sixth_day(
    kind: ExclusionKind, days: Decimal | None, settings: ExclusionSettings = DEFAULT_EXCLUSION_SETTINGS
) -> bool:
    """Say whether the school must arrange education from the sixth day: a suspension of more than
    5 consecutive school days (a permanent exclusion is the council's to arrange)."""
    return kind is ExclusionKind.SUSPENSION and days is not None and days > settings.sixth_day - 1


def days_by_term(
    calendar: SchoolCalendar, suspensions: Iterable[Suspension]
) -> dict[tuple[int, TermName], Decimal]:
    """The suspension days of one pupil per term: ``{(academic year, term): days}``.

    A suspension spanning two terms counts its school days in each; a trailing half day counts in
    the term of its last day. Terms with no days are left out.
    """
    totals: dict[tuple[int, TermName], Decimal] = defaultdict(Decimal)
    for suspension in suspensions:
        days = suspension_school_days(calendar, suspension)
        for day in days:
            totals[term_of(day)] += 1
        if suspension.days % 1:
            totals[term_of(days[-1])] -= _HALF
    return dict(totals)


def exceeds_year_limit(
    days_in_year: Decimal, settings: ExclusionSettings = DEFAULT_EXCLUSION_SETTINGS
) -> bool:
    """Say whether a pupil's suspensions this school year total more than the 45-day maximum."""
    return days_in_year > settings.year_limit_days


def council_told_without_delay(
    kind: ExclusionKind,
    term_days: Decimal,
    *,
    misses_exam: bool = False,
    settings: ExclusionSettings = DEFAULT_EXCLUSION_SETTINGS,
) -> bool:
    """Say whether the council must be told without delay, rather than in the termly list.

    ``term_days``: the pupil's suspension days this term including this one.
    """
    return kind is ExclusionKind.PERMANENT or misses_exam or term_days > settings.council_told_over_days


# --- the governing board and the review --------------------------------------------------------


@dataclass(frozen=True)
class BoardMeeting:
    """When the governing board must meet about an exclusion.

    ``must_meet``: it must consider reinstatement (permanent, over 15 days in the term, or a missed
    exam). Otherwise (6 to 15 days) it meets only if the parents make representations, and
    ``due`` is the deadline if they do.
    """

    due: date
    must_meet: bool


def board_meeting(
    calendar: SchoolCalendar,
    kind: ExclusionKind,
    told_on: date,
    term_days: Decimal,
    *,
    misses_exam: bool = False,
    settings: ExclusionSettings = DEFAULT_EXCLUSION_SETTINGS,
) -> BoardMeeting | None:
    """The board's meeting deadline, counted from the day it was told (day 0), or None.

    None: 5 days or fewer in the term, where the board considers representations but cannot
    reinstate, so there is no meeting to track.
    """
    if kind is ExclusionKind.PERMANENT or misses_exam or term_days > settings.board_must_meet_over_days:
        return BoardMeeting(calendar.add_school_days(told_on, settings.board_meeting_days), must_meet=True)
    if term_days > settings.council_told_over_days:
        return BoardMeeting(
            calendar.add_school_days(told_on, settings.board_on_request_days), must_meet=False
        )
    return None


def deemed_given(
    calendar: SchoolCalendar,
    sent_on: date,
    *,
    by_post: bool,
    settings: ExclusionSettings = DEFAULT_EXCLUSION_SETTINGS,
) -> date:
    """The day a notice counts as given: the day it was handed over or emailed, or the 2nd working
    day after it was posted first class (a working day: Monday to Friday, not a bank holiday)."""
    if not by_post:
        return sent_on
    day, left = sent_on, settings.post_working_days
    while left:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in calendar.bank_holidays:
            left -= 1
    return day


def review_application_due(
    calendar: SchoolCalendar,
    decision_sent_on: date,
    *,
    by_post: bool = False,
    settings: ExclusionSettings = DEFAULT_EXCLUSION_SETTINGS,
) -> date:
    """The last day for the parents to apply for an independent review of a permanent exclusion."""
    given = deemed_given(calendar, decision_sent_on, by_post=by_post, settings=settings)
    return calendar.add_school_days(given, settings.review_application_days)


def review_panel_due(
    calendar: SchoolCalendar, applied_on: date, settings: ExclusionSettings = DEFAULT_EXCLUSION_SETTINGS
) -> date:
    """The last day for the independent review panel to meet."""
    return calendar.add_school_days(applied_on, settings.review_panel_days)


def reconsideration_due(
    calendar: SchoolCalendar, panel_decided_on: date, settings: ExclusionSettings = DEFAULT_EXCLUSION_SETTINGS
) -> date:
    """The last day for the board to reconsider after the panel recommends or directs it."""
    return calendar.add_school_days(panel_decided_on, settings.reconsideration_days)


def reminder_from(
    calendar: SchoolCalendar, due: date, settings: ExclusionSettings = DEFAULT_EXCLUSION_SETTINGS
) -> date:
    """The day a reminder of ``due`` goes: ``reminder_days`` school days before it."""
    return calendar.add_school_days(due, -settings.reminder_days)


# --- the review route of a permanent exclusion, as recorded steps -----------------------------


class ReviewStep(enum.StrEnum):
    """A recorded step of the route after an exclusion: the board, the review, the reconsideration.

    ``NO_REVIEW``: the parents confirmed in writing that they will not apply for a review.
    """

    BOARD = "board"
    APPLIED = "applied"
    NO_REVIEW = "no_review"
    PANEL = "panel"
    RECONSIDERED = "reconsidered"

    @property
    def label(self) -> str:
        return _REVIEW_LABELS[self]


_REVIEW_LABELS: Final = {
    ReviewStep.BOARD: "Governing board met",
    ReviewStep.APPLIED: "Parents applied for an independent review",
    ReviewStep.NO_REVIEW: "Parents confirmed they will not apply for a review",
    ReviewStep.PANEL: "Independent review panel met",
    ReviewStep.RECONSIDERED: "Governing board reconsidered",
}


class ReviewOutcome(enum.StrEnum):
    """What a board, panel or reconsideration decided. A board reinstates or upholds; a panel
    upholds, recommends reconsideration, or quashes the decision and directs reconsideration."""

    REINSTATED = "reinstated"
    UPHELD = "upheld"
    RECONSIDERATION_RECOMMENDED = "reconsideration_recommended"
    QUASHED = "quashed"

    @property
    def label(self) -> str:
        return _OUTCOME_LABELS[self]


_OUTCOME_LABELS: Final = {
    ReviewOutcome.REINSTATED: "Reinstated",
    ReviewOutcome.UPHELD: "Upheld",
    ReviewOutcome.RECONSIDERATION_RECOMMENDED: "Reconsideration recommended",
    ReviewOutcome.QUASHED: "Quashed and reconsideration directed",
}


REVIEW_OUTCOMES: Final[dict[ReviewStep, frozenset[ReviewOutcome]]] = {
    ReviewStep.BOARD: frozenset({ReviewOutcome.REINSTATED, ReviewOutcome.UPHELD}),
    ReviewStep.APPLIED: frozenset(),
    ReviewStep.NO_REVIEW: frozenset(),
    ReviewStep.PANEL: frozenset(
        {ReviewOutcome.UPHELD, ReviewOutcome.RECONSIDERATION_RECOMMENDED, ReviewOutcome.QUASHED}
    ),
    ReviewStep.RECONSIDERED: frozenset({ReviewOutcome.REINSTATED, ReviewOutcome.UPHELD}),
}
"""The outcomes each step may record (none for an application or a refusal to apply)."""


@dataclass(frozen=True)
class RecordedStep:
    """A step as recorded: what, on which day, its outcome, and for a board's decision when its
    notice was sent to the parents and whether by post (the review's clock starts from it)."""

    step: ReviewStep
    on: date
    outcome: ReviewOutcome | None = None
    notice_sent_on: date | None = None
    notice_by_post: bool = False


@dataclass(frozen=True)
class NextReviewStep:
    """What the route waits for next and its last day. ``due`` None: no statutory deadline."""

    step: ReviewStep
    due: date | None


_RECONSIDER: Final = frozenset({ReviewOutcome.RECONSIDERATION_RECOMMENDED, ReviewOutcome.QUASHED})


class ReviewStepRefused(ValueError):
    """A step that cannot follow the steps recorded; the message is a sentence for the user."""


def review_next(
    calendar: SchoolCalendar,
    kind: ExclusionKind,
    board_due: date | None,
    steps: Sequence[RecordedStep],
    settings: ExclusionSettings = DEFAULT_EXCLUSION_SETTINGS,
) -> NextReviewStep | None:
    """The next step of the route after ``steps`` (recorded in order), or None when it has ended.

    No board meeting due and none recorded: nothing to wait for. After the board: a reinstatement,
    or a suspension's board, ends the route; a permanent exclusion upheld waits for the parents'
    application (from the notice's deemed day). After an application: the panel, within 15 school
    days. A panel that upholds ends the route; one that asks for reconsideration waits for the
    board to reconsider within 10 school days of the panel. A reconsideration or the parents'
    written refusal ends it.
    """
    if not steps:
        if board_due is None:
            return None
        return NextReviewStep(ReviewStep.BOARD, board_due)
    last = steps[-1]
    if last.step is ReviewStep.BOARD:
        if kind is not ExclusionKind.PERMANENT or last.outcome is ReviewOutcome.REINSTATED:
            return None
        sent = last.notice_sent_on or last.on
        due = review_application_due(calendar, sent, by_post=last.notice_by_post, settings=settings)
        return NextReviewStep(ReviewStep.APPLIED, due)
    if last.step is ReviewStep.APPLIED:
        return NextReviewStep(ReviewStep.PANEL, review_panel_due(calendar, last.on, settings))
    if last.step is ReviewStep.PANEL and last.outcome in _RECONSIDER:
        return NextReviewStep(ReviewStep.RECONSIDERED, reconsideration_due(calendar, last.on, settings))
    return None


def review_route_ended(
    calendar: SchoolCalendar,
    kind: ExclusionKind,
    board_due: date | None,
    steps: Sequence[RecordedStep],
    today: date,
    settings: ExclusionSettings = DEFAULT_EXCLUSION_SETTINGS,
) -> bool:
    """Say whether the route has ended on ``today``: nothing is awaited, or the parents' time to
    apply has passed with no application (DOMAIN.md: the pupil then leaves the roll)."""
    following = review_next(calendar, kind, board_due, steps, settings)
    if following is None:
        return bool(steps) or board_due is None
    return following.step is ReviewStep.APPLIED and following.due is not None and following.due < today


def outcome_choices(step: ReviewStep) -> str:
    """The outcomes ``step`` may record, in words for the user: "upheld, reconsideration
    recommended or quashed and reconsideration directed"."""
    names = [o.label.lower() for o in ReviewOutcome if o in REVIEW_OUTCOMES[step]]
    if len(names) < 2:
        return "".join(names)
    return ", ".join(names[:-1]) + " or " + names[-1]


def outcome_check(step: ReviewStep, outcome: ReviewOutcome | None) -> None:
    """Raise :class:`ReviewStepRefused` unless ``outcome`` is one ``step`` may record (none for an
    application or the parents' refusal)."""
    allowed = REVIEW_OUTCOMES[step]
    if allowed and outcome not in allowed:
        raise ReviewStepRefused(f"{step.label}: choose an outcome, {outcome_choices(step)}")
    if not allowed and outcome is not None:
        raise ReviewStepRefused(f"{step.label}: this step has no outcome")


def review_step_check(
    calendar: SchoolCalendar,
    kind: ExclusionKind,
    board_due: date | None,
    steps: Sequence[RecordedStep],
    new: RecordedStep,
    settings: ExclusionSettings = DEFAULT_EXCLUSION_SETTINGS,
) -> None:
    """Raise :class:`ReviewStepRefused` unless ``new`` may follow ``steps``.

    The step must be the one awaited (the parents may instead refuse in writing where an
    application is awaited; a late application is still recorded, the panel decides), its outcome
    one its kind allows, and its day not before the previous step's. A board may meet though no
    meeting was due (6 to 15 days, when the parents ask after all).
    """
    outcome_check(new.step, new.outcome)
    if new.notice_sent_on is not None and (new.step is not ReviewStep.BOARD or new.notice_sent_on < new.on):
        raise ReviewStepRefused(
            "The decision's notice is sent on or after the board's meeting, and only for a board"
        )
    if steps and new.on < steps[-1].on:
        raise ReviewStepRefused(
            f"{new.step.label} cannot be dated before the previous step ({steps[-1].on:%d/%m/%Y})"
        )
    if not steps and new.step is ReviewStep.BOARD:
        return
    following = review_next(calendar, kind, board_due, steps, settings)
    awaited = {following.step} if following else set()
    if following is not None and following.step is ReviewStep.APPLIED:
        awaited.add(ReviewStep.NO_REVIEW)
    if new.step not in awaited:
        if not awaited:
            raise ReviewStepRefused("The review route of this exclusion has ended: no further step")
        names = " or ".join(sorted(s.label.lower() for s in awaited))
        raise ReviewStepRefused(f"The next step is: {names}")


# --- the budget adjustment after a quashed permanent exclusion ------------------------------------

DEFAULT_BUDGET_ADJUSTMENT: Final = 4000
"""Pounds (DOMAIN.md, *to confirm*); the council's setting is EnforcementSettings.budget_adjustment."""


def budget_adjustment_due(panel: ReviewOutcome | None, reconsideration: ReviewOutcome | None) -> bool:
    """Say whether a budget adjustment is due: the panel quashed the decision and the board,
    reconsidering, did not reinstate (upheld its decision).

    ``panel`` and ``reconsideration``: the outcomes recorded for the two steps, None while a step
    is not recorded. Nothing is due before the reconsideration is recorded, after a panel that
    upheld or only recommended reconsideration, or when the board reinstates. An outcome its step
    cannot record raises ValueError.
    """
    for step, outcome in ((ReviewStep.PANEL, panel), (ReviewStep.RECONSIDERED, reconsideration)):
        if outcome is not None and outcome not in REVIEW_OUTCOMES[step]:
            msg = f"{step.label}: {outcome.label.lower()} is not an outcome of this step"
            raise ValueError(msg)
    return panel is ReviewOutcome.QUASHED and reconsideration is ReviewOutcome.UPHELD


def budget_adjustment(steps: Sequence[RecordedStep], amount: int) -> int | None:
    """The budget adjustment, in pounds, the route ``steps`` (recorded in order) calls for: ``amount``
    when :func:`budget_adjustment_due` says so for its panel and reconsideration, otherwise None.

    ``amount``: the council's figure (DEFAULT_BUDGET_ADJUSTMENT), whole pounds, at least 1.
    """
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 1:
        msg = f"The budget adjustment must be a whole number of pounds, at least 1 (got {amount!r})"
        raise ValueError(msg)
    panel = next((s.outcome for s in reversed(steps) if s.step is ReviewStep.PANEL), None)
    reconsideration = next((s.outcome for s in reversed(steps) if s.step is ReviewStep.RECONSIDERED), None)
    return amount if budget_adjustment_due(panel, reconsideration) else None
