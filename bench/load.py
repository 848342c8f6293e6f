"""Load test: 50 people in a council's proportions against ``make run-production`` (issue 14).

    .venv/bin/python bench/load.py                        # 100,000 children, 50 users, 5 minutes
    .venv/bin/python bench/load.py --children 5000 --minutes 1 --users 20   # a quick look

Boots ``scripts/run-production`` on a database of its own (``rollcall_load``, kept between runs
with ``--reuse`` so the 100,000-child council is seeded once), signs the demo staff in, issues
API tokens to school accounts, and runs Locust headless with the users in ``bench/locustfile.py``
(officers, schools and managers, 6:3:1). While Locust runs, it samples PostgreSQL's
``pg_stat_activity`` every 0.2 s and keeps the longest time each statement was seen running: the
database's slowest queries, without ``pg_stat_statements`` (which needs a server restart to load).

Prints, per page kind: requests, failures, median, p95 and max in ms, against the targets of
0 errors and p95 under 500 ms; then the slowest statements. Not a test: ``make test`` never runs it.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.production.smoke import PASSWORD  # noqa: E402 - the published demo password

SERVER = "postgres://postgres@127.0.0.1:5432"
PY = str(ROOT / ".venv" / "bin" / "python")
P95_TARGET_MS = 500
OFFICERS = ["inclusion.officer", "inclusion.officer2", "access.officer", "admissions.officer", "sen.officer"]
MANAGERS = ["inclusion.manager", "access.manager", "head.of.service"]


def _admin(*statements: str) -> None:
    with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
        for statement in statements:
            conn.execute(statement.encode())  # fixed statements, no user input


def _populated(db: str) -> bool:
    try:
        with psycopg.connect(f"{SERVER}/{db}") as conn:
            row = conn.execute("select count(*) from people_child").fetchone()
            return bool(row and row[0] > 0)
    except psycopg.Error:
        return False


def _manage(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 - our own manage.py
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    if done.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout


def _wait_for(url: str, runner: subprocess.Popen[bytes], seconds: int) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if runner.poll() is not None:
            raise SystemExit("run-production stopped before it served; see its log.")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:  # noqa: S310 - our own local server
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise SystemExit(f"No answer from {url} after {seconds} s.")


class SlowQueries(threading.Thread):
    """Samples pg_stat_activity: the longest each statement (literals folded) was seen running."""

    def __init__(self, db: str) -> None:
        super().__init__(daemon=True)
        self.db = db
        self.longest: dict[str, float] = {}
        self.stop = threading.Event()

    def run(self) -> None:
        with psycopg.connect(f"{SERVER}/postgres", autocommit=True) as conn:
            while not self.stop.wait(0.2):
                rows = conn.execute(
                    "select query, extract(epoch from clock_timestamp() - query_start) from pg_stat_activity"
                    " where datname = %s and state = 'active' and pid <> pg_backend_pid()",
                    (self.db,),
                ).fetchall()
                for query, seconds in rows:
                    shape = re.sub(r"'[^']*'|\b\d+\b", "?", " ".join(str(query).split()))[:160]
                    self.longest[shape] = max(self.longest.get(shape, 0.0), float(seconds or 0))


@dataclass
class Production:
    """A running ``scripts/run-production``: where it answers and how to run manage.py beside it."""

    base: str
    db: str
    var: Path
    env: dict[str, str]

    def manage(self, *args: str) -> str:
        return _manage(self.env, *args)


@contextmanager
def production(
    *, db: str, children: int, port: int, reuse: bool, var: Path, **extra: str
) -> Iterator[Production]:
    """Boot run-production on database ``db`` (seeded with ``children`` unless ``reuse`` finds it
    seeded), wait until it answers, and stop every process it started on the way out."""
    if not re.fullmatch(r"[a-z0-9_]+", db):
        raise SystemExit("the database must be a plain name")
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            raise SystemExit(
                f"Port {port} is in use (an earlier run still serving?): choose another with --port."
            )
    # A SIGTERM (kill, a CI timeout) unwinds like Ctrl+C, so the processes below are stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    var.mkdir(parents=True, exist_ok=True)
    if not (reuse and _populated(db)):
        print(f"Fresh database {db}; seeding {children:,} children takes a while…", flush=True)
        _admin(f"drop database if exists {db} with (force)", f"create database {db}")
    env = {
        **os.environ,
        "DATABASE_URL": f"{SERVER}/{db}",
        "PORT": str(port),
        "ROLLCALL_VAR_DIR": str(var),
        "DEMO_CHILDREN": str(children),
        "LOG_FORMAT": "json",
        **extra,
    }
    started = time.monotonic()
    with (var / "run.log").open("wb") as log:
        runner = subprocess.Popen(  # noqa: S603 - our own script
            [str(ROOT / "scripts" / "run-production")],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_for(base + "/healthz", runner, 3600)
            print(f"Serving after {time.monotonic() - started:.0f} s (seeding included).", flush=True)
            manage_env = {**env, "DEBUG": "false", "SECRET_KEY": (var / "secret_key").read_text().strip()}
            yield Production(base, db, var, manage_env)
        finally:
            with suppress(ProcessLookupError):
                os.killpg(runner.pid, signal.SIGTERM)
            try:
                runner.wait(60)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(runner.pid, signal.SIGKILL)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--children", type=int, default=100_000)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--minutes", type=float, default=5)
    # One person a second: 50 officers arrive over 50 s, still a harder morning than any council's
    # (the first run's 5 a second put 50 Argon2/PBKDF2 sign-ins into 10 s on two cores).
    parser.add_argument("--spawn-rate", type=float, default=1)
    parser.add_argument("--port", type=int, default=8770)
    parser.add_argument("--database", default="rollcall_load")
    parser.add_argument("--reuse", action="store_true", help="keep the database if it is already seeded")
    args = parser.parse_args()
    var = ROOT / "var" / "load"
    # Two-factor off for the load only: 50 simulated people share 8 demo accounts, and an
    # authenticator code is accepted once per account per 30 seconds (replay protection), so they
    # could not all sign in at once. Every page still runs through the two-factor middleware.
    with production(
        db=args.database,
        children=args.children,
        port=args.port,
        reuse=args.reuse,
        var=var,
        TWO_FACTOR_REQUIRED_ROLES="none",
    ) as server:
        schools = [
            line.split()[0]
            for line in server.manage("demo_sign_ins").splitlines()
            if line.startswith("school.")
        ][:20]
        # A token name is unique per school: a run on a reused database names its own.
        run_name = f"Load test MIS {time.strftime('%Y-%m-%d %H:%M:%S')}"
        config = {
            "password": PASSWORD,
            "officers": OFFICERS,
            "managers": MANAGERS,
            "schools": [
                {
                    "username": name,
                    "token": server.manage("issue_api_token", name, "--name", run_name).strip(),
                }
                for name in schools
            ],
        }
        (var / "load-config.json").write_text(json.dumps(config))
        sampler = SlowQueries(server.db)
        sampler.start()
        stats = var / "stats"
        locust = subprocess.run(  # noqa: S603
            [
                str(ROOT / ".venv" / "bin" / "locust"),
                "-f",
                str(ROOT / "bench" / "locustfile.py"),
                "--headless",
                "--only-summary",
                "-u",
                str(args.users),
                "-r",
                str(args.spawn_rate),
                "-t",
                f"{int(args.minutes * 60)}s",
                "--host",
                server.base,
                "--csv",
                str(stats),
            ],
            cwd=ROOT,
            env={**os.environ, "LOAD_CONFIG": str(var / "load-config.json"), "PYTHONPATH": str(ROOT)},
            capture_output=True,
            text=True,
            check=False,
        )
        sampler.stop.set()
        sampler.join()
        _report(stats, sampler.longest, args, locust.stderr)


def _report(stats: Path, longest: dict[str, float], args: argparse.Namespace, locust_log: str) -> None:
    path = Path(f"{stats}_stats.csv")
    if not path.exists():
        raise SystemExit(f"Locust wrote no figures:\n{locust_log[-3000:]}")
    rows = list(csv.DictReader(path.open()))
    print(
        f"\n{args.users} users, {args.minutes:g} minutes, {args.children:,} children (run-production on PostgreSQL)\n"
    )
    print(
        f"{'page kind':<18} {'requests':>9} {'failures':>9} {'median ms':>10} {'p95 ms':>8} {'max ms':>8}  target"
    )
    worst_ok = True
    for row in rows:
        name = row["Name"]
        p95 = float(row["95%"] or 0)
        failures = int(row["Failure Count"])
        aggregate = name == "Aggregated"
        ok = failures == 0 and (aggregate or p95 < P95_TARGET_MS)
        worst_ok = worst_ok and ok
        print(
            f"{name:<18} {int(row['Request Count']):>9,} {failures:>9,} {float(row['Median Response Time']):>10.0f}"
            f" {p95:>8.0f} {float(row['Max Response Time']):>8.0f}  {'' if aggregate else ('ok' if ok else 'MISSED')}"
        )
    failures_csv = Path(f"{stats}_failures.csv")
    if failures_csv.exists():
        for row in list(csv.DictReader(failures_csv.open()))[:10]:
            print(f"  failure: {row['Name']}: {row['Error'][:150]} ({row['Occurrences']}x)")
    print(
        f"\nTargets (0 errors, p95 under {P95_TARGET_MS} ms per page kind): {'met' if worst_ok else 'NOT met'}"
    )
    print("\nSlowest statements seen running (pg_stat_activity sampled every 0.2 s):")
    for shape, seconds in sorted(longest.items(), key=lambda kv: -kv[1])[:10]:
        print(f"  {seconds * 1000:>7.0f} ms  {shape}")


if __name__ == "__main__":
    main()
