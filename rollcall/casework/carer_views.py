"""Pages for reaching a child's parents and carers from a case (casework/carers.py does the work)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect

from rollcall.accounts.access import signed_in_user
from rollcall.audit.services import child_of, child_record, record_view
from rollcall.casework.access import EDIT, get_case_for_user
from rollcall.casework.carers import carer_contact_request, carer_contact_update
from rollcall.casework.models import Case
from rollcall.casework.services import CaseworkError
from rollcall.casework.views import _case_url, _form_page
from rollcall.people.models import Carer


class CarerContactForm(forms.Form):
    email = forms.EmailField(
        label="E-mail address",
        required=False,
        max_length=254,
        error_messages={"invalid": "Enter an e-mail address in the correct format, like name@example.com"},
    )
    phone = forms.CharField(
        label="Phone number",
        help_text="A mobile number, to send text messages",
        required=False,
        max_length=30,
    )
    contact_by = forms.ChoiceField(
        label="How do they want to be contacted?",
        choices=[("", "Not known"), *Carer.ContactBy.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    language = forms.CharField(
        label="Language they asked for",
        help_text="Noted for officers: messages from Roll Call are in English",
        required=False,
        max_length=50,
    )


class CarerMessageForm(forms.Form):
    channel = forms.ChoiceField(
        label="How should the message go?",
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the message should go"},
    )

    def __init__(self, *args: Any, carer: Carer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = []
        if carer.email:
            choices.append(("email", f"E-mail to {carer.email}"))
        if carer.phone:
            choices.append(("sms", f"Text message to {carer.phone}"))
        channel = self.fields["channel"]
        assert isinstance(channel, forms.ChoiceField)  # noqa: S101
        channel.choices = choices


def _carer(request: HttpRequest, pk: int, carer_pk: int) -> tuple[Any, Carer]:
    user = signed_in_user(request)
    case = get_case_for_user(user, pk, action=EDIT)
    carer = get_object_or_404(Carer, pk=carer_pk, child_id=case.child_id)
    # Each request shows the carer's details on the child's case (a refusal is logged by child_record).
    record_view(user=user, child=case.child_id, what="carer contact details", path=request.path)
    return case, carer


@child_record("carer contact details", child_of(Case), shown=False)
def carer_contact(request: HttpRequest, pk: int, carer_pk: int) -> HttpResponse:
    """Change a carer's e-mail, phone, how they want to be contacted and their language."""
    case, carer = _carer(request, pk, carer_pk)
    initial = {
        "email": carer.email,
        "phone": carer.phone,
        "contact_by": carer.contact_by,
        "language": carer.language,
    }
    form = CarerContactForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            carer_contact_update(case=case, carer=carer, actor=signed_in_user(request), **form.cleaned_data)
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Contact details for {carer.name} saved")
            return redirect(_case_url(case))
    return _form_page(request, case, form, title=f"Contact details for {carer.name}", submit="Save")


@child_record("message to a carer", child_of(Case), shown=False)
def carer_message(request: HttpRequest, pk: int, carer_pk: int) -> HttpResponse:
    """Ask a carer, by e-mail or text message through GOV.UK Notify, to contact the team."""
    case, carer = _carer(request, pk, carer_pk)
    form = CarerMessageForm(request.POST if request.method == "POST" else None, carer=carer)
    if request.method == "POST" and form.is_valid():
        try:
            carer_contact_request(
                case=case, carer=carer, channel=form.cleaned_data["channel"], actor=signed_in_user(request)
            )
        except CaseworkError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Message to {carer.name} sent")
            return redirect(_case_url(case))
    intro = (
        f"The message asks them to contact {case.team.name} quoting {case.reference}. It does not name "
        "the child or say why: the rest is for the conversation."
    )
    if carer.language:
        intro += f" They asked for {carer.language}."
    return _form_page(
        request, case, form, title=f"Ask {carer.name} to contact the team", submit="Send message", intro=intro
    )
