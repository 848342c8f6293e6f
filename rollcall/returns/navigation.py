"""The returns schools send: the school's menu item and the checking teams' queue (see
rollcall.navigation for the order numbers)."""

from __future__ import annotations

from rollcall.accounts.access import sees_school_menu, sees_staff_menu
from rollcall.accounts.models import User
from rollcall.navigation import MenuItem, register
from rollcall.returns.access import can_check_returns, can_see_own_returns_owed, can_see_returns_by_school


def _checking(user: User) -> bool:
    return sees_staff_menu(user) and can_check_returns(user)


def _by_school(user: User) -> bool:
    return sees_staff_menu(user) and can_see_returns_by_school(user)


def _owed(user: User) -> bool:
    return sees_school_menu(user) and can_see_own_returns_owed(user)


register(
    MenuItem(120, "Tell us a pupil left", "returns:removal-new", sees_school_menu),
    MenuItem(125, "Returns we owe", "returns:owed", _owed),
    MenuItem(335, "Returns to check", "returns:claims", _checking),
    MenuItem(336, "Returns by school", "returns:by-school", _by_school),
)
