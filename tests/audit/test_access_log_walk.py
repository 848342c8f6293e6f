"""Every URL and API route is classified as child-bearing or not (the registry below, next to the
test); each child-bearing one is requested, with a demo council's data (built through the real
importers and services), as someone allowed to see it, and the access log must hold one row per
child shown, written by that response; each page about one child's record is also asked for by
someone who may not see it, and the refusal must be logged naming the child (docs/access.md).

A new route fails ``test_every_route_is_classified`` until it is added to CHILD_BEARING (with a
visit) or to NOT_CHILD_BEARING (with the reason it shows no child's record). There is no third
"not yet walked" list: a child-bearing route is walked here, or in WALKED_ELSEWHERE by a test that
asserts its rows.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import pytest
import time_machine
from django.db import transaction
from django.db.models import Model
from django.test import Client, override_settings
from django.urls import reverse

from rollcall.accounts.models import Membership, User
from rollcall.admissions.models import Application, FairAccessReferral, PutOnRollRequest
from rollcall.attendance.models import PupilMarks
from rollcall.audit.models import RecordView
from rollcall.casework.merging import children_merge
from rollcall.casework.models import Case, ChildMerge
from rollcall.dataprotection.models import SubjectAccessRequest
from rollcall.dataprotection.services import subject_access_record
from rollcall.demo.council import demo_build
from rollcall.exclusions.models import Consideration, Exclusion, SupportMeeting
from rollcall.health.models import HealthReport, NamedContact, ProvisionReferral
from rollcall.homeeducation import notinschool
from rollcall.homeeducation import services as ehe_services
from rollcall.homeeducation.models import EHERecord, InformationRequest, PartTimeArrangement, SAONotice
from rollcall.people.models import Carer, Child, PossibleDuplicate
from rollcall.returns.claims import Pupil
from rollcall.returns.models import SchoolReturn
from rollcall.returns.removals import Removal, removal_notify
from rollcall.rules.workflow import Role
from rollcall.schools.models import RemovalNotice, RollEntry, School
from rollcall.transfers import services as transfer_services
from rollcall.transfers.models import IncomingTransfer, PartnerCouncil, Transfer
from tests import factories
from tests.test_urls import ROUTES

# Child-bearing, but walked by another test because the demo council has no data for them.
WALKED_ELSEWHERE: dict[str, str] = {
    "rolls:school": "deletion returns missing after a roll load: tests/rolls/test_roll_pages.py",
}

# Routes that never show a child's record, and why.
NOT_CHILD_BEARING: dict[str, str] = {
    "home": "the start page: counts and links",
    "accounts:sign-in": "sign-in",
    "accounts:sign-out": "sign-out",
    "operations:healthz": "monitoring, no personal data",
    "operations:readyz": "monitoring, no personal data",
    "operations:metrics": "monitoring, no personal data",
    "api:schema": "the OpenAPI schema",
    "audit:log": "the access log itself: reading it is not logged, or each read would add rows to what is read",
    "notify:inbox": "messages carry no personal facts (rollcall.notify)",
    "notify:message": "messages carry no personal facts (rollcall.notify)",
    "children:break-glass": "the reason form: shows nothing of the child, for any number",
    "children:break-glass-report": "break-the-glass accesses: child ids, no record",
    "children:break-glass-csv": "break-the-glass accesses: child ids, no record",
    "schools:school": "a school's details and counts",
    "returns:claims": "references, schools and reasons; the child is on the claim page",
    "returns:watch": "refused claims by reference; no child's details",
    "returns:by-school": "counts of returns owed per school; no child named",
    "returns:removal-new": "a blank form for the school's own notice",
    "returns:new-pupil": "a blank form for the school's own notice",
    "returns:attendance-return": "a blank form for the school's own return",
    "attendance:imports": "files uploaded, no child's details",
    "attendance:import": "an upload's progress and its file's line errors, no council record",
    "attendance:import-new": "a blank upload form",
    "attendance:absence": "rates by school, no child",
    "reports:index": "the list of reports",
    "reports:dashboard": "aggregate figures, no child named",
    "actionplans:list": "action plans hold no child's data (services, not children)",
    "actionplans:complaint-new": "action plans hold no child's data",
    "actionplans:complaint": "action plans hold no child's data",
    "actionplans:complaint-edit": "action plans hold no child's data",
    "actionplans:action-new": "action plans hold no child's data",
    "actionplans:action": "action plans hold no child's data",
    "actionplans:action-edit": "action plans hold no child's data",
    "actionplans:update-add": "action plans hold no child's data",
    "actionplans:evidence-add": "action plans hold no child's data",
    "actionplans:evidence-file": "action plans hold no child's data",
    "actionplans:overdue": "action plans hold no child's data",
    "actionplans:scrutiny": "action plans hold no child's data",
    "actionplans:scrutiny-pdf": "action plans hold no child's data",
    "actionplans:scrutiny-xlsx": "action plans hold no child's data",
    "policies:list": "policies are documents for staff and schools",
    "policies:new": "policies are documents",
    "policies:policy": "policies are documents",
    "policies:edit": "policies are documents",
    "policies:version-new": "policies are documents",
    "policies:version": "policies are documents",
    "policies:version-file": "policies are documents",
    "policies:version-publish": "policies are documents",
    "policies:campaign-new": "policies are documents",
    "policies:campaign": "acknowledgements by schools and staff",
    "policies:campaign-csv": "acknowledgements by schools and staff",
    "policies:acknowledge-list": "policies are documents",
    "policies:acknowledge-read": "policies are documents",
    "policies:acknowledge": "policies are documents",
    "policies:acknowledge-file": "policies are documents",
    "policies:published": "public policies",
    "policies:published-detail": "public policies",
    "policies:published-file": "public policies",
    "api:policy": "policies are documents",
    "api:attendance-imports": "files uploaded, no child's details",
    "api:attendance-import": "an upload's progress, no council record",
    "api:new-pupils": "POST only: the school's own notice",
    "api:attendance-returns": "POST only: the school's own return",
    "api:school-roll": "PUT only: the school's own roll",
    "api:penalty-consideration-decide": "POST only: a decision (refusals logged: REFUSED_POSTS below)",
    "api:admissions-request-confirm": "POST only: the school's answer (refusals logged: REFUSED_POSTS)",
    "admissions:api_request_confirm": "POST only: the school's answer, old address (REFUSED_POSTS)",
    "api:ehe-notifications": "POST only: a parent's notification, answered with its reference only",
    "api:exclusion-steps": "POST only: a step of the board and review route (REFUSED_POSTS)",
    "exclusions:support-meetings": "schools and their meetings' dates, no child",
    "admissions:application_new": "a blank form",
    "admissions:fair_access_new": "a blank form",
    "health:report-new": "a blank form",
    "health:sen-panel-new": "a blank form",
    "exclusions:exclusion-new": "a blank form",
    "homeeducation:new": "a blank form",
    "homeeducation:notify": "the public form: shows nothing the council holds",
    "homeeducation:notifications": "parents' notifications to check: what a parent sent, no council record",
    "homeeducation:notification": "a parent's notification: what the parent sent, no council record",
    "admissions:waiting_new": "POST only (a 403/404 is logged as refused by child_record)",
    "health:provision-started": "POST only (a 403/404 is logged as refused by child_record)",
    "casework:task-complete": "POST only (its refusals are logged: tests/casework/test_permissions.py)",
    "accounts:sso-start": "single sign-on: starts the provider's sign-in",
    "accounts:sso-callback": "single sign-on: the provider's answer",
    "accounts:two-factor": "the person's own two-factor settings",
    "accounts:two-factor-enrol": "setting up an authenticator app",
    "accounts:two-factor-verify": "the code page",
    "accounts:confirm-identity": "the password again before a download",
    "accounts:lockouts": "locked sign-ins: usernames and addresses",
    "api-tokens:list": "API tokens: names, owners, scopes",
    "api-tokens:revoke": "POST only: revoking a token",
    "api:transfer-messages": "POST only: a partner council's signed message (no session)",
    "notify:notify-delivery-status": "POST only: GOV.UK Notify's delivery receipt (no session)",
    "notify:notify-returned-letter": "POST only: GOV.UK Notify's returned letter (no session)",
    "dataprotection:retention": "the retention report: counts by record type",
    "dataprotection:subject-access": "the form to start a request (child chosen by number)",
    "exclusions:penalty-request": "a school's form asking about its own pupil",
    "homeeducation:letter-post": "POST only: posting a served letter through Notify",
    "homeeducation:arrangement-new": "a blank form",
    "homeeducation:letter-templates": "letter templates: wording with placeholders",
    "homeeducation:letter-template": "a letter template, previewed with invented details",
    "rolls:upload": "a blank upload form",
    "rolls:import": "a roll file's progress, counts and line errors",
    "rolls:import-progress": "a roll file's progress (JSON)",
    "transfers:partners": "partner councils and their public keys",
}

# POST-only API routes about one child's record: a refused attempt is logged naming the child.
REFUSED_POSTS: dict[str, Callable[[], tuple[str, int]]] = {
    "api:exclusion-steps": lambda: (
        reverse("api:exclusion-steps", args=[first(Exclusion).pk]),
        first(Exclusion).child_id,
    ),
    "api:penalty-consideration-decide": lambda: (
        reverse("api:penalty-consideration-decide", args=[first(Consideration).pk]),
        first(Consideration).child_id,
    ),
    "api:admissions-request-confirm": lambda: (
        reverse("api:admissions-request-confirm", args=[first(PutOnRollRequest).pk]),
        first(PutOnRollRequest).child_id,
    ),
    "admissions:api_request_confirm": lambda: (
        reverse("admissions:api_request_confirm", args=[first(PutOnRollRequest).pk]),
        first(PutOnRollRequest).child_id,
    ),
}


@dataclass(frozen=True)
class Visit:
    """How to request a child-bearing route: as whom, at which address (from the demo's data),
    and, for a page about one record, which children it is about."""

    who: Callable[[], User]
    url: Callable[[], str]
    about: Callable[[], set[int]] | None = None
    settings: dict[str, Any] | None = None  # settings the route needs (a register behind a switch)


def user(username: str) -> Callable[[], User]:
    return lambda: User.objects.get(username=username)


M = TypeVar("M", bound=Model)


def first(model: type[M], **filters: Any) -> M:
    found = model._default_manager.filter(**filters).order_by("pk").first()
    assert found is not None, f"the demo council has no {model.__name__} matching {filters}"
    return found


def school_user_of(school: School) -> User:
    membership = (
        Membership.objects.filter(school=school, role=Role.SCHOOL.value).select_related("user").first()
    )
    if membership is None:
        return factories.school_user(school)
    return membership.user


def _cme_case() -> Case:
    return first(Case, kind="cme", closed_at__isnull=True, team__kind="inclusion")


def _health_case() -> Case:
    return first(Case, kind="health", closed_at__isnull=True)


def officer_of(case: Callable[[], Case]) -> Callable[[], User]:
    """An officer of the team that owns the case."""
    return lambda: first(Membership, team_id=case().team_id, role=Role.OFFICER.value).user


def _case_page(name: str, case: Callable[[], Case], who: str, **extra: Any) -> Visit:
    return Visit(
        user(who),
        lambda: reverse(name, kwargs={"pk": case().pk, **extra}),
        lambda: {case().child_id},
    )


def _case_page_kw(name: str) -> Visit:
    """A health page addressed by its case (``case_pk``)."""
    return Visit(
        officer_of(_health_case),
        lambda: reverse(name, kwargs={"case_pk": _health_case().pk}),
        lambda: {_health_case().child_id},
    )


def _pair() -> PossibleDuplicate:
    return first(PossibleDuplicate, status=PossibleDuplicate.Status.OPEN)


def _merge() -> ChildMerge:
    return first(ChildMerge, undone_at__isnull=True)


def _put() -> PutOnRollRequest:
    return first(PutOnRollRequest)


def _joined_this_year() -> RollEntry:
    """A pupil entered on a roll this academic year (not in the September reception intake)."""
    return first(RollEntry, on_roll_from__gte=dt.date(2026, 10, 1))


def _notice() -> RemovalNotice:
    return first(RemovalNotice, child__isnull=False)


def _notice_return() -> SchoolReturn:
    return first(SchoolReturn, kind=SchoolReturn.Kind.REMOVAL, removal_notice__child__isnull=False)


def _claim() -> SchoolReturn:
    return first(SchoolReturn, status=SchoolReturn.Status.TO_CONFIRM, child__isnull=False)


def _report_row() -> HealthReport:
    return first(HealthReport, case__isnull=False)


def _absent_school() -> School:
    return first(PupilMarks, persistent=True).school


def _exclusion() -> Exclusion:
    return first(Exclusion, child__isnull=False)


def _support_meeting() -> SupportMeeting:
    return first(SupportMeeting, school=_absent_school(), academic_year=2026, term="autumn")


def _ehe() -> EHERecord:
    return first(EHERecord)


def _letter() -> SAONotice:
    return first(SAONotice)


def _ehe_page(name: str, **extra: Any) -> Visit:
    return Visit(
        user("ehe.officer"),
        lambda: reverse(name, kwargs={"pk": _ehe().pk, **extra}),
        lambda: {_ehe().child_id},
    )


def _carer() -> Carer:
    return first(Carer, child_id=_cme_case().child_id, email__gt="")


def _carer_page(name: str) -> Visit:
    return Visit(
        user("inclusion.officer"),
        lambda: reverse(name, kwargs={"pk": _cme_case().pk, "carer_pk": _carer().pk}),
        lambda: {_cme_case().child_id},
    )


def _transfer() -> Transfer:
    return first(Transfer, status=Transfer.Status.LETTER_SENT)


def _transfer_page(name: str) -> Visit:
    return Visit(
        lambda: _transfer().sent_by,
        lambda: reverse(name, args=[_transfer().pk]),
        lambda: {_transfer().child_id},
    )


def _incoming() -> IncomingTransfer:
    return first(IncomingTransfer, case__isnull=False)


def _subject_access() -> SubjectAccessRequest:
    return first(SubjectAccessRequest)


def _subject_access_page(name: str) -> Visit:
    return Visit(
        user("admin"),
        lambda: reverse(name, args=[_subject_access().pk]),
        lambda: {_subject_access().child_id},
    )


def _arrangement_page(name: str) -> Visit:
    return Visit(
        user("ehe.officer"),
        lambda: reverse(name, args=[first(PartTimeArrangement).pk]),
        lambda: {first(PartTimeArrangement).child_id},
    )


def _report(slug: str, kind: str) -> Visit:
    def url() -> str:
        if kind == "page":
            return reverse("reports:report", args=[slug])
        if kind == "csv":
            return reverse("reports:report-csv", args=[slug, "cases"])
        return reverse(f"reports:report-{kind}", args=[slug])

    return Visit(user("head.of.service"), url)


CHILD_BEARING: dict[str, Visit] = {
    # children and cases
    "children:search": Visit(
        user("head.of.service"),
        lambda: reverse("children:search") + f"?surname={_cme_case().child.legal_surname}",
    ),
    "children:child": Visit(
        user("inclusion.officer"),
        lambda: reverse("children:child", args=[_cme_case().child_id]),
        lambda: {_cme_case().child_id},
    ),
    "children:duplicates": Visit(user("admin"), lambda: reverse("children:duplicates")),
    "children:duplicate": Visit(
        user("admin"),
        lambda: reverse("children:duplicate", args=[_pair().pk]),
        lambda: {_pair().child_id, _pair().other_id},
    ),
    "children:duplicate-merge": Visit(
        user("admin"),
        lambda: reverse("children:duplicate-merge", args=[_pair().pk]),
        lambda: {_pair().child_id, _pair().other_id},
    ),
    "children:merge-undo": Visit(
        user("admin"),
        lambda: reverse("children:merge-undo", args=[_merge().pk]),
        lambda: {_merge().survivor_id, _merge().absorbed_id},
    ),
    "casework:caseload": Visit(user("inclusion.officer"), lambda: reverse("casework:caseload")),
    "casework:case": _case_page("casework:case", _cme_case, "inclusion.officer"),
    "casework:enquiry-record": _case_page("casework:enquiry-record", _cme_case, "inclusion.officer"),
    "casework:note-add": _case_page("casework:note-add", _cme_case, "inclusion.officer"),
    "casework:task-add": _case_page("casework:task-add", _cme_case, "inclusion.officer"),
    "casework:case-assign": _case_page("casework:case-assign", _cme_case, "inclusion.manager"),
    "casework:case-move": Visit(
        user("inclusion.officer"),
        lambda: reverse(
            "casework:case-move",
            args=[_cme_case().pk, _cme_case().workflow.allowed(_cme_case().status, Role.OFFICER)[0].target],
        ),
        lambda: {_cme_case().child_id},
    ),
    "casework:carer-contact": _carer_page("casework:carer-contact"),
    "casework:carer-message": _carer_page("casework:carer-message"),
    # moves between councils
    "transfers:list": Visit(user("inclusion.officer"), lambda: reverse("transfers:list")),
    "transfers:incoming": Visit(
        user("inclusion.officer"),
        lambda: reverse("transfers:incoming", args=[_incoming().pk]),
        lambda: {int(_incoming().case.child_id)},  # type: ignore[union-attr]
    ),
    "transfers:send": Visit(
        user("inclusion.officer"),
        lambda: reverse("transfers:send", args=[_cme_case().pk]),
        lambda: {_cme_case().child_id},
    ),
    "transfers:withdraw": _transfer_page("transfers:withdraw"),
    "transfers:letter": _transfer_page("transfers:letter"),
    "transfers:ctf": _transfer_page("transfers:ctf"),
    # subject access
    "dataprotection:subject-access-detail": _subject_access_page("dataprotection:subject-access-detail"),
    "dataprotection:subject-access-pdf": _subject_access_page("dataprotection:subject-access-pdf"),
    "dataprotection:subject-access-zip": _subject_access_page("dataprotection:subject-access-zip"),
    # the API
    "api:cases": Visit(user("inclusion.officer"), lambda: reverse("api:cases")),
    "api:case": Visit(
        user("inclusion.officer"),
        lambda: reverse("api:case", args=[_cme_case().pk]),
        lambda: {_cme_case().child_id},
    ),
    "api:child": Visit(
        user("inclusion.officer"),
        lambda: reverse("api:child", args=[_cme_case().child_id]),
        lambda: {_cme_case().child_id},
    ),
    "api:removals": Visit(user("inclusion.officer"), lambda: reverse("api:removals")),
    "api:returns": Visit(lambda: school_user_of(_notice().school), lambda: reverse("api:returns")),
    "api:admissions-requests": Visit(
        lambda: school_user_of(_put().school), lambda: reverse("api:admissions-requests")
    ),
    "admissions:api_requests": Visit(
        lambda: school_user_of(_put().school), lambda: reverse("admissions:api_requests")
    ),
    "api:exclusions": Visit(user("access.officer"), lambda: reverse("api:exclusions")),
    "api:penalty-considerations": Visit(
        user("access.officer"), lambda: reverse("api:penalty-considerations")
    ),
    "api:ehe-records": Visit(user("ehe.officer"), lambda: reverse("api:ehe-records")),
    "api:ehe-record": Visit(
        user("ehe.officer"),
        lambda: reverse("api:ehe-record", args=[_ehe().pk]),
        lambda: {_ehe().child_id},
    ),
    # schools
    "schools:portal": Visit(lambda: school_user_of(_notice().school), lambda: reverse("schools:portal")),
    "returns:removal-done": Visit(
        lambda: school_user_of(_notice_return().school),
        lambda: reverse("returns:removal-done", args=[_notice_return().pk]),
        lambda: {int(_notice_return().child_id or 0)},
    ),
    "returns:school-returns": Visit(
        user("inclusion.officer"),
        lambda: reverse("returns:school-returns", args=[_joined_this_year().school.urn]) + "?period=year",
    ),
    "returns:owed": Visit(
        lambda: school_user_of(_joined_this_year().school), lambda: reverse("returns:owed") + "?period=year"
    ),
    "returns:claim": Visit(
        lambda: first(Membership, team_id=_claim().team_id, role=Role.OFFICER.value).user,
        lambda: reverse("returns:claim", args=[_claim().pk]),
        lambda: {int(_claim().child_id or 0)},
    ),
    # admissions
    "admissions:checkoff": Visit(user("admissions.officer"), lambda: reverse("admissions:checkoff")),
    "admissions:checkoff_csv": Visit(user("admissions.officer"), lambda: reverse("admissions:checkoff_csv")),
    "admissions:checkoff_xlsx": Visit(
        user("admissions.officer"), lambda: reverse("admissions:checkoff_xlsx")
    ),
    "admissions:application": Visit(
        user("admissions.officer"),
        lambda: reverse("admissions:application", args=[first(Application).pk]),
        lambda: {first(Application).child_id},
    ),
    "admissions:offer_new": Visit(
        user("admissions.officer"),
        lambda: reverse("admissions:offer_new", args=[first(Application).pk]),
        lambda: {first(Application).child_id},
    ),
    "admissions:request_print": Visit(
        user("admissions.officer"),
        lambda: reverse("admissions:request_print", args=[_put().pk]),
        lambda: {_put().child_id},
    ),
    "admissions:letter_print": Visit(
        user("admissions.officer"),
        lambda: reverse("admissions:letter_print", args=[_put().pk]),
        lambda: {_put().child_id},
    ),
    "admissions:contact_new": Visit(
        user("admissions.officer"),
        lambda: reverse("admissions:contact_new", args=[_put().pk]),
        lambda: {_put().child_id},
    ),
    "admissions:school_list": Visit(
        lambda: school_user_of(_put().school), lambda: reverse("admissions:school_list")
    ),
    "admissions:school_request": Visit(
        lambda: school_user_of(_put().school),
        lambda: reverse("admissions:school_request", args=[_put().pk]),
        lambda: {_put().child_id},
    ),
    "admissions:fair_access": Visit(user("admissions.officer"), lambda: reverse("admissions:fair_access")),
    "admissions:fair_access_detail": Visit(
        user("admissions.officer"),
        lambda: reverse("admissions:fair_access_detail", args=[first(FairAccessReferral).pk]),
        lambda: {first(FairAccessReferral).child_id},
    ),
    "admissions:waiting": Visit(user("admissions.officer"), lambda: reverse("admissions:waiting")),
    "admissions:deferred": Visit(user("admissions.officer"), lambda: reverse("admissions:deferred")),
    # health
    "health:report-done": Visit(
        officer_of(lambda: first(Case, health_reports=_report_row())),
        lambda: reverse("health:report-done", args=[_report_row().pk]),
        lambda: {_report_row().child_id},
    ),
    "health:referral-new": _case_page_kw("health:referral-new"),
    "health:contact-change": _case_page_kw("health:contact-change"),
    "health:checkin-new": _case_page_kw("health:checkin-new"),
    "health:reintegration-new": _case_page_kw("health:reintegration-new"),
    "health:referral": Visit(
        officer_of(lambda: first(ProvisionReferral).case),
        lambda: reverse("health:referral", args=[first(ProvisionReferral).pk]),
        lambda: {first(ProvisionReferral).child_id},
    ),
    "health:referral-pdf": Visit(
        officer_of(lambda: first(ProvisionReferral).case),
        lambda: reverse("health:referral-pdf", args=[first(ProvisionReferral).pk]),
        lambda: {first(ProvisionReferral).child_id},
    ),
    "health:letter": Visit(
        officer_of(lambda: first(NamedContact).case),
        lambda: reverse("health:letter", args=[first(NamedContact).pk]),
        lambda: {first(NamedContact).case.child_id},
    ),
    "health:sen-panel": Visit(user("sen.officer"), lambda: reverse("health:sen-panel") + "?panel_date="),
    # attendance
    "attendance:absence-pupils": Visit(user("head.of.service"), lambda: reverse("attendance:absence-pupils")),
    "attendance:absence-school": Visit(
        user("head.of.service"),
        lambda: reverse("attendance:absence-school", args=[_absent_school().pk]),
    ),
    "attendance:possibly-left": Visit(user("head.of.service"), lambda: reverse("attendance:possibly-left")),
    # reports that name children
    "reports:report": _report("exceptions", "page"),
    "reports:report-xlsx": _report("exceptions", "xlsx"),
    "reports:report-pdf": _report("exceptions", "pdf"),
    "reports:report-csv": _report("exceptions", "csv"),
    # exclusions
    "exclusions:exclusions": Visit(user("access.officer"), lambda: reverse("exclusions:exclusions")),
    "exclusions:exclusion": Visit(
        user("access.officer"),
        lambda: reverse("exclusions:exclusion", args=[_exclusion().pk]),
        lambda: {_exclusion().child_id},
    ),
    "exclusions:considerations": Visit(user("access.officer"), lambda: reverse("exclusions:considerations")),
    "exclusions:consideration": Visit(
        user("access.officer"),
        lambda: reverse("exclusions:consideration", args=[first(Consideration).pk]),
        lambda: {first(Consideration).child_id},
    ),
    # one school's list of absent pupils, logged as a list (log_shown), not one child's record
    "exclusions:support-meeting": Visit(
        user("access.officer"), lambda: reverse("exclusions:support-meeting", args=[_support_meeting().pk])
    ),
    # home education
    "homeeducation:list": Visit(user("ehe.officer"), lambda: reverse("homeeducation:list")),
    "homeeducation:education": _ehe_page("homeeducation:education"),
    "homeeducation:contact-new": _ehe_page("homeeducation:contact-new"),
    "homeeducation:evidence-new": _ehe_page("homeeducation:evidence-new"),
    "homeeducation:judgement": _ehe_page("homeeducation:judgement"),
    "homeeducation:consent": _ehe_page("homeeducation:consent"),
    "homeeducation:notice-new": _ehe_page("homeeducation:notice-new", step="preliminary_notice"),
    "homeeducation:prosecution": Visit(
        user("ehe.manager"),
        lambda: reverse("homeeducation:prosecution", args=[_ehe().pk]),
        lambda: {_ehe().child_id},
    ),
    "homeeducation:letter": Visit(
        user("ehe.officer"),
        lambda: reverse("homeeducation:letter", args=[_letter().pk]),
        lambda: {_letter().record.child_id},
    ),
    "homeeducation:letter-pdf": Visit(
        user("ehe.officer"),
        lambda: reverse("homeeducation:letter-pdf", args=[_letter().pk]),
        lambda: {_letter().record.child_id},
    ),
    "homeeducation:arrangements": Visit(user("ehe.officer"), lambda: reverse("homeeducation:arrangements")),
    "homeeducation:arrangement": _arrangement_page("homeeducation:arrangement"),
    "homeeducation:arrangement-end": _arrangement_page("homeeducation:arrangement-end"),
    "homeeducation:arrangement-request-new": _arrangement_page("homeeducation:arrangement-request-new"),
    "homeeducation:request-new": _ehe_page("homeeducation:request-new"),
    "homeeducation:requests": Visit(user("ehe.officer"), lambda: reverse("homeeducation:requests")),
    "homeeducation:request-answer": Visit(
        user("ehe.officer"),
        lambda: reverse("homeeducation:request-answer", args=[first(InformationRequest).pk]),
        lambda: {first(InformationRequest).child_id},
    ),
    "homeeducation:register": Visit(
        user("ehe.officer"),
        lambda: reverse("homeeducation:register"),
        settings={"CHILDREN_NOT_IN_SCHOOL_REGISTER": True},
    ),
    "homeeducation:register-csv": Visit(
        user("ehe.officer"),
        lambda: reverse("homeeducation:register-csv"),
        settings={"CHILDREN_NOT_IN_SCHOOL_REGISTER": True},
    ),
    "homeeducation:register-xlsx": Visit(
        user("ehe.officer"),
        lambda: reverse("homeeducation:register-xlsx"),
        settings={"CHILDREN_NOT_IN_SCHOOL_REGISTER": True},
    ),
}


@pytest.fixture(scope="module")
def demo_council(django_db_setup: None, django_db_blocker: Any) -> Iterator[None]:
    """A small demo council built through the real importers and services, plus what the demo
    does not make (a possible duplicate, a merge, an exclusion, a penalty-notice consideration,
    a home-education record with a served notice), rolled back after the module."""
    with (
        django_db_blocker.unblock(),
        time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC), tick=False),
        transaction.atomic(),
    ):
        demo_build(children=120, seed=7)
        _extras()
        yield
        transaction.set_rollback(True)


def _extras() -> None:
    admin = User.objects.get(username="admin")
    a, b, c, d = (factories.ChildFactory.create(legal_surname=f"Walker{n}") for n in "abcd")
    for child in (a, b, c, d):
        factories.RollEntryFactory.create(child=child, school=first(School, status_name="Open"))
    PossibleDuplicate.objects.create(child=a, other=b, reason="Same name and date of birth")
    children_merge(survivor=c, absorbed=d, actor=admin, reason="Same child, two records")
    # An exclusion, notified by the pupil's own school through the page, as schools do.
    entry = (
        RollEntry.objects.filter(on_roll_to__isnull=True, child__upn__isnull=False)
        .select_related("child", "school")
        .first()
    )
    assert entry is not None
    child = entry.child
    client = Client()
    client.force_login(school_user_of(entry.school))
    response = client.post(
        reverse("exclusions:exclusion-new"),
        {
            "kind": "permanent",
            "first_day_0": "16",
            "first_day_1": "11",
            "first_day_2": "2026",
            "days": "",
            "reason": "Serious assault",
            "first_name": child.legal_forename,
            "last_name": child.legal_surname,
            "date_of_birth_0": str(child.date_of_birth.day),
            "date_of_birth_1": str(child.date_of_birth.month),
            "date_of_birth_2": str(child.date_of_birth.year),
            "upn": child.upn or "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    Consideration.objects.create(
        child=child,
        academic_year=2026,
        term="autumn",
        reached_on=dt.date(2026, 11, 13),
        sessions=10,
        window_start=dt.date(2026, 9, 2),
        created_at=dt.datetime(2026, 11, 16, 2, tzinfo=dt.UTC),
    )
    SupportMeeting.objects.get_or_create(
        school=_absent_school(),
        academic_year=2026,
        term="autumn",
        defaults={"due": dt.date(2026, 12, 31), "created_at": dt.datetime(2026, 11, 16, 2, tzinfo=dt.UTC)},
    )
    officer = User.objects.get(username="ehe.officer")
    record = ehe_services.record_open(child=factories.ChildFactory.create(), actor=officer)
    ehe_services.contact_record(record=record, actor=officer, made_on=dt.date(2026, 11, 16), method="phone")
    ehe_services.suitability_judge(
        record=record, actor=officer, judgement="no_information", reasons="No reply"
    )
    client.force_login(officer)
    client.post(
        reverse("homeeducation:notice-new", args=[record.pk, "preliminary_notice"]),
        {
            "served_on_0": "16",
            "served_on_1": "11",
            "served_on_2": "2026",
            "method": "hand",
            "reason": "We have had no reply to our letters.",
        },
    )
    assert SAONotice.objects.exists()
    # A pupil educated elsewhere part of the week, and a request to the home educator's parent.
    notinschool.arrangement_record(
        actor=officer,
        school=entry.school,
        child=child,
        facts=notinschool.ArrangementFacts(
            kind="flexi",
            sessions_elsewhere=4,
            provider="The parents",
            provider_type="parents",
            starts_on=dt.date(2026, 11, 2),
        ),
    )
    notinschool.information_request(
        actor=officer,
        recipient="parent",
        addressed_to="A parent",
        asked_for="The register information",
        sent_on=dt.date(2026, 11, 16),
        record=record,
    )
    # A school's removal notice about a child on another school's roll: a claim to check.
    other = (
        RollEntry.objects.filter(on_roll_to__isnull=True)
        .exclude(school=entry.school)
        .select_related("child")
        .first()
    )
    assert other is not None
    removal_notify(
        school=entry.school,
        actor=school_user_of(entry.school),
        pupil=Pupil(
            forename=other.child.legal_forename,
            surname=other.child.legal_surname,
            date_of_birth=other.child.date_of_birth,
            upn=other.child.upn,
        ),
        removal=Removal(removal_date=dt.date(2026, 11, 13), ground="g", reason_details="Moved"),
        idempotency_key="walk-claim",
    )
    assert SchoolReturn.objects.filter(status=SchoolReturn.Status.TO_CONFIRM, child__isnull=False).exists()
    _transfer_extras(admin)


def _transfer_extras(admin: User) -> None:
    """A carer with an e-mail address on the walked case; a move to a council without Roll Call
    (letter and CTF) from another open case; a transfer from a partner council, accepted; and a
    subject access request."""
    factories.CarerFactory.create(child=_cme_case().child, email="carer@example.org")
    case = (
        Case.objects.filter(kind="cme", closed_at__isnull=True, team__kind="inclusion", owner__isnull=False)
        .exclude(pk=_cme_case().pk)
        .order_by("pk")
        .first()
    )
    assert case is not None
    assert case.owner is not None
    sent = transfer_services.transfer_send(
        case=case,
        actor=case.owner,
        to_la_code="857",
        new_address=transfer_services.NewAddress(line_1="4 Canal Row", town="Oakham", postcode="LE15 6AA"),
    )
    # What a partner council's signed message files (transfers/services.message_receive): the
    # same payload as the one just sent, about a child who moved into this council's area.
    partner = PartnerCouncil.objects.create(
        la_code="856",
        name="Leicester",
        api_url="http://127.0.0.1:9",  # nothing listens: the acknowledgement waits for the sweep
        public_key="MCowBQYDK2VwAyEA" + "A" * 28,
        added_by=admin,
        added_at=dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC),
    )
    payload = {**sent.payload, "transfer_id": "6f1c3a52-8d0e-4c55-9a36-3f1a0f3f2b11"}
    payload["child"] = {**payload["child"], "legal_surname": "Incomer", "upn": ""}
    incoming = IncomingTransfer.objects.create(
        partner=partner,
        transfer_id=payload["transfer_id"],
        payload=payload,
        child_name=f"{payload['child']['legal_forename']} Incomer",
        received_at=dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC),
    )
    transfer_services.incoming_accept(incoming=incoming, actor=User.objects.get(username="inclusion.officer"))
    subject_access_record(child=_cme_case().child, by=admin, reference="SAR-1")


def test_every_route_is_classified() -> None:
    names = {name for _route, name in ROUTES}
    classified = set(CHILD_BEARING) | set(NOT_CHILD_BEARING) | set(WALKED_ELSEWHERE)
    unclassified = names - classified
    assert not unclassified, f"classify these routes in {__file__}: {sorted(unclassified)}"
    total = len(CHILD_BEARING) + len(NOT_CHILD_BEARING) + len(WALKED_ELSEWHERE)
    assert total == len(classified), "a route is classified twice"
    stale = classified - names
    assert not stale, f"these routes no longer exist: {sorted(stale)}"


def test_every_child_bearing_view_carries_the_logging() -> None:
    """A page about one record is wrapped by audit.services.child_record (refusals logged)."""
    from django.urls import get_resolver

    about_one = {name for name, visit in CHILD_BEARING.items() if visit.about is not None}
    found: dict[str, Any] = {}

    def walk(patterns: Any, namespace: str = "") -> None:
        for p in patterns:
            if hasattr(p, "url_patterns"):
                walk(p.url_patterns, p.namespace or namespace)
            elif p.name:
                found[f"{namespace}:{p.name}" if namespace else p.name] = p.callback

    walk(get_resolver().url_patterns)
    missing = sorted(n for n in about_one if not _wrapped(found[n]))
    assert not missing, f"not wrapped by child_record: {missing}"


def _wrapped(view: Any) -> bool:
    while view is not None:
        if getattr(view, "logs_child_access", False):
            return True
        view = getattr(view, "__wrapped__", None)
    return False


def _text(response: Any) -> str | None:
    kind = response.get("Content-Type", "")
    if kind.startswith(("text/html", "text/csv", "application/json")):
        return (
            b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()
        )
    return None


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_council")
@pytest.mark.parametrize("name", sorted(CHILD_BEARING))
def test_a_child_bearing_route_logs_each_child_it_shows(name: str) -> None:
    visit = CHILD_BEARING[name]
    who = visit.who()
    url = visit.url()
    client = Client()
    client.force_login(who)
    before = RecordView.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    with (
        # Within the idle timeout of the sign-in, made at the demo's 10:00 (demo_council).
        time_machine.travel(dt.datetime(2026, 11, 16, 10, 15, tzinfo=dt.UTC), tick=False),
        override_settings(**(visit.settings or {})),
    ):
        response = client.get(url)

    assert response.status_code == 200, f"{name} {url}: {response.status_code}"
    rows = list(RecordView.objects.filter(pk__gt=before).values_list("user", "child", "outcome", "path"))
    assert rows, f"{name}: nothing logged"
    assert {(u, o, p) for u, _c, o, p in rows} == {(who.pk, RecordView.Outcome.SHOWN, url)}
    logged = [c for _u, c, _o, _p in rows]
    assert len(logged) == len(set(logged)), f"{name}: a child logged twice for one response"
    if visit.about is not None:
        assert set(logged) == visit.about()
    text = _text(response)
    if text is not None and visit.about is None:
        # Each child logged is on the page or in the file (by legal or preferred family name).
        # An API answer may name the child by id only ("child": 45).
        names = dict(Child.objects.filter(pk__in=logged).values_list("pk", "legal_surname"))
        missing = [
            pk
            for pk, surname in names.items()
            if surname not in text and not re.search(rf'"child":\s*{pk}\b', text)
        ]
        assert not missing, f"{name}: logged children not shown: {missing}"


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_council")
@pytest.mark.parametrize("name", sorted(n for n, v in CHILD_BEARING.items() if v.about is not None))
def test_a_refused_attempt_on_a_childs_record_is_logged(name: str) -> None:
    visit = CHILD_BEARING[name]
    url = visit.url()
    about = visit.about() if visit.about else set()
    stranger = factories.school_user(factories.SchoolFactory.create(), username=f"stranger-{name}")
    client = Client()
    client.force_login(stranger)
    before = RecordView.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = client.get(url)

    assert response.status_code in {403, 404}, f"{name} {url}: {response.status_code}"
    rows = list(RecordView.objects.filter(pk__gt=before).values_list("user", "child", "outcome", "path"))
    assert sorted(rows) == sorted((stranger.pk, c, RecordView.Outcome.REFUSED, url) for c in about)


@pytest.mark.django_db
@pytest.mark.usefixtures("demo_council")
@pytest.mark.parametrize("name", sorted(REFUSED_POSTS))
def test_a_refused_post_about_a_childs_record_is_logged(name: str) -> None:
    url, child = REFUSED_POSTS[name]()
    stranger = factories.school_user(factories.SchoolFactory.create(), username=f"stranger-{name}")
    client = Client()
    client.force_login(stranger)
    before = RecordView.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    response = client.post(url, {"decision": "no_action", "on_roll": True}, content_type="application/json")

    assert response.status_code in {403, 404}, f"{name} {url}: {response.status_code}"
    rows = list(RecordView.objects.filter(pk__gt=before).values_list("user", "child", "outcome", "path"))
    assert rows == [(stranger.pk, child, RecordView.Outcome.REFUSED, url)]
