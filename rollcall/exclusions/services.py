"""Every change to exclusions and penalty notices goes through these functions (docs/exclusions.md).

Each runs in one transaction and records a timeline event; messages are sent by key, so a retried
request tells nobody twice. The deadlines come from rollcall/rules/exclusions.py and
rollcall/rules/penalties.py with the council's settings (:class:`EnforcementSettings`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.attendance.models import PupilMarks
from rollcall.casework import events
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case
from rollcall.casework.services import CaseworkError, case_open, case_transition, tasks_complete
from rollcall.exclusions.access import (
    DECIDING_ROLES,
    OWNING_TEAM,
    can_decide_penalties,
    can_notify,
    can_record_board,
    can_record_provision,
)
from rollcall.exclusions.events import (
    EXCLUSION_BUDGET_ADJUSTMENT,
    EXCLUSION_NOTIFIED,
    EXCLUSION_PROVISION,
    EXCLUSION_STEP,
    PENALTY_DECIDED,
    PENALTY_ISSUED,
    PENALTY_PAID,
    PENALTY_REQUESTED,
    PENALTY_WITHDRAWN,
    PROSECUTION_STEP,
    SUPPORT_ACTION,
)
from rollcall.exclusions.models import (
    BudgetAdjustment,
    Consideration,
    EnforcementSettings,
    Exclusion,
    ExclusionStep,
    PenaltyNotice,
    SupportAction,
    SupportMeeting,
)
from rollcall.exclusions.models import ProsecutionStep as ProsecutionStepRow
from rollcall.formats import long_date
from rollcall.notify.services import message_send, team_members
from rollcall.people.models import Child
from rollcall.returns.claims import Pupil, Received, claim_kind_register, claim_receive
from rollcall.returns.models import SchoolReturn
from rollcall.rules.exclusions import (
    ExclusionKind,
    RecordedStep,
    ReviewOutcome,
    ReviewStep,
    ReviewStepRefused,
    Suspension,
    board_meeting,
    budget_adjustment,
    council_told_without_delay,
    days_by_term,
    first_school_day_of_exclusion,
    review_next,
    review_step_check,
    school_arranges_sixth_day,
    sixth_school_day,
    term_of,
    validate_days,
)
from rollcall.rules.penalties import (
    Decision,
    NoticeLimitReached,
    ProsecutionStep,
    ProsecutionStepRefused,
    notice_terms,
    prosecution_step_check,
)
from rollcall.schools.models import RollEntry, School

SIXTH_DAY_TASK = "sixth_day_provision"


@dataclass(frozen=True)
class ExclusionFacts:
    """What a school tells the council about one exclusion."""

    kind: ExclusionKind
    first_day: dt.date
    reason: str
    days: Decimal | None = None  # a suspension's length in school days; None when permanent
    misses_exam: bool = False

    def problems(self) -> dict[str, str]:
        """Field -> a sentence for the school; empty when the facts are complete."""
        found: dict[str, str] = {}
        if not self.reason.strip():
            found["reason"] = "Enter the reason for the exclusion"
        if self.kind is ExclusionKind.SUSPENSION:
            if self.days is None:
                found["days"] = "Enter how many school days the suspension lasts"
            else:
                try:
                    validate_days(self.days)
                except ValueError as error:
                    found["days"] = str(error)
        elif self.days is not None:
            found["days"] = "A permanent exclusion has no number of days: leave it empty"
        return found

    def as_sent(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "first_day": self.first_day.isoformat(),
            "days": str(self.days) if self.days is not None else None,
            "reason": self.reason,
            "misses_exam": self.misses_exam,
        }

    @classmethod
    def from_sent(cls, sent: dict[str, Any]) -> ExclusionFacts:
        return cls(
            kind=ExclusionKind(sent["kind"]),
            first_day=dt.date.fromisoformat(sent["first_day"]),
            reason=sent["reason"],
            days=Decimal(sent["days"]) if sent.get("days") is not None else None,
            misses_exam=bool(sent.get("misses_exam")),
        )


def owning_team() -> Team:
    team = Team.objects.filter(kind=OWNING_TEAM).first()
    if team is None:
        raise CaseworkError("There is no Access to Education team. Ask an administrator to set it up.")
    return team


@dataclass(frozen=True)
class Notified:
    """What became of a notification: the exclusion recorded, or the return held for checking."""

    received: Received
    exclusion: Exclusion | None


def exclusion_notify(
    *,
    school: School,
    actor: User,
    pupil: Pupil,
    facts: ExclusionFacts,
    idempotency_key: str = "",
    at: dt.datetime | None = None,
) -> Notified:
    """A school's notification, in one transaction, through the claims rule of every return.

    A child we hold is recorded only when the details agree and the pupil is on this school's roll;
    otherwise the notification waits for Access to Education to check (the return is ``held``).
    """
    problems = facts.problems()
    if problems:
        raise CaseworkError("; ".join(problems.values()))
    instant = at or clock.now()
    with transaction.atomic():
        received = claim_receive(
            kind=SchoolReturn.Kind.EXCLUSION,
            school=school,
            actor=actor,
            pupil=pupil,
            on=facts.first_day,
            sent={"exclusion": facts.as_sent()},
            idempotency_key=idempotency_key,
            at=instant,
        )
        if received.child is None:
            return Notified(received, None)
        if not received.created:
            return Notified(received, Exclusion.objects.filter(school_return=received.school_return).first())
        exclusion = exclusion_record(
            child=received.child,
            school=school,
            actor=actor,
            facts=facts,
            school_return=received.school_return,
            at=instant,
        )
    return Notified(received, exclusion)


def _apply_confirmed(school_return: SchoolReturn, child: Child, actor: User, instant: dt.datetime) -> None:
    """Access to Education confirmed the pupil is this child: the exclusion is recorded now."""
    exclusion_record(
        child=child,
        school=school_return.school,
        actor=school_return.sent_by,
        facts=ExclusionFacts.from_sent(school_return.sent["exclusion"]),
        school_return=school_return,
        at=instant,
    )


claim_kind_register(SchoolReturn.Kind.EXCLUSION, _apply_confirmed)


def exclusion_record(
    *,
    child: Child,
    school: School,
    actor: User,
    facts: ExclusionFacts,
    school_return: SchoolReturn | None = None,
    at: dt.datetime | None = None,
) -> Exclusion:
    """Record an exclusion with its deadlines; a permanent one opens the sixth-day provision case.

    The term's days count this school's suspensions of the child in the term of the first day.
    """
    instant = at or clock.now()
    calendar = council_calendar()
    rules = EnforcementSettings.current().exclusion_rules()
    kind = facts.kind
    start = first_school_day_of_exclusion(calendar, facts.first_day)
    term = term_of(start)
    term_days = Decimal(0)
    if kind is ExclusionKind.SUSPENSION and facts.days is not None:
        earlier = Exclusion.objects.filter(
            child=child, school=school, kind=Exclusion.Kind.SUSPENSION, days__isnull=False
        ).values_list("first_day", "days")
        suspensions = [Suspension(d, n) for d, n in earlier if n is not None]
        suspensions.append(Suspension(facts.first_day, facts.days))
        term_days = days_by_term(calendar, suspensions).get(term, Decimal(0))
    today = clock.local_date(instant)
    meeting = board_meeting(
        calendar, kind, max(today, start), term_days, misses_exam=facts.misses_exam, settings=rules
    )
    sixth = sixth_school_day(calendar, facts.first_day, rules)
    with transaction.atomic():
        exclusion = Exclusion.objects.create(
            child=child,
            school=school,
            kind=kind.value,
            first_day=facts.first_day,
            days=facts.days,
            reason=facts.reason.strip(),
            misses_exam=facts.misses_exam,
            received_at=instant,
            sent_by=actor,
            school_return=school_return,
            term_days=term_days,
            told_without_delay=council_told_without_delay(
                kind, term_days, misses_exam=facts.misses_exam, settings=rules
            ),
            board_due=meeting.due if meeting else None,
            board_must_meet=bool(meeting and meeting.must_meet),
            sixth_day=sixth
            if kind is ExclusionKind.PERMANENT or school_arranges_sixth_day(kind, facts.days, rules)
            else None,
            school_arranges_sixth_day=school_arranges_sixth_day(kind, facts.days, rules),
        )
        length = "permanent" if kind is ExclusionKind.PERMANENT else f"{facts.days} school days"
        case = None
        if kind is ExclusionKind.PERMANENT:
            case = case_open(
                child=child,
                kind="exclusion",
                team=owning_team(),
                source=f"permanent exclusion from {school.name}",
                summary=facts.reason.strip()[:200],
                actor=actor,
                first_tasks=[
                    (SIXTH_DAY_TASK, "Arrange full-time education from the sixth school day", sixth)
                ],
                at=instant,
            )
            exclusion.case = case
            exclusion.save(update_fields=["case"])
        events.event_record(
            at=instant,
            verb=EXCLUSION_NOTIFIED,
            child=child,
            case=case,
            actor=actor,
            team=case.team if case else None,
            kind=exclusion.get_kind_display(),
            first_day=long_date(facts.first_day),
            school=school.name,
            length=length,
        )
    return exclusion


def provision_record(
    *,
    exclusion: Exclusion,
    actor: User,
    provision_from: dt.date,
    provider: str,
    at: dt.datetime | None = None,
) -> Exclusion:
    """Record the full-time education arranged from the sixth day; the case moves to provision."""
    if not can_record_provision(actor) and not (
        exclusion.school_arranges_sixth_day and can_record_board(actor, exclusion)
    ):
        raise CaseworkError("Only Access to Education (or, for a suspension, the school) can record this")
    if not provider.strip():
        raise CaseworkError("Enter who provides the education")
    instant = at or clock.now()
    with transaction.atomic():
        exclusion = Exclusion.objects.select_for_update().get(pk=exclusion.pk)
        exclusion.provision_from, exclusion.provision_by = provision_from, provider.strip()
        exclusion._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
        exclusion.save(update_fields=["provision_from", "provision_by"])
        case = Case.objects.filter(pk=exclusion.case_id).first() if exclusion.case_id else None
        if case is not None and case.is_open:
            tasks_complete(case=case, codes=[SIXTH_DAY_TASK], actor=actor, at=instant)
            if case.status in {"awaiting_provision", "escalated"}:
                case_transition(
                    case=case,
                    target="provision",
                    actor=actor if not actor.is_school_user else None,
                    at=instant,
                )
        events.event_record(
            at=instant,
            verb=EXCLUSION_PROVISION,
            child=exclusion.child_id,
            case=case,
            actor=actor,
            provision_from=long_date(provision_from),
            provider=provider.strip(),
        )
    return exclusion


def _recorded(step: ExclusionStep) -> RecordedStep:
    return RecordedStep(
        ReviewStep(step.step),
        step.on,
        ReviewOutcome(step.outcome) if step.outcome else None,
        step.notice_sent_on,
        step.notice_by_post,
    )


def review_step_record(
    *,
    exclusion: Exclusion,
    actor: User,
    step: ReviewStep,
    on: dt.date,
    outcome: ReviewOutcome | None = None,
    notice_sent_on: dt.date | None = None,
    notice_by_post: bool = False,
    note: str = "",
    at: dt.datetime | None = None,
) -> ExclusionStep:
    """Record a step of the route (the board, the review application, the panel, the
    reconsideration) in the order rules.exclusions.review_step_check allows, and keep what the
    route waits for next on the exclusion for the sweep's reminders. A board's meeting also fills
    the exclusion's board fields. A reconsideration that does not reinstate after a panel that
    quashed the exclusion records the budget adjustment (rules.exclusions.budget_adjustment, the
    council's amount) in the same transaction, on the child's timeline."""
    if not can_record_board(actor, exclusion):
        raise CaseworkError("Only the excluding school or Access to Education can record this")
    instant = at or clock.now()
    if on > clock.local_date(instant):
        raise CaseworkError("The date cannot be in the future")
    calendar = council_calendar()
    rules = EnforcementSettings.current().exclusion_rules()
    kind = ExclusionKind(exclusion.kind)
    new = RecordedStep(step, on, outcome, notice_sent_on, notice_by_post)
    with transaction.atomic():
        exclusion = Exclusion.objects.select_for_update().get(pk=exclusion.pk)
        steps = [_recorded(s) for s in ExclusionStep.objects.filter(exclusion=exclusion).order_by("on", "pk")]
        try:
            review_step_check(calendar, kind, exclusion.board_due, steps, new, rules)
        except ReviewStepRefused as refused:
            raise CaseworkError(str(refused)) from None
        row = ExclusionStep.objects.create(
            exclusion=exclusion,
            step=step.value,
            on=on,
            outcome=outcome.value if outcome else "",
            notice_sent_on=notice_sent_on,
            notice_by_post=notice_by_post,
            note=note.strip(),
            recorded_by=actor,
            recorded_at=instant,
        )
        following = review_next(calendar, kind, exclusion.board_due, [*steps, new], rules)
        exclusion.review_next = following.step.value if following else ""
        exclusion.review_due = following.due if following else None
        fields = ["review_next", "review_due"]
        if step is ReviewStep.BOARD:
            exclusion.board_met_on = on
            exclusion.board_decision = (outcome.label if outcome else "") + (
                f": {note.strip()}" if note.strip() else ""
            )
            exclusion.board_decision = exclusion.board_decision[:200]
            fields += ["board_met_on", "board_decision"]
        exclusion._history_user = actor  # type: ignore[attr-defined]  # read by simple-history
        exclusion.save(update_fields=fields)
        events.event_record(
            at=instant,
            verb=EXCLUSION_STEP,
            child=exclusion.child_id,
            case=exclusion.case,
            actor=actor,
            step=step.label,
            on=long_date(on),
            outcome=f": {outcome.label.lower()}" if outcome else "",
        )
        if step is ReviewStep.RECONSIDERED:
            _budget_adjustment_record(exclusion, row, [*steps, new], actor, instant)
    return row


def _budget_adjustment_record(
    exclusion: Exclusion, row: ExclusionStep, steps: list[RecordedStep], actor: User, instant: dt.datetime
) -> BudgetAdjustment | None:
    """The adjustment the route now calls for, if any, recorded for the excluding school."""
    amount = budget_adjustment(steps, EnforcementSettings.current().budget_adjustment)
    if amount is None:
        return None
    adjustment = BudgetAdjustment.objects.create(
        exclusion=exclusion,
        step=row,
        school_id=exclusion.school_id,
        amount=amount,
        on=row.on,
        recorded_by=actor,
        recorded_at=instant,
    )
    events.event_record(
        at=instant,
        verb=EXCLUSION_BUDGET_ADJUSTMENT,
        child=exclusion.child_id,
        case=exclusion.case,
        actor=actor,
        amount=f"{amount:,}",
        school=exclusion.school.name,
        on=long_date(row.on),
    )
    return adjustment


# ---- penalty notices ----------------------------------------------------------------------------


def consideration_decide(
    *,
    consideration: Consideration,
    actor: User,
    decision: str,
    reason: str = "",
    at: dt.datetime | None = None,
) -> Consideration:
    """The officer's decision on a consideration: once, and "no action" only with a reason."""
    if not can_decide_penalties(actor):
        raise CaseworkError("Only Access to Education's officers and managers can decide this")
    try:
        chosen = Decision(decision)
    except ValueError:
        raise CaseworkError(f"'{decision}' is not a decision: choose one of the listed decisions") from None
    if chosen is Decision.NO_ACTION and not reason.strip():
        raise CaseworkError("Give the reason for taking no action")
    instant = at or clock.now()
    with transaction.atomic():
        consideration = Consideration.objects.select_for_update().get(pk=consideration.pk)
        if consideration.decision:
            raise CaseworkError(
                f"This consideration was already decided: {consideration.get_decision_display()}"
            )
        consideration.decision = chosen.value
        consideration.reason = reason.strip()
        consideration.decided_by, consideration.decided_at = actor, instant
        consideration.save(update_fields=["decision", "reason", "decided_by", "decided_at"])
        events.event_record(
            at=instant, verb=PENALTY_DECIDED, child=consideration.child_id, actor=actor, decision=chosen.label
        )
    return consideration


# ---- a school asks for a penalty notice --------------------------------------------------------


def pupil_on_roll(school: School, pupil: Pupil, today: dt.date) -> Child | None:
    """The pupil on ``school``'s roll today who matches what the school typed: by UPN when given,
    otherwise by names and date of birth (one match only). None when there is no such pupil."""
    entries = RollEntry.objects.filter(school=school, on_roll_from__lte=today).filter(
        Q(on_roll_to__isnull=True) | Q(on_roll_to__gte=today)
    )
    children = Child.objects.filter(pk__in=entries.values("child_id"))
    if pupil.upn:
        children = children.filter(upn=pupil.upn)
    else:
        children = children.filter(
            legal_forename__iexact=pupil.forename.strip(),
            legal_surname__iexact=pupil.surname.strip(),
            date_of_birth=pupil.date_of_birth,
        )
    found = list(children[:2])
    return found[0] if len(found) == 1 else None


def penalty_request(
    *,
    school: School,
    actor: User,
    pupil: Pupil,
    sessions: int,
    support_offered: str,
    at: dt.datetime | None = None,
) -> Consideration:
    """A school asks the council to consider a penalty notice for a pupil on its roll.

    The council decides (consideration_decide), as for the threshold. The request joins this
    term's consideration for the pupil if there is one, else opens one. Refused for a pupil not
    on the school's roll, or once this term's consideration is decided.
    """
    if not can_notify(actor) or actor.school is None or actor.school.pk != school.pk:
        raise CaseworkError("Only the pupil's school can ask for a penalty notice.")
    if sessions < 1:
        raise CaseworkError("Enter the number of unauthorised sessions, 1 or more")
    if not support_offered.strip():
        raise CaseworkError("Say what support the school has offered the family")
    instant = at or clock.now()
    today = clock.local_date(instant)
    child = pupil_on_roll(school, pupil, today)
    if child is None:
        raise CaseworkError(
            "No pupil on your school's roll matches these details: check the name, date of birth and UPN"
        )
    year, term = term_of(today)
    note = support_offered.strip()
    with transaction.atomic():
        consideration, created = Consideration.objects.select_for_update().get_or_create(
            child=child,
            academic_year=year,
            term=term.value,
            defaults={
                "reached_on": today,
                "sessions": sessions,
                "window_start": today,
                "schools": [school.pk],
                "created_at": instant,
            },
        )
        if not created and consideration.decision:
            raise CaseworkError(
                "The council has already decided about this pupil this term: "
                f"{consideration.get_decision_display()}. Contact the attendance team."
            )
        consideration.requested_by_school = school
        consideration.requested_by = actor
        consideration.requested_at = instant
        consideration.school_request = note
        consideration.save(
            update_fields=["requested_by_school", "requested_by", "requested_at", "school_request"]
        )
        events.event_record(
            at=instant,
            verb=PENALTY_REQUESTED,
            child=child.pk,
            actor=actor,
            school=school.name,
            sessions=sessions,
        )
        message_send(
            recipients=team_members(owning_team(), DECIDING_ROLES),
            subject="A school asks for a penalty notice to be considered",
            body=f"{school.name} asks the council to consider a penalty notice. Record a decision.",
            url=reverse("exclusions:consideration", args=[consideration.pk]),
            key=f"penalty-request:{consideration.pk}:{instant.isoformat()}",
            at=instant,
        )
    return consideration


def _same_parent(name: str) -> str:
    return " ".join(name.casefold().split())


def penalty_notice_issue(
    *,
    consideration: Consideration,
    actor: User,
    parent_name: str,
    issued_on: dt.date,
    received_on: dt.date,
    at: dt.datetime | None = None,
) -> PenaltyNotice:
    """Issue a penalty notice after a "penalty notice" decision, with its amounts and dates.

    A third notice to the same parent for the same child within the look-back period is refused.
    """
    if not can_decide_penalties(actor):
        raise CaseworkError("Only Access to Education's officers and managers can issue a penalty notice")
    if consideration.decision != Decision.PENALTY_NOTICE:
        raise CaseworkError("Decide on a penalty notice first")
    if not parent_name.strip():
        raise CaseworkError("Enter the parent's name")
    rules = EnforcementSettings.current().penalty_rules()
    instant = at or clock.now()
    with transaction.atomic():
        earlier = [
            n.issued_on
            for n in PenaltyNotice.objects.select_for_update().filter(
                child=consideration.child_id, withdrawn_on__isnull=True
            )
            if _same_parent(n.parent_name) == _same_parent(parent_name)
        ]
        try:
            terms = notice_terms(earlier, issued_on, received_on, rules)
        except NoticeLimitReached as error:
            raise CaseworkError(error.message) from None
        except ValueError as error:
            raise CaseworkError(str(error)) from None
        notice = PenaltyNotice.objects.create(
            consideration=consideration,
            child_id=consideration.child_id,
            parent_name=parent_name.strip(),
            issued_on=issued_on,
            received_on=received_on,
            number=terms.number,
            reduced_amount=terms.reduced_amount,
            reduced_by=terms.reduced_by,
            amount=terms.amount,
            pay_by=terms.pay_by,
            issued_by=actor,
        )
        events.event_record(
            at=instant,
            verb=PENALTY_ISSUED,
            child=consideration.child_id,
            actor=actor,
            number=terms.number,
            parent=notice.parent_name,
            issued_on=long_date(issued_on),
            amount=terms.reduced_amount or terms.amount,
            pay_by=long_date(terms.reduced_by or terms.pay_by),
        )
    return notice


def penalty_payment_record(
    *, notice: PenaltyNotice, actor: User, paid_on: dt.date, amount: int, at: dt.datetime | None = None
) -> PenaltyNotice:
    """Record a payment (reg. 20: payments and their dates)."""
    if not can_decide_penalties(actor):
        raise CaseworkError("Only Access to Education's officers and managers can record a payment")
    if amount <= 0:
        raise CaseworkError("Enter the amount paid, in whole pounds")
    if paid_on < notice.issued_on:
        raise CaseworkError("A payment cannot be made before the notice was issued")
    instant = at or clock.now()
    with transaction.atomic():
        notice = PenaltyNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.withdrawn_on is not None:
            raise CaseworkError("This notice was withdrawn")
        notice.paid_on, notice.paid_amount = paid_on, notice.paid_amount + amount
        notice.save(update_fields=["paid_on", "paid_amount"])
        events.event_record(
            at=instant,
            verb=PENALTY_PAID,
            child=notice.child_id,
            actor=actor,
            amount=amount,
            paid_on=long_date(paid_on),
        )
    return notice


def penalty_notice_withdraw(
    *, notice: PenaltyNotice, actor: User, on: dt.date, reason: str, at: dt.datetime | None = None
) -> PenaltyNotice:
    """Withdraw a notice (2007 Regulations reg. 9), with the grounds."""
    if not can_decide_penalties(actor):
        raise CaseworkError("Only Access to Education's officers and managers can withdraw a notice")
    if not reason.strip():
        raise CaseworkError("Give the grounds for withdrawing the notice")
    instant = at or clock.now()
    with transaction.atomic():
        notice = PenaltyNotice.objects.select_for_update().get(pk=notice.pk)
        if notice.withdrawn_on is not None:
            raise CaseworkError("This notice was already withdrawn")
        notice.withdrawn_on, notice.withdrawal_reason = on, reason.strip()
        notice.save(update_fields=["withdrawn_on", "withdrawal_reason"])
        events.event_record(
            at=instant,
            verb=PENALTY_WITHDRAWN,
            child=notice.child_id,
            actor=actor,
            withdrawn_on=long_date(on),
            reason=notice.withdrawal_reason,
        )
    return notice


def prosecution_step_record(
    *,
    consideration: Consideration,
    actor: User,
    step: ProsecutionStep,
    on: dt.date,
    fine: int | None = None,
    note: str = "",
    at: dt.datetime | None = None,
) -> ProsecutionStepRow:
    """Record a step of the prosecution route (reg. 20: any prosecution), in the order
    rules.penalties.prosecution_step_check allows, once the consideration is decided (not "no
    action")."""
    if not can_decide_penalties(actor):
        raise CaseworkError("Only Access to Education's officers and managers can record a prosecution")
    if not consideration.decision or consideration.decision == Decision.NO_ACTION:
        raise CaseworkError("Record a decision other than no action before the prosecution route")
    instant = at or clock.now()
    with transaction.atomic():
        consideration = Consideration.objects.select_for_update().get(pk=consideration.pk)
        done = [
            (ProsecutionStep(s), d)
            for s, d in ProsecutionStepRow.objects.filter(consideration=consideration)
            .order_by("on", "pk")
            .values_list("step", "on")
        ]
        try:
            prosecution_step_check(done, step, on, clock.local_date(instant), fine)
        except ProsecutionStepRefused as refused:
            raise CaseworkError(str(refused)) from None
        row = ProsecutionStepRow.objects.create(
            consideration=consideration,
            step=step.value,
            on=on,
            fine=fine,
            note=note.strip(),
            recorded_by=actor,
            recorded_at=instant,
        )
        events.event_record(
            at=instant,
            verb=PROSECUTION_STEP,
            child=consideration.child_id,
            actor=actor,
            step=step.label,
            on=long_date(on),
            fine=f" (fine £{fine:,})" if fine else "",
        )
    return row


# ---- the termly targeting support meeting with each school -------------------------------------


def support_pupils(meeting: SupportMeeting) -> QuerySet[PupilMarks]:
    """The school's persistently (and severely) absent pupils for the meeting: its attendance
    records of the meeting's school year flagged persistent, severe first, then the highest rate.
    One query; the flags are the attendance evaluation's (rollcall/attendance)."""
    return (
        PupilMarks.objects.filter(
            school=meeting.school_id, academic_year=meeting.academic_year, persistent=True
        )
        .select_related("child")
        .order_by("-severe", "-absent_sessions", "child__legal_surname", "child__legal_forename", "pk")
    )


def support_meeting_hold(
    *, meeting: SupportMeeting, actor: User, held_on: dt.date, notes: str, at: dt.datetime | None = None
) -> SupportMeeting:
    """Record that the meeting was held, with its minutes."""
    if not can_decide_penalties(actor):
        raise CaseworkError("Only Access to Education's officers and managers can record a support meeting")
    instant = at or clock.now()
    if held_on > clock.local_date(instant):
        raise CaseworkError("The meeting date cannot be in the future")
    if not notes.strip():
        raise CaseworkError("Enter the notes of the meeting")
    with transaction.atomic():
        meeting = SupportMeeting.objects.select_for_update().get(pk=meeting.pk)
        meeting.held_on, meeting.notes, meeting.held_by = held_on, notes.strip(), actor
        meeting.save(update_fields=["held_on", "notes", "held_by"])
    return meeting


def support_action_record(
    *, meeting: SupportMeeting, actor: User, child_id: int, action: str, at: dt.datetime | None = None
) -> SupportAction:
    """Record an action agreed for one pupil of the meeting's list (a timeline entry for the child)."""
    if not can_decide_penalties(actor):
        raise CaseworkError("Only Access to Education's officers and managers can record an agreed action")
    if not action.strip():
        raise CaseworkError("Enter the action agreed")
    if not support_pupils(meeting).filter(child_id=child_id).exists():
        raise CaseworkError("Choose a pupil from the school's list for this meeting")
    instant = at or clock.now()
    with transaction.atomic():
        row = SupportAction.objects.create(
            meeting=meeting, child_id=child_id, action=action.strip(), recorded_by=actor, recorded_at=instant
        )
        events.event_record(
            at=instant,
            verb=SUPPORT_ACTION,
            child=child_id,
            actor=actor,
            school=meeting.school.name,
            action=row.action,
        )
    return row
