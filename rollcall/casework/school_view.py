"""What a school sees of a child: one view model for the child page, the API and any download.

A school is shown what it supplied itself and the child's time on its own roll, nothing else
(docs/access.md):

- the child's names, date of birth, gender and UPN;
- the addresses and carers that this school sent (``supplied_by_school``), never ones the
  council, another school or a team recorded;
- its own roll entries for the child, never another school's.

Never cases, flags, notes, health facts or the timeline. A former school (the child is no longer
on its roll) sees the record as it stood when the child left: nothing the council or anyone else
recorded after the leaving date (or after the school's own removal notice, when that came later)
reaches it, read from the record's history.

Whether the school may see the child at all is casework.access's decision (``get_child_for_user``);
this module only cuts the record down for a school that may.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

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


def school_cut_off(school: School, child: Child, entries: list[RollEntry]) -> dt.datetime | None:
    """None while ``child`` is on ``school``'s roll; otherwise the end of the school's link.

    That is the end of the last day the child was on the roll, or the moment the school's removal
    notice about the child arrived if later (the notice is what the school sent about the leaving).
    A school with no roll entry and no notice has no link: the start of time, so it sees nothing.
    """
    if any(entry.on_roll_to is None for entry in entries):
        return None
    ends = [
        clock.start_of_day(entry.on_roll_to + dt.timedelta(days=1)) for entry in entries if entry.on_roll_to
    ]
    noticed = RemovalNotice.objects.filter(school=school, child=child).aggregate(last=Max("received_at"))[
        "last"
    ]
    if noticed is not None:
        ends.append(noticed)
    return max(ends, default=dt.datetime.min.replace(tzinfo=dt.UTC))


def school_view(school: School, child: Child) -> SchoolChildView:
    """What ``school`` may be shown of ``child`` (a child the school may see: casework.access)."""
    entries = list(
        RollEntry.objects.filter(child=child, school=school)
        .select_related("school", "destination_school")
        .order_by("-on_roll_from", "-pk")
    )
    cut_off = school_cut_off(school, child, entries)
    if cut_off is None:
        record = child
        addresses = list(Address.objects.filter(child=child, supplied_by_school=school))
        carers = list(Carer.objects.filter(child=child, supplied_by_school=school))
    else:
        record = _child_as_at(child, cut_off)
        addresses = list(
            Address.history.as_of(cut_off).filter(child_id=child.pk, supplied_by_school_id=school.pk)
        )
        carers = list(Carer.history.as_of(cut_off).filter(child_id=child.pk, supplied_by_school_id=school.pk))
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
        shown_as_at=cut_off,
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
