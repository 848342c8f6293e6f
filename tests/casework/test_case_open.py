"""Opening a case: who owns it, its first deadlines in school days, one open case per kind, the team told."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import transaction
from django.urls import reverse

from rollcall.accounts.models import Team
from rollcall.casework import events
from rollcall.casework.models import Case, Event
from rollcall.casework.services import (
    CaseworkError,
    case_open,
    case_transition,
)
from rollcall.notify.models import Message
from rollcall.rules.workflow import Role
from tests import factories
from tests.casework.services_support import LAST_DAY_BEFORE_HALF_TERM, open_case, snapshot

# ---- case_open ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_new_case_goes_to_the_teams_least_loaded_officer(
    council, frozen_clock, inclusion, inclusion_officer
):
    busy = inclusion_officer
    free = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="second.officer")
    for _ in range(2):
        case_open(child=factories.ChildFactory.create(), kind="cme", team=inclusion, source="x", owner=busy)
    case_open(child=factories.ChildFactory.create(), kind="cme", team=inclusion, source="x", owner=free)

    case = open_case(factories.ChildFactory.create(), inclusion)

    assert case.owner == free
    assert set(case.tasks.values_list("assignee_id", flat=True)) == {free.pk}


@pytest.mark.django_db
def test_a_new_case_ignores_closed_cases_and_managers_when_choosing_the_owner(
    council, frozen_clock, inclusion, inclusion_officer, inclusion_manager
):
    other = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="second.officer")
    closed = case_open(
        child=factories.ChildFactory.create(), kind="cme", team=inclusion, source="x", owner=other
    )
    case_transition(case=closed, target="closed", actor=inclusion_manager, outcome="ehe_registered")
    case_open(
        child=factories.ChildFactory.create(), kind="cme", team=inclusion, source="x", owner=inclusion_officer
    )

    case = open_case(factories.ChildFactory.create(), inclusion)

    assert case.owner == other


@pytest.mark.django_db
def test_a_cme_case_counts_its_first_deadlines_in_school_days_across_a_weekend_and_half_term(
    council, child, inclusion
):
    case = open_case(child, inclusion, at=LAST_DAY_BEFORE_HALF_TERM)

    tasks = {t.code: t.due for t in case.tasks.all()}
    # 1 school day after Friday 23 October skips the weekend and the half-term week.
    assert tasks["first_enquiry"] == dt.date(2026, 11, 2)
    # 20 school days: 2-6, 9-13, 16-20 and 23-27 November.
    assert tasks["enquiries_complete"] == dt.date(2026, 11, 27)
    assert case.opened_on == dt.date(2026, 10, 23)
    assert case.status == "new"
    assert case.next_action == "Make the first enquiry"
    assert case.next_action_due == dt.date(2026, 11, 2)
    # The manager hears of it 5 school days after the first enquiry fell due.
    assert case.next_escalation_on == dt.date(2026, 11, 9)


@pytest.mark.django_db
def test_a_removal_case_gives_five_school_days_to_challenge_the_school_across_half_term(
    council, child, inclusion
):
    case = open_case(child, inclusion, kind="removal", at=LAST_DAY_BEFORE_HALF_TERM)

    assert list(case.tasks.values_list("code", "due")) == [("challenge_removal", dt.date(2026, 11, 6))]
    assert case.next_action_due == dt.date(2026, 11, 6)


@pytest.mark.django_db
def test_a_case_opened_in_the_half_term_holiday_counts_from_the_next_school_day(council, child, inclusion):
    case = open_case(child, inclusion, at=dt.datetime(2026, 10, 28, 12, 0, tzinfo=dt.UTC))

    assert case.next_action_due == dt.date(2026, 11, 2)


@pytest.mark.django_db
def test_a_second_open_of_the_same_kind_joins_the_open_case(council, frozen_clock, child, inclusion):
    first = open_case(child, inclusion)
    before = snapshot()

    second = case_open(child=child, kind="cme", team=inclusion, source="removal notice from Moorside Academy")

    assert second.pk == first.pk
    assert Case.objects.filter(child=child).count() == 1
    update = Event.objects.get(case=first, verb=events.CASE_UPDATED)
    assert update.payload["what"] == "removal notice from Moorside Academy"
    after = snapshot()
    assert after["events"] == before["events"] + 1
    assert after["tasks"] == before["tasks"]
    assert after["messages"] == before["messages"]


@pytest.mark.django_db
def test_a_case_of_another_kind_opens_beside_the_cme_case(council, frozen_clock, child, inclusion):
    cme = open_case(child, inclusion)
    removal = open_case(child, inclusion, kind="removal")

    assert removal.pk != cme.pk
    assert Case.objects.open().filter(child=child).count() == 2


@pytest.mark.django_db
def test_a_new_case_tells_the_team_in_the_inbox_and_by_email(
    council,
    frozen_clock,
    child,
    inclusion,
    inclusion_officer,
    inclusion_manager,
    head_of_service,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        case = open_case(child, inclusion)

    messages = Message.objects.filter(key__startswith=f"case-opened:{case.pk}:")
    assert {m.recipient for m in messages} == {inclusion_officer, inclusion_manager}
    message = messages.first()
    assert message is not None
    assert message.subject == f"New child missing education case {case.reference}"
    assert "Amara Okafor" in message.body
    assert message.url == reverse("casework:case", args=[case.pk])
    assert sorted(e.to[0] for e in mail.outbox) == sorted([inclusion_officer.email, inclusion_manager.email])
    # The e-mail says only that there is a message (issue 13): the case stays behind sign-in.
    assert all(e.subject == "You have a new message in Roll Call" for e in mail.outbox)
    assert not any("Amara" in f"{e.subject}{e.body}" for e in mail.outbox)
    assert Message.objects.filter(recipient=head_of_service).count() == 0
    assert Message.objects.filter(emailed_at__isnull=True).count() == 0


@pytest.mark.django_db
def test_no_email_leaves_before_the_case_is_committed(council, frozen_clock, child, inclusion):
    with transaction.atomic():
        open_case(child, inclusion)
        assert mail.outbox == []


@pytest.mark.django_db
def test_a_team_with_nobody_to_own_the_case_refuses_it_and_saves_nothing(
    frozen_clock, terms, child, inclusion
):
    with pytest.raises(CaseworkError, match="has nobody to own the case"):
        open_case(child, inclusion)

    assert Case.objects.count() == 0
    assert Event.objects.filter(verb=events.CASE_OPENED).count() == 0
