"""Finding a child and reading their record: each person sees only what they may, and every
view of a record is logged."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.audit.models import RecordView
from rollcall.casework.models import Case, Event, Flag
from rollcall.people.models import Child, PossibleDuplicate
from rollcall.schools.models import School
from tests import factories

pytestmark = pytest.mark.django_db

WHEN = dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC)


def make_case(child: Child, team_kind: str, owner: User, kind: str = "cme", closed: bool = False) -> Case:
    """A case row for reading tests (the services have their own tests)."""
    return Case.objects.create(
        kind=kind,
        child=child,
        team=Team.objects.get(kind=team_kind),
        owner=owner,
        status="closed" if closed else "new",
        source="test",
        opened_at=WHEN,
        opened_on=WHEN.date(),
        next_action="Make the first enquiry",
        next_action_due=dt.date(2026, 11, 17),
        closed_at=WHEN if closed else None,
        outcome="on_roll" if closed else "",
    )


def event(child: Child, case: Case | None = None, verb: str = "note.added", **payload: object) -> Event:
    return Event.objects.create(
        child=child,
        case=case,
        team=case.team if case else None,
        verb=verb,
        at=WHEN,
        payload=payload or {"reference": case.reference if case else "?"},
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def other_school() -> School:
    return factories.SchoolFactory.create(name="Fellside Primary")


# ---- search --------------------------------------------------------------------------------------


def test_an_officer_finds_a_child_of_their_team_by_upn(inclusion_officer: User) -> None:
    child = factories.ChildFactory.create(legal_forename="Amara", legal_surname="Okafor")
    make_case(child, Team.Kind.INCLUSION, inclusion_officer)
    response = signed_in(inclusion_officer).get(reverse("children:search"), {"upn": str(child.upn).lower()})
    assert response.status_code == 200
    assert "Okafor, Amara" in response.content.decode()
    assert reverse("children:child", args=[child.pk]) in response.content.decode()


def test_a_search_by_last_name_and_date_of_birth_finds_only_that_child(head_of_service: User) -> None:
    born = dt.date(2015, 4, 1)
    wanted = factories.ChildFactory.create(legal_surname="Hartley", legal_forename="Rosa", date_of_birth=born)
    factories.ChildFactory.create(
        legal_surname="Hartley", legal_forename="Tom", date_of_birth=dt.date(2016, 1, 1)
    )
    response = signed_in(head_of_service).get(
        reverse("children:search"),
        {"surname": "hartley", "date_of_birth_0": "1", "date_of_birth_1": "4", "date_of_birth_2": "2015"},
    )
    page = response.content.decode()
    assert "Hartley, Rosa" in page
    assert "Hartley, Tom" not in page
    assert list(response.context["page_obj"]) == [wanted]


def test_a_search_shows_the_current_school(head_of_service: User, school: School) -> None:
    child = factories.ChildFactory.create(legal_surname="Quill")
    factories.RollEntryFactory.create(child=child, school=school)
    response = signed_in(head_of_service).get(reverse("children:search"), {"surname": "Quill"})
    assert "Moorside Academy" in response.content.decode()


def test_a_search_with_a_wrong_check_letter_says_which_letter_is_right(head_of_service: User) -> None:
    response = signed_in(head_of_service).get(reverse("children:search"), {"upn": "A940200126001"})
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Enter a valid UPN: the check letter should be" in page
    assert response.context["page_obj"] is None


def test_a_search_needs_a_upn_or_a_last_name(head_of_service: User) -> None:
    response = signed_in(head_of_service).get(reverse("children:search"), {"date_of_birth_0": "1"})
    assert "There is a problem" in response.content.decode()


def test_an_empty_search_page_shows_no_errors(head_of_service: User) -> None:
    response = signed_in(head_of_service).get(reverse("children:search"))
    assert response.status_code == 200
    assert "There is a problem" not in response.content.decode()


def test_a_search_only_finds_children_the_officer_may_see(
    admissions_officer: User, inclusion_officer: User
) -> None:
    child = factories.ChildFactory.create(legal_surname="Ndiaye")
    make_case(child, Team.Kind.INCLUSION, inclusion_officer)
    response = signed_in(admissions_officer).get(reverse("children:search"), {"surname": "Ndiaye"})
    assert list(response.context["page_obj"]) == []
    assert "Ndiaye" not in response.content.decode().split("Results")[1]


def test_a_school_user_cannot_find_another_schools_pupil(
    school_user: User, school: School, other_school: School
) -> None:
    ours = factories.ChildFactory.create(legal_surname="Shaw", legal_forename="Ours")
    theirs = factories.ChildFactory.create(legal_surname="Shaw", legal_forename="Theirs")
    factories.RollEntryFactory.create(child=ours, school=school)
    factories.RollEntryFactory.create(child=theirs, school=other_school)
    client = signed_in(school_user)
    response = client.get(reverse("children:search"), {"surname": "Shaw"})
    assert list(response.context["page_obj"]) == [ours]
    assert "Theirs" not in response.content.decode()
    assert list(client.get(reverse("children:search"), {"upn": str(theirs.upn)}).context["page_obj"]) == []


def test_the_search_page_costs_the_same_for_many_results(
    head_of_service: User, django_assert_max_num_queries
) -> None:
    school = factories.SchoolFactory.create()
    for _ in range(30):
        factories.RollEntryFactory.create(
            child=factories.ChildFactory.create(legal_surname="Many"), school=school
        )
    client = signed_in(head_of_service)
    # Session, user, memberships, count, page and the access log's one insert: the same for 30
    # results or 30,000.
    # +1: the session's two-factor device (django-otp's middleware, docs/sign-in.md)
    with django_assert_max_num_queries(7):
        response = client.get(reverse("children:search"), {"surname": "Many"})
    assert response.context["page_obj"].paginator.count == 30
    assert RecordView.objects.filter(user=head_of_service, what="child search").count() == 30


# ---- the child's page ----------------------------------------------------------------------------


def test_a_school_user_gets_404_for_another_schools_pupil(school_user: User, other_school: School) -> None:
    theirs = factories.RollEntryFactory.create(school=other_school).child
    response = signed_in(school_user).get(reverse("children:child", args=[theirs.pk]))
    assert response.status_code == 404
    # Nothing shown; the attempt is logged as refused, naming the child asked for.
    assert list(RecordView.objects.values_list("user", "child", "outcome")) == [
        (school_user.pk, theirs.pk, RecordView.Outcome.REFUSED)
    ]


def test_a_school_user_sees_details_and_their_own_roll_entry_but_no_casework(
    school_user: User, school: School, other_school: School, inclusion_officer: User
) -> None:
    child = factories.ChildFactory.create(legal_forename="Lena", legal_surname="Price", preferred_name="Lee")
    factories.RollEntryFactory.create(child=child, school=other_school, on_roll_from=dt.date(2020, 9, 1))
    factories.RollEntryFactory.create(child=child, school=school, on_roll_from=dt.date(2024, 9, 4))
    # The school sent one address and one carer; the council recorded the others.
    factories.AddressFactory.create(
        child=child,
        line_1="9 Tarn Road",
        postcode="NM1 1AA",
        moved_out=dt.date(2025, 1, 1),
        supplied_by_school=school,
    )
    factories.CarerFactory.create(
        child=child, name="Jo Price", phone="01632 960123", supplied_by_school=school
    )
    factories.AddressFactory.create(child=child, line_1="4 Council Row")
    factories.CarerFactory.create(child=child, name="Kim Price", phone="01632 960456")
    case = make_case(child, Team.Kind.INCLUSION, inclusion_officer)
    Flag.objects.create(
        child=child, case=case, code=Flag.Code.MISSING_EDUCATION, details="Secret", raised_at=WHEN
    )
    event(child, case)
    response = signed_in(school_user).get(reverse("children:child", args=[child.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for shown in ("Lena Price", "Lee", "9 Tarn Road", "Jo Price", "01632 960123", "Moorside Academy"):
        assert shown in page
    for hidden in (
        "Fellside Primary",
        case.reference,
        "Child missing education",
        "Secret",
        "Timeline",
        "4 Council Row",
        "Kim Price",
        "01632 960456",
    ):
        assert hidden not in page


def test_an_admissions_officer_cannot_see_a_cme_child_unless_their_team_has_a_case(
    admissions_officer: User, inclusion_officer: User
) -> None:
    child = factories.ChildFactory.create()
    make_case(child, Team.Kind.INCLUSION, inclusion_officer)
    client = signed_in(admissions_officer)
    # Not shown: asked instead why they need it (break the glass, ADR 0008), the attempt logged.
    refused = client.get(reverse("children:child", args=[child.pk]))
    assert refused.status_code == 302
    assert refused["Location"] == reverse("children:break-glass", args=[child.pk])
    make_case(child, Team.Kind.ADMISSIONS, admissions_officer, kind="removal")
    assert client.get(reverse("children:child", args=[child.pk])).status_code == 200


def test_every_view_of_a_child_page_is_logged(inclusion_officer: User, frozen_clock) -> None:
    child = factories.ChildFactory.create()
    make_case(child, Team.Kind.INCLUSION, inclusion_officer)
    client = signed_in(inclusion_officer)
    url = reverse("children:child", args=[child.pk])
    client.get(url)
    client.get(url + "?page=1")
    views = list(RecordView.objects.order_by("pk"))
    assert len(views) == 2
    assert {(v.user, v.child, v.what) for v in views} == {(inclusion_officer, child, "Child record")}
    assert [v.path for v in views] == [url, url + "?page=1"]
    assert views[0].at == clock.now()


def test_an_officer_sees_cases_flags_duplicates_and_the_timeline(
    inclusion_officer: User, admissions_officer: User
) -> None:
    child = factories.ChildFactory.create(legal_forename="Iris", legal_surname="Vale")
    twin = factories.ChildFactory.create(legal_forename="Iris", legal_surname="Vail")
    hidden = factories.ChildFactory.create(legal_forename="Hidden", legal_surname="Record")
    ours = make_case(child, Team.Kind.INCLUSION, inclusion_officer)
    make_case(twin, Team.Kind.INCLUSION, inclusion_officer)
    theirs = make_case(child, Team.Kind.ADMISSIONS, admissions_officer, kind="removal")
    Flag.objects.create(
        child=child, case=ours, code=Flag.Code.POSSIBLY_UNLAWFUL_REMOVAL, details="No ground", raised_at=WHEN
    )
    Flag.objects.create(child=child, case=ours, code=Flag.Code.EXCEPTION, raised_at=WHEN, cleared_at=WHEN)
    PossibleDuplicate.objects.create(child=child, other=twin, reason="Same date of birth")
    PossibleDuplicate.objects.create(child=hidden, other=child, reason="Same surname")
    event(child, ours, verb="task.added", title="Visit the family", due="2026-11-20")
    event(child, theirs, verb="task.added", title="Admissions secret", due="2026-11-20")
    event(
        child, None, verb="removal.notified", school="Moorside Academy", removal_date="2026-11-01", ground=""
    )

    response = signed_in(inclusion_officer).get(reverse("children:child", args=[child.pk]))
    page = response.content.decode()
    assert ours.reference in page
    assert reverse("casework:case", args=[ours.pk]) in page
    assert theirs.reference not in page
    assert "govuk-warning-text" in page
    assert "Possibly unlawful removal from roll: No ground" in page
    assert "On the exceptions report" not in page  # cleared flags are not shown
    assert reverse("children:child", args=[twin.pk]) in page
    assert "Hidden Record" not in page
    assert "Another child record you cannot see" in page
    assert "Task added: Visit the family, due 2026-11-20" in page
    assert "Admissions secret" not in page
    assert "Moorside Academy removed the pupil from its roll on 2026-11-01 with no ground given" in page
    assert not PossibleDuplicate.objects.exclude(status=PossibleDuplicate.Status.OPEN).exists()


def test_the_timeline_is_newest_first(head_of_service: User, inclusion_officer: User) -> None:
    child = factories.ChildFactory.create()
    case = make_case(child, Team.Kind.INCLUSION, inclusion_officer)
    older = event(child, case, verb="task.added", title="Older", due="x")
    newer = event(child, case, verb="task.added", title="Newer", due="x")
    Event.objects.filter(pk=older.pk).update(at=WHEN - dt.timedelta(days=3))
    response = signed_in(head_of_service).get(reverse("children:child", args=[child.pk]))
    assert [item["event"] for item in response.context["timeline"]] == [newer, older]


def test_the_child_page_costs_the_same_with_many_events_and_cases(
    head_of_service: User, inclusion_officer: User, admissions_officer: User, django_assert_max_num_queries
) -> None:
    child = factories.ChildFactory.create()
    factories.AddressFactory.create(child=child)
    factories.CarerFactory.create(child=child)
    factories.RollEntryFactory.create(child=child)
    cases = [
        make_case(child, Team.Kind.INCLUSION, inclusion_officer),
        make_case(child, Team.Kind.INCLUSION, inclusion_officer, kind="removal"),
        make_case(child, Team.Kind.ADMISSIONS, admissions_officer, closed=True),
    ]
    for i in range(20):
        e = event(child, cases[i % 3], verb="task.added", title=f"Task {i}", due="x")
        Event.objects.filter(pk=e.pk).update(actor=inclusion_officer)
    client = signed_in(head_of_service)
    # Fixed: session, user, memberships, child, the log row, addresses, carers, rolls, cases,
    # flags, duplicates, and the timeline's count and page (team and actor joined in); the rolls
    # section (settings.CHILD_PANELS): spells, deletion returns asked for, DfE items; the
    # part-time arrangements section: the arrangements.
    # +1: the session's two-factor device (django-otp's middleware, docs/sign-in.md)
    with django_assert_max_num_queries(18):
        response = client.get(reverse("children:child", args=[child.pk]))
    assert len(response.context["timeline"]) == 20
    assert len(response.context["cases"]) == 3


def test_a_child_page_for_an_unknown_child_is_404(head_of_service: User) -> None:
    assert signed_in(head_of_service).get(reverse("children:child", args=[999999])).status_code == 404
