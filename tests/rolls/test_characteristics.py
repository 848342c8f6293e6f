"""The optional DfE items kept per child and school: only what a new roll changes is rewritten."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.rolls.models import PupilCharacteristics
from rollcall.rolls.pupils import PupilRow, rows_from_records
from rollcall.rolls.services import roll_load
from rollcall.schools.models import School

AS_OF = dt.date(2026, 11, 16)


def _row(line: int, forename: str, fsm: bool | None) -> PupilRow:
    return PupilRow(
        line=line, upn=None, forename=forename, surname="Osei", date_of_birth=dt.date(2015, 6, line), fsm=fsm
    )


@pytest.mark.django_db
def test_a_changed_item_is_rewritten_and_the_others_keep_their_date(
    council, frozen_clock, school: School
) -> None:
    roll_load(school=school, as_of=AS_OF, rows=[_row(2, "Kai", False), _row(3, "Ava", None)], source="csv")
    roll_load(
        school=school,
        as_of=AS_OF + dt.timedelta(days=1),
        rows=[_row(2, "Kai", True), _row(3, "Ava", None)],
        source="api",
    )
    found = {
        c.child.legal_forename: (c.fsm, c.as_of) for c in PupilCharacteristics.objects.select_related("child")
    }
    assert found == {"Kai": (True, AS_OF + dt.timedelta(days=1)), "Ava": (None, AS_OF)}


def test_the_api_door_reads_the_items_as_json_booleans() -> None:
    (row,) = rows_from_records(
        [
            {
                "forename": "Kai",
                "surname": "Osei",
                "date_of_birth": "2015-06-02",
                "looked_after": True,
                "cin_cp": False,
                "sen_status": "E",
                "ehcp": "Y",
            }
        ]
    )
    assert (row.looked_after, row.cin_cp, row.sen_status, row.ehcp) == (True, False, "E", True)
