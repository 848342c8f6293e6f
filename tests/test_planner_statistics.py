"""Planner statistics after bulk loads (rollcall/planner_statistics.py): a table that has rows it
was never analysed with, or has about doubled, is analysed at once, so it is never planned as if
it were still empty."""

from __future__ import annotations

import pytest
from django.db import connection

from rollcall.people.models import Child
from rollcall.planner_statistics import refresh_statistics
from rollcall.schools.models import School
from tests import factories


def _analysed(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT analyze_count FROM pg_stat_user_tables WHERE relname = %s", [table])
        (count,) = cursor.fetchone()
    return int(count)


def _needs_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("planner statistics are PostgreSQL's (make test-postgres runs this)")


@pytest.mark.django_db
def test_other_databases_have_nothing_to_refresh() -> None:
    if connection.vendor == "postgresql":
        pytest.skip("SQLite's case (make test runs this)")
    factories.SchoolFactory.create_batch(60)
    assert refresh_statistics() == []


@pytest.mark.django_db(transaction=True)
def test_a_table_with_rows_never_analysed_is_analysed_then_again_only_once_it_has_doubled() -> None:
    _needs_postgresql()
    table = School._meta.db_table
    refresh_statistics()  # whatever earlier tests left stale
    factories.SchoolFactory.create_batch(30)
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {table} CASCADE")  # analysed while empty: the first load's case
        cursor.execute(f"ANALYZE {table}")
    before = _analysed(table)
    factories.SchoolFactory.create_batch(20)

    assert table in refresh_statistics(School)
    assert _analysed(table) == before + 1
    assert refresh_statistics(School) == []  # nothing changed since

    factories.SchoolFactory.create_batch(60)  # 60 more on 20: not yet 1,000 more than it had
    assert refresh_statistics(School) == []
    assert _analysed(table) == before + 1


@pytest.mark.django_db(transaction=True)
def test_only_the_tables_named_are_analysed() -> None:
    _needs_postgresql()
    refresh_statistics()
    with connection.cursor() as cursor:
        cursor.execute(f"TRUNCATE {School._meta.db_table} CASCADE")
        cursor.execute(f"ANALYZE {School._meta.db_table}")
    factories.SchoolFactory.create_batch(5)

    assert refresh_statistics(Child) == []
    assert refresh_statistics(School) == [School._meta.db_table]
