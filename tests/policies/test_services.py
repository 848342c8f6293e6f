"""Policy services: versions, publishing, campaigns and acknowledgement."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from rollcall.accounts.models import Team, User
from rollcall.notify.models import Message
from rollcall.policies import services
from rollcall.policies.models import CirculationCampaign, Policy, PolicyVersion, validate_policy_file
from rollcall.policies.services import PolicyError
from rollcall.rules.workflow import Role
from rollcall.schools.models import School
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 16)
STAFF = CirculationCampaign.Audience.STAFF
SCHOOLS = CirculationCampaign.Audience.SCHOOLS
TEAM = CirculationCampaign.Audience.TEAM


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def test_versions_are_numbered_one_two_three(policy: Policy, head_of_service: User) -> None:
    numbers = [
        services.version_add(policy=policy, actor=head_of_service, text=f"v{i}").number for i in range(3)
    ]
    assert numbers == [1, 2, 3]


def test_a_version_needs_text_or_a_file(policy: Policy, head_of_service: User) -> None:
    with pytest.raises(PolicyError, match="text or attach a file"):
        services.version_add(policy=policy, actor=head_of_service, text="  ")


def test_only_pdf_or_docx_files_are_accepted() -> None:
    validate_policy_file(SimpleUploadedFile("policy.pdf", b"%PDF-1.4"))  # type: ignore[arg-type]
    validate_policy_file(SimpleUploadedFile("policy.DOCX", _docx()))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="PDF or a Word"):
        validate_policy_file(SimpleUploadedFile("policy.exe", b"MZ"))  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="10 MB"):
        validate_policy_file(SimpleUploadedFile("big.pdf", b"x" * (10 * 1024 * 1024 + 1)))  # type: ignore[arg-type]


def test_the_current_version_is_the_latest_published_never_a_draft(
    policy: Policy, published: PolicyVersion, head_of_service: User
) -> None:
    draft = services.version_add(policy=policy, actor=head_of_service, text="v2")
    assert services.current_version(policy) == published
    services.version_publish(version=draft, actor=head_of_service)
    assert services.current_version(policy) == draft


def test_publishing_tells_the_owner_once(policy: Policy, head_of_service: User) -> None:
    version = services.version_add(policy=policy, actor=head_of_service, text="v1")
    services.version_publish(version=version, actor=head_of_service)
    assert Message.objects.filter(recipient=head_of_service, subject__contains="is published").count() == 1
    with pytest.raises(PolicyError, match="already published"):
        services.version_publish(version=version, actor=head_of_service)


def test_an_older_draft_cannot_be_published_over_a_newer_version(
    policy: Policy, head_of_service: User
) -> None:
    old = services.version_add(policy=policy, actor=head_of_service, text="v1")
    new = services.version_add(policy=policy, actor=head_of_service, text="v2")
    services.version_publish(version=new, actor=head_of_service)
    with pytest.raises(PolicyError, match="later version"):
        services.version_publish(version=old, actor=head_of_service)


def test_an_officer_who_does_not_own_the_policy_cannot_publish(
    policy: Policy, head_of_service: User, inclusion_officer: User
) -> None:
    version = services.version_add(policy=policy, actor=head_of_service, text="v1")
    with pytest.raises(PolicyError, match="owner"):
        services.version_publish(version=version, actor=inclusion_officer)
    with pytest.raises(PolicyError, match="owner"):
        services.version_add(policy=policy, actor=inclusion_officer, text="v2")


def test_the_owner_may_publish_and_send(
    policy: Policy, inclusion_officer: User, head_of_service: User
) -> None:
    owned = services.policy_create(title="Owned", owner=inclusion_officer, actor=head_of_service)
    version = services.version_add(policy=owned, actor=inclusion_officer, text="v1")
    services.version_publish(version=version, actor=inclusion_officer)
    campaign = services.campaign_send(
        version=version, audience=STAFF, acknowledge_by=TODAY, recurs_every_months=0, actor=inclusion_officer
    )
    assert campaign.recipients.count() >= 2


def test_only_administrators_and_heads_of_service_add_policies(
    inclusion_officer: User, school_user: User
) -> None:
    for actor in (inclusion_officer, school_user):
        with pytest.raises(PolicyError, match="administrator or a head of service"):
            services.policy_create(title="X", owner=actor, actor=actor)
    admin = factories.administrator()
    assert services.policy_create(title="X", owner=inclusion_officer, actor=admin).slug == "x"
    assert services.policy_create(title="X", owner=inclusion_officer, actor=admin).slug == "x-2"


def test_a_draft_cannot_be_sent(policy: Policy, head_of_service: User, inclusion_officer: User) -> None:
    draft = services.version_add(policy=policy, actor=head_of_service, text="v1")
    with pytest.raises(PolicyError, match="Publish"):
        services.campaign_send(
            version=draft, audience=STAFF, acknowledge_by=TODAY, recurs_every_months=6, actor=head_of_service
        )


def test_staff_circulation_goes_to_everyone_in_a_team_and_no_school(
    published: PolicyVersion,
    head_of_service: User,
    inclusion_officer: User,
    inclusion_manager: User,
    admissions_officer: User,
    school_user: User,
) -> None:
    inactive = factories.staff(Role.OFFICER, Team.Kind.SEN, is_active=False)
    campaign = services.campaign_send(
        version=published, audience=STAFF, acknowledge_by=TODAY, recurs_every_months=6, actor=head_of_service
    )
    ids = set(campaign.recipients.values_list("user_id", flat=True))
    assert ids == {head_of_service.pk, inclusion_officer.pk, inclusion_manager.pk, admissions_officer.pk}
    assert inactive.pk not in ids
    assert campaign.next_due == dt.date(2027, 5, 16)
    assert campaign.sent_on == TODAY
    messages = Message.objects.filter(key__startswith=f"policy-campaign:{campaign.pk}:")
    assert messages.count() == 4
    assert messages.first().url == "/policies/acknowledge/"  # type: ignore[union-attr]


def test_schools_circulation_goes_to_every_school_user(
    published: PolicyVersion, head_of_service: User, school_user: User, inclusion_officer: User
) -> None:
    other = factories.school_user(factories.SchoolFactory.create())
    campaign = services.campaign_send(
        version=published,
        audience=SCHOOLS,
        acknowledge_by=TODAY,
        recurs_every_months=0,
        actor=head_of_service,
    )
    assert set(campaign.recipients.values_list("user_id", flat=True)) == {school_user.pk, other.pk}
    assert campaign.next_due is None


def test_a_team_circulation_goes_to_its_members_only(
    published: PolicyVersion,
    head_of_service: User,
    inclusion_officer: User,
    admissions_officer: User,
    teams: dict[str, Team],
) -> None:
    campaign = services.campaign_send(
        version=published,
        audience=TEAM,
        team=teams[Team.Kind.INCLUSION],
        acknowledge_by=TODAY,
        recurs_every_months=0,
        actor=head_of_service,
    )
    assert set(campaign.recipients.values_list("user_id", flat=True)) == {inclusion_officer.pk}
    with pytest.raises(PolicyError, match="team"):
        services.campaign_send(
            version=published,
            audience=TEAM,
            acknowledge_by=TODAY,
            recurs_every_months=0,
            actor=head_of_service,
        )


def test_a_deadline_in_the_past_is_refused(published: PolicyVersion, head_of_service: User) -> None:
    with pytest.raises(PolicyError, match="today or in the future"):
        services.campaign_send(
            version=published,
            audience=STAFF,
            acknowledge_by=TODAY - dt.timedelta(days=1),
            recurs_every_months=0,
            actor=head_of_service,
        )


def test_acknowledging_is_idempotent(
    published: PolicyVersion, head_of_service: User, school_user: User
) -> None:
    campaign = services.campaign_send(
        version=published,
        audience=SCHOOLS,
        acknowledge_by=TODAY,
        recurs_every_months=0,
        actor=head_of_service,
    )
    assert list(services.outstanding_for(school_user).values_list("campaign_id", flat=True)) == [campaign.pk]
    assert services.acknowledge(campaign=campaign, user=school_user) is True
    first = campaign.recipients.get(user=school_user).acknowledged_at
    assert services.acknowledge(campaign=campaign, user=school_user) is False
    assert campaign.recipients.get(user=school_user).acknowledged_at == first
    assert not services.outstanding_for(school_user).exists()
    status = services.campaign_status(campaign)
    assert (status.sent, status.acknowledged, status.outstanding) == (1, 1, 0)


def test_someone_not_sent_it_cannot_acknowledge(
    published: PolicyVersion, head_of_service: User, school: School
) -> None:
    campaign = services.campaign_send(
        version=published, audience=STAFF, acknowledge_by=TODAY, recurs_every_months=0, actor=head_of_service
    )
    with pytest.raises(PolicyError, match="not sent to you"):
        services.acknowledge(campaign=campaign, user=factories.school_user(school))


def test_policies_keep_their_history(policy: Policy, head_of_service: User) -> None:
    policy.review_date = TODAY
    policy.save()
    assert policy.history.count() == 2


def test_a_full_disk_refuses_the_policy_file_and_keeps_no_version_and_no_part_file(
    policy: Policy, head_of_service: User, settings: Any, tmp_path: Path, disk_full: None
) -> None:
    settings.MEDIA_ROOT = tmp_path
    big = SimpleUploadedFile("policy.pdf", b"%PDF-1.7\n" + b"x" * 12_000)
    with pytest.raises(services.PolicyError, match="could not be stored"):
        services.version_add(policy=policy, actor=head_of_service, file=big)
    assert PolicyVersion.objects.filter(policy=policy).count() == 0
    assert [p for p in tmp_path.rglob("*") if p.is_file()] == []
