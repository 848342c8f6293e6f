"""Casework's menu items: the caseload, the children search and the possible duplicates queue
(see rollcall.navigation for the order numbers)."""

from __future__ import annotations

from rollcall.accounts.access import sees_staff_menu
from rollcall.accounts.models import User
from rollcall.casework.access import can_review_duplicates
from rollcall.navigation import MenuItem, register


def _duplicates(user: User) -> bool:
    return sees_staff_menu(user) and can_review_duplicates(user)


register(
    MenuItem(310, "Caseload", "casework:caseload", sees_staff_menu),
    MenuItem(320, "Children", "children:search", sees_staff_menu),
    MenuItem(325, "Possible duplicates", "children:duplicates", _duplicates),
)
