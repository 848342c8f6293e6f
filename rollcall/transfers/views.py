"""Pages for moves between councils, under /transfers/ (docs/transfers.md has who sees what).

Every page that shows a child logs the read (``record_view`` / ``record_views``); each page about
one child's transfer is wrapped by ``child_record``, so a refused attempt (403 or 404) is logged
naming the child too. Permission checks are the functions of rollcall/transfers/access.py.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from rollcall.accounts.access import signed_in_user
from rollcall.audit.services import child_of, child_record, record_view, record_views
from rollcall.casework.access import get_case_for_user
from rollcall.casework.models import Case
from rollcall.casework.services import CaseworkError
from rollcall.transfers import documents, services, signing
from rollcall.transfers.access import (
    can_manage_partners,
    can_receive_transfers,
    can_send_transfer,
    incoming_visible_to,
)
from rollcall.transfers.forms import PartnerForm, TransferForm, WithdrawForm
from rollcall.transfers.models import IncomingTransfer, PartnerCouncil, Transfer


def transfer_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_receive_transfers(user):
        raise PermissionDenied("Only the Inclusion team reads transfers between councils.")
    incoming = list(
        incoming_visible_to(user).select_related("partner", "case").order_by("status", "-received_at")[:200]
    )
    sent = list(
        Transfer.objects.filter(status__in=services.LIVE)
        .select_related("case", "child")
        .order_by("acknowledge_by")[:200]
    )
    record_views(
        user=user,
        children=[t.child_id for t in sent] + [i.case.child_id for i in incoming if i.case is not None],
        what="Transfers between councils",
        path=request.path,
    )
    return render(
        request,
        "transfers/list.html",
        {"page_title": "Transfers between councils", "incoming": incoming, "sent": sent},
    )


# A transfer still waiting is about a child this council does not hold yet (no record to name):
# once accepted, the page is about the case's child.
@child_record("Transfer from another council", child_of(IncomingTransfer, "case__child_id"), shown=False)
def incoming_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    incoming = incoming_visible_to(user).select_related("partner", "case").filter(pk=pk).first()
    if incoming is None:
        raise Http404("No such transfer")
    if request.method == "POST":
        try:
            case = services.incoming_accept(incoming=incoming, actor=user)
        except CaseworkError as refused:
            messages.error(request, str(refused))
            return redirect("transfers:incoming", pk=pk)
        if incoming.acknowledgement_delivered_at is None:
            messages.warning(
                request,
                f"Case {case.reference} opened. {incoming.partner.name} could not be told yet: Roll Call will try again.",
            )
        else:
            messages.success(request, f"Case {case.reference} opened and {incoming.partner.name} told.")
        return redirect("casework:case", case.pk)
    if incoming.case is not None:
        record_view(
            user=user, child=incoming.case.child_id, what="Transfer from another council", path=request.path
        )
    return render(
        request,
        "transfers/incoming.html",
        {
            "page_title": f"Transfer from {incoming.partner.name}: {incoming.child_name}",
            "incoming": incoming,
            "payload": incoming.payload,
        },
    )


@child_record("Record a move to another council", child_of(Case, kwarg="case_id"), shown=False)
def transfer_new(request: HttpRequest, case_id: int) -> HttpResponse:
    user = signed_in_user(request)
    case = get_case_for_user(user, case_id)
    if not can_send_transfer(user, case):
        raise PermissionDenied("Only the case's team can record a move to another council.")
    record_view(user=user, child=case.child_id, what="Record a move to another council", path=request.path)
    form = TransferForm(request.POST if request.method == "POST" else None, our_code=settings.COUNCIL_LA_CODE)
    if request.method == "POST" and form.is_valid():
        try:
            transfer = services.transfer_send(
                case=case, actor=user, to_la_code=form.cleaned_data["council"], new_address=form.address()
            )
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            if transfer.method == Transfer.Method.LETTER:
                messages.success(
                    request,
                    f"{transfer.to_name} does not run Roll Call: send the letter and upload the CTF "
                    "to the Lost Pupils Database. The case stays open until it confirms.",
                )
            elif transfer.status == Transfer.Status.DELIVERED:
                messages.success(
                    request, f"Transfer sent to {transfer.to_name}. The case stays open until it confirms."
                )
            else:
                messages.warning(
                    request,
                    f"The transfer to {transfer.to_name} is recorded but could not be delivered yet: "
                    "Roll Call will try again.",
                )
            return redirect("casework:case", case.pk)
    return render(
        request,
        "transfers/send.html",
        {"page_title": "Record a move to another council", "case": case, "form": form},
    )


def _transfer_for(request: HttpRequest, pk: int) -> Transfer:
    user = signed_in_user(request)
    transfer = get_object_or_404(Transfer.objects.select_related("case", "child"), pk=pk)
    case = get_case_for_user(user, transfer.case_id)
    if not can_send_transfer(user, case) and not can_receive_transfers(user):
        raise PermissionDenied("Only the case's team can read its transfer.")
    record_view(user=user, child=transfer.child_id, what="Transfer to another council", path=request.path)
    return transfer


@child_record("Transfer to another council", child_of(Transfer), shown=False)
def transfer_withdraw_view(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    transfer = _transfer_for(request, pk)
    if not can_send_transfer(user, transfer.case):
        raise PermissionDenied("Only the case's team can withdraw its transfer.")
    form = WithdrawForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.transfer_withdraw(transfer=transfer, actor=user, reason=form.cleaned_data["reason"])
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"Transfer to {transfer.to_name} withdrawn.")
            return redirect("casework:case", transfer.case_id)
    return render(
        request,
        "transfers/withdraw.html",
        {"page_title": f"Withdraw the transfer to {transfer.to_name}", "transfer": transfer, "form": form},
    )


@child_record("Transfer to another council", child_of(Transfer), shown=False)
def transfer_letter(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer_for(request, pk)
    response = HttpResponse(documents.letter_pdf(transfer), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="transfer-{transfer.case.reference}.pdf"'
    return response


@child_record("Transfer to another council", child_of(Transfer), shown=False)
def transfer_ctf(request: HttpRequest, pk: int) -> HttpResponse:
    transfer = _transfer_for(request, pk)
    response = HttpResponse(documents.ctf_xml(transfer), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="ctf-lost-{transfer.case.reference}.xml"'
    return response


def partners(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_manage_partners(user):
        raise PermissionDenied("Only an administrator exchanges keys with other councils.")
    form = PartnerForm(request.POST if request.method == "POST" else None, our_code=settings.COUNCIL_LA_CODE)
    if request.method == "POST" and form.is_valid():
        try:
            partner = services.partner_save(
                actor=user,
                la_code=form.cleaned_data["council"],
                api_url=form.cleaned_data["api_url"],
                public_key=form.cleaned_data["public_key"],
            )
        except ValueError as bad:
            form.add_error("public_key", str(bad))
        except CaseworkError as refused:
            form.add_error(None, str(refused))
        else:
            messages.success(request, f"{partner.name} saved: transfers to it now go by Roll Call message.")
            return redirect("transfers:partners")
    try:
        our_key = signing.public_key_text()
    except signing.KeyMissing:
        our_key = ""
    return render(
        request,
        "transfers/partners.html",
        {
            "page_title": "Partner councils",
            "partners": list(PartnerCouncil.objects.order_by("name")),
            "form": form,
            "our_code": settings.COUNCIL_LA_CODE,
            "our_key": our_key,
            "key_command": "manage.py transfers_key",
            "incoming_count": IncomingTransfer.objects.filter(status=IncomingTransfer.Status.WAITING).count(),
        },
    )
