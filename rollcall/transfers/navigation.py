"""Moves between councils' menu items (see rollcall.navigation for the order numbers).

The Inclusion team reads and accepts transfers from other councils; administrators exchange keys
with the councils that run Roll Call.
"""

from rollcall.accounts.access import sees_staff_menu
from rollcall.accounts.models import User
from rollcall.navigation import MenuItem, register
from rollcall.transfers.access import can_manage_partners, can_receive_transfers


def _transfers(user: User) -> bool:
    return sees_staff_menu(user) and can_receive_transfers(user)


def _partners(user: User) -> bool:
    return sees_staff_menu(user) and can_manage_partners(user)


register(
    MenuItem(355, "Transfers between councils", "transfers:list", _transfers),
    MenuItem(435, "Partner councils", "transfers:partners", _partners),
)
