"""Writing the access log: every page, list, search, export or API response that shows a child's
record logs it (UK GDPR Article 5(1)(f) and 32: access on a need-to-know basis, and a record of who
looked, so a council can answer "who has seen this child's file?"), and so does every refused
attempt to open one (403 or 404).

Views do not insert log rows themselves. They use one of three things from here:

- :func:`child_record`, a decorator for a page or API route about one record that belongs to a
  child (a case, an application, a referral…): it logs the child as shown when the page answers
  200 to a GET, and as refused when it answers 403 or 404, naming the child asked for;
- :func:`log_shown`, for a list, search, register or export: one row per child shown, written in
  a few queries whatever the number of children;
- :class:`LogsChildrenShown`, a mixin for DRF list views, which logs the children of the page of
  results it answers with.

:func:`record_view` and :func:`record_views` are the underlying writes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404, HttpRequest

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.audit.models import RecordView
from rollcall.people.models import Child

_WHAT_MAX = RecordView._meta.get_field("what").max_length or 100
_PATH_MAX = RecordView._meta.get_field("path").max_length or 300

SHOWN = RecordView.Outcome.SHOWN
REFUSED = RecordView.Outcome.REFUSED
BREAK_GLASS = RecordView.Outcome.BREAK_GLASS


def record_view(
    *, user: User, child: Child | int, what: str, path: str, outcome: str = SHOWN, reason: str = ""
) -> None:
    """Log that ``user`` was shown ``child``'s record on page or resource ``what`` at ``path``
    (or was refused it, or saw it under a break-the-glass access given for ``reason``).

    Deliberately not idempotent: two views are two rows, because the log answers "how often"
    as well as "who". Long values are cut to the column sizes rather than failing the page.
    """
    child_id = child if isinstance(child, int) else child.pk
    RecordView.objects.create(
        user=user,
        child_id=child_id,
        at=clock.now(),
        what=what[:_WHAT_MAX],
        path=path[:_PATH_MAX],
        outcome=outcome,
        reason=reason,
    )


def record_views(
    *, user: User, children: Iterable[int], what: str, path: str, outcome: str = SHOWN, reason: str = ""
) -> int:
    """Log that ``user`` was shown each of ``children`` (ids) on one page, list or export: one
    row per child (a child listed twice is logged once), as :func:`record_view` writes, in a few
    queries. Returns how many."""
    at = clock.now()
    ids = list(dict.fromkeys(int(child_id) for child_id in children if child_id is not None))
    rows = [
        RecordView(
            user=user,
            child_id=child_id,
            at=at,
            what=what[:_WHAT_MAX],
            path=path[:_PATH_MAX],
            outcome=outcome,
            reason=reason,
        )
        for child_id in ids
    ]
    RecordView.objects.bulk_create(rows, batch_size=1000)
    return len(rows)


def _user(request: Any) -> User | None:
    user = getattr(request, "user", None)
    return user if isinstance(user, User) and user.is_authenticated else None


def log_shown(request: HttpRequest, children: Iterable[int], what: str) -> int:
    """Log the children (ids, or a ``values_list(..., flat=True)`` queryset: one query) that this
    response shows the signed-in user. Call it once per response, with every child the page,
    list or file carries."""
    user = _user(request)
    if user is None:
        return 0
    return record_views(user=user, children=children, what=what, path=request.get_full_path())


def log_refused(request: HttpRequest, children: int | list[int] | None, what: str) -> int:
    """Log that the signed-in user asked for these children's record and was refused (403 or
    404): one row per child. Nothing is written for a child who does not exist (there is no
    child to name), nor for a visitor who is not signed in."""
    user = _user(request)
    wanted = _child_ids(children)
    if user is None or not wanted:
        return 0
    existing = Child.objects.filter(pk__in=wanted).values_list("pk", flat=True)
    return record_views(
        user=user, children=existing, what=what, path=request.get_full_path(), outcome=REFUSED
    )


ChildOf = Callable[[dict[str, Any]], "int | list[int] | None"]


def child_of(model: type[models.Model], *fields: str, kwarg: str = "pk") -> ChildOf:
    """How to find the child (or children) a route is about from its URL: ``model``'s row with
    the URL's ``kwarg`` as primary key, and the child id in each of ``fields`` (``child_id`` if
    none is named): one query, even for a row the user may not see."""
    names = fields or ("child_id",)

    def lookup(kwargs: dict[str, Any]) -> list[int] | None:
        try:
            pk = int(kwargs[kwarg])
        except (KeyError, TypeError, ValueError):
            return None
        row = model._default_manager.filter(pk=pk).values_list(*names).first()
        if row is None:
            return None
        return [int(value) for value in row if value is not None]

    return lookup


def _child_ids(found: int | list[int] | None) -> list[int]:
    if found is None:
        return []
    return [found] if isinstance(found, int) else list(found)


def the_child(kwargs: dict[str, Any]) -> int | None:
    """The route's ``pk`` is the child's own id."""
    try:
        return int(kwargs["pk"])
    except (KeyError, TypeError, ValueError):
        return None


REFUSED_STATUSES = frozenset({403, 404})


def child_record(
    what: str, child: ChildOf, *, shown: bool = True
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a page or API route about one record that belongs to a child.

    A GET answered 200 logs the child as shown (unless ``shown=False``: the view logs it itself,
    for example under a break-the-glass access); any request answered 403 or 404, raised or
    returned, logs a refused attempt naming the child asked for. ``child`` finds the child id from
    the URL's arguments (:func:`child_of`, :func:`the_child`).
    """

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(request: Any, *args: Any, **kwargs: Any) -> Any:
            try:
                response = view(request, *args, **kwargs)
            except (Http404, PermissionDenied):
                log_refused(request, child(kwargs), what)
                raise
            status = getattr(response, "status_code", 200)
            if status in REFUSED_STATUSES:
                log_refused(request, child(kwargs), what)
            elif shown and status == 200 and request.method in {"GET", "HEAD"}:
                log_shown(request, _child_ids(child(kwargs)), what)
            return response

        wrapped.logs_child_access = True  # type: ignore[attr-defined]
        return wrapped

    return decorate


class LogsChildrenShown:
    """For a DRF list view: log the children on the page of results it answers with.

    ``child_field`` is the path from a result to its child's id (``child_id`` for a case,
    ``pk`` for a child). ``shown_what`` names the resource in the log.
    """

    child_field = "child_id"
    shown_what = "API list"
    _shown_rows: Any = None

    def paginate_queryset(self, queryset: Any) -> Any:
        page = super().paginate_queryset(queryset)  # type: ignore[misc]
        self._shown_rows = page if page is not None else queryset
        return page

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        rows = self._shown_rows
        if rows is not None and request.method in {"GET", "HEAD"} and response.status_code == 200:
            ids = (
                rows.values_list(self.child_field, flat=True)
                if isinstance(rows, models.QuerySet)
                else [_attr_path(row, self.child_field) for row in rows]
            )
            log_shown(request, ids, self.shown_what)
        return response


def _attr_path(obj: Any, path: str) -> Any:
    for part in path.split("__"):
        if obj is None:
            return None
        obj = getattr(obj, part)
    return obj
