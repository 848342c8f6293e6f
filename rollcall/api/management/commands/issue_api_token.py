"""Give a school's system its API token: ``manage.py issue_api_token USERNAME``.

Prints only the token, so it can be piped into a secret store. Running it again prints the same
token; ``--rotate`` replaces it (the old one stops working at once), e.g. after a leak.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from rest_framework.authtoken.models import Token

from rollcall.accounts.models import User


class Command(BaseCommand):
    help = "Print the API token of a school user, creating it if needed."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("username", help="The school user's username.")
        parser.add_argument("--rotate", action="store_true", help="Replace the user's token with a new one.")
        parser.add_argument(
            "--allow-council-staff",
            action="store_true",
            help=(
                "Issue a token to a council user too. A token skips two-factor sign-in, so use "
                "this only for a council system's service account."
            ),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}.")
        if not user.is_active:
            raise CommandError(f"{username} is deactivated; reactivate the account before issuing a token.")
        if not user.is_school_user and not options["allow_council_staff"]:
            raise CommandError(
                f"{username} is not a school user. API tokens are for school systems; use "
                "--allow-council-staff for a council system's service account."
            )
        with transaction.atomic():
            if options["rotate"]:
                Token.objects.filter(user=user).delete()
            token, created = Token.objects.get_or_create(user=user)
        if created:
            school = user.school
            for_whom = f" for {school.name}" if school is not None else ""
            self.stderr.write(f"Issued a new API token to {username}{for_whom}.")
        self.stdout.write(token.key)
