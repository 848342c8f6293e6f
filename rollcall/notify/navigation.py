"""The message inbox's menu item (see rollcall.navigation for the order numbers)."""

from rollcall.accounts.access import sees_staff_menu
from rollcall.navigation import MenuItem, register

register(MenuItem(330, "Messages", "notify:inbox", sees_staff_menu))
