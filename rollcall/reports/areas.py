"""Home education (issue 15) and exclusions and enforcement (issue 16) on the reports.

Kept apart from figures.py and documents.py so each area's figures and tables read in one place:
``ehe_figures`` and ``enforcement_figures`` count, month by month through a period, from the dated
columns of the two areas' records; ``ehe_tables`` and ``enforcement_tables`` turn them into report
tables for the monthly and scrutiny reports; ``hub_tables`` gives the same counts suppressed under
5 for the multi-agency hub profile. A few aggregate queries per period, none per child.

As at a past month: records by their case's ``opened_on``, outcomes by the case's ``closed_at``,
notices by ``served_on``; exclusions by the day the council received them, the sixth day by its
date and the provision's start; penalty-notice stages by the date of each stage (consideration
reached, decision made, notice issued, paid, withdrawn; each prosecution step on its date);
school budget adjustments after a quashed permanent exclusion by the day the board reconsidered.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from django.db.models import Count, Q

from rollcall import clock
from rollcall.casework.models import Case
from rollcall.exclusions.models import (
    BudgetAdjustment,
    Consideration,
    Exclusion,
    PenaltyNotice,
    ProsecutionStep,
)
from rollcall.homeeducation.models import STEP_CHOICES, EHERecord, SAONotice
from rollcall.reports.documents import ReportDocument, Table, Value
from rollcall.reports.figures import SuppressedCounts, closed_between, day_start, open_at
from rollcall.rules.reporting import Period, month, suppress
from rollcall.rules.workflow import EHE, SAO

__all__ = [
    "AREA_NOTE",
    "EHEFigures",
    "EnforcementFigures",
    "ehe_figures",
    "ehe_tables",
    "enforcement_figures",
    "enforcement_tables",
    "hub_tables",
    "months_in",
    "with_area_tables",
]


def months_in(period: Period, as_at: dt.date) -> list[Period]:
    """The calendar months of ``period`` that have started by ``as_at``, in order."""
    found = []
    current = month(period.start.year, period.start.month)
    while current.start <= min(period.end, as_at):
        found.append(current)
        current = current.next()
    return found


def _month_of(day: dt.date) -> tuple[int, int]:
    return (day.year, day.month)


def _by_month(days: Iterable[dt.date | None], months: Sequence[Period]) -> tuple[int, ...]:
    counted = Counter(_month_of(d) for d in days if d is not None)
    return tuple(counted.get((m.start.year, m.start.month), 0) for m in months)


def _received(after: dt.date, through: dt.date) -> Q:
    return Q(received_at__gte=day_start(after), received_at__lt=day_start(through + dt.timedelta(days=1)))


# ---- elective home education ---------------------------------------------------------------------


@dataclass(frozen=True)
class EHEFigures:
    months: tuple[str, ...]
    opened: tuple[int, ...]
    """Records opened each month."""
    closed: tuple[int, ...]
    """Records closed each month (their "ehe" case closed)."""
    open_at_end: tuple[int, ...]
    """Records open at the end of each month (or at the as-at day for the running one)."""
    by_source: tuple[tuple[str, tuple[int, ...]], ...]
    """How the council heard, records opened each month."""
    by_reason: tuple[tuple[str, tuple[int, ...]], ...]
    """The parent's main reason, records opened each month."""
    outcomes: tuple[tuple[str, int], ...]
    """Records closed in the period by outcome."""
    outcomes_by_month: tuple[tuple[str, tuple[int, ...]], ...]
    """Records closed each month by outcome."""
    notices: tuple[tuple[str, int], ...]
    """Attendance-order notices served in the period, by step."""
    sao_outcomes: tuple[tuple[str, int], ...]
    """Attendance-order cases closed in the period by outcome."""


def ehe_figures(period: Period, as_at: dt.date) -> EHEFigures:
    """Home education through ``period`` (up to ``as_at``), month by month. Six queries."""
    months = months_in(period, as_at)
    ends = [min(m.end, as_at) for m in months]
    opened_rows = list(
        EHERecord.objects.filter(case__opened_on__range=(period.start, as_at)).values_list(
            "case__opened_on", "source", "reason"
        )
    )
    closed_rows = [
        (clock.local_date(c), outcome)
        for c, outcome in Case.objects.filter(closed_between(period.start, as_at), kind="ehe").values_list(
            "closed_at", "outcome"
        )
        if c is not None
    ]
    closed_days = [day for day, _outcome in closed_rows]
    open_counts = Case.objects.filter(kind="ehe").aggregate(
        **{f"m{i}": Count("pk", filter=open_at(end)) for i, end in enumerate(ends)}
    )
    sources = [
        (label, _by_month((d for d, s, _r in opened_rows if s == code), months))
        for code, label in EHERecord.Source.choices
    ]
    reasons = [
        (label, _by_month((d for d, _s, r in opened_rows if r == code), months))
        for code, label in EHERecord.Reason.choices
    ]
    outcome_counts = dict(Counter(outcome for _day, outcome in closed_rows))
    known_outcomes = [(code, str(getattr(o, "label", code))) for code, o in EHE.outcomes.items()]
    by_outcome = [
        (label, _by_month((day for day, outcome in closed_rows if outcome == code), months))
        for code, label in known_outcomes
    ]
    unknown = [day for day, outcome in closed_rows if outcome not in EHE.outcomes]
    if unknown:
        by_outcome.append(("Outcome not recorded", _by_month(unknown, months)))
    sao_counts = dict(
        Case.objects.filter(closed_between(period.start, as_at), kind="sao")
        .values_list("outcome")
        .annotate(n=Count("pk"))
        .order_by()
    )
    notice_counts = dict(
        SAONotice.objects.filter(served_on__range=(period.start, as_at))
        .values_list("step")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return EHEFigures(
        months=tuple(m.label for m in months),
        opened=_by_month((d for d, _s, _r in opened_rows), months),
        closed=_by_month(closed_days, months),
        open_at_end=tuple(open_counts[f"m{i}"] for i in range(len(months))),
        by_source=tuple(sources),
        by_reason=tuple(reasons),
        outcomes=_outcomes(EHE.outcomes.items(), outcome_counts),
        outcomes_by_month=tuple(by_outcome),
        notices=tuple((label, notice_counts.get(code, 0)) for code, label in STEP_CHOICES),
        sao_outcomes=_outcomes(SAO.outcomes.items(), sao_counts),
    )


def _outcomes(known: Iterable[tuple[str, object]], counts: dict[str, int]) -> tuple[tuple[str, int], ...]:
    rows = [(str(getattr(outcome, "label", code)), counts.pop(code, 0)) for code, outcome in known]
    if counts:
        rows.append(("Outcome not recorded", sum(counts.values())))
    return tuple(rows)


def _month_table(
    slug: str,
    caption: str,
    months: Sequence[str],
    rows: Iterable[tuple[str, Sequence[int]]],
    *,
    heading: str,
    note: str = "",
) -> Table:
    body: tuple[tuple[Value, ...], ...] = tuple((label, *values, sum(values)) for label, values in rows)
    return Table(slug, caption, (heading, *months, "Period"), body, note=note)


def _pairs_table(slug: str, caption: str, heading: str, rows: Sequence[tuple[str, int]]) -> Table:
    return Table(
        slug, caption, (heading, "Number"), tuple(rows), ("Total", sum(n for _l, n in rows)) if rows else None
    )


def ehe_tables(f: EHEFigures) -> tuple[Table, ...]:
    return (
        _month_table(
            "ehe-month",
            "Home education by month",
            f.months,
            (
                ("Records opened", f.opened),
                ("Records closed", f.closed),
            ),
            heading="Records",
            note="Records open at the end of each month: "
            + "; ".join(f"{m}: {n}" for m, n in zip(f.months, f.open_at_end, strict=True))
            + ".",
        ),
        _month_table(
            "ehe-source",
            "Home education: how the council heard",
            f.months,
            f.by_source,
            heading="How the council heard",
        ),
        _month_table(
            "ehe-reason",
            "Home education: parents' reasons",
            f.months,
            f.by_reason,
            heading="Parent's main reason",
            note="The parent's main reason, where they chose to give one; parents do not have to.",
        ),
        _month_table(
            "ehe-outcome",
            "Home education records closed by outcome",
            f.months,
            f.outcomes_by_month,
            heading="Outcome",
        ),
        _pairs_table("sao-notices", "Attendance order notices served", "Notice", f.notices),
        _pairs_table("sao-outcome", "Attendance order cases closed by outcome", "Outcome", f.sao_outcomes),
    )


# ---- exclusions and attendance enforcement -------------------------------------------------------


@dataclass(frozen=True)
class SixthDay:
    on_time: int
    late: int
    not_recorded: int
    not_yet_due: int

    @property
    def due(self) -> int:
        return self.on_time + self.late + self.not_recorded


@dataclass(frozen=True)
class EnforcementFigures:
    months: tuple[str, ...]
    suspensions: tuple[int, ...]
    permanent: tuple[int, ...]
    suspended_children: int
    excluded_children: int
    council_sixth_day: SixthDay
    """Permanent exclusions whose sixth school day fell in the period: the council's provision."""
    school_sixth_day: SixthDay
    """Suspensions over five days whose sixth day fell in the period: the school's provision."""
    stages: tuple[tuple[str, tuple[int, ...]], ...]
    """Penalty-notice stages reached each month."""
    undecided_at_end: int
    budget_adjustments: tuple[int, ...]
    """School budget adjustments after a quashed permanent exclusion, each month."""
    budget_adjustment_pounds: tuple[int, ...]
    """Their total in pounds, each month."""


def _sixth_day(rows: Iterable[tuple[dt.date | None, dt.date | None]], as_at: dt.date) -> SixthDay:
    on_time = late = missing = waiting = 0
    for sixth, provision in rows:
        if sixth is None:  # pragma: no cover - the query reads only rows with a sixth day
            continue
        if provision is not None and provision <= sixth:
            on_time += 1
        elif provision is not None and provision <= as_at:
            late += 1
        elif sixth <= as_at:
            # Day six has come with no provision recorded by the as-at day.
            missing += 1
        else:  # pragma: no cover - the query only reads sixth days up to as_at
            waiting += 1
    return SixthDay(on_time, late, missing, waiting)


def enforcement_figures(period: Period, as_at: dt.date) -> EnforcementFigures:
    """Exclusions, sixth-day provision, penalty notices, prosecutions and budget adjustments through
    ``period``. Nine queries."""
    months = months_in(period, as_at)
    notified = list(
        Exclusion.objects.filter(_received(period.start, as_at)).values_list(
            "received_at", "kind", "child_id"
        )
    )
    days = [(clock.local_date(at), kind, child) for at, kind, child in notified]
    sixth = Exclusion.objects.filter(sixth_day__range=(period.start, as_at))
    council_rows = [
        (s, p if p is not None and p <= as_at else None)
        for s, p in sixth.filter(kind=Exclusion.Kind.PERMANENT).values_list("sixth_day", "provision_from")
    ]
    school_rows = [
        (s, p if p is not None and p <= as_at else None)
        for s, p in sixth.filter(kind=Exclusion.Kind.SUSPENSION, school_arranges_sixth_day=True).values_list(
            "sixth_day", "provision_from"
        )
    ]
    reached = Consideration.objects.filter(reached_on__range=(period.start, as_at)).values_list(
        "reached_on", flat=True
    )
    decided = [
        (clock.local_date(at), decision)
        for at, decision in Consideration.objects.filter(
            decided_at__gte=day_start(period.start), decided_at__lt=day_start(as_at + dt.timedelta(days=1))
        ).values_list("decided_at", "decision")
        if at is not None
    ]
    notices = PenaltyNotice.objects.filter(
        Q(issued_on__range=(period.start, as_at))
        | Q(paid_on__range=(period.start, as_at))
        | Q(withdrawn_on__range=(period.start, as_at))
    ).values_list("issued_on", "paid_on", "withdrawn_on")
    issued, paid, withdrawn = [], [], []
    for issued_on, paid_on, withdrawn_on in notices:
        issued.append(issued_on if period.start <= issued_on <= as_at else None)
        paid.append(paid_on if paid_on and period.start <= paid_on <= as_at else None)
        withdrawn.append(withdrawn_on if withdrawn_on and period.start <= withdrawn_on <= as_at else None)
    stages: list[tuple[str, tuple[int, ...]]] = [
        ("Consideration opened (threshold or a school's request)", _by_month(reached, months))
    ]
    for code, label in Consideration.Decision.choices:
        stages.append((f"Decided: {label.lower()}", _by_month((d for d, c in decided if c == code), months)))
    stages += [
        ("Penalty notices issued", _by_month(issued, months)),
        ("Penalty notices paid", _by_month(paid, months)),
        ("Penalty notices withdrawn", _by_month(withdrawn, months)),
    ]
    prosecution = list(
        ProsecutionStep.objects.filter(on__range=(period.start, as_at)).values_list("on", "step")
    )
    for code, label in ProsecutionStep.Step.choices:
        stages.append(
            (f"Prosecution: {label.lower()}", _by_month((d for d, c in prosecution if c == code), months))
        )
    undecided = (
        Consideration.objects.filter(reached_on__lte=as_at)
        .filter(Q(decided_at__isnull=True) | Q(decided_at__gte=day_start(as_at + dt.timedelta(days=1))))
        .count()
    )
    adjusted = list(
        BudgetAdjustment.objects.filter(on__range=(period.start, as_at)).values_list("on", "amount")
    )
    pounds: Counter[tuple[int, int]] = Counter()
    for on, amount in adjusted:
        pounds[_month_of(on)] += amount
    return EnforcementFigures(
        months=tuple(m.label for m in months),
        suspensions=_by_month((d for d, k, _c in days if k == Exclusion.Kind.SUSPENSION), months),
        permanent=_by_month((d for d, k, _c in days if k == Exclusion.Kind.PERMANENT), months),
        suspended_children=len({c for _d, k, c in days if k == Exclusion.Kind.SUSPENSION}),
        excluded_children=len({c for _d, k, c in days if k == Exclusion.Kind.PERMANENT}),
        council_sixth_day=_sixth_day(council_rows, as_at),
        school_sixth_day=_sixth_day(school_rows, as_at),
        stages=tuple(stages),
        undecided_at_end=undecided,
        budget_adjustments=_by_month((on for on, _amount in adjusted), months),
        budget_adjustment_pounds=tuple(pounds[(m.start.year, m.start.month)] for m in months),
    )


def _sixth_day_row(label: str, s: SixthDay) -> tuple[Value, ...]:
    return (label, s.due, s.on_time, s.late, s.not_recorded)


def enforcement_tables(f: EnforcementFigures) -> tuple[Table, ...]:
    return (
        _month_table(
            "exclusions-month",
            "Exclusions notified by month",
            f.months,
            (("Suspensions", f.suspensions), ("Permanent exclusions", f.permanent)),
            heading="Kind",
            note=f"Children suspended in the period: {f.suspended_children}; "
            f"children permanently excluded: {f.excluded_children}.",
        ),
        Table(
            "sixth-day",
            "Sixth-day provision",
            (
                "Who arranges it",
                "Sixth day in the period",
                "In place by the sixth day",
                "Later",
                "None recorded",
            ),
            (
                _sixth_day_row("The council (permanent exclusions)", f.council_sixth_day),
                _sixth_day_row("The school (suspensions over 5 days)", f.school_sixth_day),
            ),
            note="Full-time education from the sixth school day of exclusion (2007 Regulations); "
            "'Later' is provision that started after the sixth day.",
        ),
        _month_table(
            "penalty-stages",
            "Penalty notices by stage",
            f.months,
            f.stages,
            heading="Stage",
            note=f"Considerations not yet decided at the end of the period: {f.undecided_at_end}.",
        ),
        _month_table(
            "budget-adjustments",
            "School budget adjustments after a quashed permanent exclusion",
            f.months,
            (("Adjustments", f.budget_adjustments), ("Total, in pounds", f.budget_adjustment_pounds)),
            heading="Budget adjustments",
            note="Recorded when an independent review panel quashed a permanent exclusion and the "
            "governing board, reconsidering, did not reinstate; counted by the day of the "
            "reconsideration. The amount is the council's setting (£4,000: to confirm).",
        ),
    )


# ---- the hub profile: the same counts, small numbers suppressed -----------------------------------


def _suppressed(title: str, items: Sequence[tuple[str, int]], *, additive: bool = True) -> SuppressedCounts:
    labels = tuple(label for label, _n in items)
    if additive:
        table = suppress([[n] for _label, n in items])
        return SuppressedCounts(title, labels, tuple(r[0] for r in table.cells), table.total)
    # Overlapping rows have no total to difference against: each count stands alone.
    return SuppressedCounts(title, labels, tuple(suppress([[n]]).cells[0][0] for _l, n in items), None)


def hub_counts(ehe: EHEFigures, enforcement: EnforcementFigures) -> tuple[SuppressedCounts, ...]:
    """Counts for partners: no names; every count from 1 to 4 withheld (and what would reveal it)."""
    return (
        _suppressed(
            "Home education records opened by the parent's reason",
            [(label, sum(values)) for label, values in ehe.by_reason],
        ),
        _suppressed("Home education records closed by outcome", list(ehe.outcomes)),
        _suppressed(
            "Exclusions notified",
            [
                ("Suspensions", sum(enforcement.suspensions)),
                ("Permanent exclusions", sum(enforcement.permanent)),
            ],
        ),
        _suppressed(
            "Permanent exclusions: the council's sixth-day provision",
            [
                ("In place by the sixth day", enforcement.council_sixth_day.on_time),
                ("Later", enforcement.council_sixth_day.late),
                ("None recorded", enforcement.council_sixth_day.not_recorded),
            ],
        ),
        _suppressed(
            "Penalty-notice stages reached",
            [(label, sum(values)) for label, values in enforcement.stages],
            additive=False,
        ),
        # The count only: the total in pounds (the count times the amount) would reveal a withheld count.
        _suppressed(
            "School budget adjustments after a quashed permanent exclusion",
            [("Adjustments", sum(enforcement.budget_adjustments))],
            additive=False,
        ),
    )


def hub_tables(period: Period, as_at: dt.date) -> tuple[Table, ...]:
    """The hub profile's tables for home education and enforcement, suppressed."""
    counts = hub_counts(ehe_figures(period, as_at), enforcement_figures(period, as_at))
    slugs = ("ehe-reason", "ehe-outcome", "exclusions", "sixth-day", "penalty-stages", "budget-adjustments")
    headings = (
        "Parent's main reason",
        "Outcome",
        "Kind",
        "Sixth-day provision",
        "Stage",
        "Budget adjustments",
    )
    return tuple(
        Table(
            slug,
            c.title,
            (heading, "Number"),
            tuple(zip(c.labels, c.counts, strict=True)),
            ("Total", c.total) if c.total is not None else None,
            ""
            if c.total is not None or len(c.labels) < 2
            else "A case can be counted in more than one row, so these do not add up.",
        )
        for slug, heading, c in zip(slugs, headings, counts, strict=True)
    )


AREA_NOTE = (
    "Home education, exclusions and penalty notices are counted council-wide, whatever teams the "
    "report is limited to."
)


def with_area_tables(doc: ReportDocument, period: Period, *, hub: bool = False) -> ReportDocument:
    """``doc`` with the home-education and enforcement tables after its own (suppressed for the hub)."""
    if hub:
        return replace(doc, tables=(*doc.tables, *hub_tables(period, doc.as_at)))
    tables = (
        *ehe_tables(ehe_figures(period, doc.as_at)),
        *enforcement_tables(enforcement_figures(period, doc.as_at)),
    )
    return replace(doc, tables=(*doc.tables, *tables), notes=(*doc.notes, AREA_NOTE))
