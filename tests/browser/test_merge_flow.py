"""Resolving a possible duplicate in a real browser, with axe on every page (issue 11).

A new pupil return creates a second record for a child the council already knows under a
slightly different first name; the Inclusion team manager finds the pair in the queue, compares
the records, merges them with a reason, follows the old record's link to the survivor, and then
undoes the merge from the survivor's page.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from rollcall import clock
from rollcall.accounts.models import Team
from rollcall.casework.identity import child_match_or_create
from rollcall.casework.models import Case, ChildMerge
from rollcall.casework.services import case_open
from rollcall.people.models import Child, PossibleDuplicate
from rollcall.rules.workflow import Role
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import sign_in


@pytest.mark.django_db(transaction=True)
def test_a_team_manager_merges_a_duplicate_pair_and_undoes_it(
    live_server, page: Page, checker: Checker
) -> None:
    today = clock.today()
    for year in (today.year - 1, today.year):
        factories.academic_year_terms(year)
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    inclusion = Team.objects.get(kind=Team.Kind.INCLUSION)
    factories.staff(
        Role.OFFICER, Team.Kind.INCLUSION, username="inclusion.officer", password="correct-horse-battery"
    )
    factories.staff(
        Role.MANAGER, Team.Kind.INCLUSION, username="inclusion.manager", password="correct-horse-battery"
    )
    known = factories.ChildFactory.create(
        legal_forename="Noor", legal_surname="Haddad", date_of_birth=dt.date(2015, 6, 9), upn=None
    )
    case_open(child=known, kind="cme", team=inclusion, source="referral from the school nurse")
    newer, _match, created = child_match_or_create(
        upn=None,
        forename="Nour",
        surname="Haddad",
        date_of_birth=dt.date(2015, 6, 9),
        source="new pupil return",
    )
    assert created
    case_open(child=newer, kind="removal", team=inclusion, source="removal notice")
    pair = PossibleDuplicate.objects.get(child=newer, other=known)
    base = live_server.url

    sign_in(page, base, "inclusion.manager")
    page.get_by_role("link", name="Possible duplicates").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Possible duplicate records")
    expect(page.locator("#duplicates")).to_contain_text(pair.reason)
    checker.check("duplicate queue")

    page.get_by_role("link", name="Review Nour Haddad and Noor Haddad").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Are these the same child?")
    checker.check("compare the records")

    page.get_by_role("button", name="Merge these records").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Merge two records")
    checker.check("merge confirmation")
    page.get_by_role("button", name="Merge records").click()
    expect(page.get_by_role("alert")).to_contain_text("Enter why these are the same child")
    checker.check("merge errors")
    page.get_by_label(f"Noor Haddad, born 9 June 2015 (record {known.pk})").check()
    page.get_by_label("Why are these the same child?").fill(
        "The school spelt her first name Nour on its return."
    )
    page.get_by_role("button", name="Merge records").click()
    expect(page.get_by_text("Records merged.")).to_be_visible()
    expect(page.get_by_role("heading", level=1)).to_have_text("Noor Haddad")
    expect(page.get_by_role("region", name="Merged record")).to_contain_text(f"Record {newer.pk} was merged")
    checker.check("survivor after the merge")

    assert Child.objects.get(pk=newer.pk).merged_into_id == known.pk
    assert Case.objects.filter(child=known).count() == 2
    merge = ChildMerge.objects.get()
    assert merge.merged_by.username == "inclusion.manager"

    # The old record's address leads to the survivor.
    page.goto(f"{base}/children/{newer.pk}/")
    expect(page).to_have_url(f"{base}/children/{known.pk}/")

    page.get_by_role("button", name=f"Undo merge of record {newer.pk}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Undo a merge")
    checker.check("undo merge")
    page.get_by_label("Why is the merge being undone?").fill("Checked with the school: twins.")
    page.get_by_role("button", name="Undo merge").click()
    expect(page.get_by_text("Merge undone")).to_be_visible()
    checker.check("survivor after the undo")
    assert Child.objects.get(pk=newer.pk).merged_into_id is None
    assert Case.objects.filter(child=newer).count() == 1
    assert len(checker.checked) == 7
