"""The school portal's menu item (see rollcall.navigation for the order numbers)."""

from rollcall.accounts.access import sees_school_menu
from rollcall.navigation import MenuItem, register

register(MenuItem(110, "Your school", "schools:portal", sees_school_menu))
