"""What a school sees of a child: one view model for the child page, the API and any download.

A school is shown what it supplied itself and the child's time on its own roll, nothing else
(docs/access.md):

- the child's names, date of birth, gender and UPN;
- the addresses and carers that this school sent (``supplied_by_school``), never ones the
  council, another school or a team recorded;
- its own roll entries for the child, never another school's.

Never cases, flags, notes, health facts or the timeline. A former school (the child is no longer
on its roll) sees the record as it stood when the child left: nothing the council or anyone else
recorded after the leaving day (or the day of the school's own removal notice, when that came later)
reaches it, read from the record's history.

Whether the school may see the child at all is casework.access's decision (``get_child_for_user``);
this module only cuts the record down for a school that may.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Max

from rollcall import clock
from rollcall.people.models import Address, Carer, Child
from rollcall.schools.models import RemovalNotice, RollEntry, School


@dataclass(frozen=True)
class SchoolChildView:
    """A child as one school may see them."""

    child_id: int
    school: School
    legal_forename: str
    legal_surname: str
    preferred_name: str
    date_of_birth: dt.date
    gender: str
    upn: str | None
    addresses: tuple[Address, ...]
    carers: tuple[Carer, ...]
    roll_entries: tuple[RollEntry, ...]
    # None while the child is on this school's roll; otherwise the instant after which nothing new
    # is shown to the school.
    shown_as_at: dt.datetime | None

    @property
    def pk(self) -> int:
        return self.child_id

    @property
    def full_name(self) -> str:
        return f"{self.legal_forename} {self.legal_surname}"

    @property
    def gender_label(self) -> str:
        return str(Child.Gender(self.gender).label) if self.gender in Child.Gender.values else self.gender

    def get_gender_display(self) -> str:
        """As the model's, so one template shows either."""
        return self.gender_label

    @property
    def is_former_school(self) -> bool:
        return self.shown_as_at is not None


# A school with no roll entry and no notice has no link to the child: it sees nothing.
NO_LINK = dt.datetime.min.replace(tzinfo=dt.UTC)


def cut_off(leaving_days: list[dt.date | None], last_notice: dt.datetime | None) -> dt.datetime | None:
    """None while the child is on the school's roll (an entry with no leaving day); otherwise the
    end of the school's link: the end of the last day on its roll, or of the day its removal notice
    about the child arrived if later (the notice is what the school sent about the leaving)."""
    if any(day is None for day in leaving_days):
        return None
    days = [day for day in leaving_days if day is not None]
    if last_notice is not None:
        # The whole day the notice arrived: what the school sent with it is recorded a moment later.
        days.append(clock.local_date(last_notice))
    return max((clock.start_of_day(day + dt.timedelta(days=1)) for day in days), default=NO_LINK)


def school_cut_off(school: School, child: Child, entries: list[RollEntry]) -> dt.datetime | None:
    """:func:`cut_off` for one child, given the school's roll entries for the child."""
    noticed = RemovalNotice.objects.filter(school=school, child=child).aggregate(last=Max("received_at"))[
        "last"
    ]
    return cut_off([entry.on_roll_to for entry in entries], noticed)


def children_as_school_sees(school: School, children: list[Child], keep: tuple[str, ...] = ()) -> list[Child]:
    """These children's records as ``school`` may see their names, date of birth and UPN: as they
    are for its pupils, as they stood when the child left for its former pupils (three queries
    whatever the number of children; lists and search results). ``keep``: attributes the list
    annotated (such as the school the child is on roll at), carried over to an older version."""
    ids = [child.pk for child in children]
    leaving: dict[int, list[dt.date | None]] = {pk: [] for pk in ids}
    for child_id, on_roll_to in RollEntry.objects.filter(school=school, child_id__in=ids).values_list(
        "child_id", "on_roll_to"
    ):
        leaving[child_id].append(on_roll_to)
    notices = dict(
        RemovalNotice.objects.filter(school=school, child_id__in=ids)
        .values("child_id")
        .annotate(last=Max("received_at"))
        .values_list("child_id", "last")
    )
    ends = {pk: cut_off(leaving[pk], notices.get(pk)) for pk in ids}
    former = [pk for pk in ids if ends[pk] is not None]
    versions: dict[int, list[Any]] = {}  # historical versions of Child
    if former:
        # Oldest first, so the last one at or before a child's cut-off is the one shown.
        for version in Child.history.filter(id__in=former).order_by("history_date", "history_id"):
            versions.setdefault(version.id, []).append(version)
    shown = []
    for child in children:
        end = ends[child.pk]
        if end is None or child.pk not in versions:
            shown.append(child)
            continue
        kept = [v for v in versions[child.pk] if v.history_date <= end] or versions[child.pk][:1]
        record = kept[-1].instance
        for name in keep:
            setattr(record, name, getattr(child, name))
        shown.append(record)
    return shown


def school_view(school: School, child: Child) -> SchoolChildView:
    """What ``school`` may be shown of ``child`` (a child the school may see: casework.access)."""
    entries = list(
        RollEntry.objects.filter(child=child, school=school)
        .select_related("school", "destination_school")
        .order_by("-on_roll_from", "-pk")
    )
    end = school_cut_off(school, child, entries)
    if end is None:
        record = child
        addresses = list(Address.objects.filter(child=child, supplied_by_school=school))
        carers = list(Carer.objects.filter(child=child, supplied_by_school=school))
    else:
        record = _child_as_at(child, end)
        addresses = list(
            Address.history.as_of(end).filter(child_id=child.pk, supplied_by_school_id=school.pk)
        )
        carers = list(Carer.history.as_of(end).filter(child_id=child.pk, supplied_by_school_id=school.pk))
    addresses.sort(key=_address_order)
    carers.sort(key=lambda carer: (carer.name, carer.pk))
    return SchoolChildView(
        child_id=child.pk,
        school=school,
        legal_forename=record.legal_forename,
        legal_surname=record.legal_surname,
        preferred_name=record.preferred_name,
        date_of_birth=record.date_of_birth,
        gender=record.gender,
        upn=record.upn,
        addresses=tuple(addresses),
        carers=tuple(carers),
        roll_entries=tuple(entries),
        shown_as_at=end,
    )


def _child_as_at(child: Child, instant: dt.datetime) -> Child:
    """The child's record as it stood at ``instant`` (its first version if it was made later)."""
    versions = child.history.order_by("-history_date", "-history_id")
    version = versions.filter(history_date__lte=instant).first() or versions.last()
    return child if version is None else version.instance


def _address_order(address: Address) -> tuple[int, int, int]:
    """Current address first, then by the latest move out, then the latest move in (unknown last)."""
    moved_out = address.moved_out.toordinal() if address.moved_out else dt.date.max.toordinal()
    moved_in = address.moved_in.toordinal() if address.moved_in else 0
    return (-moved_out, -moved_in, -address.pk)
