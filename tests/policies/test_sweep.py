"""The policies step of the daily sweep: reminders, six-monthly re-circulation and review notices.

Every test runs the sweep twice: the second run must create nothing new.
"""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.casework.calendar import council_calendar
from rollcall.notify.models import Message
from rollcall.policies import services
from rollcall.policies.models import CirculationCampaign, Policy, PolicyVersion, Recipient
from rollcall.policies.sweep import policies_sweep

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 16)


def _run(day: dt.date) -> dict[str, int]:
    with time_machine.travel(dt.datetime.combine(day, dt.time(6, 0), tzinfo=dt.UTC), tick=False):
        return policies_sweep(today=day, calendar=council_calendar())


@pytest.fixture
def campaign(
    published: PolicyVersion, head_of_service: User, inclusion_officer: User, inclusion_manager: User
) -> CirculationCampaign:
    return services.campaign_send(
        version=published,
        audience=CirculationCampaign.Audience.STAFF,
        acknowledge_by=TODAY + dt.timedelta(days=14),
        recurs_every_months=6,
        actor=head_of_service,
    )


def test_nothing_is_due_on_the_day_of_sending(campaign: CirculationCampaign, terms: None) -> None:
    assert _run(TODAY) == {"policy_reminders": 0, "policy_recirculations": 0, "policy_reviews_due": 0}


def test_people_who_have_not_acknowledged_are_reminded_a_week_before_and_on_the_deadline(
    campaign: CirculationCampaign, inclusion_officer: User, head_of_service: User, terms: None
) -> None:
    services.acknowledge(campaign=campaign, user=head_of_service)
    week_before = TODAY + dt.timedelta(days=7)
    assert _run(week_before - dt.timedelta(days=1))["policy_reminders"] == 0
    assert _run(week_before)["policy_reminders"] == 2  # the officer and the manager, not the head
    assert _run(week_before)["policy_reminders"] == 0
    assert _run(week_before + dt.timedelta(days=1))["policy_reminders"] == 0  # same reminder date
    services.acknowledge(campaign=campaign, user=inclusion_officer)
    deadline = TODAY + dt.timedelta(days=14)
    assert _run(deadline)["policy_reminders"] == 1
    assert _run(deadline)["policy_reminders"] == 0
    assert _run(deadline + dt.timedelta(days=1))["policy_reminders"] == 0
    assert Message.objects.filter(key__startswith="policy-reminder:", recipient=head_of_service).count() == 0
    officer_row = Recipient.objects.get(campaign=campaign, user=inclusion_officer)
    assert officer_row.reminded_at is not None


def test_a_recurring_campaign_is_sent_again_with_the_current_version_after_six_months(
    campaign: CirculationCampaign, policy: Policy, head_of_service: User, terms: None
) -> None:
    with time_machine.travel(dt.datetime(2027, 1, 5, 10, tzinfo=dt.UTC), tick=False):
        v2 = services.version_add(policy=policy, actor=head_of_service, text="Version two.")
        services.version_publish(version=v2, actor=head_of_service)
    due = dt.date(2027, 5, 16)
    assert _run(due - dt.timedelta(days=1))["policy_recirculations"] == 0
    assert _run(due)["policy_recirculations"] == 1
    assert _run(due)["policy_recirculations"] == 0
    campaign.refresh_from_db()
    new = campaign.next_campaign
    assert new is not None
    assert campaign.next_due is None
    assert new.version == v2
    assert new.sent_on == due
    assert new.acknowledge_by == due + dt.timedelta(days=14)
    assert new.next_due == dt.date(2027, 11, 16)
    assert new.created_by is None
    assert new.recipients.count() == 3
    note = Message.objects.get(recipient=head_of_service, key__startswith="policy-recirculated:")
    assert "The six-monthly circulation of" in note.body
    assert "has been sent to 3 people" in note.body
    assert CirculationCampaign.objects.count() == 2


def test_a_one_off_campaign_is_never_sent_again(
    published: PolicyVersion, head_of_service: User, terms: None
) -> None:
    services.campaign_send(
        version=published,
        audience=CirculationCampaign.Audience.STAFF,
        acknowledge_by=TODAY,
        recurs_every_months=0,
        actor=head_of_service,
    )
    assert _run(dt.date(2028, 1, 1))["policy_recirculations"] == 0
    assert CirculationCampaign.objects.count() == 1


def test_the_owner_is_told_once_per_review_date(
    policy: Policy, published: PolicyVersion, head_of_service: User, terms: None
) -> None:
    Policy.objects.filter(pk=policy.pk).update(review_date=TODAY)
    draft_only = services.policy_create(title="Draft only", owner=head_of_service, actor=head_of_service)
    Policy.objects.filter(pk=draft_only.pk).update(review_date=TODAY)
    assert _run(TODAY - dt.timedelta(days=1))["policy_reviews_due"] == 0
    assert _run(TODAY)["policy_reviews_due"] == 1
    assert _run(TODAY + dt.timedelta(days=3))["policy_reviews_due"] == 0
    Policy.objects.filter(pk=policy.pk).update(review_date=TODAY + dt.timedelta(days=5))
    assert _run(TODAY + dt.timedelta(days=5))["policy_reviews_due"] == 1


def test_the_sweep_makes_a_fixed_number_of_queries_however_many_recipients(
    published: PolicyVersion, head_of_service: User, terms: None, django_assert_max_num_queries: object
) -> None:
    from tests import factories

    for _ in range(30):
        factories.school_user(factories.SchoolFactory.create())
    services.campaign_send(
        version=published,
        audience=CirculationCampaign.Audience.SCHOOLS,
        acknowledge_by=TODAY + dt.timedelta(days=14),
        recurs_every_months=0,
        actor=head_of_service,
    )
    calendar = council_calendar()
    day = TODAY + dt.timedelta(days=7)
    with (
        time_machine.travel(dt.datetime.combine(day, dt.time(6, 0), tzinfo=dt.UTC), tick=False),
        django_assert_max_num_queries(12),  # type: ignore[operator]
    ):
        counts = policies_sweep(today=day, calendar=calendar)
    assert counts["policy_reminders"] == 30


def test_the_step_runs_inside_the_daily_sweep(
    campaign: CirculationCampaign, council: None, settings: object
) -> None:
    from rollcall.casework.sweep import sweep

    settings.SWEEP_STEPS = ["rollcall.policies.sweep.policies_sweep"]  # type: ignore[attr-defined]
    day = TODAY + dt.timedelta(days=7)
    with time_machine.travel(dt.datetime.combine(day, dt.time(6, 0), tzinfo=dt.UTC), tick=False):
        first = sweep(today=day)
        second = sweep(today=day)
    assert first.counts["policy_reminders"] == 3
    assert second.counts["policy_reminders"] == 0


def test_a_recirculation_made_by_a_sweep_run_for_a_later_date_is_stamped_with_that_date_and_sent_once(
    campaign: CirculationCampaign, head_of_service: User, terms: None
) -> None:
    """Issue 14: ``--date D`` stamped the new campaign with the wall clock's date, so its next
    circulation fell due at once and a later run for the same date sent the policy again."""
    day = dt.date(2027, 5, 17)  # the six-monthly circulation fell due on 16 May (a Sunday)
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, tzinfo=dt.UTC), tick=False):
        assert policies_sweep(today=day, calendar=council_calendar())["policy_recirculations"] == 1
        assert policies_sweep(today=day, calendar=council_calendar())["policy_recirculations"] == 0
    campaign.refresh_from_db()
    new = campaign.next_campaign
    assert new is not None
    assert new.sent_on == day
    assert clock.local_date(new.sent_at) == day
    assert new.next_due == dt.date(2027, 11, 17)
    assert CirculationCampaign.objects.count() == 2
    sent = Message.objects.filter(key__startswith=f"policy-campaign:{new.pk}:").values_list(
        "created_at", flat=True
    )
    assert {clock.local_date(at) for at in sent} == {day}


def test_a_recirculation_re_run_for_a_missed_day_after_its_deadline_has_passed_is_still_sent(
    campaign: CirculationCampaign, head_of_service: User, terms: None
) -> None:
    """An operator re-running a missed day weeks later: the acknowledge-by date counts from the
    sweep's date, so it is not refused as "in the past" by the wall clock (which lost the campaign)."""
    day = dt.date(2027, 5, 17)
    with time_machine.travel(dt.datetime(2027, 6, 21, 10, tzinfo=dt.UTC), tick=False):
        assert policies_sweep(today=day, calendar=council_calendar())["policy_recirculations"] == 1
    campaign.refresh_from_db()
    assert campaign.next_campaign is not None
    assert campaign.next_campaign.sent_on == day
    assert campaign.next_campaign.acknowledge_by == day + dt.timedelta(days=14)
