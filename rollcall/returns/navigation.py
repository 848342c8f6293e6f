"""The returns schools send: the school's menu item and the checking teams' queue (see
rollcall.navigation for the order numbers)."""

from __future__ import annotations

from rollcall.accounts.access import sees_school_menu, sees_staff_menu
from rollcall.accounts.models import User
from rollcall.navigation import MenuItem, register
from rollcall.returns.access import can_check_returns


def _checking(user: User) -> bool:
    return sees_staff_menu(user) and can_check_returns(user)


register(
    MenuItem(120, "Tell us a pupil left", "returns:removal-new", sees_school_menu),
    MenuItem(335, "Returns to check", "returns:claims", _checking),
)
