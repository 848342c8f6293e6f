"""Children lost between rolls are listed on today's exceptions report, by name."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from rollcall.accounts.models import User
from rollcall.reports import documents, figures
from rollcall.rolls.pupils import PupilRow
from rollcall.rolls.services import roll_load
from rollcall.schools.models import School

AS_OF = dt.date(2026, 11, 16)


def _row(line: int, forename: str) -> PupilRow:
    return PupilRow(line=line, upn=None, forename=forename, surname="Osei", date_of_birth=dt.date(2015, 6, 1))


@pytest.mark.django_db
def test_a_child_off_every_roll_with_no_case_is_on_todays_exceptions_report(
    client: Client, council: None, frozen_clock: object, school: School, head_of_service: User
) -> None:
    roll_load(
        school=school, as_of=AS_OF - dt.timedelta(days=3), rows=[_row(2, "Kai"), _row(3, "Ava")], source="csv"
    )
    roll_load(school=school, as_of=AS_OF - dt.timedelta(days=2), rows=[_row(3, "Ava")], source="csv")
    today = figures.exceptions_figures(AS_OF, today=AS_OF)
    assert [(lost.name, lost.left_on) for lost in today.lost] == [("Kai Osei", AS_OF - dt.timedelta(days=2))]
    document = documents.exceptions_document(today)
    headline = {h.slug: h.value for h in document.headlines}
    assert headline["lost"] == 1
    (table,) = [t for t in document.tables if t.slug == "lost"]
    assert table.rows[0][0] == "Kai Osei"
    # A past date is rebuilt from escalation records: today's roll state is not put on it.
    past = documents.exceptions_document(
        figures.exceptions_figures(AS_OF - dt.timedelta(days=1), today=AS_OF)
    )
    assert "lost" not in {h.slug for h in past.headlines}
    client.force_login(head_of_service)
    page = client.get("/reports/exceptions/").content.decode()
    assert "Children lost between rolls" in page
    assert "Kai Osei" in page
