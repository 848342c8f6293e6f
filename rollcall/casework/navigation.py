"""Casework's menu items: the caseload and the children search (see rollcall.navigation for the
order numbers)."""

from rollcall.accounts.access import sees_staff_menu
from rollcall.navigation import MenuItem, register

register(
    MenuItem(310, "Caseload", "casework:caseload", sees_staff_menu),
    MenuItem(320, "Children", "children:search", sees_staff_menu),
)
