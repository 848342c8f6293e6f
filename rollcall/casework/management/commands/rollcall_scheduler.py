"""manage.py rollcall_scheduler: enqueue the sweep once a day for the task worker.

Neither Django nor django-tasks has periodic tasks (STACK.md §2). In production cron or a
systemd timer can run ``rollcall_sweep`` instead; this small loop is for ``make run`` and for
hosts without cron. Running the sweep twice on one day is harmless (it is idempotent).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import InterfaceError, OperationalError, connections

from rollcall import clock
from rollcall.casework.models import SweepRun
from rollcall.casework.sweep_alerts import sweep_alert_missed
from rollcall.casework.tasks import sweep_task

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Enqueue the daily sweep at the given time (Europe/London), and at start-up if it has not run today."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--at", default="06:30", help="Time of day to run, HH:MM in England (default 06:30)."
        )
        parser.add_argument("--poll", type=float, default=60.0, help="Seconds between checks.")
        parser.add_argument("--once", action="store_true", help="Check once and exit.")

    def handle(self, *args: Any, **options: Any) -> None:
        at = dt.time.fromisoformat(options["at"])
        enqueued_for: dt.date | None = None
        while True:
            try:
                today = clock.today()
                local_now = clock.now().astimezone(clock.LONDON).time()
                ran_today = SweepRun.objects.filter(as_of=today).exists()
                if enqueued_for != today and not ran_today and local_now >= at:
                    # The date goes with the task: a worker that picks it up after midnight (or after
                    # a restart) still runs the sweep for the day it was due, not the next one.
                    result = sweep_task.enqueue(today.isoformat())
                    enqueued_for = today
                    self.stdout.write(f"Enqueued the sweep for {today} (task {result.id}).")
                elif enqueued_for != today and ran_today:
                    enqueued_for = today
                # A sweep that has not finished for a day (the workers are down, or it keeps
                # failing) is told to the administrators, once a day.
                if sweep_alert_missed():
                    self.stdout.write("No sweep has finished for a day: told the administrators.")
            except (OperationalError, InterfaceError) as error:
                # The database is restarting or failing over: look again at the next poll
                # rather than exit (run-production and systemd would stop or restart everything).
                logger.warning(
                    "The scheduler cannot reach the database (%s); it looks again later", type(error).__name__
                )
                connections.close_all()
            if options["once"]:
                return
            time.sleep(options["poll"])
