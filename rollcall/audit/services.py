"""Writing the access log: every page or API response that shows a child's record calls
:func:`record_view` (UK GDPR Article 5(1)(f) and 32: access on a need-to-know basis, and a record
of who looked, so a council can answer "who has seen this child's file?")."""

from __future__ import annotations

from collections.abc import Iterable

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.audit.models import RecordView
from rollcall.people.models import Child

_WHAT_MAX = RecordView._meta.get_field("what").max_length or 100
_PATH_MAX = RecordView._meta.get_field("path").max_length or 300


def record_view(*, user: User, child: Child | int, what: str, path: str) -> None:
    """Log that ``user`` was shown ``child``'s record on page or resource ``what`` at ``path``.

    Deliberately not idempotent: two views are two rows, because the log answers "how often"
    as well as "who". Long values are cut to the column sizes rather than failing the page.
    """
    child_id = child if isinstance(child, int) else child.pk
    RecordView.objects.create(
        user=user, child_id=child_id, at=clock.now(), what=what[:_WHAT_MAX], path=path[:_PATH_MAX]
    )


def record_views(*, user: User, children: Iterable[int], what: str, path: str) -> int:
    """Log that ``user`` was shown each of ``children`` (ids) on one page, list or export: one
    row per child, as :func:`record_view` writes, in a few queries. Returns how many."""
    at = clock.now()
    rows = [
        RecordView(user=user, child_id=child_id, at=at, what=what[:_WHAT_MAX], path=path[:_PATH_MAX])
        for child_id in children
    ]
    RecordView.objects.bulk_create(rows, batch_size=1000)
    return len(rows)
