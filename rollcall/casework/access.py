"""Who may see and do what to a case or a child: one policy for pages, lists, the API and exports alike.

The need-to-know matrix is in docs/access.md. In short: a case belongs to its team; members of
that team (officers and managers) see and work it; heads of service and administrators see every
case; school users see no cases at all (a school tells the council, it does not read case notes).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.casework.models import BreakGlass, Case, ChildMerge
from rollcall.people.models import Child, PossibleDuplicate
from rollcall.rules.workflow import Role
from rollcall.schools.models import RemovalNotice, RollEntry

VIEW = "view"
EDIT = "edit"


def cases_visible_to(user: User) -> QuerySet[Case]:
    """Every case this user may see: the queryset behind lists, counts and downloads."""
    cases = Case.objects.all()
    if not user.is_authenticated or user.is_school_user:
        return cases.none()
    if user.is_administrator or user.is_head_of_service:
        return cases
    return cases.filter(team_id__in=user.team_ids)


def case_role(user: User, case: Case) -> Role | None:
    """The role in which this user acts on this case, or None if they may not act on it."""
    if user.is_school_user:
        return None
    return user.best_role_in(case.team_id)


def can_view_case(user: User, case: Case) -> bool:
    if not user.is_authenticated or user.is_school_user:
        return False
    return user.is_administrator or user.is_head_of_service or case.team_id in user.team_ids


def can_edit_case(user: User, case: Case) -> bool:
    """Work on a case (notes, enquiries, tasks, moves) is for its team and heads of service.

    Administrators can see a case for audit, but do not do casework.
    """
    return case_role(user, case) is not None


def get_case_for_user(user: User, case_id: int, action: str = VIEW) -> Case:
    """Fetch a case the user may see (404 otherwise, so its existence is not disclosed)."""
    try:
        case = Case.objects.select_related("child", "team", "owner").get(pk=case_id)
    except Case.DoesNotExist:
        raise Http404("No such case") from None
    if not can_view_case(user, case):
        raise Http404("No such case")
    if action == EDIT and not can_edit_case(user, case):
        raise PermissionDenied("You cannot change this case.")
    return case


# ---- children ------------------------------------------------------------------------------------
# Heads of service and administrators: every child. Council officers and managers: children with a
# case (open or closed) owned by one of their teams. School users: children who are or were on their
# school's roll, or whom the school notified; never another school's pupils, never case notes.


def children_visible_to(user: User) -> QuerySet[Child]:
    """The children this user may see: used by search, pages and the API alike."""
    # A record merged into another is only a redirect now: it drops out of every list and search.
    children = Child.objects.filter(merged_into__isnull=True)
    if user.is_administrator or user.is_head_of_service:
        return children
    school = user.school
    if school is not None:
        on_roll = RollEntry.objects.filter(child=OuterRef("pk"), school=school)
        notified = RemovalNotice.objects.filter(child=OuterRef("pk"), school=school)
        return children.filter(Q(Exists(on_roll)) | Q(Exists(notified)))
    team_case = Case.objects.filter(child=OuterRef("pk"), team_id__in=user.team_ids)
    return children.filter(Exists(team_case))


def get_child_for_user(user: User, child_id: int) -> Child:
    """Fetch a child the user may see, or 404 (without saying whether the child exists)."""
    child = children_visible_to(user).filter(pk=child_id).first()
    if child is None:
        raise Http404("No such child")
    return child


def merged_child_redirect(user: User, child_id: int) -> int | None:
    """The surviving child's id when ``child_id`` was merged into a record this user may see.

    Old links to an absorbed record (pages, API, bookmarks) lead to the survivor; someone who may
    not see the survivor gets the same 404 as for a child who does not exist.
    """
    survivor_id = (
        Child.objects.filter(pk=child_id, merged_into__isnull=False)
        .values_list("merged_into", flat=True)
        .first()
    )
    if survivor_id is None or not children_visible_to(user).filter(pk=survivor_id).exists():
        return None
    return int(survivor_id)


# ---- possible duplicates and merges ----------------------------------------------------------------
# Only administrators and team managers decide whether two records are one child (issue 11), and a
# manager only for children they may see: both records, since deciding means comparing them.


def can_review_duplicates(user: User) -> bool:
    """Administrators and team managers: the duplicate queue, "not the same child", merge, undo."""
    if not user.is_authenticated or user.is_school_user:
        return False
    return user.is_administrator or any(Role.MANAGER in user.roles_in(team) for team in user.team_ids)


def duplicates_visible_to(user: User) -> QuerySet[PossibleDuplicate]:
    """Open pairs for this person's queue: an administrator every pair, a manager each pair with at
    least one child they may see (the other is named only if they may see it too)."""
    pairs = PossibleDuplicate.objects.filter(
        status=PossibleDuplicate.Status.OPEN,
        child__merged_into__isnull=True,
        other__merged_into__isnull=True,
    )
    if not can_review_duplicates(user):
        return pairs.none()
    if user.is_administrator:
        return pairs
    visible = children_visible_to(user).values("pk")
    return pairs.filter(Q(child__in=visible) | Q(other__in=visible))


def can_resolve_pair(user: User, *children: Child | int) -> bool:
    """May decide about these children together: a reviewer who may see every one of them."""
    ids = {c if isinstance(c, int) else c.pk for c in children}
    if not can_review_duplicates(user):
        return False
    return children_visible_to(user).filter(pk__in=ids).count() == len(ids)


def get_duplicate_for_user(user: User, pair_id: int) -> PossibleDuplicate:
    """An open pair in this person's queue that they may resolve: 404 if not in their queue,
    403 if they can see only one of the two children."""
    pair = duplicates_visible_to(user).select_related("child", "other").filter(pk=pair_id).first()
    if pair is None:
        raise Http404("No such pair")
    if not can_resolve_pair(user, pair.child_id, pair.other_id):
        raise PermissionDenied("Only someone who may see both records can decide about them.")
    return pair


def can_undo_merge(user: User, merge: ChildMerge) -> bool:
    """The undo button: a reviewer who may see the surviving record (the absorbed one is hidden)."""
    return merge.undone_at is None and can_resolve_pair(user, merge.survivor_id)


def get_merge_for_user(user: User, merge_id: int) -> ChildMerge:
    """A merge this person may undo, or 404 (without saying whether it exists)."""
    merge = ChildMerge.objects.select_related("survivor", "absorbed").filter(pk=merge_id).first()
    if merge is None or not can_undo_merge(user, merge):
        raise Http404("No such merge")
    return merge


# ---- break the glass -------------------------------------------------------------------------------
# An officer or manager outside every team that owns a case about a child may still open the
# child's record in an emergency, after writing why, for BREAK_GLASS_MINUTES (ADR 0008). Heads of
# service and administrators see every child already; school users and readers never may.


def can_break_glass(user: User) -> bool:
    """Council officers and managers of a team (the only people whose sight of a child is limited
    to their teams' cases, and who may need more in an emergency)."""
    if not user.is_authenticated or user.is_school_user:
        return False
    if user.is_administrator or user.is_head_of_service:
        return False
    return bool(user.team_ids_as(Role.OFFICER, Role.MANAGER))


def break_glass_child(user: User, child_id: int) -> Child | None:
    """The child this user may ask to open by breaking the glass: one who exists, was not merged
    away, has a case (so a team owns the record and is told), and whom the user cannot already see."""
    if not can_break_glass(user):
        return None
    has_case = Case.objects.filter(child=OuterRef("pk"))
    child = Child.objects.filter(pk=child_id, merged_into__isnull=True).filter(Exists(has_case)).first()
    if child is None or children_visible_to(user).filter(pk=child_id).exists():
        return None
    return child


def break_glass_active(user: User, child_id: int) -> BreakGlass | None:
    """This user's unexpired break-the-glass access to this child, if any (the latest)."""
    if not can_break_glass(user):
        return None
    return (
        BreakGlass.objects.filter(user=user, child_id=child_id, expires_at__gt=clock.now())
        .order_by("-expires_at", "-pk")
        .first()
    )


def can_review_break_glass(user: User) -> bool:
    """The break-the-glass report: administrators (every access) and team managers (accesses to
    children their teams have a case about, since they are the ones told)."""
    if not user.is_authenticated or user.is_school_user:
        return False
    return user.is_administrator or bool(user.team_ids_as(Role.MANAGER))


def break_glass_visible_to(user: User) -> QuerySet[BreakGlass]:
    accesses = BreakGlass.objects.all()
    if not can_review_break_glass(user):
        return accesses.none()
    if user.is_administrator:
        return accesses
    managed = Case.objects.filter(child=OuterRef("child"), team_id__in=user.team_ids_as(Role.MANAGER))
    return accesses.filter(Exists(managed))
