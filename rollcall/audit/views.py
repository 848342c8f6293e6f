"""The audit trail for administrators: who viewed which child, and who changed what.

Views come from our access log (audit.RecordView); changes from django-simple-history's
Historical* tables of the models each app registers (rollcall.audit_registry), read as one union
so a single page shows every kind of record in time order.
Only the visible page is diffed, with a fixed number of queries per model, so the page costs the
same with ten rows of history or ten million.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import models
from django.db.models import CharField, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.audit.access import can_read_audit_trail
from rollcall.audit.models import RecordView
from rollcall.audit_registry import tracked, tracked_by_label
from rollcall.forms import DateField

PER_PAGE = 50
# Bookkeeping columns that change on every save and say nothing about what was changed.
_NOT_DIFFED = frozenset({"created_at", "updated_at"})
CHANGE_TYPES = {"+": "Created", "~": "Changed", "-": "Deleted"}


def _history(model: type[models.Model]) -> type[models.Model]:
    history_model: type[models.Model] = model.history.model  # type: ignore[attr-defined]
    return history_model


class AuditFilterForm(forms.Form):
    child = forms.IntegerField(
        label="Child record number",
        required=False,
        min_value=1,
        help_text="The number in the address of the child's page, /children/<number>/",
        widget=forms.TextInput(attrs={"width": "10", "inputmode": "numeric"}),
        error_messages={
            "invalid": "Child record number must be a whole number, like 42",
            "min_value": "Child record number must be 1 or more",
        },
    )
    user = forms.CharField(
        label="Username", required=False, max_length=150, widget=forms.TextInput(attrs={"width": "20"})
    )
    date_from = DateField(label="From date", required=False, help_text="For example, 1 9 2026")
    date_to = DateField(label="To date", required=False, help_text="For example, 30 9 2026")

    def clean_user(self) -> User | None:
        username = str(self.cleaned_data.get("user") or "").strip()
        if not username:
            return None
        found = User.objects.filter(username__iexact=username).first()
        if found is None:
            raise forms.ValidationError(f"There is no user with the username {username}")
        return found

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "To date must be the same as or after the from date")
        return cleaned


@dataclass(frozen=True)
class Filters:
    child_id: int | None = None
    user: User | None = None
    start: dt.datetime | None = None
    end: dt.datetime | None = None


def _filters(form: AuditFilterForm) -> Filters:
    if not form.is_bound or not form.is_valid():
        return Filters()
    data = form.cleaned_data
    start = (
        dt.datetime.combine(data["date_from"], dt.time.min, tzinfo=clock.LONDON)
        if data["date_from"]
        else None
    )
    end = (
        dt.datetime.combine(data["date_to"] + dt.timedelta(days=1), dt.time.min, tzinfo=clock.LONDON)
        if data["date_to"]
        else None
    )
    return Filters(child_id=data["child"], user=data["user"], start=start, end=end)


def record_views(filters: Filters) -> QuerySet[RecordView]:
    views = RecordView.objects.select_related("user", "child")
    if filters.child_id is not None:
        views = views.filter(child_id=filters.child_id)
    if filters.user is not None:
        views = views.filter(user=filters.user)
    if filters.start is not None:
        views = views.filter(at__gte=filters.start)
    if filters.end is not None:
        views = views.filter(at__lt=filters.end)
    return views.order_by("-at", "-pk")


def changes(filters: Filters) -> QuerySet[Any]:
    """Every tracked model's history rows as one queryset of tuples, newest first.

    Each row is (model label, history id, when, change type, user id, object id, child id).
    """
    parts: list[QuerySet[Any]] = []
    for item in tracked():
        if filters.child_id is not None and item.child is None:
            continue  # a school's history belongs to no child
        rows = _history(item.model).objects.all()  # type: ignore[attr-defined]
        if filters.child_id is not None and item.child is not None:
            rows = rows.filter(**{item.child: filters.child_id})
        if filters.user is not None:
            rows = rows.filter(history_user_id=filters.user.pk)
        if filters.start is not None:
            rows = rows.filter(history_date__gte=filters.start)
        if filters.end is not None:
            rows = rows.filter(history_date__lt=filters.end)
        child_expr = F(item.child) if item.child else Value(None, output_field=IntegerField())
        rows = (
            rows.order_by()
            .annotate(audit_model=Value(item.label, output_field=CharField()), audit_child=child_expr)
            .values_list(
                "audit_model",
                "history_id",
                "history_date",
                "history_type",
                "history_user_id",
                "id",
                "audit_child",
            )
        )
        parts.append(rows)
    first, *rest = parts
    return first.union(*rest, all=True).order_by("-history_date", "-history_id")


def _change_rows(page_rows: list[tuple[Any, ...]]) -> list[dict[str, Any]]:
    """Describe one page of history rows: the changed fields come from ``diff_against``.

    Two queries per model on the page (its rows with the id of each one's previous version, then
    those previous versions) and one for the users: never one per row.
    """
    by_label = tracked_by_label()
    ids_by_label: dict[str, list[int]] = defaultdict(list)
    for label, history_id, *_rest in page_rows:
        ids_by_label[label].append(history_id)
    records: dict[tuple[str, int], Any] = {}
    previous: dict[tuple[str, int], Any] = {}
    for label, ids in ids_by_label.items():
        history_model = _history(by_label[label].model)
        manager = history_model.objects  # type: ignore[attr-defined]
        before = (
            manager.filter(id=OuterRef("id"))
            .filter(
                Q(history_date__lt=OuterRef("history_date"))
                | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id"))
            )
            .order_by("-history_date", "-history_id")
        )
        rows = list(
            manager.filter(history_id__in=ids).annotate(prev_id=Subquery(before.values("history_id")[:1]))
        )
        prev_rows = {
            r.history_id: r for r in manager.filter(history_id__in=[r.prev_id for r in rows if r.prev_id])
        }
        for row in rows:
            records[(label, row.history_id)] = row
            if row.prev_id in prev_rows:
                previous[(label, row.history_id)] = prev_rows[row.prev_id]
    user_ids = {row[4] for row in page_rows if row[4] is not None}
    users = {u.pk: u for u in User.objects.filter(pk__in=user_ids)}

    described = []
    for label, history_id, when, change_type, user_id, object_id, child_id in page_rows:
        record = records.get((label, history_id))
        fields: list[dict[str, Any]] = []
        old = previous.get((label, history_id))
        if record is not None and old is not None and change_type == "~":
            delta = record.diff_against(old, excluded_fields=_NOT_DIFFED)
            fields = [{"field": c.field, "old": c.old, "new": c.new} for c in delta.changes]
        described.append(
            {
                "model": label,
                "when": when,
                "change_type": change_type,
                "change_label": CHANGE_TYPES.get(change_type, change_type),
                "user": users.get(user_id),
                "object_id": object_id,
                "object": by_label[label].describe(record) if record is not None else f"{label} {object_id}",
                "child_id": child_id,
                "fields": fields,
            }
        )
    return described


def audit_log(request: HttpRequest) -> HttpResponse:
    """Administrators only: the access log and the change history, filtered and paginated."""
    user = request.user
    if not isinstance(user, User) or not can_read_audit_trail(user):
        raise PermissionDenied("Only administrators can read the audit trail.")
    bound = any(
        value
        for name, value in request.GET.items()
        if name in ("child", "user") or name.startswith(("date_from_", "date_to_"))
    )
    form = AuditFilterForm(request.GET if bound else None)
    filters = _filters(form)
    views_page = Paginator(record_views(filters), PER_PAGE).get_page(request.GET.get("vpage"))
    changes_page = Paginator(changes(filters), PER_PAGE).get_page(request.GET.get("cpage"))
    return render(
        request,
        "audit/log.html",
        {
            "page_title": "Audit trail",
            "form": form,
            "views_page": views_page,
            "changes_page": changes_page,
            "change_rows": _change_rows(list(changes_page)),
        },
    )
