"""Give a system its API token: ``manage.py issue_api_token USERNAME --name … --preset …``.

The token acts as USERNAME, never beyond that person's own permissions, and only within its
scopes. It is printed once, on standard output alone, so it can be piped into a secret store:
Roll Call keeps only its digest and cannot show it again. Administrators see every token, and
revoke them, on the API tokens page; ``--revoke NAME`` revokes one from here.
"""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rollcall.accounts.models import User
from rollcall.api.models import ApiToken
from rollcall.api.tokens import TokenError, token_issue, token_revoke
from rollcall.api_base import SCOPE_PRESETS, SCOPES


class Command(BaseCommand):
    help = (
        "Issue a named, scoped, expiring API token for a user's system and print it once. "
        "School users' systems get the school-system scopes; a token for a council user (a "
        "council system's service account) needs --allow-council-staff."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "username", help="The user the system acts as (a school user, or a service account)."
        )
        parser.add_argument("--name", help="What the token is for, e.g. 'Northmoor Academy MIS'.")
        parser.add_argument(
            "--preset",
            choices=sorted(SCOPE_PRESETS),
            help="A usual set of scopes: "
            + "; ".join(f"{name}: {', '.join(scopes)}" for name, scopes in SCOPE_PRESETS.items()),
        )
        parser.add_argument(
            "--scope",
            action="append",
            default=[],
            metavar="SCOPE",
            help="A scope to grant (repeat for more): " + ", ".join(SCOPES),
        )
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"Days until it expires (default {settings.API_TOKEN_DEFAULT_DAYS}, "
            f"at most {settings.API_TOKEN_MAX_DAYS}).",
        )
        parser.add_argument(
            "--allow-council-staff",
            action="store_true",
            help=(
                "Issue a token to a council user too. Whoever holds the token acts as that user "
                "without signing in, so use this only for a council system's service account."
            ),
        )
        parser.add_argument("--revoke", metavar="NAME", help="Revoke the user's token of this name instead.")

    def handle(self, *args: Any, **options: Any) -> None:
        username: str = options["username"]
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"There is no user called {username!r}.")
        if options["revoke"]:
            token = ApiToken.objects.filter(user=user, name=options["revoke"]).first()
            if token is None:
                raise CommandError(f"{username} has no token called {options['revoke']!r}.")
            token_revoke(token, by=None)
            self.stderr.write(f"Revoked {username}'s token {options['revoke']!r}.")
            return
        if not options["name"]:
            raise CommandError("Name the token with --name, e.g. --name 'Northmoor Academy MIS'.")
        if not user.is_school_user and not options["allow_council_staff"]:
            raise CommandError(
                f"{username} is not a school user. API tokens are for school systems; use "
                "--allow-council-staff for a council system's service account."
            )
        scopes = list(options["scope"])
        if options["preset"]:
            scopes += SCOPE_PRESETS[options["preset"]]
        if not scopes:
            if not user.is_school_user:
                raise CommandError("Say what the token may do: --preset or --scope.")
            scopes = list(SCOPE_PRESETS["school-system"])
        try:
            token, secret = token_issue(user=user, name=options["name"], scopes=scopes, days=options["days"])
        except TokenError as error:
            raise CommandError(str(error)) from None
        school = user.school
        for_whom = f" for {school.name}" if school is not None else ""
        expiry = token.expiry.date().isoformat() if token.expiry else "never"
        self.stderr.write(
            f"Issued API token {token.name!r} to {username}{for_whom}: scopes {', '.join(token.scopes)}; "
            f"expires {expiry}. It is shown only now: keep it in a secret store."
        )
        self.stdout.write(secret)
