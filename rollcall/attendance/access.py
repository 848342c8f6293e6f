"""Who may import attendance marks and read the attendance lists (docs/attendance.md)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from rollcall.accounts.models import Team, User
from rollcall.attendance.models import AttendanceImport, PupilMarks
from rollcall.schools.models import School


class ImportRefused(Exception):
    """Raised when someone may not import (the views answer 403)."""


def can_import(user: User) -> bool:
    """School users (for their own school), and the council's Inclusion, Access to Education and
    Admissions teams (any role) and administrators (council-wide files)."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.is_school_user:
        return True
    return user.is_administrator or not user.team_kinds.isdisjoint(IMPORTING_TEAMS)


def imports_visible_to(user: User) -> QuerySet[AttendanceImport]:
    """The imports ``user`` may see: a school's own; every import for the council's importers."""
    if not can_import(user):
        return AttendanceImport.objects.none()
    school = user.school
    if school is not None:
        return AttendanceImport.objects.filter(school=school)
    return AttendanceImport.objects.all()


def get_import_for_user(user: User, pk: int) -> AttendanceImport:
    """The access helper for one import: 403 (ImportRefused) for non-importers, 404 if not theirs."""
    if not can_import(user):
        raise ImportRefused
    found = imports_visible_to(user).select_related("school", "uploaded_by").filter(pk=pk).first()
    if found is None:
        raise Http404("No such import")
    return found


# The teams whose work the lists serve: children missing education, health needs, admissions.
LIST_TEAMS = frozenset({Team.Kind.INCLUSION, Team.Kind.ACCESS, Team.Kind.ADMISSIONS})


def can_see_attendance_lists(user: User) -> bool:
    """School users (their own school), and council staff whose work needs the lists."""
    if user.is_school_user or user.is_administrator or user.is_head_of_service:
        return True
    return not user.team_kinds.isdisjoint(LIST_TEAMS)


def sees_every_school(user: User) -> bool:
    return can_see_attendance_lists(user) and not user.is_school_user


def schools_visible_to(user: User) -> QuerySet[School]:
    """The schools whose lists this user may open."""
    if not can_see_attendance_lists(user):
        return School.objects.none()
    school = user.school
    if school is not None:
        return School.objects.filter(pk=school.pk)
    return School.objects.all()


def marks_visible_to(user: User, year: int) -> QuerySet[PupilMarks]:
    records = PupilMarks.objects.filter(academic_year=year)
    if not can_see_attendance_lists(user):
        return records.none()
    school = user.school
    return records.filter(school=school) if school is not None else records


IMPORTING_TEAMS = frozenset({Team.Kind.INCLUSION, Team.Kind.ACCESS, Team.Kind.ADMISSIONS})
