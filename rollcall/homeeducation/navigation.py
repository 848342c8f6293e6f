"""Home education's menu items (see rollcall.navigation for the order numbers)."""

from rollcall.accounts.access import sees_school_menu, sees_staff_menu
from rollcall.accounts.models import User
from rollcall.homeeducation.access import can_edit_letter_templates, can_open_record
from rollcall.navigation import MenuItem, register


def _shown(user: User) -> bool:
    return sees_staff_menu(user) and can_open_record(user)


register(MenuItem(415, "Home education", "homeeducation:list", _shown))
register(MenuItem(447, "Letter templates", "homeeducation:letter-templates", can_edit_letter_templates))
# A school records its own pupils educated elsewhere part of the time (s.436B(b)).
register(MenuItem(137, "Pupils educated elsewhere part-time", "homeeducation:arrangements", sees_school_menu))
