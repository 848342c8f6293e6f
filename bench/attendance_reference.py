"""The attendance rules written again as SQL in DuckDB: the benchmark's yardstick and cross-check.

``bench/attendance.py`` times Roll Call's evaluation (marks strings read from the database, then
``rollcall.rules.attendance.Evaluator``) against this: the same facts for every pupil, computed by
DuckDB straight from the session-mark CSV (docs: /tmp/attendance-spec.md §2 and §4). The two are
written independently (set-based SQL here, string and bit operations there), so when they agree
pupil for pupil on every field, each checks the other. ``tests/attendance/test_duckdb_reference.py``
keeps them in step in CI.

It reads the CSV form (``upn,school,date,session,code``, one row per pupil per school per session,
national codes such as ``/``, ``C1``, ``Y3``) and returns one row per UPN with exactly the fields
of ``rollcall.rules.attendance.PupilFacts``. A pupil's rows from every school are taken together,
as the app evaluates a pupil on the merge of their schools' strings. That is only the same thing
when no (pupil, date, session) has two rows, which is true of the benchmark's files (a pupil who
changes school has marks at the old school up to the move and at the new one after it) and of
the test; the importer rejects such duplicates within a file.

Blank sessions have no row. Rows outside the academic year that ``as_of`` falls in are ignored;
rows on days that are not school days are ignored by the rules (a pupil whose only rows are there
still gets a row of facts, all counts zero).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

if TYPE_CHECKING:
    from rollcall.rules.attendance import PupilFacts

__all__ = [
    "FACT_FIELDS",
    "PENALTY_FIELDS",
    "REACHED_FIELDS",
    "facts_by_upn",
    "load_marks",
    "penalty_facts",
    "reference_facts",
    "rules_facts",
]

# The columns of the answer after ``upn``: PupilFacts' fields, in its order.
FACT_FIELDS = (
    "possible_sessions",
    "absent_sessions",
    "unauthorised_sessions",
    "illness_days",
    "unexplained_streak",
    "longest_unexplained_streak",
    "ground_i_streak",
    "unmarked_days",
)
# And the days the returns' thresholds were first reached (offsets from 1 September, or NULL): in
# the answer and in facts_by_upn, not compared by the benchmark's agreement phase.
REACHED_FIELDS = ("unexplained_reached_offset", "illness_reached_offset")

# The national codes by category (DOMAIN.md "Attendance codes"; spec §1), as the CSV writes them.
PRESENT = ("/", "\\", "L")
APPROVED = ("K", "V", "P", "W", "B")
AUTHORISED = ("C1", "M", "J1", "S", "C2", "C", "E", "I", "R", "T")
UNAUTHORISED = ("G", "N", "O", "U")
NOT_COUNTED = ("D", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z", "#")
NOT_REQUIRED = ("X",)
GROUND_I = ("G", "N", "O")  # Pupil Registration Regulations 2024, reg. 9(1)(i): 20 days "G, N or O"
ILLNESS = "I"

Paths = str | Path | Sequence[str | Path]


def _sql_list(codes: Sequence[str]) -> str:
    """``('G', 'N', 'O')``: codes as a SQL list (none holds a quote; a backslash is literal in SQL)."""
    return "(" + ", ".join(f"'{code}'" for code in codes) + ")"


def load_marks(connection: duckdb.DuckDBPyConnection, paths: Paths) -> int:
    """Read the CSV file(s) into a table ``marks(upn, date, session, code)``; returns the row count.

    The school column is not read: the rules take a pupil's marks from all their schools together.
    Types are given, not sniffed, so a file is read the same way whatever its first rows hold.
    """
    files = [str(paths)] if isinstance(paths, str | Path) else [str(path) for path in paths]
    connection.execute("DROP TABLE IF EXISTS marks")
    connection.execute(
        """
        CREATE TABLE marks AS
        SELECT upn, date, session, code
        FROM read_csv(
            ?,
            header = true,
            delim = ',',
            quote = '"',
            escape = '"',
            columns = {'upn': 'VARCHAR', 'school': 'VARCHAR', 'date': 'DATE',
                       'session': 'VARCHAR', 'code': 'VARCHAR'}
        )
        """,
        [files],
    )
    row = connection.execute("SELECT count(*) FROM marks").fetchone()
    assert row is not None
    return int(row[0])


def _academic_year_of(day: dt.date) -> int:
    return day.year if day.month >= 9 else day.year - 1


# The rules of spec §2 over two small tables and ``marks``: ``school_day(day, n)``, the council's
# school days from 1 September to as_of numbered n = 1..N in date order (so "consecutive school
# days" are consecutive n, and holidays and weekends, having no n, never break a run); and
# ``national_code(code, possible, absent, unauthorised)``, the categories above as data. Looking a
# row's code up in that table (a hash join against 34 rows) costs a third of testing it against
# three IN (...) lists of up to 22 strings. The only values formatted into the text are the code
# lists; dates and counts are query parameters.
_FACTS_SQL = f"""
WITH
-- Every row of the academic year, with its school-day number (NULL on a day that is not a school
-- day in the window: such rows keep the pupil in the answer but count for nothing) and what its
-- code counts as. Not materialised: each step below reads the marks afresh with its own filter,
-- which is cheaper than writing 38 million joined rows out once and reading them back.
year_marks AS NOT MATERIALIZED (
    SELECT m.upn, m.session, m.code, d.n, k.possible, k.absent, k.unauthorised
    FROM marks AS m
    LEFT JOIN national_code AS k ON k.code = m.code
    LEFT JOIN school_day AS d ON d.day = m.date
    WHERE m.date BETWEEN $year_start AND $year_end
),
-- Session counts. possible = present, approved, authorised or unauthorised; absent = authorised
-- or unauthorised. last_marked = the last school day with any mark at all (any code: only blanks
-- are "unmarked").
counts AS (
    SELECT
        upn,
        count(*) FILTER (WHERE n IS NOT NULL AND possible) AS possible_sessions,
        count(*) FILTER (WHERE n IS NOT NULL AND absent) AS absent_sessions,
        count(*) FILTER (WHERE n IS NOT NULL AND unauthorised) AS unauthorised_sessions,
        max(n) AS last_marked
    FROM year_marks
    GROUP BY upn
),
-- The few rows the day-level rules look at (I, G, N, O, U: about 4% of marks), read once.
notable AS MATERIALIZED (
    SELECT upn, n, code
    FROM year_marks
    WHERE n IS NOT NULL AND code IN {_sql_list((ILLNESS, *UNAUTHORISED))}
),
-- illness_days = school days with I in the morning or the afternoon (or both).
illness AS (
    SELECT upn, count(DISTINCT n) AS illness_days
    FROM notable
    WHERE code = '{ILLNESS}'
    GROUP BY upn
),
-- The school day of the pupil's $illness_needed-th illness day (the sickness return's trigger).
illness_reached AS (
    SELECT upn, n
    FROM (
        SELECT upn, n, row_number() OVER (PARTITION BY upn ORDER BY n) AS k
        FROM (SELECT DISTINCT upn, n FROM notable WHERE code = '{ILLNESS}')
    )
    WHERE k = $illness_needed
),
-- An unexplained day: both sessions (AM and PM) G, N, O or U. A ground (i) day: both G, N or O.
-- (Two rows on a day means AM and PM, as no pupil has two rows for one session.)
unexplained_days AS (
    SELECT upn, n, count(*) FILTER (WHERE code IN {_sql_list(GROUND_I)}) = 2 AS ground_i
    FROM notable
    WHERE code IN {_sql_list(UNAUTHORISED)}
    GROUP BY upn, n
    HAVING count(*) = 2
),
-- Gaps and islands: along a run of consecutive school days, n - row_number() is constant, so it
-- names the run ("island"). One row per run: its length and its last day.
unexplained_runs AS (
    SELECT upn, count(*) AS length, min(n) AS first_day, max(n) AS last_day
    FROM (
        SELECT upn, n, n - row_number() OVER (PARTITION BY upn ORDER BY n) AS island
        FROM unexplained_days
    )
    GROUP BY upn, island
),
ground_i_runs AS (
    SELECT upn, count(*) AS length, max(n) AS last_day
    FROM (
        SELECT upn, n, n - row_number() OVER (PARTITION BY upn ORDER BY n) AS island
        FROM unexplained_days
        WHERE ground_i
    )
    GROUP BY upn, island
),
-- unexplained_streak = the run that ends on as_of (day N), if any; longest = the longest run.
streaks AS (
    SELECT
        upn,
        max(length) FILTER (WHERE last_day = $last_day) AS unexplained_streak,
        max(length) AS longest_unexplained_streak,
        -- The day the first run of $unexplained_needed days reached it (the attendance return's).
        min(first_day) FILTER (WHERE length >= $unexplained_needed) + $unexplained_needed - 1
            AS unexplained_reached
    FROM unexplained_runs
    GROUP BY upn
),
ground_i AS (
    SELECT upn, max(length) AS ground_i_streak
    FROM ground_i_runs
    WHERE last_day = $last_day
    GROUP BY upn
)
SELECT
    c.upn,
    c.possible_sessions,
    c.absent_sessions,
    c.unauthorised_sessions,
    coalesce(i.illness_days, 0) AS illness_days,
    coalesce(s.unexplained_streak, 0) AS unexplained_streak,
    coalesce(s.longest_unexplained_streak, 0) AS longest_unexplained_streak,
    coalesce(g.ground_i_streak, 0) AS ground_i_streak,
    -- unmarked_days: the school days after the last marked one, up to as_of (all N if none).
    $last_day - coalesce(c.last_marked, 0) AS unmarked_days,
    date_diff('day', $year_start, ud.day) AS unexplained_reached_offset,
    date_diff('day', $year_start, id.day) AS illness_reached_offset
FROM counts AS c
LEFT JOIN illness AS i USING (upn)
LEFT JOIN streaks AS s USING (upn)
LEFT JOIN ground_i AS g USING (upn)
LEFT JOIN school_day AS ud ON ud.n = s.unexplained_reached
LEFT JOIN illness_reached AS ir USING (upn)
LEFT JOIN school_day AS id ON id.n = ir.n
ORDER BY c.upn
"""  # noqa: S608


def rules_facts(
    connection: duckdb.DuckDBPyConnection,
    school_days: Sequence[dt.date],
    as_of: dt.date,
    *,
    unexplained_needed: int = 10,
    illness_needed: int = 15,
) -> Any:
    """The facts for every UPN in ``marks`` as of ``as_of``, as a pyarrow Table (upn, FACT_FIELDS
    and REACHED_FIELDS; the thresholds are ``Thresholds``' defaults).

    ``school_days`` are the council's school days (any superset of the window will do: only those
    from 1 September of as_of's academic year to as_of are used). Returns a ``pyarrow.Table``
    ordered by UPN, every count an int64.
    """
    year = _academic_year_of(as_of)
    year_start = dt.date(year, 9, 1)
    window = sorted(day for day in set(school_days) if year_start <= day <= as_of)
    connection.execute("DROP TABLE IF EXISTS national_code")
    connection.execute(
        "CREATE TABLE national_code (code VARCHAR PRIMARY KEY, possible BOOLEAN, absent BOOLEAN, unauthorised BOOLEAN)"
    )
    counted = PRESENT + APPROVED + AUTHORISED + UNAUTHORISED
    connection.executemany(
        "INSERT INTO national_code VALUES (?, ?, ?, ?)",
        [[code, True, code in AUTHORISED + UNAUTHORISED, code in UNAUTHORISED] for code in counted]
        + [[code, False, False, False] for code in NOT_COUNTED + NOT_REQUIRED],
    )
    connection.execute("DROP TABLE IF EXISTS school_day")
    connection.execute("CREATE TABLE school_day (day DATE PRIMARY KEY, n INTEGER NOT NULL)")
    connection.executemany("INSERT INTO school_day VALUES (?, ?)", [[d, i] for i, d in enumerate(window, 1)])
    return connection.execute(
        _FACTS_SQL,
        {
            "year_start": year_start,
            "year_end": dt.date(year + 1, 8, 31),
            "last_day": len(window),
            "unexplained_needed": unexplained_needed,
            "illness_needed": illness_needed,
        },
    ).to_arrow_table()


def reference_facts(paths: Paths, school_days: Sequence[dt.date], as_of: dt.date) -> Any:
    """Load ``paths`` into a fresh in-memory DuckDB and return :func:`rules_facts` (a pyarrow Table)."""
    with duckdb.connect() as connection:
        load_marks(connection, paths)
        return rules_facts(connection, school_days, as_of)


def facts_by_upn(table: Any) -> dict[str, PupilFacts]:
    """The reference's answer as ``{upn: PupilFacts}``, to compare with the Evaluator's."""
    from rollcall.rules.attendance import PupilFacts

    fields = (*FACT_FIELDS, *REACHED_FIELDS)
    columns = [table.column(name).to_pylist() for name in ("upn", *fields)]
    return {
        row[0]: PupilFacts(**dict(zip(fields, row[1:], strict=True))) for row in zip(*columns, strict=True)
    }


# ---- the penalty-notice threshold (rollcall/rules/penalties.py) --------------------------------

PENALTY_FIELDS = ("count_at_end", "crossing_day", "crossing_sessions", "window_start")

# The rolling window as SQL, written from DOMAIN.md rather than from the app: a school week is a
# calendar week (Monday to Sunday, ``date_trunc('week', …)``) with a school day in it, numbered
# in order (``wk``); the window of school day e is the school days d <= e whose week is one of
# the ``weeks`` most recent school weeks (wk > wk(e) - weeks). Per pupil, the unauthorised
# sessions (G, N, O, U) on each school day are summed over each evaluated day's window; the
# crossing is the first evaluated day whose sum reaches the threshold.
_PENALTY_SQL = f"""
WITH
school_week AS (
    SELECT day, n, dense_rank() OVER (ORDER BY date_trunc('week', day)) AS wk FROM school_day
),
evaluated AS (SELECT day, n, wk FROM school_week WHERE day BETWEEN $first AND $last),
windows AS (
    SELECT e.day AS eval_day, min(s.n) AS start_n, min(s.day) AS start_day, e.n AS end_n
    FROM evaluated AS e
    JOIN school_week AS s ON s.n <= e.n AND s.wk > e.wk - $weeks
    GROUP BY e.day, e.n
),
per_day AS (
    SELECT m.upn, d.n, count(*)::BIGINT AS sessions
    FROM marks AS m
    JOIN school_day AS d ON d.day = m.date
    WHERE m.code IN {_sql_list(UNAUTHORISED)}
    GROUP BY m.upn, d.n
),
per_window AS (
    SELECT p.upn, w.eval_day, w.start_day, sum(p.sessions)::BIGINT AS sessions
    FROM per_day AS p
    JOIN windows AS w ON p.n BETWEEN w.start_n AND w.end_n
    GROUP BY p.upn, w.eval_day, w.start_day
),
crossing AS (
    SELECT upn, arg_min(eval_day, eval_day) AS crossing_day, arg_min(sessions, eval_day) AS crossing_sessions,
           arg_min(start_day, eval_day) AS window_start
    FROM per_window
    WHERE sessions >= $threshold
    GROUP BY upn
),
at_end AS (
    SELECT upn, sessions AS count_at_end FROM per_window WHERE eval_day = (SELECT max(day) FROM evaluated)
),
pupils AS (SELECT DISTINCT upn FROM marks)
SELECT
    p.upn,
    coalesce(e.count_at_end, 0) AS count_at_end,
    c.crossing_day,
    c.crossing_sessions,
    c.window_start
FROM pupils AS p
LEFT JOIN at_end AS e USING (upn)
LEFT JOIN crossing AS c USING (upn)
ORDER BY p.upn
"""  # noqa: S608


def penalty_facts(
    connection: duckdb.DuckDBPyConnection,
    school_days: Sequence[dt.date],
    first: dt.date,
    last: dt.date,
    *,
    threshold: int = 10,
    weeks: int = 10,
) -> Any:
    """For every UPN in ``marks``: unauthorised sessions in the window of the last school day up to
    ``last``, and the first school day from ``first`` to ``last`` whose window holds ``threshold``
    or more (its count and window start); a pyarrow Table of upn + PENALTY_FIELDS.

    ``school_days`` are every school day of the council (the windows reach back before ``first``).
    """
    connection.execute("DROP TABLE IF EXISTS school_day")
    connection.execute("CREATE TABLE school_day (day DATE PRIMARY KEY, n INTEGER NOT NULL)")
    days = sorted(set(school_days))
    connection.executemany("INSERT INTO school_day VALUES (?, ?)", [[d, i] for i, d in enumerate(days, 1)])
    return connection.execute(
        _PENALTY_SQL, {"first": first, "last": last, "weeks": weeks, "threshold": threshold}
    ).to_arrow_table()
