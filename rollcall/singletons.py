"""A council's settings held as one database row, so an administrator can change them."""

from __future__ import annotations

from typing import Self

from django.db import models


class SettingsRow(models.Model):
    """Abstract: one row (pk=1) of settings whose defaults are the statutory or seed values.

    Each concrete model adds its own ``CheckConstraint(condition=Q(pk=1))`` so no second row exists.
    """

    class Meta:
        abstract = True

    @classmethod
    def current(cls) -> Self:
        """The settings in force, created with the defaults on first use."""
        row, _ = cls._default_manager.get_or_create(pk=1)
        return row
