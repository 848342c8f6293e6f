"""The accounts menu item: locked sign-ins, for administrators (see rollcall.navigation)."""

from rollcall.accounts.access import can_unlock_sign_ins, sees_staff_menu
from rollcall.accounts.models import User
from rollcall.navigation import MenuItem, register


def _shown(user: User) -> bool:
    return sees_staff_menu(user) and can_unlock_sign_ins(user)


register(MenuItem(455, "Locked sign-ins", "accounts:lockouts", _shown))
