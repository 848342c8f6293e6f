"""/healthz, /readyz and /metrics: for load balancers, monitoring and Prometheus, not for people.

None needs sign-in (a monitor has no session) and none shows personal data. /metrics is not
public: it answers only a bearer token (``METRICS_TOKEN``) or a listed address that did not come
through a proxy (``METRICS_ALLOWED_ADDRESSES``); everyone else gets 404, as if it did not exist.
"""

from __future__ import annotations

import hmac
import os

import prometheus_client
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from prometheus_client import multiprocess

from rollcall.casework.sweep_alerts import sweep_alert_missed
from rollcall.operations.checks import readiness
from rollcall.operations.metrics import rollcall_registry


@login_not_required
@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """The process is up and answering. Asks nothing else, so a slow database never restarts it."""
    return JsonResponse({"status": "ok"})


@login_not_required
@never_cache
@require_GET
def readyz(request: HttpRequest) -> JsonResponse:
    """Ready to do Roll Call's work: 200 when every named check passes, 503 (and which) when not."""
    checks = readiness()
    ready = all(check.ok for check in checks.values())
    if not checks["sweep"].ok and checks["database"].ok:
        # Tell the administrators (once a day) that the sweep has not run; the scheduler does too.
        sweep_alert_missed()
    return JsonResponse(
        {
            "status": "ready" if ready else "not ready",
            "checks": {name: check.as_dict() for name, check in checks.items()},
        },
        status=200 if ready else 503,
    )


def metrics_allowed(request: HttpRequest) -> bool:
    """A matching bearer token, or a listed address that is not a proxy passing someone on."""
    token: str = settings.METRICS_TOKEN
    given = request.headers.get("Authorization", "")
    if token and hmac.compare_digest(given.encode(), f"Bearer {token}".encode()):
        return True
    proxied = "X-Forwarded-For" in request.headers or "X-Real-IP" in request.headers
    return not proxied and request.META.get("REMOTE_ADDR") in settings.METRICS_ALLOWED_ADDRESSES


@login_not_required
@never_cache
@require_GET
def metrics(request: HttpRequest) -> HttpResponse:
    """Prometheus text: django-prometheus's request and database figures plus Roll Call's own."""
    if not metrics_allowed(request):
        raise Http404
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        # Several gunicorn workers: add up what each process has counted.
        registry = prometheus_client.CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        registry = prometheus_client.REGISTRY
    body = prometheus_client.generate_latest(registry) + prometheus_client.generate_latest(
        rollcall_registry()
    )
    return HttpResponse(body, content_type=prometheus_client.CONTENT_TYPE_LATEST)
