"""What the operations app remembers: which task workers are alive."""

from __future__ import annotations

from django.db import models


class WorkerBeat(models.Model):
    """A task worker's heartbeat. ``rollcall_worker`` writes it every few seconds from a thread,
    even while a long task runs, so a row that stops moving means the process is gone (killed,
    out of memory, machine lost) and its running task can be handed to another worker."""

    worker_id = models.CharField(max_length=64, unique=True)
    hostname = models.CharField(max_length=255)
    pid = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)
    stopped_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"Worker {self.worker_id} on {self.hostname} (pid {self.pid})"
