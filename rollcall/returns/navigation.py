"""The returns a school sends: its menu item (see rollcall.navigation for the order numbers)."""

from rollcall.accounts.access import sees_school_menu
from rollcall.navigation import MenuItem, register

register(MenuItem(120, "Tell us a pupil left", "returns:removal-new", sees_school_menu))
