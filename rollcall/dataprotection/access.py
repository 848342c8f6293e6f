"""Who may see the retention report and answer a subject access request: administrators only
(the council's data protection lead works through one). Pages and commands use these."""

from __future__ import annotations

from rollcall.accounts.models import User


def can_manage_retention(user: User) -> bool:
    return user.is_administrator


def can_answer_subject_access(user: User) -> bool:
    return user.is_administrator
