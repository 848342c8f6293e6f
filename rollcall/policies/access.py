"""Who may read, create and manage policy documents (docs/policies.md)."""

from __future__ import annotations

from rollcall.accounts.models import User
from rollcall.policies.models import Policy


def can_create_policies(user: User) -> bool:
    return user.is_active and (user.is_administrator or user.is_head_of_service)


def can_manage_policy(user: User, policy: Policy) -> bool:
    """Administrators, heads of service and the policy's owner manage it; everyone else reads."""
    return user.is_active and (user.is_administrator or user.is_head_of_service or policy.owner_id == user.pk)


def can_read_policies(user: User) -> bool:
    """Council staff read every policy, drafts included; school users only what is sent to them."""
    return user.is_active and user.is_council_staff
