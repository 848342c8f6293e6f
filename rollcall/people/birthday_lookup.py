"""The children born on given days who could be a pupil sent: the database side of
``rules.identity.could_be_the_pupil``, for the roll engine's matching of pupils without a known UPN.

A school's roll sends hundreds of pupils; each is compared with the children born on the same
day whose normalised surname shares its first two or its last two letters with the pupil's
surname or forename, and whose forename then agrees that far too (could_be_the_pupil: names that
agree always pass it; tests/rules prove it, and tests/people check this SQL against it). A name
with any letter beyond plain ASCII is "unusual": its normalisation in SQL could differ from
Python's, so a child with an unusual surname is always a candidate, and one with an unusual
forename is judged by the surname alone; Python decides.

At a million children the surname alone let through many of the children born on the day
(endings such as "-son" and "-er" are common), each sent to Python and compared there: the part
of a school's cost that grew with the table. The forename cuts that to the few that look alike.

Three indexes serve the lookup (migration 0007 creates them from :func:`create_index_sql`): one on
(date of birth, the first two letters), one on (date of birth, the last two letters), and a
partial one on the date of birth of unusual surnames. The query reads them with the same
expressions, so each pupil costs a few index probes, not a read of every child born that day (at a
million children, about 230 a day, each normalised in SQL for each pupil). A database keeps using
an expression index only while the query writes the expression as the index does:
``tests/people/test_birthday_lookup.py`` checks the plans. Changing an expression here needs a new
migration that rebuilds the indexes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import connection

from rollcall.people.models import Child

VENDORS = ("sqlite", "postgresql")

# The three indexes (create_index_sql): first two letters, last two, unusual surnames.
INDEX_NAMES = ("child_born_surname_start", "child_born_surname_end", "child_born_unusual_surname")


def _normalised(column: str) -> str:
    """``rules.identity.normalise_name`` in SQL for a surname of plain ASCII letters, digits,
    spaces, full stops, apostrophes and hyphens."""
    return f"lower(replace(replace(replace(replace({column}, ' ', ''), '-', ''), '''', ''), '.', ''))"


def surname_start(vendor: str, column: str = "legal_surname") -> str:
    return f"substr({_normalised(column)}, 1, 2)"


def surname_end(vendor: str, column: str = "legal_surname") -> str:
    if vendor == "sqlite":
        return f"substr({_normalised(column)}, -2)"
    return f"right({_normalised(column)}, 2)"


def unusual_surname(vendor: str, column: str = "legal_surname") -> str:
    if vendor == "sqlite":
        return f"{column} GLOB '*[^A-Za-z0-9 .''-]*'"
    return f"({column} ~ '[^A-Za-z0-9 .''-]' OR octet_length({column}) <> char_length({column}))"


def create_index_sql(vendor: str) -> list[str]:
    table = Child._meta.db_table
    start, end, unusual = INDEX_NAMES
    return [
        f"CREATE INDEX {start} ON {table} (date_of_birth, ({surname_start(vendor)}))",
        f"CREATE INDEX {end} ON {table} (date_of_birth, ({surname_end(vendor)}))",
        f"CREATE INDEX {unusual} ON {table} (date_of_birth) WHERE {unusual_surname(vendor)}",
    ]


def drop_index_sql() -> list[str]:
    return [f"DROP INDEX IF EXISTS {name}" for name in INDEX_NAMES]


# One row per child found: (id, forename, surname, date of birth, UPN).
Found = tuple[int, str, str, dt.date, str | None]
# One row per pupil sent: (date of birth, *rules.identity.lookup_ends(forename, surname)).
Wanted = tuple[dt.date, str, str, str, str, str, str]
WANTED_COLUMNS = "born, s_first, s_last, f_first, f_last, w_first, w_last"


def _first_word(vendor: str, column: str) -> str:
    """``rules.identity``'s first word of a forename, for a name of the plain letters above."""
    words = f"ltrim(replace({column}, '-', ' '))"
    if vendor == "sqlite":
        return f"substr({words}, 1, instr({words} || ' ', ' ') - 1)"
    return f"split_part({words}, ' ', 1)"


def _indexed_by(vendor: str, index: str) -> str:
    """SQLite, without statistics, took the index of children not merged away for some arms (every
    child); told which index, it also refuses to run if the expressions stop matching it."""
    return f" INDEXED BY {index}" if vendor == "sqlite" else ""


def _wanted(vendor: str, rows: int) -> str:
    """The rows wanted, as a table: on PostgreSQL seven arrays (a VALUES list of hundreds of rows
    costs psycopg about 26 ms a query to split into parameters on our side, and the server as much
    to parse); on SQLite, which has no arrays, a VALUES list."""
    if vendor == "postgresql":
        texts = ", ".join(["CAST(%s AS text[])"] * 6)
        return f"SELECT * FROM unnest(CAST(%s AS date[]), {texts})"  # noqa: S608 (placeholders only)
    return "VALUES " + ", ".join("(%s, %s, %s, %s, %s, %s, %s)" for _ in range(rows))


def _query(vendor: str, rows: int) -> str:
    table = connection.ops.quote_name(Child._meta.db_table)
    columns = "c.id, c.legal_forename, c.legal_surname, c.date_of_birth, c.upn"
    start, end = surname_start(vendor, "c.legal_surname"), surname_end(vendor, "c.legal_surname")
    forename_start, forename_end = (
        surname_start(vendor, "c.legal_forename"),
        surname_end(vendor, "c.legal_forename"),
    )
    word = _first_word(vendor, "c.legal_forename")
    # rules.identity.could_be_the_pupil, for the child's forename (a forename of unusual letters
    # is always kept: its normalisation in SQL could differ from Python's). As given: the forenames
    # or their first words share an end, or the surname has both the pupil's ends. Swapped: the
    # child's forename shares an end with the pupil's surname.
    unusual_forename = unusual_surname(vendor, "c.legal_forename")
    as_given = (
        f"(({start} = w.s_first AND {end} = w.s_last) OR {forename_start} = w.f_first "
        f"OR {forename_end} = w.f_last OR {surname_start(vendor, word)} = w.w_first "
        f"OR {surname_end(vendor, word)} = w.w_last OR {unusual_forename})"
    )
    swapped = f"({forename_start} = w.s_first OR {forename_end} = w.s_last OR {unusual_forename})"
    start_index, end_index, unusual_index = INDEX_NAMES
    arms = [
        (start_index, f"{start} = w.s_first AND {as_given}"),
        (start_index, f"{start} = w.f_first AND {swapped}"),
        (end_index, f"{end} = w.s_last AND {as_given}"),
        (end_index, f"{end} = w.f_last AND {swapped}"),
    ]
    # The table's name comes from the model's metadata, the expressions are constants above; every
    # value is a parameter.
    if vendor == "postgresql":
        # One index probe per pupil, as a lateral subquery (OFFSET 0 keeps the planner from
        # flattening it into a join). As a join, PostgreSQL hashed every child born on any of the
        # days, normalising each surname: it costs the expressions as nearly free, so between
        # about 10,000 and 50,000 children that plan looked cheaper, and took 90 to 200 ms a
        # school, against 18 ms at 100,000 children with the probes.
        selects = [
            f"SELECT {columns} FROM wanted w CROSS JOIN LATERAL (SELECT {columns} FROM {table} c "  # noqa: S608
            f"WHERE c.date_of_birth = w.born AND {arm} AND c.merged_into_id IS NULL OFFSET 0) c"
            for _index, arm in arms
        ]
    else:
        selects = [
            f"SELECT {columns} FROM wanted w JOIN {table} c{_indexed_by(vendor, index)} "  # noqa: S608
            f"ON c.date_of_birth = w.born WHERE {arm} AND c.merged_into_id IS NULL"
            for index, arm in arms
        ]
    # The unusual surnames born on any of the days, whatever the names. PostgreSQL is given the
    # days as an array: it cannot estimate the pattern, and joined it read the whole table.
    born_any = "= ANY(CAST(%s AS date[]))" if vendor == "postgresql" else "IN (SELECT born FROM wanted)"
    selects.append(
        f"SELECT {columns} FROM {table} c{_indexed_by(vendor, unusual_index)} "  # noqa: S608
        f"WHERE c.date_of_birth {born_any} AND {unusual_surname(vendor, 'c.legal_surname')} "
        "AND c.merged_into_id IS NULL"
    )
    union = " UNION ".join(selects)
    return f"WITH wanted({WANTED_COLUMNS}) AS ({_wanted(vendor, rows)}) {union}"


def _statement(vendor: str, wanted: Sequence[Wanted]) -> tuple[str, list[Any]]:
    """The query and its parameters."""
    params: list[Any] = []
    if vendor == "postgresql":
        params += [list(column) for column in zip(*wanted, strict=True)]
        params.append(sorted({born for born, *_ends in wanted}))
    else:
        for born, *ends in wanted:
            params += [connection.ops.adapt_datefield_value(born), *ends]
    return _query(vendor, len(wanted)), params


def children_born_like(wanted: Sequence[Wanted]) -> list[Found] | None:
    """The children (not merged away) born on each wanted day who could be the pupil wanted
    (``rules.identity.could_be_the_pupil``), and every child with an unusual surname born on those
    days, each once, in one query. None on a database without the indexes (the caller then reads
    every child born on those days)."""
    vendor = connection.vendor
    if vendor not in VENDORS:
        return None
    if not wanted:
        return []
    with connection.cursor() as cursor:
        cursor.execute(*_statement(vendor, wanted))
        found = cursor.fetchall()
    return [
        (pk, forename, surname, dob if isinstance(dob, dt.date) else dt.date.fromisoformat(dob), upn)
        for pk, forename, surname, dob, upn in found
    ]
