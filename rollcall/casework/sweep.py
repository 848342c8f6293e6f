"""The daily sweep: remind, escalate up the ladder, close cases the rolls have resolved, and
check the one invariant (DESIGN.md).

Set-based: a handful of queries however many cases there are. Idempotent: escalations, review
tasks, flags and messages all carry unique keys, so a second run (or a run after a crash, since
each step is one transaction) creates nothing new.

Its date is its own: a sweep "as of" D (``rollcall_sweep --date D``, an operator re-running a
missed day) reads and writes exactly what a sweep on D would, whatever the wall clock says. Every
row it writes is dated from D and stamped with :func:`sweep_instant` (the start of D in England),
which each step and service is given explicitly; only the run's own ``started_at`` and
``finished_at`` are the real time.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings as django_settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.urls import reverse
from django.utils.module_loading import import_string

from rollcall import clock
from rollcall.accounts.models import Membership
from rollcall.casework import events
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case, Escalation, Flag, RuleSettings, SweepRun, Task
from rollcall.casework.services import (
    BulkFlag,
    BulkTask,
    cases_close_for_children_on_roll,
    flags_raise_bulk,
    tasks_create_bulk,
)
from rollcall.notify.services import messages_send_bulk
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.escalation import Level, level_for, next_escalation_date, overdue_school_days
from rollcall.rules.workflow import Role
from rollcall.schools.models import RemovalNotice, RollEntry

CHUNK = 2000


def _case_url(case_id: int) -> str:
    """The case page's address, resolved once per process rather than once per message
    (reverse() was about 15% of the sweep's time at 100,000 children)."""
    return f"{_case_url_prefix()}{case_id}/"


@functools.cache
def _case_url_prefix() -> str:
    return reverse("casework:case", args=[1]).removesuffix("1/")


def sweep_instant(today: dt.date) -> dt.datetime:
    """The instant a sweep as of ``today`` stamps its rows with: the start of that day in England.

    A fixed instant, so the same date always writes the same rows (a re-run for a missed day, or
    a second run, matches the first). The start of the day rather than the time the scheduler
    runs: a run on the day itself (cron may run it at any hour) never stamps a row in the future,
    everything the sweep did "as of" D comes before the officers' own work of D on a timeline, and
    midnight is never skipped or repeated by a clock change in London.
    """
    return clock.start_of_day(today)


@dataclass
class SweepReport:
    as_of: dt.date
    counts: dict[str, int] = field(default_factory=dict)
    breaches: list[str] = field(default_factory=list)


def sweep(*, today: dt.date | None = None, say: Callable[[str], None] | None = None) -> SweepRun:
    """Run every step of the sweep as of ``today`` (default: today in England) and record it.

    Every step takes ``today`` and stamps what it writes with ``sweep_instant(today)``, never the
    wall clock (only ``started_at`` and ``finished_at`` of the run are the real time).
    """
    today = today or clock.today()
    at = sweep_instant(today)
    say = say or (lambda _msg: None)
    run = SweepRun.objects.create(as_of=today, started_at=clock.now())
    calendar = council_calendar()
    settings = RuleSettings.current()
    counts: dict[str, int] = {}
    counts["closed_on_roll"] = cases_close_for_children_on_roll(at=at)
    say(f"Closed {counts['closed_on_roll']} cases whose child is back on a roll.")
    # Escalate before reminding, so the review tasks escalation creates are reminded in this
    # same run and a second run finds nothing left to do.
    counts.update(escalate(today=today, calendar=calendar, settings=settings, at=at))
    say(
        "Escalated {manager} to managers, {head_of_service} to heads of service, "
        "{exceptions} to the exceptions report.".format(**counts)
    )
    # Each area's own daily work (health check-ins, admissions windows, policy circulation...),
    # named in settings.SWEEP_STEPS, runs before the reminders so its new tasks are reminded too.
    for path in django_settings.SWEEP_STEPS:
        step_counts = import_string(path)(today=today, calendar=calendar)
        counts.update(step_counts)
        say(f"{path.rsplit('.', 1)[-1]}: " + ", ".join(f"{k} {v}" for k, v in step_counts.items()))
    counts["reminders"] = remind(today=today, calendar=calendar, at=at)
    say(f"Sent {counts['reminders']} reminders.")
    breaches = invariant_breaches(today=today)
    run.finished_at = clock.now()
    run.counts = counts
    run.breaches = breaches
    run.save(update_fields=["finished_at", "counts", "breaches"])
    return run


def remind(*, today: dt.date, calendar: SchoolCalendar, at: dt.datetime) -> int:
    """Remind each assignee of open tasks due today or on the next school day, once per task."""
    horizon = calendar.next_school_day(today)
    tasks = list(
        Task.objects.filter(
            status=Task.Status.OPEN, due__gte=today, due__lte=horizon, reminded_on__isnull=True
        )
        .filter(case__closed_at__isnull=True)
        .values_list("pk", "assignee_id", "title", "due", "case_id", "case__kind")
    )
    items = [
        (
            assignee_id,
            f"Due {'today' if due == today else 'next school day'}: {title}",
            f"{title} on case {kind.upper()}-{case_id:06d} is due on {due:%d/%m/%Y}.",
            _case_url(case_id),
            f"reminder:{pk}:{due.isoformat()}",
        )
        for pk, assignee_id, title, due, case_id, kind in tasks
    ]
    with transaction.atomic():
        sent = messages_send_bulk(items, at=at)
        ids = [t[0] for t in tasks]
        for start in range(0, len(ids), 900):
            Task.objects.filter(pk__in=ids[start : start + 900]).update(reminded_on=today)
    return sent


def escalate(
    *, today: dt.date, calendar: SchoolCalendar, settings: RuleSettings, at: dt.datetime
) -> dict[str, int]:
    """Move every case whose overdue work has crossed a rung of the ladder up to that rung.

    Only cases with ``next_escalation_on <= today`` are read (a partial index serves it).
    """
    counts = {"manager": 0, "head_of_service": 0, "exceptions": 0}
    due_cases = (
        Case.objects.open()
        .filter(next_escalation_on__lte=today, next_action_due__isnull=False)
        .order_by("pk")
        .values_list(
            "pk",
            "escalation_level",
            "next_action_due",
            "team_id",
            "owner_id",
            "child_id",
            "kind",
            "child__legal_forename",
            "child__legal_surname",
        )
    )
    managers = _people_by_team(Role.MANAGER)
    heads = list(
        Membership.objects.filter(role=Role.HEAD_OF_SERVICE.value, user__is_active=True)
        .values_list("user_id", flat=True)
        .distinct()
    )
    rows: list[tuple[int, int, dt.date, int, int, int, str, str, str]] = [
        (pk, level, due, team, owner, child, kind, forename, surname)
        for pk, level, due, team, owner, child, kind, forename, surname in due_cases
        if due is not None
    ]
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        with transaction.atomic():
            _escalate_chunk(chunk, today, at, calendar, settings, managers, heads, counts)
    return counts


def _people_by_team(role: Role) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for team_id, user_id in Membership.objects.filter(role=role.value, user__is_active=True).values_list(
        "team_id", "user_id"
    ):
        found[team_id].append(user_id)
    return found


def _escalate_chunk(
    chunk: list[tuple[int, int, dt.date, int, int, int, str, str, str]],
    today: dt.date,
    now: dt.datetime,
    calendar: SchoolCalendar,
    settings: RuleSettings,
    managers: dict[int, list[int]],
    heads: list[int],
    counts: dict[str, int],
) -> None:
    groups: dict[tuple[int, int, dt.date | None], list[int]] = defaultdict(list)
    reached: list[tuple[int, Level, dt.date]] = []
    info = {}
    for pk, level, due, team_id, owner_id, child_id, kind, forename, surname in chunk:
        new = Level(max(level, level_for(settings.ladder, overdue_school_days(calendar, due, today))))
        groups[(level, new, next_escalation_date(calendar, settings.ladder, due, new))].append(pk)
        reached += [(pk, Level(lvl), due) for lvl in range(level + 1, new + 1)]
        info[pk] = (team_id, owner_id, child_id, f"{kind.upper()}-{pk:06d}", f"{forename} {surname}", due)
    # Claim each group with a conditional update on the level read above, so a concurrent run
    # or an officer's change in between is never overwritten.
    for (old, target, next_on), ids in groups.items():
        Case.objects.filter(pk__in=ids, escalation_level=old).update(
            escalation_level=target, next_escalation_on=next_on, version=F("version") + 1
        )
    if not reached:
        return
    already = set(
        Escalation.objects.filter(case_id__in=info).values_list("case_id", "level", "overdue_since")
    )
    fresh = [(pk, lvl, due) for pk, lvl, due in reached if (pk, lvl.value, due) not in already]
    Escalation.objects.bulk_create(
        [
            Escalation(case_id=pk, level=lvl, reached_on=today, overdue_since=due, created_at=now)
            for pk, lvl, due in fresh
        ],
        ignore_conflicts=True,
    )
    event_rows: list[events.BulkEvent] = []
    review_tasks: list[BulkTask] = []
    flags: list[BulkFlag] = []
    messages = []
    next_day = calendar.next_school_day(today)
    for pk, lvl, due in fresh:
        team_id, owner_id, child_id, reference, name, _due = info[pk]
        url = _case_url(pk)
        days = overdue_school_days(calendar, due, today)
        event_rows.append(
            events.BulkEvent(
                child_id=child_id,
                case_id=pk,
                team_id=team_id,
                verb=events.CASE_ESCALATED,
                payload={
                    "reference": reference,
                    "level": lvl.value,
                    "level_label": lvl.label,
                    "overdue_since": due.isoformat(),
                },
            )
        )
        subject = f"{reference} escalated to {lvl.label.lower()}: {days} school days overdue"
        body = f"Work on {reference} ({name}) was due on {due:%d/%m/%Y} and is {days} school days overdue."
        if lvl is Level.MANAGER:
            counts["manager"] += 1
            recipients = managers.get(team_id, []) or heads
            messages += [
                (r, subject, body, url, f"escalation:{pk}:{lvl.value}:{due}:{r}") for r in recipients
            ]
            if recipients:
                review_tasks.append(
                    BulkTask(
                        case_id=pk,
                        code="escalation_review",
                        title="Review overdue case",
                        due=next_day,
                        assignee_id=recipients[0],
                        key=f"escalation-review:{pk}:{due}",
                    )
                )
        elif lvl is Level.HEAD_OF_SERVICE:
            counts["head_of_service"] += 1
            messages += [(r, subject, body, url, f"escalation:{pk}:{lvl.value}:{due}:{r}") for r in heads]
        elif lvl is Level.EXCEPTIONS:
            counts["exceptions"] += 1
            messages += [(r, subject, body, url, f"escalation:{pk}:{lvl.value}:{due}:{r}") for r in heads]
            flags.append(
                BulkFlag(
                    child_id=child_id,
                    case_id=pk,
                    code=Flag.Code.EXCEPTION,
                    details=f"{days} school days overdue",
                )
            )
        messages.append((owner_id, subject, body, url, f"escalation:{pk}:{lvl.value}:{due}:{owner_id}"))
    events.events_record_bulk(records=event_rows, at=now)
    tasks_create_bulk(tasks=review_tasks, at=now)
    flags_raise_bulk(flags=flags, at=now)
    messages_send_bulk(messages, at=now)


def invariant_breaches(*, today: dt.date) -> list[str]:
    """Every breach of the one invariant, by name: no child known to be out of school without an
    open case, a named officer and a next action that is not overdue past its escalation."""
    breaches: list[str] = []
    open_cases = Case.objects.open().select_related("child", "owner")
    for case in open_cases.filter(
        Q(owner__isnull=True) | Q(next_action_due__isnull=True) | Q(owner__is_active=False)
    ):
        breaches.append(
            f"{case.child} ({case.reference}): open case with no active owner or no next action date"
        )
    for case in open_cases.filter(next_escalation_on__lte=today):
        breaches.append(
            f"{case.child} ({case.reference}): next action overdue since {case.next_action_due:%d/%m/%Y} "
            "and not escalated"
        )
    # Children a school removed with no known destination who are not back on a roll and have
    # no case: the council knows they are out of school, so someone must own them.
    current_roll = RollEntry.objects.filter(child=OuterRef("child"), on_roll_to__isnull=True)
    open_case = Case.objects.filter(child=OuterRef("child"), closed_at__isnull=True)
    # A case closed since the notice accounts for the child only if it says how it ended: one
    # closed without an outcome is no case at all (the closed_case_has_outcome constraint keeps
    # them out; this keeps the check honest should one ever get in).
    later_closed = Case.objects.filter(
        child=OuterRef("child"), closed_at__gte=OuterRef("received_at")
    ).exclude(outcome="")
    lost = (
        RemovalNotice.objects.filter(destination_school__isnull=True, destination_details="")
        .exclude(Exists(current_roll))
        .exclude(Exists(open_case))
        .exclude(Exists(later_closed))
        .select_related("child", "school")
    )
    for notice in lost:
        breaches.append(
            f"{notice.child} (UPN {notice.child.upn or 'none'}): removed from {notice.school} on "
            f"{notice.removal_date:%d/%m/%Y} with no known destination and has no open case"
        )
    # Each area's part of the invariant (settings.SWEEP_INVARIANTS): nobody lost between school
    # rolls, every child registered as home educated with an owner and a next review date, …
    for path in getattr(django_settings, "SWEEP_INVARIANTS", []):
        breaches.extend(import_string(path)(today=today))
    return breaches
