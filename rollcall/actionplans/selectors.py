"""Reading action plans: progress as of any date, the overdue list and the scrutiny report.

Pages, the PDF, the XLSX and the reports engineer's quarterly report all read these, so the
figures agree wherever they are shown. Every function here is a few queries whatever the number
of actions (no query per action).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.db.models import Min, OuterRef, QuerySet, Subquery
from django.urls import reverse

from rollcall import clock
from rollcall.actionplans.features import feature as feature_for
from rollcall.actionplans.models import Action, ActionUpdate, Complaint, Rag, Status
from rollcall.formats import long_date
from rollcall.rules import actionplans as rules

STATUS_LABELS: dict[str, str] = dict(Status.choices)
RAG_LABELS: dict[str, str] = dict(Rag.choices)


@dataclass(frozen=True)
class ComplaintProgress:
    """How one complaint's actions stood at the end of ``as_of``.

    ``by_status`` has every status ("complete", "in_progress", "not_started", "not_stated") and
    ``by_rag`` every rating ("red", "amber", "green", and "" for not rated), zero-filled, so a
    report can index them without checking. ``overdue`` counts actions due before ``as_of`` and
    not complete on it.
    """

    complaint_id: int
    reference: str
    title: str
    council_named_in_source: str
    as_of: dt.date
    by_status: Mapping[str, int]
    by_rag: Mapping[str, int]
    overdue: int

    @property
    def total(self) -> int:
        return sum(self.by_status.values())

    @property
    def complete(self) -> int:
        return self.by_status[rules.COMPLETE]

    @property
    def in_progress(self) -> int:
        return self.by_status[rules.IN_PROGRESS]

    @property
    def not_started(self) -> int:
        return self.by_status[rules.NOT_STARTED]

    @property
    def not_stated(self) -> int:
        return self.by_status[rules.NOT_STATED]

    @property
    def red(self) -> int:
        return self.by_rag[rules.RED]

    @property
    def amber(self) -> int:
        return self.by_rag[rules.AMBER]

    @property
    def green(self) -> int:
        return self.by_rag[rules.GREEN]

    @property
    def not_rated(self) -> int:
        return self.by_rag[rules.NOT_RATED]


def _end_of(day: dt.date) -> dt.datetime:
    """The first instant after ``day`` ends in England."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min, tzinfo=clock.LONDON)


def progress(as_of: dt.date, *, complaint_ids: Iterable[int] | None = None) -> list[ComplaintProgress]:
    """Per complaint, counts of its actions by status and by RAG rating as they stood on ``as_of``.

    Read from the dated, append-only updates, not from the actions' current columns: an action's
    status on a day is the one its latest update counting from that day or earlier gave it (an
    update counts from the date it is about, or else the day it was recorded). Only complaints
    recorded and actions tracked by ``as_of`` count; an action with no update by then counts as
    "not stated". Ordered by reference. Two queries, whatever the number of actions.

    For the quarterly scrutiny report: ``progress(quarter_end)`` for each quarter gives the
    figures as the committee would have seen them then.
    """
    complaints = Complaint.objects.filter(created_at__lt=_end_of(as_of)).order_by("reference")
    if complaint_ids is not None:
        complaints = complaints.filter(pk__in=list(complaint_ids))
    heads = list(complaints.values_list("pk", "reference", "title", "council_named_in_source"))
    latest = ActionUpdate.objects.filter(action=OuterRef("pk"), effective_on__lte=as_of).order_by(
        "-effective_on", "-recorded_at", "-pk"
    )
    rows = (
        Action.objects.filter(complaint_id__in=[h[0] for h in heads], tracked_from__lte=as_of)
        .annotate(
            status_then=Subquery(latest.values("status")[:1]), rag_then=Subquery(latest.values("rag")[:1])
        )
        .values_list("complaint_id", "status_then", "rag_then", "due_on")
    )
    by_status: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(rules.STATUS_ORDER, 0))
    by_rag: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(rules.RAG_ORDER, 0))
    overdue: dict[int, int] = defaultdict(int)
    for complaint_id, status, rag, due_on in rows:
        status = status or rules.NOT_STATED
        by_status[complaint_id][status] += 1
        by_rag[complaint_id][rag or rules.NOT_RATED] += 1
        if rules.is_overdue(due_on=due_on, status=status, today=as_of):
            overdue[complaint_id] += 1
    return [
        ComplaintProgress(
            complaint_id=pk,
            reference=reference,
            title=title,
            council_named_in_source=council,
            as_of=as_of,
            by_status=by_status[pk],
            by_rag=by_rag[pk],
            overdue=overdue[pk],
        )
        for pk, reference, title, council in heads
    ]


@dataclass(frozen=True)
class QuarterPoint:
    """One bar of the progress-over-time chart: a complaint's counts at a quarter's end (or today)."""

    label: str
    as_of: dt.date
    by_status: Mapping[str, int]


def progress_by_quarter(
    complaint_ids: Iterable[int], *, today: dt.date, limit: int = 8
) -> dict[int, list[QuarterPoint]]:
    """For each complaint, its counts by status at the end of each quarter since its first action
    was tracked (the current quarter as of ``today``), at most ``limit`` quarters."""
    ids = list(complaint_ids)
    firsts = dict(
        Action.objects.filter(complaint_id__in=ids)
        .order_by()
        .values("complaint_id")
        .annotate(first=Min("tracked_from"))
        .values_list("complaint_id", "first")
    )
    if not firsts:
        return {pk: [] for pk in ids}
    quarters = rules.quarters_between(min(firsts.values()), today, limit=limit)
    points: dict[int, list[QuarterPoint]] = {pk: [] for pk in ids}
    for quarter in quarters:
        as_of = min(quarter.end, today)
        for row in progress(as_of, complaint_ids=ids):
            first = firsts.get(row.complaint_id)
            if first is None or first > as_of:
                continue  # nothing tracked yet: no bar, rather than a misleading zero
            label = quarter.label if as_of == quarter.end else f"{quarter.label} (to {as_of:%d %b})"
            points[row.complaint_id].append(QuarterPoint(label=label, as_of=as_of, by_status=row.by_status))
    return points


def overdue_actions(today: dt.date) -> QuerySet[Action]:
    """Every action due before ``today`` and not complete, oldest due date first."""
    return (
        Action.objects.filter(due_on__lt=today)
        .exclude(status=Status.COMPLETE)
        .select_related("complaint", "responsible")
        .order_by("due_on", "complaint__reference", "number")
    )


# ---- the scrutiny report: one structure for the page, the PDF and the XLSX -------------------------


@dataclass(frozen=True)
class ActionRow:
    pk: int
    number: int
    description: str
    owner_title: str
    responsible: str
    due_on: dt.date | None
    due_label: str
    time_frame_as_written: str
    status: str
    status_label: str
    status_as_written: str
    risk_rating_as_written: str
    rag: str
    rag_label: str
    overdue: bool
    latest_update: str
    latest_update_date: str
    latest_update_missing: str  # what to show when the latest update has no text
    delivered_by: str
    delivered_by_url: str


@dataclass(frozen=True)
class ComplaintReport:
    complaint: Complaint
    progress: ComplaintProgress
    actions: list[ActionRow]
    quarters: list[QuarterPoint] = field(default_factory=list)


@dataclass(frozen=True)
class ScrutinyReport:
    produced_on: dt.date
    complaints: list[ComplaintReport]

    @property
    def totals(self) -> dict[str, int]:
        """The whole report's counts (every status and rating, overdue and all actions)."""
        out: dict[str, int] = defaultdict(int)
        for c in self.complaints:
            for key, n in c.progress.by_status.items():
                out[key] += n
            for key, n in c.progress.by_rag.items():
                out[f"rag_{key or 'not_rated'}"] += n
            out["overdue"] += c.progress.overdue
            out["total"] += c.progress.total
        return dict(out)


def latest_updates(action_ids: Iterable[int]) -> dict[int, ActionUpdate]:
    """Each action's latest update (by the date it counts from), in two queries."""
    latest = ActionUpdate.objects.filter(action=OuterRef("pk")).order_by(
        "-effective_on", "-recorded_at", "-pk"
    )
    pks = Action.objects.filter(pk__in=list(action_ids)).annotate(latest=Subquery(latest.values("pk")[:1]))
    wanted = [pk for pk in pks.values_list("latest", flat=True) if pk is not None]
    return {u.action_id: u for u in ActionUpdate.objects.filter(pk__in=wanted)}


def delivered_by(action: Action) -> tuple[str, str]:
    """What delivers the action in Roll Call, as (label, address): a feature, a policy or both."""
    parts: list[str] = []
    url = ""
    found = feature_for(action.feature) if action.feature else None
    if found is not None:
        parts.append(found.label)
        url = found.url
    if action.policy_id is not None and action.policy is not None:
        parts.append(f"Policy: {action.policy.title}")
        if not url:
            url = reverse("policies:policy", args=[action.policy_id])
    return "; ".join(parts), url


def action_rows(actions: Iterable[Action], *, today: dt.date) -> list[ActionRow]:
    actions = list(actions)
    updates = latest_updates(a.pk for a in actions)
    rows = []
    for a in actions:
        update = updates.get(a.pk)
        label, url = delivered_by(a)
        rows.append(
            ActionRow(
                pk=a.pk,
                number=a.number,
                description=a.description,
                owner_title=a.owner_title,
                responsible=str(a.responsible) if a.responsible else "",
                due_on=a.due_on,
                due_label=long_date(a.due_on, missing="No date given"),
                time_frame_as_written=a.time_frame_as_written,
                status=a.status,
                status_label=STATUS_LABELS[a.status],
                status_as_written=a.status_as_written,
                risk_rating_as_written=a.risk_rating_as_written,
                rag=a.rag,
                rag_label=RAG_LABELS[a.rag],
                overdue=a.is_overdue(today),
                latest_update=update.text if update else "",
                latest_update_date=update.date_label if update else "",
                latest_update_missing=(
                    "No outcome or update is given in the source plan."
                    if update is not None and update.transcribed
                    else "No outcome or update yet."
                ),
                delivered_by=label,
                delivered_by_url=url,
            )
        )
    return rows


def scrutiny_report(*, today: dt.date, complaint_ids: Iterable[int] | None = None) -> ScrutinyReport:
    """Per complaint: its progress today, every action with status, RAG and latest update, and its
    counts by quarter. The scrutiny page, the committee PDF and the XLSX are all made from this."""
    complaints = list(Complaint.objects.order_by("reference"))
    if complaint_ids is not None:
        wanted = set(complaint_ids)
        complaints = [c for c in complaints if c.pk in wanted]
    ids = [c.pk for c in complaints]
    figures = {p.complaint_id: p for p in progress(today, complaint_ids=ids)}
    actions: dict[int, list[Action]] = defaultdict(list)
    for action in (
        Action.objects.filter(complaint_id__in=ids)
        .select_related("responsible", "policy")
        .order_by("complaint_id", "number")
    ):
        actions[action.complaint_id].append(action)
    all_rows = action_rows([a for c in ids for a in actions[c]], today=today)
    rows_by_pk = {r.pk: r for r in all_rows}
    quarters = progress_by_quarter(ids, today=today)
    return ScrutinyReport(
        produced_on=today,
        complaints=[
            ComplaintReport(
                complaint=c,
                progress=figures[c.pk],
                actions=[rows_by_pk[a.pk] for a in actions[c.pk]],
                quarters=quarters.get(c.pk, []),
            )
            for c in complaints
            if c.pk in figures
        ],
    )
