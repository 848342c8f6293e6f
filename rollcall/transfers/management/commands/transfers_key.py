"""Make this council's signing key for transfers (once), and print its public key and LA code
for the administrators of partner councils (docs/transfers.md)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rollcall.transfers import signing


class Command(BaseCommand):
    help = "Create this council's Ed25519 signing key for transfers if it has none, and print the public key."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            path, created = signing.signing_key_create()
            public = signing.public_key_text()
        except (OSError, signing.KeyMissing) as failed:
            raise CommandError(f"Could not make or read the signing key: {failed}") from None
        self.stdout.write(f"{'Created' if created else 'Kept the existing'} signing key in {path}")
        self.stdout.write(f"LA code: {settings.COUNCIL_LA_CODE}")
        self.stdout.write(f"Public key: {public}")
