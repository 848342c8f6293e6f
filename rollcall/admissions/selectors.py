"""Reads for the admissions pages and their downloads: one queryset behind both, so nobody sees
in a download what they cannot see on the page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from rollcall.accounts.models import User
from rollcall.admissions.access import requests_visible_to
from rollcall.admissions.models import PutOnRollRequest
from rollcall.rules.admissions import days_waiting
from rollcall.rules.calendar import SchoolCalendar

SORTS: dict[str, tuple[str, ...]] = {
    "child": ("child__legal_surname", "child__legal_forename"),
    "school": ("school__name",),
    "offered": ("offer__offered_on",),
    "waiting": ("sent_on",),
    "due": ("answer_due",),
}
# "Days waiting" sorts descending by default: the longest wait first is sent_on ascending.
DEFAULT_SORT = "due"


def tracked_requests(user: User) -> QuerySet[PutOnRollRequest]:
    """Requests for vulnerable applicants (those with a tracking case) this user may see."""
    return requests_visible_to(user).filter(case__isnull=False)


def checkoff_counts(requests: QuerySet[PutOnRollRequest], today: dt.date) -> dict[str, int]:
    waiting = Q(checked_off_at__isnull=True, referred_cme_on__isnull=True)
    counts: dict[str, int] = requests.aggregate(
        waiting=Count("pk", filter=waiting),
        overdue=Count("pk", filter=waiting & Q(answer_due__lt=today)),
        not_on_roll=Count("pk", filter=waiting & Q(answer=PutOnRollRequest.Answer.NOT_ON_ROLL)),
        checked_off=Count("pk", filter=Q(checked_off_at__isnull=False, referred_cme_on__isnull=True)),
        referred=Count("pk", filter=Q(referred_cme_on__isnull=False)),
    )
    return counts


def checkoff_filter(
    requests: QuerySet[PutOnRollRequest], filters: dict[str, Any], user: User, today: dt.date
) -> QuerySet[PutOnRollRequest]:
    status = filters.get("status") or "waiting"
    waiting = Q(checked_off_at__isnull=True, referred_cme_on__isnull=True)
    if status == "waiting":
        requests = requests.filter(waiting)
    elif status == "overdue":
        requests = requests.filter(waiting, answer_due__lt=today)
    elif status == "not_on_roll":
        requests = requests.filter(waiting, answer=PutOnRollRequest.Answer.NOT_ON_ROLL)
    elif status == "checked_off":
        requests = requests.filter(checked_off_at__isnull=False, referred_cme_on__isnull=True)
    elif status == "referred":
        requests = requests.filter(referred_cme_on__isnull=False)
    if filters.get("school"):
        requests = requests.filter(school=filters["school"])
    if filters.get("team"):
        requests = requests.filter(case__team=filters["team"])
    if filters.get("owner") == "mine":
        requests = requests.filter(case__owner=user)
    return requests


def checkoff_order(
    requests: QuerySet[PutOnRollRequest], sort: str, descending: bool
) -> QuerySet[PutOnRollRequest]:
    fields = SORTS.get(sort, SORTS[DEFAULT_SORT])
    ordering = [F(f).desc() if descending else F(f).asc() for f in fields]
    ordering.append(F("pk").desc() if descending else F("pk").asc())
    return requests.order_by(*ordering)


@dataclass(frozen=True)
class Row:
    request: PutOnRollRequest
    days_waiting: int
    overdue: bool

    def cells(self) -> list[Any]:
        """The row as plain values, in the order of HEADERS (for CSV and XLSX)."""
        r = self.request
        case = r.case
        return [
            r.child.full_name,
            r.child.date_of_birth,
            r.school.name,
            r.offer.offered_on,
            r.answer_due,
            self.days_waiting,
            r.status_label,
            str(case.owner) if case and case.owner else "",
            case.next_action if case else "",
            case.next_action_due if case else None,
        ]


HEADERS = [
    "Child",
    "Date of birth",
    "School",
    "Offer date",
    "Answer due",
    "Days waiting (school days)",
    "Status",
    "Owner",
    "Next action",
    "Next action due",
]


def rows_for(requests: QuerySet[PutOnRollRequest], calendar: SchoolCalendar, today: dt.date) -> list[Row]:
    return [
        Row(
            request=r,
            days_waiting=days_waiting(
                calendar, r.sent_on, r.checked_off_at.date() if r.checked_off_at else today
            ),
            overdue=r.checked_off_at is None and r.referred_cme_on is None and r.answer_due < today,
        )
        for r in requests
    ]


def with_related(requests: QuerySet[PutOnRollRequest]) -> QuerySet[PutOnRollRequest]:
    return requests.select_related("child", "school", "offer", "case", "case__owner", "application")
