"""The children-not-in-school register (CWS Act 2026 s.38; new Education Act 1996 ss.436B-436G),
behind settings.CHILDREN_NOT_IN_SCHOOL_REGISTER until the duty commences.

Built from the same records, not kept twice: every child with an open home-education record
(which includes every child on the attendance order route), and every child registered at a
school but educated elsewhere for part of the time (s.436B(b)): a part-time arrangement in force
on the day, for a pupil still on that school's roll. The s.436C(1) items Roll Call holds are the
child's name, date of birth and home address, the parents, who educates the child (the
provider, its type and where it teaches) and for how long (hours a week, or sessions a week
away from school); the consistent child identifier (Children Act 2004 s.16LC, not in force) is
shown beside the UPN when known.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, FilteredRelation, OuterRef, Q, QuerySet

from rollcall.homeeducation.models import EHERecord, PartTimeArrangement
from rollcall.rules.reporting import SuppressedTable, suppress
from rollcall.rules.workflow import EHE
from rollcall.schools.models import RollEntry

NOT_REGISTERED = "Not registered at a school"
PART_TIME = "Registered at a school, educated elsewhere part of the time"
KINDS = {"home": NOT_REGISTERED, "part_time": PART_TIME}

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
    "On the register because",
    "School registered at",
    "Provider's type",
    "Sessions a week elsewhere",
    "Arrangement from",
    "Arrangement to",
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
        NOT_REGISTERED,
        "",
        "",
        "",
        "",
        "",
    )


def arrangements_in_force(
    arrangements: QuerySet[PartTimeArrangement], *, today: dt.date
) -> QuerySet[PartTimeArrangement]:
    """Arrangements in force on ``today`` for pupils still on that school's roll (s.436B(b))."""
    return (
        arrangements.filter(starts_on__lte=today)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .filter(
            Exists(
                RollEntry.objects.filter(
                    child=OuterRef("child"), school=OuterRef("school"), on_roll_to__isnull=True
                )
            )
        )
    )


def arrangement_rows(
    arrangements: QuerySet[PartTimeArrangement], *, today: dt.date
) -> QuerySet[Any, tuple[Any, ...]]:
    return (
        arrangements_in_force(arrangements, today=today)
        .annotate(
            home=FilteredRelation("child__addresses", condition=Q(child__addresses__moved_out__isnull=True))
        )
        .values_list(
            "pk",
            "child__legal_forename",
            "child__legal_surname",
            "child__date_of_birth",
            "child__upn",
            "child__consistent_identifier",
            "home__line_1",
            "home__town",
            "home__postcode",
            "parents",
            "provider",
            "provider_address",
            "entered_by_kind",
            "kind",
            "school__name",
            "provider_type",
            "sessions_elsewhere",
            "starts_on",
            "ends_on",
            "child_id",
        )
        .order_by("child__legal_surname", "child__legal_forename", "pk")
    )


def arrangement_cells(row: Sequence[Any]) -> tuple[Any, ...]:
    (
        pk,
        forename,
        surname,
        dob,
        upn,
        identifier,
        line_1,
        town,
        postcode,
        parents,
        provider,
        where,
        entered_by,
        kind,
        school,
        provider_type,
        sessions,
        starts_on,
        ends_on,
        _child_id,
    ) = row
    address = ", ".join(part for part in (line_1, town, postcode) if part)
    return (
        f"PTA-{pk:06d}",
        f"{forename} {surname}",
        dob,
        upn or "",
        identifier or "",
        address,
        parents,
        provider,
        "",
        where,
        f"Entered by {PartTimeArrangement.EnteredBy(entered_by).label.lower()}",
        PartTimeArrangement.Kind(kind).label,
        "",
        "",
        PART_TIME,
        school,
        PartTimeArrangement.ProviderType(provider_type).label,
        sessions,
        starts_on,
        ends_on or "",
    )


@dataclass(frozen=True)
class Entry:
    """One line of the register: what the page and the extracts show, and whose it is."""

    cells: tuple[Any, ...]
    child_id: int
    sort_key: tuple[str, str, str]


def entries(
    records: QuerySet[EHERecord],
    arrangements: QuerySet[PartTimeArrangement],
    *,
    today: dt.date,
    status: str = "",
    source: str = "",
    kind: str = "",
) -> list[Entry]:
    """The register's lines among what the user may see, by surname: two queries whatever the
    number of children. A status or "how the council heard" filter is about home-education
    records, so it leaves part-time arrangements out."""
    found: list[Entry] = []
    if kind in ("", "home"):
        for row in register_rows(records, status=status, source=source):
            cells = row_cells(row)
            found.append(Entry(cells, row[-1], (row[2].lower(), row[1].lower(), cells[0])))
    if kind in ("", "part_time") and not status and not source:
        for row in arrangement_rows(arrangements, today=today):
            cells = arrangement_cells(row)
            found.append(Entry(cells, row[-1], (row[2].lower(), row[1].lower(), cells[0])))
    found.sort(key=lambda entry: entry.sort_key)
    return found


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


def arrangement_aggregate(
    arrangements: QuerySet[PartTimeArrangement], *, today: dt.date
) -> tuple[list[str], list[str], SuppressedTable]:
    """Children registered at a school and educated elsewhere part of the time, by kind of
    arrangement (rows) and who educates them (columns), counts under 5 suppressed."""
    kinds = list(PartTimeArrangement.Kind)
    types = list(PartTimeArrangement.ProviderType)
    counts = {
        (row["kind"], row["provider_type"]): row["n"]
        for row in arrangements_in_force(arrangements, today=today)
        .values("kind", "provider_type")
        .annotate(n=Count("pk"))
        .order_by()
    }
    table = suppress([[counts.get((k.value, p.value), 0) for p in types] for k in kinds])
    return [k.label for k in kinds], [p.label for p in types], table
