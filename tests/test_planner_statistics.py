"""Planner statistics after bulk loads (rollcall/planner_statistics.py): autovacuum's rule, applied
at once by the imports, so a table that grew is never planned as if it were still empty."""

from __future__ import annotations

import pytest
from django.db import connection

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
def test_a_table_that_grew_is_analysed_once_and_a_small_change_is_left_to_autovacuum() -> None:
    _needs_postgresql()
    table = School._meta.db_table
    refresh_statistics()  # whatever earlier tests left stale
    before = _analysed(table)
    factories.SchoolFactory.create_batch(80)  # over autovacuum's threshold of 50 changed rows

    assert table in refresh_statistics()
    assert _analysed(table) == before + 1
    assert table not in refresh_statistics()  # nothing changed since

    factories.SchoolFactory.create_batch(5)  # under 50 + 10% of the 80 rows
    assert table not in refresh_statistics()
    assert _analysed(table) == before + 1
