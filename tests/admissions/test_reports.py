"""The monthly waiting-for-a-place and annual deferred-places reports, for any past period."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from rollcall.admissions import services
from rollcall.admissions.sweep import admissions_sweep
from rollcall.casework.calendar import council_calendar
from rollcall.casework.services import roll_join
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council")]

SEPT = dt.datetime(2026, 9, 14, 10, 0, tzinfo=dt.UTC)


def _listed(client, month: str) -> list[str]:
    response = client.get("/admissions/waiting/", {"month": month})
    assert response.status_code == 200
    return [row["case"].child.legal_surname for row in response.context["rows"]]


def test_a_past_months_report_shows_who_was_waiting_then_not_now(client, admissions_officer, school):
    with time_machine.travel(SEPT, tick=False):
        placed = factories.ChildFactory.create(legal_surname="Placed", date_of_birth=dt.date(2015, 1, 1))
        still = factories.ChildFactory.create(legal_surname="Still", date_of_birth=dt.date(2015, 2, 1))
        services.waiting_open(child=placed, actor=admissions_officer)
        services.waiting_open(child=still, actor=admissions_officer)
    with time_machine.travel(dt.datetime(2026, 10, 12, 10, 0, tzinfo=dt.UTC), tick=False):
        roll_join(child=placed, school=school, on_roll_from=dt.date(2026, 10, 12))
        admissions_sweep(today=dt.date(2026, 10, 12), calendar=council_calendar())
    client.force_login(admissions_officer)

    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC), tick=False):
        assert _listed(client, "2026-09") == ["Placed", "Still"]
        assert _listed(client, "2026-10") == ["Still"]
        assert _listed(client, "2026-11") == ["Still"]
        assert _listed(client, "2026-08") == []
        assert client.get("/admissions/waiting/", {"month": "1999-01"}).status_code == 404


def test_the_deferred_places_report_is_for_one_school_year(client, admissions_officer, school):
    with time_machine.travel(SEPT, tick=False):
        this_year = factories.ChildFactory.create(legal_surname="Spring")
        next_year = factories.ChildFactory.create(legal_surname="Autumn")
        services.deferred_record(
            child=this_year, school=school, due_to_start=dt.date(2027, 4, 19), actor=admissions_officer
        )
        services.deferred_record(
            child=next_year, school=school, due_to_start=dt.date(2027, 9, 6), actor=admissions_officer
        )
        client.force_login(admissions_officer)

        now = client.get("/admissions/deferred/")
        later = client.get("/admissions/deferred/", {"year": "2027"})

    assert [p.child.legal_surname for p in now.context["places"]] == ["Spring"]
    assert [p.child.legal_surname for p in later.context["places"]] == ["Autumn"]
