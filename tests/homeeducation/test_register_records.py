"""The register's own records: pupils educated elsewhere part of the time (s.436B(b)) and the
requests for the register information to parents (s.436D) and providers (s.436E)."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from rollcall.accounts.models import Team, User
from rollcall.audit.models import RecordView
from rollcall.casework.calendar import council_calendar
from rollcall.casework.services import CaseworkError, case_open
from rollcall.homeeducation import notinschool, services
from rollcall.homeeducation.models import EHERecord, InformationRequest, PartTimeArrangement
from rollcall.homeeducation.register import arrangements_in_force
from rollcall.homeeducation.sweep import ehe_sweep
from rollcall.notify.models import Message
from rollcall.people.models import Child
from rollcall.schools.models import School
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ehe_council", "frozen_clock")]

ON = override_settings(CHILDREN_NOT_IN_SCHOOL_REGISTER=True)
TODAY = dt.date(2026, 11, 16)


def pupil(school: School, surname: str = "Okafor") -> Child:
    child = factories.ChildFactory.create(legal_forename="Nia", legal_surname=surname, upn=None)
    factories.RollEntryFactory.create(child=child, school=school, on_roll_from=dt.date(2025, 9, 3))
    return child


def facts(**changes: object) -> notinschool.ArrangementFacts:
    values: dict[str, object] = {
        "kind": "flexi",
        "sessions_elsewhere": 4,
        "provider": "The parents",
        "provider_type": "parents",
        "starts_on": dt.date(2026, 11, 2),
    } | changes
    return notinschool.ArrangementFacts(**values)  # type: ignore[arg-type]


def date_post(name: str, day: dt.date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


# ---- part-time arrangements ---------------------------------------------------------------------


def test_a_school_records_its_own_pupil_found_by_name_and_date_of_birth(client: Client) -> None:
    school = factories.SchoolFactory.create()
    child = pupil(school)
    client.force_login(factories.school_user(school))
    response = client.post(
        reverse("homeeducation:arrangement-new"),
        {
            "first_name": "nia",
            "last_name": "OKAFOR",
            **date_post("date_of_birth", child.date_of_birth),
            "kind": "part_time",
            "sessions_elsewhere": "6",
            "provider": "Riverside Learning Centre",
            "provider_type": "alternative",
            "provider_address": "1 Mill Lane, NM1 3CD",
            **date_post("starts_on", dt.date(2026, 11, 9)),
        },
    )
    arrangement = PartTimeArrangement.objects.get()
    assert response.status_code == 302
    assert (arrangement.child, arrangement.school, arrangement.sessions_elsewhere) == (child, school, 6)
    assert arrangement.entered_by_kind == PartTimeArrangement.EnteredBy.SCHOOL


def test_a_pupil_not_on_the_schools_roll_is_refused_naming_the_field(client: Client) -> None:
    school = factories.SchoolFactory.create()
    other = pupil(factories.SchoolFactory.create())
    client.force_login(factories.school_user(school))
    response = client.post(
        reverse("homeeducation:arrangement-new"),
        {
            "first_name": other.legal_forename,
            "last_name": other.legal_surname,
            **date_post("date_of_birth", other.date_of_birth),
            "kind": "flexi",
            "sessions_elsewhere": "11",
            "provider": "The parents",
            "provider_type": "parents",
            **date_post("starts_on", TODAY),
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Sessions a week must be between 1 and 10" in page
    assert not PartTimeArrangement.objects.exists()


def test_a_school_cannot_record_or_see_another_schools_pupils(client: Client, ehe_officer: User) -> None:
    school, other_school = factories.SchoolFactory.create(), factories.SchoolFactory.create()
    child = pupil(school)
    arrangement = notinschool.arrangement_record(actor=ehe_officer, school=school, child=child, facts=facts())
    stranger = factories.school_user(other_school)
    with pytest.raises(CaseworkError):
        notinschool.arrangement_record(actor=stranger, school=school, child=child, facts=facts())
    client.force_login(stranger)
    assert client.get(reverse("homeeducation:arrangement", args=[arrangement.pk])).status_code == 404
    assert "Okafor" not in client.get(reverse("homeeducation:arrangements")).content.decode()
    assert RecordView.objects.filter(user=stranger, child=child, outcome=RecordView.Outcome.REFUSED).exists()


def test_the_ehe_team_sees_every_arrangement_and_the_list_logs_each_child(
    client: Client, ehe_officer: User
) -> None:
    school = factories.SchoolFactory.create()
    child = pupil(school)
    notinschool.arrangement_record(actor=ehe_officer, school=school, child=child, facts=facts())
    client.force_login(ehe_officer)
    page = client.get(reverse("homeeducation:arrangements")).content.decode()
    assert "Nia Okafor" in page
    assert (
        RecordView.objects.filter(user=ehe_officer, child=child, what="part-time arrangements").count() == 1
    )


def test_the_child_page_shows_the_arrangements_to_the_ehe_team_and_to_nobody_else(
    client: Client, ehe_officer: User, head_of_service: User, inclusion_officer: User
) -> None:
    school = factories.SchoolFactory.create(name="Hill School")
    child = pupil(school)
    arrangement = notinschool.arrangement_record(
        actor=ehe_officer, school=school, child=child, facts=facts(sessions_elsewhere=3)
    )
    url = reverse("children:child", args=[child.pk])
    client.force_login(head_of_service)
    page = client.get(url).content.decode()
    assert "Part-time arrangements" in page
    assert arrangement.reference in page
    assert reverse("homeeducation:arrangement", args=[arrangement.pk]) in page
    assert "Hill School" in page
    assert "2 November 2026" in page
    # An Inclusion officer sees the child through a case, but not the arrangements
    # (homeeducation.access.arrangements_visible_to).
    case_open(child=child, kind="cme", team=Team.objects.get(kind=Team.Kind.INCLUSION), source="test")
    client.force_login(inclusion_officer)
    officer_page = client.get(url)
    assert officer_page.status_code == 200
    assert "Part-time arrangements" not in officer_page.content.decode()
    # The school sees the arrangement in its own portal, not on the council's child page.
    client.force_login(factories.school_user(school))
    assert "Part-time arrangements" not in client.get(url).content.decode()


@ON
def test_the_register_includes_arrangements_in_force_for_pupils_still_on_the_roll(
    client: Client, ehe_officer: User
) -> None:
    school = factories.SchoolFactory.create(name="Hill School")
    in_force = pupil(school, "Inforce")
    ended = pupil(school, "Ended")
    future = pupil(school, "Future")
    left = pupil(school, "Left")
    notinschool.arrangement_record(
        actor=ehe_officer,
        school=school,
        child=in_force,
        facts=facts(
            provider="Sam Inforce", provider_address="4 Hill Road", parents="Sam Inforce, 4 Hill Road"
        ),
    )
    notinschool.arrangement_record(
        actor=ehe_officer, school=school, child=ended, facts=facts(ends_on=dt.date(2026, 11, 13))
    )
    notinschool.arrangement_record(
        actor=ehe_officer,
        school=school,
        child=future,
        facts=facts(starts_on=dt.date(2026, 11, 17), ends_on=None),
    )
    notinschool.arrangement_record(actor=ehe_officer, school=school, child=left, facts=facts())
    left.roll_entries.update(on_roll_to=dt.date(2026, 11, 13))
    home = services.record_open(
        child=factories.ChildFactory.create(legal_surname="Athome"), actor=ehe_officer
    )
    client.force_login(ehe_officer)

    rows = list(csv.reader(io.StringIO(client.get(reverse("homeeducation:register-csv")).content.decode())))
    header = rows[0]
    by_name = {row[1]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert set(by_name) == {"Nia Inforce", home.child.full_name}
    line = by_name["Nia Inforce"]
    assert line["On the register because"] == "Registered at a school, educated elsewhere part of the time"
    assert line["School registered at"] == "Hill School"
    assert line["Who educates the child"] == "Sam Inforce"
    assert line["Provider's type"] == "The parents"
    assert line["Sessions a week elsewhere"] == "4"
    assert line["Where"] == "4 Hill Road"
    assert line["Parents"] == "Sam Inforce, 4 Hill Road"
    assert by_name[home.child.full_name]["On the register because"] == "Not registered at a school"

    only_part_time = client.get(reverse("homeeducation:register"), {"kind": "part_time"}).content.decode()
    assert "Nia Inforce" in only_part_time
    assert "Athome" not in only_part_time
    assert RecordView.objects.filter(child=in_force, what__contains="CSV").count() == 1
    assert not RecordView.objects.filter(child__in=[ended, future, left]).exists()


def test_ending_an_arrangement_takes_the_child_off_the_register_the_day_after(ehe_officer: User) -> None:
    school = factories.SchoolFactory.create()
    child = pupil(school)
    arrangement = notinschool.arrangement_record(actor=ehe_officer, school=school, child=child, facts=facts())
    notinschool.arrangement_end(actor=ehe_officer, arrangement=arrangement, ends_on=TODAY)
    everything = PartTimeArrangement.objects.all()
    assert list(arrangements_in_force(everything, today=TODAY)) == [arrangement]
    assert list(arrangements_in_force(everything, today=TODAY + dt.timedelta(days=1))) == []
    with pytest.raises(CaseworkError, match="same as or after the start"):
        notinschool.arrangement_end(actor=ehe_officer, arrangement=arrangement, ends_on=dt.date(2026, 10, 1))


# ---- requests for the register information ------------------------------------------------------


def a_record(officer: User) -> EHERecord:
    child = factories.ChildFactory.create(legal_forename="Tomas", legal_surname="Reyes")
    return services.record_open(
        child=child, actor=officer, facts=services.EducationFacts(parents="Ana Reyes")
    )


def test_asking_a_parent_sets_the_due_date_from_the_councils_period(
    client: Client, ehe_officer: User
) -> None:
    record = a_record(ehe_officer)
    client.force_login(ehe_officer)
    response = client.post(
        reverse("homeeducation:request-new", args=[record.pk]),
        {
            "recipient": "parent",
            "addressed_to": "Ana Reyes",
            "asked_for": "The register information",
            **date_post("sent_on", TODAY),
        },
    )
    assert response.status_code == 302
    request = InformationRequest.objects.get()
    assert (request.record, request.child_id, request.due_on) == (
        record,
        record.child_id,
        dt.date(2026, 11, 30),
    )
    case_page = client.get(reverse("casework:case", args=[record.case_id])).content.decode()
    assert request.reference in case_page


def test_a_provider_is_not_asked_again_within_three_months(ehe_officer: User) -> None:
    record = a_record(ehe_officer)

    def ask(on: dt.date) -> InformationRequest:
        return notinschool.information_request(
            actor=ehe_officer,
            recipient="provider",
            addressed_to="Bright Tutors",
            asked_for="Hours taught",
            sent_on=on,
            record=record,
        )

    ask(dt.date(2026, 8, 17))
    with pytest.raises(CaseworkError, match="may ask again from 17/11/2026"):
        ask(TODAY)  # 16 November: a day too soon
    # Three calendar months after the first is allowed.
    first = InformationRequest.objects.get()
    first.sent_on = dt.date(2026, 8, 16)
    first.save()
    assert ask(TODAY).due_on == dt.date(2026, 11, 30)


def test_the_sweep_reminds_then_tells_of_an_overdue_request_once_each_by_its_own_date(
    ehe_officer: User,
) -> None:
    record = a_record(ehe_officer)
    request = notinschool.information_request(
        actor=ehe_officer,
        recipient="parent",
        addressed_to="Ana Reyes",
        asked_for="The register information",
        sent_on=TODAY,
        record=record,
    )
    calendar = council_calendar()
    assert ehe_sweep(today=dt.date(2026, 11, 24), calendar=calendar)["ehe_request_reminders"] == 0
    first = ehe_sweep(today=dt.date(2026, 11, 25), calendar=calendar)
    again = ehe_sweep(today=dt.date(2026, 11, 26), calendar=calendar)
    assert (first["ehe_request_reminders"], again["ehe_request_reminders"]) == (1, 0)
    late = ehe_sweep(today=dt.date(2026, 12, 1), calendar=calendar)
    late_again = ehe_sweep(today=dt.date(2026, 12, 2), calendar=calendar)
    assert (late["ehe_requests_overdue_told"], late_again["ehe_requests_overdue_told"]) == (1, 0)
    assert late_again["ehe_requests_overdue"] == 1
    keys = set(Message.objects.filter(recipient=ehe_officer).values_list("key", flat=True))
    assert any(key.startswith(f"ehe-request:{request.pk}:reminder") for key in keys)
    assert any(key.startswith(f"ehe-request:{request.pk}:overdue") for key in keys)
    # No personal facts in the message: the reference only.
    assert not Message.objects.filter(subject__contains="Reyes").exists()

    notinschool.information_answer(
        actor=ehe_officer, request=request, answered_on=TODAY, answer="Form returned in full"
    )
    assert ehe_sweep(today=dt.date(2026, 12, 3), calendar=calendar)["ehe_requests_overdue"] == 0


def test_the_requests_page_lists_overdue_ones_and_records_an_answer(
    client: Client, ehe_officer: User
) -> None:
    record = a_record(ehe_officer)
    request = notinschool.information_request(
        actor=ehe_officer,
        recipient="parent",
        addressed_to="Ana Reyes",
        asked_for="The register information",
        sent_on=dt.date(2026, 10, 1),
        record=record,
    )
    client.force_login(ehe_officer)
    overdue = client.get(reverse("homeeducation:requests"), {"state": "overdue"}).content.decode()
    assert request.reference in overdue
    assert "Overdue" in overdue
    assert RecordView.objects.filter(child=record.child, what__contains="register information").exists()
    response = client.post(
        reverse("homeeducation:request-answer", args=[request.pk]),
        {**date_post("answered_on", TODAY), "answer": "Details given by phone"},
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert (request.answered_on, request.answer) == (TODAY, "Details given by phone")
    waiting = client.get(reverse("homeeducation:requests")).content.decode()
    assert "No requests." in waiting  # answered: no longer waiting


def test_other_teams_cannot_see_or_answer_requests(
    client: Client, ehe_officer: User, inclusion_officer: User
) -> None:
    record = a_record(ehe_officer)
    request = notinschool.information_request(
        actor=ehe_officer,
        recipient="parent",
        addressed_to="Ana",
        asked_for="Info",
        sent_on=TODAY,
        record=record,
    )
    client.force_login(inclusion_officer)
    assert client.get(reverse("homeeducation:requests")).status_code == 403
    assert client.get(reverse("homeeducation:request-answer", args=[request.pk])).status_code == 403
    with pytest.raises(CaseworkError):
        notinschool.information_answer(
            actor=inclusion_officer, request=request, answered_on=TODAY, answer="x"
        )
