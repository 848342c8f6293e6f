"""gunicorn settings for Roll Call (``gunicorn -c deploy/gunicorn.conf.py``); docs/operations.md.

Every value can be overridden from the environment, so make run-production, systemd and a test
can share this one file.
"""

import json
import multiprocessing
import os

wsgi_app = "rollcall.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Sync workers: Roll Call's requests are short database work. (2 x cores) + 1 is gunicorn's advice.
workers = int(os.environ.get("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1))
worker_class = "sync"
# Long enough for the largest report PDF; uploads arrive already buffered by nginx.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = 2000
max_requests_jitter = 200
# Behind nginx on the same machine: trust its X-Forwarded-* headers only from loopback.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Logs to stdout/stderr for journald. The access log is one JSON object per request with the
# path only (%(U)s, never the query string, which may hold a search for a child's name).
accesslog = "-"
errorlog = "-"
access_log_format = json.dumps(
    {
        "time": "%(t)s",
        "logger": "gunicorn.access",
        "request_id": "%({x-request-id}o)s",
        "method": "%(m)s",
        "path": "%(U)s",
        "status": "%(s)s",
        "bytes": "%(B)s",
        "duration_ms": "%(M)s",
    }
)


def child_exit(server: object, worker: object) -> None:
    """With several workers, Prometheus figures live in files per process; drop a dead one's."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(getattr(worker, "pid"))  # noqa: B009 - gunicorn passes an untyped Worker
