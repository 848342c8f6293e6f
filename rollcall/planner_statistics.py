"""Keep PostgreSQL's planner statistics up to date after a bulk load.

PostgreSQL chooses how to run a query from statistics that ``ANALYZE`` gathers. A table never
analysed since it held rows is planned as nearly empty; once analysed, the planner scales its row
count by the table's current size, so the statistics only need refreshing when the table has
changed a great deal. Autovacuum analyses a table once a tenth of it has changed, but only every
``autovacuum_naptime`` (a minute), and not at all where a server runs with autovacuum off (this
machine's CI server does). A council's first rolls grow the children and roll tables from nothing
to 100,000 rows in under a minute; planned from statistics that still say "empty", the next
school's lookups scanned whole tables, each file slower than the last (measured at 1,000,000
pupils).

So the imports call :func:`refresh_statistics` after each file: it analyses, at once, each table
(of those named) that holds rows it has never been analysed with, or that has had more rows
changed since its last analyse than it had then (it has about doubled). That is a handful of
analyses per table over a first load of a million pupils (analysing at each tenth, as autovacuum
does, cost a first load of 100,000 pupils 10 s of server time); with nothing stale it costs one
catalogue query. Other databases keep their statistics their own way (SQLite's planner needs
none): nothing to do.
"""

from __future__ import annotations

from django.db import connection, models

# Rows that may change before a table is analysed again, beyond as many as it had.
CHANGED_ROWS = 1000

_STALE = """
SELECT s.relname
FROM pg_stat_user_tables s
JOIN pg_class c ON c.oid = s.relid
WHERE s.schemaname = current_schema()
  AND s.n_mod_since_analyze > 0
  AND (c.reltuples <= 0 OR s.n_mod_since_analyze > %s + c.reltuples)
  AND (%s OR s.relname = ANY(%s))
ORDER BY s.relname
"""


def refresh_statistics(*tables_of: type[models.Model]) -> list[str]:
    """Analyse the tables (of these models; default: every table) whose statistics no longer
    describe them (see the module's docstring); their names.

    Call it after a bulk write has committed (not inside the transaction: ``ANALYZE`` would then
    hold its lock until the end, and another import's would wait for it).
    """
    if connection.vendor != "postgresql" or connection.pg_version < 150000:  # type: ignore[attr-defined]
        return []
    quote = connection.ops.quote_name
    names = [model._meta.db_table for model in tables_of]
    with connection.cursor() as cursor:
        # A backend hands its counts of changed rows to the server's statistics when it next goes
        # idle (at most once a second): ask for it now, so the rows just written are counted.
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(_STALE, [CHANGED_ROWS, not names, names])
        stale = [name for (name,) in cursor.fetchall()]
        for name in stale:
            cursor.execute(f"ANALYZE {quote(name)}")
    return stale
