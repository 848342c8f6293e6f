"""Demo policies: the two circulations the action plan (seed 000) asks for.

- "Children unable to attend school because of health needs": owned by the head of service,
  published on the (invented) Local Offer, sent to all education staff about five months ago and
  due to go again every six months, with most staff having acknowledged it; a draft version 2 is
  waiting to be published.
- "What to do when a child cannot attend school for 15 or more days": guidance sent to every
  school three weeks ago, with a deadline that has passed and some schools still outstanding.

Made through the services, then backdated with plain updates (the services stamp "now"). The
wording is invented for Northmoor; it is not any real council's policy.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db.models import F

from rollcall.accounts.models import User
from rollcall.policies import services
from rollcall.policies.models import CirculationCampaign, PolicyVersion, Recipient
from rollcall.rules import circulation
from rollcall.rules.workflow import Role

HEALTH_TEXT = """Purpose
Northmoor County Council arranges suitable full-time education, or as much as the child's health allows, for children of compulsory school age who cannot attend school because of their health.

When the council acts
When a child will miss 15 school days or more, in one stretch or added up over the school year, because of a physical or mental health need, the school tells the Access to Education team the same week. The council does not wait for a diagnosis from a consultant if other medical evidence shows the child cannot attend.

What happens next
An officer of the Access to Education team becomes the family's named contact within five school days and calls them at least once a month. The officer agrees a plan with the school, the family and health professionals, and reviews it at least every six weeks.

Returning to school
Every plan includes steps back into the child's own school as soon as the child is well enough, with a reduced timetable only for as long as it is needed.

Publication and awareness
This policy is published on the council's Local Offer and is sent to all education staff every six months and to every school each term."""

HEALTH_TEXT_V2 = HEALTH_TEXT.replace(
    "reviews it at least every six weeks.",
    "reviews it at least every six weeks, and sooner if the child's health changes.",
)

FIFTEEN_DAYS_TEXT = """For head teachers and attendance leads.

1. Keep the pupil on your roll. A pupil who is ill must not be removed from the roll because of absence.
2. By the 15th day of absence, in one stretch or added up this school year, tell the Access to Education team through Roll Call ("Tell us about a pupil who cannot attend because of health needs").
3. Send what you know: the health need, any medical evidence you hold, work already sent home, and the family's contact details.
4. Keep sending work and keep in touch with the family every week until the council's arrangements begin.
5. Take part in the reintegration plan and tell the named officer when the pupil's attendance changes.

If you are unsure, ask the Access to Education team: it is better to tell us early than late."""


def _backdate(campaign: CirculationCampaign, sent_on: dt.date, acknowledge_days: int) -> None:
    at = dt.datetime.combine(sent_on, dt.time(9, 30), tzinfo=dt.UTC)
    CirculationCampaign.objects.filter(pk=campaign.pk).update(
        sent_at=at,
        sent_on=sent_on,
        acknowledge_by=circulation.acknowledge_by(sent_on, acknowledge_days),
        next_due=circulation.next_circulation_date(sent_on, campaign.recurs_every_months),
    )


def _acknowledge_some(
    campaign: CirculationCampaign, share: float, rng: random.Random, sent_on: dt.date
) -> int:
    user_ids = list(campaign.recipients.values_list("user_id", flat=True).order_by("user_id"))
    chosen = rng.sample(user_ids, round(len(user_ids) * share))
    Recipient.objects.filter(campaign=campaign, user_id__in=chosen).update(
        acknowledged_at=dt.datetime.combine(sent_on, dt.time(14, 0), tzinfo=dt.UTC)
        + dt.timedelta(days=rng.randint(0, 10))
    )
    return len(chosen)


def demo_policies(*, rng: random.Random, today: dt.date) -> str:
    """Create the demo policies and circulations; returns a one-line summary."""
    head = User.objects.filter(memberships__role=Role.HEAD_OF_SERVICE.value).order_by("pk").first()
    if head is None:
        return "Policies: no head of service, so no policies made."

    health = services.policy_create(
        title="Children unable to attend school because of health needs",
        summary="How the council makes sure a child who is too ill to go to school still gets an education.",
        owner=head,
        actor=head,
        local_offer_url="https://localoffer.northmoor.example/health-needs",
        review_date=circulation.add_months(today, 7),
        audience_note="Families, schools and all education staff",
    )
    v1 = services.version_add(policy=health, actor=head, text=HEALTH_TEXT, change_summary="First version")
    services.version_publish(version=v1, actor=head)
    staff_sent = today - dt.timedelta(days=150)
    PolicyVersion.objects.filter(pk=v1.pk).update(published_at=F("created_at") - dt.timedelta(days=160))
    staff_campaign = services.campaign_send(
        version=v1,
        audience=CirculationCampaign.Audience.STAFF,
        acknowledge_by=circulation.acknowledge_by(today),
        recurs_every_months=circulation.DEFAULT_RECUR_MONTHS,
        actor=head,
    )
    _backdate(staff_campaign, staff_sent, 14)
    staff_acks = _acknowledge_some(staff_campaign, 0.8, rng, staff_sent)
    services.version_add(
        policy=health,
        actor=head,
        text=HEALTH_TEXT_V2,
        change_summary="Plans are reviewed sooner when a child's health changes",
    )

    guidance = services.policy_create(
        title="What to do when a child cannot attend school for 15 or more days",
        summary="The steps every school takes when a pupil's health keeps them away for 15 days or more.",
        owner=head,
        actor=head,
        local_offer_url="https://localoffer.northmoor.example/fifteen-days",
        review_date=circulation.add_months(today, 10),
        audience_note="Head teachers and attendance leads",
    )
    g1 = services.version_add(
        policy=guidance, actor=head, text=FIFTEEN_DAYS_TEXT, change_summary="First version"
    )
    services.version_publish(version=g1, actor=head)
    schools_sent = today - dt.timedelta(days=21)
    try:
        schools_campaign = services.campaign_send(
            version=g1,
            audience=CirculationCampaign.Audience.SCHOOLS,
            acknowledge_by=circulation.acknowledge_by(today),
            recurs_every_months=circulation.DEFAULT_RECUR_MONTHS,
            actor=head,
        )
    except services.PolicyError:
        return f"Policies: 2 published, staff circulation to {staff_campaign.recipients.count()} people."
    _backdate(schools_campaign, schools_sent, 14)
    school_acks = _acknowledge_some(schools_campaign, 0.6, rng, schools_sent)
    return (
        f"Policies: 2 published (1 draft waiting); staff circulation {staff_acks} of "
        f"{staff_campaign.recipients.count()} acknowledged; schools circulation {school_acks} of "
        f"{schools_campaign.recipients.count()} acknowledged."
    )
