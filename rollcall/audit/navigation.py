"""The audit trail's menu item (see rollcall.navigation for the order numbers)."""

from rollcall.accounts.access import sees_staff_menu
from rollcall.accounts.models import User
from rollcall.audit.access import can_read_audit_trail
from rollcall.navigation import MenuItem, register


def _shown(user: User) -> bool:
    return sees_staff_menu(user) and can_read_audit_trail(user)


register(MenuItem(440, "Audit", "audit:log", _shown))
