"""API tokens: hashed, named, scoped, expiring, with when and where each was last used.

The token itself is shown once, when it is issued (``manage.py issue_api_token``); only its
SHA-512 digest is stored, by django-rest-knox, whose ``AbstractAuthToken`` this extends
(``KNOX_TOKEN_MODEL``). Revoking a token deletes it; its history (django-simple-history) keeps who
issued and who revoked it for the audit trail.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from knox.models import AbstractAuthToken, AuthTokenManager
from simple_history.models import HistoricalRecords


class ApiToken(AbstractAuthToken):
    """One system's key to the API, acting as its user with no more than its scopes allow."""

    objects: ClassVar[AuthTokenManager] = AuthTokenManager()

    name = models.CharField(max_length=100, help_text="What the token is for, e.g. the school's MIS.")
    scopes = models.JSONField(default=list, help_text="What the token may do (rollcall.api_base.SCOPES).")
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="api_tokens_issued",
    )
    last_used_at = models.DateTimeField(null=True, blank=True)
    last_used_address = models.GenericIPAddressField(null=True, blank=True)

    history = HistoricalRecords(excluded_fields=["last_used_at", "last_used_address"])

    class Meta:
        verbose_name = "API token"
        ordering = ["user__username", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.user})"
