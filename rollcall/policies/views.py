"""Policy pages: the public list (no sign-in), staff management pages, campaigns, and
"Policies to acknowledge" for everyone who signs in.

Access (docs/policies.md): the public pages show only the current published version of each
policy, never drafts. Council staff read every policy page; administrators, heads of service and a
policy's owner change it (``access.can_manage_policy``), and only they see a campaign's
progress and its CSV of who is outstanding. School users see only what was sent to them.
"""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rollcall import clock
from rollcall.accounts.access import signed_in_user
from rollcall.accounts.models import User
from rollcall.concurrency import EditConflict
from rollcall.formats import spreadsheet_row
from rollcall.forms import form_conflict
from rollcall.policies import access, services
from rollcall.policies.forms import CampaignForm, PolicyForm, VersionForm
from rollcall.policies.models import CirculationCampaign, Policy, PolicyVersion, Recipient
from rollcall.policies.services import PolicyError
from rollcall.rules.circulation import ReviewState, review_state

PAGE_SIZE = 50


def _staff(request: HttpRequest) -> User:
    user = signed_in_user(request)
    if not access.can_read_policies(user):
        raise PermissionDenied
    return user


def _policy_for(user: User, pk: int, *, manage: bool = False) -> Policy:
    """The access helper for staff pages: 404 if it does not exist, 403 if this person may not."""
    if not access.can_read_policies(user):
        raise PermissionDenied
    policy = get_object_or_404(Policy.objects.select_related("owner", "team"), pk=pk)
    if manage and not access.can_manage_policy(user, policy):
        raise PermissionDenied
    return policy


def _published_versions() -> Prefetch[Any]:
    return Prefetch(
        "versions",
        queryset=PolicyVersion.objects.filter(published_at__isnull=False).order_by("-number"),
        to_attr="published_versions",
    )


# ---- public pages ---------------------------------------------------------------------------------


@login_not_required
@require_GET
def published_list(request: HttpRequest) -> HttpResponse:
    """Every policy with a published version, as the public may read it (no sign-in)."""
    policies = list(services.published_policies().prefetch_related(_published_versions()).order_by("title"))
    rows = [(p, p.published_versions[0]) for p in policies]  # type: ignore[attr-defined]
    return render(request, "policies/published_list.html", {"page_title": "Published policies", "rows": rows})


def _public_policy(slug: str) -> tuple[Policy, PolicyVersion]:
    policy = get_object_or_404(Policy, slug=slug)
    version = services.current_version(policy)
    if version is None:  # a policy with only drafts does not exist for the public
        raise Http404
    return policy, version


@login_not_required
@require_GET
def published_detail(request: HttpRequest, slug: str) -> HttpResponse:
    """The current published version of one policy (never a draft)."""
    policy, version = _public_policy(slug)
    return render(
        request,
        "policies/published_detail.html",
        {"page_title": policy.title, "policy": policy, "version": version},
    )


@login_not_required
@require_GET
def published_file(request: HttpRequest, slug: str) -> FileResponse:
    """The current published version's document, if it has one."""
    _policy, version = _public_policy(slug)
    if not version.file:
        raise Http404
    return FileResponse(
        version.file.open("rb"), as_attachment=True, filename=version.file.name.rsplit("/", 1)[-1]
    )


# ---- staff pages --------------------------------------------------------------------------------


def _status(policy: Policy, today: Any) -> tuple[str, str]:
    if policy.current_number is None:  # type: ignore[attr-defined]
        return "Draft", "grey"
    state = review_state(policy.review_date, today)
    if state == ReviewState.DUE_FOR_REVIEW:
        return "Due for review", "red"
    if state == ReviewState.REVIEW_SOON:
        return "Review soon", "yellow"
    return "Published", "green"


@require_GET
def policy_list(request: HttpRequest) -> HttpResponse:
    """All policies with their status, in one query."""
    user = _staff(request)
    today = clock.today()
    policies: QuerySet[Policy] = (
        Policy.objects.select_related("owner")
        .annotate(
            current_number=Max("versions__number", filter=Q(versions__published_at__isnull=False)),
            draft_count=Count("versions", filter=Q(versions__published_at__isnull=True)),
        )
        .order_by("title")
    )
    page = Paginator(policies, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(p, *_status(p, today)) for p in page]
    return render(
        request,
        "policies/policy_list.html",
        {
            "page_title": "Policies",
            "rows": rows,
            "page_obj": page,
            "can_create": access.can_create_policies(user),
        },
    )


@require_http_methods(["GET", "POST"])
def policy_new(request: HttpRequest) -> HttpResponse:
    user = _staff(request)
    if not access.can_create_policies(user):
        raise PermissionDenied
    form = PolicyForm(
        request.POST if request.method == "POST" else None, initial={"owner": user.pk}, creating=True
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            policy = services.policy_create(
                title=d["title"],
                owner=d["owner"],
                actor=user,
                summary=d["summary"],
                local_offer_url=d["local_offer_url"],
                review_date=d["review_date"],
                audience_note=d["audience_note"],
            )
        except PolicyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Policy added. Add its first version next.")
            return redirect("policies:policy", policy.pk)
    return render(
        request,
        "policies/form.html",
        {
            "page_title": "Add a policy",
            "heading": "Add a policy",
            "form": form,
            "submit": "Add policy",
            "cancel_url": reverse("policies:list"),
        },
    )


@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change a policy's details; the form carries the version it read, so nothing is overwritten."""
    user = _staff(request)
    policy = _policy_for(user, pk)
    if not access.can_manage_policy(user, policy):
        raise PermissionDenied
    initial = {
        "title": policy.title,
        "summary": policy.summary,
        "owner": policy.owner_id,
        "local_offer_url": policy.local_offer_url,
        "review_date": policy.review_date,
        "audience_note": policy.audience_note,
        "version": policy.version,
    }
    form = PolicyForm(request.POST if request.method == "POST" else None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.policy_change(
                policy=policy,
                actor=user,
                expected_version=d["version"],
                title=d["title"],
                summary=d["summary"],
                owner=d["owner"],
                local_offer_url=d["local_offer_url"],
                review_date=d["review_date"],
                audience_note=d["audience_note"],
            )
        except EditConflict as stale:
            # Someone changed the details since this form was opened: nothing saved (issue 11).
            form_conflict(form, stale)
            status = 409
        except PolicyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Policy details saved.")
            return redirect("policies:policy", policy.pk)
    return render(
        request,
        "policies/form.html",
        {
            "page_title": f"Change the details of {policy.title}",
            "heading": "Change the policy's details",
            "caption": policy.title,
            "form": form,
            "submit": "Save",
            "cancel_url": reverse("policies:policy", args=[policy.pk]),
        },
        status=status,
    )


@require_GET
def policy_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    policy = _policy_for(user, pk)
    versions = list(policy.versions.select_related("approved_by").order_by("-number"))
    current = next((v for v in versions if v.published_at is not None), None)
    can_manage = access.can_manage_policy(user, policy)
    for v in versions:
        v.can_publish = (  # type: ignore[attr-defined]
            can_manage and v.published_at is None and (current is None or current.number < v.number)
        )
    campaigns = list(
        CirculationCampaign.objects.filter(version__policy=policy)
        .select_related("version", "team")
        .annotate(
            sent_count=Count("recipients"),
            ack_count=Count("recipients", filter=Q(recipients__acknowledged_at__isnull=False)),
        )
        .order_by("-sent_at")
    )
    today = clock.today()
    policy.current_number = current.number if current else None  # type: ignore[attr-defined]
    status, colour = _status(policy, today)
    return render(
        request,
        "policies/policy.html",
        {
            "page_title": policy.title,
            "policy": policy,
            "versions": versions,
            "current": current,
            "campaigns": campaigns,
            "status": status,
            "status_colour": colour,
            "can_manage": can_manage,
        },
    )


@require_GET
def version_detail(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = signed_in_user(request)
    policy = _policy_for(user, pk)
    version = get_object_or_404(policy.versions.select_related("approved_by"), number=number)
    current = services.current_version(policy)
    return render(
        request,
        "policies/version.html",
        {
            "page_title": f"{policy.title}: version {version.number}",
            "policy": policy,
            "version": version,
            "is_current": current is not None and current.pk == version.pk,
            "can_publish": access.can_manage_policy(user, policy)
            and version.published_at is None
            and (current is None or current.number < version.number),
        },
    )


@require_GET
def version_file(request: HttpRequest, pk: int, number: int) -> FileResponse:
    user = signed_in_user(request)
    policy = _policy_for(user, pk)
    version = get_object_or_404(policy.versions, number=number)
    if not version.file:
        raise Http404
    return FileResponse(
        version.file.open("rb"), as_attachment=True, filename=version.file.name.rsplit("/", 1)[-1]
    )


@require_http_methods(["GET", "POST"])
def version_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    policy = _policy_for(user, pk, manage=True)
    current = services.current_version(policy)
    form = VersionForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        initial={"text": current.text if current else ""},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            version = services.version_add(
                policy=policy, actor=user, text=d["text"], file=d["file"], change_summary=d["change_summary"]
            )
        except PolicyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Version {version.number} saved as a draft.")
            return redirect("policies:version", policy.pk, version.number)
    return render(
        request,
        "policies/form.html",
        {
            "page_title": "Add a version",
            "caption": policy.title,
            "heading": "Add a version",
            "form": form,
            "submit": "Save as draft",
            "cancel_url": reverse("policies:policy", args=[policy.pk]),
        },
    )


@require_POST
def version_publish(request: HttpRequest, pk: int, number: int) -> HttpResponse:
    user = signed_in_user(request)
    policy = _policy_for(user, pk, manage=True)
    version = get_object_or_404(policy.versions, number=number)
    try:
        services.version_publish(version=version, actor=user)
    except PolicyError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Version {version.number} is published.")
    return redirect("policies:policy", policy.pk)


@require_http_methods(["GET", "POST"])
def campaign_new(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    policy = _policy_for(user, pk, manage=True)
    version = services.current_version(policy)
    if version is None:
        messages.error(request, "Publish a version before sending it for acknowledgement.")
        return redirect("policies:policy", policy.pk)
    form = CampaignForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            campaign = services.campaign_send(
                version=version,
                audience=d["audience"],
                team=d["team"],
                acknowledge_by=d["acknowledge_by"],
                recurs_every_months=form.recurs_every_months,
                actor=user,
            )
        except PolicyError as error:
            form.add_error(None, str(error))
        else:
            count = campaign.recipients.count()
            messages.success(request, f"Sent to {count} {'person' if count == 1 else 'people'}.")
            return redirect("policies:campaign", campaign.pk)
    return render(
        request,
        "policies/form.html",
        {
            "page_title": "Send for acknowledgement",
            "caption": f"{policy.title}, version {version.number}",
            "heading": "Send for acknowledgement",
            "intro": "Everyone you choose gets a message asking them to read it and confirm they have understood it.",
            "form": form,
            "submit": "Send",
            "cancel_url": reverse("policies:policy", args=[policy.pk]),
        },
    )


def _campaign_for(user: User, pk: int) -> CirculationCampaign:
    campaign = get_object_or_404(
        CirculationCampaign.objects.select_related("version__policy__owner", "team", "created_by"), pk=pk
    )
    _policy_for(user, campaign.version.policy_id, manage=True)
    return campaign


@require_GET
def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Counts and the paginated list of who has not acknowledged (managers of the policy only)."""
    user = signed_in_user(request)
    campaign = _campaign_for(user, pk)
    status = services.campaign_status(campaign)
    page = Paginator(services.campaign_outstanding(campaign), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "policies/campaign.html",
        {
            "page_title": f"Circulation of {campaign.version.policy.title}",
            "campaign": campaign,
            "policy": campaign.version.policy,
            "status": status,
            "page_obj": page,
            "overdue": campaign.is_overdue(clock.today()),
        },
    )


def _where(user: User) -> str:
    memberships = list(user.memberships.all())
    places = [str(m.school or m.team) for m in memberships if m.school_id or m.team_id]
    return ", ".join(places)


@require_GET
def campaign_csv(request: HttpRequest, pk: int) -> HttpResponse:
    """Who has not acknowledged, as CSV (same permission as the campaign page)."""
    user = signed_in_user(request)
    campaign = _campaign_for(user, pk)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="policy-campaign-{campaign.pk}-outstanding.csv"'
    writer = csv.writer(response)
    writer.writerow(
        ["Name", "Username", "Email", "Team or school", "Sent", "Acknowledge by", "Last reminded"]
    )
    for r in services.campaign_outstanding(campaign).iterator(chunk_size=500):
        writer.writerow(
            spreadsheet_row(
                [
                    str(r.user),
                    r.user.username,
                    r.user.email,
                    _where(r.user),
                    campaign.sent_on.isoformat(),
                    campaign.acknowledge_by.isoformat(),
                    clock.local_date(r.reminded_at).isoformat() if r.reminded_at else "",
                ]
            )
        )
    return response


# ---- for everyone: policies to acknowledge ------------------------------------------------------


@require_GET
def acknowledge_list(request: HttpRequest) -> HttpResponse:
    user = signed_in_user(request)
    outstanding = list(services.outstanding_for(user))
    return render(
        request,
        "policies/acknowledge_list.html",
        {"page_title": "Policies to acknowledge", "outstanding": outstanding, "today": clock.today()},
    )


def _recipient_for(user: User, campaign_pk: int) -> Recipient:
    return get_object_or_404(
        Recipient.objects.select_related("campaign__version__policy"), campaign_id=campaign_pk, user=user
    )


@require_GET
def acknowledge_read(request: HttpRequest, pk: int) -> HttpResponse:
    """The version that was sent to this person (they may read it even if it is no longer current)."""
    user = signed_in_user(request)
    recipient = _recipient_for(user, pk)
    version = recipient.campaign.version
    return render(
        request,
        "policies/acknowledge_read.html",
        {
            "page_title": version.policy.title,
            "recipient": recipient,
            "version": version,
            "policy": version.policy,
        },
    )


@require_POST
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    user = signed_in_user(request)
    recipient = _recipient_for(user, pk)
    services.acknowledge(campaign=recipient.campaign, user=user)
    messages.success(
        request, f"Thank you. You have confirmed you have read {recipient.campaign.version.policy.title}."
    )
    return redirect("policies:acknowledge-list")


@require_GET
def acknowledged_file(request: HttpRequest, pk: int) -> FileResponse:
    user = signed_in_user(request)
    version = _recipient_for(user, pk).campaign.version
    if not version.file:
        raise Http404
    return FileResponse(
        version.file.open("rb"), as_attachment=True, filename=version.file.name.rsplit("/", 1)[-1]
    )
