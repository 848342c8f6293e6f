"""Recording a subject access request: one row on the audit trail and one view of the child's
record in the access log, in one transaction, before anything is produced."""

from __future__ import annotations

from django.db import transaction

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.audit.services import record_view
from rollcall.dataprotection.models import SubjectAccessRequest
from rollcall.people.models import Child


@transaction.atomic
def subject_access_record(
    *, child: Child, by: User, reference: str = "", records: int = 0
) -> SubjectAccessRequest:
    """Log that ``by`` asked for everything held about ``child`` (the request itself is audited)."""
    request = SubjectAccessRequest.objects.create(
        child=child, requested_by=by, at=clock.now(), reference=reference.strip(), records=records
    )
    record_view(user=by, child=child, what="Subject access request", path=f"subject-access/{request.pk}")
    return request


def subject_access_downloaded(*, request: SubjectAccessRequest, by: User, what: str, path: str) -> None:
    """Each download of the answer is a view of the child's whole record."""
    record_view(user=by, child=request.child_id, what=f"Subject access request: {what}", path=path)
