"""The absence lists and the possibly-left list: who sees which pupils, the rates, and the query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rollcall import clock
from rollcall.accounts.models import Membership, Team, User
from rollcall.attendance.models import PupilMarks
from rollcall.audit.models import RecordView
from rollcall.casework.services import case_open
from rollcall.people.models import Child
from rollcall.rules.attendance import blank_marks
from rollcall.rules.workflow import Role
from rollcall.schools.models import School
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]

AS_OF = dt.date(2026, 11, 13)


@pytest.fixture
def other_school(db: None) -> School:
    return factories.SchoolFactory.create(name="Northmoor High")


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def pupil(
    school: School,
    *,
    absent: int = 0,
    possible: int = 96,
    unmarked: int = 0,
    on_roll: bool = True,
    name: str = "",
    year: int = 2026,
) -> Child:
    """A pupil whose record already holds evaluated facts (as evaluate() writes them)."""
    child = factories.ChildFactory.create(legal_forename=name or "Pupil")
    factories.RollEntryFactory.create(
        child=child, school=school, on_roll_to=None if on_roll else dt.date(2026, 10, 9)
    )
    rate = absent / possible if possible else 0.0
    PupilMarks.objects.create(
        child=child,
        school=school,
        academic_year=year,
        marks=blank_marks(year),
        updated_at=clock.now(),
        evaluated_as_of=AS_OF,
        possible_sessions=possible,
        absent_sessions=absent,
        unauthorised_sessions=absent // 2,
        unmarked_days=unmarked,
        persistent=bool(possible) and rate >= 0.1,
        severe=bool(possible) and rate >= 0.5,
    )
    return child


@pytest.fixture
def council_pupils(school: School, other_school: School) -> dict[str, Child]:
    return {
        "a_persistent": pupil(school, absent=12, name="Aisha"),
        "a_severe": pupil(school, absent=60, name="Bilal"),
        "a_fine": pupil(school, absent=2, name="Cara"),
        "a_none": pupil(school, possible=0, unmarked=12, name="Dev"),  # on roll, no marks: possibly left
        "a_left": pupil(school, possible=0, unmarked=15, on_roll=False, name="Ella"),  # left the roll
        "b_persistent": pupil(other_school, absent=20, name="Farah"),
        "b_fine": pupil(other_school, absent=0, name="Gus"),
        "last_year": pupil(other_school, absent=90, year=2025, name="Hari"),
    }


def test_a_school_user_sees_only_their_own_schools_absent_pupils(
    client: Client, school_user: User, school: School, other_school: School, council_pupils: dict[str, Child]
) -> None:
    signed_in(client, school_user)

    assert client.get(reverse("attendance:absence"))["Location"] == reverse(
        "attendance:absence-school", args=[school.pk]
    )
    assert client.get(reverse("attendance:absence-pupils"))["Location"] == reverse(
        "attendance:absence-school", args=[school.pk]
    )
    assert client.get(reverse("attendance:absence-school", args=[other_school.pk])).status_code == 404
    page = client.get(reverse("attendance:absence-school", args=[school.pk]))
    assert page.status_code == 200
    listed = {r.child_id for r in page.context["page_obj"]}
    assert listed == {council_pupils["a_persistent"].pk, council_pupils["a_severe"].pk}
    rates = page.context["rates"]
    assert (rates.pupils, rates.persistent, rates.severe) == (
        3,
        2,
        1,
    )  # Dev and Ella have no possible sessions
    html = page.content.decode()
    assert "66.7%" in html  # 2 of 3 pupils persistently absent
    assert "62.5%" in html  # Bilal: 60 of 96 sessions
    assert reverse("children:child", args=[council_pupils["a_severe"].pk]) in html
    assert "Farah" not in html


def test_the_severe_list_has_only_severely_absent_pupils(
    client: Client, school_user: User, school: School, council_pupils: dict[str, Child]
) -> None:
    page = signed_in(client, school_user).get(
        reverse("attendance:absence-school", args=[school.pk]), {"level": "severe"}
    )

    assert [r.child_id for r in page.context["page_obj"]] == [council_pupils["a_severe"].pk]
    assert page.context["heading"] == "Severe absence"


def test_council_staff_see_every_schools_rates_in_one_table(
    client: Client,
    inclusion_officer: User,
    school: School,
    other_school: School,
    council_pupils: dict[str, Child],
) -> None:
    page = signed_in(client, inclusion_officer).get(reverse("attendance:absence"))

    assert page.status_code == 200
    rows = {r.name: (r.pupils, r.persistent, r.severe) for r in page.context["page_obj"]}
    assert rows == {"Moorside Academy": (3, 2, 1), "Northmoor High": (2, 1, 0)}
    totals = page.context["totals"]
    assert (totals.pupils, totals.persistent, totals.severe) == (5, 3, 1)
    assert round(totals.persistent_percent, 1) == 60.0
    # 2025/26 is another year's list.
    last_year = signed_in(client, inclusion_officer).get(reverse("attendance:absence"), {"year": "2025"})
    assert [(r.name, r.severe) for r in last_year.context["page_obj"]] == [("Northmoor High", 1)]


def test_council_staff_see_every_schools_pupils_highest_rate_first(
    client: Client, inclusion_officer: User, council_pupils: dict[str, Child]
) -> None:
    page = signed_in(client, inclusion_officer).get(reverse("attendance:absence-pupils"))

    assert [r.child_id for r in page.context["page_obj"]] == [
        council_pupils["a_severe"].pk,
        council_pupils["b_persistent"].pk,
        council_pupils["a_persistent"].pk,
    ]
    assert "Northmoor High" in page.content.decode()


def test_a_pupils_name_leads_to_the_child_page_which_logs_the_view(
    client: Client, head_of_service: User, council_pupils: dict[str, Child]
) -> None:
    signed_in(client, head_of_service)
    page = client.get(reverse("attendance:absence-pupils"))
    link = reverse("children:child", args=[council_pupils["a_severe"].pk])
    assert f'href="{link}"' in page.content.decode()
    # The list logs each child it names (docs/access.md: every child-bearing response), once.
    listed = list(RecordView.objects.filter(what="absence list").values_list("child_id", flat=True))
    assert council_pupils["a_severe"].pk in listed
    assert len(listed) == len(set(listed)) == page.context["page_obj"].paginator.count

    assert client.get(link).status_code == 200
    assert RecordView.objects.get(what="Child record").child_id == council_pupils["a_severe"].pk


def test_an_officer_sees_every_name_but_opens_only_the_records_of_children_their_team_works_with(
    client: Client, inclusion_officer: User, council_pupils: dict[str, Child]
) -> None:
    worked_with = council_pupils["a_severe"]
    case_open(child=worked_with, kind="cme", team=Team.objects.get(kind=Team.Kind.INCLUSION), source="test")
    page = signed_in(client, inclusion_officer).get(reverse("attendance:absence-pupils")).content.decode()

    for name, child in council_pupils.items():
        if name not in {"a_severe", "b_persistent", "a_persistent"}:
            continue
        assert child.full_name in page
        linked = f'href="{reverse("children:child", args=[child.pk])}"' in page
        assert linked == (child == worked_with), name


@pytest.mark.parametrize("kind", [Team.Kind.ACCESS, Team.Kind.ADMISSIONS])
def test_access_and_admissions_staff_see_the_lists_too(
    client: Client, kind: str, council_pupils: dict[str, Child]
) -> None:
    officer = factories.staff(Role.OFFICER, kind, username=f"{kind}.officer")
    assert signed_in(client, officer).get(reverse("attendance:absence")).status_code == 200


def test_people_whose_work_does_not_need_the_lists_are_refused(
    client: Client, council_pupils: dict[str, Child], school: School
) -> None:
    sen = factories.staff(Role.OFFICER, Team.Kind.SEN, username="sen.officer")
    reader = factories.UserFactory.create(username="director")
    Membership.objects.create(user=reader, role=Role.READER.value)
    for person in (sen, reader):
        signed_in(client, person)
        for url in (
            reverse("attendance:absence"),
            reverse("attendance:absence-pupils"),
            reverse("attendance:absence-school", args=[school.pk]),
            reverse("attendance:possibly-left"),
        ):
            assert client.get(url).status_code == 403, (person, url)


def test_the_possibly_left_list_shows_pupils_on_the_roll_without_marks(
    client: Client, school_user: User, inclusion_officer: User, council_pupils: dict[str, Child]
) -> None:
    page = signed_in(client, school_user).get(reverse("attendance:possibly-left"))

    rows = page.context["rows"]
    assert [row["record"].child_id for row in rows] == [council_pupils["a_none"].pk]  # not Ella: she left
    # 12 school days without marks to Friday 13 November: 2 to 13 November and, before the
    # half-term (not school days), 22 and 23 October.
    assert rows[0]["since"] == dt.date(2026, 10, 22)
    html = page.content.decode()
    assert "22 Oct 2026" in html
    assert reverse("returns:removal-new") in html

    council = signed_in(client, inclusion_officer).get(reverse("attendance:possibly-left"))
    assert [row["record"].child_id for row in council.context["rows"]] == [council_pupils["a_none"].pk]


def test_the_lists_are_paginated(client: Client, inclusion_officer: User, school: School) -> None:
    for _ in range(55):
        pupil(school, absent=20)

    first = signed_in(client, inclusion_officer).get(reverse("attendance:absence-pupils"))
    second = client.get(reverse("attendance:absence-pupils"), {"page": 2})

    assert len(first.context["page_obj"]) == 50
    assert len(second.context["page_obj"]) == 5
    assert 'rel="next"' in first.content.decode()


@pytest.mark.parametrize(
    "name", ["attendance:absence", "attendance:absence-pupils", "attendance:possibly-left"]
)
def test_the_lists_draw_in_the_same_number_of_queries_for_5_or_40_pupils(
    client: Client, inclusion_officer: User, school: School, other_school: School, name: str
) -> None:
    signed_in(client, inclusion_officer)

    def queries(n: int) -> int:
        for i in range(n):
            pupil(school if i % 2 else other_school, absent=30, unmarked=11)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(name)).status_code == 200
        return len(captured.captured_queries)

    assert queries(5) == queries(35)
