"""The admissions step of the daily sweep (settings.SWEEP_STEPS).

Seed 002: a school that has not confirmed within the window is reminded and the officer gets a
task to follow up; a child not on roll, or on roll but not attending, after the second window is
referred to Inclusion as a child missing education, with the whole history.

Set-based selection: each stage is one query for what is newly due, bulk messages and bulk
tasks (unique keys), and one conditional UPDATE that marks the rows done, so a second run finds
nothing. Only the CME referral and case moves go item by item through the casework services
(each newly due request once, ever), because opening a case must tell Inclusion and write the
timeline exactly as an officer's referral would.

Everything is dated from the sweep's ``today`` and stamped with its instant (``sweep_instant``),
never the wall clock: a run for a missed day writes what that day's run would have.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.urls import reverse

from rollcall.accounts.models import Membership
from rollcall.admissions.events import SCHOOL_REMINDED
from rollcall.admissions.models import AdmissionSettings, DeferredPlace, FairAccessReferral, PutOnRollRequest
from rollcall.admissions.services import admissions_members, refer_cme
from rollcall.casework.events import BulkEvent, events_record_bulk
from rollcall.casework.models import Case
from rollcall.casework.services import BulkTask, case_transition, tasks_create_bulk
from rollcall.casework.sweep import sweep_instant
from rollcall.formats import long_date
from rollcall.notify.services import heads_of_service, messages_send_bulk
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.workflow import Role
from rollcall.schools.models import RollEntry


def _school_user_ids(school_ids: set[int]) -> dict[int, list[int]]:
    """Each school's active users, in one query."""
    users: dict[int, list[int]] = {}
    for school_id, user_id in Membership.objects.filter(
        role=Role.SCHOOL.value, school_id__in=school_ids, user__is_active=True
    ).values_list("school_id", "user_id"):
        users.setdefault(school_id, []).append(user_id)
    return users


def _remind_schools(today: dt.date, now: dt.datetime, calendar: SchoolCalendar) -> int:
    """No answer by the due date: remind the school, task the officer, move the case on (once)."""
    due = list(
        PutOnRollRequest.objects.filter(
            case__isnull=False,
            answer="",
            checked_off_at__isnull=True,
            referred_cme_on__isnull=True,
            reminded_on__isnull=True,
            answer_due__lt=today,
        ).select_related("child", "school", "case")
    )
    if not due:
        return 0
    users = _school_user_ids({r.school_id for r in due})
    follow_up_due = calendar.add_school_days(today, 2)
    with transaction.atomic():
        messages_send_bulk(
            (
                (
                    user_id,
                    f"Reminder: is {r.child.full_name} on your roll?",
                    f"We asked you to confirm by {long_date(r.answer_due)} whether {r.child.full_name} is on roll "
                    f"at {r.school.name}. Please answer now.",
                    reverse("admissions:school_request", args=[r.pk]),
                    f"put-on-roll-reminder:{r.pk}:{user_id}",
                )
                for r in due
                for user_id in users.get(r.school_id, [])
            ),
            at=now,
        )
        tasks_create_bulk(
            tasks=[
                BulkTask(
                    case_id=r.case.pk,
                    code="admission_follow_up",
                    title="No answer from the school: contact the family and the school",
                    due=follow_up_due,
                    assignee_id=r.case.owner_id,
                    key=f"admission-follow-up:{r.pk}",
                )
                for r in due
                if r.case is not None and r.case.owner_id is not None
            ],
            at=now,
        )
        events_record_bulk(
            records=[
                BulkEvent(
                    child_id=r.child_id,
                    case_id=r.case_id,
                    team_id=r.case.team_id if r.case else None,
                    verb=SCHOOL_REMINDED,
                    payload={"school": r.school.name, "answer_due": r.answer_due.isoformat()},
                )
                for r in due
            ],
            at=now,
        )
        marked = PutOnRollRequest.objects.filter(pk__in=[r.pk for r in due], reminded_on__isnull=True).update(
            reminded_on=today
        )
        for r in due:
            if r.case is not None and r.case.is_open and r.case.status == "awaiting_school":
                case_transition(case=r.case, target="follow_up", actor=None, at=now)
    return marked


def _refer_not_taken_up(today: dt.date, now: dt.datetime) -> int:
    """After the second window, not on roll or not attending: refer to Inclusion as CME."""
    due = (
        PutOnRollRequest.objects.filter(
            case__isnull=False,
            case__closed_at__isnull=True,
            referred_cme_on__isnull=True,
            second_window_ends__lt=today,
        )
        .filter(Q(attended_from__isnull=True))
        .select_related("child", "school", "case", "application", "offer")
        .prefetch_related("contacts")
    )
    count = 0
    for request in due:
        refer_cme(request=request, today=today, at=now)
        count += 1
    return count


def _close_waiting_on_roll(now: dt.datetime) -> int:
    """A 'waiting for a place' case closes only when the child is on a roll."""
    on_roll = RollEntry.objects.filter(child=OuterRef("child"), on_roll_to__isnull=True).order_by(
        "-on_roll_from"
    )
    closed = 0
    cases = Case.objects.open().filter(kind="waiting", closed_at__isnull=True)
    for case in cases.annotate(school_name=Subquery(on_roll.values("school__name")[:1])).filter(
        school_name__isnull=False
    ):
        case_transition(
            case=case,
            target="closed",
            actor=None,
            outcome="on_roll",
            outcome_details={"school": str(case.school_name)},  # type: ignore[attr-defined]
            at=now,
        )
        closed += 1
    return closed


def _check_deferred(today: dt.date, now: dt.datetime) -> int:
    """On the day a deferred place starts, check the child is on that school's roll."""
    due = DeferredPlace.objects.filter(checked_on__isnull=True, due_to_start__lte=today)
    started = RollEntry.objects.filter(child=OuterRef("child"), school=OuterRef("school"))
    rows = list(due.annotate(has_started=Exists(started)).select_related("child", "school"))
    if not rows:
        return 0
    with transaction.atomic():
        for value in (True, False):
            DeferredPlace.objects.filter(pk__in=[p.pk for p in rows if p.has_started is value]).update(
                checked_on=today, started=value
            )
        members = [u.pk for u in admissions_members()]
        messages_send_bulk(
            (
                (
                    user_id,
                    f"Deferred place not started: {p.child.full_name}",
                    f"{p.child.full_name} was due to start at {p.school.name} on {long_date(p.due_to_start)} "
                    "and is not on its roll.",
                    reverse("admissions:deferred"),
                    f"deferred-not-started:{p.pk}:{user_id}",
                )
                for p in rows
                if not p.has_started
                for user_id in members
            ),
            at=now,
        )
    return len(rows)


def _escalate_fair_access(today: dt.date, now: dt.datetime) -> dict[str, int]:
    """Fair Access escalation: placement overdue → remind the school; 7 days on → head of service."""
    open_ = FairAccessReferral.objects.filter(admitted_on__isnull=True, case__closed_at__isnull=True)
    remind = list(
        open_.filter(
            placement_due__lt=today, reminded_on__isnull=True, school_allocated__isnull=False
        ).select_related("child", "school_allocated")
    )
    users = _school_user_ids({r.school_allocated_id for r in remind if r.school_allocated_id})
    messages_send_bulk(
        (
            (
                user_id,
                f"Fair Access: {r.child.full_name} not yet admitted",
                f"The 20 school days to place {r.child.full_name} ended on {long_date(r.placement_due)}. "
                "Please admit the child now or tell the Admissions team why not.",
                "",
                f"fair-access-reminder:{r.pk}:{user_id}",
            )
            for r in remind
            for user_id in users.get(r.school_allocated_id or 0, [])
        ),
        at=now,
    )
    reminded = open_.filter(pk__in=[r.pk for r in remind]).update(reminded_on=today)
    escalate = list(
        open_.filter(
            reminded_on__lt=today - dt.timedelta(days=AdmissionSettings.current().school_response_days),
            escalated_on__isnull=True,
        ).select_related("child", "school_allocated")
    )
    heads = [u.pk for u in heads_of_service()]
    messages_send_bulk(
        (
            (
                user_id,
                f"Fair Access escalation: {r.child.full_name}",
                f"{r.school_allocated} has not admitted {r.child.full_name}, placement due "
                f"{long_date(r.placement_due)}. Consider a direction (or asking the Secretary of State).",
                reverse("admissions:fair_access_detail", args=[r.pk]),
                f"fair-access-escalated:{r.pk}:{user_id}",
            )
            for r in escalate
            for user_id in heads
        ),
        at=now,
    )
    escalated = open_.filter(pk__in=[r.pk for r in escalate]).update(escalated_on=today)
    return {"fair_access_reminded": reminded, "fair_access_escalated": escalated}


def admissions_sweep(*, today: dt.date, calendar: SchoolCalendar) -> dict[str, int]:
    """Run the admissions stages as of ``today``; returns counts. Idempotent."""
    now = sweep_instant(today)
    counts = {
        "admission_reminded": _remind_schools(today, now, calendar),
        "admission_referred_cme": _refer_not_taken_up(today, now),
        "waiting_closed_on_roll": _close_waiting_on_roll(now),
        "deferred_checked": _check_deferred(today, now),
    }
    counts.update(_escalate_fair_access(today, now))
    return counts


__all__ = ["admissions_sweep"]
