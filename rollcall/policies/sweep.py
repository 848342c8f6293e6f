"""The policies step of the daily sweep: remind, re-circulate, and flag policies due for review.

Set-based: a few queries per step whatever the number of recipients (a campaign is one row
however many people it went to; re-circulation handles campaigns one by one, and there are only
ever a handful due on a day). Idempotent: every message carries a unique key and a re-circulation
first claims its campaign with a conditional update, so a second run creates nothing. Dated from
the sweep's ``today`` and stamped with its instant (``sweep_instant``), never the wall clock.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from rollcall import clock
from rollcall.casework.sweep import sweep_instant
from rollcall.formats import long_date
from rollcall.notify.services import message_send, messages_send_bulk
from rollcall.policies import services
from rollcall.policies.models import CirculationCampaign, Policy, PolicyVersion, Recipient
from rollcall.rules import circulation
from rollcall.rules.calendar import SchoolCalendar


def policies_sweep(*, today: dt.date, calendar: SchoolCalendar) -> dict[str, int]:
    """Run the three policy steps as of ``today``; the counts go in the sweep run's record."""
    at = sweep_instant(today)
    return {
        "policy_reminders": remind_outstanding(today=today, at=at),
        "policy_recirculations": recirculate_due(today=today, at=at),
        "policy_reviews_due": review_notices(today=today, at=at),
    }


@transaction.atomic
def remind_outstanding(*, today: dt.date, at: dt.datetime) -> int:
    """Remind each person who has not acknowledged, on each reminder date (once per date)."""
    live = CirculationCampaign.objects.filter(acknowledge_by__gte=today, sent_on__lt=today).select_related(
        "version__policy"
    )
    due: dict[int, tuple[dt.date, CirculationCampaign]] = {}
    for campaign in live:
        day = circulation.reminder_due(campaign.sent_on, campaign.acknowledge_by, today)
        if day is not None:
            due[campaign.pk] = (day, campaign)
    if not due:
        return 0
    rows = Recipient.objects.filter(campaign_id__in=due, acknowledged_at__isnull=True).values_list(
        "campaign_id", "user_id"
    )
    url = reverse("policies:acknowledge-list")
    items = []
    by_day: dict[dt.date, list[int]] = defaultdict(list)
    for campaign_id, user_id in rows:
        day, campaign = due[campaign_id]
        policy = campaign.version.policy
        deadline = campaign.acknowledge_by
        when = "today" if deadline == today else f"by {long_date(deadline)}"
        items.append(
            (
                user_id,
                f"Reminder: please acknowledge {policy.title}",
                f"You have not yet confirmed you have read {policy.title}. Please do so {when}.",
                url,
                f"policy-reminder:{campaign_id}:{day.isoformat()}:{user_id}",
            )
        )
        by_day[day].append(campaign_id)
    sent = messages_send_bulk(items, at=at)
    for day, campaign_ids in by_day.items():
        # Only those not yet reminded on or after this reminder date: a second run touches nothing.
        Recipient.objects.filter(campaign_id__in=set(campaign_ids), acknowledged_at__isnull=True).filter(
            Q(reminded_at__isnull=True) | Q(reminded_at__lt=clock.start_of_day(day))
        ).update(reminded_at=at)
    return sent


def recirculate_due(*, today: dt.date, at: dt.datetime) -> int:
    """Send the next circulation of each recurring campaign whose date has come, with the policy's
    current published version, and tell the owner. Returns how many campaigns were sent."""
    sent = 0
    due = list(
        CirculationCampaign.objects.filter(next_due__lte=today, next_campaign__isnull=True)
        .select_related("version__policy__owner", "team")
        .order_by("pk")
    )
    for old in due:
        with transaction.atomic():
            # Claim it: only one run (or worker) moves next_due from a date to None.
            if not CirculationCampaign.objects.filter(pk=old.pk, next_due__isnull=False).update(
                next_due=None
            ):
                continue
            policy = old.version.policy
            version = services.current_version(policy)
            if version is None:
                continue
            gap = max((old.acknowledge_by - old.sent_on).days, 0)
            try:
                new = services.campaign_send(
                    version=version,
                    audience=old.audience,
                    team=old.team,
                    acknowledge_by=circulation.acknowledge_by(
                        today, gap or circulation.DEFAULT_ACKNOWLEDGE_DAYS
                    ),
                    recurs_every_months=old.recurs_every_months,
                    actor=None,
                    at=at,
                )
            except services.PolicyError:
                continue
            CirculationCampaign.objects.filter(pk=old.pk).update(next_campaign=new)
            count = new.recipients.count()
            message_send(
                recipients=[policy.owner],
                subject=f"{policy.title} has been circulated again",
                body=(
                    f"The {_every(old.recurs_every_months)} circulation of {policy.title} "
                    f"(version {version.number}) has been sent to {count} "
                    f"{'person' if count == 1 else 'people'}."
                ),
                url=reverse("policies:campaign", args=[new.pk]),
                key=f"policy-recirculated:{old.pk}",
                at=at,
            )
            sent += 1
    return sent


def _every(months: int) -> str:
    words = {1: "monthly", 3: "three-monthly", 6: "six-monthly", 12: "yearly"}
    return words.get(months, f"{months}-monthly")


def review_notices(*, today: dt.date, at: dt.datetime) -> int:
    """Tell each owner once per review date that a published policy is due for review."""
    policies = (
        Policy.objects.filter(review_date__lte=today)
        .filter(pk__in=PolicyVersion.objects.filter(published_at__isnull=False).values("policy_id"))
        .values_list("pk", "owner_id", "title", "review_date")
    )
    items = [
        (
            owner_id,
            f"{title} is due for review",
            f"{title} was due for review on {long_date(review)}. Review it, add a new "
            "version and publish it, then set the next review date.",
            reverse("policies:policy", args=[pk]),
            f"policy-review:{pk}:{review.isoformat()}",
        )
        for pk, owner_id, title, review in policies
        if review is not None
    ]
    return messages_send_bulk(items, at=at)
