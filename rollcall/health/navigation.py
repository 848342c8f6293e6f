"""Health needs' menu items (see rollcall.navigation for the order numbers)."""

from rollcall.accounts.access import sees_school_menu, sees_staff_menu
from rollcall.accounts.models import User
from rollcall.health.access import can_report, can_use_sen_panel
from rollcall.navigation import MenuItem, register


def _school_reports(user: User) -> bool:
    return sees_school_menu(user) and can_report(user)


def _staff_reports(user: User) -> bool:
    return sees_staff_menu(user) and can_report(user)


def _sen_panel(user: User) -> bool:
    return sees_staff_menu(user) and can_use_sen_panel(user)


register(
    MenuItem(130, "Report absence through illness", "health:report-new", _school_reports),
    MenuItem(400, "Report absence through illness", "health:report-new", _staff_reports),
    MenuItem(410, "SEN panel", "health:sen-panel", _sen_panel),
)
