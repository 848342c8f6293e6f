"""A school's roll over time: counts per snapshot and the deletion returns still missing."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.audit.models import RecordView
from rollcall.rolls.pupils import PupilRow
from rollcall.rolls.services import roll_load
from tests import factories

AS_OF = dt.date(2026, 11, 16)


def _row(line: int, forename: str) -> PupilRow:
    return PupilRow(
        line=line, upn=None, forename=forename, surname="Osei", date_of_birth=dt.date(2015, 6, line)
    )


@pytest.mark.django_db
def test_the_inclusion_team_sees_each_roll_and_the_missing_returns_and_the_view_is_logged(
    client, council, frozen_clock, school, inclusion_officer
):
    roll_load(school=school, as_of=AS_OF, rows=[_row(2, "Kai"), _row(3, "Ava")], source="csv")
    roll_load(school=school, as_of=AS_OF + dt.timedelta(days=1), rows=[_row(3, "Ava")], source="api")
    client.force_login(inclusion_officer)
    page = client.get(f"/schools/{school.urn}/rolls/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kai Osei" in html
    assert "24 November 2026" in html
    assert "MIS connector (API)" in html
    assert RecordView.objects.filter(user=inclusion_officer, what="Deletion returns missing").count() == 1


@pytest.mark.django_db
def test_another_school_and_other_council_teams_cannot_see_it(client, council, school, admissions_officer):
    other = factories.school_user(factories.SchoolFactory.create(), username="other.school")
    for user in (other, admissions_officer):
        client.force_login(user)
        assert client.get(f"/schools/{school.urn}/rolls/").status_code == 404
