"""manage.py seed_demo [--children N] [--seed S] [--if-empty | --reset]: load the invented demo council.

See rollcall/demo/council.py. With ``--if-empty`` it does nothing when any school exists, so ``make run``
can call it every time; ``--reset`` empties the database first, to rebuild it at another size.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.demo.council import COUNCIL_NAME, DemoError, demo_build
from rollcall.schools.models import School


class Command(BaseCommand):
    help = f"Load the demo council ({COUNCIL_NAME}, invented) with synthetic schools, staff and children."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--children", type=int, default=5000, help="How many children (default 5000).")
        parser.add_argument(
            "--seed", type=int, default=2026, help="Random seed: the same seed builds the same council."
        )
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing if the database already has any school."
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Delete everything in the database first (for rebuilding the demo at another size).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["if_empty"] and School.objects.exists():
            self.stdout.write("The database already has schools: demo not loaded.")
            return
        if options["children"] < 0:
            raise CommandError("--children cannot be negative.")
        if options["reset"]:
            if options["if_empty"]:
                raise CommandError("Use --reset or --if-empty, not both.")
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write("Emptied the database.")
        started = time.monotonic()
        try:
            demo_build(children=options["children"], seed=options["seed"], stdout=self.stdout)
        except DemoError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - started:.1f} s."))
