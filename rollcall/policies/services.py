"""Every change to a policy or a circulation: one typed, keyword-only function each, atomic.

Who may do what (docs/policies.md): administrators and heads of service create policies;
administrators, heads of service and a policy's owner add versions, publish them and send them for
acknowledgement; everyone who signs in acknowledges what was sent to them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse
from django.utils.text import slugify

from rollcall import clock, uploads
from rollcall.accounts.models import Membership, Team, User
from rollcall.concurrency import version_claim
from rollcall.formats import long_date
from rollcall.notify.services import message_send, messages_send_bulk
from rollcall.policies.access import can_create_policies, can_manage_policy
from rollcall.policies.models import CirculationCampaign, Policy, PolicyVersion, Recipient
from rollcall.rules import circulation
from rollcall.rules.workflow import Role

Audience = CirculationCampaign.Audience


class PolicyError(Exception):
    """A refusal, worded as a sentence for the person who asked."""


# ---- who may do what ----------------------------------------------------------------------------


def _require_manager(actor: User, policy: Policy) -> None:
    if not can_manage_policy(actor, policy):
        raise PolicyError("Only an administrator, a head of service or the policy's owner can do that")


# ---- selectors ------------------------------------------------------------------------------------


def current_version(policy: Policy) -> PolicyVersion | None:
    """The latest published version (drafts never count)."""
    return policy.versions.filter(published_at__isnull=False).order_by("-number").first()


def published_policies() -> QuerySet[Policy]:
    """Policies with at least one published version (the public list)."""
    return Policy.objects.filter(versions__published_at__isnull=False).distinct()


def outstanding_for(user: User) -> QuerySet[Recipient]:
    """The campaigns this person has been sent and not yet acknowledged, oldest deadline first."""
    return (
        Recipient.objects.filter(user=user, acknowledged_at__isnull=True)
        .select_related("campaign__version__policy")
        .order_by("campaign__acknowledge_by", "pk")
    )


@dataclass(frozen=True)
class CampaignStatus:
    sent: int
    acknowledged: int

    @property
    def outstanding(self) -> int:
        return self.sent - self.acknowledged


def campaign_status(campaign: CirculationCampaign) -> CampaignStatus:
    """How many were sent it and how many have acknowledged, in one aggregate query."""
    counts = campaign.recipients.aggregate(
        sent=Count("pk"), acknowledged=Count("pk", filter=Q(acknowledged_at__isnull=False))
    )
    return CampaignStatus(sent=counts["sent"], acknowledged=counts["acknowledged"])


def campaign_outstanding(campaign: CirculationCampaign) -> QuerySet[Recipient]:
    """Who has not acknowledged, with their team or school, by surname."""
    return (
        campaign.recipients.filter(acknowledged_at__isnull=True)
        .select_related("user")
        .prefetch_related("user__memberships__team", "user__memberships__school")
        .order_by("user__last_name", "user__first_name", "user__username")
    )


def audience_user_ids(audience: str, team: Team | None = None) -> list[int]:
    """Who a campaign goes to, in one query: staff are active users with a team membership, schools
    are every active school user, a team is its active members."""
    memberships = Membership.objects.filter(user__is_active=True)
    if audience == Audience.STAFF:
        memberships = memberships.filter(team__isnull=False)
    elif audience == Audience.SCHOOLS:
        memberships = memberships.filter(role=Role.SCHOOL.value, school__isnull=False)
    elif audience == Audience.TEAM:
        if team is None:
            raise PolicyError("Choose the team to send it to")
        memberships = memberships.filter(team=team)
    else:
        raise PolicyError("Choose who to send it to")
    return sorted(set(memberships.values_list("user_id", flat=True)))


# ---- writes ----------------------------------------------------------------------------------------


def _unique_slug(title: str) -> str:
    base = slugify(title)[:180] or "policy"
    taken = set(Policy.objects.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 2
    while slug in taken:
        slug, n = f"{base}-{n}", n + 1
    return slug


@transaction.atomic
def policy_create(
    *,
    title: str,
    owner: User,
    actor: User,
    summary: str = "",
    team: Team | None = None,
    local_offer_url: str = "",
    review_date: dt.date | None = None,
    audience_note: str = "",
) -> Policy:
    """Record a new policy (no version yet)."""
    if not can_create_policies(actor):
        raise PolicyError("Only an administrator or a head of service can add a policy")
    if not title.strip():
        raise PolicyError("Enter the policy's title")
    return Policy.objects.create(
        title=title.strip(),
        slug=_unique_slug(title),
        summary=summary,
        owner=owner,
        team=team,
        local_offer_url=local_offer_url,
        review_date=review_date,
        audience_note=audience_note,
        created_at=clock.now(),
    )


# What the "Change the details" form shows, field -> label: a refused stale save lists these.
POLICY_LABELS = {
    "title": "Title",
    "summary": "Summary",
    "owner": "Owner",
    "local_offer_url": "Local Offer page",
    "review_date": "Review date",
    "audience_note": "Who it is for",
}
_UNSET = object()


def policy_change(
    *,
    policy: Policy,
    actor: User,
    expected_version: int | None,
    title: str | None = None,
    summary: str | None = None,
    owner: User | None = None,
    local_offer_url: str | None = None,
    review_date: dt.date | None | object = _UNSET,
    audience_note: str | None = None,
) -> Policy:
    """Change a policy's details (its title, owner, review date…); its text changes by a new version.

    ``expected_version`` is the version the manager's form read: if anyone changed the details
    since, EditConflict is raised listing what changed, and nothing is saved (issue 11). Only the
    details given change; ``review_date=None`` clears the review date.
    """
    _require_manager(actor, policy)
    if title is not None and not title.strip():
        raise PolicyError("Enter the policy's title")
    with transaction.atomic():
        version_claim(policy, expected_version=expected_version, labels=POLICY_LABELS)
        fields = ["version"]
        for name, value in (
            ("title", title.strip() if title is not None else None),
            ("summary", summary),
            ("owner", owner),
            ("local_offer_url", local_offer_url),
            ("audience_note", audience_note),
        ):
            if value is not None:
                setattr(policy, name, value)
                fields.append(name)
        if review_date is not _UNSET:
            policy.review_date = review_date  # type: ignore[assignment]
            fields.append("review_date")
        policy._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
        policy.save(update_fields=fields)
    return policy


@transaction.atomic
def version_add(
    *,
    policy: Policy,
    actor: User,
    text: str = "",
    file: UploadedFile | None = None,
    change_summary: str = "",
) -> PolicyVersion:
    """Add a draft version numbered one more than the last."""
    _require_manager(actor, policy)
    if not text.strip() and file is None:
        raise PolicyError("Enter the policy's text or attach a file")
    # Lock the policy row so two simultaneous drafts cannot take the same number.
    Policy.objects.select_for_update().filter(pk=policy.pk).first()
    last = policy.versions.aggregate(n=Max("number"))["n"] or 0
    version = PolicyVersion(
        policy=policy,
        number=last + 1,
        text=text,
        change_summary=change_summary,
        created_at=clock.now(),
        created_by=actor,
    )
    if file is not None:
        try:
            uploads.file_store(version.file, file, file.name or "policy")
        except uploads.FileNotStored as failed:
            raise PolicyError(str(failed)) from failed
    version.save()
    return version


@transaction.atomic
def version_publish(*, version: PolicyVersion, actor: User) -> PolicyVersion:
    """Publish a draft: it becomes the current version, on the public page, and the owner is told."""
    policy = version.policy
    _require_manager(actor, policy)
    if version.published_at is not None:
        raise PolicyError(f"Version {version.number} is already published")
    if policy.versions.filter(published_at__isnull=False, number__gt=version.number).exists():
        raise PolicyError("A later version is already published: add a new version instead")
    now = clock.now()
    claimed = PolicyVersion.objects.filter(pk=version.pk, published_at__isnull=True).update(
        published_at=now, approved_by=actor
    )
    if not claimed:
        raise PolicyError(f"Version {version.number} is already published")
    version.refresh_from_db()
    message_send(
        recipients=[policy.owner],
        subject=f"Version {version.number} of {policy.title} is published",
        body=f"{actor} published version {version.number}. It is now on the public policies page.",
        url=reverse("policies:policy", args=[policy.pk]),
        key=f"policy-published:{version.pk}",
    )
    return version


@transaction.atomic
def campaign_send(
    *,
    version: PolicyVersion,
    audience: str,
    acknowledge_by: dt.date,
    recurs_every_months: int,
    actor: User | None,
    team: Team | None = None,
    at: dt.datetime | None = None,
) -> CirculationCampaign:
    """Send a published version to an audience, who must each acknowledge it by a date.

    Recipients are materialised now (one query for the audience, one bulk insert) and each gets a
    message keyed ``policy-campaign:<id>:<user>``. ``actor=None`` is the sweep's automatic
    re-circulation, which passes its own instant as ``at`` (default: now): the campaign is sent on
    that day and its next circulation counted from it.
    """
    policy = version.policy
    if actor is not None:
        _require_manager(actor, policy)
    if version.published_at is None:
        raise PolicyError("Publish this version before sending it")
    if recurs_every_months < 0:
        raise PolicyError("The number of months must not be negative")
    instant = at or clock.now()
    today = clock.local_date(instant)
    if acknowledge_by < today:
        raise PolicyError("The acknowledge-by date must be today or in the future")
    if audience != Audience.TEAM:
        team = None
    user_ids = audience_user_ids(audience, team)
    if not user_ids:
        raise PolicyError("Nobody is in that audience yet")
    campaign = CirculationCampaign.objects.create(
        version=version,
        audience=audience,
        team=team,
        sent_at=instant,
        sent_on=today,
        acknowledge_by=acknowledge_by,
        recurs_every_months=recurs_every_months,
        next_due=circulation.next_circulation_date(today, recurs_every_months),
        created_by=actor,
    )
    Recipient.objects.bulk_create(
        [Recipient(campaign=campaign, user_id=pk) for pk in user_ids], batch_size=500, ignore_conflicts=True
    )
    url = reverse("policies:acknowledge-list")
    subject = f"Please read and acknowledge: {policy.title}"
    body = (
        f"Version {version.number} of {policy.title} has been sent to you. Please read it and "
        f"confirm you have understood it by {long_date(acknowledge_by)}."
    )
    messages_send_bulk(
        ((pk, subject, body, url, f"policy-campaign:{campaign.pk}:{pk}") for pk in user_ids), at=instant
    )
    return campaign


def acknowledge(*, campaign: CirculationCampaign, user: User) -> bool:
    """Record that ``user`` has read and understood the campaign's policy; True if newly recorded.

    One conditional update: a second click (or a double submit) changes nothing.
    """
    if not Recipient.objects.filter(campaign=campaign, user=user).exists():
        raise PolicyError("This policy was not sent to you")
    updated = Recipient.objects.filter(campaign=campaign, user=user, acknowledged_at__isnull=True).update(
        acknowledged_at=clock.now()
    )
    return bool(updated)
