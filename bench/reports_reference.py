"""Every report figure written again as DuckDB SQL: the benchmark's yardstick and cross-check.

``bench/reports.py`` exports the tables the reports read to Parquet and asks this module for the
same figures ``rollcall.reports.figures`` computes, in the same shape (``bench.reports.plain`` of
each figures dataclass), then compares them field by field. The SQL here is written from the
definitions in docs/reports.md and the figures' docstrings, not from the app's queries:

- **days in England**: every instant is turned into its date in Europe/London once, when the
  tables are loaded (``closed_on``, ``created_on``, ``completed_on``, ``received_on`` ...), and
  every rule below is then a comparison of dates ("closed by the end of D" is ``closed_on <= D``);
  the app compares instants with the first instant of the next day instead;
- **school days** come from a table of every day 2015-2035 with a running count of school days
  (``day.rank``), built from the council's term dates, closure days and England's bank holidays
  (the same inputs as ``council_calendar()``): school days from A (day 0) to B are
  ``rank(B) - rank(A)``. The app binary-searches its calendar instead;
- **percentiles** are nearest-rank: the value at rank ceil(p x N / 100) of the sorted values.

Labels (case kinds, outcomes, removal grounds, characteristics, age bands) are taken from the
rules' own tables, as they are definitions rather than figures, and small-number suppression is
``rollcall.rules.reporting.suppress`` applied to the counts computed here (it is a pure rule with
its own exhaustive tests).
"""

from __future__ import annotations

import calendar as month_names
import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import duckdb

__all__ = ["TABLES", "figures", "load"]

# The tables the reports read, each with the columns they need (a Parquet file each).
TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    "teams": ("accounts.Team", ("id", "kind", "name")),
    "users": ("accounts.User", ("id", "username", "first_name", "last_name", "is_active")),
    "children": ("people.Child", ("id", "legal_forename", "legal_surname", "date_of_birth")),
    "addresses": ("people.Address", ("id", "child_id", "postcode", "moved_in", "moved_out")),
    "schools": ("schools.School", ("id", "name")),
    "rolls": ("schools.RollEntry", ("id", "child_id", "on_roll_from", "on_roll_to")),
    "notices": (
        "schools.RemovalNotice",
        (
            "id",
            "child_id",
            "school_id",
            "received_at",
            "removal_date",
            "ground",
            "destination_school_id",
            "destination_details",
            "possibly_unlawful",
        ),
    ),
    "terms": ("schools.TermDate", ("start", "end")),
    "closures": ("schools.ClosureDay", ("date",)),
    "cases": (
        "casework.Case",
        (
            "id",
            "kind",
            "child_id",
            "team_id",
            "owner_id",
            "opened_on",
            "closed_at",
            "outcome",
            "escalation_level",
            "next_action",
            "next_action_due",
            "next_escalation_on",
        ),
    ),
    "tasks": ("casework.Task", ("id", "case_id", "due", "created_at", "completed_at")),
    "escalations": ("casework.Escalation", ("id", "case_id", "level", "reached_on")),
    "sweep_runs": ("casework.SweepRun", ("id", "as_of", "started_at", "finished_at", "breaches")),
    "rule_settings": ("casework.RuleSettings", ("id", "exceptions_after")),
    "applications": ("admissions.Application", ("id", "child_id", "received_on")),
    "answers": ("admissions.VulnerabilityAnswer", ("id", "application_id", "characteristic", "answer")),
    "requests": (
        "admissions.PutOnRollRequest",
        ("id", "case_id", "sent_on", "answer_due", "checked_off_at", "referred_cme_on"),
    ),
    "referrals": (
        "admissions.FairAccessReferral",
        ("id", "taken_into_protocol_on", "placement_due", "allocated_on", "admitted_on", "decision"),
    ),
    "deferred": (
        "admissions.DeferredPlace",
        ("id", "child_id", "school_id", "due_to_start", "checked_on", "started"),
    ),
    "complaints": ("actionplans.Complaint", ("id", "reference", "title", "created_at")),
    "actions": ("actionplans.Action", ("id", "complaint_id", "tracked_from")),
    "updates": (
        "actionplans.ActionUpdate",
        ("id", "action_id", "status", "rag", "effective_on", "recorded_at"),
    ),
}

# Instants turned into dates in England as they are loaded: (table, column, new date column).
LOCAL_DATES = (
    ("cases", "closed_at", "closed_on"),
    ("tasks", "created_at", "created_on"),
    ("tasks", "completed_at", "completed_on"),
    ("notices", "received_at", "received_on"),
    ("requests", "checked_off_at", "checked_off_on"),
    ("complaints", "created_at", "created_on"),
)

# Bands as docs/reports.md defines them: (label, lowest, highest or None).
TIME_OPEN_BANDS = (
    ("Up to 20 school days", 0, 20),
    ("21 to 40 school days", 21, 40),
    ("41 to 60 school days", 41, 60),
    ("More than 60 school days", 61, None),
)
WAITING_BANDS = (
    ("Up to 10 school days", 0, 10),
    ("11 to 20 school days", 11, 20),
    ("More than 20 school days", 21, None),
)
NOT_KNOWN = "Not known"

MACROS = r"""
-- A case is open at the end of day d: opened on or before d, and not closed by the end of d.
CREATE MACRO open_at(opened_on, closed_on, d) AS opened_on <= d AND (closed_on IS NULL OR closed_on > d);
-- A task is unfinished at the end of day d: it existed on d and was not done or cancelled by then.
CREATE MACRO unfinished_at(created_on, completed_on, d) AS
    created_on <= d AND (completed_on IS NULL OR completed_on > d);
-- The child is on some school's roll on day d (on_roll_to is the first day off the roll).
CREATE MACRO on_roll_at(child, d) AS EXISTS (
    SELECT 1 FROM rolls r WHERE r.child_id = child AND r.on_roll_from <= d AND (r.on_roll_to IS NULL OR r.on_roll_to > d)
);
-- School days from a (day 0) to b: the difference of the running counts of school days.
CREATE MACRO school_days(a, b) AS (SELECT rank FROM day WHERE day.d = b) - (SELECT rank FROM day WHERE day.d = a);
-- Nearest rank: the value at rank ceil(p * n / 100) of the values in ascending order (1-based).
CREATE MACRO nearest_rank(xs, p) AS CASE WHEN len(xs) = 0 THEN NULL ELSE list_sort(xs)[(p * len(xs) + 99) // 100] END;
-- Completed years of age on d (born on 29 February: a year older from 1 March in other years).
CREATE MACRO age_on(dob, d) AS greatest(
    0, year(d) - year(dob) - CASE WHEN month(d) * 100 + day(d) < month(dob) * 100 + day(dob) THEN 1 ELSE 0 END
);
-- The postcode district (outward code) of a UK-shaped postcode, spaces and case ignored.
CREATE MACRO compact(pc) AS upper(regexp_replace(coalesce(pc, ''), '\s', '', 'g'));
CREATE MACRO district(pc) AS CASE
    WHEN length(compact(pc)) BETWEEN 5 AND 7
        AND regexp_full_match(compact(pc)[1:length(compact(pc)) - 3], '[A-Z]{1,2}[0-9][0-9A-Z]?')
        AND regexp_full_match(compact(pc)[length(compact(pc)) - 2:], '[0-9][A-Z]{2}')
    THEN compact(pc)[1:length(compact(pc)) - 3]
    ELSE 'Not known' END;
-- A deletion return naming no destination school and no destination details.
CREATE MACRO no_destination(destination_school_id, destination_details) AS
    destination_school_id IS NULL AND destination_details = '';
-- How a person is named on a report: their full name, or their username.
CREATE MACRO person(first_name, last_name, username) AS coalesce(
    nullif(trim(coalesce(first_name, '') || ' ' || coalesce(last_name, '')), ''), username, ''
);
"""


def load(con: duckdb.DuckDBPyConnection, folder: Path, bank_holidays: Sequence[dt.date]) -> None:
    """Load the exported tables, add each instant's date in England, and build the calendar."""
    con.execute("SET TimeZone = 'UTC'")
    # The names below are this module's own constants, never input.
    for name in TABLES:
        con.execute(f"CREATE TABLE {name} AS SELECT * FROM read_parquet('{folder / name}.parquet')")  # noqa: S608
    for table, column, date_column in LOCAL_DATES:
        con.execute(f"ALTER TABLE {table} ADD COLUMN {date_column} DATE")
        con.execute(f"UPDATE {table} SET {date_column} = CAST(timezone('Europe/London', {column}) AS DATE)")  # noqa: S608
    con.execute("CREATE TABLE bank_holidays (d DATE)")
    con.executemany("INSERT INTO bank_holidays VALUES (?)", [(d,) for d in bank_holidays])
    # A school day: a weekday that is not a closure or bank holiday and, within the span of the
    # council's term dates, falls inside a term (outside the span every such weekday counts).
    con.execute(
        """
        CREATE TABLE day AS
        WITH span AS (SELECT min(start) AS first, max("end") AS last FROM terms),
        days AS (SELECT CAST(range AS DATE) AS d FROM range(DATE '2015-01-01', DATE '2036-01-01', INTERVAL 1 DAY)),
        flagged AS (
            SELECT d,
                isodow(d) <= 5
                AND d NOT IN (SELECT date FROM closures)
                AND d NOT IN (SELECT d FROM bank_holidays)
                AND (d < span.first OR d > span.last OR EXISTS (SELECT 1 FROM terms t WHERE d BETWEEN t.start AND t."end"))
                    AS school
            FROM days, span
        )
        SELECT d, school, sum(CAST(school AS INTEGER)) OVER (ORDER BY d) AS rank FROM flagged ORDER BY d
        """
    )
    con.execute(MACROS)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    return con.execute(sql, params).fetchall()


def _one(con: duckdb.DuckDBPyConnection, sql: str, **params: Any) -> tuple[Any, ...]:
    found = con.execute(sql, params).fetchone()
    assert found is not None
    return found


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()


def _resolution(days: list[int] | None) -> dict[str, Any]:
    """closed, median and 90th percentile (nearest rank) of a list of school days."""
    days = sorted(days or [])
    n = len(days)
    return {
        "closed": n,
        "median": days[(50 * n + 99) // 100 - 1] if n else None,
        "p90": days[(90 * n + 99) // 100 - 1] if n else None,
    }


def _band(value: int, bands: Sequence[tuple[str, int, int | None]]) -> str:
    return next(label for label, lo, hi in bands if value >= lo and (hi is None or value <= hi))


def _labels() -> dict[str, Any]:
    from rollcall.rules.escalation import Level
    from rollcall.rules.removal import GROUNDS
    from rollcall.rules.reporting import AGE_BANDS
    from rollcall.rules.vulnerability import CHARACTERISTICS
    from rollcall.rules.workflow import WORKFLOWS

    return {
        "kinds": list(WORKFLOWS),
        "kind_label": {k: w.label for k, w in WORKFLOWS.items()},
        "outcomes": {k: [(code, o.label) for code, o in w.outcomes.items()] for k, w in WORKFLOWS.items()},
        "grounds": {code: f"({code}) {g.summary}" for code, g in GROUNDS.items()},
        "levels": [(level.value, level.label) for level in Level if level is not Level.OFFICER],
        "exceptions_level": Level.EXCEPTIONS.value,
        "age_bands": [(b.label, b.lowest, b.highest) for b in AGE_BANDS],
        "characteristics": [(c.code, c.question.rstrip("?")) for c in CHARACTERISTICS],
    }


# ---- the figures, report by report ------------------------------------------------------------


def figures(con: duckdb.DuckDBPyConnection, slug: str, key: str | None, today: dt.date) -> dict[str, Any]:
    """The figures of report ``slug`` for the period ``key`` (None: the dashboard), as at
    ``today``, in the shape of ``bench.reports.plain`` of the app's figures dataclass."""
    from rollcall.rules.reporting import parse_period

    if slug == "dashboard":
        return dashboard(con, today)
    assert key is not None
    period = parse_period(key)
    if slug == "monthly":
        return monthly(con, period, today)
    if slug == "quarterly":
        return quarterly(con, period, today)
    if slug == "exceptions":
        return exceptions(con, period.as_at(today), today)
    if slug == "unknown-destinations":
        return unknown_destinations(con, period, today)
    if slug == "waiting":
        return waiting(con, period, today)
    if slug == "deferred-places":
        return deferred_places(con, period, today)
    if slug == "hub-profile":
        return hub_profile(con, period, today)
    raise ValueError(slug)


def _period(period: Any, today: dt.date) -> tuple[dt.date, dt.date, dict[str, Any]]:
    """The period's first day, its "as at" day (its last day, or today while it runs), and the
    fields every figures object starts with."""
    as_at = min(period.end, today)
    return (
        period.start,
        as_at,
        {"period": period.key, "as_at": as_at.isoformat(), "complete": period.end < today},
    )


def monthly(
    con: duckdb.DuckDBPyConnection, period: Any, today: dt.date, *, team_kind: str | None = None
) -> dict[str, Any]:
    """Monthly management report (docs/reports.md, "Monthly management report"): every team, or
    (``team_kind``) one team's cases only, as an officer sees it; the invariant is council-wide."""
    labels = _labels()
    kinds = labels["kinds"]
    start, as_at, head = _period(period, today)
    teams = _rows(
        con, "SELECT id, name FROM teams WHERE $kind IS NULL OR kind = $kind ORDER BY name", kind=team_kind
    )
    # Cases (and the tasks and escalations of cases) of the teams counted; ids are integers.
    scope = f"c.team_id IN ({', '.join(str(int(pk)) for pk, _name in teams)})" if team_kind else "true"
    # Open cases by kind and team: open at the end of the as-at day.
    open_counts = {
        (kind, team): n
        for kind, team, n in _rows(
            con,
            f"""SELECT kind, team_id, count(*) FROM cases c
                WHERE {scope} AND open_at(opened_on, closed_on, $d) GROUP BY ALL""",  # noqa: S608
            d=as_at,
        )
    }
    # Opened (opened_on in the period so far) and closed (closed on a day of it), by kind.
    flows = {
        kind: (opened, closed)
        for kind, opened, closed in _rows(
            con,
            f"""SELECT kind, count(*) FILTER (opened_on BETWEEN $s AND $d),
                       count(*) FILTER (closed_on BETWEEN $s AND $d)
                FROM cases c WHERE {scope} GROUP BY kind""",  # noqa: S608
            s=start,
            d=as_at,
        )
    }
    # Overdue tasks: existed on the day, due before it, not done or cancelled by the end of it.
    overdue = dict(
        _rows(
            con,
            f"""SELECT c.kind, count(*) FROM tasks t JOIN cases c ON c.id = t.case_id
                WHERE {scope} AND unfinished_at(t.created_on, t.completed_on, $d) AND t.due < $d
                GROUP BY c.kind""",  # noqa: S608
            d=as_at,
        )
    )
    # Escalations reached in the period, by level.
    reached = dict(
        _rows(
            con,
            f"""SELECT e.level, count(*) FROM escalations e JOIN cases c ON c.id = e.case_id
                WHERE {scope} AND e.reached_on BETWEEN $s AND $d GROUP BY e.level""",  # noqa: S608
            s=start,
            d=as_at,
        )
    )
    # School days from opening (day 0) to closure of the cases closed in the period.
    days = dict(
        _rows(
            con,
            f"""SELECT kind, list(greatest(0, school_days(opened_on, closed_on))) FROM cases c
                WHERE {scope} AND closed_on BETWEEN $s AND $d GROUP BY kind""",  # noqa: S608
            s=start,
            d=as_at,
        )
    )
    return {
        **head,
        "kinds": [labels["kind_label"][k] for k in kinds],
        "teams": [name for _pk, name in teams],
        "open_by_kind_team": [[open_counts.get((k, pk), 0) for pk, _name in teams] for k in kinds],
        "opened_by_kind": [flows.get(k, (0, 0))[0] for k in kinds],
        "closed_by_kind": [flows.get(k, (0, 0))[1] for k in kinds],
        "overdue_tasks_by_kind": [overdue.get(k, 0) for k in kinds],
        "escalations": [[label, reached.get(level, 0)] for level, label in labels["levels"]],
        "resolution_by_kind": [_resolution(days.get(k)) for k in kinds],
        "resolution": _resolution([d for k in kinds for d in days.get(k) or []]),
        "invariant": invariant(con, period, today),
    }


def invariant(con: duckdb.DuckDBPyConnection, period: Any, today: dt.date) -> dict[str, Any]:
    """Breaches of the one invariant (DESIGN.md): checked now while the period runs; for a past
    period, the count the daily sweep recorded on the last day it finished in the period."""
    if period.end >= today:
        # An open case with no owner, an owner who has left, or no next action date; an open case
        # whose next escalation is due and not made; a deletion return with no destination whose
        # child is on no roll now, has no open case and had no case closed since the notice.
        (count,) = _one(
            con,
            """
            SELECT
              (SELECT count(*) FROM cases c LEFT JOIN users u ON u.id = c.owner_id
               WHERE c.closed_at IS NULL AND (c.owner_id IS NULL OR c.next_action_due IS NULL OR NOT u.is_active))
            + (SELECT count(*) FROM cases WHERE closed_at IS NULL AND next_escalation_on <= $today)
            + (SELECT count(*) FROM notices n
               WHERE no_destination(n.destination_school_id, n.destination_details)
                 AND NOT EXISTS (SELECT 1 FROM rolls r WHERE r.child_id = n.child_id AND r.on_roll_to IS NULL)
                 AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.child_id = n.child_id AND c.closed_at IS NULL)
                 AND NOT EXISTS (SELECT 1 FROM cases c WHERE c.child_id = n.child_id AND c.closed_at >= n.received_at))
            """,
            today=today,
        )
        return {"count": count, "source": "checked now", "on": today.isoformat()}
    found = con.execute(
        """SELECT as_of, len(breaches) FROM sweep_runs
           WHERE as_of BETWEEN $s AND $e AND finished_at IS NOT NULL
           ORDER BY as_of DESC, started_at DESC LIMIT 1""",
        {"s": period.start, "e": period.end},
    ).fetchone()
    if found is None:
        return {"count": None, "source": "no sweep was recorded in this period", "on": None}
    return {"count": found[1], "source": "as the daily sweep recorded it", "on": found[0].isoformat()}


def _case_flow(con: duckdb.DuckDBPyConnection, kind: str, start: dt.date, as_at: dt.date) -> dict[str, Any]:
    """One kind of case through the quarter: open at the start (end of the day before), in, out,
    open at the end; outcomes of those closed; school days to closure; time open so far."""
    labels = _labels()
    before = start - dt.timedelta(days=1)
    open_at_start, opened, closed, open_at_end = _one(
        con,
        """SELECT count(*) FILTER (open_at(opened_on, closed_on, $b)),
                  count(*) FILTER (opened_on BETWEEN $s AND $d),
                  count(*) FILTER (closed_on BETWEEN $s AND $d),
                  count(*) FILTER (open_at(opened_on, closed_on, $d))
           FROM cases WHERE kind = $k""",
        k=kind,
        b=before,
        s=start,
        d=as_at,
    )
    by_outcome = dict(
        _rows(
            con,
            "SELECT outcome, count(*) FROM cases WHERE kind = $k AND closed_on BETWEEN $s AND $d GROUP BY outcome",
            k=kind,
            s=start,
            d=as_at,
        )
    )
    outcomes = [[label, by_outcome.pop(code, 0)] for code, label in labels["outcomes"][kind]]
    if sum(by_outcome.values()):
        outcomes.append(["Not recorded", sum(by_outcome.values())])
    (days,) = _one(
        con,
        """SELECT list(greatest(0, school_days(opened_on, closed_on))) FROM cases
           WHERE kind = $k AND closed_on BETWEEN $s AND $d""",
        k=kind,
        s=start,
        d=as_at,
    )
    open_days = [
        d
        for (d,) in _rows(
            con,
            "SELECT greatest(0, school_days(opened_on, $d)) FROM cases WHERE kind = $k AND open_at(opened_on, closed_on, $d)",
            k=kind,
            d=as_at,
        )
    ]
    bands = [_band(d, TIME_OPEN_BANDS) for d in open_days]
    return {
        "kind": labels["kind_label"][kind],
        "open_at_start": open_at_start,
        "opened": opened,
        "closed": closed,
        "open_at_end": open_at_end,
        "outcomes": outcomes,
        "resolution": _resolution(days),
        "open_time_bands": [[label, bands.count(label)] for label, _lo, _hi in TIME_OPEN_BANDS],
    }


def quarterly(con: duckdb.DuckDBPyConnection, period: Any, today: dt.date) -> dict[str, Any]:
    """Quarterly scrutiny report (docs/reports.md, "Quarterly scrutiny report"), council-wide."""
    from rollcall.rules.reporting import trailing

    labels = _labels()
    start, as_at, head = _period(period, today)

    # Removals: deletion returns received in the quarter; with no known destination; possibly
    # unlawful; of those with no destination, the children on a roll at the end; by ground.
    notices, no_destination, unlawful, back = _one(
        con,
        """SELECT count(*),
                  count(*) FILTER (no_destination(destination_school_id, destination_details)),
                  count(*) FILTER (possibly_unlawful),
                  count(*) FILTER (no_destination(destination_school_id, destination_details) AND on_roll_at(child_id, $d))
           FROM notices WHERE received_on BETWEEN $s AND $d""",
        s=start,
        d=as_at,
    )
    by_ground: dict[str, int] = {}
    for ground, n in _rows(
        con,
        """SELECT ground, count(*) FROM notices
           WHERE received_on BETWEEN $s AND $d AND no_destination(destination_school_id, destination_details)
           GROUP BY ground""",
        s=start,
        d=as_at,
    ):
        label = labels["grounds"].get(ground, "No ground given")
        by_ground[label] = by_ground.get(label, 0) + n
    grounds = [[label, by_ground[label]] for label in labels["grounds"].values() if by_ground.get(label)]
    if by_ground.get("No ground given"):
        grounds.append(["No ground given", by_ground["No ground given"]])

    # Vulnerable applicants: put-on-roll requests with a tracking case, sent by the end. Referred:
    # referred as CME by the end. Checked off: checked off by the end and not referred. Waiting:
    # neither. The first four count the requests sent in the quarter; the last two, all of them.
    vulnerable = _one(
        con,
        """WITH r AS (
               SELECT sent_on >= $s AS in_period,
                      coalesce(referred_cme_on <= $d, false) AS referred,
                      coalesce(checked_off_on <= $d, false) AND NOT coalesce(referred_cme_on <= $d, false) AS checked,
                      answer_due
               FROM requests WHERE case_id IS NOT NULL AND sent_on <= $d)
           SELECT count(*) FILTER (in_period), count(*) FILTER (in_period AND checked),
                  count(*) FILTER (in_period AND referred), count(*) FILTER (in_period AND NOT checked AND NOT referred),
                  count(*) FILTER (NOT checked AND NOT referred),
                  count(*) FILTER (NOT checked AND NOT referred AND answer_due < $d)
           FROM r""",
        s=start,
        d=as_at,
    )
    # Fair Access: referrals taken into the protocol by the end; those of the quarter, allocated
    # by the end, within the 20 school days (allocated on or before placement_due), admitted by
    # the end, not accepted; all those waiting at the end (not allocated, not admitted, not "not
    # accepted") and of them past their placement date.
    fair = _one(
        con,
        """WITH r AS (
               SELECT taken_into_protocol_on >= $s AS in_period,
                      coalesce(allocated_on <= $d, false) AS allocated,
                      coalesce(allocated_on <= placement_due, false) AS in_time,
                      coalesce(admitted_on <= $d, false) AS admitted,
                      decision = 'not_accepted' AS not_accepted,
                      placement_due
               FROM referrals WHERE taken_into_protocol_on <= $d)
           SELECT count(*) FILTER (in_period), count(*) FILTER (in_period AND allocated),
                  count(*) FILTER (in_period AND allocated AND in_time), count(*) FILTER (in_period AND admitted),
                  count(*) FILTER (in_period AND not_accepted),
                  count(*) FILTER (NOT allocated AND NOT admitted AND NOT not_accepted),
                  count(*) FILTER (NOT allocated AND NOT admitted AND NOT not_accepted AND placement_due < $d)
           FROM r""",
        s=start,
        d=as_at,
    )
    trend = []
    for p in trailing(period, 8):
        s, d = p.start, min(p.end, today)
        cme_opened, cme_closed, cme_open, health_opened, health_open = _one(
            con,
            """SELECT count(*) FILTER (kind = 'cme' AND opened_on BETWEEN $s AND $d),
                      count(*) FILTER (kind = 'cme' AND closed_on BETWEEN $s AND $d),
                      count(*) FILTER (kind = 'cme' AND open_at(opened_on, closed_on, $d)),
                      count(*) FILTER (kind = 'health' AND opened_on BETWEEN $s AND $d),
                      count(*) FILTER (kind = 'health' AND open_at(opened_on, closed_on, $d))
               FROM cases""",
            s=s,
            d=d,
        )
        (removals,) = _one(
            con,
            """SELECT count(*) FROM notices WHERE received_on BETWEEN $s AND $d
               AND no_destination(destination_school_id, destination_details)""",
            s=s,
            d=d,
        )
        (fair_in,) = _one(
            con, "SELECT count(*) FROM referrals WHERE taken_into_protocol_on BETWEEN $s AND $d", s=s, d=d
        )
        (sent,) = _one(
            con,
            "SELECT count(*) FROM requests WHERE case_id IS NOT NULL AND sent_on BETWEEN $s AND $d",
            s=s,
            d=d,
        )
        trend.append(
            {
                "period": p.key,
                "cme_opened": cme_opened,
                "cme_closed": cme_closed,
                "cme_open_at_end": cme_open,
                "health_opened": health_opened,
                "health_open_at_end": health_open,
                "removals_no_destination": removals,
                "fair_access_referred": fair_in,
                "vulnerable_sent": sent,
            }
        )
    return {
        **head,
        "cme": _case_flow(con, "cme", start, as_at),
        "health": _case_flow(con, "health", start, as_at),
        "removals": {
            "notices": notices,
            "no_destination": no_destination,
            "possibly_unlawful": unlawful,
            "no_destination_on_roll_at_end": back,
            "no_destination_by_ground": grounds,
        },
        "vulnerable": dict(
            zip(
                (
                    "sent",
                    "checked_off",
                    "referred_cme",
                    "not_checked_off",
                    "waiting_at_end",
                    "overdue_at_end",
                ),
                vulnerable,
                strict=True,
            )
        ),
        "fair_access": dict(
            zip(
                (
                    "referred",
                    "allocated",
                    "allocated_in_time",
                    "admitted",
                    "not_accepted",
                    "waiting_at_end",
                    "overdue_at_end",
                ),
                fair,
                strict=True,
            )
        ),
        "trend": trend,
        "action_plans": action_plans(con, as_at),
    }


def action_plans(con: duckdb.DuckDBPyConnection, as_at: dt.date) -> dict[str, Any]:
    """Each complaint recorded by the end, with its actions tracked by then, by the status and
    RAG rating of each action's latest update effective on or before the day ("not stated" and
    "not rated" without one)."""
    from rollcall.actionplans.models import Rag, Status
    from rollcall.rules import actionplans as rules

    status_labels = dict(Status.choices)
    rag_labels = {"": "Not rated", **dict(Rag.choices)}
    complaints = _rows(
        con, "SELECT id, reference, title FROM complaints WHERE created_on <= $d ORDER BY reference", d=as_at
    )
    counted = _rows(
        con,
        """WITH latest AS (
               SELECT a.complaint_id, u.status, u.rag,
                      row_number() OVER (PARTITION BY a.id ORDER BY u.effective_on DESC, u.recorded_at DESC, u.id DESC) AS n
               FROM actions a LEFT JOIN updates u ON u.action_id = a.id AND u.effective_on <= $d
               WHERE a.tracked_from <= $d)
           SELECT complaint_id, coalesce(status, $not_stated), coalesce(rag, ''), count(*)
           FROM latest WHERE n = 1 GROUP BY ALL""",
        d=as_at,
        not_stated=rules.NOT_STATED,
    )
    result = []
    for pk, reference, title in complaints:
        by_status = dict.fromkeys(rules.STATUS_ORDER, 0)
        by_rag = dict.fromkeys(rules.RAG_ORDER, 0)
        for complaint, status, rag, n in counted:
            if complaint == pk:
                by_status[status] = by_status.get(status, 0) + n
                by_rag[rag] = by_rag.get(rag, 0) + n
        result.append(
            {
                "reference": reference,
                "title": title,
                "by_status": [[status_labels.get(s, s) or "Not rated", n] for s, n in by_status.items()],
                "by_rag": [[rag_labels.get(r, r) or "Not rated", n] for r, n in by_rag.items()],
            }
        )
    return {"available": True, "complaints": result}


def exceptions(con: duckdb.DuckDBPyConnection, as_at: dt.date, today: dt.date) -> dict[str, Any]:
    """Every case beyond the last rung of its ladder on ``as_at``, by name (docs/reports.md).

    Today: every open case at the exceptions level; the overdue work is its next action. A past
    day: every case open then that had reached the exceptions report by then and whose earliest
    unfinished task that day was overdue by at least the exceptions threshold (school days after
    the due date up to and including the day).
    """
    labels = _labels()
    level = labels["exceptions_level"]
    (threshold,) = _one(con, "SELECT exceptions_after FROM rule_settings")
    if as_at == today:
        chosen = "SELECT id, next_action_due AS due FROM cases WHERE open_at(opened_on, closed_on, $d) AND escalation_level = $level"
    else:
        chosen = """
            SELECT c.id, min(t.due) AS due FROM cases c JOIN tasks t ON t.case_id = c.id
            WHERE open_at(c.opened_on, c.closed_on, $d) AND unfinished_at(t.created_on, t.completed_on, $d)
              AND EXISTS (SELECT 1 FROM escalations e WHERE e.case_id = c.id AND e.level = $level AND e.reached_on <= $d)
            GROUP BY c.id"""
    rows = _rows(
        con,
        f"""
        WITH chosen AS ({chosen})
        SELECT c.id, c.kind, ch.legal_forename || ' ' || ch.legal_surname, tm.name,
               person(u.first_name, u.last_name, u.username), c.next_action, x.due,
               CASE WHEN x.due IS NULL OR $d <= x.due THEN 0 ELSE school_days(x.due, $d) END AS overdue,
               (SELECT max(reached_on) FROM escalations e WHERE e.case_id = c.id AND e.level = $level AND e.reached_on <= $d)
        FROM chosen x JOIN cases c ON c.id = x.id JOIN children ch ON ch.id = c.child_id
        JOIN teams tm ON tm.id = c.team_id LEFT JOIN users u ON u.id = c.owner_id
        ORDER BY x.due, c.id
        """,  # noqa: S608 (two fixed strings)
        d=as_at,
        level=level,
    )
    found = []
    for pk, kind, child, team, owner, action, due, overdue, since in rows:
        if as_at != today and (due is None or overdue < threshold):
            continue
        found.append(
            {
                "case_id": pk,
                "reference": f"{kind.upper()}-{pk:06d}",
                "child": child,
                "kind": labels["kind_label"].get(kind, kind),
                "team": team,
                "owner": owner,
                "next_action": action if as_at == today else "",
                "overdue_since": _iso(due),
                "school_days_overdue": overdue,
                "on_report_since": _iso(since),
            }
        )
    return {"as_at": as_at.isoformat(), "exact": as_at == today, "rows": found}


def unknown_destinations(con: duckdb.DuckDBPyConnection, period: Any, today: dt.date) -> dict[str, Any]:
    """Deletion returns received in the month with no known destination, and where each child
    was at the end of the month: back on a roll, not on a roll but with an open case, or neither."""
    labels = _labels()
    start, as_at, head = _period(period, today)
    (total,) = _one(con, "SELECT count(*) FROM notices WHERE received_on BETWEEN $s AND $d", s=start, d=as_at)
    rows = []
    for child_id, child, school, removal_date, received_on, ground, on_roll, has_case, closed in _rows(
        con,
        """SELECT n.child_id, ch.legal_forename || ' ' || ch.legal_surname, s.name, n.removal_date, n.received_on,
                  n.ground, on_roll_at(n.child_id, $d),
                  EXISTS (SELECT 1 FROM cases c WHERE c.child_id = n.child_id AND open_at(c.opened_on, c.closed_on, $d)),
                  -- a case about the child closed after the notice arrived, by the end of the month
                  EXISTS (SELECT 1 FROM cases c WHERE c.child_id = n.child_id
                          AND c.closed_at >= n.received_at AND c.closed_on <= $d)
           FROM notices n JOIN children ch ON ch.id = n.child_id JOIN schools s ON s.id = n.school_id
           WHERE n.received_on BETWEEN $s AND $d AND no_destination(n.destination_school_id, n.destination_details)
           ORDER BY n.received_at, n.id""",
        s=start,
        d=as_at,
    ):
        rows.append(
            {
                "child_id": child_id,
                "child": child,
                "school": school,
                "removal_date": removal_date.isoformat(),
                "received_on": received_on.isoformat(),
                "ground": labels["grounds"].get(ground, "No ground given"),
                "on_roll_at_end": on_roll,
                "open_case_at_end": has_case,
                "case_closed_since": closed,
            }
        )
    schools: dict[str, int] = {}
    for r in rows:
        schools[r["school"]] = schools.get(r["school"], 0) + 1
    return {
        **head,
        "notices": total,
        "unknown": len(rows),
        "back_on_roll": sum(1 for r in rows if r["on_roll_at_end"]),
        "with_open_case": sum(1 for r in rows if r["open_case_at_end"] and not r["on_roll_at_end"]),
        "case_closed": sum(
            1
            for r in rows
            if not r["on_roll_at_end"] and not r["open_case_at_end"] and r["case_closed_since"]
        ),
        "neither": sum(
            1
            for r in rows
            if not r["on_roll_at_end"] and not r["open_case_at_end"] and not r["case_closed_since"]
        ),
        "by_school": [[s, n] for s, n in sorted(schools.items(), key=lambda item: (-item[1], item[0]))],
        "rows": rows,
    }


def deferred_places(con: duckdb.DuckDBPyConnection, period: Any, today: dt.date) -> dict[str, Any]:
    """Deferred places due to start in the school year; a check counts only if made by the end
    of the period (or today); of those due by then, started, did not start, not checked."""
    start, as_at, head = _period(period, today)
    rows = []
    for child, school, due, checked_on, started in _rows(
        con,
        """SELECT ch.legal_forename || ' ' || ch.legal_surname, s.name, p.due_to_start,
                  CASE WHEN p.checked_on <= $d THEN p.checked_on END,
                  CASE WHEN p.checked_on <= $d THEN p.started END
           FROM deferred p JOIN children ch ON ch.id = p.child_id JOIN schools s ON s.id = p.school_id
           WHERE p.due_to_start BETWEEN $s AND $e ORDER BY p.due_to_start, p.id""",
        s=start,
        e=period.end,
        d=as_at,
    ):
        rows.append(
            {
                "child": child,
                "school": school,
                "due_to_start": due,
                "checked_on": _iso(checked_on),
                "started": started,
            }
        )
    due_rows = [r for r in rows if r["due_to_start"] <= as_at]
    months = []
    first = start
    while first <= period.end:
        n = sum(
            1 for r in rows if (r["due_to_start"].year, r["due_to_start"].month) == (first.year, first.month)
        )
        months.append([f"{month_names.month_name[first.month]} {first.year}", n])
        first = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    for r in rows:
        r["due_to_start"] = r["due_to_start"].isoformat()
    return {
        **head,
        "places": len(rows),
        "due_by_end": len(due_rows),
        "started": sum(1 for r in due_rows if r["started"] is True),
        "not_started": sum(1 for r in due_rows if r["started"] is False),
        "not_checked": sum(1 for r in due_rows if r["started"] is None),
        "by_month": months,
        "rows": rows,
    }


def _waiting_rows(con: duckdb.DuckDBPyConnection, as_at: dt.date) -> list[tuple[Any, ...]]:
    """Waiting-for-a-place cases open at the end of the day whose child is on no roll that day."""
    return _rows(
        con,
        """SELECT c.id, ch.legal_forename || ' ' || ch.legal_surname, ch.date_of_birth, c.opened_on,
                  greatest(0, school_days(c.opened_on, $d)), person(u.first_name, u.last_name, u.username),
                  age_on(ch.date_of_birth, $d)
           FROM cases c JOIN children ch ON ch.id = c.child_id LEFT JOIN users u ON u.id = c.owner_id
           WHERE c.kind = 'waiting' AND open_at(c.opened_on, c.closed_on, $d) AND NOT on_roll_at(c.child_id, $d)
           ORDER BY c.opened_on, c.id""",
        d=as_at,
    )


def _age_band(age: int, bands: Sequence[tuple[str, int, int | None]]) -> str:
    return _band(age, bands)


def waiting(con: duckdb.DuckDBPyConnection, period: Any, today: dt.date) -> dict[str, Any]:
    """Children waiting for a place at the end of the month: school days waited since the case
    opened (banded), median and 90th percentile, by age band, and by name."""
    labels = _labels()
    _start, as_at, head = _period(period, today)
    found = _waiting_rows(con, as_at)
    days = [r[4] for r in found]
    ages = [_age_band(r[6], labels["age_bands"]) for r in found]
    waits = [_band(d, WAITING_BANDS) for d in days]
    resolution = _resolution(days)
    return {
        **head,
        "waiting": len(found),
        "by_age": [[label, ages.count(label)] for label, _lo, _hi in labels["age_bands"]],
        "by_wait": [[label, waits.count(label)] for label, _lo, _hi in WAITING_BANDS],
        "median_days": resolution["median"],
        "p90_days": resolution["p90"],
        "rows": [
            {
                "case_id": pk,
                "reference": f"WAITING-{pk:06d}",
                "child": child,
                "date_of_birth": dob.isoformat(),
                "waiting_since": opened_on.isoformat(),
                "school_days": d,
                "owner": owner,
            }
            for pk, child, dob, opened_on, d, owner, _age in found
        ],
    }


def _suppressed(title: str, items: list[tuple[str, int]], *, additive: bool = True) -> dict[str, Any]:
    """A list of counts as it may leave the council (rollcall.rules.reporting.suppress): a line
    that adds up to its total when ``additive``; otherwise each count stands alone, no total."""
    from rollcall.rules.reporting import suppress

    labels = [label for label, _n in items]
    if additive:
        table = suppress([[n] for _label, n in items])
        return {
            "title": title,
            "labels": labels,
            "counts": [row[0] for row in table.cells],
            "total": table.total,
        }
    return {
        "title": title,
        "labels": labels,
        "counts": [suppress([[n]]).cells[0][0] for _l, n in items],
        "total": None,
    }


def hub_profile(con: duckdb.DuckDBPyConnection, period: Any, today: dt.date) -> dict[str, Any]:
    """Multi-agency hub profile: children with a case of any kind open at some time in the
    period (opened by its end, not closed before its first day), by age band and postcode
    district at the end of the period, by kind of case, by the characteristics answered "yes" on
    their latest application received by the end; and the cases closed in it, by outcome."""
    from rollcall.rules.reporting import suppress

    labels = _labels()
    start, as_at, head = _period(period, today)
    con.execute(
        """CREATE OR REPLACE TEMP TABLE hub_cases AS
           SELECT * FROM cases WHERE opened_on <= $d AND (closed_on IS NULL OR closed_on >= $s)""",
        {"s": start, "d": as_at},
    )
    children = _rows(
        con,
        """WITH kids AS (SELECT DISTINCT child_id FROM hub_cases),
           address AS (
               SELECT a.child_id, a.postcode,
                      row_number() OVER (PARTITION BY a.child_id ORDER BY a.moved_in DESC NULLS LAST, a.id DESC) AS n
               FROM addresses a JOIN kids k ON k.child_id = a.child_id
               WHERE (a.moved_in IS NULL OR a.moved_in <= $d) AND (a.moved_out IS NULL OR a.moved_out > $d))
           SELECT age_on(ch.date_of_birth, $d), district(ad.postcode)
           FROM kids k JOIN children ch ON ch.id = k.child_id LEFT JOIN address ad ON ad.child_id = k.child_id AND ad.n = 1""",
        d=as_at,
    )
    ages = [_age_band(age, labels["age_bands"]) for age, _district in children]
    areas: dict[str, int] = {}
    for _age, district in children:
        areas[district] = areas.get(district, 0) + 1
    area_items = sorted((a, n) for a, n in areas.items() if a != NOT_KNOWN)
    if areas.get(NOT_KNOWN):
        area_items.append((NOT_KNOWN, areas[NOT_KNOWN]))
    kinds = dict(_rows(con, "SELECT kind, count(DISTINCT child_id) FROM hub_cases GROUP BY kind"))
    characteristics = dict(
        _rows(
            con,
            """WITH latest AS (
                   SELECT a.id, a.child_id,
                          row_number() OVER (PARTITION BY a.child_id ORDER BY a.received_on DESC, a.id DESC) AS n
                   FROM applications a WHERE a.received_on <= $d AND a.child_id IN (SELECT child_id FROM hub_cases))
               SELECT v.characteristic, count(DISTINCT l.child_id)
               FROM latest l JOIN answers v ON v.application_id = l.id
               WHERE l.n = 1 AND v.answer = 'yes' GROUP BY v.characteristic""",
            d=as_at,
        )
    )
    closed = {
        (kind, outcome): n
        for kind, outcome, n in _rows(
            con,
            "SELECT kind, outcome, count(*) FROM cases WHERE closed_on BETWEEN $s AND $d GROUP BY ALL",
            s=start,
            d=as_at,
        )
    }
    outcomes = [
        (f"{labels['kind_label'][kind]}: {label}", closed.pop((kind, code), 0))
        for kind in labels["kinds"]
        for code, label in labels["outcomes"][kind]
    ]
    if closed:
        outcomes.append(("Outcome not recorded", sum(closed.values())))
    return {
        **head,
        "children": suppress([[len(children)]]).total,
        "by_age": _suppressed(
            "Children by age", [(label, ages.count(label)) for label, _lo, _hi in labels["age_bands"]]
        ),
        "by_area": _suppressed("Children by area (postcode district)", area_items),
        "by_kind": _suppressed(
            "Children by kind of case",
            [(labels["kind_label"][k], kinds.get(k, 0)) for k in labels["kinds"]],
            additive=False,
        ),
        "by_characteristic": _suppressed(
            "Children by vulnerability characteristic",
            [(label, characteristics.get(code, 0)) for code, label in labels["characteristics"]],
            additive=False,
        ),
        "by_outcome": _suppressed("Cases closed in the period by outcome", outcomes),
    }


def dashboard(con: duckdb.DuckDBPyConnection, today: dt.date) -> dict[str, Any]:
    """This month so far (the monthly report's figures as at today), the open cases on the
    exceptions report and the children waiting for a place today, and twelve months of cases
    opened, closed and open at each month's end (the current month as at today)."""
    from rollcall.rules.reporting import PeriodKind, period_containing, trailing

    current = period_containing(PeriodKind.MONTH, today)
    (on_report,) = _one(
        con,
        "SELECT count(*) FROM cases WHERE closed_at IS NULL AND escalation_level = $l",
        l=_labels()["exceptions_level"],
    )
    trend = []
    for p in trailing(current, 12):
        end = min(p.end, today)
        opened, closed, open_at_end = _one(
            con,
            """SELECT count(*) FILTER (opened_on BETWEEN $s AND $d), count(*) FILTER (closed_on BETWEEN $s AND $d),
                      count(*) FILTER (open_at(opened_on, closed_on, $d)) FROM cases""",
            s=p.start,
            d=end,
        )
        trend.append({"period": p.key, "opened": opened, "closed": closed, "open_at_end": open_at_end})
    return {
        "today": today.isoformat(),
        "month": monthly(con, current, today),
        "exceptions": on_report,
        "waiting": len(_waiting_rows(con, today)),
        "trend": trend,
    }
