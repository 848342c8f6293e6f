"""Roll Call's own Prometheus metrics, read from the database when /metrics is scraped.

Read at scrape time rather than counted in memory, so every web process (and a scrape that lands
on any of them) reports the same figures, and the workers need no metrics port of their own. A
handful of aggregate queries, none per child.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Count, Min, Q
from django_tasks_db.models import DBTaskResult
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from rollcall import clock
from rollcall.attendance.models import AttendanceImport
from rollcall.casework.models import Case, SweepRun
from rollcall.operations.models import WorkerBeat


class RollCallCollector(Collector):
    """Sweep, invariant, caseload, task queue, worker and import figures."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        yield from self._sweep()
        yield from self._cases()
        yield from self._tasks()
        yield from self._imports()

    def _sweep(self) -> Iterator[GaugeMetricFamily]:
        run = SweepRun.objects.filter(finished_at__isnull=False).order_by("-finished_at").first()
        duration = GaugeMetricFamily(
            "rollcall_sweep_last_duration_seconds", "How long the last finished sweep took."
        )
        finished = GaugeMetricFamily(
            "rollcall_sweep_last_finished_timestamp_seconds", "When the last sweep finished (Unix time)."
        )
        breaches = GaugeMetricFamily(
            "rollcall_invariant_breaches", "Children the last finished sweep found breaching the invariant."
        )
        counts = GaugeMetricFamily(
            "rollcall_sweep_last_count", "What each step of the last sweep did.", labels=["item"]
        )
        if run is not None and run.finished_at is not None:
            duration.add_metric([], (run.finished_at - run.started_at).total_seconds())
            finished.add_metric([], run.finished_at.timestamp())
            breaches.add_metric([], len(run.breaches))
            for item, value in sorted(run.counts.items()):
                if isinstance(value, int | float):
                    counts.add_metric([item], value)
        unfinished = GaugeMetricFamily(
            "rollcall_sweep_unfinished", "Sweeps started in the last day that have not finished."
        )
        unfinished.add_metric(
            [],
            SweepRun.objects.filter(
                finished_at__isnull=True, started_at__gte=clock.now() - dt.timedelta(days=1)
            ).count(),
        )
        yield from (duration, finished, breaches, counts, unfinished)

    def _cases(self) -> Iterator[GaugeMetricFamily]:
        today = clock.today()
        open_cases = GaugeMetricFamily("rollcall_cases_open", "Open cases.", labels=["kind"])
        overdue = GaugeMetricFamily(
            "rollcall_cases_overdue", "Open cases whose next action is overdue.", labels=["kind"]
        )
        rows = (
            Case.objects.open()
            .values("kind")
            .annotate(n=Count("pk"), late=Count("pk", filter=Q(next_action_due__lt=today)))
            .order_by("kind")
        )
        for row in rows:
            open_cases.add_metric([row["kind"]], row["n"])
            overdue.add_metric([row["kind"]], row["late"])
        yield from (open_cases, overdue)

    def _tasks(self) -> Iterator[GaugeMetricFamily]:
        now = clock.now()
        by_status = GaugeMetricFamily(
            "rollcall_tasks", "Background tasks by queue and status.", labels=["queue", "status"]
        )
        for row in DBTaskResult.objects.values("queue_name", "status").annotate(n=Count("pk")).order_by():
            by_status.add_metric([row["queue_name"], row["status"]], row["n"])
        depth = GaugeMetricFamily("rollcall_task_queue_depth", "Tasks ready to run now.", labels=["queue"])
        age = GaugeMetricFamily(
            "rollcall_task_queue_oldest_age_seconds",
            "How long the oldest task ready to run has waited.",
            labels=["queue"],
        )
        ready = (
            DBTaskResult.objects.ready()
            .values("queue_name")
            .annotate(n=Count("pk"), oldest=Min("enqueued_at"))
        )
        for row in ready.order_by():
            depth.add_metric([row["queue_name"]], row["n"])
            age.add_metric([row["queue_name"]], max(0.0, (now - row["oldest"]).total_seconds()))
        workers = GaugeMetricFamily(
            "rollcall_workers_alive", "Task workers that have beaten in the last two minutes."
        )
        workers.add_metric(
            [],
            WorkerBeat.objects.filter(
                seen_at__gte=now - dt.timedelta(minutes=2), stopped_at__isnull=True
            ).count(),
        )
        yield from (by_status, depth, age, workers)

    def _imports(self) -> Iterator[GaugeMetricFamily]:
        rate = GaugeMetricFamily(
            "rollcall_attendance_import_rows_per_second",
            "Rows per second of the last attendance import that finished.",
        )
        rows = GaugeMetricFamily(
            "rollcall_attendance_import_last_rows", "Rows read by the last attendance import that finished."
        )
        last = (
            AttendanceImport.objects.filter(
                status=AttendanceImport.Status.IMPORTED, started_at__isnull=False, finished_at__isnull=False
            )
            .order_by("-finished_at")
            .first()
        )
        if last is not None and last.started_at is not None and last.finished_at is not None:
            seconds = max((last.finished_at - last.started_at).total_seconds(), 0.001)
            rate.add_metric([], last.rows_read / seconds)
            rows.add_metric([], last.rows_read)
        yield from (rate, rows)


def rollcall_registry() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(RollCallCollector())
    return registry
