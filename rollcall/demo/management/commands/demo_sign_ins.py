"""manage.py demo_sign_ins [--address URL]: list the demo council's sign-ins and their password.

Only demo accounts still using the published demo password are listed. Without the demo council
it prints no password, just a note (and succeeds, so ``make run`` carries on with real data).
"""

from __future__ import annotations

import base64
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django_otp.oath import totp

from rollcall import clock
from rollcall.demo.council import DEMO_PASSWORD, DEMO_TOTP_KEY, demo_exists, demo_sign_ins


class Command(BaseCommand):
    help = "Print where to sign in to the demo council, as whom, and the demo password."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--address", default=settings.SITE_URL, help="Where Roll Call is served.")

    def handle(self, *args: Any, **options: Any) -> None:
        sign_ins = demo_sign_ins() if demo_exists() else []
        if not sign_ins:
            self.stderr.write("No demo data here, so no demo sign-ins: load it with `manage.py seed_demo`.")
            return
        rows = [("Username", "Role", "Team or school"), *((s.username, s.role, s.where) for s in sign_ins)]
        widths = [max(len(row[i]) for row in rows) for i in range(3)]
        self.stdout.write(f"Roll Call is at {options['address']}")
        self.stdout.write(f"Every demo account's password is: {DEMO_PASSWORD}")
        key = base64.b32encode(bytes.fromhex(DEMO_TOTP_KEY)).decode()
        self.stdout.write(
            f"Council accounts also ask for a two-factor code. Add this key to an authenticator app "
            f"(time-based, 6 digits): {key}"
        )
        left = 30 - int(clock.now().timestamp()) % 30
        self.stdout.write(
            f"or use the code for now, {totp(bytes.fromhex(DEMO_TOTP_KEY)):06d} (good for {left} more "
            "seconds; run `manage.py demo_sign_ins` again for a new one)."
        )
        self.stdout.write("")
        for n, row in enumerate(rows):
            self.stdout.write(
                "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
            )
            if n == 0:
                self.stdout.write("  ".join("-" * width for width in widths))
