"""Admissions' menu items (see rollcall.navigation for the order numbers)."""

from rollcall.accounts.access import sees_staff_menu
from rollcall.accounts.models import User
from rollcall.admissions.access import can_view_admissions
from rollcall.navigation import MenuItem, register


def _shown(user: User) -> bool:
    return sees_staff_menu(user) and can_view_admissions(user)


register(
    MenuItem(360, "Admissions", "admissions:checkoff", _shown),
    MenuItem(370, "Fair Access", "admissions:fair_access", _shown),
)
