"""Policy pages: public pages need no sign-in and never show drafts; who may manage; acknowledging."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import User
from rollcall.policies import services
from rollcall.policies.models import CirculationCampaign, Policy, PolicyVersion, Recipient
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 16)


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _send(version: PolicyVersion, actor: User, audience: str = "schools") -> CirculationCampaign:
    return services.campaign_send(
        version=version,
        audience=audience,
        acknowledge_by=TODAY + dt.timedelta(days=14),
        recurs_every_months=0,
        actor=actor,
    )


def test_the_public_list_needs_no_sign_in_and_shows_the_local_offer_link(
    policy: Policy, published: PolicyVersion
) -> None:
    response = Client().get(reverse("policies:published"))
    assert response.status_code == 200
    html = response.content.decode()
    assert policy.title in html
    assert "https://localoffer.northmoor.example/health-needs" in html
    assert "16 November 2026" in html


def test_the_public_page_shows_the_current_version_and_never_a_draft(
    policy: Policy, published: PolicyVersion, head_of_service: User
) -> None:
    services.version_add(policy=policy, actor=head_of_service, text="SECRET DRAFT WORDING")
    response = Client().get(reverse("policies:published-detail", args=[policy.slug]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Version one text." in html
    assert "<p>Second paragraph.</p>" in html
    assert "SECRET DRAFT WORDING" not in html
    assert "SECRET DRAFT WORDING" not in Client().get(reverse("policies:published")).content.decode()


def test_a_policy_with_only_drafts_is_not_public(policy: Policy, head_of_service: User) -> None:
    services.version_add(policy=policy, actor=head_of_service, text="draft")
    assert Client().get(reverse("policies:published-detail", args=[policy.slug])).status_code == 404
    assert policy.title not in Client().get(reverse("policies:published")).content.decode()


def test_the_public_list_makes_a_fixed_number_of_queries(
    head_of_service: User, django_assert_max_num_queries: object, frozen_clock: object
) -> None:
    for i in range(12):
        p = services.policy_create(title=f"Policy {i}", owner=head_of_service, actor=head_of_service)
        services.version_publish(
            version=services.version_add(policy=p, actor=head_of_service, text="t"), actor=head_of_service
        )
    with django_assert_max_num_queries(4):  # type: ignore[operator]
        assert Client().get(reverse("policies:published")).status_code == 200


def test_school_users_cannot_open_staff_policy_pages(
    policy: Policy, published: PolicyVersion, school_user: User
) -> None:
    client = _client(school_user)
    for url in (
        reverse("policies:list"),
        reverse("policies:policy", args=[policy.pk]),
        reverse("policies:version-new", args=[policy.pk]),
        reverse("policies:campaign-new", args=[policy.pk]),
    ):
        assert client.get(url).status_code == 403, url
    assert client.post(reverse("policies:version-publish", args=[policy.pk, 1])).status_code == 403


def test_an_officer_reads_but_cannot_manage_someone_elses_policy(
    policy: Policy, published: PolicyVersion, inclusion_officer: User, head_of_service: User
) -> None:
    draft = services.version_add(policy=policy, actor=head_of_service, text="v2")
    campaign = _send(published, head_of_service, "staff")
    client = _client(inclusion_officer)
    page = client.get(reverse("policies:policy", args=[policy.pk]))
    assert page.status_code == 200
    assert "Add a version" not in page.content.decode()
    assert client.get(reverse("policies:version-new", args=[policy.pk])).status_code == 403
    assert client.post(reverse("policies:version-publish", args=[policy.pk, draft.number])).status_code == 403
    assert client.get(reverse("policies:campaign", args=[campaign.pk])).status_code == 403
    assert client.get(reverse("policies:campaign-csv", args=[campaign.pk])).status_code == 403
    draft.refresh_from_db()
    assert draft.published_at is None


def test_the_head_of_service_adds_a_policy_a_version_publishes_and_sends_it(
    head_of_service: User, school_user: User, frozen_clock: object
) -> None:
    client = _client(head_of_service)
    response = client.post(
        reverse("policies:new"),
        {
            "title": "Fifteen days guidance",
            "owner": head_of_service.pk,
            "local_offer_url": "https://localoffer.northmoor.example/fifteen-days",
            "review_date_0": "1",
            "review_date_1": "9",
            "review_date_2": "2027",
        },
    )
    policy = Policy.objects.get(title="Fifteen days guidance")
    assert response.status_code == 302
    assert policy.review_date == dt.date(2027, 9, 1)
    response = client.post(reverse("policies:version-new", args=[policy.pk]), {"text": "Tell us by day 15."})
    assert response.status_code == 302
    response = client.post(reverse("policies:version-publish", args=[policy.pk, 1]))
    assert services.current_version(policy) is not None
    errors = client.post(reverse("policies:campaign-new", args=[policy.pk]), {})
    assert "Select who should read it" in errors.content.decode()
    response = client.post(
        reverse("policies:campaign-new", args=[policy.pk]),
        {
            "audience": "schools",
            "acknowledge_by_0": "30",
            "acknowledge_by_1": "11",
            "acknowledge_by_2": "2026",
            "recurs": "yes",
        },
    )
    campaign = CirculationCampaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("policies:campaign", args=[campaign.pk])
    assert campaign.recurs_every_months == 6
    assert list(campaign.recipients.values_list("user_id", flat=True)) == [school_user.pk]


def test_a_school_user_acknowledges_in_one_click(
    policy: Policy, published: PolicyVersion, head_of_service: User, school_user: User
) -> None:
    campaign = _send(published, head_of_service)
    client = _client(school_user)
    page = client.get(reverse("policies:acknowledge-list")).content.decode()
    assert policy.title in page
    assert "I have read and understood this policy" in page
    assert (
        "Version one text."
        in client.get(reverse("policies:acknowledge-read", args=[campaign.pk])).content.decode()
    )
    response = client.post(reverse("policies:acknowledge", args=[campaign.pk]))
    assert response.status_code == 302
    assert client.post(reverse("policies:acknowledge", args=[campaign.pk])).status_code == 302
    assert Recipient.objects.get(campaign=campaign, user=school_user).acknowledged_at is not None
    assert (
        "You have no policies to acknowledge"
        in client.get(reverse("policies:acknowledge-list")).content.decode()
    )


def test_nobody_can_acknowledge_a_campaign_not_sent_to_them(
    published: PolicyVersion, head_of_service: User, inclusion_officer: User, school_user: User
) -> None:
    campaign = _send(published, head_of_service)
    client = _client(inclusion_officer)
    assert client.post(reverse("policies:acknowledge", args=[campaign.pk])).status_code == 404
    assert client.get(reverse("policies:acknowledge-read", args=[campaign.pk])).status_code == 404


def test_the_campaign_page_counts_and_lists_who_is_outstanding(
    published: PolicyVersion, head_of_service: User, school_user: User, django_assert_max_num_queries: object
) -> None:
    others = [factories.school_user(factories.SchoolFactory.create()) for _ in range(25)]
    campaign = _send(published, head_of_service)
    services.acknowledge(campaign=campaign, user=school_user)
    client = _client(head_of_service)
    with django_assert_max_num_queries(14):  # type: ignore[operator]
        response = client.get(reverse("policies:campaign", args=[campaign.pk]))
    html = response.content.decode()
    assert 'data-count="sent">26<' in html
    assert 'data-count="acknowledged">1<' in html
    assert 'data-count="outstanding">25<' in html
    assert str(others[0]) in html
    rows = list(
        csv.reader(
            io.StringIO(client.get(reverse("policies:campaign-csv", args=[campaign.pk])).content.decode())
        )
    )
    assert len(rows) == 26
    assert {r[1] for r in rows[1:]} == {u.username for u in others}


def test_the_staff_list_shows_status_in_a_fixed_number_of_queries(
    head_of_service: User,
    inclusion_officer: User,
    django_assert_max_num_queries: object,
    frozen_clock: object,
) -> None:
    for i in range(10):
        p = services.policy_create(title=f"Policy {i}", owner=head_of_service, actor=head_of_service)
        v = services.version_add(policy=p, actor=head_of_service, text="t")
        if i % 2:
            services.version_publish(version=v, actor=head_of_service)
    Policy.objects.filter(title="Policy 1").update(review_date=TODAY)
    client = _client(inclusion_officer)
    # +1: the session's two-factor device (django-otp's middleware, docs/sign-in.md)
    with django_assert_max_num_queries(9):  # type: ignore[operator]
        html = client.get(reverse("policies:list")).content.decode()
    assert html.count(">Draft<") == 5
    assert html.count(">Due for review<") == 1
    assert html.count(">Published<") == 4


def test_a_pdf_version_is_uploaded_and_downloadable_from_the_public_page_once_published(
    policy: Policy, head_of_service: User, settings: object, tmp_path: object
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = str(tmp_path)  # type: ignore[attr-defined]
    client = _client(head_of_service)
    bad = client.post(
        reverse("policies:version-new", args=[policy.pk]),
        {"file": SimpleUploadedFile("policy.exe", b"MZ")},
    )
    assert "PDF or a Word document" in bad.content.decode()
    client.post(
        reverse("policies:version-new", args=[policy.pk]),
        {"file": SimpleUploadedFile("policy.pdf", b"%PDF-1.4 demo")},
    )
    version = policy.versions.get()
    file_url = reverse("policies:published-file", args=[policy.slug])
    assert Client().get(file_url).status_code == 404  # still a draft
    services.version_publish(version=version, actor=head_of_service)
    response = Client().get(file_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 demo"  # type: ignore[attr-defined]
