"""Who may see and work home-education records (docs/access.md).

A record belongs to its "ehe" case, so the case's policy decides: the Elective Home Education
team works it, heads of service and administrators see it. Opening a record and the attendance
order route are for the EHE team and heads of service; referral for prosecution is a manager's.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from rollcall.accounts.models import Team, User
from rollcall.casework.access import can_edit_case, can_view_case, cases_visible_to
from rollcall.homeeducation.models import EHERecord, InformationRequest, PartTimeArrangement
from rollcall.rules.workflow import Role
from rollcall.schools.models import School


def is_ehe_staff(user: User) -> bool:
    """A member of the Elective Home Education team, or a head of service."""
    return (
        user.is_authenticated
        and not user.is_school_user
        and (user.is_head_of_service or Team.Kind.EHE in user.team_kinds)
    )


def can_open_record(user: User) -> bool:
    return is_ehe_staff(user)


def can_view_record(user: User, record: EHERecord) -> bool:
    return can_view_case(user, record.case)


def can_edit_record(user: User, record: EHERecord) -> bool:
    return can_edit_case(user, record.case) and record.case.is_open


def can_refer_for_prosecution(user: User) -> bool:
    """Only the council prosecutes (s.446): a manager or head of service decides."""
    return user.is_head_of_service or Team.Kind.EHE in user.team_kinds_as(Role.MANAGER)


def records_visible_to(user: User) -> QuerySet[EHERecord]:
    """Every record this user may see: lists, exports and the register use this."""
    return EHERecord.objects.filter(case__in=cases_visible_to(user))


def can_edit_letter_templates(user: User) -> bool:
    """The attendance order route's letter templates: administrators only."""
    return user.is_authenticated and not user.is_school_user and user.is_administrator


# ---- part-time arrangements and requests for the register information -------------------------


def can_see_arrangements(user: User) -> bool:
    """The EHE team and heads of service see every part-time arrangement; a school its own."""
    return is_ehe_staff(user) or (user.is_authenticated and user.is_school_user)


def can_enter_arrangement(user: User, school: School) -> bool:
    """The EHE team for any school; a school user for their own school only."""
    if is_ehe_staff(user):
        return True
    return user.is_authenticated and user.school is not None and user.school.pk == school.pk


def arrangements_visible_to(user: User) -> QuerySet[PartTimeArrangement]:
    if is_ehe_staff(user):
        return PartTimeArrangement.objects.all()
    school = user.school if user.is_authenticated else None
    if school is None:
        return PartTimeArrangement.objects.none()
    return PartTimeArrangement.objects.filter(school=school)


def can_ask_about_arrangement(user: User) -> bool:
    """Requests to a part-time arrangement's parents or provider: the EHE team only."""
    return is_ehe_staff(user)


def requests_visible_to(user: User) -> QuerySet[InformationRequest]:
    """Requests about records the user may see, and, for the EHE team, about arrangements."""
    if not is_ehe_staff(user):
        return InformationRequest.objects.none()
    return InformationRequest.objects.filter(
        Q(record__in=records_visible_to(user)) | Q(arrangement__isnull=False)
    )


def can_answer_request(user: User, request: InformationRequest) -> bool:
    if request.record is not None:
        return can_edit_record(user, request.record)
    return can_ask_about_arrangement(user)
