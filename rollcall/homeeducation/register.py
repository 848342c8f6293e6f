"""The children-not-in-school register (CWS Act 2026 s.38; new Education Act 1996 ss.436B-436G),
behind settings.CHILDREN_NOT_IN_SCHOOL_REGISTER until the duty commences.

Built from the same records, not kept twice: every child with an open home-education record
(which includes every child on the attendance order route). The s.436C(1) items Roll Call holds
are the child's name, date of birth and home address, the parents, who educates the child and
for how long; the consistent child identifier (Children Act 2004 s.16LC, not in force) is
shown beside the UPN when known. Children registered at a school but educated elsewhere for
part of the time (s.436B(b)) are not recorded yet.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db.models import Count, FilteredRelation, Q, QuerySet

from rollcall.homeeducation.models import EHERecord
from rollcall.rules.reporting import SuppressedTable, suppress
from rollcall.rules.workflow import EHE

HEADERS = (
    "Reference",
    "Child's name",
    "Date of birth",
    "UPN",
    "Consistent identifier",
    "Home address",
    "Parents",
    "Who educates the child",
    "Hours a week",
    "Where",
    "How the council heard",
    "Status",
    "Owner",
    "Next review",
)


def register_rows(
    records: QuerySet[EHERecord], *, status: str = "", source: str = ""
) -> QuerySet[Any, tuple[Any, ...]]:
    """The register's entries among ``records`` (already limited to what the user may see)."""
    rows = records.filter(case__closed_at__isnull=True)
    if status:
        rows = rows.filter(case__status=status)
    if source:
        rows = rows.filter(source=source)
    return (
        rows.annotate(
            home=FilteredRelation("child__addresses", condition=Q(child__addresses__moved_out__isnull=True))
        )
        .select_related("child", "case", "case__owner")
        .values_list(
            "case_id",
            "child__legal_forename",
            "child__legal_surname",
            "child__date_of_birth",
            "child__upn",
            "child__consistent_identifier",
            "home__line_1",
            "home__town",
            "home__postcode",
            "parents",
            "educated_by",
            "hours_per_week",
            "where",
            "source",
            "case__status",
            "case__owner__first_name",
            "case__owner__last_name",
            "next_review_on",
            "child_id",
        )
        .order_by("child__legal_surname", "child__legal_forename", "pk")
    )


def row_cells(row: Sequence[Any]) -> tuple[Any, ...]:
    """One register row as the page and the extract show it."""
    (
        case_id,
        forename,
        surname,
        dob,
        upn,
        identifier,
        line_1,
        town,
        postcode,
        parents,
        educated_by,
        hours,
        where,
        source,
        status,
        owner_first,
        owner_last,
        review,
        _child_id,
    ) = row
    address = ", ".join(part for part in (line_1, town, postcode) if part)
    return (
        f"EHE-{case_id:06d}",
        f"{forename} {surname}",
        dob,
        upn or "",
        identifier or "",
        address,
        parents,
        educated_by,
        hours if hours is not None else "",
        where,
        EHERecord.Source(source).label,
        EHE.status_label(status),
        f"{owner_first} {owner_last}".strip(),
        review or "",
    )


def aggregate(records: QuerySet[EHERecord]) -> tuple[list[str], list[str], SuppressedTable]:
    """Children on the register by how the council heard (rows) and status (columns), with
    counts under 5 suppressed (DOMAIN.md, data protection), as it may be shared."""
    sources = list(EHERecord.Source)
    statuses = [s for s in EHE.statuses if s not in EHE.closed]
    counts = {
        (source, status): n for source, status, n in _counts(records.filter(case__closed_at__isnull=True))
    }
    table = suppress([[counts.get((src.value, st), 0) for st in statuses] for src in sources])
    return [src.label for src in sources], [EHE.status_label(s) for s in statuses], table


def _counts(records: QuerySet[EHERecord]) -> list[tuple[str, str, int]]:
    return [
        (row["source"], row["case__status"], row["n"])
        for row in records.values("source", "case__status").annotate(n=Count("pk")).order_by()
    ]
