"""The exclusions and penalty-notice steps of the daily sweep (settings.SWEEP_STEPS).

``exclusions_sweep``:

- A permanent exclusion with no full-time education recorded by its sixth school day: the case
  moves to "escalated", the team's managers are told and get a task (key
  ``sixth-day-missed:<exclusion>``), and the timeline says so. Permanent exclusions are few (a
  council sees tens a year), so each case moves through ``case_transition`` and its workflow check;
  the tasks, events and messages go in bulk.
- A suspension of more than 5 days whose school has recorded no provision by the sixth day: the
  school is asked (message key ``school-sixth-day:<exclusion>``).
- The governing board's deadline: the school is reminded ``reminder_days`` school days before it
  (``board-reminder:<exclusion>``), and the team is told once it has passed with no meeting
  recorded (``board-overdue:<exclusion>``).
- The review route (the steps recorded on the exclusion, ``review_next`` / ``review_due``): the
  independent review panel (the council's officers) and the board's reconsideration (the school)
  are reminded ``reminder_days`` school days before their deadline (``review-reminder:<exclusion>``)
  and the team told once it has passed (``review-overdue:<exclusion>``); when the parents' time to
  apply has passed with no application, the school is told the route has ended (``review-ended``).
- The attendance code ``E`` (suspended or excluded, no alternative provision) on a school day this
  school year for a pupil the school has notified no exclusion of this year: the school is asked
  once a year (``e-code:<child>:<school>:<year>``). The marks are found with one query (a
  ``LIKE`` over the year's strings), then read in Python at the school days' positions.

``penalties_sweep``: the rolling threshold for every pupil with marks, over the current term up to
``today`` (rollcall/rules/penalties.py), one :class:`Consideration` per pupil per term, inserted in
bulk; the team is told how many are new.

``support_meetings_sweep``: the termly targeting support meeting with every school with pupils
on roll, one per school per term (see the function).

Set-based and idempotent by keys and unique constraints. Dated from the sweep's ``today`` and
stamped with its instant, never the wall clock.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse

from rollcall.accounts.models import Membership
from rollcall.attendance.models import PupilMarks
from rollcall.casework.events import BulkEvent, events_record_bulk
from rollcall.casework.models import Case
from rollcall.casework.services import BulkTask, case_transition, cases_next_action_bulk, tasks_create_bulk
from rollcall.casework.sweep import sweep_instant
from rollcall.exclusions.access import OWNING_TEAM
from rollcall.exclusions.events import EXCLUSION_NO_PROVISION, PENALTY_THRESHOLD
from rollcall.exclusions.models import Consideration, EnforcementSettings, Exclusion, SupportMeeting
from rollcall.formats import long_date
from rollcall.notify.services import messages_send_bulk
from rollcall.rules.attendance import CODE_BY_CODE, merge_marks, school_day_offsets
from rollcall.rules.calendar import SchoolCalendar, academic_year_of
from rollcall.rules.exclusions import ReviewStep, reminder_from, term_bounds, term_of
from rollcall.rules.penalties import RollingCounter, span_marks
from rollcall.rules.workflow import Role
from rollcall.schools.models import RollEntry, School


def _members(
    role: Role, *, team_kind: str | None = None, school_ids: set[int] | None = None
) -> dict[int | None, list[int]]:
    """Active user ids by school (for school users) or under None (a team's members in ``role``)."""
    memberships = Membership.objects.filter(role=role.value, user__is_active=True)
    if team_kind is not None:
        memberships = memberships.filter(team__kind=team_kind)
    if school_ids is not None:
        memberships = memberships.filter(school_id__in=school_ids)
    found: dict[int | None, list[int]] = defaultdict(list)
    for school_id, user_id in memberships.order_by("user_id").values_list("school_id", "user_id"):
        found[school_id if school_ids is not None else None].append(user_id)
    return found


def exclusions_sweep(*, today: dt.date, calendar: SchoolCalendar) -> dict[str, int]:
    now = sweep_instant(today)
    rules = EnforcementSettings.current().exclusion_rules()
    managers = _members(Role.MANAGER, team_kind=OWNING_TEAM).get(None, [])
    officers = _members(Role.OFFICER, team_kind=OWNING_TEAM).get(None, [])

    # 1. Permanent exclusions with no provision by the sixth day.
    missed = list(
        Exclusion.objects.filter(
            kind=Exclusion.Kind.PERMANENT,
            sixth_day__lte=today,
            provision_from__isnull=True,
            case__closed_at__isnull=True,
            case__status="awaiting_provision",
        ).select_related("case", "child")
    )
    escalated: list[Case] = []
    tasks, records, messages = [], [], []
    for exclusion in missed:
        case = exclusion.case
        if case is None:  # pragma: no cover - the filter asks for a case
            continue
        escalated.append(case_transition(case=case, target="escalated", actor=None, at=now))
        name = exclusion.child.full_name
        records.append(
            BulkEvent(
                child_id=exclusion.child_id,
                verb=EXCLUSION_NO_PROVISION,
                payload={"sixth_day": long_date(exclusion.sixth_day)},
                case_id=case.pk,
                team_id=case.team_id,
            )
        )
        tasks.append(
            BulkTask(
                case_id=case.pk,
                code="sixth_day_missed",
                title="No full-time education from the sixth day: arrange it now",
                due=today,
                assignee_id=managers[0] if managers else (case.owner_id or 0),
                key=f"sixth-day-missed:{exclusion.pk}",
            )
        )
        for manager in managers:
            messages.append(
                (
                    manager,
                    f"No sixth-day provision: {name}",
                    f"{name} was permanently excluded from {long_date(exclusion.first_day)} and no full-time "
                    f"education is recorded from the sixth school day, {long_date(exclusion.sixth_day)}.",
                    reverse("casework:case", args=[case.pk]),
                    f"sixth-day-missed:{exclusion.pk}:{manager}",
                )
            )

    # 2. Suspensions over 5 days: the school's own sixth-day provision.
    school_sixth = list(
        Exclusion.objects.filter(
            school_arranges_sixth_day=True, sixth_day__lte=today, provision_from__isnull=True
        ).values_list("pk", "school_id", "sixth_day", "child__legal_forename", "child__legal_surname")
    )
    # 3. The board's deadline.
    open_boards = list(
        Exclusion.objects.filter(
            board_due__isnull=False, board_met_on__isnull=True, board_due__gte=today
        ).values_list("pk", "school_id", "board_due", "child__legal_forename", "child__legal_surname")
    )
    overdue_boards = list(
        Exclusion.objects.filter(
            board_due__lt=today, board_met_on__isnull=True, board_must_meet=True
        ).values_list("pk", "board_due", "child__legal_forename", "child__legal_surname", "school__name")
    )
    # 4. The review route: what each exclusion waits for next (kept on it by the step service).
    route = list(
        Exclusion.objects.filter(review_due__isnull=False)
        .exclude(review_next="")
        .values_list(
            "pk", "school_id", "review_next", "review_due", "child__legal_forename", "child__legal_surname"
        )
    )
    school_ids = (
        {row[1] for row in school_sixth} | {row[1] for row in open_boards} | {row[1] for row in route}
    )
    school_users = _members(Role.SCHOOL, school_ids=school_ids) if school_ids else {}
    for pk, school_id, sixth, forename, surname in school_sixth:
        for user in school_users.get(school_id, []):
            messages.append(
                (
                    user,
                    f"Education from the sixth day: {forename} {surname}",
                    f"{forename} {surname}'s suspension is over 5 school days: record the full-time education "
                    f"your school arranged from {long_date(sixth)}.",
                    reverse("exclusions:exclusion", args=[pk]),
                    f"school-sixth-day:{pk}:{user}",
                )
            )
    for pk, school_id, due, forename, surname in open_boards:
        if due is None or reminder_from(calendar, due, rules) > today:
            continue
        for user in school_users.get(school_id, []):
            messages.append(
                (
                    user,
                    f"Governing board meeting due by {long_date(due)}: {forename} {surname}",
                    f"The governing board must meet about {forename} {surname}'s exclusion by {long_date(due)}. "
                    "Record the meeting and its decision when it has met.",
                    reverse("exclusions:exclusion", args=[pk]),
                    f"board-reminder:{pk}:{user}",
                )
            )
    for pk, due, forename, surname, school_name in overdue_boards:
        for user in officers + managers:
            messages.append(
                (
                    user,
                    f"Governing board meeting overdue: {forename} {surname}",
                    f"{school_name}'s governing board should have met about {forename} {surname}'s exclusion "
                    f"by {long_date(due)}; no meeting is recorded.",
                    reverse("exclusions:exclusion", args=[pk]),
                    f"board-overdue:{pk}:{user}",
                )
            )

    for pk, school_id, awaited, due, forename, surname in route:
        if due is None:  # pragma: no cover - the filter asks for a date
            continue
        url = reverse("exclusions:exclusion", args=[pk])
        name = f"{forename} {surname}"
        if awaited == ReviewStep.APPLIED:
            if due < today:
                for user in school_users.get(school_id, []):
                    messages.append(
                        (
                            user,
                            f"No review asked for by {long_date(due)}: {name}",
                            f"The parents' time to apply for an independent review of {name}'s permanent "
                            f"exclusion ended on {long_date(due)}. Record an application if one came; "
                            "otherwise the review route has ended.",
                            url,
                            f"review-ended:{pk}:{user}",
                        )
                    )
            continue
        # The panel is the council's to arrange (maintained schools); the reconsideration the board's.
        reminded = officers if awaited == ReviewStep.PANEL else school_users.get(school_id, [])
        what = (
            "independent review panel" if awaited == ReviewStep.PANEL else "governing board's reconsideration"
        )
        if due < today:
            for user in officers + managers:
                messages.append(
                    (
                        user,
                        f"Overdue: the {what} for {name}",
                        f"The {what} for {name}'s exclusion was due by {long_date(due)}; none is recorded.",
                        url,
                        f"review-overdue:{pk}:{awaited}:{user}",
                    )
                )
        elif reminder_from(calendar, due, rules) <= today:
            for user in reminded:
                messages.append(
                    (
                        user,
                        f"Due by {long_date(due)}: the {what} for {name}",
                        f"The {what} for {name}'s exclusion must be held by {long_date(due)}. "
                        "Record it and its outcome when it has met.",
                        url,
                        f"review-reminder:{pk}:{awaited}:{user}",
                    )
                )

    messages += _unnotified_exclusion_codes(today, calendar)

    with transaction.atomic():
        added = tasks_create_bulk(tasks=[t for t in tasks if t.assignee_id], at=now)
        if added:
            cases_next_action_bulk(
                tasks=added,
                cases={c.pk: c for c in Case.objects.filter(pk__in={t.case_id for t in added})},
                calendar=calendar,
                today=today,
                at=now,
            )
        events_record_bulk(records=records, at=now)
        sent = messages_send_bulk(messages, at=now)
    return {"exclusions_escalated": len(escalated), "exclusions_messages": sent}


def _unnotified_exclusion_codes(
    today: dt.date, calendar: SchoolCalendar
) -> list[tuple[int, str, str, str, str]]:
    """Questions to schools whose marks say "excluded" (E) with no notification this year."""
    year = academic_year_of(today)
    mark = CODE_BY_CODE["E"].mark
    positions = [
        2 * offset + pm
        for offset in school_day_offsets(calendar.school_days_in(dt.date(year, 9, 1), today), year)
        for pm in (0, 1)
    ]
    notified = set(
        Exclusion.objects.filter(first_day__gte=dt.date(year, 9, 1)).values_list("child_id", "school_id")
    )
    found: list[tuple[int, int, str, str]] = []
    for child_id, school_id, marks, forename, surname in (
        PupilMarks.objects.filter(academic_year=year, marks__contains=mark)
        .values_list("child_id", "school_id", "marks", "child__legal_forename", "child__legal_surname")
        .iterator(chunk_size=2000)
    ):
        if (child_id, school_id) in notified:
            continue
        if any(i < len(marks) and marks[i] == mark for i in positions):
            found.append((child_id, school_id, forename, surname))
    if not found:
        return []
    users = _members(Role.SCHOOL, school_ids={school_id for _c, school_id, _f, _s in found})
    return [
        (
            user,
            f"Marked as excluded with no notification: {forename} {surname}",
            f"Your register marks {forename} {surname} E (suspended or excluded) this school year, but the "
            "council has no exclusion notification from your school. Tell the council about the exclusion, "
            "or correct the register.",
            reverse("exclusions:exclusion-new"),
            f"e-code:{child_id}:{school_id}:{year}:{user}",
        )
        for child_id, school_id, forename, surname in found
        for user in users.get(school_id, [])
    ]


def penalties_sweep(*, today: dt.date, calendar: SchoolCalendar) -> dict[str, int]:
    """One consideration per pupil per term for every pupil whose window reached the threshold."""
    now = sweep_instant(today)
    rules = EnforcementSettings.current().penalty_rules()
    year, term = term_of(today)
    first, _last = term_bounds(year, term)
    counter = RollingCounter(calendar, first, today, rules)
    done = set(
        Consideration.objects.filter(academic_year=year, term=term.value).values_list("child_id", flat=True)
    )

    # One pass over the marks, most recently updated first so a current school's mark wins.
    by_child: dict[int, dict[int, list[str]]] = defaultdict(lambda: defaultdict(list))
    schools: dict[int, set[int]] = defaultdict(set)
    rows = (
        PupilMarks.objects.filter(academic_year__gte=counter.first_year, academic_year__lte=counter.last_year)
        .order_by("child_id", "-updated_at", "-pk")
        .values_list("child_id", "school_id", "academic_year", "marks")
    )
    for child_id, school_id, academic_year, marks in rows.iterator(chunk_size=5000):
        if child_id in done:
            continue
        by_child[child_id][academic_year].append(marks)
        schools[child_id].add(school_id)

    new: list[Consideration] = []
    for child_id, years in by_child.items():
        merged = {y: merge_marks(strings) for y, strings in years.items()}
        crossing = counter.first_crossing(span_marks(merged, counter.first_year, counter.last_year))
        if crossing is None:
            continue
        new.append(
            Consideration(
                child_id=child_id,
                academic_year=year,
                term=term.value,
                reached_on=crossing.day,
                sessions=crossing.sessions,
                window_start=crossing.window_start,
                schools=sorted(schools[child_id]),
                created_at=now,
            )
        )
    with transaction.atomic():
        Consideration.objects.bulk_create(new, ignore_conflicts=True, batch_size=500)
        # This run's rows: another run of the same day has the same instant, but its pupils were
        # in ``done`` before this one started.
        created = [
            row
            for row in Consideration.objects.filter(
                academic_year=year, term=term.value, created_at=now
            ).values_list("child_id", "sessions", "window_start", "reached_on")
            if row[0] not in done
        ]
        events_record_bulk(
            records=[
                BulkEvent(
                    child_id=child_id,
                    verb=PENALTY_THRESHOLD,
                    payload={
                        "sessions": sessions,
                        "window_start": long_date(start),
                        "reached_on": long_date(reached),
                    },
                )
                for child_id, sessions, start, reached in created
            ],
            at=now,
        )
        team = _members(Role.OFFICER, team_kind=OWNING_TEAM).get(None, []) + _members(
            Role.MANAGER, team_kind=OWNING_TEAM
        ).get(None, [])
        sent = 0
        if created:
            sent = messages_send_bulk(
                [
                    (
                        user,
                        f"{len(created)} penalty-notice considerations to decide",
                        f"{len(created)} pupils reached {rules.threshold_sessions} unauthorised sessions in "
                        f"{rules.window_weeks} school weeks. Record a decision for each.",
                        reverse("exclusions:considerations"),
                        f"penalty-considerations:{today.isoformat()}:{user}",
                    )
                    for user in team
                ],
                at=now,
            )
    return {"penalty_considerations": len(created), "penalty_messages": sent}


def support_meetings_sweep(*, today: dt.date, calendar: SchoolCalendar) -> dict[str, int]:
    """The termly targeting support meeting: one per school with pupils on roll, per term.

    Dated from the sweep's ``today`` (its term, due by the term's last day) and stamped with its
    instant; idempotent by the unique constraint. Access to Education's officers and managers are
    told once a term how many meetings the term brought (``support-meetings:<year>:<term>``).
    """
    now = sweep_instant(today)
    year, term = term_of(today)
    _first, last = term_bounds(year, term)
    on_roll = RollEntry.objects.filter(school=OuterRef("pk"), on_roll_from__lte=today).filter(
        Q(on_roll_to__isnull=True) | Q(on_roll_to__gte=today)
    )
    schools = list(School.objects.filter(Exists(on_roll)).values_list("pk", flat=True))
    with transaction.atomic():
        before = SupportMeeting.objects.filter(academic_year=year, term=term.value).count()
        SupportMeeting.objects.bulk_create(
            [
                SupportMeeting(school_id=pk, academic_year=year, term=term.value, due=last, created_at=now)
                for pk in schools
            ],
            ignore_conflicts=True,
            batch_size=500,
        )
        created = SupportMeeting.objects.filter(academic_year=year, term=term.value).count() - before
        sent = 0
        if created:
            team = _members(Role.OFFICER, team_kind=OWNING_TEAM).get(None, []) + _members(
                Role.MANAGER, team_kind=OWNING_TEAM
            ).get(None, [])
            sent = messages_send_bulk(
                [
                    (
                        user,
                        f"{created} attendance support meetings to hold this term",
                        f"Hold this term's targeting support meeting with each school by {long_date(last)}, "
                        "and record the actions agreed for its persistently absent pupils.",
                        reverse("exclusions:support-meetings"),
                        f"support-meetings:{year}:{term.value}:{user}",
                    )
                    for user in team
                ],
                at=now,
            )
    return {"support_meetings": created, "support_messages": sent}
