"""Demo admissions at every stage, made through the services (invented people only).

In-year applicants: one just received and flagged, one not flagged and offered, one waiting for
the school, one the school has not answered (reminded by the sweep), one checked off, one the
school says is not on roll (contact recorded), and one whose place was never taken up (referred
to Inclusion as CME by the sweep). Two Fair Access referrals (one allocated, one admitted), one
child waiting for a place and two deferred places.
"""

from __future__ import annotations

import datetime as dt
import random

from rollcall import clock
from rollcall.accounts.models import Membership, User
from rollcall.admissions import services
from rollcall.admissions.models import Application, FairAccessReferral, PutOnRollRequest
from rollcall.admissions.sweep import admissions_sweep
from rollcall.casework.calendar import council_calendar
from rollcall.casework.identity import child_match_or_create
from rollcall.people.models import Child
from rollcall.rules.workflow import Role
from rollcall.schools.models import School

_FORENAMES = [
    "Kacey",
    "Rio",
    "Amara",
    "Tyler",
    "Leah",
    "Kian",
    "Mollie",
    "Zain",
    "Ellis",
    "Nevaeh",
    "Jayden",
    "Skye",
]
_SURNAMES = [
    "Thornber",
    "Ashdown",
    "Birtwistle",
    "Okafor",
    "Hartley",
    "Pendle",
    "Marsh",
    "Quayle",
    "Radcliffe",
]
_REASONS = [
    "Family moved into the county for work.",
    "Moved after a tenancy ended; now in temporary accommodation.",
    "Fleeing domestic abuse; now at a refuge address.",
    "Parents separated; child now lives with grandmother.",
]


def demo_admissions(*, rng: random.Random, today: dt.date) -> str:
    """Create admissions records at every stage; returns a one-line summary."""
    calendar = council_calendar()
    officer = User.objects.get(username="admissions.officer")
    school_user_by_school = {
        m.school_id: m.user for m in Membership.objects.filter(role=Role.SCHOOL.value).select_related("user")
    }
    schools = list(School.objects.filter(pk__in=list(school_user_by_school)).order_by("pk")[:30])
    if len(schools) < 3:
        return "Admissions: no schools with users, nothing created."

    def at(days_ago: int) -> dt.datetime:
        day = calendar.add_school_days(today, -days_ago) if days_ago else today
        return dt.datetime.combine(day, dt.time(9, rng.randrange(60)), tzinfo=clock.LONDON)

    def child(age: int) -> Child:
        born = today.replace(year=today.year - age) - dt.timedelta(days=rng.randrange(300))
        made, _m, _c = child_match_or_create(
            upn=None,
            forename=rng.choice(_FORENAMES),
            surname=rng.choice(_SURNAMES),
            date_of_birth=born,
            actor=officer,
            source="in-year application",
        )
        return made

    def apply(days_ago: int, *, flagged: bool = True) -> Application:
        yes = rng.sample(["house_moves", "low_attendance", "social_care", "exclusions", "county_lines"], 2)
        answers = {
            code: services.AnswerInput("yes", "Recorded on the previous school's file")
            for code in yes
            if flagged
        }
        for code in ("school_history", "sen", "youth_offending"):
            answers.setdefault(code, services.AnswerInput("no"))
        for code in ("exclusions", "house_moves", "low_attendance", "social_care", "county_lines"):
            answers.setdefault(code, services.AnswerInput("no"))
        school = rng.choice(schools)
        return services.application_record(
            actor=officer,
            child=child(rng.randrange(6, 15)),
            received_on=(at(days_ago)).date(),
            preferred_schools=[school],
            reason_for_move=rng.choice(_REASONS),
            current_school=None,
            answers=answers,
            at=at(days_ago),
        )

    def offered(days_ago: int, *, flagged: bool = True) -> PutOnRollRequest:
        app = apply(days_ago + 2, flagged=flagged)
        school = app.preferred_school_1
        return services.offer_record(
            application=app,
            school=school,
            decision_date=at(days_ago).date(),
            offered_on=at(days_ago).date(),
            actor=officer,
            at=at(days_ago),
        )

    apply(0)
    offered(3, flagged=False)
    offered(2)
    offered(14)  # no answer: the sweep reminds the school
    done = offered(8)
    services.request_answer(
        request=done,
        actor=school_user_by_school[done.school_id],
        on_roll=True,
        on_roll_from=at(4).date(),
        attended_from=at(4).date(),
        at=at(4),
    )
    refused = offered(6)
    services.request_answer(
        request=refused,
        actor=school_user_by_school[refused.school_id],
        on_roll=False,
        reason="The family has not been in touch to arrange a start date.",
        at=at(3),
    )
    services.contact_record(
        request=refused,
        actor=officer,
        party="parent",
        made_on=at(2).date(),
        intent="unknown",
        details="No answer on the mobile number; left a message.",
        at=at(2),
    )
    offered(25)  # never taken up: the sweep refers the child to Inclusion

    fa = services.fair_access_refer(
        actor=officer,
        child=child(13),
        category=FairAccessReferral.Category.HOMELESS,
        reason="Family in temporary accommodation 12 miles from the nearest school with a place.",
        schools_considered=schools[:3],
        taken_into_protocol_on=at(22).date(),
        at=at(22),
    )
    services.fair_access_allocate(
        referral=fa, actor=officer, school=schools[1], panel_date=at(12).date(), at=at(12)
    )
    admitted = services.fair_access_refer(
        actor=officer,
        child=child(11),
        category=FairAccessReferral.Category.CRIMINAL_JUSTICE,
        reason="Returning from a secure children's home.",
        schools_considered=schools[1:3],
        taken_into_protocol_on=at(18).date(),
        at=at(18),
    )
    services.fair_access_allocate(
        referral=admitted, actor=officer, school=schools[2], panel_date=at(10).date(), at=at(10)
    )
    services.fair_access_admitted(referral=admitted, actor=officer, admitted_on=at(5).date(), at=at(5))

    services.waiting_open(child=child(9), actor=officer, at=at(7))
    for days in (10, 60):
        services.deferred_record(
            child=child(4),
            school=rng.choice(schools),
            due_to_start=calendar.add_school_days(today, days),
            actor=officer,
        )
    counts = admissions_sweep(today=today, calendar=calendar)
    return (
        "Admissions: 7 in-year applications (6 flagged), 2 Fair Access referrals, 1 waiting, 2 deferred; "
        f"sweep reminded {counts['admission_reminded']}, referred {counts['admission_referred_cme']} as CME."
    )
