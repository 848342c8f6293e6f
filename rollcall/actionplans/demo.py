"""The demo council's action plans: the two source plans (``seeds.py``), loaded as real records.

Northmoor (invented) "adopts" Croydon's plan after LGO decision 22 014 644 and Leicestershire's
Admissions and Inclusion LGSCO Action Plan 2020 (case 19017034). Each complaint keeps the name of
the council its plan came from (``council_named_in_source``), so every page and report says
honestly where the text comes from. Made through the services, with Roll Call itself as the
author of the transcribed updates (``actor=None``, ``transcribed=True``).

The link to a Roll Call feature or a Northmoor policy and the responsible Northmoor officer are
the demo council's choices; everything else is the source plan's words.
"""

from __future__ import annotations

import datetime as dt

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.actionplans import services
from rollcall.actionplans.models import Complaint
from rollcall.actionplans.seeds import PLANS, SeedAction, SeedPlan, SeedUpdate
from rollcall.policies.models import Policy
from rollcall.rules import actionplans as rules


def actionplans_demo(*, today: dt.date) -> str:
    """Load both source plans (skipping one already loaded); returns a one-line summary."""
    users = {u.username: u for u in User.objects.filter(username__in=_usernames())}
    teams = {t.kind: t for t in Team.objects.all()}
    policies = {p.title: p for p in Policy.objects.all()}
    loaded = []
    for plan in PLANS:
        if Complaint.objects.filter(reference=plan.reference).exists():
            continue
        complaint = plan_load(plan=plan, users=users, teams=teams, policies=policies)
        loaded.append(f"{complaint.reference} ({plan.council_named_in_source}, {len(plan.actions)} actions)")
    overdue = sum(
        1 for p in PLANS for a in p.actions if rules.is_overdue(due_on=a.due_on, status=a.status, today=today)
    )
    if not loaded:
        return "Action plans: already loaded."
    return f"Action plans: {', '.join(loaded)}; {overdue} actions overdue."


def _usernames() -> set[str]:
    return {a.responsible for p in PLANS for a in p.actions if a.responsible}


def plan_load(
    *, plan: SeedPlan, users: dict[str, User], teams: dict[str, Team], policies: dict[str, Policy]
) -> Complaint:
    """Record one source plan: the complaint, then each action with its updates in date order."""
    now = clock.now()
    complaint = services.complaint_record(
        facts=services.ComplaintFacts(
            reference=plan.reference,
            title=plan.title,
            summary=plan.summary,
            findings="\n".join(plan.findings),
            recommendations="\n".join(plan.recommendations),
            approved_by="\n".join(plan.approved_by),
            council_named_in_source=plan.council_named_in_source,
            source_document=plan.source_document,
        ),
        actor=None,
        at=now,
    )
    for seed in plan.actions:
        _action_load(complaint=complaint, seed=seed, users=users, teams=teams, policies=policies, at=now)
    return complaint


def _action_load(
    *,
    complaint: Complaint,
    seed: SeedAction,
    users: dict[str, User],
    teams: dict[str, Team],
    policies: dict[str, Policy],
    at: dt.datetime,
) -> None:
    action = services.action_add(
        complaint=complaint,
        facts=services.ActionFacts(
            description=seed.description,
            owner_title=seed.owner_title,
            due_on=seed.due_on,
            responsible=users.get(seed.responsible),
            team=teams.get(seed.team),
            time_frame_as_written=seed.time_frame,
            status_as_written=seed.status_as_written,
            risk_rating_as_written=seed.risk_rating_as_written,
            transcription_note=seed.note,
            feature=seed.feature,
            policy=policies.get(seed.policy_title),
        ),
        actor=None,
        status=seed.status,
        first_update="",
        at=at,
    )
    # The source gives one status per action, as of the plan's own (unstated) date: it goes on the
    # last update; the earlier, dated ones say nothing of status. An action with no update in the
    # source still gets one (empty), which carries its status.
    updates: list[SeedUpdate | None] = [
        *sorted(seed.updates, key=lambda u: (u.happened_on is None, u.happened_on or dt.date.min))
    ] or [None]
    for i, update in enumerate(updates):
        last = i == len(updates) - 1
        services.action_update(
            action=action,
            actor=None,
            status=seed.status if last else rules.NOT_STATED,
            rag=rules.NOT_RATED,
            text=update.text if update else "",
            happened_on=update.happened_on if update else None,
            date_as_written=update.date_as_written if update else "",
            transcribed=True,
            at=at,
        )
