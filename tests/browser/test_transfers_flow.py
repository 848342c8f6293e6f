"""A child moves from Leicestershire to Leicester, two real Roll Call councils on this machine (each
its own server, database and keys), in a real browser with axe on every page: the first council's
officer sends the transfer; the second's accepts it and sees the moved tasks; the first case closes.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import PASSWORD, sign_out
from tests.transfers.two_councils import Council, two_councils


def sign_in(page: Page, base: str, username: str) -> None:
    """The password only: the two councils run with two-factor off (tests/transfers/two_councils.py)."""
    page.goto(f"{base}/accounts/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("Signed in as")).to_be_visible()


@pytest.fixture(scope="module")
def councils(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker
) -> Iterator[tuple[Council, Council]]:
    # Module scope, as in tests/transfers/test_two_councils.py: the test database is copied before
    # any test's transaction holds it.
    with django_db_blocker.unblock(), two_councils(tmp_path_factory.mktemp("councils")) as pair:
        yield pair


@pytest.mark.django_db
def test_an_officer_sends_a_transfer_the_other_council_accepts_it_and_the_first_case_closes(
    councils: tuple[Council, Council], page: Page, checker: Checker
) -> None:
    leicestershire, leicester = councils
    case_id = leicestershire.facts["case_id"]
    moving = [title for title, _due in leicestershire.facts["tasks"]]
    assert moving  # the case has open work to move

    # Leicestershire's officer records the move from the case.
    sign_in(page, leicestershire.url, "inclusion.officer")
    page.goto(f"{leicestershire.url}/cases/{case_id}/")
    checker.check("Leicestershire case before the move")
    page.get_by_role("link", name="Record a move to another council").click()
    expect(page.get_by_role("heading", name="Record a move to another council")).to_be_visible()
    checker.check("Record a move form")
    page.get_by_label("Address line 1").fill("4 Canal Row")
    page.get_by_label("Town or city").fill("Leicester")
    page.get_by_label("Postcode").fill("LE1 1AA")
    page.get_by_label("Which council's area is the new address in?").select_option("856")
    page.get_by_role("button", name="Send the transfer").click()
    expect(page.get_by_text("Transfer sent to Leicester")).to_be_visible()
    expect(page.get_by_text("Delivered, waiting for confirmation")).to_be_visible()
    expect(page.get_by_text("Moved to another council, waiting for it to confirm").first).to_be_visible()
    checker.check("Leicestershire case waiting for Leicester")
    sign_out(page)

    # Leicester's officer finds it among the transfers and accepts it.
    sign_in(page, leicester.url, "inclusion.officer")
    page.get_by_role("link", name="Transfers between councils").click()
    checker.check("Leicester transfers list")
    page.get_by_role("link", name="Kit Marlowe").click()
    expect(page.get_by_role("heading", name="Kit Marlowe")).to_be_visible()
    checker.check("Leicester incoming transfer")
    page.get_by_role("button", name="Accept the transfer and open a case").click()
    expect(page.get_by_text("opened and Leicestershire told")).to_be_visible()
    for title in moving:
        expect(page.get_by_text(title).first).to_be_visible()
    checker.check("Leicester case with the moved tasks")
    sign_out(page)

    # Back in Leicestershire the case has closed with the acknowledgement.
    sign_in(page, leicestershire.url, "inclusion.officer")
    page.goto(f"{leicestershire.url}/cases/{case_id}/")
    expect(page.get_by_text("Known to the new council: it acknowledged the transfer").first).to_be_visible()
    expect(page.get_by_text("Acknowledged by the new council")).to_be_visible()
    checker.check("Leicestershire case closed")
    assert len(checker.checked) == 7
