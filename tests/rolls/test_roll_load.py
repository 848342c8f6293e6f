"""The roll engine (rolls/services.py): matching, spells, unchanged snapshots, claims and triggers."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rollcall.accounts.models import Team
from rollcall.casework.models import Case, Event
from rollcall.casework.services import case_open
from rollcall.people.models import Child
from rollcall.returns.models import SchoolReturn
from rollcall.rolls.models import DeletionReturnMissing, RollSnapshot
from rollcall.rolls.pupils import PupilRow, RollFileError
from rollcall.rolls.services import RollLoaded, roll_load
from rollcall.rules.rolls import RollRefused
from rollcall.rules.upn import make_upn
from rollcall.schools.models import RollEntry, School
from tests import factories

AS_OF = dt.date(2026, 11, 16)
NEXT_DAY = dt.date(2026, 11, 17)


def _row(line: int, child: Child | None = None, **overrides: Any) -> PupilRow:
    fields: dict[str, Any] = {
        "line": line,
        "upn": child.upn if child else make_upn("990", "3001", 20, line),
        "forename": child.legal_forename if child else f"Pupil{line}",
        "surname": child.legal_surname if child else "Okafor",
        "date_of_birth": child.date_of_birth if child else dt.date(2015, 3, 1) + dt.timedelta(days=line),
        "admission_date": dt.date(2025, 9, 3),
    }
    fields.update(overrides)
    return PupilRow(**fields)


def _load(school: School, as_of: dt.date, rows: list[PupilRow]) -> RollLoaded:
    return roll_load(school=school, as_of=as_of, rows=rows, source="csv")


@pytest.mark.django_db
def test_first_load_creates_children_and_opens_spells_in_bulk(council, frozen_clock, school):
    rows = [_row(n) for n in range(2, 42)]
    with CaptureQueriesContext(connection) as few:
        loaded = _load(school, AS_OF, rows)
    assert len(loaded.joined) == 40
    assert Child.objects.count() == 40
    assert RollEntry.objects.filter(school=school, on_roll_to__isnull=True, source="roll:csv").count() == 40
    snapshot = RollSnapshot.objects.get()
    assert (snapshot.pupils, snapshot.joiners, snapshot.leavers, snapshot.new_children) == (40, 40, 0, 40)
    more = [_row(n) for n in range(2, 402)]
    other = factories.SchoolFactory.create(name="Fellside School")
    with CaptureQueriesContext(connection) as many:
        _load(other, AS_OF, more)
    # Ten times the pupils, not ten times the queries.
    assert len(many.captured_queries) < 3 * len(few.captured_queries)


@pytest.mark.django_db
def test_the_same_snapshot_twice_changes_nothing_and_says_unchanged(council, frozen_clock, school):
    rows = [_row(n) for n in range(2, 12)]
    _load(school, AS_OF, rows)
    again = _load(school, AS_OF, list(reversed(rows)))
    assert again.unchanged
    assert RollSnapshot.objects.count() == 1
    assert RollEntry.objects.count() == 10


@pytest.mark.django_db
def test_an_older_snapshot_is_refused_and_nothing_changes(council, frozen_clock, school):
    _load(school, AS_OF, [_row(2)])
    with pytest.raises(RollRefused, match="before the roll already loaded for 16 November 2026"):
        _load(school, AS_OF - dt.timedelta(days=1), [_row(3)])
    assert Child.objects.count() == 1


@pytest.mark.django_db
def test_leavers_close_their_spells_and_a_leaver_without_notice_is_asked_for(
    council, frozen_clock, school, school_user
):
    rows = [_row(n) for n in range(2, 6)]
    _load(school, AS_OF, rows)
    children = {row.line: Child.objects.get(upn=row.upn) for row in rows}
    # Line 2 absent; line 3 leaves with a date; line 4 has a deletion return; line 5 stays.
    factories.RemovalNoticeFactory.create(child=children[4], school=school, removal_date=NEXT_DAY)
    next_rows = [_row(3, leaving_date=NEXT_DAY), _row(5)]
    loaded = _load(school, NEXT_DAY, next_rows)
    assert sorted(loaded.left) == sorted(children[n].pk for n in (2, 3, 4))
    assert RollEntry.objects.get(child=children[3]).on_roll_to == NEXT_DAY
    assert RollEntry.objects.get(child=children[2]).on_roll_to == NEXT_DAY
    assert RollEntry.objects.get(child=children[5]).on_roll_to is None
    missing = DeletionReturnMissing.objects.order_by("child_id")
    assert [m.child_id for m in missing] == [children[2].pk, children[3].pk]
    # Five school days from Tuesday 17 November 2026.
    assert {m.due for m in missing} == {dt.date(2026, 11, 24)}
    assert Event.objects.filter(verb="roll.left_without_notice").count() == 2
    assert school_user.messages.filter(subject__contains="Deletion returns missing: 2 pupils").exists()
    inclusion = Team.objects.get(kind="inclusion")
    assert (
        inclusion.memberships.get(role="officer")
        .user.messages.filter(subject__contains="no deletion return")
        .exists()
    )


@pytest.mark.django_db
def test_a_disagreeing_record_becomes_a_claim_never_a_silent_change(
    council, frozen_clock, school, school_user
):
    child = factories.ChildFactory.create(legal_forename="Amara", legal_surname="Haddad")
    rows = [_row(2, child, date_of_birth=child.date_of_birth - dt.timedelta(days=40))]
    loaded = _load(school, AS_OF, rows)
    assert loaded.held == 1
    assert not loaded.joined
    child.refresh_from_db()
    assert child.legal_forename == "Amara"
    claim = SchoolReturn.objects.get(child=child)
    assert claim.status == "to_confirm"
    assert "The date of birth differs from the one on record" in claim.reasons
    assert claim.sent_by == school_user
    # The next day's roll with the same pupil adds no second claim.
    _load(school, NEXT_DAY, rows)
    assert SchoolReturn.objects.filter(child=child).count() == 1


@pytest.mark.django_db
def test_a_pupil_already_on_the_roll_whose_record_changed_since_becomes_a_claim(
    council, frozen_clock, school, school_user
):
    # Found through the school's open spells, not a lookup by UPN: the same checks apply.
    rows = [_row(2), _row(3)]
    _load(school, AS_OF, rows)
    child = Child.objects.get(upn=rows[0].upn)
    Child.objects.filter(pk=child.pk).update(date_of_birth=rows[0].date_of_birth - dt.timedelta(days=400))
    loaded = _load(school, NEXT_DAY, rows)
    assert loaded.held == 1
    assert 2 not in loaded.children
    assert 3 in loaded.children
    assert SchoolReturn.objects.get(child=child).status == "to_confirm"
    assert RollEntry.objects.get(child=child).on_roll_to is None  # kept as the roll held it


@pytest.mark.django_db
def test_a_pupil_on_the_roll_whose_record_was_merged_away_is_matched_to_the_surviving_record(
    council, frozen_clock, school
):
    rows = [_row(2)]
    _load(school, AS_OF, rows)
    merged = Child.objects.get(upn=rows[0].upn)
    survivor = factories.ChildFactory.create(
        legal_forename=merged.legal_forename,
        legal_surname=merged.legal_surname,
        date_of_birth=merged.date_of_birth,
        upn=None,
    )
    Child.objects.filter(pk=merged.pk).update(merged_into=survivor)
    loaded = _load(school, NEXT_DAY, rows)
    assert loaded.children == {2: survivor.pk}
    assert loaded.joined == [survivor.pk]
    assert loaded.left == [merged.pk]


@pytest.mark.django_db
def test_a_pupil_without_upn_matches_by_date_of_birth_and_a_tolerant_name(council, frozen_clock, school):
    child = factories.ChildFactory.create(legal_forename="Zofia", legal_surname="Kowalski", upn=None)
    loaded = _load(school, AS_OF, [_row(2, child, upn=None, forename="zofia", surname="Kowalksi")])
    assert loaded.joined == [child.pk]
    assert Child.objects.count() == 1


@pytest.mark.django_db
def test_a_joiner_the_council_expected_closes_the_cme_case_else_it_waits_to_confirm(
    council, frozen_clock, school
):
    expected, unexpected = factories.ChildFactory.create(), factories.ChildFactory.create()
    old_school = factories.SchoolFactory.create(name="Fellside School")
    factories.RemovalNoticeFactory.create(child=expected, school=old_school, destination_school=school)
    team = Team.objects.get(kind="inclusion")
    case_open(child=expected, kind="cme", team=team, source="referral")
    case_open(child=unexpected, kind="cme", team=team, source="referral")
    loaded = _load(school, AS_OF, [_row(2, expected), _row(3, unexpected)])
    assert (loaded.cases_closed, loaded.cases_to_confirm) == (1, 1)
    assert Case.objects.get(child=expected).outcome == "on_roll"
    assert Case.objects.get(child=unexpected).status == "on_roll_to_confirm"
    assert RollEntry.objects.filter(school=school, on_roll_to__isnull=True).count() == 2


@pytest.mark.django_db
def test_two_rows_for_one_child_are_refused_with_their_lines(council, frozen_clock, school):
    child = factories.ChildFactory.create(upn=None, legal_forename="Kai", legal_surname="Nowak")
    rows = [_row(2, child, upn=None), _row(3, child, upn=None, forename="KAI")]
    with pytest.raises(RollFileError, match="line 3: upn: the same child as line 2"):
        _load(school, AS_OF, rows)
    assert not RollEntry.objects.exists()
    assert not RollSnapshot.objects.exists()


@pytest.mark.django_db
def test_a_pupil_on_two_rolls_leaving_one_stays_on_the_other(council, frozen_clock, school):
    other = factories.SchoolFactory.create(name="Fellside School")
    row = _row(2)
    _load(school, AS_OF, [row])
    _load(other, AS_OF, [row])
    _load(school, NEXT_DAY, [])
    child = Child.objects.get()
    assert RollEntry.objects.filter(child=child, on_roll_to__isnull=True).get().school == other


@pytest.mark.django_db
def test_a_sibling_born_the_same_day_with_another_upn_is_a_new_child_not_a_claim(
    council, frozen_clock, school
):
    twin = factories.ChildFactory.create(legal_forename="Amara", legal_surname="Haddad")
    loaded = _load(school, AS_OF, [_row(2, twin, forename="Idris", upn=make_upn("990", "3001", 20, 99))])
    assert loaded.held == 0
    assert len(loaded.joined) == 1
    assert loaded.joined != [twin.pk]
    assert not SchoolReturn.objects.exists()


@pytest.mark.django_db
def test_a_look_alike_without_a_upn_waits_for_an_officer(council, frozen_clock, school, school_user):
    known = factories.ChildFactory.create(legal_forename="Amara", legal_surname="Haddad")
    loaded = _load(school, AS_OF, [_row(2, known, forename="Idris", upn=None)])
    # Nobody matches exactly: a new record, with the look-alike offered to an officer as a duplicate.
    assert len(loaded.joined) == 1
    assert loaded.joined != [known.pk]
    assert SchoolReturn.objects.filter(school=school).count() == 1


HELD_NAMES = [
    ("Amelia", "Hartley"), ("Zoë", "Brontë"), ("Sean", "O'Neill"), ("Kai", "Smith-Jones"),
    ("Aoife", "Ó Briain"), ("Ana", "de la Cruz"), ("Paul", "St. John"), ("Lan", "Nguyễn"),
    ("Jonas", "MÜLLER"), ("Zofia", "Kowalski"), ("Priya", "D'Souza"), ("Callum", "MACLEAN"),
    ("Wei", "Li"), ("Conor", "O\u2019Brien"), ("Amy", "Hartley (Smith)"),
]  # fmt: skip
# Each agrees with one held child: a slip at either end, a swap, case, accents and punctuation.
SENT_NAMES = [
    ("Amelia", "Bartley"), ("Amelia", "hartlye"), ("Zoe", "Bronte"), ("Hartley", "Amelia"),
    ("Sean", "Neill"), ("Kai", "smith jones"), ("Aoife", "O Briain"), ("Ana", "Delacruz"),
    ("Paul", "St John"), ("Lan", "Nguyen"), ("Jonas", "Muller"), ("Zofia", "Kowalksi"),
    ("Priya", "Dsouzs"), ("Callum", "Maclean"), ("Li", "Wei"), ("Conor", "OBrien"),
    ("Amy", "Hartley Smith"),
]  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("forename", "surname"), SENT_NAMES)
def test_narrowing_by_name_in_the_database_finds_every_child_the_names_could_match(forename, surname):
    """The engine narrows the children born on a pupil's birthday in SQL (could_be_the_pupil):
    it must find every child whose name agrees or who shares the surname, whatever the letters."""
    from rollcall.rolls.services import _children_born, _children_by_dob
    from rollcall.rules.identity import names_agree, normalise_name

    born = dt.date(2016, 2, 29)
    for held_forename, held_surname in HELD_NAMES:
        factories.ChildFactory.create(
            legal_forename=held_forename, legal_surname=held_surname, date_of_birth=born, upn=None
        )
    row = _row(2, upn=None, forename=forename, surname=surname, date_of_birth=born)

    def could_match(found: dict[dt.date, Any]) -> set[int]:
        return {
            held.pk
            for held in found.get(born, [])
            if names_agree(forename, surname, held.forename, held.surname)
            or normalise_name(held.surname) == normalise_name(surname)
        }

    everyone = could_match(_children_born([born]))
    assert everyone
    assert could_match(_children_by_dob([row])) == everyone


@pytest.mark.django_db(transaction=True)
def test_after_a_load_commits_the_planner_statistics_are_refreshed_outside_the_transaction(
    council, frozen_clock, school, monkeypatch: pytest.MonkeyPatch
):
    calls: list[tuple[bool, int, tuple[str, ...]]] = []

    def refresh(*models: Any) -> list[str]:
        tables = tuple(model._meta.db_table for model in models)
        calls.append((connection.in_atomic_block, Child.objects.count(), tables))
        return []

    monkeypatch.setattr("rollcall.rolls.services.refresh_statistics", refresh)
    _load(school, AS_OF, [_row(n) for n in range(2, 12)])
    # Once, after the children were committed, for the tables the engine searches.
    assert calls == [(False, 10, ("people_child", "schools_rollentry", "rolls_pupilcharacteristics"))]
    _load(school, AS_OF, [_row(n) for n in range(2, 12)])  # unchanged: nothing written
    assert len(calls) == 1
