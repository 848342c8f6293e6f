"""What a school sees of a child is one thing (issue 11, finding 4).

Through the child page, the API and every download: a school is shown what it sent itself (the
addresses and carers it supplied) and the child's time on its own roll; never another school's
or the council's addresses and carers, another school's roll, cases or flags. A former school
sees the record as it stood when the child left. Council staff still see everything they saw.
Every read is written to the access log.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from rollcall.accounts.models import Team, User
from rollcall.attendance.models import PupilMarks
from rollcall.audit.models import RecordView
from rollcall.casework.models import Case, Flag
from rollcall.casework.school_view import school_view
from rollcall.health.models import ProvisionReferral
from rollcall.people.models import Address, Carer, Child
from rollcall.reports.definitions import REPORTS
from rollcall.rules.attendance import blank_marks
from rollcall.schools.models import RollEntry, School
from tests import factories
from tests.api_tokens import token_for

pytestmark = pytest.mark.django_db

NOON_UTC = dt.time(12, 0, tzinfo=dt.UTC)


def at(day: dt.date) -> time_machine.travel:
    return time_machine.travel(dt.datetime.combine(day, NOON_UTC), tick=False)


def page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user: User) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token_for(user)}")
    return client


def page(user: User, child: Child) -> str:
    response = page_client(user).get(reverse("children:child", args=[child.pk]))
    assert response.status_code == 200
    return response.content.decode()


def api(user: User, child: Child) -> tuple[Any, str]:
    response = api_client(user).get(f"/api/v1/children/{child.pk}/")
    assert response.status_code == 200
    return response.json(), response.content.decode()


@pytest.fixture
def other_school() -> School:
    return factories.SchoolFactory.create(name="Fellside Primary")


@dataclass
class Record:
    child: Child
    case: Case


# What our school sent, what another school sent and what the council recorded.
OURS = ("1 Ours Lane", "Sam Ours", "01632 960111")
THEIRS = ("2 Theirs Street", "Bea Theirs", "01632 960333")
COUNCILS = ("3 Council Close", "Cal Council", "01632 960222")


@pytest.fixture
def pupil(school: School, other_school: School, inclusion_officer: User) -> Record:
    """On Fellside's roll 2020-2024, then ours; an address and a carer from each source; a CME case."""
    child = factories.ChildFactory.create(legal_forename="Lena", legal_surname="Price")
    factories.RollEntryFactory.create(
        child=child, school=other_school, on_roll_from=dt.date(2020, 9, 1), on_roll_to=dt.date(2024, 7, 19)
    )
    factories.RollEntryFactory.create(child=child, school=school, on_roll_from=dt.date(2024, 9, 4))
    for (line_1, name, phone), supplier, moved_out in (
        (THEIRS, other_school, dt.date(2024, 8, 1)),
        (OURS, school, dt.date(2025, 6, 30)),
        (COUNCILS, None, None),
    ):
        factories.AddressFactory.create(
            child=child, line_1=line_1, moved_out=moved_out, supplied_by_school=supplier
        )
        factories.CarerFactory.create(child=child, name=name, phone=phone, supplied_by_school=supplier)
    case = Case.objects.create(
        kind="cme",
        child=child,
        team=Team.objects.get(kind=Team.Kind.INCLUSION),
        owner=inclusion_officer,
        status="new",
        source="test",
        opened_at=dt.datetime(2026, 11, 2, 9, 0, tzinfo=dt.UTC),
        opened_on=dt.date(2026, 11, 2),
        next_action="Make the first enquiry",
        next_action_due=dt.date(2026, 11, 17),
    )
    Flag.objects.create(
        child=child, case=case, code=Flag.Code.MISSING_EDUCATION, details="Secret", raised_at=case.opened_at
    )
    return Record(child, case)


def hidden_from_our_school(record: Record) -> tuple[str, ...]:
    return (
        *THEIRS,
        *COUNCILS,
        "Fellside Primary",
        record.case.reference,
        "Secret",
        "Child missing education",
    )


# ---- the one view model ---------------------------------------------------------------------------


def test_the_view_holds_only_what_the_school_sent_and_its_own_roll(school: School, pupil: Record) -> None:
    seen = school_view(school, pupil.child)

    assert seen.full_name == "Lena Price"
    assert [a.line_1 for a in seen.addresses] == ["1 Ours Lane"]
    assert [c.name for c in seen.carers] == ["Sam Ours"]
    assert [e.school for e in seen.roll_entries] == [school]
    assert not seen.is_former_school


def test_a_school_with_no_link_to_the_child_is_shown_nothing(pupil: Record) -> None:
    stranger = factories.SchoolFactory.create()
    factories.AddressFactory.create(child=factories.ChildFactory.create(), supplied_by_school=stranger)

    seen = school_view(stranger, pupil.child)

    assert (seen.addresses, seen.carers, seen.roll_entries) == ((), (), ())


# ---- the child page -------------------------------------------------------------------------------


def test_the_page_shows_a_school_only_what_it_sent_and_its_own_roll(school_user: User, pupil: Record) -> None:
    shown = page(school_user, pupil.child)

    for expected in ("Lena Price", *OURS, "Moorside Academy"):
        assert expected in shown
    for secret in hidden_from_our_school(pupil):
        assert secret not in shown
    assert RecordView.objects.filter(user=school_user, child=pupil.child, what="Child record").count() == 1


def test_council_staff_still_see_every_address_carer_and_roll_on_the_page(
    head_of_service: User, pupil: Record
) -> None:
    shown = page(head_of_service, pupil.child)

    for expected in (*OURS, *THEIRS, *COUNCILS, "Fellside Primary", "Moorside Academy", pupil.case.reference):
        assert expected in shown
    assert RecordView.objects.filter(user=head_of_service, child=pupil.child).count() == 1


# ---- the API --------------------------------------------------------------------------------------


def test_the_api_shows_a_school_the_same_as_the_page(
    school_user: User, school: School, pupil: Record
) -> None:
    body, text = api(school_user, pupil.child)

    assert body["name"] == "Lena Price"
    assert body["upn"] == pupil.child.upn
    assert body["on_roll"] is True
    assert [a["line_1"] for a in body["addresses"]] == ["1 Ours Lane"]
    assert [(c["name"], c["phone"]) for c in body["carers"]] == [("Sam Ours", "01632 960111")]
    assert [e["school"]["urn"] for e in body["roll_entries"]] == [school.urn]
    assert not {"current_address", "cases"} & set(body)
    for secret in hidden_from_our_school(pupil):
        assert secret not in text
    assert RecordView.objects.filter(user=school_user, child=pupil.child, what="api child").count() == 1


def test_council_staff_still_get_the_whole_record_from_the_api(head_of_service: User, pupil: Record) -> None:
    body, _text = api(head_of_service, pupil.child)

    assert body["current_address"]["line_1"] == "3 Council Close"
    assert {c["name"] for c in body["carers"]} == {"Sam Ours", "Bea Theirs", "Cal Council"}
    assert {e["school"]["name"] for e in body["roll_entries"]} == {"Fellside Primary", "Moorside Academy"}
    assert [c["reference"] for c in body["cases"]] == [pupil.case.reference]
    assert RecordView.objects.filter(user=head_of_service, child=pupil.child, what="api child").count() == 1


# ---- a former school -----------------------------------------------------------------------------

LEFT_ON = dt.date(2026, 7, 17)


@pytest.fixture
def former_pupil(school: School, other_school: School) -> Child:
    """On our roll from 2024 until 17 July 2026; then at Fellside, and the record moved on."""
    with at(dt.date(2024, 9, 4)):
        child = factories.ChildFactory.create(legal_forename="Lena", legal_surname="Price")
        entry = factories.RollEntryFactory.create(
            child=child, school=school, on_roll_from=dt.date(2024, 9, 4)
        )
        address = factories.AddressFactory.create(
            child=child, line_1="1 Ours Lane", moved_in=dt.date(2024, 8, 1), supplied_by_school=school
        )
        carer = factories.CarerFactory.create(
            child=child, name="Sam Ours", phone="01632 960111", supplied_by_school=school
        )
    with at(dt.date(2026, 7, 20)):
        entry.on_roll_to = LEFT_ON
        entry.leaving_ground = "a"
        entry.destination_school = other_school
        entry.save()
    with at(dt.date(2026, 9, 10)):
        factories.RollEntryFactory.create(child=child, school=other_school, on_roll_from=dt.date(2026, 9, 3))
        child.legal_surname = "Price-Hall"
        child.save()
        address.moved_out = dt.date(2026, 8, 30)
        address.save()
        factories.AddressFactory.create(child=child, line_1="5 New Road", supplied_by_school=None)
        carer.phone = "01632 960999"
        carer.save()
        factories.CarerFactory.create(child=child, name="Late Carer", supplied_by_school=school)
        factories.CarerFactory.create(child=child, name="Fell Carer", supplied_by_school=other_school)
    return child


AFTER_LEAVING = ("Price-Hall", "5 New Road", "01632 960999", "Late Carer", "Fell Carer", "30 August 2026")


def test_a_former_school_sees_the_record_as_it_stood_when_the_child_left(
    school_user: User, school: School, former_pupil: Child
) -> None:
    shown = page(school_user, former_pupil)

    for expected in ("Lena Price", "1 Ours Lane", "Sam Ours", "01632 960111", "17 July 2026", "no longer on"):
        assert expected in shown
    for later in AFTER_LEAVING:
        assert later not in shown
    # Its own roll entry names where the child went (the school sent that), never Fellside's roll.
    assert "3 September 2026" not in shown
    assert RecordView.objects.filter(user=school_user, child=former_pupil).count() == 1


def test_the_api_gives_a_former_school_the_same_as_the_page(
    school_user: User, school: School, former_pupil: Child
) -> None:
    body, text = api(school_user, former_pupil)

    assert (body["legal_surname"], body["on_roll"]) == ("Price", False)
    assert [(a["line_1"], a["moved_out"]) for a in body["addresses"]] == [("1 Ours Lane", None)]
    assert [(c["name"], c["phone"]) for c in body["carers"]] == [("Sam Ours", "01632 960111")]
    assert [(e["school"]["urn"], e["on_roll_to"]) for e in body["roll_entries"]] == [
        (school.urn, "2026-07-17")
    ]
    for later in ("Price-Hall", "5 New Road", "01632 960999", "Late Carer", "Fell Carer", "2026-09-03"):
        assert later not in text
    assert RecordView.objects.filter(user=school_user, child=former_pupil, what="api child").count() == 1


def test_the_new_school_sees_only_its_own_supplies_and_staff_see_the_record_now(
    other_school: School, head_of_service: User, former_pupil: Child
) -> None:
    fellside = factories.school_user(other_school)
    body, text = api(fellside, former_pupil)
    assert body["legal_surname"] == "Price-Hall"
    assert [c["name"] for c in body["carers"]] == ["Fell Carer"]
    assert body["addresses"] == []
    assert "Moorside Academy" not in text

    shown = page(head_of_service, former_pupil)
    for now in ("Price-Hall", "5 New Road", "01632 960999", "Late Carer", "Fell Carer", "Moorside Academy"):
        assert now in shown


# ---- what schools send is recorded as theirs --------------------------------------------------------


def test_an_address_a_school_sends_with_a_new_pupil_is_recorded_as_supplied_by_that_school(
    school_user: User, school: School, council: None, frozen_clock: object
) -> None:
    response = api_client(school_user).post(
        "/api/v1/removals/",
        {
            "pupil": {
                "upn": "",
                "forename": "Amira",
                "surname": "Testcase",
                "date_of_birth": "2014-05-02",
                "gender": "F",
                "address_line_1": "1 Invented Row",
                "town": "Northmoor",
                "postcode": "NM1 1AA",
            },
            "removal_date": "2026-11-16",
            "ground": "g",
        },
        format="json",
        HTTP_IDEMPOTENCY_KEY="notice-1",
    )

    assert response.status_code == 201, response.json()
    address = Address.objects.get()
    assert (address.line_1, address.supplied_by_school) == ("1 Invented Row", school)
    # And so the school that sent it sees it; nothing else of the child is offered to others.
    child = address.child
    assert [a.line_1 for a in school_view(school, child).addresses] == ["1 Invented Row"]
    assert school_view(factories.SchoolFactory.create(), child).addresses == ()
    assert not Carer.objects.exists()


def test_a_school_that_notified_a_new_child_sees_what_it_sent_with_the_notice(
    school_user: User, school: School, council: None
) -> None:
    # The clock runs, as in real use: the record and its address are saved a moment after the notice
    # arrives, and the pupil left three days before.
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC), tick=True):
        client = api_client(school_user)
        sent = client.post(
            "/api/v1/removals/",
            {
                "pupil": {
                    "upn": "",
                    "forename": "Noor",
                    "surname": "Sentby",
                    "date_of_birth": "2013-03-02",
                    "gender": "F",
                    "address_line_1": "7 Sent Street",
                    "town": "Northmoor",
                    "postcode": "NM1 7AA",
                },
                "removal_date": "2026-11-13",
                "ground": "g",
            },
            format="json",
            HTTP_IDEMPOTENCY_KEY="notice-2",
        )
        assert sent.status_code == 201, sent.json()
        child = Child.objects.get(legal_surname="Sentby")
        body, _text = api(school_user, child)

    assert body["on_roll"] is False
    assert [a["line_1"] for a in body["addresses"]] == ["7 Sent Street"]
    assert body["name"] == "Noor Sentby"


# ---- downloads -----------------------------------------------------------------------------------

# Every download in Roll Call, by URL name. None is open to a school user today: if one ever is,
# it must build its rows from casework.school_view and get a test above.
DOWNLOADS = {
    "admissions:checkoff_csv",
    "admissions:checkoff_xlsx",
    "reports:report-xlsx",
    "reports:report-pdf",
    "reports:report-csv",
    "actionplans:scrutiny-xlsx",
    "actionplans:scrutiny-pdf",
    "health:referral-pdf",
    # Lists council staff who have not acknowledged a policy: no child in it.
    "policies:campaign-csv",
    # Home education: the register (EHE team) and attendance order letters (the case's team);
    # a school user is refused both (below, and tests/homeeducation/test_views.py).
    "homeeducation:register-csv",
    "homeeducation:register-xlsx",
    "homeeducation:letter-pdf",
    # The transfer letter to another council (the case's team); a school user is refused it in
    # tests/transfers/test_sending.py.
    "transfers:letter",
    # Break-the-glass accesses (ADR 0008): child ids, for administrators and team managers.
    "children:break-glass-csv",
}
# Pages that answer a download with ?format=xlsx.
FORMAT_DOWNLOADS = ("admissions:fair_access", "admissions:waiting", "admissions:deferred")


def _download_names(patterns: list[URLPattern | URLResolver], prefix: str = "") -> set[str]:
    names = set()
    for entry in patterns:
        if isinstance(entry, URLResolver):
            namespace = f"{prefix}{entry.namespace}:" if entry.namespace else prefix
            names |= _download_names(entry.url_patterns, namespace)
        elif str(entry.pattern).endswith((".csv", ".xlsx", ".pdf")) and entry.name:
            names.add(f"{prefix}{entry.name}")
    return names


def test_every_download_is_listed_here() -> None:
    assert _download_names(get_resolver().url_patterns) == DOWNLOADS


def test_no_download_with_children_in_it_is_open_to_a_school_user(
    school_user: User, school: School, pupil: Record, inclusion_officer: User
) -> None:
    health_case = Case.objects.create(
        kind="health",
        child=pupil.child,
        team=factories.TeamFactory.create(kind=Team.Kind.ACCESS),
        owner=inclusion_officer,
        status="new",
        source="test",
        opened_at=pupil.case.opened_at,
        opened_on=pupil.case.opened_on,
        next_action="Refer",
        next_action_due=pupil.case.next_action_due,
    )
    # Even the referral naming our school, with the child's current address in it, is not ours.
    referral = ProvisionReferral.objects.create(
        case=health_case,
        child=pupil.child,
        school=school,
        provision_name="Springboard",
        medical_evidence="yes",
        health_needs="Secret",
        hours_per_week=5,
        kind=ProvisionReferral.Kind.HOME,
        sen_status=ProvisionReferral.Sen.NONE,
        consent="yes",
        sent_at=pupil.case.opened_at,
        made_by=inclusion_officer,
    )
    client = page_client(school_user)
    urls = [reverse(name) for name in ("admissions:checkoff_csv", "admissions:checkoff_xlsx")]
    urls += [reverse("actionplans:scrutiny-xlsx"), reverse("actionplans:scrutiny-pdf")]
    urls += [reverse("health:referral-pdf", args=[referral.pk]), reverse("homeeducation:register-csv")]
    urls += [reverse("homeeducation:register-xlsx")]
    urls += [reverse("children:break-glass-csv")]
    urls += [f"{reverse(name)}?format=xlsx" for name in FORMAT_DOWNLOADS]
    for slug in REPORTS:
        urls += [
            reverse("reports:report-xlsx", args=[slug]),
            reverse("reports:report-pdf", args=[slug]),
            reverse("reports:report-csv", args=[slug, "cases"]),
        ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in {403, 404}, url
        assert b"Price" not in response.content, url


def test_the_roll_entries_a_school_sees_are_only_its_own(school: School, pupil: Record) -> None:
    assert RollEntry.objects.filter(child=pupil.child).count() == 2
    assert {entry.school_id for entry in school_view(school, pupil.child).roll_entries} == {school.pk}


def test_a_former_school_finds_its_former_pupil_as_they_were_when_they_left(
    school_user: User, head_of_service: User, former_pupil: Child
) -> None:
    asked = {"upn": str(former_pupil.upn)}
    response = page_client(school_user).get(reverse("children:search"), asked)
    found = response.content.decode()
    assert "Price, Lena" in found
    assert "Price-Hall" not in found
    assert [child.pk for child in response.context["results"]] == [former_pupil.pk]

    staff = page_client(head_of_service).get(reverse("children:search"), asked).content.decode()
    assert "Price-Hall, Lena" in staff


def test_a_schools_absence_list_names_a_former_pupil_as_they_were_when_they_left(
    school_user: User, school: School, former_pupil: Child
) -> None:
    PupilMarks.objects.create(
        child=former_pupil,
        school=school,
        academic_year=2025,
        marks=blank_marks(2025),
        updated_at=dt.datetime(2026, 7, 17, 16, 0, tzinfo=dt.UTC),
        evaluated_as_of=LEFT_ON,
        possible_sessions=100,
        absent_sessions=20,
        unauthorised_sessions=10,
        unmarked_days=0,
        persistent=True,
        severe=False,
    )
    url = reverse("attendance:absence-school", kwargs={"school_pk": school.pk})
    response = page_client(school_user).get(url, {"year": "2025", "level": "persistent"})

    listed = response.content.decode()
    assert response.status_code == 200
    assert "Lena Price" in listed
    assert "Price-Hall" not in listed
