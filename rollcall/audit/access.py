"""Who may read the audit trail: administrators only."""

from __future__ import annotations

from rollcall.accounts.models import User


def can_read_audit_trail(user: User) -> bool:
    return user.is_administrator
