"""Who may see and revoke API tokens: administrators only."""

from __future__ import annotations

from rollcall.accounts.models import User


def can_manage_api_tokens(user: User) -> bool:
    return user.is_administrator
