"""Action plans' menu item (see rollcall.navigation for the order numbers).

Staff who work in a team open the plans themselves; report readers (and anyone else who may
only read the scrutiny view) open the scrutiny view. One item either way.
"""

from rollcall.accounts.access import sees_reader_menu, sees_staff_menu
from rollcall.accounts.models import User
from rollcall.actionplans.access import can_read, can_read_scrutiny
from rollcall.navigation import MenuItem, register


def _reader_scrutiny(user: User) -> bool:
    return sees_reader_menu(user) and can_read_scrutiny(user)


def _staff_plans(user: User) -> bool:
    return sees_staff_menu(user) and can_read(user)


def _staff_scrutiny(user: User) -> bool:
    return sees_staff_menu(user) and not can_read(user) and can_read_scrutiny(user)


register(
    MenuItem(220, "Action plans", "actionplans:scrutiny", _reader_scrutiny),
    MenuItem(420, "Action plans", "actionplans:list", _staff_plans),
    MenuItem(420, "Action plans", "actionplans:scrutiny", _staff_scrutiny),
)
