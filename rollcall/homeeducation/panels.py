"""The home-education sections of the case page (settings.CASE_PANELS["ehe"] and ["sao"]) and of
the child page (settings.CHILD_PANELS: the child's part-time arrangements)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.safestring import SafeString

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.casework.access import can_edit_case
from rollcall.casework.models import Case
from rollcall.homeeducation.access import arrangements_visible_to, can_refer_for_prosecution
from rollcall.homeeducation.models import EHERecord, SAONotice
from rollcall.people.models import Child


def ehe_panel(request: HttpRequest, case: Case) -> str:
    user = request.user
    record = EHERecord.objects.filter(case=case).select_related("school", "judged_by").first()
    context: dict[str, Any] = {
        "case": case,
        "record": record,
        "can_edit": isinstance(user, User) and can_edit_case(user, case) and case.is_open,
    }
    if record is not None:
        context.update(
            contacts=list(record.contacts.select_related("recorded_by")),
            evidence=list(record.evidence.all()),
            order_case=Case.objects.open().filter(child_id=case.child_id, kind="sao").first(),
            requests=list(record.information_requests.order_by("-sent_on", "-pk")),
            today=clock.today(),
        )
    return render_to_string("homeeducation/panel.html", context, request=request)


def sao_panel(request: HttpRequest, case: Case) -> str:
    user = request.user
    record = EHERecord.objects.filter(child_id=case.child_id).order_by("-pk").first()
    can_edit = isinstance(user, User) and can_edit_case(user, case) and case.is_open
    context = {
        "case": case,
        "record": record,
        "notices": list(SAONotice.objects.filter(case=case)),
        "can_edit": can_edit,
        "can_prosecute": can_edit and isinstance(user, User) and can_refer_for_prosecution(user),
    }
    return render_to_string("homeeducation/sao_panel.html", context, request=request)


def child_arrangements_panel(request: HttpRequest, child: Child) -> SafeString:
    """The child's part-time arrangements, for whoever may see them (the EHE team and heads of
    service); nothing for anyone else."""
    user = request.user
    if not isinstance(user, User):
        return SafeString("")
    arrangements = list(arrangements_visible_to(user).filter(child=child).select_related("school"))
    if not arrangements:
        return SafeString("")
    return SafeString(
        render_to_string(
            "homeeducation/child_arrangements_panel.html", {"arrangements": arrangements}, request=request
        )
    )
