"""The English councils and their DfE LA codes, read from ``data/english_councils.csv``.

The file holds public facts (no personal data): the 153 local authorities in England in 2026 with
the three-digit codes the DfE gives them, after the reorganisations of Dorset (2019: 835, and 839
for Bournemouth, Christchurch and Poole), Northamptonshire (2021: 940 and 941) and Cumbria (2023:
942 and 943). docs/transfers.md says how the list was made and checked.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from pathlib import Path

from rollcall.rules.transfers import is_la_code

DATA_FILE = Path(__file__).resolve().parent / "data" / "english_councils.csv"


@dataclass(frozen=True)
class Council:
    la_code: str
    name: str
    region: str


def councils_read(path: Path = DATA_FILE) -> dict[str, Council]:
    """Read and check the councils file: every code three digits, no code or name twice.

    Raises ValueError naming the line and field of the first problem.
    """
    councils: dict[str, Council] = {}
    names: set[str] = set()
    with path.open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        if reader.fieldnames != ["la_code", "name", "region"]:
            msg = f"{path.name}: the header must be la_code,name,region; it is {reader.fieldnames}"
            raise ValueError(msg)
        for line, row in enumerate(reader, start=2):
            code, name, region = row["la_code"].strip(), row["name"].strip(), row["region"].strip()
            if not is_la_code(code):
                msg = f"{path.name} line {line}, la_code: {code!r} is not three digits"
                raise ValueError(msg)
            if code in councils:
                msg = f"{path.name} line {line}, la_code: {code} is listed twice"
                raise ValueError(msg)
            if not name or name in names:
                msg = f"{path.name} line {line}, name: {name!r} is empty or listed twice"
                raise ValueError(msg)
            if not region:
                msg = f"{path.name} line {line}, region: empty"
                raise ValueError(msg)
            councils[code] = Council(la_code=code, name=name, region=region)
            names.add(name)
    return councils


@functools.cache
def english_councils() -> dict[str, Council]:
    """Every English council by LA code, read once per process."""
    return councils_read()


def council_name(la_code: str) -> str:
    """The council's name, or the code itself for a code not in the list."""
    council = english_councils().get(la_code)
    return council.name if council else la_code


def council_choices() -> list[tuple[str, str]]:
    """(code, "Name (code)") for a select list, by name."""
    return [
        (c.la_code, f"{c.name} ({c.la_code})")
        for c in sorted(english_councils().values(), key=lambda c: c.name)
    ]
