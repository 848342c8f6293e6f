"""The in-app inbox: each person's own messages, unread first. Nobody may open another's."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import BooleanField, ExpressionWrapper, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from rollcall.accounts.access import signed_in_user
from rollcall.notify.models import Message
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
