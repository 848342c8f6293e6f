"""Casework's menu item (see rollcall.navigation for the order numbers)."""

from rollcall.accounts.access import sees_staff_menu
from rollcall.navigation import MenuItem, register

register(MenuItem(310, "Caseload", "casework:caseload", sees_staff_menu))
