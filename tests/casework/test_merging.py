"""Merging two records of one child, undoing it, and "not the same child" (issue 11).

The merge and undo tests count the rows of every table in the project before, after the merge
and after the undo, and the rows of every table that point at each of the two children, so a
table that a merge forgets (or an undo leaves behind) fails here.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.apps import apps
from django.db import IntegrityError, transaction

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.attendance.models import PupilMarks
from rollcall.audit.services import record_view
from rollcall.casework import events
from rollcall.casework.access import children_visible_to, duplicates_visible_to, merged_child_redirect
from rollcall.casework.identity import child_match_or_create
from rollcall.casework.merging import (
    MergeRefused,
    child_pointers,
    children_merge,
    children_merge_undo,
    duplicate_dismiss,
    merge_plan,
)
from rollcall.casework.models import ChildMerge, Event, Flag
from rollcall.casework.services import case_open, flag_raise
from rollcall.health.models import HealthReport
from rollcall.people.matching import child_match
from rollcall.people.models import Carer, Child, PossibleDuplicate
from rollcall.rules.workflow import Role
from rollcall.schools.models import RemovalNotice, RollEntry, School
from tests import factories

pytestmark = pytest.mark.usefixtures("council", "frozen_clock")


# ---- counting -----------------------------------------------------------------------------------


def table_counts() -> Counter[str]:
    """Rows in every table of every installed app (history tables, auth and the task queue too)."""
    return Counter(
        {
            model._meta.label: model._base_manager.count()
            for model in apps.get_models(include_auto_created=True)
        }
    )


def pointing_at(child: Child) -> Counter[str]:
    """Rows of every table and field that point at this child, pairs of possible duplicates too."""
    counts: Counter[str] = Counter()
    for model, field in child_pointers():
        counts[f"{model._meta.label}.{field}"] = model._base_manager.filter(**{field: child.pk}).count()
    for end in ("child", "other"):
        counts[f"people.PossibleDuplicate.{end}"] = PossibleDuplicate.objects.filter(**{end: child}).count()
    return +counts  # drop zeros


def changed(after: Counter[str], before: Counter[str]) -> dict[str, int]:
    return {label: after[label] - before[label] for label in after | before if after[label] != before[label]}


# ---- a pair of records with something in every area ---------------------------------------------


@pytest.fixture
def admin() -> User:
    return factories.administrator(username="council.admin")


@pytest.fixture
def school() -> School:
    return factories.SchoolFactory.create(name="Moorside Academy")


def _fill(child: Child, *, school: School, inclusion: Team, kind: str, officer: User) -> dict[str, Any]:
    """Give a child a bit of everything: address, carer, roll, case with tasks and events, flags,
    attendance, a health report, a removal notice and a logged view."""
    address = factories.AddressFactory.create(child=child)
    factories.CarerFactory.create(child=child)
    roll = factories.RollEntryFactory.create(child=child, school=school)
    case = case_open(child=child, kind=kind, team=inclusion, source="referral")
    flag_raise(case=case, code=Flag.Code.MISSING_EDUCATION, details="not seen")
    flag = Flag.objects.create(child=child, code=Flag.Code.PERSISTENT_ABSENCE, raised_at=clock.now())
    marks = PupilMarks.objects.create(
        child=child, school=school, academic_year=2026, marks="//", updated_at=clock.now()
    )
    HealthReport.objects.create(
        child=child,
        school=school,
        reported_by=officer,
        reported_at=clock.now(),
        first_day_absent=dt.date(2026, 11, 2),
        days_so_far=8,
        pattern=HealthReport.Pattern.CONSECUTIVE,
        medical_evidence="no",
    )
    RemovalNotice.objects.create(
        school=school,
        child=child,
        submitted_by=officer,
        received_at=clock.now(),
        removal_date=dt.date(2026, 11, 13),
    )
    record_view(user=officer, child=child, what="Child record", path=f"/children/{child.pk}/")
    return {"address": address, "roll": roll, "case": case, "flag": flag, "marks": marks}


@pytest.fixture
def pair(school: School, inclusion: Team, inclusion_officer: User) -> dict[str, Any]:
    """Two records of one child: the older without a UPN, the newer (from a school's return) with one;
    both current at the same address history, school roll, persistent-absence flag and marks."""
    survivor = factories.ChildFactory.create(
        legal_forename="Amara", legal_surname="Okafor", date_of_birth=dt.date(2015, 3, 1), upn=None
    )
    absorbed = factories.ChildFactory.create(
        legal_forename="Amarah", legal_surname="Okafor", date_of_birth=dt.date(2015, 3, 1)
    )
    kept = _fill(survivor, school=school, inclusion=inclusion, kind="cme", officer=inclusion_officer)
    moved = _fill(absorbed, school=school, inclusion=inclusion, kind="removal", officer=inclusion_officer)
    # Marks at a second school only the absorbed record has: these move.
    other_school = factories.SchoolFactory.create(name="Fenside Primary")
    PupilMarks.objects.create(
        child=absorbed, school=other_school, academic_year=2025, marks="/\\", updated_at=clock.now()
    )
    third = factories.ChildFactory.create()
    fourth = factories.ChildFactory.create()
    the_pair = PossibleDuplicate.objects.create(
        child=absorbed, other=survivor, reason="Same surname and birthday"
    )
    PossibleDuplicate.objects.create(child=third, other=absorbed, reason="Same birthday")  # moves
    PossibleDuplicate.objects.create(child=survivor, other=fourth, reason="Same surname")
    PossibleDuplicate.objects.create(child=absorbed, other=fourth, reason="Same surname")  # stays
    return {
        "survivor": survivor,
        "absorbed": absorbed,
        "kept": kept,
        "moved": moved,
        "pair": the_pair,
        "third": third,
        "fourth": fourth,
        "upn": absorbed.upn,
    }


# ---- merge and undo ----------------------------------------------------------------------------


def test_a_merge_moves_every_row_of_every_table_and_undo_puts_every_row_back(
    pair: dict[str, Any], admin: User, frozen_clock: Any
) -> None:
    survivor, absorbed = pair["survivor"], pair["absorbed"]
    before = table_counts()
    survivor_before, absorbed_before = pointing_at(survivor), pointing_at(absorbed)
    # Every area has rows on the absorbed record before the merge (so the test can fail).
    for label in (
        "people.Address.child",
        "people.Carer.child",
        "schools.RollEntry.child",
        "schools.RemovalNotice.child",
        "casework.Case.child",
        "casework.Event.child",
        "casework.Flag.child",
        "attendance.PupilMarks.child",
        "health.HealthReport.child",
        "audit.RecordView.child",
    ):
        assert absorbed_before[label] > 0, label

    merge = children_merge(
        survivor=survivor, absorbed=absorbed, actor=admin, reason="Same child: school typo"
    )

    # Tables: only the merge record, its timeline event and the two records' history grew.
    assert changed(table_counts(), before) == {
        "casework.ChildMerge": 1,
        "casework.Event": 1,
        "people.HistoricalChild": 2,
    }
    # The absorbed record keeps only what could not move: the marks for the school and year the
    # survivor already has, the pair with a child the survivor is already paired with, and the
    # merged pair itself (now "same child").
    assert pointing_at(absorbed) == Counter(
        {"attendance.PupilMarks.child": 1, "people.PossibleDuplicate.child": 2}
    )
    expected = survivor_before + absorbed_before
    expected["casework.Event.child"] += 1  # the merge on the timeline
    expected["attendance.PupilMarks.child"] -= 1
    expected["people.PossibleDuplicate.child"] -= 2  # the merged pair itself and the pair left behind
    expected["people.Child.merged_into"] += 1  # the absorbed record now leads here
    assert pointing_at(survivor) == +expected

    absorbed.refresh_from_db()
    survivor.refresh_from_db()
    assert absorbed.merged_into == survivor
    assert (survivor.upn, absorbed.upn) == (pair["upn"], None)  # the survivor had no UPN
    moved = pair["moved"]
    for row, column in ((moved["address"], "moved_out"), (moved["roll"], "on_roll_to")):
        row.refresh_from_db()
        assert getattr(row, column) == clock.today()
    moved["flag"].refresh_from_db()
    assert moved["flag"].cleared_at == clock.now()
    pair["pair"].refresh_from_db()
    assert pair["pair"].status == PossibleDuplicate.Status.SAME_CHILD
    assert pair["pair"].reviewed_by == admin
    event = Event.objects.get(verb=events.CHILD_MERGED)
    assert event.child == survivor
    assert event.actor == admin
    assert event.payload["reason"] == "Same child: school typo"
    assert event.payload["moved"]["roll entries"] == 1
    assert "Same child: school typo" in events.event_text(event)
    history = survivor.history.first()
    assert history is not None
    assert history.history_user == admin
    absorbed_history = absorbed.history.first()
    assert absorbed_history is not None
    assert absorbed_history.history_user == admin
    assert absorbed_history.merged_into_id == survivor.pk

    frozen_clock.shift(dt.timedelta(days=29))
    children_merge_undo(merge=merge, actor=admin, reason="They are twins after all")

    assert changed(table_counts(), before) == {
        "casework.ChildMerge": 1,
        "casework.Event": 3,  # the merge, and the undo on both timelines
        "people.HistoricalChild": 4,
    }
    survivor_after = survivor_before.copy()
    survivor_after["casework.Event.child"] += 2
    absorbed_after = absorbed_before.copy()
    absorbed_after["casework.Event.child"] += 1
    assert pointing_at(survivor) == survivor_after
    assert pointing_at(absorbed) == absorbed_after
    absorbed.refresh_from_db()
    survivor.refresh_from_db()
    assert absorbed.merged_into is None
    assert (survivor.upn, absorbed.upn) == (None, pair["upn"])
    for row, column in (
        (moved["address"], "moved_out"),
        (moved["roll"], "on_roll_to"),
        (moved["flag"], "cleared_at"),
    ):
        row.refresh_from_db()
        assert getattr(row, column) is None
    pair["pair"].refresh_from_db()
    assert pair["pair"].status == PossibleDuplicate.Status.OPEN
    assert pair["pair"].reviewed_by is None
    merge.refresh_from_db()
    assert merge.undone_by == admin
    assert merge.undo_reason == "They are twins after all"


def test_the_merge_record_lists_exactly_which_rows_moved_and_the_absorbed_records_own_details(
    pair: dict[str, Any], admin: User
) -> None:
    survivor, absorbed = pair["survivor"], pair["absorbed"]
    roll_ids = list(RollEntry.objects.filter(child=absorbed).values_list("pk", flat=True))
    merge = children_merge(survivor=survivor, absorbed=absorbed, actor=admin, reason="Same child")
    rows = {(g["table"], g["field"]): g["pks"] for g in merge.moved["rows"]}
    assert rows[("schools.rollentry", "child")] == roll_ids
    assert merge.moved["absorbed"]["legal_forename"] == "Amarah"
    assert merge.moved["absorbed"]["upn"] == pair["upn"]
    assert merge.moved["child_fields"] == {"upn": pair["upn"]}
    assert {g["table"] for g in merge.moved["left"]} == {"attendance.pupilmarks", "people.possibleduplicate"}


def test_two_open_cases_of_one_kind_refuse_the_merge_and_change_nothing(admin: User, inclusion: Team) -> None:
    first, second = factories.ChildFactory.create_batch(2)
    for child in (first, second):
        case_open(child=child, kind="cme", team=inclusion, source="referral")
    before = table_counts()
    with pytest.raises(MergeRefused, match="open case of the same kind"):
        children_merge(survivor=first, absorbed=second, actor=admin, reason="Same child")
    assert changed(table_counts(), before) == {}
    assert merge_plan(survivor=first, absorbed=second).refusals


def test_a_merge_needs_a_reason_and_two_different_records_not_already_merged(
    pair: dict[str, Any], admin: User
) -> None:
    survivor, absorbed = pair["survivor"], pair["absorbed"]
    with pytest.raises(MergeRefused, match="Enter why"):
        children_merge(survivor=survivor, absorbed=absorbed, actor=admin, reason="   ")
    with pytest.raises(MergeRefused, match="two different"):
        children_merge(survivor=survivor, absorbed=survivor, actor=admin, reason="x")
    children_merge(survivor=survivor, absorbed=absorbed, actor=admin, reason="Same child")
    with pytest.raises(MergeRefused):
        children_merge(survivor=pair["third"], absorbed=absorbed, actor=admin, reason="Same child")


def test_a_second_merge_takes_the_records_merged_before_with_it_and_undo_gives_them_back(admin: User) -> None:
    first, second, third = factories.ChildFactory.create_batch(3)
    children_merge(survivor=second, absorbed=third, actor=admin, reason="Same child")
    later = children_merge(survivor=first, absorbed=second, actor=admin, reason="Same child again")
    third.refresh_from_db()
    assert third.merged_into == first  # one step from any old record to the child
    children_merge_undo(merge=later, actor=admin, reason="Wrong pair")
    third.refresh_from_db()
    assert third.merged_into == second


# ---- undo refusals ---------------------------------------------------------------------------------


def test_undo_is_refused_after_the_undo_window(
    pair: dict[str, Any], admin: User, frozen_clock: Any, settings: Any
) -> None:
    settings.CHILD_MERGE_UNDO_DAYS = 30
    merge = children_merge(survivor=pair["survivor"], absorbed=pair["absorbed"], actor=admin, reason="Same")
    frozen_clock.shift(dt.timedelta(days=30, minutes=1))
    before = table_counts()
    with pytest.raises(MergeRefused, match="30 days only"):
        children_merge_undo(merge=merge, actor=admin, reason="Too late")
    assert changed(table_counts(), before) == {}


def test_undo_is_refused_when_a_moved_row_has_since_been_deleted(pair: dict[str, Any], admin: User) -> None:
    merge = children_merge(survivor=pair["survivor"], absorbed=pair["absorbed"], actor=admin, reason="Same")
    moved_carer = merge.moved["rows"]
    carer_pk = next(g["pks"][0] for g in moved_carer if g["table"] == "people.carer")
    Carer.objects.filter(pk=carer_pk).delete()
    with pytest.raises(MergeRefused, match="1 of the 1 carers it moved have since been deleted"):
        children_merge_undo(merge=merge, actor=admin, reason="Undo")
    pair["absorbed"].refresh_from_db()
    assert pair["absorbed"].merged_into == pair["survivor"]


def test_undo_is_refused_when_the_survivor_was_merged_again(pair: dict[str, Any], admin: User) -> None:
    first = children_merge(survivor=pair["survivor"], absorbed=pair["absorbed"], actor=admin, reason="Same")
    children_merge(survivor=pair["third"], absorbed=pair["survivor"], actor=admin, reason="Same again")
    with pytest.raises(MergeRefused, match="undo that merge first"):
        children_merge_undo(merge=first, actor=admin, reason="Undo")


def test_undo_is_refused_when_putting_a_row_back_would_now_break_a_rule(admin: User, inclusion: Team) -> None:
    survivor = factories.ChildFactory.create(upn=None)
    absorbed = factories.ChildFactory.create()
    case = case_open(child=absorbed, kind="cme", team=inclusion, source="referral")
    merge = children_merge(survivor=survivor, absorbed=absorbed, actor=admin, reason="Same")
    upn = merge.moved["child_fields"]["upn"]
    # While merged, the UPN the survivor took over is corrected onto a third record.
    Child.objects.filter(pk=survivor.pk).update(upn=None)
    factories.ChildFactory.create(upn=upn)
    with pytest.raises(MergeRefused, match="now held by another record"):
        children_merge_undo(merge=merge, actor=admin, reason="Undo")
    case.refresh_from_db()
    assert case.child_id == survivor.pk


# ---- who may merge ---------------------------------------------------------------------------------


def test_only_administrators_and_managers_who_see_both_records_may_merge(
    inclusion: Team, inclusion_officer: User, inclusion_manager: User, head_of_service: User
) -> None:
    seen, unseen = factories.ChildFactory.create_batch(2)
    case_open(child=seen, kind="cme", team=inclusion, source="referral")
    other_seen = factories.ChildFactory.create()
    case_open(child=other_seen, kind="removal", team=inclusion, source="referral")
    for person in (inclusion_officer, head_of_service):
        with pytest.raises(MergeRefused, match="Only an administrator"):
            children_merge(survivor=seen, absorbed=other_seen, actor=person, reason="Same")
    with pytest.raises(MergeRefused, match="Only an administrator"):
        children_merge(survivor=seen, absorbed=unseen, actor=inclusion_manager, reason="Same")
    children_merge(survivor=seen, absorbed=other_seen, actor=inclusion_manager, reason="Same")
    assert Child.objects.get(pk=other_seen.pk).merged_into_id == seen.pk


def test_a_merged_record_leaves_every_list_and_its_links_lead_to_the_survivor(
    pair: dict[str, Any], admin: User
) -> None:
    elsewhere = factories.school_user(factories.SchoolFactory.create(name="Hillcrest School"))
    survivor, absorbed = pair["survivor"], pair["absorbed"]
    children_merge(survivor=survivor, absorbed=absorbed, actor=admin, reason="Same")
    assert not children_visible_to(admin).filter(pk=absorbed.pk).exists()
    assert merged_child_redirect(admin, absorbed.pk) == survivor.pk
    assert merged_child_redirect(admin, survivor.pk) is None
    # A school that cannot see the survivor is not told where the record went.
    assert merged_child_redirect(elsewhere, absorbed.pk) is None
    assert not duplicates_visible_to(admin).filter(pk=pair["pair"].pk).exists()


# ---- matching after a decision ------------------------------------------------------------------


def test_matching_follows_a_merge_and_never_offers_a_merged_record(admin: User) -> None:
    survivor = factories.ChildFactory.create(
        legal_forename="Sam", legal_surname="Reyes", date_of_birth=dt.date(2016, 1, 5)
    )
    absorbed = factories.ChildFactory.create(
        legal_forename="Samuel", legal_surname="Reyes", date_of_birth=dt.date(2016, 1, 5)
    )
    children_merge(survivor=survivor, absorbed=absorbed, actor=admin, reason="Same")
    by_old_upn = child_match(upn=absorbed.upn, forename="x", surname="y", date_of_birth=dt.date(2016, 1, 5))
    assert by_old_upn.child == survivor
    by_name = child_match(upn=None, forename="Samuel", surname="Reyes", date_of_birth=dt.date(2016, 1, 5))
    assert by_name.child is None
    assert by_name.candidates == [survivor]


def test_not_the_same_child_is_remembered_both_ways_round(admin: User) -> None:
    older = factories.ChildFactory.create(
        legal_forename="Ola", legal_surname="Berg", date_of_birth=dt.date(2017, 2, 2)
    )
    child, _match, created = child_match_or_create(
        upn=None, forename="Olla", surname="Berg", date_of_birth=dt.date(2017, 2, 2), actor=admin
    )
    assert created
    found = PossibleDuplicate.objects.get(child=child, other=older)
    duplicate_dismiss(pair=found, actor=admin, reason="Different parents")
    found.refresh_from_db()
    assert found.status == PossibleDuplicate.Status.NOT_DUPLICATE
    assert found.reviewed_by == admin
    assert Event.objects.filter(verb=events.DUPLICATE_DISMISSED, child__in=[child, older]).count() == 2
    assert not duplicates_visible_to(admin).exists()
    # Neither order can be recorded again: not by matching, not by the database.
    from rollcall.people.matching import duplicates_record

    assert duplicates_record(older, [(child, "again")]) == []
    assert duplicates_record(child, [(older, "again")]) == []
    with pytest.raises(IntegrityError), transaction.atomic():
        PossibleDuplicate.objects.create(child=older, other=child, reason="again")
    with pytest.raises(MergeRefused, match="already decided"):
        duplicate_dismiss(pair=found, actor=admin, reason="twice")


def test_a_dismissal_needs_a_reviewer_who_sees_both_records_and_a_reason(
    inclusion_officer: User, inclusion_manager: User, admin: User
) -> None:
    first, second = factories.ChildFactory.create_batch(2)
    found = PossibleDuplicate.objects.create(child=first, other=second, reason="Same birthday")
    with pytest.raises(MergeRefused, match="Only an administrator"):
        duplicate_dismiss(pair=found, actor=inclusion_officer, reason="No")
    with pytest.raises(MergeRefused, match="Only an administrator"):
        duplicate_dismiss(pair=found, actor=inclusion_manager, reason="No")
    with pytest.raises(MergeRefused, match="Enter why"):
        duplicate_dismiss(pair=found, actor=admin, reason="")
    assert PossibleDuplicate.objects.get(pk=found.pk).status == PossibleDuplicate.Status.OPEN


def test_every_table_that_points_at_a_child_is_moved_except_history_and_merge_records() -> None:
    labels = {f"{model._meta.label}.{field}" for model, field in child_pointers()}
    # Hidden relations (related_name="+") are found too.
    assert {"audit.RecordView.child", "health.ProvisionReferral.child", "people.Child.merged_into"} <= labels
    assert not any("Historical" in label for label in labels)
    assert not any(label.startswith(("casework.ChildMerge", "people.PossibleDuplicate")) for label in labels)


def test_a_manager_only_undoes_a_merge_of_a_record_they_see(
    inclusion: Team, inclusion_manager: User, admin: User, teams: dict[str, Team], admissions_officer: User
) -> None:
    survivor, absorbed = factories.ChildFactory.create_batch(2)
    case_open(child=survivor, kind="admission", team=teams[Team.Kind.ADMISSIONS], source="application")
    merge = children_merge(survivor=survivor, absorbed=absorbed, actor=admin, reason="Same")
    with pytest.raises(MergeRefused, match="Only an administrator"):
        children_merge_undo(merge=merge, actor=inclusion_manager, reason="Undo")
    assert ChildMerge.objects.get(pk=merge.pk).undone_at is None
    assert Role.MANAGER in inclusion_manager.roles_in(inclusion)
