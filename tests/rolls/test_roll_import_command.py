"""manage.py roll_import: CSV files named by URN, a progress bar, errors by file, line and field."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rollcall.rolls.models import RollSnapshot
from rollcall.schools.models import RollEntry
from tests import factories

GOOD = "upn,forename,surname,date_of_birth,admission_date\n,Kai,Nowak,2014-01-05,2025-09-03\n,Ava,Price,2014-02-05,\n"


@pytest.mark.django_db
def test_the_command_loads_each_file_and_says_what_changed(council, frozen_clock, tmp_path: Path) -> None:
    school = factories.SchoolFactory.create(urn="100001", name="Oak Primary")
    (tmp_path / "100001.csv").write_text(GOOD)
    out, err = StringIO(), StringIO()
    call_command("roll_import", str(tmp_path / "100001.csv"), "--as-of", "2026-11-16", stdout=out, stderr=err)
    assert (
        "100001.csv: Oak Primary: 2 pupils; 2 joined, 0 left (0 without a deletion return), 0 to check."
        in out.getvalue()
    )
    assert "100%" in err.getvalue()
    assert RollEntry.objects.filter(school=school).count() == 2
    out = StringIO()
    call_command(
        "roll_import", str(tmp_path / "100001.csv"), "--as-of", "2026-11-16", stdout=out, stderr=StringIO()
    )
    assert "unchanged (already loaded)" in out.getvalue()


@pytest.mark.django_db
def test_a_bad_file_loads_nothing_and_the_others_still_load(council, frozen_clock, tmp_path: Path) -> None:
    factories.SchoolFactory.create(urn="100001", name="Oak Primary")
    factories.SchoolFactory.create(urn="100002", name="Ash Primary")
    (tmp_path / "100001_roll.csv").write_text(GOOD)
    (tmp_path / "100002_roll.csv").write_text(GOOD + ",Finn,Ward,2014-02-31,\n")
    out = StringIO()
    with pytest.raises(CommandError, match="1 of 2 files were not loaded"):
        call_command(
            "roll_import",
            str(tmp_path / "100001_roll.csv"),
            str(tmp_path / "100002_roll.csv"),
            "--as-of",
            "2026-11-16",
            stdout=out,
            stderr=StringIO(),
        )
    assert "100002_roll.csv: line 4: date_of_birth: '2014-02-31' is not a date" in out.getvalue()
    assert list(RollSnapshot.objects.values_list("school__urn", flat=True)) == ["100001"]


@pytest.mark.django_db
def test_a_file_for_an_unknown_school_is_refused_before_anything_loads(tmp_path: Path) -> None:
    (tmp_path / "999999.csv").write_text(GOOD)
    with pytest.raises(CommandError, match=r"No school has the URN of: 999999.csv \(999999\)"):
        call_command("roll_import", str(tmp_path / "999999.csv"), "--as-of", "2026-11-16")


@pytest.mark.django_db
def test_the_command_loads_a_common_transfer_file(council, frozen_clock, tmp_path: Path) -> None:
    from tests.rolls.ctf_files import CtfPupil, ctf

    school = factories.SchoolFactory.create(urn="100002", la_code="990", establishment_number="3001")
    (tmp_path / "100002.xml").write_bytes(ctf([CtfPupil("Mia", "Okafor", "2015-04-02")]))
    out = StringIO()
    call_command(
        "roll_import", str(tmp_path / "100002.xml"), "--as-of", "2026-11-16", stdout=out, stderr=StringIO()
    )
    assert "1 pupils; 1 joined" in out.getvalue()
    assert RollSnapshot.objects.get(school=school).source == "ctf"
