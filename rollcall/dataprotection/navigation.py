"""The data protection menu item (see rollcall.navigation for the order numbers)."""

from rollcall.accounts.access import sees_staff_menu
from rollcall.accounts.models import User
from rollcall.dataprotection.access import can_answer_subject_access
from rollcall.navigation import MenuItem, register


def _shown(user: User) -> bool:
    return sees_staff_menu(user) and can_answer_subject_access(user)


register(MenuItem(445, "Data protection", "dataprotection:subject-access", _shown))
