"""Who may see and do what in admissions (need-to-know matrix in docs/admissions.md).

- Admissions team members (officers, managers), heads of service and administrators see every
  application, offer, request, Fair Access referral and deferred place; only the Admissions team
  and heads of service change them (administrators audit, they do not do casework).
- A school user sees only the put-on-roll requests addressed to their own school, and answers
  them; nothing else in admissions (not the risk assessment, not other schools' requests).
- Everyone else (Inclusion, Access, SEN officers): nothing here. CME case notes stay with
  Inclusion: an admissions officer sees that a CME referral was made, not its notes (casework
  policy: a case is seen by its own team).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from rollcall.accounts.models import Team, User
from rollcall.admissions.models import Application, FairAccessReferral, PutOnRollRequest


def can_view_admissions(user: User) -> bool:
    if not user.is_authenticated or user.is_school_user:
        return False
    if user.is_administrator or user.is_head_of_service:
        return True
    return Team.Kind.ADMISSIONS in user.team_kinds


def can_work_admissions(user: User) -> bool:
    if not user.is_authenticated or user.is_school_user:
        return False
    if user.is_head_of_service:
        return True
    return Team.Kind.ADMISSIONS in user.team_kinds


def require_admissions(user: User, *, edit: bool = False) -> None:
    """Refuse (403) anyone outside admissions; ``edit`` also refuses administrators."""
    allowed = can_work_admissions(user) if edit else can_view_admissions(user)
    if not allowed:
        raise PermissionDenied("Admissions pages are for the Admissions team.")


def applications_visible_to(user: User) -> QuerySet[Application]:
    return Application.objects.all() if can_view_admissions(user) else Application.objects.none()


def requests_visible_to(user: User) -> QuerySet[PutOnRollRequest]:
    """Council admissions staff see every request; a school user only its own school's."""
    requests = PutOnRollRequest.objects.all()
    school = user.school
    if school is not None:
        return requests.filter(school=school)
    return requests if can_view_admissions(user) else requests.none()


def fair_access_visible_to(user: User) -> QuerySet[FairAccessReferral]:
    return (
        FairAccessReferral.objects.all() if can_view_admissions(user) else FairAccessReferral.objects.none()
    )


def get_request_for_user(user: User, request_id: int) -> PutOnRollRequest:
    """A request the user may see, or 404 (so another school's requests are not disclosed)."""
    found = (
        requests_visible_to(user)
        .select_related("child", "school", "offer", "application", "case", "case__owner")
        .filter(pk=request_id)
        .first()
    )
    if found is None:
        raise Http404("No such request")
    return found


def get_application_for_user(user: User, application_id: int) -> Application:
    found = applications_visible_to(user).select_related("child", "case").filter(pk=application_id).first()
    if found is None:
        raise Http404("No such application")
    return found
