"""Figures as a report document: headline figures, tables and charts, ready to write out.

One document feeds the page, the PDF (the same template), the XLSX (one sheet per table, native
charts over the same cells) and the CSV (one file per table), so every output carries the same
figures. Each chart is drawn from one table's columns, and that table is always shown with it:
the figures behind a chart are never only in the picture.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from rollcall.formats import long_date
from rollcall.reports.figures import (
    CaseFlow,
    DashboardFigures,
    DeferredPlacesFigures,
    ExceptionsFigures,
    HubProfileFigures,
    MonthlyFigures,
    QuarterlyFigures,
    Resolution,
    SuppressedCounts,
    UnknownDestinationsFigures,
    WaitingFigures,
)
from rollcall.rules.reporting import SECONDARY, SMALL

Value = str | int | float | dt.date | None

NOT_EXACT_REOPENED = (
    "A case closed and later reopened counts as open from the day it first opened: Roll Call keeps "
    "only a case's latest closure."
)
NO_CASES_CLOSED = "none closed"


@dataclass(frozen=True)
class Table:
    """A table of figures. The first column names each row; ``total`` is an optional last row."""

    slug: str
    caption: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Value, ...], ...]
    total: tuple[Value, ...] | None = None
    note: str = ""

    @property
    def all_rows(self) -> tuple[tuple[Value, ...], ...]:
        return (*self.rows, self.total) if self.total else self.rows

    @property
    def numeric(self) -> tuple[bool, ...]:
        """Which columns hold counts (right-aligned on the page): every value a number, a
        withheld count or a "none" phrase, and at least one number."""
        flags = []
        for column in range(len(self.headers)):
            values = [row[column] for row in self.all_rows]
            numbers = [v for v in values if isinstance(v, int | float) and not isinstance(v, bool)]
            flags.append(
                column > 0
                and bool(numbers)
                and all(
                    isinstance(v, int | float) or v in (SMALL, SECONDARY, NO_CASES_CLOSED) for v in values
                )
            )
        return tuple(flags)


@dataclass(frozen=True)
class Chart:
    """A chart of some columns of a table: categories from its first column, one series a column."""

    slug: str
    title: str
    kind: Literal["bar", "column", "line"]
    table: str
    columns: tuple[int, ...]
    y_label: str = "Number"


@dataclass(frozen=True)
class Headline:
    slug: str
    label: str
    value: Value
    hint: str = ""


@dataclass(frozen=True)
class ReportDocument:
    slug: str
    title: str
    period_label: str
    as_at: dt.date
    complete: bool
    summary: str
    headlines: tuple[Headline, ...]
    tables: tuple[Table, ...]
    charts: tuple[Chart, ...] = ()
    notes: tuple[str, ...] = ()
    names: bool = False
    """True when the document names children (never for readers' reports or partner exports)."""
    child_ids: tuple[int, ...] = ()
    """The children the document names, for the access log (docs/access.md)."""
    child_table: str = ""
    """The slug of the table that names them."""
    filename: str = field(default="")

    def table(self, slug: str) -> Table:
        for table in self.tables:
            if table.slug == slug:
                return table
        raise KeyError(slug)

    @property
    def as_at_text(self) -> str:
        return long_date(self.as_at)


def chart_series(chart: Chart, table: Table) -> tuple[list[str], list[tuple[str, list[float | None]]]]:
    """The chart's categories and series, read from its table (withheld counts are gaps)."""
    categories = [str(row[0]) for row in table.rows]
    series = []
    for column in chart.columns:
        values: list[float | None] = []
        for row in table.rows:
            value = row[column]
            values.append(float(value) if isinstance(value, int | float) else None)
        series.append((table.headers[column], values))
    return categories, series


def _days(value: int | None) -> Value:
    return NO_CASES_CLOSED if value is None else value


def _resolution_cells(resolution: Resolution) -> tuple[Value, Value]:
    return _days(resolution.median), _days(resolution.p90)


def _sentence(text: str) -> str:
    """``text`` with its first letter a capital (str.capitalize would lower the month's)."""
    return text[:1].upper() + text[1:]


def _as_at_phrase(as_at: dt.date, complete: bool) -> str:
    return f"at {long_date(as_at)}" if complete else f"at {long_date(as_at)}, so far"


# ---- monthly management report -------------------------------------------------------------


def monthly_document(f: MonthlyFigures, *, scope_note: str = "") -> ReportDocument:
    kinds = f.kinds
    open_rows: tuple[tuple[Value, ...], ...] = tuple(
        (kind, *row, sum(row)) for kind, row in zip(kinds, f.open_by_kind_team, strict=True)
    )
    column_totals = [sum(row[i] for row in f.open_by_kind_team) for i in range(len(f.teams))]
    open_by_kind = [sum(row) for row in f.open_by_kind_team]
    flows = tuple(
        (
            kind,
            f.opened_by_kind[i],
            f.closed_by_kind[i],
            open_by_kind[i],
            f.overdue_tasks_by_kind[i],
            *_resolution_cells(f.resolution_by_kind[i]),
        )
        for i, kind in enumerate(kinds)
    )
    invariant = f.invariant
    invariant_value: Value = "not recorded" if invariant.count is None else invariant.count
    invariant_hint = (
        (f"{invariant.source}, {long_date(invariant.on)}" if invariant.on else invariant.source)
        + ". Every child known to be out of school should have an open case, a named officer and a next action: this should be zero."
    )
    notes = [
        "Open cases, overdue tasks and escalations are counted "
        + _as_at_phrase(f.as_at, f.complete)
        + ". A task is overdue when it was due before that day and not done by the end of it.",
        "School days to resolution count school days from the day a case opened (day 0) to the day "
        "it closed, for cases closed in the month; the median and 90th percentile use the "
        "nearest-rank method (docs/reports.md).",
        NOT_EXACT_REOPENED,
        "The invariant count covers the whole council. For a past month it is the number of breaches "
        "the daily sweep recorded on the last day it ran in that month.",
    ]
    if scope_note:
        notes.insert(0, scope_note)
    return ReportDocument(
        slug="monthly",
        title="Monthly management report",
        period_label=f.period.label,
        as_at=f.as_at,
        complete=f.complete,
        summary=f"Cases of every kind in {f.period.label}, open cases {_as_at_phrase(f.as_at, f.complete)}.",
        headlines=(
            Headline("open", "Open cases", f.open_total, _sentence(_as_at_phrase(f.as_at, f.complete))),
            Headline("opened", "Cases opened in the month", f.opened),
            Headline("closed", "Cases closed in the month", f.closed),
            Headline("overdue-tasks", "Overdue tasks", f.overdue_tasks),
            Headline("escalations", "Escalations in the month", f.escalated),
            Headline(
                "median-days",
                "Median school days to resolution",
                _days(f.resolution.median),
                f"Of {f.resolution.closed} cases closed in the month",
            ),
            Headline("p90-days", "90th percentile school days to resolution", _days(f.resolution.p90)),
            Headline(
                "invariant",
                "Children with no open case, named officer or next action",
                invariant_value,
                invariant_hint,
            ),
        ),
        tables=(
            Table(
                "open-cases",
                "Open cases by kind and team",
                ("Kind of case", *f.teams, "Total"),
                open_rows,
                ("Total", *column_totals, sum(column_totals)),
            ),
            Table(
                "cases",
                "Cases opened, closed and open, overdue tasks and school days to resolution, by kind",
                (
                    "Kind of case",
                    "Opened",
                    "Closed",
                    "Open at the end",
                    "Overdue tasks",
                    "Median school days to resolution",
                    "90th percentile school days to resolution",
                ),
                flows,
                (
                    "Total",
                    f.opened,
                    f.closed,
                    f.open_total,
                    f.overdue_tasks,
                    *_resolution_cells(f.resolution),
                ),
            ),
            Table(
                "escalations",
                "Escalations in the month by the level reached",
                ("Level reached", "Escalations"),
                tuple(f.escalations),
                ("Total", f.escalated),
            ),
        ),
        charts=(
            Chart("open-by-kind", "Open cases by kind", "bar", "cases", (3,), "Open cases"),
            Chart(
                "opened-closed",
                "Cases opened and closed in the month by kind",
                "bar",
                "cases",
                (1, 2),
                "Cases",
            ),
        ),
        notes=tuple(notes),
        filename=f"monthly-report-{f.period.key}",
    )


# ---- quarterly scrutiny report -------------------------------------------------------------


def _flow_rows(flows: Sequence[CaseFlow]) -> tuple[tuple[Value, ...], ...]:
    return (
        ("Open at the start of the quarter", *(c.open_at_start for c in flows)),
        ("Opened in the quarter (in)", *(c.opened for c in flows)),
        ("Closed in the quarter (out)", *(c.closed for c in flows)),
        ("Open at the end", *(c.open_at_end for c in flows)),
        ("Median school days open, cases closed", *(_days(c.resolution.median) for c in flows)),
        ("90th percentile school days open, cases closed", *(_days(c.resolution.p90) for c in flows)),
    )


def _outcome_table(slug: str, caption: str, flow: CaseFlow) -> Table:
    return Table(slug, caption, ("Outcome", "Cases closed"), flow.outcomes, ("Total", flow.closed))


def quarterly_document(f: QuarterlyFigures) -> ReportDocument:
    at_end = _as_at_phrase(f.as_at, f.complete)
    trend_rows = tuple(
        (
            t.period.short_label,
            t.cme_opened,
            t.cme_closed,
            t.cme_open_at_end,
            t.health_opened,
            t.health_open_at_end,
            t.removals_no_destination,
            t.fair_access_referred,
            t.vulnerable_sent,
        )
        for t in f.trend
    )
    r, v, fa = f.removals, f.vulnerable, f.fair_access
    tables = [
        Table(
            "children-missing-education",
            "Children missing education and health-needs cases: in, out and open",
            ("Measure", "Children missing education", "Health needs"),
            _flow_rows([f.cme, f.health]),
        ),
        _outcome_table("cme-outcomes", "Children missing education: outcomes of cases closed", f.cme),
        _outcome_table("health-outcomes", "Health needs: outcomes of cases closed", f.health),
        Table(
            "time-open",
            f"Cases open {at_end}, by school days open so far",
            ("School days open", "Children missing education", "Health needs"),
            tuple(
                (label, cme, health)
                for (label, cme), (_l, health) in zip(
                    f.cme.open_time_bands, f.health.open_time_bands, strict=True
                )
            ),
            ("Total", f.cme.open_at_end, f.health.open_at_end),
        ),
        Table(
            "removals",
            "Removals from roll",
            ("Measure", "Number"),
            (
                ("Deletion returns received", r.notices),
                ("With no known destination", r.no_destination),
                ("Possibly unlawful (challenged with the school)", r.possibly_unlawful),
                (f"No known destination, back on a school roll {at_end}", r.no_destination_on_roll_at_end),
            ),
        ),
        Table(
            "removal-grounds",
            "Removals with no known destination by ground",
            ("Ground", "Removals"),
            r.no_destination_by_ground,
            ("Total", r.no_destination),
        ),
        Table(
            "vulnerable-applicants",
            "Vulnerable in-year applicants: put-on-roll requests",
            ("Measure", "Number"),
            (
                ("Requests sent in the quarter", v.sent),
                ("Of those, checked off (on roll and attending)", v.checked_off),
                ("Of those, referred as children missing education", v.referred_cme),
                ("Of those, not checked off", v.not_checked_off),
                (f"All requests not checked off {at_end}", v.waiting_at_end),
                ("Of those, the school's answer overdue", v.overdue_at_end),
            ),
        ),
        Table(
            "fair-access",
            "Fair Access Protocol",
            ("Measure", "Number"),
            (
                ("Children taken into the protocol in the quarter", fa.referred),
                ("Of those, a school allocated", fa.allocated),
                ("Of those, allocated within 20 school days", fa.allocated_in_time),
                ("Of those, admitted", fa.admitted),
                ("Not accepted into the protocol", fa.not_accepted),
                (f"All children waiting for an allocation {at_end}", fa.waiting_at_end),
                ("Of those, past the 20 school days", fa.overdue_at_end),
            ),
        ),
        Table(
            "trend",
            f"The last {len(f.trend)} quarters",
            (
                "Quarter",
                "CME opened",
                "CME closed",
                "CME open at the end",
                "Health needs opened",
                "Health needs open at the end",
                "Removals with no known destination",
                "Fair Access referrals",
                "Vulnerable applicants: requests sent",
            ),
            trend_rows,
        ),
    ]
    notes = [
        "Quarters are quarters of the financial year: Q1 is April to June, Q4 January to March.",
        "Numbers in and out count cases opened and closed in the quarter; open at the start and the end "
        "count cases open at the end of the day before the quarter and " + at_end + ".",
        "Time open counts school days from the day a case opened (day 0); medians and percentiles use the "
        "nearest-rank method.",
        NOT_EXACT_REOPENED,
        "'Not accepted into the protocol' has no date in Roll Call, so a referral not accepted is left "
        "out of 'waiting for an allocation' whenever the decision was made.",
    ]
    plans = f.action_plans
    if plans.available:
        statuses = _labels(c.by_status for c in plans.complaints)
        rags = _labels(c.by_rag for c in plans.complaints)
        rows: tuple[tuple[Value, ...], ...] = tuple(
            (
                c.reference,
                c.title,
                c.actions,
                *(dict(c.by_status).get(s, 0) for s in statuses),
                *(dict(c.by_rag).get(g, 0) for g in rags),
            )
            for c in plans.complaints
        )
        tables.append(
            Table(
                "action-plans",
                f"Ombudsman action plans: progress {at_end}",
                ("Complaint", "Title", "Actions", *statuses, *(f"RAG: {g}" for g in rags)),
                rows,
            )
        )
    else:
        notes.append("Action-plan progress is not shown: the action-plans area is not installed yet.")
    return ReportDocument(
        slug="quarterly",
        title="Quarterly scrutiny report",
        period_label=f.period.label,
        as_at=f.as_at,
        complete=f.complete,
        summary=f"Children missing education, health needs, removals, admissions and Fair Access in {f.period.label}.",
        headlines=(
            Headline(
                "cme-open", "Children missing education: cases open", f.cme.open_at_end, _sentence(at_end)
            ),
            Headline("cme-opened", "Children missing education: cases opened", f.cme.opened),
            Headline("cme-closed", "Children missing education: cases closed", f.cme.closed),
            Headline("health-open", "Health needs: cases open", f.health.open_at_end),
            Headline("removals-unknown", "Removals with no known destination", r.no_destination),
            Headline("vulnerable-not-checked", "Vulnerable applicants not checked off", v.waiting_at_end),
            Headline("fair-access-waiting", "Fair Access: waiting for an allocation", fa.waiting_at_end),
        ),
        tables=tuple(tables),
        charts=(
            Chart(
                "trend-cme",
                "Children missing education over the last quarters",
                "line",
                "trend",
                (1, 2, 3),
                "Cases",
            ),
            Chart(
                "trend-health", "Health-needs cases over the last quarters", "line", "trend", (4, 5), "Cases"
            ),
            Chart(
                "trend-admissions",
                "Removals with no known destination, Fair Access and vulnerable applicants",
                "line",
                "trend",
                (6, 7, 8),
                "Number",
            ),
        ),
        notes=tuple(notes),
        filename=f"quarterly-report-{f.period.key}",
    )


def _labels(groups: Iterable[tuple[tuple[str, int], ...]]) -> list[str]:
    seen: list[str] = []
    for pairs in groups:
        for label, _n in pairs:
            if label not in seen:
                seen.append(label)
    return seen


# ---- exceptions --------------------------------------------------------------------------


def exceptions_document(f: ExceptionsFigures) -> ReportDocument:
    notes = [
        "A case is on the exceptions report when its overdue work has climbed past the head of service: "
        "the last step of the escalation ladder.",
        "Children lost between rolls (today only): each child who has been on a roll in the area, is of "
        "compulsory school age, is on no roll now, and has no known destination and no open case with an "
        "owner and a date. The daily sweep names the same children.",
    ]
    if not f.exact:
        notes.append(
            "For a past date the list is rebuilt from the escalation records and task dates: a case counts "
            "if it was open then, had reached the exceptions report by then, and its earliest unfinished "
            "task was still overdue by the exceptions threshold. Owners are today's; next actions are not shown."
        )
    return ReportDocument(
        slug="exceptions",
        title="Exceptions report",
        period_label=f"as at {long_date(f.as_at)}",
        as_at=f.as_at,
        complete=True,
        summary="Every case beyond the last step of its escalation ladder, by name, for the Assistant Director.",
        headlines=(
            Headline("exceptions", "Cases on the exceptions report", len(f.rows)),
            *(
                (Headline("lost", "Children lost between rolls", len(f.lost), "This should be zero."),)
                if f.exact
                else ()
            ),
        ),
        tables=(
            Table(
                "cases",
                "Cases on the exceptions report",
                (
                    "Case",
                    "Child",
                    "Kind of case",
                    "Team",
                    "Owner",
                    "Overdue since",
                    "School days overdue",
                    "On the report since",
                    "Next action",
                ),
                tuple(
                    (
                        row.reference,
                        row.child,
                        row.kind,
                        row.team,
                        row.owner,
                        row.overdue_since,
                        row.school_days_overdue,
                        row.on_report_since,
                        row.next_action,
                    )
                    for row in f.rows
                ),
            ),
            *(
                (
                    Table(
                        "lost",
                        "Children lost between rolls",
                        ("Child", "UPN", "Date of birth", "Off every roll since", "Why"),
                        tuple(
                            (lost.name, lost.upn or "none", lost.date_of_birth, lost.left_on, lost.reason)
                            for lost in f.lost
                        ),
                    ),
                )
                if f.exact
                else ()
            ),
        ),
        notes=tuple(notes),
        names=True,
        child_ids=tuple(row.child_id for row in f.rows),
        child_table="cases",
        filename=f"exceptions-{f.as_at.isoformat()}",
    )


# ---- unknown destinations ------------------------------------------------------------------


def unknown_destinations_document(f: UnknownDestinationsFigures) -> ReportDocument:
    at_end = _as_at_phrase(f.as_at, f.complete)
    return ReportDocument(
        slug="unknown-destinations",
        title="Unknown destinations",
        period_label=f.period.label,
        as_at=f.as_at,
        complete=f.complete,
        summary=f"Children removed from a school roll with no known destination, from deletion returns received in {f.period.label}.",
        headlines=(
            Headline("notices", "Deletion returns received", f.notices),
            Headline("unknown", "With no known destination", f.unknown),
            Headline("back-on-roll", "Back on a school roll", f.back_on_roll, _sentence(at_end)),
            Headline("open-case", "Not on a roll, with an open case", f.with_open_case),
            Headline("case-closed", "Not on a roll, case closed since (see its outcome)", f.case_closed),
            Headline(
                "neither", "Not on a roll, no case open or closed since", f.neither, "This should be zero."
            ),
        ),
        tables=(
            Table(
                "where-now",
                f"Where the children are {at_end}",
                ("Where", "Children"),
                (
                    ("Back on a school roll", f.back_on_roll),
                    ("Not on a roll, with an open case", f.with_open_case),
                    ("Not on a roll, case closed since", f.case_closed),
                    ("Not on a roll, no case open or closed since", f.neither),
                ),
                ("Total", f.unknown),
            ),
            Table(
                "schools",
                "Removals with no known destination by school",
                ("School", "Removals"),
                f.by_school,
                ("Total", f.unknown),
            ),
            Table(
                "children",
                "Children removed with no known destination",
                (
                    "Child",
                    "School",
                    "Removed from roll",
                    "Return received",
                    "Ground",
                    "On a roll at the end",
                    "Open case at the end",
                ),
                tuple(
                    (
                        row.child,
                        row.school,
                        row.removal_date,
                        row.received_on,
                        row.ground,
                        "Yes" if row.on_roll_at_end else "No",
                        "Yes" if row.open_case_at_end else "No",
                    )
                    for row in f.rows
                ),
            ),
        ),
        charts=(Chart("where-now", "Where the children are now", "bar", "where-now", (1,), "Children"),),
        notes=(
            "A deletion return has no known destination when it names no destination school and gives no "
            "details of one (the same test the daily sweep uses).",
        ),
        names=True,
        child_ids=tuple(row.child_id for row in f.rows),
        child_table="children",
        filename=f"unknown-destinations-{f.period.key}",
    )


# ---- deferred places -----------------------------------------------------------------------


def deferred_places_document(f: DeferredPlacesFigures) -> ReportDocument:
    at_end = _as_at_phrase(f.as_at, f.complete)
    return ReportDocument(
        slug="deferred-places",
        title="Deferred school places",
        period_label=f.period.label,
        as_at=f.as_at,
        complete=f.complete,
        summary=f"School places whose start was deferred, due to start in {f.period.label}.",
        headlines=(
            Headline("places", "Deferred places due to start in the year", f.places),
            Headline("due", "Due to start by now", f.due_by_end, _sentence(at_end)),
            Headline("started", "Started", f.started),
            Headline("not-started", "Did not start", f.not_started),
            Headline("not-checked", "Not checked yet", f.not_checked),
        ),
        tables=(
            Table(
                "by-month",
                "Deferred places by the month they are due to start",
                ("Month", "Places"),
                f.by_month,
                ("Total", f.places),
            ),
            Table(
                "places",
                "Deferred places",
                ("Child", "School", "Due to start", "Checked on", "Started"),
                tuple(
                    (
                        row.child,
                        row.school,
                        row.due_to_start,
                        row.checked_on,
                        "Not checked" if row.started is None else ("Yes" if row.started else "No"),
                    )
                    for row in f.rows
                ),
            ),
        ),
        charts=(
            Chart("by-month", "Deferred places by month due to start", "column", "by-month", (1,), "Places"),
        ),
        notes=(
            "Whether a child started is as checked by the end of the school year (or today while it runs).",
        ),
        names=True,
        child_ids=tuple(row.child_id for row in f.rows),
        child_table="places",
        filename=f"deferred-places-{f.period.key}",
    )


# ---- waiting for a place -------------------------------------------------------------------


def waiting_document(f: WaitingFigures) -> ReportDocument:
    at_end = _as_at_phrase(f.as_at, f.complete)
    return ReportDocument(
        slug="waiting",
        title="Children waiting for a place",
        period_label=f.period.label,
        as_at=f.as_at,
        complete=f.complete,
        summary=f"Children of compulsory school age with no school roll, {at_end}.",
        headlines=(
            Headline("waiting", "Children waiting for a place", f.waiting, _sentence(at_end)),
            Headline(
                "median-days",
                "Median school days waiting",
                "none waiting" if f.median_days is None else f.median_days,
            ),
            Headline(
                "p90-days",
                "90th percentile school days waiting",
                "none waiting" if f.p90_days is None else f.p90_days,
            ),
        ),
        tables=(
            Table(
                "by-wait",
                "Children waiting by school days waited",
                ("School days waiting", "Children"),
                f.by_wait,
                ("Total", f.waiting),
            ),
            Table("by-age", "Children waiting by age", ("Age", "Children"), f.by_age, ("Total", f.waiting)),
            Table(
                "children",
                "Children waiting for a place",
                ("Case", "Child", "Date of birth", "Waiting since", "School days waiting", "Owner"),
                tuple(
                    (
                        row.reference,
                        row.child,
                        row.date_of_birth,
                        row.waiting_since,
                        row.school_days,
                        row.owner,
                    )
                    for row in f.rows
                ),
            ),
        ),
        charts=(
            Chart("by-wait", "Children waiting by school days waited", "bar", "by-wait", (1,), "Children"),
        ),
        notes=(
            "A child is waiting when a waiting-for-a-place case was open and the child was on no school roll "
            "at the end of the day. School days are counted from the day the case opened (day 0).",
        ),
        names=True,
        child_ids=tuple(row.child_id for row in f.rows),
        child_table="children",
        filename=f"waiting-for-a-place-{f.period.key}",
    )


# ---- multi-agency hub profile --------------------------------------------------------------


def _suppressed_table(slug: str, counts: SuppressedCounts, heading: str) -> Table:
    return Table(
        slug,
        counts.title,
        (heading, "Number"),
        tuple(zip(counts.labels, counts.counts, strict=True)),
        ("Total", counts.total) if counts.total is not None else None,
        ""
        if counts.total is not None
        else "A child can be counted in more than one row, so these do not add up.",
    )


def hub_profile_document(f: HubProfileFigures) -> ReportDocument:
    return ReportDocument(
        slug="hub-profile",
        title="Multi-agency hub profile",
        period_label=f.period.label,
        as_at=f.as_at,
        complete=f.complete,
        summary=(
            f"Aggregate counts of the children with a case open at any time in {f.period.label}. "
            "No names or identifiers; small numbers are suppressed."
        ),
        headlines=(Headline("children", "Children with a case in the period", f.children),),
        tables=(
            _suppressed_table("age", f.by_age, "Age at the end of the period"),
            _suppressed_table("area", f.by_area, "Postcode district"),
            _suppressed_table("kind", f.by_kind, "Kind of case"),
            _suppressed_table("characteristic", f.by_characteristic, "Vulnerability characteristic"),
            _suppressed_table("outcome", f.by_outcome, "Kind of case and outcome"),
        ),
        notes=(
            f"'{SMALL}' is a count from 1 to 4. '{SECONDARY}' is a larger count withheld so that a small one "
            "cannot be worked out from a total. Zeros are shown.",
            "Area is the postcode district (the first half of the postcode) of the child's address at the "
            "end of the period.",
            "Vulnerability characteristics are those answered 'yes' on the child's latest in-year application "
            "received by the end of the period.",
        ),
        filename=f"hub-profile-{f.period.key}",
    )


# ---- dashboard ---------------------------------------------------------------------------


def dashboard_document(f: DashboardFigures, *, scope_note: str = "") -> ReportDocument:
    m = f.month
    open_by_kind = tuple((kind, sum(row)) for kind, row in zip(m.kinds, m.open_by_kind_team, strict=True))
    invariant = m.invariant.count
    notes = [
        "Figures are as at today. The twelve months show cases opened and closed in each month and cases "
        "open at its end (this month so far).",
        NOT_EXACT_REOPENED,
    ]
    if scope_note:
        notes.insert(0, scope_note)
    return ReportDocument(
        slug="dashboard",
        title="Dashboard",
        period_label=f"as at {long_date(f.today)}",
        as_at=f.today,
        complete=False,
        summary="The headline figures for managers, as at today.",
        headlines=(
            Headline("open", "Open cases", m.open_total),
            Headline("overdue-tasks", "Overdue tasks", m.overdue_tasks),
            Headline("exceptions", "Cases on the exceptions report", f.exceptions),
            Headline("waiting", "Children waiting for a place", f.waiting),
            Headline("opened", "Cases opened this month", m.opened),
            Headline("closed", "Cases closed this month", m.closed),
            Headline("escalations", "Escalations this month", m.escalated),
            Headline(
                "invariant",
                "Children with no open case, named officer or next action",
                "not checked" if invariant is None else invariant,
                "This should be zero.",
            ),
        ),
        tables=(
            Table(
                "open-by-kind",
                "Open cases by kind",
                ("Kind of case", "Open cases"),
                open_by_kind,
                ("Total", m.open_total),
            ),
            Table(
                "months",
                f"The last {len(f.trend)} months",
                ("Month", "Opened", "Closed", "Open at the end"),
                tuple((t.period.short_label, t.opened, t.closed, t.open_at_end) for t in f.trend),
            ),
        ),
        charts=(
            Chart("open-by-kind", "Open cases by kind", "bar", "open-by-kind", (1,), "Open cases"),
            Chart(
                "months",
                "Cases opened, closed and open over twelve months",
                "line",
                "months",
                (1, 2, 3),
                "Cases",
            ),
        ),
        notes=tuple(notes),
        filename=f"dashboard-{f.today.isoformat()}",
    )
