"""A school's removal notice: matched to a child, checked against reg. 9, and never lost."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from rollcall.accounts.models import User
from rollcall.casework import events
from rollcall.casework.models import Case, Event, Flag, Task
from rollcall.casework.services import CaseworkError
from rollcall.notify.models import Message
from rollcall.people.models import Address, Child, PossibleDuplicate
from rollcall.returns.claims import Pupil
from rollcall.returns.models import SchoolReturn
from rollcall.returns.removals import Removal, removal_notify
from rollcall.rules.upn import make_upn
from rollcall.schools.models import RemovalNotice, RollEntry, School
from tests import factories

TODAY = dt.date(2026, 11, 16)
NEW_UPN = make_upn("990", "3001", 26, 7)


@pytest.fixture
def on_roll(school: School) -> RollEntry:
    """Kai Brennan, on Moorside Academy's roll since September 2024."""
    child = factories.ChildFactory.create(
        legal_forename="Kai", legal_surname="Brennan", date_of_birth=dt.date(2014, 3, 9), upn=NEW_UPN
    )
    return factories.RollEntryFactory.create(child=child, school=school)


def _pupil(**overrides: Any) -> Pupil:
    fields: dict[str, Any] = {
        "forename": "Kai",
        "surname": "Brennan",
        "date_of_birth": dt.date(2014, 3, 9),
        "upn": NEW_UPN,
        "address_line_1": "4 Quarry Lane",
        "town": "Northmoor",
        "postcode": "NM4 2QL",
    }
    fields.update(overrides)
    return Pupil(**fields)


def _notify(school: School, actor: User, removal: Removal, pupil: Pupil | None = None, key: str = "") -> Any:
    """The notice recorded (None while the return waits for an officer) and whether it was new."""
    received = removal_notify(
        school=school, actor=actor, pupil=pupil or _pupil(), removal=removal, idempotency_key=key
    )
    return received.school_return.removal_notice, received.created


def _counts() -> dict[str, int]:
    return {
        "notices": RemovalNotice.objects.count(),
        "children": Child.objects.count(),
        "addresses": Address.objects.count(),
        "cases": Case.objects.count(),
        "tasks": Task.objects.count(),
        "events": Event.objects.count(),
        "messages": Message.objects.count(),
        "flags": Flag.objects.count(),
        "duplicates": PossibleDuplicate.objects.count(),
    }


@pytest.mark.django_db
def test_a_removal_with_no_destination_opens_a_cme_case_and_tells_the_team(
    council, frozen_clock, school, school_user, on_roll, inclusion_officer, inclusion_manager
):
    notice, created = _notify(
        school, school_user, Removal(removal_date=TODAY, ground="g", reason_details="Family moved away")
    )

    assert created
    assert notice.opens_cme_case
    assert not notice.possibly_unlawful
    case = Case.objects.get(child=on_roll.child)
    assert (case.kind, case.status, case.owner) == ("cme", "new", inclusion_officer)
    assert case.removal_notice == notice
    assert case.source == "removal notice from Moorside Academy"
    assert "The school says: Family moved away" in case.summary
    inbox = Message.objects.filter(key__startswith=f"case-opened:{case.pk}:")
    assert {m.recipient for m in inbox} == {inclusion_officer, inclusion_manager}
    assert Event.objects.filter(child=on_roll.child, verb=events.REMOVAL_NOTIFIED).count() == 1
    on_roll.refresh_from_db()
    assert (on_roll.on_roll_to, on_roll.leaving_ground, on_roll.destination_school) == (TODAY, "g", None)
    assert not Flag.objects.exists()


@pytest.mark.django_db
def test_a_lawful_removal_to_a_known_school_opens_no_case_and_closes_the_roll_entry(
    council, frozen_clock, school, school_user, on_roll
):
    fellside = factories.SchoolFactory.create(name="Fellside School")

    notice, created = _notify(
        school,
        school_user,
        Removal(removal_date=TODAY, ground="a", destination_school=fellside, destination_start_date=TODAY),
    )

    assert created
    assert not notice.opens_cme_case
    assert not notice.possibly_unlawful
    assert notice.concerns == []
    assert notice.child == on_roll.child
    assert not Case.objects.exists()
    assert not Flag.objects.exists()
    on_roll.refresh_from_db()
    assert on_roll.on_roll_to == TODAY
    assert on_roll.leaving_ground == "a"
    assert on_roll.destination_school == fellside
    event = Event.objects.get(child=on_roll.child, verb=events.REMOVAL_NOTIFIED)
    assert event.payload["destination"] == "Fellside School"
    assert events.event_text(event) == (
        "Moorside Academy removed the pupil from its roll on 2026-11-16 on ground (a); "
        "destination Fellside School"
    )


@pytest.mark.django_db
def test_ground_i_after_twelve_days_with_no_destination_flags_and_challenges_on_the_cme_case(
    council, frozen_clock, school, school_user, on_roll, inclusion_officer
):
    notice, _ = _notify(
        school, school_user, Removal(removal_date=TODAY, ground="i", continuous_absence_school_days=12)
    )

    assert notice.possibly_unlawful
    assert notice.opens_cme_case
    assert any("the school reported 12" in c for c in notice.concerns)
    case = Case.objects.get(child=on_roll.child)
    assert case.kind == "cme"
    flag = Flag.objects.get(child=on_roll.child)
    assert (flag.code, flag.case, flag.cleared_at) == (Flag.Code.POSSIBLY_UNLAWFUL_REMOVAL, case, None)
    challenge = case.tasks.get(code="challenge_removal")
    assert challenge.key == f"challenge:{notice.pk}"
    assert challenge.assignee == inclusion_officer
    assert challenge.due == dt.date(2026, 11, 23)  # 5 school days
    assert Event.objects.filter(case=case, verb=events.FLAG_RAISED).count() == 1


@pytest.mark.django_db
def test_ground_i_with_a_known_destination_still_goes_to_a_cme_case_because_it_needs_the_council(
    council, frozen_clock, school, school_user, on_roll
):
    # Ground (i) needs the council's agreement (reg. 9(1)(i); rules.removal.assess_removal), so a
    # CME case opens even when the destination is known, and the challenge goes on it: there is
    # no separate removal case.
    notice, _ = _notify(
        school,
        school_user,
        Removal(
            removal_date=TODAY,
            ground="i",
            continuous_absence_school_days=12,
            destination_details="Staying with an aunt in Fellside",
        ),
    )

    assert notice.possibly_unlawful
    assert list(Case.objects.values_list("kind", flat=True)) == ["cme"]
    case = Case.objects.get()
    assert case.tasks.filter(code="challenge_removal").count() == 1
    assert Flag.objects.get().case == case


@pytest.mark.django_db
def test_a_removal_with_no_ground_to_a_known_school_opens_a_removal_case_with_a_flag(
    council, frozen_clock, school, school_user, on_roll, inclusion_officer
):
    fellside = factories.SchoolFactory.create(name="Fellside School")

    notice, _ = _notify(
        school,
        school_user,
        Removal(removal_date=TODAY, destination_school=fellside, destination_start_date=TODAY),
    )

    assert notice.possibly_unlawful
    assert not notice.opens_cme_case
    assert "No ground for removal was given" in notice.concerns
    case = Case.objects.get()
    assert (case.kind, case.owner, case.removal_notice) == ("removal", inclusion_officer, notice)
    assert case.source == "possibly unlawful removal by Moorside Academy"
    flag = Flag.objects.get()
    assert (flag.code, flag.case, flag.child) == (Flag.Code.POSSIBLY_UNLAWFUL_REMOVAL, case, on_roll.child)
    assert "No ground for removal was given" in flag.details
    assert list(case.tasks.values_list("code", "due")) == [("challenge_removal", dt.date(2026, 11, 23))]


@pytest.mark.django_db
def test_a_removal_with_no_ground_and_no_destination_is_flagged_on_the_cme_case(
    council, frozen_clock, school, school_user, on_roll
):
    notice, _ = _notify(school, school_user, Removal(removal_date=TODAY))

    assert notice.possibly_unlawful
    case = Case.objects.get()
    assert case.kind == "cme"
    assert Flag.objects.get().case == case
    assert case.tasks.filter(code="challenge_removal").count() == 1


@pytest.mark.django_db
def test_a_backdated_removal_is_flagged(council, frozen_clock, school, school_user, on_roll):
    notice, _ = _notify(school, school_user, Removal(removal_date=dt.date(2026, 11, 2), ground="g"))

    assert notice.possibly_unlawful
    assert any("backdated" in c for c in notice.concerns)
    assert Flag.objects.filter(code=Flag.Code.POSSIBLY_UNLAWFUL_REMOVAL).count() == 1


@pytest.mark.django_db
def test_the_same_idempotency_key_twice_records_one_notice(
    council, frozen_clock, school, school_user, on_roll
):
    first, created = _notify(school, school_user, Removal(removal_date=TODAY, ground="g"), key="mis-4411")
    before = _counts()

    again, created_again = _notify(
        school, school_user, Removal(removal_date=TODAY, ground="g"), key="mis-4411"
    )

    assert created
    assert not created_again
    assert again.pk == first.pk
    assert _counts() == before
    assert RemovalNotice.objects.count() == 1


@pytest.mark.django_db
def test_the_same_key_from_another_school_is_another_notice(
    council, frozen_clock, school, school_user, on_roll
):
    other_school = factories.SchoolFactory.create(name="Fellside School")
    other_user = factories.school_user(other_school, username="fellside.user")
    _notify(school, school_user, Removal(removal_date=TODAY, ground="g"), key="mis-1")

    notice, created = _notify(other_school, other_user, Removal(removal_date=TODAY, ground="g"), key="mis-1")

    # A new return, not the first school's replay; the pupil was never on Fellside's roll, so it
    # waits for an officer instead of recording a second notice.
    assert created
    assert notice is None
    assert SchoolReturn.objects.filter(
        school=other_school, idempotency_key="mis-1", status="to_confirm"
    ).exists()
    assert RemovalNotice.objects.count() == 1
    assert Case.objects.count() == 1


@pytest.mark.django_db
def test_a_notice_with_a_known_upn_and_agreeing_details_attaches_to_that_child(
    council, frozen_clock, school, school_user, on_roll
):
    children = Child.objects.count()

    notice, _ = _notify(
        school,
        school_user,
        Removal(removal_date=TODAY, ground="g"),
        pupil=_pupil(forename="kai", surname="Brenan", upn=NEW_UPN.lower()),  # one letter slipped
    )

    assert notice.child == on_roll.child
    assert Child.objects.count() == children
    assert not PossibleDuplicate.objects.exists()


@pytest.mark.django_db
def test_a_known_upn_with_another_date_of_birth_changes_nothing_and_waits_for_an_officer(
    council, frozen_clock, school, school_user, on_roll
):
    before = _counts()

    notice, created = _notify(
        school,
        school_user,
        Removal(removal_date=TODAY, ground="g"),
        pupil=_pupil(date_of_birth=dt.date(2014, 3, 10)),
    )

    assert (notice, created) == (None, True)
    on_roll.refresh_from_db()
    assert on_roll.on_roll_to is None
    claim = SchoolReturn.objects.get()
    assert (claim.status, claim.child, claim.reasons) == (
        "to_confirm",
        on_roll.child,
        ["The date of birth differs from the one on record"],
    )
    after = _counts()
    assert {k: after[k] - before[k] for k in after if after[k] != before[k]} == {"events": 1, "messages": 2}


@pytest.mark.django_db
def test_a_name_and_birthday_twin_at_another_postcode_is_a_new_child_and_a_possible_duplicate(
    council, frozen_clock, school, school_user
):
    known = factories.ChildFactory.create(
        legal_forename="Kai", legal_surname="Brennan", date_of_birth=dt.date(2014, 3, 9), upn=None
    )
    factories.AddressFactory.create(child=known, postcode="NM1 1AA")

    notice, _ = _notify(school, school_user, Removal(removal_date=TODAY, ground="g"), pupil=_pupil(upn=None))

    assert notice.child != known
    assert notice.child.full_name == "Kai Brennan"
    assert notice.child.addresses.get().postcode == "NM4 2QL"
    duplicate = PossibleDuplicate.objects.get()
    assert (duplicate.child, duplicate.other, duplicate.status) == (notice.child, known, "open")
    assert "postcode NM1 1AA differs" in duplicate.reason
    assert Event.objects.filter(child=notice.child, verb=events.CHILD_CREATED).count() == 1


@pytest.mark.django_db
def test_a_name_birthday_and_postcode_match_on_the_schools_roll_is_the_same_child(
    council, frozen_clock, school, school_user
):
    known = factories.ChildFactory.create(
        legal_forename="Kai", legal_surname="Brennan", date_of_birth=dt.date(2014, 3, 9), upn=None
    )
    factories.AddressFactory.create(child=known, postcode="NM4 2QL")
    factories.RollEntryFactory.create(child=known, school=school)

    notice, _ = _notify(
        school,
        school_user,
        Removal(removal_date=TODAY, ground="g"),
        pupil=_pupil(upn=None, forename=" kai ", postcode="nm42ql"),
    )

    assert notice.child == known
    assert not PossibleDuplicate.objects.exists()


@pytest.mark.django_db
def test_nothing_is_half_saved_when_the_inclusion_team_has_no_officer(
    terms, teams, frozen_clock, school, school_user
):
    before = _counts()

    with pytest.raises(CaseworkError, match="has nobody to own the case"):
        _notify(school, school_user, Removal(removal_date=TODAY, ground="g"), key="mis-9")

    assert _counts() == before
    assert not Child.objects.filter(upn=NEW_UPN).exists()
    assert not RemovalNotice.objects.filter(idempotency_key="mis-9").exists()


@pytest.mark.django_db
def test_a_failed_notice_leaves_the_roll_entry_open(terms, teams, frozen_clock, school, school_user, on_roll):
    with pytest.raises(CaseworkError):
        _notify(school, school_user, Removal(removal_date=TODAY, ground="g"))

    on_roll.refresh_from_db()
    assert on_roll.on_roll_to is None
    assert on_roll.leaving_ground == ""
