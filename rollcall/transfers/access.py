"""Who may send a transfer, receive and accept one, and manage partner councils (docs/transfers.md).

One place for the pages, the API and the sweep's recipients alike.
"""

from __future__ import annotations

from django.db.models import QuerySet

from rollcall.accounts.models import Team, User
from rollcall.casework.access import case_role
from rollcall.casework.models import Case
from rollcall.rules.workflow import Role
from rollcall.transfers.models import IncomingTransfer

# Children missing education are the Inclusion team's: it sends and receives moves between councils.
OWNING_TEAM = Team.Kind.INCLUSION
_CASEWORKERS = frozenset({Role.OFFICER, Role.MANAGER, Role.HEAD_OF_SERVICE})


def _active(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active)


def can_send_transfer(user: User, case: Case) -> bool:
    """The case's team (officers, managers) and heads of service, on an open CME case."""
    if not _active(user) or case.kind != "cme" or not case.is_open:
        return False
    return case_role(user, case) in _CASEWORKERS


def can_receive_transfers(user: User) -> bool:
    """The owning team's officers and managers, and heads of service, read and accept them."""
    if not _active(user) or user.is_school_user:
        return False
    return user.is_head_of_service or OWNING_TEAM in user.team_kinds_as(Role.OFFICER, Role.MANAGER)


def incoming_visible_to(user: User) -> QuerySet[IncomingTransfer]:
    if not can_receive_transfers(user):
        return IncomingTransfer.objects.none()
    return IncomingTransfer.objects.all()


def can_manage_partners(user: User) -> bool:
    """Administrators exchange keys with other councils."""
    return _active(user) and user.is_administrator
