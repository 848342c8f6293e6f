"""Exclusions' menu items (see rollcall.navigation for the order numbers).

A school tells the council of its exclusions and reads its own; Access to Education reads every
exclusion and decides the penalty notices the threshold calls for.
"""

from rollcall.accounts.access import sees_school_menu, sees_staff_menu
from rollcall.accounts.models import User
from rollcall.exclusions.access import can_decide_penalties, can_notify, can_read_exclusions
from rollcall.navigation import MenuItem, register


def _school(user: User) -> bool:
    return sees_school_menu(user) and can_notify(user)


def _staff_exclusions(user: User) -> bool:
    return sees_staff_menu(user) and can_read_exclusions(user)


def _staff_penalties(user: User) -> bool:
    return sees_staff_menu(user) and can_decide_penalties(user)


register(
    MenuItem(135, "Exclusions", "exclusions:exclusions", _school),
    MenuItem(405, "Exclusions", "exclusions:exclusions", _staff_exclusions),
    MenuItem(406, "Penalty notices", "exclusions:considerations", _staff_penalties),
    MenuItem(407, "Support meetings", "exclusions:support-meetings", _staff_penalties),
)
