"""The attendance order route's letters from templates administrators edit: the plain-text
template language (escaped, no template code), the seeded templates, the edit page with its
preview, who may use it, and served letters kept as served."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import User
from rollcall.homeeducation import letters, services
from rollcall.homeeducation.models import STEP_CHOICES, EHERecord, LetterTemplate, SAONotice
from rollcall.rules.home_education import Step
from tests import factories

# ---- the template language (no database) ---------------------------------------------------------


def test_placeholders_are_filled_and_everything_typed_is_escaped() -> None:
    html = letters.render_body(
        "## Dear {child_name}'s parent\n\nPlease reply by **{period_end}**.\n\n<script>alert(1)</script>",
        {"child_name": "Sam <b>Example</b>", "period_end": "16 November 2026"},
    )
    assert '<h2 class="govuk-heading-m">Dear Sam &lt;b&gt;Example&lt;/b&gt;&#x27;s parent</h2>' in html
    assert '<p class="govuk-body">Please reply by <strong>16 November 2026</strong>.</p>' in html
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_a_value_cannot_make_text_bold_and_keeps_its_line_breaks() -> None:
    html = letters.render_inline("{reason}", {"reason": "**not bold**\nsecond line"})
    assert "<strong>" not in html
    assert html == "&#42;&#42;not bold&#42;&#42;<br>second line"


def test_template_code_is_only_text() -> None:
    html = letters.render_body("{{ officer.password }} {% load static %}", {})
    assert html == '<p class="govuk-body">{{ officer.password }} {% load static %}</p>'
    assert letters.unknown_placeholders("{{ officer.password }}") == []


def test_unknown_placeholders_are_named_once_each_in_order() -> None:
    assert letters.unknown_placeholders("{password} {child_name} {secret} {password}") == [
        "password",
        "secret",
    ]


# ---- the stored templates and the pages ----------------------------------------------------------


def _record_at_preliminary(officer: User) -> EHERecord:
    child = factories.ChildFactory.create(legal_forename="Tomas", legal_surname="Reyes")
    record = services.record_open(child=child, actor=officer)
    services.contact_record(record=record, actor=officer, made_on=dt.date(2026, 11, 16), method="phone")
    services.suitability_judge(record=record, actor=officer, judgement="no_information", reasons="No reply")
    return record


@pytest.mark.django_db
def test_every_step_has_a_seeded_template_with_known_placeholders() -> None:
    templates = {t.kind: t for t in LetterTemplate.objects.all()}
    assert set(templates) == {kind for kind, _label in STEP_CHOICES}
    for template in templates.values():
        assert letters.unknown_placeholders(template.heading + template.body) == []
    assert "{period_end}" in templates["preliminary_notice"].body


@pytest.mark.django_db
@pytest.mark.usefixtures("ehe_council", "frozen_clock")
def test_an_administrator_previews_then_saves_and_later_letters_use_the_new_words(
    client: Client, ehe_officer: User
) -> None:
    record = _record_at_preliminary(ehe_officer)
    before = services.notice_serve(
        record=record,
        actor=ehe_officer,
        step=Step.INFORMAL_ENQUIRY,
        served_on=dt.date(2026, 11, 16),
        method="post",
        reason="Please tell us about the education.",
    )
    admin = factories.administrator(username="letters.admin")
    client.force_login(admin)
    url = reverse("homeeducation:letter-template", args=["preliminary_notice"])
    page = client.get(url).content.decode()
    assert "{period_end}" in page  # the current words, to change
    new_body = "Our new words for {child_name}.\n\nReply by **{period_end}**. Why: {reason}"
    preview = client.post(url, {"heading": "Notice to {child_name}", "body": new_body, "action": "preview"})
    shown = preview.content.decode()
    assert "Our new words for Sam Example." in shown
    assert "<strong>16 November 2026</strong>" in shown
    assert "Tomas" not in shown
    assert "Our new words" not in LetterTemplate.objects.get(kind="preliminary_notice").body  # not saved

    saved = client.post(url, {"heading": "Notice to {child_name}", "body": new_body, "action": "save"})
    assert saved.status_code == 302
    template = LetterTemplate.objects.get(kind="preliminary_notice")
    assert (template.body, template.updated_by) == (new_body, admin)

    notice = services.notice_serve(
        record=record,
        actor=ehe_officer,
        step=Step.PRELIMINARY_NOTICE,
        served_on=dt.date(2026, 11, 16),
        method="hand",
        reason="No reply <to> our letters.",
    )
    assert "Notice to Tomas Reyes" in notice.letter_html
    assert "Our new words for Tomas Reyes." in notice.letter_html
    assert "<strong>30 November 2026</strong>" in notice.letter_html
    assert "No reply &lt;to&gt; our letters." in notice.letter_html
    # The letter served earlier is kept as it was served.
    before.refresh_from_db()
    assert "Our new words" not in before.letter_html
    assert "You do not have to let us into your home." in before.letter_html


@pytest.mark.django_db
def test_an_unknown_placeholder_is_refused_on_the_page_and_in_the_service(client: Client) -> None:
    admin = factories.administrator(username="letters.admin")
    client.force_login(admin)
    url = reverse("homeeducation:letter-template", args=["order"])
    response = client.post(url, {"heading": "Order", "body": "Dear {password}", "action": "save"})
    assert response.status_code == 200
    assert "Roll Call does not know {password}" in response.content.decode()
    assert "{password}" not in LetterTemplate.objects.get(kind="order").body
    from rollcall.casework.services import CaseworkError

    with pytest.raises(CaseworkError, match="does not know"):
        services.letter_template_update(kind="order", heading="Order", body="{secret}", actor=admin)


@pytest.mark.django_db
@pytest.mark.usefixtures("ehe_council")
def test_only_administrators_see_or_change_the_templates(
    client: Client, ehe_manager: User, head_of_service: User
) -> None:
    for user in (ehe_manager, head_of_service, factories.school_user()):
        client.force_login(user)
        assert client.get(reverse("homeeducation:letter-templates")).status_code == 403
        response = client.post(
            reverse("homeeducation:letter-template", args=["order"]),
            {"heading": "Changed", "body": "Changed", "action": "save"},
        )
        assert response.status_code == 403
    assert LetterTemplate.objects.get(kind="order").heading != "Changed"
    from rollcall.casework.services import CaseworkError

    with pytest.raises(CaseworkError, match="Only an administrator"):
        services.letter_template_update(kind="order", heading="Changed", body="Changed", actor=ehe_manager)
    client.force_login(factories.administrator(username="letters.admin"))
    listing = client.get(reverse("homeeducation:letter-templates")).content.decode()
    for _kind, label in STEP_CHOICES:
        assert label in listing
    assert client.get(reverse("homeeducation:letter-template", args=["summons"])).status_code == 404


@pytest.mark.django_db
@pytest.mark.usefixtures("ehe_council", "frozen_clock")
def test_with_no_saved_template_the_standard_words_are_used(ehe_officer: User) -> None:
    # A database emptied and not migrated again (a flushed test database, say) has no rows.
    record = _record_at_preliminary(ehe_officer)
    LetterTemplate.objects.filter(kind="informal_enquiry").delete()
    notice = services.notice_serve(
        record=record,
        actor=ehe_officer,
        step=Step.INFORMAL_ENQUIRY,
        served_on=dt.date(2026, 11, 16),
        method="post",
        reason="Please tell us.",
    )
    assert "Tomas Reyes&#x27;s education at home" in notice.letter_html
    assert "You do not have to let us into your home." in notice.letter_html
    assert SAONotice.objects.count() == 1


def test_the_standard_words_are_the_seeded_ones_and_use_known_placeholders() -> None:
    assert set(letters.DEFAULTS) == {kind for kind, _label in STEP_CHOICES}
    for heading, body in letters.DEFAULTS.values():
        assert letters.unknown_placeholders(heading + body) == []


@pytest.mark.django_db
def test_the_migration_seeded_the_standard_words() -> None:
    seeded = {t.kind: (t.heading, t.body) for t in LetterTemplate.objects.all()}
    assert seeded == dict(letters.DEFAULTS)
