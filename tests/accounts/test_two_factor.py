"""Two-factor sign-in: who must use it, enrolling an authenticator app with a QR code, recovery
codes, the code page after the password, and nothing reachable before it is passed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rollcall import clock
from rollcall.accounts.models import Membership, Team, User
from rollcall.accounts.two_factor import must_use_two_factor, new_recovery_codes
from rollcall.rules.workflow import Role
from rollcall.schools.models import School
from tests import factories
from tests.accounts.helpers import password_step
from tests.two_factor import authenticator_for, code_for

pytestmark = pytest.mark.django_db


def test_every_council_role_must_use_two_factor_and_school_users_only_when_the_setting_says(
    teams: dict[str, Team], school: School
) -> None:
    officer = factories.staff(Role.OFFICER, Team.Kind.INCLUSION)
    manager = factories.staff(Role.MANAGER, Team.Kind.ACCESS)
    head = factories.staff(Role.HEAD_OF_SERVICE, Team.Kind.HEADS)
    admin = factories.administrator()
    reader = factories.UserFactory.create()
    Membership.objects.create(user=reader, role=Role.READER.value)
    superuser = factories.UserFactory.create(is_superuser=True)
    nobody = factories.UserFactory.create()
    school_user = factories.school_user(school)
    for user in (officer, manager, head, admin, reader, superuser, nobody):
        assert must_use_two_factor(User.objects.get(pk=user.pk)), user.username
    assert not must_use_two_factor(User.objects.get(pk=school_user.pk))
    with override_settings(TWO_FACTOR_REQUIRED_ROLES=[*_council_roles(), "school"]):
        assert must_use_two_factor(User.objects.get(pk=school_user.pk))
    with override_settings(TWO_FACTOR_REQUIRED_ROLES=["administrator"]):
        assert must_use_two_factor(User.objects.get(pk=admin.pk))
        assert not must_use_two_factor(User.objects.get(pk=officer.pk))
        # A user with no membership at all counts as council staff.
        assert must_use_two_factor(User.objects.get(pk=nobody.pk))
    with override_settings(TWO_FACTOR_REQUIRED_ROLES=["school"]):
        assert not must_use_two_factor(User.objects.get(pk=nobody.pk))
    with override_settings(TWO_FACTOR_REQUIRED_ROLES=[]):
        assert not must_use_two_factor(User.objects.get(pk=admin.pk))


def _council_roles() -> list[str]:
    return ["officer", "manager", "head_of_service", "administrator", "reader"]


def test_an_officer_without_an_app_is_sent_to_set_one_up_and_reaches_nothing_else(
    inclusion_officer: User,
) -> None:
    client = Client()
    answer = password_step(client, "inclusion.officer", follow=True)
    assert answer.redirect_chain[-1][0].startswith("/accounts/two-factor/set-up/")
    assert "Set up two-factor authentication" in answer.content.decode()
    for path in ("/cases/", "/children/", "/reports/", "/accounts/two-factor/", "/audit/"):
        page = client.get(path)
        assert page.status_code == 302, path
        assert page["Location"].startswith("/accounts/two-factor/set-up/?next="), path
    # Django admin (whose views are open to its own sign-in) is closed too.
    admin_page = client.get("/django-admin/")
    assert admin_page.status_code == 302
    assert admin_page["Location"].startswith("/accounts/two-factor/set-up/")
    # The API refuses the half-signed-in session too, in JSON.
    api = client.get("/api/v1/cases/")
    assert api.status_code == 403
    assert "two-factor" in api.json()["detail"]
    # Signing out still works.
    assert client.post("/accounts/sign-out/").status_code == 302
    assert client.get("/cases/")["Location"].startswith("/accounts/sign-in/")


def test_enrolling_shows_a_qr_code_drawn_here_and_the_first_code_confirms_the_app(
    inclusion_officer: User,
) -> None:
    client = Client()
    password_step(client, "inclusion.officer")
    page = client.get("/accounts/two-factor/set-up/?next=/cases/")
    html = page.content.decode()
    assert page.status_code == 200
    # The QR code is an inline SVG data URL: no outside service sees the secret.
    assert re.search(r'<img class="app-qr-code" src="data:image/svg\+xml', html)
    pending = TOTPDevice.objects.get(user=inclusion_officer, confirmed=False)
    typed_key = re.search(r'<code id="two-factor-key">([A-Z2-7 ]+)</code>', html)
    assert typed_key is not None
    # Showing the page again keeps the same key (the QR code does not change under the person).
    client.get("/accounts/two-factor/set-up/")
    assert TOTPDevice.objects.filter(user=inclusion_officer).count() == 1

    wrong_code = "000000" if code_for(pending) != "000000" else "111111"
    wrong = client.post("/accounts/two-factor/set-up/", {"code": wrong_code, "next": "/cases/"})
    assert wrong.status_code == 200
    assert "Enter the code your authenticator app shows now" in wrong.content.decode()
    assert client.get("/cases/").status_code == 302

    # Straight after a wrong code django-otp makes the person wait a moment, even with a right one.
    hurried = client.post("/accounts/two-factor/set-up/", {"code": code_for(pending), "next": "/cases/"})
    assert "too many wrong codes" in hurried.content.decode()
    with time_machine.travel(clock.now() + dt.timedelta(seconds=5)):
        totp = TOTP(pending.bin_key)
        done = client.post("/accounts/two-factor/set-up/", {"code": f"{totp.token():06d}", "next": "/cases/"})
    body = done.content.decode()
    assert done.status_code == 200
    assert "Two-factor authentication is set up" in body
    codes = re.findall(r"<li><code>([a-z2-7]+)</code></li>", body)
    assert len(codes) == 10
    assert set(
        StaticToken.objects.filter(device__user=inclusion_officer).values_list("token", flat=True)
    ) == set(codes)
    assert TOTPDevice.objects.get(user=inclusion_officer).confirmed
    assert client.get("/cases/").status_code == 200


def test_after_the_password_an_enrolled_officer_enters_a_code_and_a_used_code_is_refused(
    inclusion_officer: User,
) -> None:
    device = authenticator_for(inclusion_officer)
    client = Client()
    answer = password_step(client, "inclusion.officer", follow=True)
    assert answer.redirect_chain[-1][0] == "/accounts/two-factor/code/?next=%2F"
    assert client.get("/cases/")["Location"].startswith("/accounts/two-factor/code/")

    wrong = client.post("/accounts/two-factor/code/", {"code": "12345x", "next": "/"})
    assert "Enter a correct code" in wrong.content.decode()
    code = code_for(device)
    right = client.post("/accounts/two-factor/code/", {"code": code, "next": "/cases/"})
    assert right.status_code == 302
    assert right["Location"] == "/cases/"
    assert client.get("/cases/").status_code == 200

    # The same code cannot be used again, even with the right password in a new session.
    again = Client()
    password_step(again, "inclusion.officer")
    replay = again.post("/accounts/two-factor/code/", {"code": code, "next": "/"})
    assert replay.status_code == 200
    assert again.get("/cases/").status_code == 302


def test_a_recovery_code_signs_in_once(inclusion_officer: User) -> None:
    authenticator_for(inclusion_officer)
    client = Client()
    password_step(client, "inclusion.officer")
    codes = new_recovery_codes(inclusion_officer)
    assert (
        client.post("/accounts/two-factor/code/", {"code": codes[0].upper(), "next": "/"}).status_code == 302
    )
    assert client.get("/cases/").status_code == 200
    second = Client()
    password_step(second, "inclusion.officer")
    refused = second.post("/accounts/two-factor/code/", {"code": codes[0], "next": "/"})
    assert refused.status_code == 200
    assert StaticToken.objects.filter(device__user=inclusion_officer).count() == 9


def test_repeated_wrong_codes_are_slowed_down_even_before_a_right_one(inclusion_officer: User) -> None:
    device = authenticator_for(inclusion_officer)
    client = Client()
    password_step(client, "inclusion.officer")
    right = code_for(device)
    wrong = "000000" if right != "000000" else "111111"
    for _ in range(3):
        client.post("/accounts/two-factor/code/", {"code": wrong, "next": "/"})
    slowed = client.post("/accounts/two-factor/code/", {"code": right, "next": "/"})
    assert slowed.status_code == 200
    assert "too many wrong codes" in slowed.content.decode()


def test_a_school_user_signs_in_without_a_code_unless_the_council_requires_it(school_user: User) -> None:
    client = Client()
    answer = password_step(client, "school.user", follow=True)
    assert answer.redirect_chain[-1][0] == "/schools/"
    assert client.get("/schools/").status_code == 200
    with override_settings(TWO_FACTOR_REQUIRED_ROLES=["school"]):
        client = Client()
        password_step(client, "school.user")
        assert client.get("/schools/")["Location"].startswith("/accounts/two-factor/set-up/")


def test_an_officer_can_make_new_recovery_codes_and_the_old_ones_stop_working(
    client: Client, inclusion_officer: User
) -> None:
    client.force_login(inclusion_officer)
    page = client.get("/accounts/two-factor/")
    assert "Recovery codes left" in page.content.decode()
    old = new_recovery_codes(inclusion_officer)
    made = client.post("/accounts/two-factor/")
    new = re.findall(r"<li><code>([a-z2-7]+)</code></li>", made.content.decode())
    assert len(new) == 10
    left = set(StaticToken.objects.filter(device__user=inclusion_officer).values_list("token", flat=True))
    assert left == set(new)
    assert not left & set(old)


def test_the_next_address_after_a_code_must_be_roll_calls_own(inclusion_officer: User) -> None:
    device = authenticator_for(inclusion_officer)
    client = Client()
    password_step(client, "inclusion.officer")
    answer = client.post(
        "/accounts/two-factor/code/", {"code": code_for(device), "next": "https://evil.example/"}
    )
    assert answer["Location"] == "/"
