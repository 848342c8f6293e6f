"""The audit trail: every view of a child's record is logged, and administrators can read who
viewed what and who changed what."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.audit.models import RecordView
from rollcall.audit.services import record_view, record_views
from rollcall.casework.models import Case, Task
from rollcall.people.models import Child
from rollcall.rules.workflow import Role
from tests import factories

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def admin() -> User:
    return factories.administrator(username="audit.admin")


def saved_by(instance: Any, user: User | None) -> Any:
    """Save through simple-history as ``user`` (what the request middleware does for a page)."""
    instance._history_user = user
    instance.save()
    return instance


def view_at(user: User, child: Child, at: dt.datetime, what: str = "Child record") -> RecordView:
    record_view(user=user, child=child, what=what, path=f"/children/{child.pk}/")
    row = RecordView.objects.latest("pk")
    RecordView.objects.filter(pk=row.pk).update(at=at)
    return row


# ---- the access log ------------------------------------------------------------------------------


def test_record_view_logs_who_saw_which_child_where_and_when(frozen_clock: Any, admin: User) -> None:
    child = factories.ChildFactory.create()
    record_view(user=admin, child=child, what="Child record", path="/children/1/")
    record_view(user=admin, child=child.pk, what="API: child", path="/api/children/1/" + "x" * 400)
    first, second = RecordView.objects.order_by("pk")
    assert (first.user, first.child, first.what, first.path, first.at) == (
        admin,
        child,
        "Child record",
        "/children/1/",
        clock.now(),
    )
    assert second.child == child
    assert len(second.path) == 300


def test_record_views_logs_one_row_per_child_shown_in_a_few_queries(
    frozen_clock: Any, admin: User, django_assert_max_num_queries: Any
) -> None:
    children = [factories.ChildFactory.create() for _ in range(30)]
    with django_assert_max_num_queries(2):
        logged = record_views(user=admin, children=[c.pk for c in children], what="Register", path="/r/")
    assert logged == 30
    rows = RecordView.objects.order_by("pk")
    assert [row.child_id for row in rows] == [c.pk for c in children]
    assert {(row.user_id, row.what, row.path, row.at) for row in rows} == {
        (admin.pk, "Register", "/r/", clock.now())
    }


# ---- who may read the trail ----------------------------------------------------------------------


def test_the_audit_page_is_forbidden_to_everyone_but_administrators(
    inclusion_officer: User, inclusion_manager: User, head_of_service: User, school_user: User, admin: User
) -> None:
    for user in (inclusion_officer, inclusion_manager, head_of_service, school_user):
        assert signed_in(user).get(reverse("audit:log")).status_code == 403
    assert signed_in(admin).get(reverse("audit:log")).status_code == 200


def test_a_superuser_may_read_the_audit_page() -> None:
    root = factories.UserFactory.create(username="root", is_superuser=True)
    assert signed_in(root).get(reverse("audit:log")).status_code == 200


# ---- record views --------------------------------------------------------------------------------


def test_the_audit_page_lists_record_views_newest_first(admin: User, inclusion_officer: User) -> None:
    child = factories.ChildFactory.create(legal_forename="Nell", legal_surname="Gray")
    older = view_at(inclusion_officer, child, WHEN)
    newer = view_at(admin, child, WHEN + dt.timedelta(hours=1))
    response = signed_in(admin).get(reverse("audit:log"))
    assert list(response.context["views_page"]) == [newer, older]
    page = response.content.decode()
    assert "Nell Gray" in page
    assert "inclusion.officer" in page
    assert f"/children/{child.pk}/" in page


def test_record_views_filter_by_child_user_and_dates(admin: User, inclusion_officer: User) -> None:
    one, two = factories.ChildFactory.create(), factories.ChildFactory.create()
    a = view_at(inclusion_officer, one, WHEN)
    b = view_at(admin, one, WHEN + dt.timedelta(days=2))
    c = view_at(inclusion_officer, two, WHEN + dt.timedelta(days=5))
    client = signed_in(admin)

    def shown(**params: str) -> list[RecordView]:
        return list(client.get(reverse("audit:log"), params).context["views_page"])

    assert shown(child=str(one.pk)) == [b, a]
    assert shown(user="INCLUSION.officer") == [c, a]
    assert shown(
        date_from_0="3", date_from_1="11", date_from_2="2026", date_to_0="4", date_to_1="11", date_to_2="2026"
    ) == [b]
    assert shown(date_to_0="2", date_to_1="11", date_to_2="2026") == [a]


def test_a_filter_for_an_unknown_user_says_so(admin: User) -> None:
    page = signed_in(admin).get(reverse("audit:log"), {"user": "nobody.here"}).content.decode()
    assert "There is a problem" in page
    assert "There is no user with the username nobody.here" in page


def test_a_date_range_that_ends_before_it_starts_is_an_error(admin: User) -> None:
    params = {
        "date_from_0": "5",
        "date_from_1": "11",
        "date_from_2": "2026",
        "date_to_0": "1",
        "date_to_1": "11",
        "date_to_2": "2026",
    }
    page = signed_in(admin).get(reverse("audit:log"), params).content.decode()
    assert "To date must be the same as or after the from date" in page


# ---- changes -------------------------------------------------------------------------------------


def test_changes_show_who_changed_which_fields(admin: User, inclusion_officer: User) -> None:
    child = saved_by(
        Child(legal_forename="Ada", legal_surname="Moss", date_of_birth=dt.date(2015, 1, 1)),
        inclusion_officer,
    )
    child.legal_surname = "Moss-Hill"
    child.preferred_name = "Addy"
    saved_by(child, inclusion_officer)
    response = signed_in(admin).get(reverse("audit:log"), {"child": str(child.pk)})
    rows = response.context["change_rows"]
    assert [(r["model"], r["change_type"]) for r in rows] == [("Child", "~"), ("Child", "+")]
    changed = rows[0]
    assert changed["user"] == inclusion_officer
    assert changed["object"] == "Ada Moss-Hill"
    assert {(f["field"], f["old"], f["new"]) for f in changed["fields"]} == {
        ("legal_surname", "Moss", "Moss-Hill"),
        ("preferred_name", "", "Addy"),
    }
    page = response.content.decode()
    assert "Changed" in page
    assert "Created" in page
    assert "Moss-Hill" in page


def test_changes_cover_every_tracked_kind_of_record(admin: User, inclusion_officer: User) -> None:
    child = factories.ChildFactory.create()
    factories.AddressFactory.create(child=child)
    factories.CarerFactory.create(child=child)
    entry = factories.RollEntryFactory.create(child=child)
    case = Case.objects.create(
        kind="cme",
        child=child,
        team=Team.objects.get(kind=Team.Kind.INCLUSION),
        owner=inclusion_officer,
        status="new",
        source="test",
        opened_at=WHEN,
        opened_on=WHEN.date(),
        next_action_due=WHEN.date(),
    )
    task = Task.objects.create(
        case=case,
        code="first_enquiry",
        title="Make the first enquiry",
        due=WHEN.date(),
        assignee=inclusion_officer,
        created_at=WHEN,
    )
    task.delete()
    response = signed_in(admin).get(reverse("audit:log"))
    models = {(r["model"], r["change_type"]) for r in response.context["change_rows"]}
    assert {
        ("Child", "+"),
        ("Address", "+"),
        ("Carer", "+"),
        ("Roll entry", "+"),
        ("School", "+"),
        ("Case", "+"),
        ("Task", "+"),
        ("Task", "-"),
    } <= models
    by_child = signed_in(admin).get(reverse("audit:log"), {"child": str(child.pk)}).context["change_rows"]
    assert {r["model"] for r in by_child} == {"Child", "Address", "Carer", "Roll entry", "Case", "Task"}
    assert all(r["child_id"] == child.pk for r in by_child)
    assert case.reference in response.content.decode()
    assert entry.school.name in response.content.decode()


def test_changes_filter_by_user(admin: User, inclusion_officer: User) -> None:
    saved_by(
        Child(legal_forename="By", legal_surname="Officer", date_of_birth=dt.date(2015, 1, 1)),
        inclusion_officer,
    )
    saved_by(Child(legal_forename="By", legal_surname="Admin", date_of_birth=dt.date(2015, 1, 1)), admin)
    rows = signed_in(admin).get(reverse("audit:log"), {"user": "inclusion.officer"}).context["change_rows"]
    assert [r["object"] for r in rows] == ["By Officer"]


def test_the_audit_page_is_paginated_and_costs_the_same_for_much_history(
    admin: User, inclusion_officer: User, django_assert_max_num_queries
) -> None:
    for i in range(25):
        child = saved_by(factories.ChildFactory.build(), inclusion_officer)
        child.preferred_name = f"Name {i}"
        saved_by(child, inclusion_officer)
        factories.AddressFactory.create(child=child)
        factories.CarerFactory.create(child=child)
        record_view(user=inclusion_officer, child=child, what="Child record", path="/")
        record_view(user=admin, child=child, what="Child record", path="/")
    client = signed_in(admin)
    # Session, user, memberships; count and page of views; count and page of the changes union;
    # two per model on the page (its rows, their previous versions); the users. Never one per row.
    # +1: the session's two-factor device (django-otp's middleware, docs/sign-in.md)
    with django_assert_max_num_queries(15):
        response = client.get(reverse("audit:log"))
    assert len(response.context["change_rows"]) == 50
    assert response.context["changes_page"].paginator.count == 100
    assert len(response.context["views_page"]) == 50
    second = client.get(reverse("audit:log"), {"cpage": "2", "vpage": "1"})
    assert len(second.context["change_rows"]) == 50
    assert [r["model"] for r in second.context["change_rows"]] != []
    assert 'rel="next"' in response.content.decode()


def test_staff_roles_other_than_administrator_cannot_filter_their_way_in(teams: dict[str, Team]) -> None:
    manager = factories.staff(Role.MANAGER, Team.Kind.ADMISSIONS, username="adm.manager")
    assert signed_in(manager).get(reverse("audit:log"), {"child": "1"}).status_code == 403
