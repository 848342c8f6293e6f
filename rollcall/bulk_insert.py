"""Many rows into one table, fast, without a model instance per row: for the bulk writes of the
roll engine and the timeline (a county's first rolls write 100,000 children, their history rows,
their roll spells and "record created" events).

- **SQLite:** one parameterised INSERT run by ``executemany`` a batch at a time (the engine
  prepares the statement once).
- **PostgreSQL:** one ``COPY … FROM STDIN`` for all the rows, written by psycopg's C row
  formatter, with a writer thread sending while the next rows are formatted, so the server
  inserts while we format. Per-row INSERTs (``executemany``) cost 68.7 s of server CPU on the
  first roll load of 100,000 pupils, since the server parses, plans and starts each with every
  index of the table (the children's table has expression indexes); one ``INSERT … SELECT FROM
  unnest(arrays)`` per batch cost 33.2 s of server CPU and 29.5 s of ours, a third of it
  building the arrays (bench/README.md).

``COPY`` fires the same constraints, defaults and index updates as INSERT, and runs inside the
caller's transaction: a failure rolls back with everything else.

Values must already be adapted for the database (``connection.ops.adapt_*`` or the field's
``get_db_prep_save``). Table and column names come from the model's metadata, quoted.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, models
from psycopg import Cursor
from psycopg.copy import QueuedLibpqWriter

BATCH = 2000


def insert_rows(model: type[models.Model], columns: Sequence[str], values: Sequence[tuple[Any, ...]]) -> int:
    """Insert ``values`` (one tuple per row, in the order of ``columns``) into ``model``'s table;
    the number of rows."""
    if not values:
        return 0
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with connection.wrap_database_errors:  # psycopg's errors as Django's, as execute gives
                _copy_rows(cursor.cursor, f"COPY {table} ({names}) FROM STDIN", values)
        else:
            sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
            for start in range(0, len(values), BATCH):
                cursor.executemany(sql, values[start : start + BATCH])
    return len(values)


def _copy_rows(cursor: Cursor[Any], statement: str, values: Sequence[tuple[Any, ...]]) -> None:
    """``values`` through one COPY on psycopg's ``cursor`` (Django's wrapper has no ``copy``)."""
    with cursor.copy(statement, writer=QueuedLibpqWriter(cursor)) as copy:
        for row in values:
            copy.write_row(row)
