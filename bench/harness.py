"""What every benchmark under bench/ shares: each phase in a fresh process with production
settings and a throwaway database, the PostgreSQL admin connection, Django set-up inside a phase,
a frozen clock, peak memory and a query counter, and the invented names.

A phase prints its result as JSON on the last line of its stdout; :func:`run_phase` reads it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

BASE_DIR = Path(__file__).resolve().parent.parent
PG_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

# Invented names for synthetic children (never a real child's).
FORENAMES = [
    "Amara", "Kai", "Lena", "Noor", "Tomasz", "Rosa", "Idris", "Freya", "Oliver", "Aisha",
    "Mateo", "Zofia", "Callum", "Priya", "Ethan", "Maya", "Yusuf", "Isla", "Jacob", "Hana",
    "Reuben", "Leila", "Finn", "Ava", "Samir", "Elsie", "Theo", "Ines", "Dylan", "Nia",
]  # fmt: skip
SURNAMES = [
    "Okafor", "Brennan", "Fischer", "Haddad", "Nowak", "Lindqvist", "Mensah", "Harris", "Patel",
    "Walsh", "Kowalski", "Ahmed", "Evans", "Murphy", "Clarke", "Osei", "Rossi", "Byrne", "Khan",
    "Jones", "Singh", "Taylor", "Ward", "Hughes", "Novak", "Adeyemi", "Price", "Moran",
]  # fmt: skip


def phase_env(database_url: str, var_dir: str | Path, **extra: str) -> dict[str, str]:
    """Production settings with a throwaway database, tasks that do nothing and e-mail in memory."""
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="rollcall.settings",
        DEBUG="false",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        SECURE_SSL_REDIRECT="false",
        ALLOWED_HOSTS="localhost",
        DATABASE_URL=database_url,
        TASKS_BACKEND="django_tasks.backends.dummy.DummyBackend",
        EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
        ROLLCALL_VAR_DIR=str(var_dir),
        LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def run_phase(
    script: str | Path,
    phase: str,
    env: dict[str, str] | None,
    options: Sequence[str],
    *,
    show_progress: bool = False,
) -> dict[str, Any]:
    """Run ``script --phase phase *options`` in a fresh process; its result, with ``wall_seconds``.

    With ``show_progress`` the phase's stderr goes straight to ours as it runs; otherwise it is
    shown only if the phase fails.
    """
    command = [sys.executable, str(Path(script).resolve()), "--phase", phase, *options]
    started = time.perf_counter()
    done = subprocess.run(  # noqa: S603
        command,
        env=env,
        stdout=subprocess.PIPE,
        stderr=None if show_progress else subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-20_000:] + (done.stderr or "")[-20_000:])
        raise SystemExit(f"The {phase} phase failed (exit {done.returncode}).")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - started
    return result


def pg_admin(*statements: str) -> None:
    """Run statements (CREATE/DROP DATABASE) on the local server's maintenance database."""
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        for statement in statements:
            admin.execute(statement)


def setup_django() -> None:
    """Inside a phase: make ``rollcall`` importable and set Django up."""
    if str(BASE_DIR) not in sys.path:
        sys.path.insert(0, str(BASE_DIR))
    import django

    django.setup()


@contextmanager
def frozen(day: dt.date, *, tick: bool = False) -> Iterator[None]:
    """Run with the clock at 17:00 UTC on ``day``, so stored timestamps agree with the dates
    (``tick`` lets it run on from there, for rates and durations)."""
    import time_machine

    with time_machine.travel(dt.datetime(day.year, day.month, day.day, 17, 0, tzinfo=dt.UTC), tick=tick):
        yield


def maxrss_mb() -> float:
    """This process's peak resident memory so far."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


class QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)


@contextmanager
def counting() -> Iterator[QueryCounter]:
    """Count the queries run inside the block."""
    from django.db import connection

    counter = QueryCounter()
    with connection.execute_wrapper(counter):
        yield counter
