"""The reports: what each is called, which periods it offers, and how its document is built.

Each report's figures come from one function in rollcall.reports.figures and become a document
in rollcall.reports.documents; the page, the XLSX, the PDF and the CSV are all written from that
one document.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from rollcall.reports import access, areas, documents, figures
from rollcall.reports.documents import ReportDocument
from rollcall.rules.reporting import Period, PeriodKind, last_complete, period_containing, recent

Teams = frozenset[int] | None


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    description: str
    period_kinds: tuple[PeriodKind, ...]
    """The kinds of period offered, the first being the default kind; empty: as at today only."""
    build: Callable[[Period | None, dt.date, Teams], ReportDocument]
    default_current: bool = False
    """Default to the period running today (the exceptions list), not the last complete one."""
    history: int = 36

    def choices(self, today: dt.date) -> list[tuple[str, list[Period]]]:
        """The periods offered, grouped by kind, newest first (the running one included)."""
        groups = []
        for kind in self.period_kinds:
            count = {PeriodKind.MONTH: self.history, PeriodKind.QUARTER: 12}.get(kind, 4)
            groups.append((kind.label, recent(kind, today, count)))
        return groups

    def default_period(self, today: dt.date) -> Period | None:
        if not self.period_kinds:
            return None
        kind = self.period_kinds[0]
        return period_containing(kind, today) if self.default_current else last_complete(kind, today)


def _scope_note(teams: Teams) -> str:
    if teams is None:
        return ""
    from rollcall.accounts.models import Team

    names = ", ".join(Team.objects.filter(pk__in=teams).order_by("name").values_list("name", flat=True))
    return f"Counts the cases of your teams only: {names or 'none'}."


def _required(period: Period | None) -> Period:
    if period is None:
        msg = "This report needs a period"
        raise ValueError(msg)
    return period


def _monthly(period: Period | None, today: dt.date, teams: Teams) -> ReportDocument:
    found = figures.monthly_figures(_required(period), today=today, teams=teams)
    document = documents.monthly_document(found, scope_note=_scope_note(teams))
    return areas.with_area_tables(document, _required(period))


def _quarterly(period: Period | None, today: dt.date, teams: Teams) -> ReportDocument:
    document = documents.quarterly_document(figures.quarterly_figures(_required(period), today=today))
    return areas.with_area_tables(document, _required(period))


def _exceptions(period: Period | None, today: dt.date, teams: Teams) -> ReportDocument:
    as_at = _required(period).as_at(today)
    return documents.exceptions_document(figures.exceptions_figures(as_at, today=today, teams=teams))


def _unknown(period: Period | None, today: dt.date, teams: Teams) -> ReportDocument:
    return documents.unknown_destinations_document(
        figures.unknown_destinations_figures(_required(period), today=today)
    )


def _deferred(period: Period | None, today: dt.date, teams: Teams) -> ReportDocument:
    return documents.deferred_places_document(figures.deferred_places_figures(_required(period), today=today))


def _waiting(period: Period | None, today: dt.date, teams: Teams) -> ReportDocument:
    return documents.waiting_document(figures.waiting_figures(_required(period), today=today, teams=teams))


def _hub(period: Period | None, today: dt.date, teams: Teams) -> ReportDocument:
    document = documents.hub_profile_document(figures.hub_profile_figures(_required(period), today=today))
    return areas.with_area_tables(document, _required(period), hub=True)


def _dashboard(period: Period | None, today: dt.date, teams: Teams) -> ReportDocument:
    """The dashboard is opened by every manager many times a day and its figures take a
    twelve-month scan of the cases, so one copy per day and team scope is kept for
    DASHBOARD_CACHE_SECONDS (aggregates only: it names no child)."""

    def build() -> ReportDocument:
        found = figures.dashboard_figures(today=today, teams=teams)
        return documents.dashboard_document(found, scope_note=_scope_note(teams))

    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return build()
    scope = "all" if teams is None else ",".join(str(t) for t in sorted(teams))
    document = cache.get_or_set(f"reports:dashboard:{today.isoformat()}:{scope}", build, seconds)
    return document if isinstance(document, ReportDocument) else build()


REPORTS: dict[str, Report] = {
    r.slug: r
    for r in (
        Report(
            access.DASHBOARD,
            "Dashboard",
            "The headline figures and charts for managers, as at today.",
            (),
            _dashboard,
        ),
        Report(
            access.MONTHLY,
            "Monthly management report",
            "Open cases by kind and team, cases opened and closed, overdue tasks, escalations, school "
            "days to resolution and the invariant.",
            (PeriodKind.MONTH,),
            _monthly,
        ),
        Report(
            access.QUARTERLY,
            "Quarterly scrutiny report",
            "Children missing education, health needs, removals with no destination, vulnerable "
            "applicants, Fair Access, eight quarters of trends and the action plans.",
            (PeriodKind.QUARTER,),
            _quarterly,
        ),
        Report(
            access.EXCEPTIONS,
            "Exceptions report",
            "Every case beyond the last step of its escalation ladder, by name, for the Assistant Director.",
            (PeriodKind.MONTH,),
            _exceptions,
            default_current=True,
            history=24,
        ),
        Report(
            access.UNKNOWN_DESTINATIONS,
            "Unknown destinations",
            "Children removed from a school roll with no known destination, month by month.",
            (PeriodKind.MONTH,),
            _unknown,
        ),
        Report(
            access.WAITING,
            "Children waiting for a place",
            "Children of compulsory school age with no school place at the end of a month.",
            (PeriodKind.MONTH,),
            _waiting,
        ),
        Report(
            access.DEFERRED_PLACES,
            "Deferred school places",
            "Deferred places due to start in a school year, and whether each child started.",
            (PeriodKind.ACADEMIC_YEAR,),
            _deferred,
        ),
        Report(
            access.HUB_PROFILE,
            "Multi-agency hub profile",
            "Aggregate counts by age, area, vulnerability and outcome, small numbers suppressed, for partners.",
            (PeriodKind.QUARTER, PeriodKind.MONTH, PeriodKind.FINANCIAL_YEAR),
            _hub,
        ),
    )
}
