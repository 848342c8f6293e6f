"""The reports' menu item (see rollcall.navigation for the order numbers).

A report reader's menu starts with the reports; council staff find them near the end.
"""

from rollcall.accounts.access import sees_reader_menu, sees_staff_menu
from rollcall.accounts.models import User
from rollcall.navigation import MenuItem, register
from rollcall.reports.access import reports_visible_to


def _reader_reports(user: User) -> bool:
    return sees_reader_menu(user) and bool(reports_visible_to(user))


def _staff_reports(user: User) -> bool:
    return sees_staff_menu(user) and bool(reports_visible_to(user))


register(
    MenuItem(210, "Reports", "reports:index", _reader_reports),
    MenuItem(430, "Reports", "reports:index", _staff_reports),
)
