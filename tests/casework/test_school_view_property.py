"""Property: whatever schools, rolls and suppliers, a school's view of a child holds only what that
school sent (and, for a former school, only what it sent before the child left) and its own roll."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollcall.casework.school_view import school_view
from rollcall.people.models import Child
from rollcall.schools.models import RollEntry, School
from tests import factories

pytestmark = pytest.mark.django_db

FIRST = dt.datetime(2026, 1, 12, 12, 0, tzinfo=dt.UTC)  # the child joins and the first details arrive
LEFT_ON = dt.date(2026, 2, 6)  # schools marked "left" took the child off their roll on this day
LATER = dt.datetime(2026, 3, 9, 12, 0, tzinfo=dt.UTC)  # more details arrive

SCHOOLS = 3
# For each school: no link, still on the roll, or left.
LINKS = st.lists(st.sampled_from(["none", "current", "left"]), min_size=SCHOOLS, max_size=SCHOOLS)
# Who supplied each address or carer: a school's index, or None for the council.
SUPPLIERS = st.lists(st.one_of(st.none(), st.integers(0, SCHOOLS - 1)), max_size=4)


def _supply(
    child: Child, schools: list[School], addresses: list[int | None], carers: list[int | None]
) -> None:
    for n, who in enumerate(addresses):
        factories.AddressFactory.create(
            child=child,
            line_1=f"{n} Lane",
            moved_out=dt.date(2025, 1, 1),  # none current: the one-current-address rule is not the point
            supplied_by_school=None if who is None else schools[who],
        )
    for who in carers:
        factories.CarerFactory.create(child=child, supplied_by_school=None if who is None else schools[who])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    links=LINKS,
    first_addresses=SUPPLIERS,
    first_carers=SUPPLIERS,
    later_addresses=SUPPLIERS,
    later_carers=SUPPLIERS,
)
def test_a_school_sees_only_what_it_sent_while_the_child_was_on_its_roll(
    links: list[str],
    first_addresses: list[int | None],
    first_carers: list[int | None],
    later_addresses: list[int | None],
    later_carers: list[int | None],
) -> None:
    with transaction.atomic():
        schools = [factories.SchoolFactory.create() for _ in range(SCHOOLS)]
        with time_machine.travel(FIRST, tick=False):
            child = factories.ChildFactory.create()
            entries = {
                n: factories.RollEntryFactory.create(child=child, school=school, on_roll_from=FIRST.date())
                for n, school in enumerate(schools)
                if links[n] != "none"
            }
            _supply(child, schools, first_addresses, first_carers)
        with time_machine.travel(LATER, tick=False):
            for n, entry in entries.items():
                if links[n] == "left":
                    entry.on_roll_to = LEFT_ON
                    entry.save()
            _supply(child, schools, later_addresses, later_carers)

        for n, school in enumerate(schools):
            seen = school_view(school, child)
            sent = {"current": 2, "left": 1, "none": 0}[links[n]]  # batches of details it may see
            wanted_addresses = [first_addresses, later_addresses][:sent]
            wanted_carers = [first_carers, later_carers][:sent]
            assert len(seen.addresses) == sum(batch.count(n) for batch in wanted_addresses)
            assert len(seen.carers) == sum(batch.count(n) for batch in wanted_carers)
            assert all(a.supplied_by_school_id == school.pk for a in seen.addresses)
            assert all(c.supplied_by_school_id == school.pk for c in seen.carers)
            assert all(e.school_id == school.pk for e in seen.roll_entries)
            assert len(seen.roll_entries) == (links[n] != "none")
            assert seen.is_former_school == (links[n] != "current")
        assert RollEntry.objects.filter(child=child).count() == len(entries)
        transaction.set_rollback(True)
