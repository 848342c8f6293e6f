"""The lookup of children born on a pupil's birthday with a surname that could agree
(rollcall/people/birthday_lookup.py): it reads its indexes, never every child born that day, and
finds exactly the children the rule says (the roll engine's own tests cover the matching)."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.db import connection

from rollcall.people import birthday_lookup
from rollcall.people.birthday_lookup import children_born_like
from rollcall.people.models import Child
from rollcall.rules.identity import could_be_the_pupil, lookup_ends
from tests import factories

BORN = dt.date(2015, 3, 1)


def _wanted(surname: str, forename: str, born: dt.date = BORN) -> birthday_lookup.Wanted:
    return (born, *lookup_ends(forename, surname))


def _spread(i: int) -> str:
    """Surnames whose first two and last two letters are spread over the alphabet."""
    letters = "abcdefghijklmnopqrstuvwxyz"
    return f"{letters[i % 26].upper()}{letters[i // 26 % 26]}ton{letters[i // 7 % 26]}{letters[i // 3 % 26]}"


@pytest.mark.django_db
def test_the_query_reads_the_three_indexes() -> None:
    sql, params = birthday_lookup._statement(
        connection.vendor, [(BORN, "ok", "or", "sa", "am", "sa", "am")] * 2
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # PostgreSQL picks its plan from statistics: a day with thousands of children born on
            # it, analysed, makes the indexes worth reading if the expressions still match them.
            Child.objects.bulk_create(
                Child(
                    legal_forename="Sam",
                    legal_surname=_spread(i),
                    date_of_birth=BORN,
                )
                for i in range(3000)
            )
            cursor.execute("ANALYZE people_child")
            cursor.execute("EXPLAIN " + sql, params)
        else:  # SQLite is told which index to read (INDEXED BY), and refuses to run if it cannot
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
        plan = " ".join(str(row) for row in cursor.fetchall())
    for name in birthday_lookup.INDEX_NAMES:
        assert name in plan


@pytest.mark.django_db
def test_it_finds_the_children_born_that_day_sharing_an_end_of_a_name_and_every_unusual_surname() -> None:
    def child(forename: str, surname: str, born: dt.date = BORN) -> Child:
        return factories.ChildFactory.create(
            legal_forename=forename, legal_surname=surname, date_of_birth=born
        )

    same = child("Ada", "Okafor")
    slip = child("Ada", "Okafer")  # the first two letters agree
    hyphen = child("Ada", "Smith-Okafor")  # the last two
    swapped = child("Okafor", "Ada")  # the pupil's forename as the child's surname
    unusual = child("Ada", "Ødegård")  # not plain ASCII: always a candidate
    apostrophe = child("Ada", "O'Kafor")  # "okafor" once normalised
    same_surname = child("Zed", "Okafor")  # a possible duplicate
    unusual_forename = child("Ödön", "Okafer")  # judged by the surname alone
    first_word = child("Adam Jo", "Okafor-Li")  # "adam" and "ada" share their first two
    child("Ada", "Brown")  # shares no end
    child("Zed", "Okafer")  # only the surname looks alike
    child("Zed", "Smith-Okafor")
    child("Ada", "Okafor", born=BORN + dt.timedelta(days=1))  # another day
    merged = child("Ada", "Okafor")
    Child.objects.filter(pk=merged.pk).update(merged_into=same)

    found = children_born_like([_wanted("Okafor", "Ada")])

    assert found is not None
    assert {row[0] for row in found} == {
        same.pk,
        slip.pk,
        hyphen.pk,
        swapped.pk,
        unusual.pk,
        apostrophe.pk,
        same_surname.pk,
        unusual_forename.pk,
        first_word.pk,
    }
    assert len(found) == len({row[0] for row in found})  # each child once
    assert all(row[3] == BORN for row in found)
    assert children_born_like([]) == []


@pytest.mark.django_db
def test_the_indexes_exist_after_every_migration() -> None:
    """A later migration that rebuilds the children's table (SQLite does, for some changes)
    would drop indexes Django does not know about: this says so."""
    with connection.cursor() as cursor:
        indexes = connection.introspection.get_constraints(cursor, Child._meta.db_table)
    assert set(birthday_lookup.INDEX_NAMES) <= set(indexes)


@pytest.mark.django_db
def test_the_sql_keeps_exactly_the_children_rules_say_could_be_the_pupil() -> None:
    """For names of plain letters the SQL is ``rules.identity.could_be_the_pupil``, no more and no
    less: spaces, hyphens, apostrophes and full stops anywhere, names of one word or several."""
    rng = random.Random(2026)
    days = [BORN + dt.timedelta(days=n) for n in range(3)]

    def name() -> str:
        return "".join(rng.choice("aabbcAB  -'.") for _ in range(rng.randint(0, 8)))

    Child.objects.bulk_create(
        Child(legal_forename=name(), legal_surname=name(), date_of_birth=rng.choice(days)) for _ in range(600)
    )
    pupils = [(rng.choice(days), name(), name()) for _ in range(80)]

    found = children_born_like(
        [(born, *lookup_ends(forename, surname)) for born, forename, surname in pupils]
    )

    assert found is not None
    expected = {
        pk
        for pk, forename, surname, born in Child.objects.values_list(
            "pk", "legal_forename", "legal_surname", "date_of_birth"
        )
        if any(
            day == born and could_be_the_pupil(lookup_ends(f, s), forename, surname) for day, f, s in pupils
        )
    }
    assert len(expected) > 20  # the names are few enough that many could be the pupil
    assert {row[0] for row in found} == expected
