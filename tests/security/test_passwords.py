"""Passwords stored as Argon2id; older PBKDF2 hashes still sign in and are upgraded."""

from __future__ import annotations

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.hashers import make_password
from django.test import Client, override_settings

from rollcall.accounts.models import User
from tests.factories import staff

# The production list (settings_test swaps in MD5 for speed everywhere else).
PRODUCTION_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]


def test_the_settings_put_argon2id_first() -> None:
    from rollcall import settings as production

    assert production.PASSWORD_HASHERS == PRODUCTION_HASHERS
    assert django_settings.PASSWORD_HASHERS != PRODUCTION_HASHERS  # tests run on the fast one


@pytest.mark.django_db
@override_settings(PASSWORD_HASHERS=PRODUCTION_HASHERS)
def test_a_new_password_is_argon2id_and_an_old_pbkdf2_one_is_upgraded_at_sign_in() -> None:
    fresh = staff()
    fresh.set_password("a-long-invented-passphrase")
    assert fresh.password.startswith("argon2$argon2id$")

    old = staff(username="old.hash")
    User.objects.filter(pk=old.pk).update(
        password=make_password("another-invented-passphrase", hasher="pbkdf2_sha256")
    )
    assert User.objects.get(pk=old.pk).password.startswith("pbkdf2_sha256$")
    response = Client().post(
        "/accounts/sign-in/", {"username": "old.hash", "password": "another-invented-passphrase"}
    )
    assert response.status_code == 302
    assert User.objects.get(pk=old.pk).password.startswith("argon2$argon2id$")
