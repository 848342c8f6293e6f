"""Telling the council's Roll Call administrators when the daily sweep did not keep its promise.

Three things go wrong with a sweep: it fails (an exception), it finds children who breach the
invariant, or it does not run at all (the scheduler, the worker or the timer is down). Each sends
one inbox message, copied by e-mail, to every active administrator, keyed so that a retry, a
second scheduler or /readyz asked a thousand times sends it once. The messages carry counts and
dates only, never a child's name: the breaches themselves are on the sweep's record and the
exceptions report, behind sign-in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db.models import Q

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.casework.models import SweepRun
from rollcall.casework.sweep import sweep
from rollcall.notify.services import message_send
from rollcall.rules.workflow import Role


def administrators() -> list[User]:
    """The active administrators (and superusers) who answer for Roll Call running."""
    return list(
        User.objects.filter(
            Q(memberships__role=Role.ADMINISTRATOR.value) | Q(is_superuser=True), is_active=True
        ).distinct()
    )


def sweep_alert_failed(*, as_of: dt.date, error: BaseException) -> int:
    """Tell administrators the sweep as of ``as_of`` stopped with an error; once per date and error."""
    kind = type(error).__name__
    return message_send(
        recipients=administrators(),
        subject=f"The daily sweep for {as_of:%d/%m/%Y} failed",
        body=(
            f"The sweep as of {as_of:%d/%m/%Y} stopped with an error ({kind}) before it finished, so "
            "reminders and escalations may not have gone out. The worker's log has the details. "
            f"Once the cause is fixed, run it again with: manage.py rollcall_sweep --date {as_of.isoformat()}"
        ),
        key=f"sweep-failed:{as_of.isoformat()}:{kind}",
    )


def sweep_alert_breaches(*, run: SweepRun) -> int:
    """Tell administrators how many children the sweep found breaching the invariant.

    Once per date and number: a rerun for the same day that finds the same breaches is quiet.
    """
    count = len(run.breaches)
    if not count:
        return 0
    return message_send(
        recipients=administrators(),
        subject=f"The daily sweep found {count} breach{'es' if count != 1 else ''} of the invariant",
        body=(
            f"The sweep as of {run.as_of:%d/%m/%Y} found {count} "
            f"child{'ren' if count != 1 else ''} known to be out of school without an owner and a "
            "date that is not overdue. Sign in to Roll Call and open the exceptions report, or run "
            "manage.py rollcall_sweep, to see who."
        ),
        url="/reports/exceptions/",
        key=f"sweep-breaches:{run.as_of.isoformat()}:{count}",
    )


def sweep_alert_missed() -> int:
    """Tell administrators, once a day, when no sweep has finished within ``READY_SWEEP_HOURS``.

    Says nothing on a new installation whose first sweep has not started yet.
    """
    limit = clock.now() - dt.timedelta(hours=settings.READY_SWEEP_HOURS)
    if SweepRun.objects.filter(finished_at__gte=limit).exists() or not SweepRun.objects.exists():
        return 0
    last = SweepRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
    since = (
        f"The last sweep finished at {clock.local_date(last.finished_at):%d/%m/%Y}"
        if last is not None and last.finished_at is not None
        else "No sweep has finished yet"
    )
    today = clock.today()
    return message_send(
        recipients=administrators(),
        subject="The daily sweep has not run",
        body=(
            f"No sweep has finished in the last {settings.READY_SWEEP_HOURS} hours. {since}. "
            "Check the scheduler (or the sweep timer) and the task workers, then run the missed "
            "days with manage.py rollcall_sweep --date YYYY-MM-DD."
        ),
        key=f"sweep-missed:{today.isoformat()}",
    )


def sweep_watched(*, today: dt.date | None = None, say: Callable[[str], None] | None = None) -> SweepRun:
    """Run the sweep and tell administrators if it fails or finds breaches (command and task use this)."""
    as_of = today or clock.today()
    try:
        run = sweep(today=as_of, say=say)
    except Exception as error:
        sweep_alert_failed(as_of=as_of, error=error)
        raise
    sweep_alert_breaches(run=run)
    return run
