"""What the attendance rules prompt: cases, tasks, messages and flags, many children at a time.

:func:`rollcall.attendance.evaluation.evaluate` finds the pupils who reach each trigger and hands
them here as :class:`Finding` lists. Each function acts on a whole list in a few queries (never one
per child) and never acts twice on the same facts:

- Every prompt has a **key** naming the facts it is about (see the ``*_key`` functions): illness
  keys carry the number of illness days this year, streak keys the first day of the streak,
  "possibly left" keys the pupil, the school and the first unmarked day.
- Whatever a prompt does (open a case, add the new facts to an open case, add a task, list the
  pupil to the school) records one timeline event whose payload carries ``attendance_key``.
  Before acting, the keys already on the children's timelines are looked up in one query; those
  are skipped. So a second evaluation of the same marks does nothing, a case closed by an officer
  is not reopened by the same facts, and new facts (more illness, a new streak) act again.
- A child with an open case of the kind gets the new facts as a "new information" event on it
  instead of a second case (one open case per kind is a database constraint).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse

from rollcall import clock
from rollcall.accounts.models import Membership, Team
from rollcall.attendance.events import POSSIBLY_LEFT_ASKED
from rollcall.casework import events
from rollcall.casework.calendar import council_calendar
from rollcall.casework.events import BulkEvent, events_record_bulk
from rollcall.casework.models import Case, Event, Flag, RuleSettings
from rollcall.casework.services import (
    BulkCaseItem,
    BulkFlag,
    BulkTask,
    CaseworkError,
    cases_next_action_bulk,
    cases_open_bulk,
    first_tasks,
    flags_clear_bulk,
    flags_raise_bulk,
    tasks_create_bulk,
)
from rollcall.formats import long_date
from rollcall.health.services import access_team, health_first_tasks
from rollcall.notify.services import messages_send_bulk
from rollcall.people.models import Child
from rollcall.rules.calendar import SchoolCalendar
from rollcall.rules.workflow import Role
from rollcall.schools.models import School

SCHOOL_ENQUIRIES_SCHOOL_DAYS = 5  # Roll Call's default (to confirm with the council)
GROUND_I_DECISION_SCHOOL_DAYS = 5  # Roll Call's default (to confirm with the council)

_CHUNK = 400  # ids per IN (...) list: well under SQLite's limit on query parameters
_LISTED = 50  # pupils listed in one message; the list page has them all


@dataclass
class PromptCounts:
    """What one trigger led to in one evaluation."""

    found: int = 0
    cases_opened: int = 0
    cases_updated: int = 0
    tasks_added: int = 0
    flags_raised: int = 0
    flags_cleared: int = 0
    messages: int = 0

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Finding:
    """One pupil reaching one trigger.

    ``days`` is the count that reached it (illness days, the length of a streak, days without
    marks); ``since`` the first school day of the streak (None for illness, which is cumulative);
    ``school_id`` the school whose marks show it (for child-level triggers, the most recent roll);
    ``as_of`` the last school day the marks were evaluated to.
    """

    child_id: int
    school_id: int
    academic_year: int
    days: int
    as_of: dt.date
    since: dt.date | None = None


def illness_key(f: Finding) -> str:
    return f"attendance:illness:{f.child_id}:{f.academic_year}:{f.days}"


def missing_key(f: Finding) -> str:
    return f"attendance:missing:{f.child_id}:{f.since}"


def ground_i_key(f: Finding) -> str:
    return f"attendance:ground_i:{f.child_id}:{f.since}"


def possibly_left_key(f: Finding) -> str:
    return f"attendance:possibly_left:{f.child_id}:{f.school_id}:{f.since}"


# ---- helpers -------------------------------------------------------------------------------------


def _chunks(values: Sequence[Any], size: int = _CHUNK) -> Iterable[Sequence[Any]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def _keys_seen(keys: Mapping[str, int]) -> set[str]:
    """The keys (key -> child id) already on their children's timelines.

    Filtering on the child first uses the timeline index; the key then picks the event.
    """
    seen: set[str] = set()
    items = sorted(keys.items(), key=lambda kv: kv[1])
    for chunk in _chunks(items):
        seen.update(
            Event.objects.filter(
                child_id__in={child_id for _key, child_id in chunk},
                payload__attendance_key__in=[key for key, _child_id in chunk],
            ).values_list("payload__attendance_key", flat=True)
        )
    return seen


def _open_cases(kind: str, child_ids: Collection[int]) -> dict[int, int]:
    """Child id -> id of the child's open case of ``kind``."""
    found: dict[int, int] = {}
    for chunk in _chunks(sorted(child_ids)):
        found.update(Case.objects.open().filter(kind=kind, child_id__in=chunk).values_list("child_id", "pk"))
    return found


def _pupils(child_ids: Collection[int]) -> dict[int, str]:
    """Child id -> "Name (UPN …)" as a school knows the pupil."""
    names: dict[int, str] = {}
    for chunk in _chunks(sorted(child_ids)):
        for pk, forename, surname, upn in Child.objects.filter(pk__in=chunk).values_list(
            "pk", "legal_forename", "legal_surname", "upn"
        ):
            names[pk] = f"{forename} {surname}" + (f" (UPN {upn})" if upn else "")
    return names


def _school_users(school_ids: Collection[int]) -> dict[int, list[int]]:
    """School id -> ids of the school's active users."""
    users: dict[int, list[int]] = defaultdict(list)
    memberships = Membership.objects.filter(
        role=Role.SCHOOL.value, school_id__in=school_ids, user__is_active=True
    ).order_by("user_id")
    for school_id, user_id in memberships.values_list("school_id", "user_id"):
        users[school_id].append(user_id)
    return users


def _school_names(school_ids: Collection[int]) -> dict[int, str]:
    return dict(School.objects.filter(pk__in=school_ids).values_list("pk", "name"))


def _digest(keys: Iterable[str]) -> str:
    """A short fingerprint of a set of prompt keys, to key the one message that lists them."""
    return hashlib.sha256("|".join(sorted(keys)).encode()).hexdigest()[:16]


def _url(name: str) -> str:
    """The address of one of the attendance list pages ("" if the page is not wired up)."""
    try:
        return reverse(name)
    except NoReverseMatch:
        return ""


def _team(kind: str) -> Team:
    team = Team.objects.filter(kind=kind).first()
    if team is None:
        raise CaseworkError(f"There is no {Team.Kind(kind).label} team. Ask an administrator to set it up.")
    return team


def _tell_schools(
    findings: Sequence[Finding],
    key_of: Callable[[Finding], str],
    *,
    subject: str,
    intro: str,
    line: Callable[[Finding], str],
    url: str,
    key_prefix: str,
    at: dt.datetime,
) -> int:
    """One message per school to each of its users, listing that school's pupils; returns how many."""
    by_school: dict[int, list[Finding]] = defaultdict(list)
    for f in findings:
        by_school[f.school_id].append(f)
    users = _school_users(list(by_school))
    pupils = _pupils({f.child_id for f in findings})
    messages = []
    for school_id, listed in by_school.items():
        listed.sort(key=lambda f: pupils.get(f.child_id, ""))
        lines = [f"- {pupils.get(f.child_id, '?')}: {line(f)}" for f in listed[:_LISTED]]
        if len(listed) > _LISTED:
            lines.append(f"…and {len(listed) - _LISTED} more: see the list in Roll Call.")
        body = intro + "\n\n" + "\n".join(lines)
        digest = _digest(key_of(f) for f in listed)
        messages += [
            (user_id, subject, body, url, f"{key_prefix}:{school_id}:{digest}:{user_id}")
            for user_id in users.get(school_id, [])
        ]
    return messages_send_bulk(messages, at=at)


# ---- absence flags ---------------------------------------------------------------------------------


ABSENCE_FLAGS = (Flag.Code.PERSISTENT_ABSENCE, Flag.Code.SEVERE_ABSENCE)


def absence_flags_sync(
    *,
    wanted: Mapping[tuple[int, str], str],
    evaluated: Collection[int],
    scope: QuerySet[Any] | None,
    at: dt.datetime,
) -> dict[str, PromptCounts]:
    """Raise the persistent and severe absence flags the marks now show, clear those they no longer show.

    ``wanted`` maps (child id, flag code) to the flag's details for every evaluated child whose
    marks reach the flag; ``evaluated`` are the children evaluated (only their flags may be
    cleared); ``scope`` is a query of their ids (None: every child). Child-level flags (no case):
    a child has at most one open flag of each code.
    """
    counts: dict[str, PromptCounts] = {
        code: PromptCounts(found=sum(1 for _c, c in wanted if c == code)) for code in ABSENCE_FLAGS
    }
    open_flags = Flag.objects.filter(code__in=ABSENCE_FLAGS, case__isnull=True, cleared_at__isnull=True)
    if scope is not None:
        open_flags = open_flags.filter(child_id__in=scope)
    existing: dict[tuple[int, str], int] = {}
    for pk, child_id, code in open_flags.values_list("pk", "child_id", "code"):
        existing.setdefault((child_id, code), pk)
    labels = dict(Flag.Code.choices)
    raise_ = [key for key in wanted if key not in existing]
    clear = [(key, pk) for key, pk in existing.items() if key not in wanted and key[0] in evaluated]
    flags_raise_bulk(
        flags=[
            BulkFlag(child_id=child_id, code=code, details=wanted[child_id, code])
            for child_id, code in raise_
        ],
        at=at,
    )
    flags_clear_bulk(flag_ids=[pk for _key, pk in clear], at=at)
    events_record_bulk(
        records=[
            BulkEvent(
                child_id=child_id,
                verb=events.FLAG_RAISED,
                payload={"label": labels[code], "details": wanted[child_id, code]},
            )
            for child_id, code in raise_
        ]
        + [
            BulkEvent(
                child_id=child_id,
                verb=events.FLAG_CLEARED,
                payload={"label": labels[code], "details": "Attendance marks no longer show it"},
            )
            for (child_id, code), _pk in clear
        ],
        at=at,
    )
    for _child_id, code in raise_:
        counts[code].flags_raised += 1
    for (_child_id, code), _pk in clear:
        counts[code].flags_cleared += 1
    return counts


# ---- illness: health-needs cases for Access to Education ------------------------------------------


def illness_prompts(
    findings: Sequence[Finding], *, at: dt.datetime, calendar: SchoolCalendar | None = None
) -> PromptCounts:
    """Illness on 15+ school days this year: a health-needs case for Access to Education.

    A child with an open health-needs case gets the new count on it instead, once per count.
    """
    counts = PromptCounts(found=len(findings))
    keys = {f.child_id: illness_key(f) for f in findings}
    seen = _keys_seen({key: child_id for child_id, key in keys.items()}) if keys else set()
    fresh = [f for f in findings if keys[f.child_id] not in seen]
    if not fresh:
        return counts
    team = access_team()
    health_tasks = tuple(health_first_tasks(calendar or council_calendar(), clock.local_date(at)))
    already_open = _open_cases("health", {f.child_id for f in fresh})
    items = [
        BulkCaseItem(
            child_id=f.child_id,
            source=f"Attendance marks: {f.days} school days of illness this year",
            summary=(
                f"The attendance marks show illness (code I) on {f.days} school days this school year, "
                f"to {long_date(f.as_of)}: consecutive or cumulative, that reaches the 15 school days "
                "at which the council should arrange education."
            ),
            first_tasks=health_tasks,
            facts={"attendance_key": keys[f.child_id], "illness_days": f.days},
        )
        for f in fresh
    ]
    cases_open_bulk(kind="health", team=team, items=items, source="Attendance marks", at=at)
    counts.cases_updated = sum(1 for f in fresh if f.child_id in already_open)
    counts.cases_opened = len(fresh) - counts.cases_updated
    return counts


# ---- unexplained absence: CME cases for Inclusion, and the ground (i) question ---------------------


def cme_prompts(
    missing: Sequence[Finding],
    ground_i: Sequence[Finding],
    *,
    at: dt.datetime,
    calendar: SchoolCalendar | None = None,
) -> tuple[PromptCounts, PromptCounts]:
    """10 school days in a row absent without explanation, and 20 all G, N or O.

    MISSING (a new streak): a CME case for Inclusion with the standard first tasks and "Ask the
    school for its enquiries", or the new facts on the open CME case; and one message to each
    school's users listing its pupils and asking what enquiries the school has made.

    GROUND_I (a new streak): the task "Decide with the school whether ground (i) applies" on the
    child's open CME case (opened first if there is none), once per case.
    """
    m_counts, g_counts = PromptCounts(found=len(missing)), PromptCounts(found=len(ground_i))
    m_keys = {f.child_id: missing_key(f) for f in missing}
    g_keys = {f.child_id: ground_i_key(f) for f in ground_i}
    all_keys = {key: child_id for child_id, key in m_keys.items()} | {
        key: child_id for child_id, key in g_keys.items()
    }
    seen = _keys_seen(all_keys) if all_keys else set()
    fresh_m = [f for f in missing if m_keys[f.child_id] not in seen]
    fresh_g = [f for f in ground_i if g_keys[f.child_id] not in seen]
    if not fresh_m and not fresh_g:
        return m_counts, g_counts
    team = _team(Team.Kind.INCLUSION)
    calendar = calendar or council_calendar()
    today = clock.local_date(at)
    already_open = _open_cases("cme", {f.child_id for f in [*fresh_m, *fresh_g]})
    cme_tasks = (
        *first_tasks(kind="cme", calendar=calendar, settings=RuleSettings.current(), today=today),
        (
            "school_enquiries",
            "Ask the school for its enquiries",
            calendar.add_school_days(today, SCHOOL_ENQUIRIES_SCHOOL_DAYS),
        ),
    )
    schools = _school_names({f.school_id for f in [*fresh_m, *fresh_g]})

    def item(f: Finding, facts: dict[str, Any]) -> BulkCaseItem:
        return BulkCaseItem(
            child_id=f.child_id,
            source=f"Attendance marks: {f.days} school days' unexplained absence",
            summary=(
                f"The attendance marks from {schools.get(f.school_id, 'the school')} show the pupil absent "
                f"without explanation (G, N, O or U, morning and afternoon) on {f.days} school days in a row, "
                f"from {long_date(f.since) if f.since else '?'} to {long_date(f.as_of)}."
            ),
            first_tasks=cme_tasks,
            facts=facts,
        )

    m_children = {f.child_id for f in fresh_m}
    items = [item(f, {"attendance_key": m_keys[f.child_id], "unexplained_days": f.days}) for f in fresh_m]
    items += [
        item(f, {"ground_i_days": f.days})
        for f in fresh_g
        if f.child_id not in m_children and f.child_id not in already_open
    ]
    cases = cases_open_bulk(kind="cme", team=team, items=items, source="Attendance marks", at=at)
    case_of = dict(already_open) | {case.child_id: case.pk for case in cases}
    for f in fresh_m:
        if f.child_id in already_open:
            m_counts.cases_updated += 1
        else:
            m_counts.cases_opened += 1
    g_counts.cases_opened = sum(
        1 for f in fresh_g if f.child_id not in m_children and f.child_id not in already_open
    )
    if fresh_g:
        added = _ground_i_tasks(fresh_g, g_keys, case_of, calendar=calendar, today=today, at=at)
        g_counts.tasks_added = added
        g_counts.cases_updated = sum(1 for f in fresh_g if f.child_id in already_open)
    m_counts.messages = _tell_schools(
        fresh_m,
        lambda f: m_keys[f.child_id],
        subject="Pupils absent without explanation for 10 school days: what enquiries have you made?",
        intro=(
            "Your attendance marks show these pupils absent without explanation (codes G, N, O or U) "
            "for 10 or more school days in a row. The council's Inclusion team has opened (or updated) a "
            "children missing education case for each. Please tell the team what enquiries the school has "
            "made: who you contacted, when, and what you found out."
            + (f" Reply to {team.email}." if team.email else "")
        ),
        line=lambda f: f"{f.days} school days since {long_date(f.since) if f.since else '?'}",
        url="",
        key_prefix="attendance-enquiries",
        at=at,
    )
    return m_counts, g_counts


def _ground_i_tasks(
    findings: Sequence[Finding],
    keys: Mapping[int, str],
    case_of: Mapping[int, int],
    *,
    calendar: SchoolCalendar,
    today: dt.date,
    at: dt.datetime,
) -> int:
    """Add the ground (i) task to each child's CME case (once per case) and move its next action."""
    wanted = {case_of[f.child_id]: f for f in findings if f.child_id in case_of}
    due = calendar.add_school_days(today, GROUND_I_DECISION_SCHOOL_DAYS)
    cases: dict[int, Case] = {}
    for chunk in _chunks(sorted(wanted)):
        cases.update((case.pk, case) for case in Case.objects.filter(pk__in=chunk))
    new_tasks: list[BulkTask] = []
    timeline: list[BulkEvent] = []
    for case_id, f in wanted.items():
        case = cases[case_id]
        title = (
            f"Decide with the school whether ground (i) applies ({f.days} school days' continuous absence)"
        )[:200]
        if case.owner_id is not None:
            new_tasks.append(
                BulkTask(
                    case_id=case_id,
                    code="ground_i",
                    title=title,
                    due=due,
                    assignee_id=case.owner_id,
                    key=f"ground_i:{case_id}",
                )
            )
        # The event records the new streak even when the case already has the task, so the same
        # streak is not acted on again.
        timeline.append(
            BulkEvent(
                child_id=case.child_id,
                case_id=case.pk,
                team_id=case.team_id,
                verb=events.TASK_ADDED,
                payload={
                    "title": title,
                    "due": due.isoformat(),
                    "attendance_key": keys[f.child_id],
                    "ground_i_days": f.days,
                },
            )
        )
    added = tasks_create_bulk(tasks=new_tasks, at=at)
    events_record_bulk(records=timeline, at=at)
    # The new task is the next action where it is due first (as case_refresh would decide).
    cases_next_action_bulk(tasks=added, cases=cases, calendar=calendar, today=today, at=at)
    return len(added)


# ---- possibly left: the school is asked ----------------------------------------------------------


def possibly_left_prompts(findings: Sequence[Finding], *, at: dt.datetime) -> PromptCounts:
    """Pupils on a school's roll with no marks for 10 school days: one message per school.

    Each pupil is listed once per spell without marks (the key carries the first unmarked day),
    so the school is not asked again until the pupil has had marks and then stopped again. The
    asking is on the child's timeline (council staff see it).
    """
    counts = PromptCounts(found=len(findings))
    keys = {(f.child_id, f.school_id): possibly_left_key(f) for f in findings}
    seen = _keys_seen({key: child_id for (child_id, _s), key in keys.items()}) if keys else set()
    fresh = [f for f in findings if keys[f.child_id, f.school_id] not in seen]
    if not fresh:
        return counts
    schools = _school_names({f.school_id for f in fresh})
    events_record_bulk(
        records=[
            BulkEvent(
                child_id=f.child_id,
                verb=POSSIBLY_LEFT_ASKED,
                payload={
                    "school": schools.get(f.school_id, "?"),
                    "since": long_date(f.since) if f.since else "?",
                    "days": f.days,
                    "attendance_key": keys[f.child_id, f.school_id],
                },
            )
            for f in fresh
        ],
        at=at,
    )
    sent = _tell_schools(
        fresh,
        lambda f: keys[f.child_id, f.school_id],
        subject="Pupils with no attendance marks for 10 school days: have they left?",
        intro=(
            "These pupils are on your school's roll but have had no attendance marks for 10 or more "
            "school days. If a pupil has left, tell the council (Tell us a pupil left) and remove them "
            "from the roll only on a lawful ground; if not, please send their marks."
        ),
        line=lambda f: f"no marks since {long_date(f.since) if f.since else '?'} ({f.days} school days)",
        url=_url("attendance:possibly-left"),
        key_prefix="attendance-possibly-left",
        at=at,
    )
    counts.messages = sent
    return counts
