"""The figures behind every report, for any period, computed from the dated records.

One function per report; each returns a frozen dataclass of plain values and never renders
anything (rollcall/reports/documents.py turns figures into tables and charts; exports.py and the
views write them out). A separate benchmark calls these functions directly.

Set-based: each function runs a handful of aggregate queries whatever the size of the data (no
query per child or per case); where a figure needs the school-day calendar or a percentile, the
few values it needs (one row per case closed in the period, say) are read in one query and worked
out with the pure rules. Only portable ORM expressions are used (Count with filter, Exists,
Subquery), so SQLite and PostgreSQL give the same answers.

"As at" reconstruction (docs/reports.md has the full list): a past period's figures are rebuilt
from dated columns, not from today's state:

- a case is **open at the end of day D** when ``opened_on <= D`` and it was not closed by then
  (``closed_at`` empty or on a later day in England);
- a task is **overdue at D** when it existed on D (``created_at``), was not done or cancelled by
  the end of D (``completed_at``) and was due before D;
- escalations by ``reached_on``; removal notices by ``received_at``; roll membership by
  ``on_roll_from``/``on_roll_to``; addresses by ``moved_in``/``moved_out``; admissions by their
  own dates.

What is not exact for a past period is said on the report and in the docs: a case closed and
later reopened counts as open from its first opening (only the latest closure is kept on the
case); a case's owner is today's; the exceptions list for a past date is rebuilt from the
escalation rows and task dates; the invariant count for a past month is the sweep's own record.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from importlib import import_module
from typing import Any

from django.db.models import Count, Exists, F, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import TruncMonth

from rollcall import clock
from rollcall.accounts.models import Team
from rollcall.admissions.models import (
    Application,
    DeferredPlace,
    FairAccessReferral,
    PutOnRollRequest,
    VulnerabilityAnswer,
)
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case, Escalation, RuleSettings, SweepRun, Task
from rollcall.people.models import Address, Child
from rollcall.rolls.sweep import LostChild, lost_between_rolls_children
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.escalation import Level, overdue_school_days
from rollcall.rules.removal import GROUNDS
from rollcall.rules.reporting import (
    AGE_BANDS,
    NOT_KNOWN_AREA,
    Period,
    PeriodKind,
    Published,
    age_band,
    median,
    percentile,
    period_containing,
    postcode_district,
    suppress,
    trailing,
)
from rollcall.rules.vulnerability import CHARACTERISTICS
from rollcall.rules.workflow import WORKFLOWS
from rollcall.schools.models import RemovalNotice, RollEntry

__all__ = [
    "DashboardFigures",
    "DeferredPlacesFigures",
    "ExceptionsFigures",
    "HubProfileFigures",
    "MonthlyFigures",
    "QuarterlyFigures",
    "UnknownDestinationsFigures",
    "WaitingFigures",
    "dashboard_figures",
    "deferred_places_figures",
    "exceptions_figures",
    "hub_profile_figures",
    "monthly_figures",
    "quarterly_figures",
    "unknown_destinations_figures",
    "waiting_figures",
]

KINDS: tuple[str, ...] = tuple(WORKFLOWS)
KIND_LABELS: Mapping[str, str] = {kind: wf.label for kind, wf in WORKFLOWS.items()}

# Bands of school days a case has been open (20 school days is when reasonable CME enquiries
# should be complete, DOMAIN.md) and a child has waited for a place (20 school days without a
# place is when the s.19 duty is plainly owed).
TIME_OPEN_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("Up to 20 school days", 0, 20),
    ("21 to 40 school days", 21, 40),
    ("41 to 60 school days", 41, 60),
    ("More than 60 school days", 61, None),
)
WAITING_BANDS: tuple[tuple[str, int, int | None], ...] = (
    ("Up to 10 school days", 0, 10),
    ("11 to 20 school days", 11, 20),
    ("More than 20 school days", 21, None),
)


def _band(value: int, bands: Iterable[tuple[str, int, int | None]]) -> str:
    for label, lowest, highest in bands:
        if value >= lowest and (highest is None or value <= highest):
            return label
    raise AssertionError("unreachable: the bands start at 0 and have no upper end")  # pragma: no cover


# ---- "as at" building blocks ---------------------------------------------------------------


def day_start(day: dt.date) -> dt.datetime:
    """00:00 in England on ``day``: "closed by the end of D" is ``closed_at < day_start(D + 1)``."""
    return dt.datetime.combine(day, dt.time(), tzinfo=clock.LONDON)


def _after(day: dt.date) -> dt.datetime:
    return day_start(day + dt.timedelta(days=1))


def open_at(day: dt.date, prefix: str = "") -> Q:
    """Cases open at the end of ``day`` (``prefix`` for a related case, e.g. "case__")."""
    return Q(**{f"{prefix}opened_on__lte": day}) & (
        Q(**{f"{prefix}closed_at__isnull": True}) | Q(**{f"{prefix}closed_at__gte": _after(day)})
    )


def closed_between(first: dt.date, last: dt.date, prefix: str = "") -> Q:
    """Cases closed on a day from ``first`` to ``last`` (both inclusive), in England."""
    return Q(**{f"{prefix}closed_at__gte": day_start(first), f"{prefix}closed_at__lt": _after(last)})


def _cases(teams: Collection[int] | None) -> QuerySet[Case]:
    cases = Case.objects.all()
    return cases if teams is None else cases.filter(team_id__in=list(teams))


def _related_scope(teams: Collection[int] | None) -> Q:
    """The same team scope for a row that belongs to a case (a task, an escalation)."""
    return Q() if teams is None else Q(case__team_id__in=list(teams))


def _calendar(calendar: SchoolCalendar | None) -> SchoolCalendar:
    return calendar if calendar is not None else council_calendar()


@dataclass(frozen=True)
class Resolution:
    """School days from opening (day 0) to closure for the cases closed in a period."""

    closed: int
    median: int | None
    p90: int | None

    @classmethod
    def of(cls, days: list[int]) -> Resolution:
        return cls(closed=len(days), median=median(days), p90=percentile(days, 90))


def _school_days_to_close(
    calendar: SchoolCalendar, rows: Iterable[tuple[str, dt.date, dt.datetime | None]]
) -> dict[str, list[int]]:
    """School days open for each closed case, by kind: day 0 is ``opened_on``."""
    found: dict[str, list[int]] = defaultdict(list)
    for kind, opened_on, closed_at in rows:
        if closed_at is None:
            continue
        found[kind].append(max(0, calendar.school_days_between(opened_on, clock.local_date(closed_at))))
    return found


# ---- monthly management report -------------------------------------------------------------


@dataclass(frozen=True)
class InvariantCount:
    """Breaches of the one invariant (DESIGN.md): should be zero.

    ``count`` is None when nothing was recorded for the period (no sweep ran in a past month).
    ``source`` says where the number comes from.
    """

    count: int | None
    source: str
    on: dt.date | None


@dataclass(frozen=True)
class MonthlyFigures:
    period: Period
    as_at: dt.date
    complete: bool
    kinds: tuple[str, ...]
    """Case kind labels, the rows of ``open_by_kind_team``."""
    teams: tuple[str, ...]
    """Team names, the columns of ``open_by_kind_team``."""
    open_by_kind_team: tuple[tuple[int, ...], ...]
    opened_by_kind: tuple[int, ...]
    closed_by_kind: tuple[int, ...]
    overdue_tasks_by_kind: tuple[int, ...]
    escalations: tuple[tuple[str, int], ...]
    """(level label, escalations reached in the period), team manager first."""
    resolution_by_kind: tuple[Resolution, ...]
    resolution: Resolution
    invariant: InvariantCount

    @property
    def open_total(self) -> int:
        return sum(sum(row) for row in self.open_by_kind_team)

    @property
    def opened(self) -> int:
        return sum(self.opened_by_kind)

    @property
    def closed(self) -> int:
        return sum(self.closed_by_kind)

    @property
    def overdue_tasks(self) -> int:
        return sum(self.overdue_tasks_by_kind)

    @property
    def escalated(self) -> int:
        return sum(n for _label, n in self.escalations)


def _team_names(teams: Collection[int] | None) -> list[tuple[int, str]]:
    found = Team.objects.order_by("name")
    if teams is not None:
        found = found.filter(pk__in=list(teams))
    return list(found.values_list("pk", "name"))


def _invariant(period: Period, today: dt.date) -> InvariantCount:
    """Live from the sweep's own check while the period runs; the sweep's record for a past one."""
    if period.end >= today:
        from rollcall.casework.sweep import invariant_breaches  # the sweep's query, not a copy

        return InvariantCount(len(invariant_breaches(today=today)), "checked now", today)
    run = (
        SweepRun.objects.filter(as_of__range=(period.start, period.end), finished_at__isnull=False)
        .order_by("-as_of", "-started_at")
        .values_list("as_of", "breaches")
        .first()
    )
    if run is None:
        return InvariantCount(None, "no sweep was recorded in this period", None)
    as_of, breaches = run
    return InvariantCount(len(breaches), "as the daily sweep recorded it", as_of)


def monthly_figures(
    period: Period,
    *,
    today: dt.date | None = None,
    teams: Collection[int] | None = None,
    calendar: SchoolCalendar | None = None,
) -> MonthlyFigures:
    """The monthly management report for ``period`` (any period; the report uses months).

    ``teams``: the team ids whose cases count (None: every team). About eight queries.
    """
    today = today or clock.today()
    as_at = period.as_at(today)
    calendar = _calendar(calendar)
    cases = _cases(teams)
    team_rows = _team_names(teams)
    team_index = {pk: i for i, (pk, _name) in enumerate(team_rows)}
    kind_index = {kind: i for i, kind in enumerate(KINDS)}

    matrix = [[0] * len(team_rows) for _ in KINDS]
    for kind, team_id, n in (
        cases.filter(open_at(as_at)).values_list("kind", "team_id").annotate(n=Count("pk")).order_by()
    ):
        if kind in kind_index and team_id in team_index:
            matrix[kind_index[kind]][team_index[team_id]] = n

    flows = (
        cases.values("kind")
        .order_by()
        .annotate(
            opened=Count("pk", filter=Q(opened_on__range=(period.start, as_at))),
            closed=Count("pk", filter=closed_between(period.start, as_at)),
        )
    )
    opened = [0] * len(KINDS)
    closed = [0] * len(KINDS)
    for row in flows:
        if row["kind"] in kind_index:
            opened[kind_index[row["kind"]]] = row["opened"]
            closed[kind_index[row["kind"]]] = row["closed"]

    overdue = [0] * len(KINDS)
    overdue_tasks = (
        Task.objects.filter(_related_scope(teams), created_at__lt=_after(as_at), due__lt=as_at)
        .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=_after(as_at)))
        .values_list("case__kind")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for kind, n in overdue_tasks:
        if kind in kind_index:
            overdue[kind_index[kind]] = n

    reached = dict(
        Escalation.objects.filter(_related_scope(teams), reached_on__range=(period.start, as_at))
        .values_list("level")
        .annotate(n=Count("pk"))
        .order_by()
    )
    escalations = tuple(
        (level.label, reached.get(level.value, 0)) for level in Level if level is not Level.OFFICER
    )

    days = _school_days_to_close(
        calendar,
        cases.filter(closed_between(period.start, as_at)).values_list("kind", "opened_on", "closed_at"),
    )
    return MonthlyFigures(
        period=period,
        as_at=as_at,
        complete=period.is_complete(today),
        kinds=tuple(KIND_LABELS[k] for k in KINDS),
        teams=tuple(name for _pk, name in team_rows),
        open_by_kind_team=tuple(tuple(row) for row in matrix),
        opened_by_kind=tuple(opened),
        closed_by_kind=tuple(closed),
        overdue_tasks_by_kind=tuple(overdue),
        escalations=escalations,
        resolution_by_kind=tuple(Resolution.of(days.get(k, [])) for k in KINDS),
        resolution=Resolution.of([d for k in KINDS for d in days.get(k, [])]),
        invariant=_invariant(period, today),
    )


# ---- quarterly scrutiny report -------------------------------------------------------------


@dataclass(frozen=True)
class CaseFlow:
    """The cases of one kind through a period: in, out and open, outcomes and time open."""

    kind: str
    open_at_start: int
    opened: int
    closed: int
    open_at_end: int
    outcomes: tuple[tuple[str, int], ...]
    """(outcome label, cases closed in the period with it), in the workflow's order."""
    resolution: Resolution
    open_time_bands: tuple[tuple[str, int], ...]
    """(band, cases open at the end by school days open so far)."""


def _case_flow(kind: str, period: Period, as_at: dt.date, calendar: SchoolCalendar) -> CaseFlow:
    cases = Case.objects.filter(kind=kind)
    counts = cases.aggregate(
        open_at_start=Count("pk", filter=open_at(period.start - dt.timedelta(days=1))),
        opened=Count("pk", filter=Q(opened_on__range=(period.start, as_at))),
        closed=Count("pk", filter=closed_between(period.start, as_at)),
        open_at_end=Count("pk", filter=open_at(as_at)),
    )
    by_outcome = dict(
        cases.filter(closed_between(period.start, as_at))
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    workflow = WORKFLOWS[kind]
    outcomes = [(o.label, by_outcome.pop(code, 0)) for code, o in workflow.outcomes.items()]
    leftover = sum(by_outcome.values())
    if leftover:
        outcomes.append(("Not recorded", leftover))
    days = _school_days_to_close(
        calendar,
        cases.filter(closed_between(period.start, as_at)).values_list("kind", "opened_on", "closed_at"),
    ).get(kind, [])
    open_days = Counter(
        _band(max(0, calendar.school_days_between(opened_on, as_at)), TIME_OPEN_BANDS)
        for opened_on in cases.filter(open_at(as_at)).values_list("opened_on", flat=True)
    )
    return CaseFlow(
        kind=KIND_LABELS[kind],
        open_at_start=counts["open_at_start"],
        opened=counts["opened"],
        closed=counts["closed"],
        open_at_end=counts["open_at_end"],
        outcomes=tuple(outcomes),
        resolution=Resolution.of(days),
        open_time_bands=tuple((label, open_days.get(label, 0)) for label, _lo, _hi in TIME_OPEN_BANDS),
    )


def _no_destination() -> Q:
    """A deletion return naming no destination school and no details (as the sweep reads it)."""
    return Q(destination_school__isnull=True, destination_details="")


def _on_roll_at(day: dt.date, child_ref: str = "child") -> Exists:
    return Exists(
        RollEntry.objects.filter(child=OuterRef(child_ref), on_roll_from__lte=day).filter(
            Q(on_roll_to__isnull=True) | Q(on_roll_to__gt=day)
        )
    )


@dataclass(frozen=True)
class RemovalFigures:
    notices: int
    no_destination: int
    possibly_unlawful: int
    no_destination_on_roll_at_end: int
    no_destination_by_ground: tuple[tuple[str, int], ...]


def _removals(period: Period, as_at: dt.date) -> RemovalFigures:
    received = RemovalNotice.objects.filter(
        received_at__gte=day_start(period.start), received_at__lt=_after(as_at)
    )
    counts = received.annotate(on_roll_then=_on_roll_at(as_at)).aggregate(
        notices=Count("pk"),
        no_destination=Count("pk", filter=_no_destination()),
        possibly_unlawful=Count("pk", filter=Q(possibly_unlawful=True)),
        back=Count("pk", filter=_no_destination() & Q(on_roll_then=True)),
    )
    by_ground = dict(
        received.filter(_no_destination()).values_list("ground").annotate(n=Count("pk")).order_by()
    )
    grounds = [(f"({code}) {g.summary}", by_ground.pop(code, 0)) for code, g in GROUNDS.items()]
    if sum(by_ground.values()):
        grounds.append(("No ground given", sum(by_ground.values())))
    return RemovalFigures(
        notices=counts["notices"],
        no_destination=counts["no_destination"],
        possibly_unlawful=counts["possibly_unlawful"],
        no_destination_on_roll_at_end=counts["back"],
        no_destination_by_ground=tuple(g for g in grounds if g[1]),
    )


@dataclass(frozen=True)
class VulnerableApplicantFigures:
    """Put-on-roll requests for vulnerable applicants (those the council tracks with a case)."""

    sent: int
    checked_off: int
    referred_cme: int
    not_checked_off: int
    """Sent in the period and neither checked off nor referred by the end."""
    waiting_at_end: int
    """Every tracked request (sent in any period) not checked off or referred at the end."""
    overdue_at_end: int
    """Of those waiting at the end, the school's answer was due before the end."""


def _vulnerable_applicants(period: Period, as_at: dt.date) -> VulnerableApplicantFigures:
    tracked = PutOnRollRequest.objects.filter(case__isnull=False, sent_on__lte=as_at)
    referred = Q(referred_cme_on__lte=as_at)
    checked = Q(checked_off_at__lt=_after(as_at)) & ~referred
    waiting = ~checked & ~referred
    in_period = Q(sent_on__gte=period.start)
    counts = tracked.aggregate(
        sent=Count("pk", filter=in_period),
        checked_off=Count("pk", filter=in_period & checked),
        referred=Count("pk", filter=in_period & referred),
        not_checked=Count("pk", filter=in_period & waiting),
        waiting=Count("pk", filter=waiting),
        overdue=Count("pk", filter=waiting & Q(answer_due__lt=as_at)),
    )
    return VulnerableApplicantFigures(
        sent=counts["sent"],
        checked_off=counts["checked_off"],
        referred_cme=counts["referred"],
        not_checked_off=counts["not_checked"],
        waiting_at_end=counts["waiting"],
        overdue_at_end=counts["overdue"],
    )


@dataclass(frozen=True)
class FairAccessFigures:
    referred: int
    """Taken into the protocol in the period."""
    allocated: int
    """Of those, allocated a school by the end."""
    allocated_in_time: int
    """Of those allocated, within the 20 school days (on or before the placement due date)."""
    admitted: int
    not_accepted: int
    waiting_at_end: int
    """Every referral taken in by the end, accepted, with no school allocated at the end."""
    overdue_at_end: int


def _fair_access(period: Period, as_at: dt.date) -> FairAccessFigures:
    referrals = FairAccessReferral.objects.filter(taken_into_protocol_on__lte=as_at)
    in_period = Q(taken_into_protocol_on__gte=period.start)
    allocated = Q(allocated_on__lte=as_at)
    not_accepted = Q(decision=FairAccessReferral.Decision.NOT_ACCEPTED)
    waiting = ~allocated & ~Q(admitted_on__lte=as_at) & ~not_accepted
    counts = referrals.aggregate(
        referred=Count("pk", filter=in_period),
        allocated=Count("pk", filter=in_period & allocated),
        in_time=Count("pk", filter=in_period & allocated & Q(allocated_on__lte=F("placement_due"))),
        admitted=Count("pk", filter=in_period & Q(admitted_on__lte=as_at)),
        not_accepted=Count("pk", filter=in_period & not_accepted),
        waiting=Count("pk", filter=waiting),
        overdue=Count("pk", filter=waiting & Q(placement_due__lt=as_at)),
    )
    return FairAccessFigures(
        referred=counts["referred"],
        allocated=counts["allocated"],
        allocated_in_time=counts["in_time"],
        admitted=counts["admitted"],
        not_accepted=counts["not_accepted"],
        waiting_at_end=counts["waiting"],
        overdue_at_end=counts["overdue"],
    )


@dataclass(frozen=True)
class QuarterTrend:
    """One quarter of the eight-quarter trend."""

    period: Period
    cme_opened: int
    cme_closed: int
    cme_open_at_end: int
    health_opened: int
    health_open_at_end: int
    removals_no_destination: int
    fair_access_referred: int
    vulnerable_sent: int


def _trend(periods: list[Period], today: dt.date) -> tuple[QuarterTrend, ...]:
    """Each measure for every period in one aggregate query per table (flat in the data)."""
    ends = [p.as_at(today) for p in periods]
    case_counts: dict[str, Any] = {}
    for i, (p, end) in enumerate(zip(periods, ends, strict=True)):
        for kind in ("cme", "health"):
            case_counts[f"{kind}_opened_{i}"] = Count(
                "pk", filter=Q(kind=kind, opened_on__range=(p.start, end))
            )
            case_counts[f"{kind}_open_{i}"] = Count("pk", filter=Q(kind=kind) & open_at(end))
        case_counts[f"cme_closed_{i}"] = Count("pk", filter=Q(kind="cme") & closed_between(p.start, end))
    cases = Case.objects.filter(kind__in=["cme", "health"]).aggregate(**case_counts)
    removals = RemovalNotice.objects.filter(_no_destination()).aggregate(
        **{
            f"r_{i}": Count("pk", filter=Q(received_at__gte=day_start(p.start), received_at__lt=_after(end)))
            for i, (p, end) in enumerate(zip(periods, ends, strict=True))
        }
    )
    fair = FairAccessReferral.objects.aggregate(
        **{
            f"f_{i}": Count("pk", filter=Q(taken_into_protocol_on__range=(p.start, end)))
            for i, (p, end) in enumerate(zip(periods, ends, strict=True))
        }
    )
    sent = PutOnRollRequest.objects.filter(case__isnull=False).aggregate(
        **{
            f"v_{i}": Count("pk", filter=Q(sent_on__range=(p.start, end)))
            for i, (p, end) in enumerate(zip(periods, ends, strict=True))
        }
    )
    return tuple(
        QuarterTrend(
            period=p,
            cme_opened=cases[f"cme_opened_{i}"],
            cme_closed=cases[f"cme_closed_{i}"],
            cme_open_at_end=cases[f"cme_open_{i}"],
            health_opened=cases[f"health_opened_{i}"],
            health_open_at_end=cases[f"health_open_{i}"],
            removals_no_destination=removals[f"r_{i}"],
            fair_access_referred=fair[f"f_{i}"],
            vulnerable_sent=sent[f"v_{i}"],
        )
        for i, p in enumerate(periods)
    )


@dataclass(frozen=True)
class ComplaintProgressFigures:
    """One ombudsman complaint's action plan as at the period end (from rollcall.actionplans)."""

    reference: str
    title: str
    by_status: tuple[tuple[str, int], ...]
    by_rag: tuple[tuple[str, int], ...]

    @property
    def actions(self) -> int:
        return sum(n for _label, n in self.by_status)


@dataclass(frozen=True)
class ActionPlanProgress:
    available: bool
    """False when the action-plans area is not installed yet: the report says so."""
    complaints: tuple[ComplaintProgressFigures, ...] = ()


def _pairs(value: Any, labels: Mapping[str, str]) -> tuple[tuple[str, int], ...]:
    """A mapping (or pairs) of code and count as (label, count) pairs, in the order given."""
    items = value.items() if isinstance(value, Mapping) else (value or ())
    return tuple((labels.get(str(code), str(code)) or "Not rated", int(n)) for code, n in items)


def _action_plan_progress(as_at: dt.date) -> ActionPlanProgress:
    """Ask ``rollcall.actionplans.selectors.progress(as_of)`` for each complaint's progress.

    Imported when needed, so the reports work before (and without) the action-plans area. Each
    item is read by attribute: ``reference``, ``title``, ``by_status`` and ``by_rag`` (mappings
    of code to count; the codes are shown with the selectors' ``STATUS_LABELS`` and
    ``RAG_LABELS`` where it has them).
    """
    try:
        selectors = import_module("rollcall.actionplans.selectors")
    except ImportError:
        return ActionPlanProgress(available=False)
    progress: Callable[[dt.date], Iterable[Any]] | None = getattr(selectors, "progress", None)
    if progress is None:
        return ActionPlanProgress(available=False)
    status_labels: Mapping[str, str] = getattr(selectors, "STATUS_LABELS", {})
    rag_labels: Mapping[str, str] = {"": "Not rated", **getattr(selectors, "RAG_LABELS", {})}
    return ActionPlanProgress(
        available=True,
        complaints=tuple(
            ComplaintProgressFigures(
                reference=str(item.reference),
                title=str(item.title),
                by_status=_pairs(getattr(item, "by_status", ()), status_labels),
                by_rag=_pairs(getattr(item, "by_rag", ()), rag_labels),
            )
            for item in progress(as_at)
        ),
    )


@dataclass(frozen=True)
class QuarterlyFigures:
    period: Period
    as_at: dt.date
    complete: bool
    cme: CaseFlow
    health: CaseFlow
    removals: RemovalFigures
    vulnerable: VulnerableApplicantFigures
    fair_access: FairAccessFigures
    trend: tuple[QuarterTrend, ...]
    action_plans: ActionPlanProgress


def quarterly_figures(
    period: Period,
    *,
    today: dt.date | None = None,
    calendar: SchoolCalendar | None = None,
    trend_length: int = 8,
) -> QuarterlyFigures:
    """The quarterly scrutiny report for ``period`` (a financial quarter), with the trend over
    the ``trend_length`` quarters ending with it. Council-wide: no team scope. About 15 queries."""
    today = today or clock.today()
    as_at = period.as_at(today)
    calendar = _calendar(calendar)
    return QuarterlyFigures(
        period=period,
        as_at=as_at,
        complete=period.is_complete(today),
        cme=_case_flow("cme", period, as_at, calendar),
        health=_case_flow("health", period, as_at, calendar),
        removals=_removals(period, as_at),
        vulnerable=_vulnerable_applicants(period, as_at),
        fair_access=_fair_access(period, as_at),
        trend=_trend(trailing(period, trend_length), today),
        action_plans=_action_plan_progress(as_at),
    )


# ---- exceptions --------------------------------------------------------------------------


@dataclass(frozen=True)
class ExceptionRow:
    case_id: int
    reference: str
    child: str
    kind: str
    team: str
    owner: str
    next_action: str
    overdue_since: dt.date | None
    school_days_overdue: int
    on_report_since: dt.date | None
    child_id: int = 0


@dataclass(frozen=True)
class ExceptionsFigures:
    as_at: dt.date
    exact: bool
    """True for today (the cases' own escalation level); False for a past date (rebuilt)."""
    rows: tuple[ExceptionRow, ...]
    lost: tuple[LostChild, ...] = ()
    """Today only: children lost between rolls (the daily invariant's breaches), by name."""


def exceptions_figures(
    as_at: dt.date,
    *,
    today: dt.date | None = None,
    teams: Collection[int] | None = None,
    calendar: SchoolCalendar | None = None,
) -> ExceptionsFigures:
    """Every case beyond the last step of its escalation ladder on ``as_at``, by name.

    Today: every open case whose ``escalation_level`` is the exceptions report (the sweep raises
    it; the "exception" flag goes with it). A past date: every case open then that had reached
    the exceptions report by then and whose earliest unfinished task on that day was still
    overdue by at least the exceptions threshold (the ladder's current setting). Three queries.
    """
    today = today or clock.today()
    if as_at > today:
        msg = "There are no exceptions in the future"
        raise ValueError(msg)
    calendar = _calendar(calendar)
    cases = _cases(teams).filter(open_at(as_at))
    reached_exceptions = Escalation.objects.filter(
        case=OuterRef("pk"), level=Level.EXCEPTIONS, reached_on__lte=as_at
    ).order_by("-reached_on")
    if as_at == today:
        chosen = cases.filter(escalation_level=Level.EXCEPTIONS).annotate(due=F("next_action_due"))
    else:
        earliest_open_task = (
            Task.objects.filter(case=OuterRef("pk"), created_at__lt=_after(as_at))
            .filter(Q(completed_at__isnull=True) | Q(completed_at__gte=_after(as_at)))
            .values("case")
            .annotate(first=Min("due"))
            .values("first")
        )
        chosen = cases.filter(Exists(reached_exceptions)).annotate(due=Subquery(earliest_open_task))
    rows = (
        chosen.annotate(since=Subquery(reached_exceptions.values("reached_on")[:1]))
        .order_by("due", "pk")
        .values_list(
            "pk",
            "kind",
            "child__legal_forename",
            "child__legal_surname",
            "team__name",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
            "next_action",
            "due",
            "since",
            "child_id",
        )
    )
    threshold = RuleSettings.current().ladder.exceptions_after
    found = []
    for pk, kind, forename, surname, team, first, last, username, action, due, since, child_id in rows:
        days = overdue_school_days(calendar, due, as_at) if due else 0
        if as_at != today and (due is None or days < threshold):
            continue
        found.append(
            ExceptionRow(
                case_id=pk,
                reference=f"{kind.upper()}-{pk:06d}",
                child=f"{forename} {surname}",
                kind=KIND_LABELS.get(kind, kind),
                team=team,
                owner=f"{first} {last}".strip() or (username or ""),
                next_action=action if as_at == today else "",
                overdue_since=due,
                school_days_overdue=days,
                on_report_since=since,
                child_id=child_id,
            )
        )
    lost: tuple[LostChild, ...] = ()
    if as_at == today and (
        teams is None or Team.objects.filter(pk__in=teams, kind=Team.Kind.INCLUSION).exists()
    ):
        # Children lost between rolls are the Inclusion team's to find (rolls/sweep.py).
        lost = tuple(lost_between_rolls_children(today=today))
    return ExceptionsFigures(as_at=as_at, exact=as_at == today, rows=tuple(found), lost=lost)


# ---- unknown destinations (monthly) --------------------------------------------------------


@dataclass(frozen=True)
class UnknownDestinationRow:
    child_id: int
    child: str
    school: str
    removal_date: dt.date
    received_on: dt.date
    ground: str
    on_roll_at_end: bool
    open_case_at_end: bool
    case_closed_since: bool
    """A case about the child was closed after the notice arrived (e.g. home education)."""


@dataclass(frozen=True)
class UnknownDestinationsFigures:
    period: Period
    as_at: dt.date
    complete: bool
    notices: int
    unknown: int
    back_on_roll: int
    with_open_case: int
    case_closed: int
    """Not on a roll, no open case, but a case about them closed since the notice (with its outcome)."""
    neither: int
    """No roll, no open case and no case closed since the notice: nobody has followed them up."""
    by_school: tuple[tuple[str, int], ...]
    rows: tuple[UnknownDestinationRow, ...]


def unknown_destinations_figures(
    period: Period, *, today: dt.date | None = None
) -> UnknownDestinationsFigures:
    """Deletion returns received in ``period`` that named no destination, and where each child
    was at the end of the period: back on a roll, with an open case, with a case closed since the
    notice (its outcome says where they went), or none of these. Two queries."""
    today = today or clock.today()
    as_at = period.as_at(today)
    received = RemovalNotice.objects.filter(
        received_at__gte=day_start(period.start), received_at__lt=_after(as_at)
    )
    total = received.count()
    open_case = Case.objects.filter(Q(child=OuterRef("child")) & open_at(as_at))
    closed_since = Case.objects.filter(
        child=OuterRef("child"), closed_at__gte=OuterRef("received_at"), closed_at__lt=_after(as_at)
    )
    rows = []
    for pk, forename, surname, school, removal_date, received_at, ground, on_roll, has_case, closed in (
        received.filter(_no_destination())
        .annotate(on_roll=_on_roll_at(as_at), has_case=Exists(open_case), closed=Exists(closed_since))
        .order_by("received_at", "pk")
        .values_list(
            "child_id",
            "child__legal_forename",
            "child__legal_surname",
            "school__name",
            "removal_date",
            "received_at",
            "ground",
            "on_roll",
            "has_case",
            "closed",
        )
    ):
        rows.append(
            UnknownDestinationRow(
                child_id=pk,
                child=f"{forename} {surname}",
                school=school,
                removal_date=removal_date,
                received_on=clock.local_date(received_at),
                ground=f"({ground}) {GROUNDS[ground].summary}" if ground in GROUNDS else "No ground given",
                on_roll_at_end=bool(on_roll),
                open_case_at_end=bool(has_case),
                case_closed_since=bool(closed),
            )
        )
    schools = Counter(r.school for r in rows)
    followed_elsewhere = [r for r in rows if not r.on_roll_at_end and not r.open_case_at_end]
    return UnknownDestinationsFigures(
        period=period,
        as_at=as_at,
        complete=period.is_complete(today),
        notices=total,
        unknown=len(rows),
        back_on_roll=sum(1 for r in rows if r.on_roll_at_end),
        with_open_case=sum(1 for r in rows if r.open_case_at_end and not r.on_roll_at_end),
        case_closed=sum(1 for r in followed_elsewhere if r.case_closed_since),
        neither=sum(1 for r in followed_elsewhere if not r.case_closed_since),
        by_school=tuple(sorted(schools.items(), key=lambda item: (-item[1], item[0]))),
        rows=tuple(rows),
    )


# ---- deferred places (school year) ---------------------------------------------------------


@dataclass(frozen=True)
class DeferredPlaceRow:
    child: str
    school: str
    due_to_start: dt.date
    checked_on: dt.date | None
    started: bool | None
    child_id: int = 0


@dataclass(frozen=True)
class DeferredPlacesFigures:
    period: Period
    as_at: dt.date
    complete: bool
    places: int
    due_by_end: int
    started: int
    not_started: int
    not_checked: int
    """Due to start by the end, but not checked by then."""
    by_month: tuple[tuple[str, int], ...]
    """(month, places due to start in it), September first."""
    rows: tuple[DeferredPlaceRow, ...]


def deferred_places_figures(period: Period, *, today: dt.date | None = None) -> DeferredPlacesFigures:
    """Deferred school places due to start in ``period`` (a school year) and whether each child
    started, as checked by the end of the period (or today). One query."""
    today = today or clock.today()
    as_at = period.as_at(today)
    rows = []
    for forename, surname, school, due, checked_on, started, child_id in (
        DeferredPlace.objects.filter(due_to_start__range=(period.start, period.end))
        .order_by("due_to_start", "pk")
        .values_list(
            "child__legal_forename",
            "child__legal_surname",
            "school__name",
            "due_to_start",
            "checked_on",
            "started",
            "child_id",
        )
    ):
        known = checked_on is not None and checked_on <= as_at
        rows.append(
            DeferredPlaceRow(
                child_id=child_id,
                child=f"{forename} {surname}",
                school=school,
                due_to_start=due,
                checked_on=checked_on if known else None,
                started=started if known else None,
            )
        )
    months: Counter[tuple[int, int]] = Counter((r.due_to_start.year, r.due_to_start.month) for r in rows)
    month_labels = []
    day = period.start
    while day <= period.end:
        month_labels.append((f"{day:%B %Y}", months.get((day.year, day.month), 0)))
        day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    due_rows = [r for r in rows if r.due_to_start <= as_at]
    return DeferredPlacesFigures(
        period=period,
        as_at=as_at,
        complete=period.is_complete(today),
        places=len(rows),
        due_by_end=len(due_rows),
        started=sum(1 for r in due_rows if r.started is True),
        not_started=sum(1 for r in due_rows if r.started is False),
        not_checked=sum(1 for r in due_rows if r.started is None),
        by_month=tuple(month_labels),
        rows=tuple(rows),
    )


# ---- children waiting for a place (monthly) ------------------------------------------------


@dataclass(frozen=True)
class WaitingRow:
    case_id: int
    reference: str
    child: str
    date_of_birth: dt.date
    waiting_since: dt.date
    school_days: int
    owner: str
    child_id: int = 0


@dataclass(frozen=True)
class WaitingFigures:
    period: Period
    as_at: dt.date
    complete: bool
    waiting: int
    by_age: tuple[tuple[str, int], ...]
    by_wait: tuple[tuple[str, int], ...]
    median_days: int | None
    p90_days: int | None
    rows: tuple[WaitingRow, ...]


def waiting_figures(
    period: Period,
    *,
    today: dt.date | None = None,
    teams: Collection[int] | None = None,
    calendar: SchoolCalendar | None = None,
) -> WaitingFigures:
    """Children waiting for a place at the end of ``period``: a "waiting" case open then and the
    child on no school roll that day (the same test as the admissions page). One query."""
    today = today or clock.today()
    as_at = period.as_at(today)
    calendar = _calendar(calendar)
    rows = []
    for pk, forename, surname, dob, opened_on, first, last, username, child_id in (
        _cases(teams)
        .filter(Q(kind="waiting") & open_at(as_at))
        .annotate(on_roll=_on_roll_at(as_at))
        .filter(on_roll=False)
        .order_by("opened_on", "pk")
        .values_list(
            "pk",
            "child__legal_forename",
            "child__legal_surname",
            "child__date_of_birth",
            "opened_on",
            "owner__first_name",
            "owner__last_name",
            "owner__username",
            "child_id",
        )
    ):
        rows.append(
            WaitingRow(
                child_id=child_id,
                case_id=pk,
                reference=f"WAITING-{pk:06d}",
                child=f"{forename} {surname}",
                date_of_birth=dob,
                waiting_since=opened_on,
                school_days=max(0, calendar.school_days_between(opened_on, as_at)),
                owner=f"{first} {last}".strip() or (username or ""),
            )
        )
    ages = Counter(age_band(r.date_of_birth, as_at) for r in rows)
    waits = Counter(_band(r.school_days, WAITING_BANDS) for r in rows)
    days = [r.school_days for r in rows]
    return WaitingFigures(
        period=period,
        as_at=as_at,
        complete=period.is_complete(today),
        waiting=len(rows),
        by_age=tuple((b.label, ages.get(b.label, 0)) for b in AGE_BANDS),
        by_wait=tuple((label, waits.get(label, 0)) for label, _lo, _hi in WAITING_BANDS),
        median_days=median(days),
        p90_days=percentile(days, 90),
        rows=tuple(rows),
    )


# ---- multi-agency hub profile --------------------------------------------------------------


@dataclass(frozen=True)
class SuppressedCounts:
    """One aggregate table as it may leave the council: labels and published counts only."""

    title: str
    labels: tuple[str, ...]
    counts: tuple[Published, ...]
    total: Published | None
    """None where the counts overlap (a child can be in more than one row) and do not add up."""


@dataclass(frozen=True)
class HubProfileFigures:
    """Aggregate counts for the multi-agency hub: no names, no identifiers, small numbers
    suppressed before they reach this object (rollcall.rules.reporting.suppress)."""

    period: Period
    as_at: dt.date
    complete: bool
    children: Published
    by_age: SuppressedCounts
    by_area: SuppressedCounts
    by_kind: SuppressedCounts
    by_characteristic: SuppressedCounts
    by_outcome: SuppressedCounts


def _suppressed_list(title: str, items: list[tuple[str, int]], *, additive: bool = True) -> SuppressedCounts:
    labels = tuple(label for label, _n in items)
    if additive:
        table = suppress([[n] for _label, n in items])
        return SuppressedCounts(title, labels, tuple(row[0] for row in table.cells), table.total)
    # Overlapping rows have no total to difference against: each count stands alone.
    return SuppressedCounts(title, labels, tuple(suppress([[n]]).cells[0][0] for _l, n in items), None)


def hub_profile_figures(period: Period, *, today: dt.date | None = None) -> HubProfileFigures:
    """The multi-agency hub profile for ``period``: children with a case of any kind open at
    some time in the period, counted by age band and area at the period end, by case kind, by
    the vulnerability characteristics answered "yes" on their latest in-year application, and the
    outcomes of cases closed in the period. Four queries, then counting."""
    today = today or clock.today()
    as_at = period.as_at(today)
    in_period = Q(opened_on__lte=as_at) & (
        Q(closed_at__isnull=True) | Q(closed_at__gte=day_start(period.start))
    )
    cases = Case.objects.filter(in_period)
    address_at_end = (
        Address.objects.filter(child=OuterRef("pk"))
        .filter(Q(moved_in__isnull=True) | Q(moved_in__lte=as_at))
        .filter(Q(moved_out__isnull=True) | Q(moved_out__gt=as_at))
        .order_by(F("moved_in").desc(nulls_last=True), "-pk")
        .values("postcode")[:1]
    )
    children = list(
        Child.objects.filter(pk__in=cases.values("child_id"))
        .annotate(postcode=Subquery(address_at_end))
        .values_list("pk", "date_of_birth", "postcode")
    )
    ages = Counter(age_band(dob, as_at) for _pk, dob, _pc in children)
    areas = Counter(postcode_district(postcode or "") for _pk, _dob, postcode in children)
    area_items = sorted(((a, n) for a, n in areas.items() if a != NOT_KNOWN_AREA), key=lambda x: x[0])
    if areas.get(NOT_KNOWN_AREA):
        area_items.append((NOT_KNOWN_AREA, areas[NOT_KNOWN_AREA]))

    kinds = dict(cases.values_list("kind").annotate(n=Count("child_id", distinct=True)).order_by())

    latest_application = (
        Application.objects.filter(child=OuterRef("application__child"), received_on__lte=as_at)
        .order_by("-received_on", "-pk")
        .values("pk")[:1]
    )
    characteristic_counts = dict(
        VulnerabilityAnswer.objects.filter(
            answer="yes",
            application__received_on__lte=as_at,
            application__child__in=cases.values("child_id"),
        )
        .filter(application=Subquery(latest_application))
        .values_list("characteristic")
        .annotate(n=Count("application__child", distinct=True))
        .order_by()
    )

    outcomes: list[tuple[str, int]] = []
    closed = {
        (kind, outcome): n
        for kind, outcome, n in Case.objects.filter(closed_between(period.start, as_at))
        .values_list("kind", "outcome")
        .annotate(n=Count("pk"))
        .order_by()
    }
    for kind in KINDS:
        for code, outcome in WORKFLOWS[kind].outcomes.items():
            outcomes.append((f"{KIND_LABELS[kind]}: {outcome.label}", closed.pop((kind, code), 0)))
    if closed:
        outcomes.append(("Outcome not recorded", sum(closed.values())))

    total_children = suppress([[len(children)]]).total
    return HubProfileFigures(
        period=period,
        as_at=as_at,
        complete=period.is_complete(today),
        children=total_children,
        by_age=_suppressed_list("Children by age", [(b.label, ages.get(b.label, 0)) for b in AGE_BANDS]),
        by_area=_suppressed_list("Children by area (postcode district)", area_items),
        by_kind=_suppressed_list(
            "Children by kind of case", [(KIND_LABELS[k], kinds.get(k, 0)) for k in KINDS], additive=False
        ),
        by_characteristic=_suppressed_list(
            "Children by vulnerability characteristic",
            [(c.question.rstrip("?"), characteristic_counts.get(c.code, 0)) for c in CHARACTERISTICS],
            additive=False,
        ),
        by_outcome=_suppressed_list("Cases closed in the period by outcome", outcomes),
    )


# ---- dashboard ---------------------------------------------------------------------------


@dataclass(frozen=True)
class MonthTrend:
    period: Period
    opened: int
    closed: int
    open_at_end: int


@dataclass(frozen=True)
class DashboardFigures:
    today: dt.date
    month: MonthlyFigures
    """This month so far (as at today)."""
    exceptions: int
    waiting: int
    trend: tuple[MonthTrend, ...] = field(default=())
    """The last twelve months, oldest first, the current one as at today."""


def dashboard_figures(
    *,
    today: dt.date | None = None,
    teams: Collection[int] | None = None,
    calendar: SchoolCalendar | None = None,
    months: int = 12,
) -> DashboardFigures:
    """The managers' dashboard: this month so far, the exceptions and waiting counts today, and
    cases opened, closed and open over the last ``months`` months. About twelve queries."""
    today = today or clock.today()
    calendar = _calendar(calendar)
    current = period_containing(PeriodKind.MONTH, today)
    periods = trailing(current, months)
    cases = _cases(teams)
    trend = _month_trend(cases, periods, today)
    waiting_now = (
        cases.filter(Q(kind="waiting") & open_at(today))
        .annotate(on_roll=_on_roll_at(today))
        .filter(on_roll=False)
        .count()
    )
    return DashboardFigures(
        today=today,
        month=monthly_figures(current, today=today, teams=teams, calendar=calendar),
        exceptions=cases.filter(closed_at__isnull=True, escalation_level=Level.EXCEPTIONS).count(),
        waiting=waiting_now,
        trend=trend,
    )


def _month_key(value: dt.date | dt.datetime) -> tuple[int, int]:
    day = clock.local_date(value) if isinstance(value, dt.datetime) else value
    return day.year, day.month


def _month_trend(cases: QuerySet[Case], periods: list[Period], today: dt.date) -> tuple[MonthTrend, ...]:
    """Opened, closed and open at each month's end, in three grouped queries however many months:
    open at a month's end is those open before the first month, plus those opened, less those
    closed, up to then."""
    first = periods[0].start
    open_before = cases.filter(open_at(first - dt.timedelta(days=1))).count()
    opened: Counter[tuple[int, int]] = Counter()
    for month_start, n in (
        cases.filter(opened_on__range=(first, today))
        .annotate(month=TruncMonth("opened_on"))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        opened[_month_key(month_start)] += n
    closed: Counter[tuple[int, int]] = Counter()
    for month_start, n in (
        cases.filter(closed_between(first, today))
        .annotate(month=TruncMonth("closed_at", tzinfo=clock.LONDON))
        .values_list("month")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        closed[_month_key(month_start)] += n
    trend = []
    running = open_before
    for p in periods:
        key = (p.start.year, p.start.month)
        running += opened[key] - closed[key]
        trend.append(MonthTrend(p, opened[key], closed[key], running))
    return tuple(trend)
