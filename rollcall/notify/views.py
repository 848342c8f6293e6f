"""The in-app inbox (each person's own messages, unread first; nobody may open another's), and
GOV.UK Notify's callbacks (delivery receipts, returned letters), authenticated by bearer token."""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt

from rollcall.accounts.access import signed_in_user
from rollcall.notify.dispatch import CallbackError, delivery_receipt, letter_returned
from rollcall.notify.models import Dispatch, Message
from rollcall.notify.services import message_mark_read

PER_PAGE = 50


def _safe_link(url: str) -> str:
    """Messages point inside Roll Call: only a site-relative path is shown as a link."""
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else ""


def inbox(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    messages = (
        Message.objects.filter(recipient=user)
        .annotate(is_read=ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField()))
        .order_by("is_read", "-created_at", "-pk")
    )
    page = Paginator(messages, PER_PAGE).get_page(request.GET.get("page"))
    unread = Message.objects.filter(recipient=user, read_at__isnull=True).count()
    return render(
        request, "notify/inbox.html", {"page_title": "Messages", "page_obj": page, "unread": unread}
    )


def message_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    message = Message.objects.filter(pk=pk, recipient=user).first()
    if message is None:
        raise Http404("No such message")
    message_mark_read(message=message)
    return render(
        request,
        "notify/message.html",
        {"page_title": message.subject, "message": message, "link": _safe_link(message.url)},
    )


# ---- GOV.UK Notify's callbacks ---------------------------------------------------------------


def _callback_authorised(request: HttpRequest) -> bool:
    """Notify sends the bearer token it was configured with; with none set here, refuse all."""
    expected = settings.NOTIFY_CALLBACK_TOKEN
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not expected or scheme.lower() != "bearer" or not token:
        return False
    return hmac.compare_digest(token.strip().encode(), expected.encode())


def _callback(request: HttpRequest, handle: Callable[[dict[str, Any]], Dispatch | None]) -> HttpResponse:
    if request.method != "POST":
        return JsonResponse({"error": "Use POST."}, status=405)
    if not _callback_authorised(request):
        return JsonResponse({"error": "Bearer token missing or wrong."}, status=401)
    try:
        payload = json.loads(request.body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"error": "The body is not JSON."}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": "The body is not a JSON object."}, status=400)
    try:
        with transaction.atomic():
            dispatch = handle(payload)
    except CallbackError as exc:
        return JsonResponse({"error": str(exc)}, status=400)
    return JsonResponse({"known": dispatch is not None}, status=200)


@csrf_exempt
@login_not_required
def delivery_status_callback(request: HttpRequest) -> HttpResponse:
    """Notify's delivery receipt for an e-mail, text message or letter."""
    return _callback(request, delivery_receipt)


@csrf_exempt
@login_not_required
def returned_letter_callback(request: HttpRequest) -> HttpResponse:
    """Notify's returned-letter callback."""
    return _callback(request, letter_returned)
