"""Publishing a policy and circulating it to schools, in a real browser with axe on every page.

The head of service publishes a new version and sends it to all schools; a school user finds it
under "Policies to acknowledge" and acknowledges in one click; the campaign page counts it; and
the public page, opened signed out, shows the published version.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from rollcall import clock
from rollcall.accounts.models import Team
from rollcall.policies import services
from rollcall.policies.models import CirculationCampaign
from rollcall.rules.workflow import Role
from tests import factories
from tests.browser.conftest import Checker
from tests.browser.test_cme_flow import PASSWORD, fill_date, sign_in, sign_out


@pytest.mark.django_db(transaction=True)
def test_a_new_version_is_published_sent_to_schools_and_acknowledged(
    live_server, page: Page, checker: Checker
) -> None:
    today = clock.today()
    for kind in Team.Kind.values:
        factories.TeamFactory.create(kind=kind)
    head = factories.staff(
        Role.HEAD_OF_SERVICE, Team.Kind.HEADS, username="head.of.service", password=PASSWORD
    )
    school = factories.SchoolFactory.create(name="Moorside Academy")
    factories.school_user(school, username="moorside", password=PASSWORD)
    policy = services.policy_create(
        title="Children unable to attend school because of health needs",
        owner=head,
        actor=head,
        local_offer_url="https://localoffer.northmoor.example/health-needs",
        review_date=today + dt.timedelta(days=200),
    )
    first = services.version_add(policy=policy, actor=head, text="The first version.")
    services.version_publish(version=first, actor=head)
    base = live_server.url

    # 1. The head of service adds version 2 and publishes it.
    sign_in(page, base, "head.of.service")
    page.goto(f"{base}/policies/")
    checker.check("policy list")
    page.get_by_role("link", name=policy.title).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(policy.title)
    checker.check("policy page")
    page.get_by_role("link", name="Add a version").click()
    page.get_by_label("Text of the policy").fill(
        "Schools tell the Access to Education team by the 15th day of absence."
    )
    page.get_by_label("What has changed (optional)").fill("The 15-day step is explicit")
    checker.check("add a version")
    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("Version 2 saved as a draft.")).to_be_visible()
    checker.check("draft version")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("Version 2 is published.")).to_be_visible()

    # 2. ... and sends it to all schools; a missing choice is caught first.
    page.get_by_role("link", name="Send for acknowledgement").click()
    page.get_by_role("group", name="Acknowledge by").get_by_label("Day").fill("")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")
    checker.check("campaign form errors")
    page.get_by_label("All schools").check()
    fill_date(page, "Acknowledge by", today + dt.timedelta(days=14))
    page.get_by_label("Yes, every six months").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Sent to 1 person.")).to_be_visible()
    expect(page.locator('[data-count="acknowledged"]')).to_have_text("0")
    checker.check("campaign page")
    sign_out(page)

    # 3. The school user acknowledges in one click.
    sign_in(page, base, "moorside")
    page.goto(f"{base}/policies/acknowledge/")
    expect(page.get_by_role("heading", name=policy.title)).to_be_visible()
    checker.check("policies to acknowledge")
    page.get_by_role("button", name="I have read and understood this policy").click()
    expect(page.get_by_text("You have no policies to acknowledge.")).to_be_visible()
    checker.check("acknowledged")
    sign_out(page)

    # 4. The campaign page shows the acknowledgement.
    campaign = CirculationCampaign.objects.get()
    sign_in(page, base, "head.of.service")
    page.goto(f"{base}/policies/campaigns/{campaign.pk}/")
    expect(page.locator('[data-count="acknowledged"]')).to_have_text("1")
    expect(page.get_by_text("Everyone has acknowledged it.")).to_be_visible()
    checker.check("campaign acknowledged")
    sign_out(page)

    # 5. Signed out, the public page shows version 2.
    page.goto(f"{base}/policies/published/")
    checker.check("public list")
    page.get_by_role("link", name=policy.title, exact=True).click()
    expect(page.get_by_text("by the 15th day of absence")).to_be_visible()
    expect(page.locator("#policy-facts")).to_contain_text("2")
    checker.check("public policy")
    assert len(checker.checked) >= 10
