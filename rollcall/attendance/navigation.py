"""Attendance's menu items (see rollcall.navigation for the order numbers).

A school sends its marks and reads its own lists; council staff see the imports and the lists
when their work needs them. The same pages appear in both menus, under the school's words.
"""

from rollcall.accounts.access import sees_school_menu, sees_staff_menu
from rollcall.accounts.models import User
from rollcall.attendance.access import can_import, can_see_attendance_lists
from rollcall.navigation import MenuItem, register


def _school_imports(user: User) -> bool:
    return sees_school_menu(user) and can_import(user)


def _school_lists(user: User) -> bool:
    return sees_school_menu(user) and can_see_attendance_lists(user)


def _staff_imports(user: User) -> bool:
    return sees_staff_menu(user) and can_import(user)


def _staff_lists(user: User) -> bool:
    return sees_staff_menu(user) and can_see_attendance_lists(user)


register(
    MenuItem(140, "Send attendance marks", "attendance:imports", _school_imports),
    MenuItem(150, "Absence", "attendance:absence", _school_lists),
    MenuItem(160, "Pupils without marks", "attendance:possibly-left", _school_lists),
    MenuItem(380, "Attendance imports", "attendance:imports", _staff_imports),
    MenuItem(390, "Absence", "attendance:absence", _staff_lists),
)
