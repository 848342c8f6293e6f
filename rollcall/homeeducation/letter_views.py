"""The administrators' letter templates for the attendance order route, under
/home-education/letter-templates/: a list, and an edit page with a preview filled with invented
details. Only administrators (access.can_edit_letter_templates)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.casework.services import CaseworkError
from rollcall.homeeducation import letters, services
from rollcall.homeeducation.access import can_edit_letter_templates
from rollcall.homeeducation.forms import LetterTemplateForm
from rollcall.homeeducation.models import LetterTemplate


def _administrator(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not can_edit_letter_templates(user):
        raise PermissionDenied("Only an administrator can change the letter templates.")
    return user


def letter_template_list(request: HttpRequest) -> HttpResponse:
    _administrator(request)
    kinds = LetterTemplate._meta.get_field("kind").choices or []
    found = {t.kind: t for t in LetterTemplate.objects.select_related("updated_by")}
    rows = [(kind, label, found.get(str(kind))) for kind, label in kinds]
    return render(request, "homeeducation/letter_templates.html", {"rows": rows})


def letter_template_edit(request: HttpRequest, kind: str) -> HttpResponse:
    user = _administrator(request)
    labels = dict(LetterTemplate._meta.get_field("kind").choices or [])
    if kind not in labels:
        raise Http404("No such letter")
    template = LetterTemplate.objects.filter(kind=kind).first()
    heading, body = services.letter_words(kind)
    initial = {"heading": heading, "body": body}
    form = LetterTemplateForm(request.POST if request.method == "POST" else None, initial=initial)
    preview = ""
    if request.method == "POST" and form.is_valid():
        heading, body = form.cleaned_data["heading"], form.cleaned_data["body"]
        if request.POST.get("action") == "save":
            try:
                services.letter_template_update(kind=kind, heading=heading, body=body, actor=user)
            except CaseworkError as refused:
                form.add_error(None, str(refused))
            else:
                messages.success(
                    request, f"The {labels[kind].lower()} letter is saved. Letters served from now use it."
                )
                return redirect("homeeducation:letter-templates")
        else:
            preview = services.letter_preview(heading=heading, body=body, actor=user)
    return render(
        request,
        "homeeducation/letter_template_edit.html",
        {
            "form": form,
            "label": labels[kind],
            "template": template,
            "preview": preview,
            "placeholders": letters.PLACEHOLDERS.items(),
        },
    )
