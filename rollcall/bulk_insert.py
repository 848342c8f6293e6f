"""Many rows into one table, fast, without a model instance per row: for the bulk writes of the
roll engine and the timeline (a county's first rolls write 100,000 children, their history rows,
their roll spells and "record created" events; ``bulk_create`` spent most of its time preparing
each field of each instance).

One parameterised INSERT run by ``executemany`` a batch at a time: SQLite prepares it once, and
psycopg sends PostgreSQL the rows in pipeline mode, so the server inserts one batch while this
process adapts the next. (One ``INSERT … SELECT * FROM unnest(arrays)`` per batch was tried: the
same CPU in all, but none of it overlapped, and a first load of 100,000 pupils took 63 s, not 52.)

Values must already be adapted for the database (``connection.ops.adapt_*`` or the field's
``get_db_prep_save``). Table and column names come from the model's metadata, quoted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models

BATCH = 2000


def insert_rows(model: type[models.Model], columns: Sequence[str], values: Sequence[tuple[Any, ...]]) -> int:
    """Insert ``values`` (one tuple per row, in the order of ``columns``) into ``model``'s table;
    the number of rows."""
    if not values:
        return 0
    quote = connection.ops.quote_name
    sql = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(column) for column in columns)}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for start in range(0, len(values), BATCH):
            cursor.executemany(sql, values[start : start + BATCH])
    return len(values)
