"""The home-education step of the daily sweep (settings.SWEEP_STEPS) and its invariant check
(settings.SWEEP_INVARIANTS).

- Records open from what casework and the schools already hold, since casework may not import
  this app: every CME case closed with the outcome "elective home education registered", and
  every removal notice on ground (f) (the parent's written notice), once each (``EHESource``'s
  unique columns), unless the child is back on a roll. A child with an open record has the new
  source joined to it. A special school's notice waits for the council's consent.
- A child who joins a school roll closes their home-education record and attendance order route
  ("on_roll"), as the workflows let Roll Call do.
- The owner is reminded once of a review coming due (message key ``ehe-review:<record>:<date>``).
- Requests for the register information (s.436D/E): the officer (the record's owner, or who
  asked) is reminded once as one falls due (``ehe-request:<pk>:reminder``) and told once when it
  is overdue (``ehe-request:<pk>:overdue``), by the rules' dates from the sweep's day.

Set-based: a few queries for the sources, bulk case opening; idempotent by unique keys.
"""

from __future__ import annotations

import datetime as dt
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from simple_history.utils import bulk_create_with_history

from rollcall.accounts.models import Team
from rollcall.casework.events import BulkEvent, events_record_bulk
from rollcall.casework.models import Case
from rollcall.casework.services import (
    BulkCaseItem,
    CaseworkError,
    case_transition,
    cases_open_bulk,
)
from rollcall.casework.sweep import sweep_instant
from rollcall.homeeducation.events import EHE_REGISTERED, EHE_SOURCE_JOINED
from rollcall.homeeducation.models import EHERecord, EHESettings, EHESource, InformationRequest
from rollcall.homeeducation.notinschool import information_timescales
from rollcall.homeeducation.services import ehe_team, first_tasks, is_special_school
from rollcall.notify.services import messages_send_bulk
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.not_in_school import request_state
from rollcall.schools.models import RemovalNotice, RollEntry, School

_CME_SOURCE = EHERecord.Source.CME_OUTCOME
_REMOVAL_SOURCE = EHERecord.Source.REMOVAL


def _on_a_roll() -> Exists:
    return Exists(RollEntry.objects.filter(child=OuterRef("child"), on_roll_to__isnull=True))


def records_open_from_sources(*, today: dt.date, calendar: SchoolCalendar) -> tuple[int, int]:
    """Open a record for each child newly known to be home educated; returns (opened, joined)."""
    at = sweep_instant(today)
    cme = list(
        Case.objects.filter(kind="cme", outcome="ehe_registered", closed_at__isnull=False)
        .exclude(Exists(EHESource.objects.filter(cme_case=OuterRef("pk"))))
        .exclude(_on_a_roll())
        .values_list("pk", "child_id")
    )
    notices = list(
        RemovalNotice.objects.filter(ground="f")
        .exclude(Exists(EHESource.objects.filter(removal_notice=OuterRef("pk"))))
        .exclude(_on_a_roll())
        .values_list("pk", "child_id", "school_id", "parent_written_notice_date")
    )
    if not cme and not notices:
        return 0, 0
    if not Team.objects.filter(kind=Team.Kind.EHE).exists():
        # Nobody to own them yet: they wait (the removals show as breaches by name) rather than
        # stop the rest of the sweep.
        return 0, 0
    # One source per child opens the record (a removal notice first: it has the school and the
    # date of the written notice); every source is linked, so none is looked at again.
    sources: dict[int, list[tuple[str, int]]] = {}
    first_notice: dict[int, tuple[int | None, dt.date | None]] = {}
    for pk, child_id, school_id, notice_date in notices:
        sources.setdefault(child_id, []).append(("notice", pk))
        first_notice.setdefault(child_id, (school_id, notice_date))
    for pk, child_id in cme:
        sources.setdefault(child_id, []).append(("cme", pk))
    open_records = dict(
        EHERecord.objects.filter(case__closed_at__isnull=True, child_id__in=list(sources)).values_list(
            "child_id", "pk"
        )
    )
    schools = School.objects.in_bulk({school_id for school_id, _ in first_notice.values()})
    settings = EHESettings.current()
    new_children = [child_id for child_id in sources if child_id not in open_records]
    needs_consent = {
        child_id
        for child_id in new_children
        if child_id in first_notice and is_special_school(schools.get(first_notice[child_id][0]))
    }
    opened = 0
    with transaction.atomic():
        items = [
            BulkCaseItem(
                child_id=child_id,
                source=(_REMOVAL_SOURCE if child_id in first_notice else _CME_SOURCE).label[:100],
                first_tasks=tuple(
                    first_tasks(calendar, today, consent=child_id in needs_consent, settings=settings)
                ),
            )
            for child_id in new_children
        ]
        cases = cases_open_bulk(kind="ehe", team=ehe_team(), items=items, source="Home education", at=at)
        records = []
        for item, case in zip(items, cases, strict=True):
            left_school_id, notice_date = first_notice.get(item.child_id) or (None, None)
            records.append(
                EHERecord(
                    child_id=item.child_id,
                    case=case,
                    source=_REMOVAL_SOURCE if item.child_id in first_notice else _CME_SOURCE,
                    school_id=left_school_id,
                    notified_on=notice_date,
                    consent_needed=EHERecord.Consent.SPECIAL_SCHOOL if item.child_id in needs_consent else "",
                    next_review_on=case.next_action_due,
                    created_at=at,
                )
            )
        created = bulk_create_with_history(records, EHERecord, batch_size=500, default_date=at)
        opened = len(created)
        record_of = {record.child_id: record.pk for record in created} | open_records
        EHESource.objects.bulk_create(
            [
                EHESource(
                    record_id=record_of[child_id],
                    cme_case_id=pk if kind == "cme" else None,
                    removal_notice_id=pk if kind == "notice" else None,
                )
                for child_id, found in sources.items()
                for kind, pk in found
            ],
            batch_size=500,
        )
        team_id = ehe_team().pk
        events_record_bulk(
            records=[
                BulkEvent(
                    child_id=record.child_id,
                    verb=EHE_REGISTERED,
                    case_id=record.case_id,
                    team_id=team_id,
                    payload={"source": EHERecord.Source(record.source).label},
                )
                for record in created
            ]
            + [
                BulkEvent(
                    child_id=child_id,
                    verb=EHE_SOURCE_JOINED,
                    team_id=team_id,
                    payload={"source": (_REMOVAL_SOURCE if child_id in first_notice else _CME_SOURCE).label},
                )
                for child_id in sources
                if child_id in open_records
            ],
            at=at,
        )
        # Few (special schools are rare): each waits for the council's consent.
        for record in created:
            if record.child_id in needs_consent:
                case_transition(case=record.case, target="consent", actor=None, at=at)
    return opened, len([c for c in sources if c in open_records])


def cases_close_on_roll(*, today: dt.date) -> int:
    """Close the open "ehe" and "sao" cases of children who have joined a school roll since the
    case opened: the child returning to a roll ends home education and the order route."""
    at = sweep_instant(today)
    candidates = list(
        Case.objects.open()
        .filter(kind__in=("ehe", "sao"))
        .filter(
            child__roll_entries__on_roll_to__isnull=True,
            child__roll_entries__on_roll_from__gte=F("opened_on"),
        )
        .select_related("child", "team", "owner")
        .order_by("kind", "pk")  # the "ehe" record first, then its order route
        .distinct()
    )
    schools = dict(
        RollEntry.objects.filter(
            on_roll_to__isnull=True, child_id__in=[case.child_id for case in candidates]
        ).values_list("child_id", "school__name")
    )
    closed = 0
    for case in candidates:
        try:
            with transaction.atomic():
                case_transition(
                    case=case,
                    target="closed",
                    actor=None,
                    outcome="on_roll",
                    outcome_details={"school": schools.get(case.child_id, "")},
                    at=at,
                )
        except (CaseworkError, IntegrityError):
            continue
        closed += 1
    EHERecord.objects.filter(case__closed_at__isnull=False, next_review_on__isnull=False).update(
        next_review_on=None
    )
    return closed


def review_reminders(*, today: dt.date) -> int:
    """Remind each owner once of a suitability review coming due."""
    settings = EHESettings.current()
    horizon = today + timedelta(days=settings.review_reminder_days)
    due = EHERecord.objects.filter(
        case__closed_at__isnull=True,
        case__status="suitable",
        next_review_on__gte=today,
        next_review_on__lte=horizon,
    ).values_list(
        "pk", "case_id", "case__owner_id", "next_review_on", "child__legal_forename", "child__legal_surname"
    )
    items = [
        (
            owner_id,
            f"Home-education review due {review:%d/%m/%Y}: {forename} {surname}",
            f"The review of {forename} {surname}'s home education is due on {review:%d/%m/%Y}.",
            reverse("casework:case", args=[case_id]),
            f"ehe-review:{pk}:{review.isoformat()}",
        )
        for pk, case_id, owner_id, review, forename, surname in due
        if owner_id is not None and review is not None
    ]
    return messages_send_bulk(items, at=sweep_instant(today))


def request_reminders(*, today: dt.date) -> tuple[int, int, int]:
    """Remind the officer once of each unanswered request as it falls due, and tell them once
    when it is overdue. Returns (reminders sent, overdue notices sent, requests overdue today)."""
    t = information_timescales()
    rows = InformationRequest.objects.filter(
        answered_on__isnull=True, due_on__lte=today + timedelta(days=t.reminder_days)
    ).values_list(
        "pk",
        "due_on",
        "answered_on",
        "record__case__owner_id",
        "requested_by_id",
        "record__case_id",
        "arrangement_id",
    )
    reminders, overdue = [], []
    for pk, due_on, answered_on, owner_id, asker_id, case_id, arrangement_id in rows:
        state = request_state(due_on, answered_on, today, t)
        reference = f"RQ-{pk:06d}"
        url = (
            reverse("casework:case", args=[case_id])
            if case_id is not None
            else reverse("homeeducation:arrangement", args=[arrangement_id])
        )
        recipient = owner_id or asker_id
        if state == "reminder":
            reminders.append(
                (
                    recipient,
                    f"Request for information {reference} due {due_on:%d/%m/%Y}",
                    f"The answer to request {reference} for the register information is due on {due_on:%d/%m/%Y}.",
                    url,
                    f"ehe-request:{pk}:reminder",
                )
            )
        elif state == "overdue":
            overdue.append(
                (
                    recipient,
                    f"Request for information {reference} overdue",
                    f"No answer to request {reference} for the register information: it was due on "
                    f"{due_on:%d/%m/%Y}. Chase it or consider what follows.",
                    url,
                    f"ehe-request:{pk}:overdue",
                )
            )
    at = sweep_instant(today)
    return messages_send_bulk(reminders, at=at), messages_send_bulk(overdue, at=at), len(overdue)


def ehe_sweep(*, today: dt.date, calendar: SchoolCalendar) -> dict[str, int]:
    closed = cases_close_on_roll(today=today)
    opened, joined = records_open_from_sources(today=today, calendar=calendar)
    reminded = review_reminders(today=today)
    request_reminded, overdue_told, overdue = request_reminders(today=today)
    return {
        "ehe_closed_on_roll": closed,
        "ehe_records_opened": opened,
        "ehe_sources_joined": joined,
        "ehe_review_reminders": reminded,
        "ehe_request_reminders": request_reminded,
        "ehe_requests_overdue_told": overdue_told,
        "ehe_requests_overdue": overdue,
        "ehe_breaches": len(ehe_invariant_breaches(today=today)),
    }


def ehe_invariant_breaches(*, today: dt.date) -> list[str]:
    """The invariant for home education: every child registered as home educated has an active
    owner and a next review date; and no child removed for home education is without a record."""
    breaches = [
        f"{record.child} ({record.case.reference}): registered as home educated with no active owner "
        "or no next review date"
        for record in EHERecord.objects.filter(case__closed_at__isnull=True)
        .filter(
            Q(case__owner__isnull=True) | Q(case__owner__is_active=False) | Q(next_review_on__isnull=True)
        )
        .select_related("child", "case")
    ]
    breaches += [
        f"{notice.child} (UPN {notice.child.upn or 'none'}): removed from {notice.school} on "
        f"{notice.removal_date:%d/%m/%Y} to be home educated and has no home-education record"
        for notice in RemovalNotice.objects.filter(ground="f")
        .exclude(Exists(EHESource.objects.filter(removal_notice=OuterRef("pk"))))
        .exclude(_on_a_roll())
        .select_related("child", "school")
    ]
    return breaches
