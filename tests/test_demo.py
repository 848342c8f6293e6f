"""The demo council: built through the real importer and services, valid data, safe to re-run."""

from __future__ import annotations

import base64
import datetime as dt
import random
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from rollcall.accounts.models import Membership, Team, User
from rollcall.casework.models import Case
from rollcall.demo.council import (
    DEMO_LA_CODE,
    DEMO_PASSWORD,
    DEMO_STAFF,
    DEMO_TOTP_KEY,
    DemoError,
    demo_build,
    demo_schools_csv,
    demo_sign_ins,
)
from rollcall.people.models import Address, Carer, Child
from rollcall.rules.calendar import academic_year_of, default_terms
from rollcall.rules.upn import upn_errors
from rollcall.rules.workflow import Role
from rollcall.schools.models import ClosureDay, RemovalNotice, RollEntry, School, TermDate
from tests.production import smoke

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

# The demo's LA code is invented: it must never be a real council's (DOMAIN.md names 306, 855-857;
# 940-943 are the newest unitary authorities).
REAL_LA_CODES = {"306", "855", "856", "857", "940", "941", "942", "943"}


@pytest.mark.usefixtures("demo_council")
class TestTheDemoCouncil:
    """One demo council (200 children) shared by these read-only tests: a build takes seconds."""

    @pytest.fixture(scope="class")
    def demo_council(self, django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
        """Build the council inside a transaction that is rolled back after the class.

        Each test's own transaction is a savepoint inside it, so a test's changes are undone too.
        """
        with (
            django_db_blocker.unblock(),
            time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC), tick=False),
            transaction.atomic(),
        ):
            demo_build(children=200, seed=7)
            yield
            transaction.set_rollback(True)

    def test_the_rolls_come_through_the_roll_importer_one_snapshot_per_school(self) -> None:
        from rollcall.rolls.models import PupilCharacteristics, RollSnapshot

        snapshots = RollSnapshot.objects.all()
        schools_with_pupils = RollEntry.objects.filter(source="roll:csv").values("school").distinct().count()
        assert snapshots.count() == schools_with_pupils > 0
        assert sum(snapshots.values_list("pupils", flat=True)) == 200
        assert set(snapshots.values_list("source", flat=True)) == {"csv"}
        # Every child of the population has a spell from a roll, and the roll's DfE items.
        assert RollEntry.objects.filter(child__upn__isnull=False, source="roll:csv").count() == 200
        assert PupilCharacteristics.objects.count() == 200

    def test_both_source_action_plans_are_loaded(self) -> None:
        from rollcall.actionplans.models import Action, Complaint

        assert sorted(Complaint.objects.values_list("reference", flat=True)) == ["19017034", "22 014 644"]
        assert Action.objects.count() == 19

    def test_this_terms_marks_come_through_the_attendance_import_and_open_cases(self) -> None:
        from rollcall.attendance.models import AttendanceImport, PupilMarks
        from rollcall.casework.models import Case, Flag

        imp = AttendanceImport.objects.get()
        assert imp.status == AttendanceImport.Status.IMPORTED
        assert PupilMarks.objects.count() == imp.summary["pupils"] > 150
        sources = set(
            Case.objects.filter(source__startswith="Attendance marks").values_list("kind", flat=True)
        )
        assert sources == {"cme", "health"}
        assert Flag.objects.filter(code="persistent_absence", cleared_at__isnull=True).exists()

    def test_the_schools_come_through_the_importer_with_one_closed(self) -> None:
        schools = list(School.objects.all())
        assert 35 <= len(schools) <= 45
        assert {s.la_code for s in schools} == {DEMO_LA_CODE}
        assert DEMO_LA_CODE not in REAL_LA_CODES
        assert [s.name for s in schools if not s.is_open] != []
        assert len([s for s in schools if not s.is_open]) == 1
        phases = Counter(s.phase for s in schools)
        assert phases["Primary"] > phases["Secondary"] > 0
        assert any("special" in s.type_name.lower() for s in schools)
        assert any(s.type_name == "Pupil referral unit" for s in schools)
        # The importer writes history with its reason: proof the schools came through it.
        reasons = set(School.history.values_list("history_change_reason", flat=True))
        assert reasons == {"Schools register import"}

    def test_every_child_has_a_valid_upn_from_the_demo_council(self) -> None:
        # The 200 children of the population; the admissions and health stories add a few newly
        # arrived children who have no UPN yet.
        upns = list(Child.objects.filter(upn__isnull=False).values_list("upn", flat=True))
        assert 0 < Child.objects.filter(upn__isnull=True).count() <= 20
        assert len(upns) == 200
        assert len(set(upns)) == 200
        assert all(upn and not upn_errors(upn, known_la_codes={DEMO_LA_CODE}) for upn in upns)

    def test_every_child_started_with_one_roll_entry_at_an_open_school_for_their_age(
        self, today: dt.date
    ) -> None:
        # The demo's cases then remove some children from their roll (and one joins another school).
        removed = set(RemovalNotice.objects.values_list("child_id", flat=True))
        assert 0 < len(removed) < 30
        settled = (
            Child.objects.filter(upn__isnull=False).exclude(pk__in=removed).annotate(n=Count("roll_entries"))
        )
        assert set(settled.values_list("n", flat=True)) == {1}
        assert not RollEntry.objects.filter(on_roll_to__isnull=False).exclude(child__in=removed).exists()
        year = academic_year_of(today)
        population = RollEntry.objects.filter(child__upn__isnull=False)
        for entry in population.select_related("child", "school").order_by("child_id", "pk"):
            if entry.child_id in removed and entry.on_roll_to is None:
                continue  # the child who joined a new school after their CME case
            dob = entry.child.date_of_birth
            age_on_31_august = year - dob.year - ((dob.month, dob.day) > (8, 31))
            school = entry.school
            assert school.is_open
            assert school.statutory_low_age is not None
            assert school.statutory_high_age is not None
            assert school.statutory_low_age <= age_on_31_august < school.statutory_high_age
            assert 4 <= (today - dob).days // 365 <= 16
            assert entry.on_roll_from <= today

    def test_every_child_has_a_current_address_and_one_or_two_carers(self) -> None:
        assert Address.objects.filter(moved_out__isnull=True).count() == 200
        per_child = Counter(Carer.objects.values_list("child_id", flat=True))
        assert len(per_child) == 200
        assert set(per_child.values()) <= {1, 2}
        assert all(phone.startswith("07700 900") for phone in Carer.objects.values_list("phone", flat=True))

    def test_there_are_users_for_every_role_and_each_open_school(self) -> None:
        roles = Counter(Membership.objects.values_list("role", flat=True))
        open_schools = [s for s in School.objects.all() if s.is_open]
        assert roles[Role.OFFICER.value] == 6  # two of them in Inclusion
        assert roles[Role.MANAGER.value] == 5
        assert roles[Role.HEAD_OF_SERVICE.value] == 1
        assert roles[Role.ADMINISTRATOR.value] == 1
        assert roles[Role.SCHOOL.value] == len(open_schools)
        assert set(Team.objects.values_list("kind", flat=True)) == set(Team.Kind.values)
        for seat in DEMO_STAFF:
            user = User.objects.get(username=seat.username)
            assert user.check_password(DEMO_PASSWORD)
            assert user.email.endswith("@northmoor.example")
        admin = User.objects.get(username="admin")
        assert admin.is_superuser
        assert admin.is_staff
        assert admin.is_administrator
        school = open_schools[0]
        assert User.objects.get(username=f"school.{school.urn}").school == school
        assert User.objects.get(username="head.of.service").is_head_of_service

    def test_term_dates_and_inset_days_cover_this_and_next_academic_year(self, today: dt.date) -> None:
        year = academic_year_of(today)
        for y in (year, year + 1):
            starts = set(TermDate.objects.filter(academic_year=y).values_list("start", flat=True))
            assert starts == {term.start for term in default_terms(y)}
            insets = ClosureDay.objects.filter(date__gte=dt.date(y, 9, 1), date__lt=dt.date(y + 1, 9, 1))
            assert insets.count() == 2

    def test_there_are_cme_cases_at_every_stage(self) -> None:
        cme = Case.objects.filter(kind="cme")
        statuses = set(cme.values_list("status", flat=True))
        assert {"new", "enquiries", "awaiting_approval", "closed"} <= statuses
        outcomes = set(cme.closed().values_list("outcome", flat=True))
        assert outcomes == {
            "on_roll",
            "other_suitable_education",
            "other_council",
            "left_country",
            "ehe_registered",
            "other",
        }
        levels = set(cme.open().values_list("escalation_level", flat=True))
        assert {0, 1, 2, 3} <= levels
        assert cme.open().filter(enquiries__isnull=False).exists()

    def test_the_demo_sign_ins_list_staff_first_with_the_demo_password(
        self, capsys: pytest.CaptureFixture[str]
    ) -> None:
        sign_ins = demo_sign_ins()
        assert [s.username for s in sign_ins[: len(DEMO_STAFF)]] == [seat.username for seat in DEMO_STAFF]
        assert sign_ins[2].where == "Inclusion (children missing education)"

        call_command("demo_sign_ins", "--address", "http://127.0.0.1:8000/")

        out = capsys.readouterr().out
        assert "http://127.0.0.1:8000/" in out
        assert DEMO_PASSWORD in out
        # The published demo authenticator key, for an app, and every demo account has it.
        assert base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode() in out
        assert DEMO_TOTP_KEY == smoke.DEMO_TOTP_KEY
        staff = User.objects.filter(username__in=[seat.username for seat in DEMO_STAFF])
        assert set(
            TOTPDevice.objects.filter(user__in=staff, confirmed=True).values_list("key", flat=True)
        ) == {DEMO_TOTP_KEY}
        assert "inclusion.officer2" in out
        head = next(line for line in out.splitlines() if line.startswith("head.of.service "))
        assert head.split() == ["head.of.service", "Head", "of", "service", "Heads", "of", "Service"]

    def test_an_account_whose_password_changed_is_not_listed(self) -> None:
        user = User.objects.get(username="sen.officer")
        user.set_password("another-long-password-2026")
        user.save()

        assert "sen.officer" not in {s.username for s in demo_sign_ins()}

    def test_building_the_demo_twice_is_refused_and_adds_nothing(self) -> None:
        children = Child.objects.count()

        with pytest.raises(DemoError):
            demo_build(children=10)

        assert Child.objects.count() == children


def test_demo_sign_ins_prints_no_password_without_demo_data(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("demo_sign_ins")

    out, err = capsys.readouterr()
    assert DEMO_PASSWORD not in out + err
    assert "No demo data" in err


def test_seed_demo_if_empty_adds_nothing_the_second_time(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("seed_demo", "--children", "60", "--if-empty")
    counts = (School.objects.count(), Child.objects.count(), User.objects.count(), Case.objects.count())

    call_command("seed_demo", "--children", "60", "--if-empty")

    assert (
        School.objects.count(),
        Child.objects.count(),
        User.objects.count(),
        Case.objects.count(),
    ) == counts
    assert Child.objects.filter(upn__isnull=False).count() == 60
    assert "demo not loaded" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
def test_seed_demo_reset_rebuilds_the_council_at_another_size() -> None:
    call_command("seed_demo", "--children", "40")

    call_command("seed_demo", "--children", "70", "--reset")

    assert Child.objects.filter(upn__isnull=False).count() == 70
    assert School.objects.count() == 40


@pytest.mark.django_db(transaction=True)
def test_a_demo_larger_than_a_roll_file_takes_fills_the_other_schools(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """100,000 children (the load test's council) once put more than a roll file's 5,000 pupils
    on one school and seed_demo stopped; at any size no school's roll exceeds the limit."""
    from rollcall.demo import council

    monkeypatch.setattr(council, "MAX_ROWS", 4)
    call_command("seed_demo", "--children", "70")

    assert Child.objects.filter(upn__isnull=False).count() == 70
    per_school = Counter(RollEntry.objects.filter(on_roll_to__isnull=True).values_list("school", flat=True))
    assert max(per_school.values()) <= 4


def test_the_same_seed_writes_the_same_schools_file(today: dt.date) -> None:
    def schools_file(seed: int) -> bytes:
        faker = Faker("en_GB")
        faker.seed_instance(seed)
        return demo_schools_csv(faker=faker, rng=random.Random(seed), today=today)

    assert schools_file(11) == schools_file(11) != schools_file(12)


def test_a_large_demo_council_has_schools_enough_for_its_children(today: dt.date) -> None:
    """The 100,000-child load-test council once had 8 secondaries for about 42,000 children of
    secondary age, more than eight roll files of 5,000 can hold, and seed_demo stopped."""
    import csv
    import io

    from rollcall.rolls.pupils import MAX_ROWS

    children = 100_000
    faker = Faker("en_GB")
    faker.seed_instance(1)
    rows = list(
        csv.DictReader(
            io.StringIO(
                demo_schools_csv(faker=faker, rng=random.Random(1), today=today, children=children).decode()
            )
        )
    )
    open_mainstream = [
        r
        for r in rows
        if r["EstablishmentStatus (name)"] == "Open" and r["PhaseOfEducation (name)"] != "Not applicable"
    ]
    for age in range(4, 16):
        room = sum(
            MAX_ROWS for r in open_mainstream if int(r["StatutoryLowAge"]) <= age < int(r["StatutoryHighAge"])
        )
        assert room >= 2 * children / 12, age  # twice an even share of the children of that age
    assert len({r["URN"] for r in rows}) == len({r["EstablishmentNumber"] for r in rows}) == len(rows)
    assert len({r["EstablishmentName"] for r in rows}) == len(rows)


def test_a_demo_council_beyond_the_primaries_numbers_is_refused(today: dt.date) -> None:
    with pytest.raises(DemoError, match="at most"):
        demo_schools_csv(faker=Faker("en_GB"), rng=random.Random(1), today=today, children=1_000_000)
