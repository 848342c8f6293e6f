"""Demo health-needs cases at every stage, made through the services (invented people only).

Six children reported absent through illness by their schools: one just reported, one with a
named contact, one referred whose check-in was missed, one with provision in place and check-ins
done, one being reintegrated, and one back in school (closed). Two SEN panel requests: one child
attending school, one not (which tells Access to Education and joins that child's case).
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from rollcall import clock
from rollcall.accounts.models import Membership, User
from rollcall.casework.calendar import council_calendar
from rollcall.casework.services import case_transition
from rollcall.health import services
from rollcall.health.services import CheckInFacts, ReferralFacts, ReportFacts
from rollcall.rules.age import is_compulsory_school_age
from rollcall.rules.workflow import Role
from rollcall.schools.models import RollEntry

_NEEDS = [
    "Recovering from surgery; cannot manage stairs or a full day.",
    "Anxiety diagnosed by CAMHS; attends for short periods only.",
    "Chronic fatigue; manages up to an hour of learning at a time.",
    "Undergoing treatment at the children's hospital every week.",
    "Long COVID; tires quickly, better in the afternoons.",
    "Eating disorder under the care of the community team.",
]


def demo_health(*, rng: random.Random, today: dt.date) -> str:
    calendar = council_calendar()
    staff = {
        u.username: u
        for u in User.objects.filter(username__in=["access.officer", "access.manager", "sen.officer"])
    }
    officer, manager = staff["access.officer"], staff["access.manager"]
    school_users = {
        m.school_id: m.user for m in Membership.objects.filter(role=Role.SCHOOL.value).select_related("user")
    }
    entries = [
        e
        for e in RollEntry.objects.filter(on_roll_to__isnull=True, school_id__in=list(school_users))
        .select_related("child", "school")
        .order_by("pk")[:400]
        if is_compulsory_school_age(e.child.date_of_birth, today)
    ]
    picked = rng.sample(entries, min(len(entries), 8))

    def at(days_ago: int) -> dt.datetime:
        day = calendar.add_school_days(today, -days_ago) if days_ago else today
        return dt.datetime.combine(day, dt.time(10, rng.randrange(60)), tzinfo=clock.LONDON)

    stages = ["reported", "contact", "missed", "provision", "reintegration", "closed"]
    made = 0
    for stage, entry, days_ago in zip(stages, picked, [0, 4, 30, 45, 60, 80], strict=False):
        opened = at(days_ago)
        first_day = calendar.add_school_days(opened.date(), -15)
        report = services.health_report_record(
            child=entry.child,
            school=entry.school,
            actor=school_users[entry.school_id],
            facts=ReportFacts(
                first_day_absent=first_day,
                days_so_far=15,
                pattern=rng.choice(["consecutive", "cumulative"]),
                medical_evidence=rng.choice(["yes", "no"]),
                evidence_from="The family's GP",
                evidence_date=first_day,
                details=rng.choice(_NEEDS),
            ),
            at=opened,
        )
        case = report.case
        made += 1
        if case is None or stage == "reported":
            continue
        services.named_contact_assign(
            case=case, officer=officer, actor=manager, at=opened + dt.timedelta(days=1)
        )
        if stage == "contact":
            continue
        services.referral_make(
            case=case,
            actor=officer,
            facts=ReferralFacts(
                medical_evidence="no",
                health_needs=rng.choice(_NEEDS),
                hours_per_week=Decimal(rng.choice([5, 10, 15])),
                kind=rng.choice(["home", "online", "small_group"]),
                sen_status=rng.choice(["none", "sen_support", "ehcp"]),
                consent="yes",
                consent_date=opened.date(),
            ),
            at=opened + dt.timedelta(days=2),
        )
        if stage == "missed":
            continue
        services.provision_in_place(case=case, actor=officer, at=opened + dt.timedelta(days=5))
        checkin = case.checkins.filter(done_on__isnull=True).order_by("due_on").first()
        while checkin is not None and checkin.due_on < today:
            moment = dt.datetime.combine(checkin.due_on, dt.time(14), tzinfo=clock.LONDON)
            services.checkin_record(
                case=case,
                actor=officer,
                facts=CheckInFacts(
                    done_on=checkin.due_on,
                    method=rng.choice(["phone", "visit", "video"]),
                    spoken_to=rng.choice(["Mother", "Father", "Carer"]),
                    situation="Engaging with lessons; health slowly improving.",
                    hours_received=Decimal(rng.choice([20, 32, 40])),
                ),
                at=moment,
            )
            checkin = case.checkins.filter(done_on__isnull=True).order_by("due_on").first()
        if stage == "provision":
            continue
        services.reintegration_plan(
            case=case,
            actor=officer,
            school=entry.school,
            target_return_date=calendar.add_school_days(today, 10),
            school_agreed="yes",
            school_agreed_on=calendar.add_school_days(today, -3),
            plan="Two weeks of mornings, then full days; a quiet space and a named adult in school.",
            at=at(3),
        )
        if stage == "closed":
            case_transition(
                case=case,
                target="closed",
                actor=officer,
                outcome="back_in_school",
                outcome_details={"school": entry.school.name},
                at=at(1),
            )
    panel = calendar.add_school_days(today, 7)
    sen = staff.get("sen.officer")
    if sen is not None and len(picked) >= 8:
        for entry, attending in ((picked[6], "yes"), (picked[7], "no")):
            services.sen_panel_request_record(
                child=entry.child,
                actor=sen,
                panel_date=panel,
                attending_school=attending,
                school=entry.school,
            )
    return f"Health needs: {made} cases reported by schools, 2 SEN panel requests on {panel:%d/%m/%Y}."
