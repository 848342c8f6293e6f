"""Keep PostgreSQL's planner statistics up to date after a bulk load.

PostgreSQL chooses how to run a query from statistics that ``ANALYZE`` gathers. Autovacuum runs it
on a table once more than ``autovacuum_analyze_threshold + autovacuum_analyze_scale_factor x rows``
have changed since the last time, but only every ``autovacuum_naptime`` (a minute), and not at all
where a server runs with autovacuum off. A council's first rolls grow the children and roll tables
from nothing to 100,000 rows in under a minute; read with statistics that still say "empty", the
next school's lookups scan whole tables (each file slower than the last), which is what the
benchmarks measured at 1,000,000 pupils on a server with autovacuum off.

So the imports apply autovacuum's own rule themselves after each file: :func:`refresh_statistics`
analyses, at once, every table that autovacuum would analyse on its next round (and any never
analysed), with the server's settings. With nothing stale it costs one catalogue query. Other
databases keep their statistics their own way (SQLite's planner needs none): nothing to do.
"""

from __future__ import annotations

from django.db import connection

# The tables' estimated rows and changes since the last analyse, and the server's rule.
_STALE = """
SELECT s.relname
FROM pg_stat_user_tables s
JOIN pg_class c ON c.oid = s.relid
WHERE s.schemaname = current_schema()
  AND (
    (c.reltuples < 0 AND s.n_mod_since_analyze > 0)
    OR s.n_mod_since_analyze > current_setting('autovacuum_analyze_threshold')::float8
      + current_setting('autovacuum_analyze_scale_factor')::float8 * greatest(c.reltuples, 0)
  )
ORDER BY s.relname
"""


def refresh_statistics() -> list[str]:
    """Analyse the tables whose statistics autovacuum would refresh next; their names.

    Call it after a bulk write has committed (not inside the transaction: ``ANALYZE`` would then
    hold its lock until the end, and another import's would wait for it).
    """
    if connection.vendor != "postgresql" or connection.pg_version < 150000:  # type: ignore[attr-defined]
        return []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        # A backend hands its counts of changed rows to the server's statistics when it next goes
        # idle (at most once a second): ask for it now, so the rows just written are counted.
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute(_STALE)
        stale = [name for (name,) in cursor.fetchall()]
        for name in stale:
            cursor.execute(f"ANALYZE {quote(name)}")
    return stale
