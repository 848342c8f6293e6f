"""The menu every page shows: which items each kind of user sees, in which order, and which is current.

The menus are read through the template engine exactly as a page reads them (the context
processors configured in settings), so the test holds whichever module builds them.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.template import engines
from django.test import RequestFactory
from django.urls import reverse

from rollcall.accounts.models import Membership, Team, User
from rollcall.navigation import MenuItem, MenuRegistry, discover, menu
from rollcall.rules.workflow import Role
from tests import factories

# One line per item: label, address and whether it is the current page, as the template sees them.
_MENU = engines["django"].from_string(
    "{% for item in navigation %}{{ item.label }}|{{ item.url }}|{{ item.active }}\n{% endfor %}"
)


def _menu(user: User | AnonymousUser, path: str = "/nowhere/") -> list[tuple[str, str, bool]]:
    request = RequestFactory().get(path)
    request.user = user
    lines = _MENU.render(request=request).splitlines()
    return [(label, url, active == "True") for label, url, active in (line.split("|") for line in lines)]


def _items(user: User | AnonymousUser) -> list[tuple[str, str]]:
    return [(label, url) for label, url, _active in _menu(user)]


def _expected(*items: tuple[str, str]) -> list[tuple[str, str]]:
    return [(label, reverse(url_name)) for label, url_name in items]


SCHOOL_MENU = (
    ("Your school", "schools:portal"),
    ("Tell us a pupil left", "returns:removal-new"),
    ("Returns we owe", "returns:owed"),
    ("Report absence through illness", "health:report-new"),
    ("Exclusions", "exclusions:exclusions"),
    ("Pupils educated elsewhere part-time", "homeeducation:arrangements"),
    ("Send attendance marks", "attendance:imports"),
    ("Absence", "attendance:absence"),
    ("Pupils without marks", "attendance:possibly-left"),
)
READER_MENU = (
    ("Reports", "reports:index"),
    ("Action plans", "actionplans:scrutiny"),
)


def staff(*, duplicates: bool = False, returns: bool = False) -> tuple[tuple[str, str], ...]:
    """The start of every staff menu: the duplicates queue for managers and administrators, the
    returns to check for the checking teams' officers and managers and heads of service."""
    return (
        (("Caseload", "casework:caseload"), ("Children", "children:search"))
        + ((("Possible duplicates", "children:duplicates"),) if duplicates else ())
        + (("Messages", "notify:inbox"),)
        + (
            (("Returns to check", "returns:claims"), ("Returns by school", "returns:by-school"))
            if returns
            else ()
        )
        + (("Policies", "policies:list"), ("Policies to acknowledge", "policies:acknowledge-list"))
    )


ADMISSIONS = (("Admissions", "admissions:checkoff"), ("Fair Access", "admissions:fair_access"))
IMPORTS = (("Attendance imports", "attendance:imports"),)
ABSENCE = (("Absence", "attendance:absence"),)
ILLNESS = (("Report absence through illness", "health:report-new"),)
EXCLUSIONS = (
    ("Exclusions", "exclusions:exclusions"),
    ("Penalty notices", "exclusions:considerations"),
    ("Support meetings", "exclusions:support-meetings"),
)
SEN_PANEL = (("SEN panel", "health:sen-panel"),)
HOME_EDUCATION = (("Home education", "homeeducation:list"),)
ACTION_PLANS = (("Action plans", "actionplans:list"),)
REPORTS = (("Reports", "reports:index"),)
AUDIT = (("Audit", "audit:log"),)
API_TOKENS = (("API tokens", "api-tokens:list"),)  # administrators only
LETTERS = (("Letter templates", "homeeducation:letter-templates"),)
TRANSFERS = (("Transfers between councils", "transfers:list"),)
PARTNERS = (("Partner councils", "transfers:partners"),)
DATA_PROTECTION = (("Data protection", "dataprotection:subject-access"),)
LOCKOUTS = (("Locked sign-ins", "accounts:lockouts"),)


def _user_with(*memberships: tuple[Role, str | None]) -> User:
    user = factories.UserFactory.create()
    for role, kind in memberships:
        team = factories.TeamFactory.create(kind=kind) if kind is not None else None
        Membership.objects.create(user=user, team=team, role=role.value)
    return user


def _superuser() -> User:
    return factories.UserFactory.create(is_superuser=True)


USERS: dict[str, tuple[Callable[[], User], tuple[tuple[str, str], ...]]] = {
    "school user": (lambda: factories.school_user(), SCHOOL_MENU),
    "report reader with no team": (lambda: _user_with((Role.READER, None)), READER_MENU),
    "admissions officer": (
        lambda: _user_with((Role.OFFICER, Team.Kind.ADMISSIONS)),
        staff() + ADMISSIONS + IMPORTS + ABSENCE + ACTION_PLANS + REPORTS,
    ),
    "admissions manager": (
        lambda: _user_with((Role.MANAGER, Team.Kind.ADMISSIONS)),
        staff(duplicates=True) + ADMISSIONS + IMPORTS + ABSENCE + ACTION_PLANS + REPORTS,
    ),
    "inclusion officer": (
        lambda: _user_with((Role.OFFICER, Team.Kind.INCLUSION)),
        staff(returns=True) + TRANSFERS + IMPORTS + ABSENCE + ACTION_PLANS + REPORTS,
    ),
    "inclusion manager": (
        lambda: _user_with((Role.MANAGER, Team.Kind.INCLUSION)),
        staff(duplicates=True, returns=True) + TRANSFERS + IMPORTS + ABSENCE + ACTION_PLANS + REPORTS,
    ),
    "access to education officer": (
        lambda: _user_with((Role.OFFICER, Team.Kind.ACCESS)),
        staff(returns=True) + IMPORTS + ABSENCE + ILLNESS + EXCLUSIONS + SEN_PANEL + ACTION_PLANS + REPORTS,
    ),
    "sen officer": (
        lambda: _user_with((Role.OFFICER, Team.Kind.SEN)),
        staff() + SEN_PANEL + ACTION_PLANS + REPORTS,
    ),
    "sen manager": (
        lambda: _user_with((Role.MANAGER, Team.Kind.SEN)),
        staff(duplicates=True) + SEN_PANEL + ACTION_PLANS + REPORTS,
    ),
    "head of service": (
        lambda: _user_with((Role.HEAD_OF_SERVICE, Team.Kind.HEADS)),
        staff(returns=True)
        + TRANSFERS
        + ADMISSIONS
        + ABSENCE
        + ILLNESS
        + EXCLUSIONS
        + SEN_PANEL
        + HOME_EDUCATION
        + ACTION_PLANS
        + REPORTS,
    ),
    "elective home education officer": (
        lambda: _user_with((Role.OFFICER, Team.Kind.EHE)),
        staff() + HOME_EDUCATION + ACTION_PLANS + REPORTS,
    ),
    "elective home education manager": (
        lambda: _user_with((Role.MANAGER, Team.Kind.EHE)),
        staff(duplicates=True) + HOME_EDUCATION + ACTION_PLANS + REPORTS,
    ),
    "administrator": (
        lambda: _user_with((Role.ADMINISTRATOR, None)),
        staff(duplicates=True)
        + ADMISSIONS
        + IMPORTS
        + ABSENCE
        + ACTION_PLANS
        + REPORTS
        + PARTNERS
        + AUDIT
        + DATA_PROTECTION
        + LETTERS
        + API_TOKENS
        + LOCKOUTS,
    ),
    "superuser with no membership": (
        _superuser,
        staff(duplicates=True)
        + ADMISSIONS
        + IMPORTS
        + ABSENCE
        + ACTION_PLANS
        + REPORTS
        + PARTNERS
        + AUDIT
        + DATA_PROTECTION
        + LETTERS
        + API_TOKENS
        + LOCKOUTS,
    ),
    "report reader who is also an inclusion officer": (
        lambda: _user_with((Role.READER, None), (Role.OFFICER, Team.Kind.INCLUSION)),
        staff(returns=True) + TRANSFERS + IMPORTS + ABSENCE + ACTION_PLANS + REPORTS,
    ),
    "report reader whose membership names a team": (
        lambda: _user_with((Role.READER, Team.Kind.INCLUSION)),
        staff() + IMPORTS + ABSENCE + (("Action plans", "actionplans:scrutiny"),) + REPORTS,
    ),
    "signed-in user with no role anywhere": (lambda: _user_with(), staff()),
}


@pytest.mark.django_db
@pytest.mark.parametrize("kind", list(USERS))
def test_each_kind_of_user_sees_their_menu_in_its_order(kind: str) -> None:
    make_user, expected = USERS[kind]
    assert _items(make_user()) == _expected(*expected)


def test_someone_not_signed_in_sees_no_menu() -> None:
    assert _items(AnonymousUser()) == []


@pytest.mark.django_db
def test_the_item_whose_address_is_the_longest_prefix_of_the_page_is_current() -> None:
    officer = _user_with((Role.OFFICER, Team.Kind.INCLUSION))
    page = reverse("policies:acknowledge-list") + "7/"
    current = [label for label, _url, active in _menu(officer, page) if active]
    assert current == ["Policies to acknowledge"]
    current = [label for label, _url, active in _menu(officer, reverse("policies:published")) if active]
    assert current == ["Policies"]


@pytest.mark.django_db
def test_a_school_user_on_the_absence_pupil_list_has_absence_as_the_current_item() -> None:
    page = reverse("attendance:absence-pupils")
    current = [label for label, _url, active in _menu(factories.school_user(), page) if active]
    assert current == ["Absence"]


@pytest.mark.django_db
def test_no_item_is_current_on_a_page_outside_the_menu() -> None:
    officer = _user_with((Role.OFFICER, Team.Kind.SEN))
    assert not any(active for _label, _url, active in _menu(officer, "/accounts/sign-out/"))


def test_every_page_gets_the_councils_name() -> None:
    request = RequestFactory().get("/")
    request.user = AnonymousUser()
    rendered = engines["django"].from_string("{{ council_name }}").render(request=request)
    assert rendered == settings.COUNCIL_NAME != ""


def _everyone(user: object) -> bool:
    return True


def test_every_registered_item_leads_to_a_page() -> None:
    discover()
    assert len(menu.items()) == 9 + 2 + 28  # school, reader, staff (two Action plans, one shown)
    for item in menu.items():
        assert reverse(item.url_name).startswith("/")


def test_the_registry_orders_items_by_number_whatever_order_apps_register_them_in() -> None:
    registry = MenuRegistry()
    registry.register(MenuItem(30, "Third", "audit:log", _everyone))
    registry.register(
        MenuItem(10, "First", "notify:inbox", _everyone), MenuItem(20, "Second", "home", _everyone)
    )
    assert [item.label for item in registry.items()] == ["First", "Second", "Third"]


def test_the_registry_shows_only_the_items_whose_predicate_holds_for_the_user() -> None:
    registry = MenuRegistry()
    registry.register(
        MenuItem(10, "Shown", "notify:inbox", _everyone), MenuItem(20, "Hidden", "audit:log", lambda u: False)
    )
    assert registry.for_user(object()) == [("Shown", reverse("notify:inbox"))]


def test_the_registry_refuses_the_same_item_twice() -> None:
    registry = MenuRegistry()
    registry.register(MenuItem(10, "Messages", "notify:inbox", _everyone))
    with pytest.raises(ValueError, match="registered twice"):
        registry.register(MenuItem(10, "Messages", "notify:inbox", _everyone))
