"""The children search's menu item (see rollcall.navigation for the order numbers)."""

from rollcall.accounts.access import sees_staff_menu
from rollcall.navigation import MenuItem, register

register(MenuItem(320, "Children", "people:search", sees_staff_menu))
