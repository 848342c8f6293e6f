"""The demo council loads both source plans as real records, transcribed faithfully.

The transcription is checked against the seed files themselves (``shared/seeds/``, beside the
repository): every word of every action, owner, time frame and update must be a word of the
source, and the dates and statuses the text gives are spot-checked.
"""

from __future__ import annotations

import datetime as dt
import random
import re
from pathlib import Path

import pytest

from rollcall.accounts.models import Team, User
from rollcall.actionplans import seeds
from rollcall.actionplans.demo import actionplans_demo
from rollcall.actionplans.models import Action, ActionUpdate, Complaint
from rollcall.policies.demo import demo_policies
from rollcall.rules.workflow import Role
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]
TODAY = dt.date(2026, 11, 16)
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
# Readings of the extracted text that are not its words (each is explained on the action's page).
READINGS = {"Monthly"}  # from "ivionimy"


def _source(plan: seeds.SeedPlan) -> str:
    path = SEEDS / plan.file
    if not path.exists():
        pytest.skip(f"{path} is not here (shared/ sits beside the repository)")
    return path.read_text(encoding="utf-8")


def _words(text: str) -> set[str]:
    return set(re.findall(r"[A-Za-z0-9]+", text))


def _flat(text: str) -> str:
    return " ".join(text.replace("*", "").split())


@pytest.fixture
def demo(teams: dict[str, Team], head_of_service: User) -> str:
    for username, kind in (
        ("access.manager", Team.Kind.ACCESS),
        ("sen.manager", Team.Kind.SEN),
        ("admissions.manager", Team.Kind.ADMISSIONS),
        ("inclusion.manager", Team.Kind.INCLUSION),
    ):
        factories.staff(Role.MANAGER, kind, username=username)
    demo_policies(rng=random.Random(1), today=TODAY)
    return actionplans_demo(today=TODAY)


def test_both_plans_load_with_every_action(demo: str) -> None:
    assert (
        demo
        == "Action plans: 22 014 644 (Croydon, 7 actions), 19017034 (Leicestershire, 12 actions); 6 actions overdue."
    )
    croydon = Complaint.objects.get(reference="22 014 644")
    leics = Complaint.objects.get(reference="19017034")
    assert croydon.actions.count() == 7
    assert leics.actions.count() == 12
    assert (croydon.council_named_in_source, leics.council_named_in_source) == ("Croydon", "Leicestershire")
    assert croydon.title == "Action plan following LGO decision - 22 014 644"
    assert leics.title == "Admissions and Inclusion Team LGSCO Action Plan 2020"
    assert len(croydon.finding_lines) == 4
    assert len(croydon.recommendation_lines) == 2
    assert croydon.approved_by.splitlines() == [
        "Director Education",
        "Head of Service for Special Educational Needs",
        "Head of Service for Access to Education",
    ]
    # Every update is kept as the source's, signed by nobody and marked as transcribed.
    assert not ActionUpdate.objects.filter(transcribed=False).exists()
    assert not ActionUpdate.objects.filter(author__isnull=False).exists()


def test_loading_again_changes_nothing(demo: str) -> None:
    before = (Action.objects.count(), ActionUpdate.objects.count())
    assert actionplans_demo(today=TODAY) == "Action plans: already loaded."
    assert (Action.objects.count(), ActionUpdate.objects.count()) == before


def test_every_transcribed_word_is_in_the_source_plan() -> None:
    for plan in seeds.PLANS:
        source = _words(_source(plan)) | READINGS
        texts = [
            plan.title,
            plan.reference,
            plan.summary,
            *plan.findings,
            *plan.recommendations,
            *plan.approved_by,
        ]
        for a in plan.actions:
            texts += [
                a.description,
                a.owner_title,
                a.time_frame,
                a.status_as_written,
                a.risk_rating_as_written,
            ]
            texts += [u.text for u in a.updates] + [u.date_as_written for u in a.updates]
        for text in texts:
            missing = _words(text) - source
            assert not missing, f"{plan.file}: {missing} in {text[:60]!r}"


def test_the_croydon_plan_is_word_for_word() -> None:
    source = _flat(_source(seeds.CROYDON))
    for a in seeds.CROYDON.actions:
        assert a.description in source, a.description[:50]
        for u in a.updates:
            assert u.text in source, u.text[:50]
    for line in (*seeds.CROYDON.findings, *seeds.CROYDON.recommendations):
        assert line in source, line[:50]


def test_the_dates_owners_and_statuses_are_the_ones_the_text_gives(demo: str) -> None:
    croydon = {a.number: a for a in Action.objects.filter(complaint__reference="22 014 644")}
    assert (croydon[1].owner_title, croydon[1].time_frame_as_written, croydon[1].due_on) == (
        "Head of Access to Education",
        "by 01.11.21",
        dt.date(2021, 11, 1),
    )
    assert croydon[2].owner_title == "SEND Strategy and Improvement Manager"
    assert croydon[2].due_on is None  # "immediately"
    assert croydon[5].due_on == dt.date(2021, 1, 1)  # "by 01.01.2021"
    assert croydon[6].owner_title == "Head of Access to Education/Head of SEN"
    assert croydon[6].due_on == dt.date(2021, 10, 31)
    assert {a.status for a in croydon.values()} == {"not_stated"}  # the Croydon plan gives no status
    uploaded = croydon[2].updates.get()
    assert (uploaded.text, uploaded.happened_on) == (
        "Policy was uploaded to the Local Offer site on 25.07.23.",
        dt.date(2023, 7, 25),
    )
    assert croydon[3].updates.get().happened_on == dt.date(2023, 8, 3)
    bulletins = croydon[4].updates.get()
    assert (bulletins.happened_on, bulletins.date_as_written) == (None, "November 2021")
    oversight = croydon[1].updates.get()
    assert oversight.happened_on is None
    assert oversight.date_label == "Date not given in the source plan"
    assert croydon[5].updates.get().text == ""  # the source gives no update

    leics = {a.number: a for a in Action.objects.filter(complaint__reference="19017034")}
    assert [leics[n].owner_title for n in range(1, 13)] == [
        "Admissions/Inclusion", "Admissions/Inclusion", "Admissions", "Admissions/Inclusion", "Admissions",
        "Admissions", "Inclusion", "Inclusion", "Inclusion", "Admissions/SEIPs", "Inclusion", "Admissions/Inclusion",
    ]  # fmt: skip
    assert [leics[n].time_frame_as_written for n in range(1, 13)] == [
        "Aug-20", "Aug-20", "Sep-20", "Sep-20", "Sep-20", "Sep-20", "Aug-20", "Dec-20", "March 2021", "Ssep 20",
        "Oct-20", "Completed prior to action plan",
    ]  # fmt: skip
    assert leics[1].due_on == dt.date(2020, 8, 31)
    assert leics[8].due_on == dt.date(2020, 12, 31)
    assert leics[9].due_on == dt.date(2021, 3, 31)
    assert leics[12].due_on is None
    assert [n for n, a in leics.items() if a.status != "complete"] == [9]
    assert leics[9].status == "in_progress"
    assert leics[9].status_as_written == "In progress - completion due end of Mar-21"
    training = leics[4].updates.get(happened_on__isnull=False)
    assert (training.text, training.happened_on) == (
        "All service training completed on 3rd February 2021",
        dt.date(2021, 2, 3),
    )
    assert leics[7].description.endswith(
        "via the inclusionpupilsupport@leics.gov.uk and where possible prior to removal from roll."
    )
    # No colour survived in either text, so nothing is rated.
    assert set(Action.objects.values_list("rag", flat=True)) == {""}


def test_the_demo_links_actions_to_roll_call_and_to_its_responsible_officers(demo: str) -> None:
    local_offer = Action.objects.get(complaint__reference="22 014 644", number=2)
    assert local_offer.feature == "published_policies"
    assert local_offer.policy is not None
    assert local_offer.policy.title == "Children unable to attend school because of health needs"
    assert local_offer.responsible is not None
    assert local_offer.responsible.username == "sen.manager"
    checkoff = Action.objects.get(complaint__reference="19017034", number=3)
    assert checkoff.feature == "checkoff"
    assert Action.objects.filter(responsible__isnull=True).count() == 0


def test_the_overdue_actions_are_the_unfinished_ones_whose_date_has_passed(demo: str) -> None:
    overdue = set(
        Action.objects.filter(due_on__lt=TODAY)
        .exclude(status="complete")
        .values_list("complaint__reference", "number")
    )
    assert overdue == {("22 014 644", n) for n in (1, 3, 4, 5, 6)} | {("19017034", 9)}
