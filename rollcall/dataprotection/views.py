"""The administrator's data protection pages: the retention report (a dry run) and subject access
requests (choose the child, then download the PDF and the ZIP of CSVs)."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.audit.services import child_of, child_record
from rollcall.dataprotection import subject_access
from rollcall.dataprotection.access import can_answer_subject_access, can_manage_retention
from rollcall.dataprotection.forms import SubjectAccessForm
from rollcall.dataprotection.models import Erasure, RetentionSettings, SubjectAccessRequest
from rollcall.dataprotection.retention import retention_report
from rollcall.dataprotection.services import subject_access_downloaded, subject_access_record


@require_GET
def retention_page(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_manage_retention(user):
        raise PermissionDenied
    today = clock.today()
    lines = retention_report(today)
    return render(
        request,
        "dataprotection/retention.html",
        {
            "today": today,
            "lines": lines,
            "total": sum(line.count for line in lines),
            "erasures": Erasure.objects.all()[:20],
            "schedule": RetentionSettings.current(),
        },
    )


@require_http_methods(["GET", "POST"])
def subject_access_new(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    if not can_answer_subject_access(user):
        raise PermissionDenied
    form = SubjectAccessForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        child = form.cleaned_data["child"]
        answer = subject_access.gather(child)
        made = subject_access_record(
            child=child, by=user, reference=form.cleaned_data["reference"], records=answer.record_count
        )
        return redirect("dataprotection:subject-access-detail", pk=made.pk)
    recent = SubjectAccessRequest.objects.select_related("requested_by")[:20]
    return render(request, "dataprotection/subject_access.html", {"form": form, "recent": recent})


def _request_for(request: HttpRequest, pk: int) -> SubjectAccessRequest:
    user = signed_in_user(request)
    if not can_answer_subject_access(user):
        raise PermissionDenied
    return get_object_or_404(SubjectAccessRequest.objects.select_related("child", "requested_by"), pk=pk)


@require_GET
@child_record("Subject access request", child_of(SubjectAccessRequest))
def subject_access_detail(request: HttpRequest, pk: int) -> HttpResponse:
    made = _request_for(request, pk)
    return render(request, "dataprotection/subject_access_detail.html", {"made": made})


@require_GET
@child_record("Subject access request: PDF", child_of(SubjectAccessRequest), shown=False)
def subject_access_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    made = _request_for(request, pk)
    answer = subject_access.gather(made.child)
    subject_access_downloaded(request=made, by=signed_in_user(request), what="PDF", path=request.path)
    body = subject_access.pdf(answer, council_name=settings.COUNCIL_NAME, reference=made.reference)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{made.pk}.pdf"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@child_record("Subject access request: CSV files", child_of(SubjectAccessRequest), shown=False)
def subject_access_zip(request: HttpRequest, pk: int) -> HttpResponse:
    made = _request_for(request, pk)
    answer = subject_access.gather(made.child)
    subject_access_downloaded(request=made, by=signed_in_user(request), what="CSV files", path=request.path)
    response = HttpResponse(subject_access.csv_zip(answer), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="subject-access-{made.pk}-csv.zip"'
    response["Cache-Control"] = "no-store"
    return response
