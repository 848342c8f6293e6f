"""Two Roll Call instances on this machine, each with its own database, key and LA code, each
serving HTTP on its own port, partners of each other: the stand-in for a second council is a real
second council.

The database of each starts as a copy of the test database already migrated (SQLite's backup API,
a few milliseconds) or, when the suite runs on PostgreSQL, one ``migrate`` into a file copied for
the other; each instance then gets its own people through ``council_script``.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import connection

from rollcall.transfers import signing

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Council:
    code: str
    name: str
    directory: Path
    port: int = field(default_factory=_free_port)
    server: subprocess.Popen[bytes] | None = None
    facts: dict[str, Any] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def database(self) -> Path:
        return self.directory / "rollcall.sqlite3"

    @property
    def key_file(self) -> Path:
        return self.directory / "keys" / "transfers-ed25519.pem"

    @property
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DATABASE_URL"))}
        env.update(
            DJANGO_SETTINGS_MODULE="rollcall.settings_test",
            DATABASE_URL=f"sqlite:///{self.database}",
            COUNCIL_LA_CODE=self.code,
            COUNCIL_NAME=f"{self.name} Council",
            TRANSFERS_SIGNING_KEY_FILE=str(self.key_file),
            ROLLCALL_VAR_DIR=str(self.directory),
            TRANSFERS_HTTP_TIMEOUT="20",
            # Two-factor has its own journeys (tests/browser/test_two_factor.py); here the subject
            # is the transfer, and each council's users live in that council's own database, where
            # the test process cannot reach their authenticator keys.
            TWO_FACTOR_REQUIRED_ROLES="none",
        )
        return env

    def public_key(self) -> str:
        return signing.public_key_text(signing.signing_key(self.key_file))

    def run(self, action: str, **args: Any) -> dict[str, Any]:
        """Run one council_script action inside this council; its JSON answer."""
        done = subprocess.run(  # noqa: S603 - our own interpreter and script
            [PYTHON, "-m", "tests.transfers.council_script", action, json.dumps(args)],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            timeout=180,
            check=False,
        )
        if done.returncode != 0:
            raise AssertionError(f"{self.name} {action} failed:\n{done.stderr.decode()[-3000:]}")
        answer: dict[str, Any] = json.loads(done.stdout.decode().strip().splitlines()[-1])
        return answer

    def start(self) -> None:
        log = (self.directory / "server.log").open("wb")
        self.server = subprocess.Popen(  # noqa: S603 - our own interpreter and manage.py
            [
                PYTHON,
                "manage.py",
                "runserver",
                "--noreload",
                "--insecure",
                "--skip-checks",
                f"127.0.0.1:{self.port}",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, timeout: float = 90) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.server is not None and self.server.poll() is not None:
                raise AssertionError(
                    f"{self.name}'s server stopped:\n{(self.directory / 'server.log').read_text()[-3000:]}"
                )
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310 - loopback
                    if response.status == 200:
                        return
            except (urllib.error.URLError, OSError):
                time.sleep(0.3)
        raise AssertionError(f"{self.name}'s server did not answer within {timeout} seconds")

    def stop(self) -> None:
        if self.server is not None and self.server.poll() is None:
            self.server.terminate()
            try:
                self.server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.server.kill()
                self.server.wait(timeout=10)


def _migrated_database(path: Path) -> None:
    """A migrated, empty SQLite database at ``path``."""
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        target = sqlite3.connect(path)
        try:
            connection.connection.backup(target)
        finally:
            target.close()
        return
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST_", "DATABASE_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="rollcall.settings_test", DATABASE_URL=f"sqlite:///{path}")
    subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True, timeout=600
    )


@contextmanager
def two_councils(directory: Path) -> Iterator[tuple[Council, Council]]:
    """Leicestershire (855) and Leicester (856), partners of each other, both serving; the first
    has a child missing education case ready to transfer."""
    a = Council("855", "Leicestershire", directory / "leicestershire")
    b = Council("856", "Leicester", directory / "leicester")
    for council in (a, b):
        council.directory.mkdir(parents=True)
        signing.signing_key_create(council.key_file)
    _migrated_database(a.database)
    shutil.copyfile(a.database, b.database)
    try:
        setups = [
            subprocess.Popen(  # noqa: S603 - our own interpreter and script
                [
                    PYTHON,
                    "-m",
                    "tests.transfers.council_script",
                    "setup",
                    json.dumps(
                        {
                            "partner_code": other.code,
                            "partner_url": other.url,
                            "partner_key": other.public_key(),
                            "our_code": council.code,
                            "with_case": council is a,
                        }
                    ),
                ],
                cwd=ROOT,
                env=council.env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for council, other in ((a, b), (b, a))
        ]
        answers = []
        for process in setups:
            out, err = process.communicate(timeout=300)
            if process.returncode != 0:
                raise AssertionError(f"setting up a council failed:\n{err.decode()[-3000:]}")
            answers.append(json.loads(out.decode().strip().splitlines()[-1]))
        a.facts, b.facts = answers
        for council in (a, b):
            council.start()
        for council in (a, b):
            council.wait_ready()
        yield a, b
    finally:
        for council in (a, b):
            council.stop()
