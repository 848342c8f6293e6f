"""API tokens: hashed, named, scoped, expiring, with when and where each was last used.

The token itself is shown once, when it is issued (``manage.py issue_api_token``); only its
SHA-512 digest is stored, by django-rest-knox, whose ``AbstractAuthToken`` this extends
(``KNOX_TOKEN_MODEL``). Revoking a token deletes it; its history (django-simple-history) keeps who
issued and who revoked it for the audit trail.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from knox.settings import CONSTANTS
from simple_history.models import HistoricalRecords


class ApiToken(models.Model):
    """One system's key to the API, acting as its user with no more than its scopes allow.

    The first five fields are knox's ``AbstractAuthToken``'s, as its ``TOKEN_MODEL`` contract
    asks (written out so the type checker sees a model); ``rollcall.api.tokens.token_issue`` makes
    the secret and its digest with knox's own function.
    """

    digest = models.CharField(max_length=CONSTANTS.DIGEST_LENGTH, primary_key=True)
    token_key = models.CharField(
        max_length=CONSTANTS.MAXIMUM_TOKEN_PREFIX_LENGTH + CONSTANTS.TOKEN_KEY_LENGTH, db_index=True
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="auth_token_set", on_delete=models.CASCADE
    )
    created = models.DateTimeField(auto_now_add=True)
    expiry = models.DateTimeField(null=True, blank=True)
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
