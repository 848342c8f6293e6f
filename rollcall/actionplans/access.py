"""Who may see and change action plans: one place, read by pages, downloads and services alike.

Action plans hold no child's data. Council staff in any team read every plan; managers, heads of
service and administrators record complaints and actions and add updates; the Roll Call user
responsible for an action adds updates to it; report readers (directors, DMT, scrutiny committee)
read the scrutiny view and its PDF and XLSX. School users see nothing here.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404

from rollcall.accounts.models import User
from rollcall.actionplans.models import Action, Complaint
from rollcall.rules.workflow import Role


def _works_in_a_team(user: User) -> bool:
    """An officer, manager or head of service in some team, or an administrator (not only a reader)."""
    return user.is_administrator or any(user.best_role_in(team) is not None for team in user.team_ids)


def can_read(user: User) -> bool:
    """Complaint, action and overdue pages, and evidence files: council staff in any team."""
    return user.is_active and not user.is_school_user and _works_in_a_team(user)


def can_read_scrutiny(user: User) -> bool:
    """The scrutiny view, its PDF and XLSX: council staff and report readers."""
    return user.is_active and not user.is_school_user and (can_read(user) or user.is_report_reader)


def can_manage(user: User) -> bool:
    """Record and change complaints and actions: managers, heads of service, administrators."""
    if not can_read(user):
        return False
    if user.is_administrator or user.is_head_of_service:
        return True
    return any(user.best_role_in(team) == Role.MANAGER for team in user.team_ids)


def can_update(user: User, action: Action) -> bool:
    """Add an update or evidence to this action: a manager, or the user responsible for it."""
    return can_manage(user) or (can_read(user) and action.responsible_id == user.pk)


def get_complaint_for_user(user: User, pk: int, *, manage: bool = False) -> Complaint:
    """404 if there is no such complaint, 403 if this person may not see (or change) it."""
    if not can_read(user) or (manage and not can_manage(user)):
        raise PermissionDenied
    return get_object_or_404(Complaint, pk=pk)


def get_action_for_user(user: User, pk: int, *, manage: bool = False, update: bool = False) -> Action:
    """The action (with its complaint, owner and policy), checked for reading, managing or updating."""
    if not can_read(user):
        raise PermissionDenied
    action = get_object_or_404(
        Action.objects.select_related("complaint", "responsible", "team", "policy"), pk=pk
    )
    if manage and not can_manage(user):
        raise PermissionDenied
    if update and not can_update(user, action):
        raise PermissionDenied
    return action
