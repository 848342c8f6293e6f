"""The moves-between-councils section of a CME case page (settings.CASE_PANELS["cme"])."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from rollcall.accounts.models import User
from rollcall.casework.models import Case
from rollcall.transfers.access import can_receive_transfers, can_send_transfer
from rollcall.transfers.models import IncomingTransfer, Transfer


def transfer_panel(request: HttpRequest, case: Case) -> str:
    user = request.user
    transfers = list(Transfer.objects.filter(case=case).select_related("sent_by"))
    incoming = IncomingTransfer.objects.filter(case=case).select_related("partner").first()
    may_send = isinstance(user, User) and can_send_transfer(user, case)
    context = {
        "case": case,
        "transfers": transfers,
        "incoming": incoming,
        "can_send": may_send and case.status in {"new", "enquiries"},
        "can_withdraw": may_send,
        "can_read_incoming": isinstance(user, User) and can_receive_transfers(user),
    }
    return render_to_string("transfers/panel.html", context, request=request)
