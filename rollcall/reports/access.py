"""Who may see which report, and over which teams' cases: one policy for pages and downloads.

- Team managers, heads of service and administrators: every report, every team.
- Reports readers (directors, the management team, scrutiny committee members): the monthly and
  quarterly reports, the multi-agency hub profile and the dashboard, every team; never a report
  that names a child (exceptions, unknown destinations, deferred places, waiting for a place).
- Officers: the monthly report for their own teams only, so a team meeting can use it; no other
  report (they see their own cases by name on the caseload).
- School users: nothing.

The hub profile holds no names or identifiers for anyone (rollcall.reports.figures builds it from
counts only, suppressed before they leave the figures function).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rollcall.accounts.models import User
from rollcall.rules.workflow import Role

MONTHLY = "monthly"
QUARTERLY = "quarterly"
EXCEPTIONS = "exceptions"
UNKNOWN_DESTINATIONS = "unknown-destinations"
DEFERRED_PLACES = "deferred-places"
WAITING = "waiting"
HUB_PROFILE = "hub-profile"
DASHBOARD = "dashboard"

ALL_REPORTS = (
    DASHBOARD,
    MONTHLY,
    QUARTERLY,
    EXCEPTIONS,
    UNKNOWN_DESTINATIONS,
    WAITING,
    DEFERRED_PLACES,
    HUB_PROFILE,
)
READER_REPORTS = frozenset({DASHBOARD, MONTHLY, QUARTERLY, HUB_PROFILE})
OFFICER_REPORTS = frozenset({MONTHLY})
NAMED_REPORTS = frozenset({EXCEPTIONS, UNKNOWN_DESTINATIONS, DEFERRED_PLACES, WAITING})


def _is_manager(user: User) -> bool:
    return any(Role.MANAGER in user.roles_in(team) for team in user.team_ids)


def sees_every_report(user: User) -> bool:
    """Managers, heads of service and administrators."""
    return (
        user.is_authenticated
        and not user.is_school_user
        and (user.is_administrator or user.is_head_of_service or _is_manager(user))
    )


def can_view_report(user: User, report: str) -> bool:
    if not user.is_authenticated or user.is_school_user or report not in ALL_REPORTS:
        return False
    if sees_every_report(user):
        return True
    if user.is_report_reader:
        return report in READER_REPORTS
    if user.team_ids:
        return report in OFFICER_REPORTS
    return False


def reports_visible_to(user: User) -> list[str]:
    """The reports this user may open, in the order the reports page lists them."""
    return [report for report in ALL_REPORTS if can_view_report(user, report)]


def report_teams(user: User, report: str) -> frozenset[int] | None:
    """The team ids whose cases the report may count for this user; None for every team."""
    if sees_every_report(user) or user.is_report_reader:
        return None
    return frozenset(user.team_ids)


def require_report(user: User, report: str) -> frozenset[int] | None:
    """Check the user may see the report (404 for no such report, 403 otherwise) and return the
    team scope its figures are counted over."""
    if report not in ALL_REPORTS:
        raise Http404("No such report")
    if not can_view_report(user, report):
        raise PermissionDenied("You cannot see this report.")
    return report_teams(user, report)
