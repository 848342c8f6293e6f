"""Faults on purpose against ``make run-production`` (issue 14). Not a test; ``make test`` never runs it.

    .venv/bin/python bench/faults.py                       # every fault, on a 5,000-child council
    .venv/bin/python bench/faults.py --only sweep-kill import-kill

Each fault ends with the invariant check and a count of every table (``census``):

- ``postgres-restart``: an officer keeps loading the caseload while PostgreSQL is restarted
  (``pg_ctlcluster … restart``, so root on a Debian server). Every answer while it is down must be
  the service's own error page (never a traceback), and answers must be 200 again after.
  It restarts the machine's server: nothing else should be using it.
- ``sweep-kill``: ``rollcall_sweep`` is killed with SIGKILL mid-run, then run again to the end,
  then once more: the third run must change no table (the sweep is idempotent).
- ``import-kill``: ``attendance_import`` of a generated file (every pupil on roll, six weeks
  of marks) is killed with SIGKILL mid-run, then run again: the marks stored must be exactly the
  file's, once.
- ``disk-full``: a 256 KB filesystem (tmpfs; root) is mounted over the server's media folder and
  a school uploads a larger file through the page: a clear error, no import row, no partial file.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import psycopg

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import PY, Production, production  # noqa: E402
from tests.production.smoke import Browser, sign_in  # noqa: E402

CENSUS = """
import json
from django.apps import apps
from rollcall import clock
from rollcall.casework.sweep import invariant_breaches
counts = {m._meta.db_table: m._default_manager.count() for m in apps.get_models()}
print(json.dumps({"tables": counts, "breaches": len(invariant_breaches(today=clock.today()))}))
"""


def census(server: Production, label: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        server.manage("shell", "--no-imports", "-c", CENSUS).strip().splitlines()[-1]
    )
    total = sum(found["tables"].values())
    print(
        f"  census {label}: {total:,} rows in {len(found['tables'])} tables, {found['breaches']} invariant breaches"
    )
    return found


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[int, int]]:
    return {
        table: (before["tables"].get(table, 0), n)
        for table, n in after["tables"].items()
        if before["tables"].get(table, 0) != n
    }


def signed_in(base: str, username: str) -> Browser:
    """A browser signed in through the form, as the smoke journey signs in."""
    browser = Browser(base)
    answer = sign_in(browser, username)
    if answer.status != 200:
        raise SystemExit(f"signing in as {username} answered {answer.status}")
    return browser


def load(browser: Browser, path: str) -> tuple[int, str]:
    """A page's status and text; status 0 when nothing answers at all (the server is down)."""
    try:
        answer = browser.get(path)
    except OSError as error:
        return 0, str(error)
    return answer.status, answer.text


def csrf(browser: Browser, path: str) -> str:
    found = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', browser.get(path).text)
    if found is None:
        raise SystemExit(f"no CSRF token on {path}")
    return found.group(1)


def fault_postgres_restart(server: Production) -> bool:
    clusters = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=False)  # noqa: S607
    if clusters.returncode or not clusters.stdout.strip():
        print("  skipped: no Debian PostgreSQL cluster to restart (pg_lsclusters)")
        return True
    version, cluster = clusters.stdout.split()[:2]
    officer = signed_in(server.base, "inclusion.officer")
    answers: list[tuple[float, int, str]] = []
    stop = threading.Event()

    def keep_loading() -> None:
        while not stop.is_set():
            status, page = load(officer, "/cases/")
            answers.append((time.monotonic(), status, page))
            time.sleep(0.1)

    loader = threading.Thread(target=keep_loading, daemon=True)
    loader.start()
    time.sleep(3)
    restarted_at = time.monotonic()
    subprocess.run(["pg_ctlcluster", version, cluster, "restart"], check=True)  # noqa: S603, S607
    back_at = time.monotonic()
    time.sleep(8)
    stop.set()
    loader.join()
    during = [a for a in answers if restarted_at <= a[0] <= back_at + 1]
    after = [a for a in answers if a[0] > back_at + 3]
    failed = [a for a in answers if a[1] != 200]
    tracebacks = [a for a in answers if "Traceback" in a[2]]
    own_page = [a for a in failed if "Sorry, there is a problem with the service" in a[2] or a[1] == 0]
    print(
        f"  {len(answers)} caseload loads: {len(during)} while restarting, {len(failed)} failed "
        f"({sorted({a[1] for a in failed})}), {len(tracebacks)} tracebacks; "
        f"restart took {back_at - restarted_at:.1f} s; {sum(a[1] == 200 for a in after)}/{len(after)} ok after"
    )
    ok = not tracebacks and len(own_page) == len(failed) and bool(after) and all(a[1] == 200 for a in after)
    census(server, "after the restart")
    return ok


def _killed_mid_run(server: Production, args: list[str], started: str, label: str) -> bool:
    """Start manage.py ``args`` and SIGKILL it as soon as ``started`` (SQL, polled every 10 ms
    on a connection of our own) sees its work begun."""
    process = subprocess.Popen([PY, "manage.py", *args], cwd=ROOT, env=server.env)  # noqa: S603
    with psycopg.connect(server.env["DATABASE_URL"], autocommit=True) as conn:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline and process.poll() is None:
            row = conn.execute(started.encode()).fetchone()
            if row and row[0]:
                break
            time.sleep(0.01)
    if process.poll() is not None:
        print(f"  {label} finished before it could be killed: make the council bigger (--children)")
        return False
    process.send_signal(signal.SIGKILL)
    process.wait()
    print(f"  {label} killed with SIGKILL mid-run (exit {process.returncode})")
    return True


def fault_sweep_kill(server: Production) -> bool:
    day = dt.date.today().isoformat()  # noqa: TID251 - the operator's day, as the scheduler gives it
    census(server, "before")
    killed = _killed_mid_run(
        server,
        ["rollcall_sweep", "--date", day],
        f"select count(*) from casework_sweeprun where as_of = '{day}'",  # noqa: S608 - a date we made
        "the sweep",
    )
    server.manage("rollcall_sweep", "--date", day)
    finished = census(server, "after the rerun")
    server.manage("rollcall_sweep", "--date", day)
    again = census(server, "after one more run")
    moved = {t: v for t, v in changed(finished, again).items() if t not in {"casework_sweeprun"}}
    print(f"  tables the third run changed (apart from its own run row): {moved or 'none'}")
    return killed and not moved


def fault_import_kill(server: Production) -> bool:
    rows_sql = """
import csv, sys, random, datetime as dt
from rollcall.schools.models import RollEntry
from rollcall.casework.calendar import council_calendar
cal = council_calendar()
days, d = [], dt.date.today()
while len(days) < 30:
    d -= dt.timedelta(days=1)
    if cal.is_school_day(d):
        days.append(d)
w = csv.writer(sys.stdout)
w.writerow(["upn", "school", "date", "session", "code"])
for upn, urn in RollEntry.objects.filter(on_roll_to__isnull=True, child__upn__isnull=False).values_list("child__upn", "school__urn"):
    for day in days:
        for session in ("AM", "PM"):
            w.writerow([upn, urn, day.isoformat(), session, random.choice("/L")])
"""
    path = server.var / "faults-marks.csv"
    path.write_text(server.manage("shell", "--no-imports", "-c", rows_sql))
    marks = path.read_text().count("\n") - 1
    print(f"  a file of {marks:,} marks")
    census(server, "before")
    with psycopg.connect(server.env["DATABASE_URL"]) as conn:
        row = conn.execute(b"select coalesce(max(id), 0) from attendance_attendanceimport").fetchone()
    last = int(row[0]) if row else 0
    killed = _killed_mid_run(
        server,
        ["attendance_import", str(path), "--format", "csv"],
        f"select count(*) from attendance_attendanceimport where status = 'running' and id > {last}",  # noqa: S608
        "the import",
    )
    rerun = server.manage("attendance_import", str(path), "--format", "csv")
    print("  rerun: " + " / ".join(line.strip() for line in rerun.splitlines()[-6:] if "%" not in line))
    again = server.manage("attendance_import", str(path), "--format", "csv")
    print("  once more: " + again.strip().splitlines()[-1])
    # What a worker's heartbeat does once the killed import has been silent for
    # IMPORT_SILENT_MINUTES (nothing else is importing now, so no wait is needed here).
    recover = "import datetime as dt\nfrom rollcall.attendance.services import imports_fail_abandoned as f\n"
    recover += "print(f(silent_for=dt.timedelta(0)))"
    print(
        f"  killed imports failed with a message by the recovery: {server.manage('shell', '--no-imports', '-c', recover).strip()}"
    )
    census(server, "after the reruns")
    with psycopg.connect(server.env["DATABASE_URL"]) as conn:
        stuck = conn.execute(
            b"select count(*) from attendance_attendanceimport where status = 'running'"
        ).fetchone()
        stopped = conn.execute(
            b"select count(*) from attendance_attendanceimport where id > %s and errors::text like %s",
            (last, "%stopped before it finished%"),
        ).fetchone()
    left, said = (stuck[0] if stuck else -1), (stopped[0] if stopped else 0)
    print(f"  imports left running: {left}; the killed one says it stopped: {said == 1}")
    return killed and "nothing changed" in again and left == 0 and said == 1


def fault_disk_full(server: Production) -> bool:
    media = server.var / "media"
    media.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(  # noqa: S603
        ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(media)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode:
        print(f"  skipped: cannot mount a small filesystem here ({mounted.stderr.strip()})")
        return True
    try:
        school_user = next(
            line.split()[0]
            for line in server.manage("demo_sign_ins").splitlines()
            if line.startswith("school.")
        )
        before = census(server, "before")
        school = signed_in(server.base, school_user)
        token = csrf(school, "/attendance/imports/new/")
        rows = "".join(f"A{n:012d},000000,2026-09-07,AM,/\n" for n in range(20_000))  # about 600 KB
        boundary = "----rollcallfaults"
        body = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file_format"\r\n\r\ncsv\r\n'
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="marks.csv"\r\n'
            f"Content-Type: text/csv\r\n\r\nupn,school,date,session,code\n{rows}\r\n--{boundary}--\r\n"
        ).encode()
        answer = school.request(
            "/attendance/imports/new/",
            data=body,
            headers={
                "Content-Type": f"multipart/form-data; boundary={boundary}",
                "Referer": server.base + "/attendance/imports/new/",
            },
        )
        status, page = answer.status, answer.text
        clear = "The file could not be stored" in page
        left = [p for p in media.rglob("*") if p.is_file()]
        after = census(server, "after")
        saved = changed(before, after).get("attendance_attendanceimport")
        print(
            f"  the page answered {status}, clear error: {clear}, files left: {len(left)}, import rows added: {saved}"
        )
        return status == 200 and clear and not left and saved is None
    finally:
        subprocess.run(["umount", str(media)], check=False)  # noqa: S603, S607


FAULTS = {
    "sweep-kill": fault_sweep_kill,
    "import-kill": fault_import_kill,
    "disk-full": fault_disk_full,
    "postgres-restart": fault_postgres_restart,
}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--children", type=int, default=5000)
    parser.add_argument("--port", type=int, default=8771)
    parser.add_argument("--database", default="rollcall_faults")
    parser.add_argument("--reuse", action="store_true")
    parser.add_argument("--only", nargs="+", choices=list(FAULTS), default=list(FAULTS))
    args = parser.parse_args()
    var = ROOT / "var" / "faults"
    if not shutil.which("pg_ctlcluster"):
        print("pg_ctlcluster not found: postgres-restart will be skipped")
    results = {}
    with production(
        db=args.database, children=args.children, port=args.port, reuse=args.reuse, var=var
    ) as server:
        for name in args.only:
            print(f"\n{name}", flush=True)
            results[name] = FAULTS[name](server)
    print("\n" + "\n".join(f"{name:<18} {'passed' if ok else 'FAILED'}" for name, ok in results.items()))
    raise SystemExit(0 if all(results.values()) else 1)


if __name__ == "__main__":
    main()
