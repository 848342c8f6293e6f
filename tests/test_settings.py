"""Settings come from the environment and fail loudly (STYLE.md rule 12)."""

from __future__ import annotations

import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from rollcall.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent


# ---- the typed helpers -------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["1", "true", "TRUE", " yes ", "on", "On"])
def test_env_bool_reads_the_usual_ways_of_saying_yes(monkeypatch, raw):
    monkeypatch.setenv("ROLLCALL_FLAG", raw)

    assert env_bool("ROLLCALL_FLAG", default=False) is True


@pytest.mark.parametrize("raw", ["0", "false", "False", "no", "off", " OFF "])
def test_env_bool_reads_the_usual_ways_of_saying_no(monkeypatch, raw):
    monkeypatch.setenv("ROLLCALL_FLAG", raw)

    assert env_bool("ROLLCALL_FLAG", default=True) is False


@pytest.mark.parametrize("default", [True, False])
def test_env_bool_falls_back_to_the_default_when_unset_or_empty(monkeypatch, default):
    monkeypatch.delenv("ROLLCALL_FLAG", raising=False)
    assert env_bool("ROLLCALL_FLAG", default=default) is default
    monkeypatch.setenv("ROLLCALL_FLAG", "")
    assert env_bool("ROLLCALL_FLAG", default=default) is default


@pytest.mark.parametrize("raw", ["maybe", "2", "yes please", "t", "tru"])
def test_env_bool_refuses_anything_else_and_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("ROLLCALL_FLAG", raw)

    with pytest.raises(ImproperlyConfigured, match=f"ROLLCALL_FLAG must be true or false, not '{raw}'"):
        env_bool("ROLLCALL_FLAG", default=False)


def test_env_int_reads_a_whole_number(monkeypatch):
    monkeypatch.setenv("ROLLCALL_NUMBER", "3600")

    assert env_int("ROLLCALL_NUMBER", 5) == 3600


def test_env_int_falls_back_to_the_default_when_unset(monkeypatch):
    monkeypatch.delenv("ROLLCALL_NUMBER", raising=False)

    assert env_int("ROLLCALL_NUMBER", 25) == 25


@pytest.mark.parametrize("raw", ["ten", "1.5", "8h", "0x10"])
def test_env_int_refuses_a_value_that_is_not_a_whole_number_and_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("ROLLCALL_NUMBER", raw)

    with pytest.raises(ImproperlyConfigured, match=f"ROLLCALL_NUMBER must be a whole number, not '{raw}'"):
        env_int("ROLLCALL_NUMBER", 5)


def test_env_int_refuses_a_value_below_the_minimum_and_names_the_variable(monkeypatch):
    monkeypatch.setenv("ROLLCALL_NUMBER", "10")

    with pytest.raises(ImproperlyConfigured, match="ROLLCALL_NUMBER must be at least 300, not 10"):
        env_int("ROLLCALL_NUMBER", 600, minimum=300)


def test_env_int_accepts_the_minimum_itself(monkeypatch):
    monkeypatch.setenv("ROLLCALL_NUMBER", "300")

    assert env_int("ROLLCALL_NUMBER", 600, minimum=300) == 300


def test_env_str_without_a_default_requires_the_variable(monkeypatch):
    monkeypatch.delenv("ROLLCALL_TEXT", raising=False)

    with pytest.raises(ImproperlyConfigured, match=r"The environment variable ROLLCALL_TEXT must be set\."):
        env_str("ROLLCALL_TEXT")


def test_env_str_treats_an_empty_value_as_unset(monkeypatch):
    monkeypatch.setenv("ROLLCALL_TEXT", "")

    assert env_str("ROLLCALL_TEXT", "fallback") == "fallback"


def test_env_list_splits_on_commas_and_drops_blanks(monkeypatch):
    monkeypatch.setenv("ROLLCALL_HOSTS", " rollcall.example.gov.uk, ,localhost ,")

    assert env_list("ROLLCALL_HOSTS", ["default"]) == ["rollcall.example.gov.uk", "localhost"]


def test_env_list_falls_back_to_the_default_when_blank(monkeypatch):
    monkeypatch.setenv("ROLLCALL_HOSTS", "  ")

    assert env_list("ROLLCALL_HOSTS", ["default"]) == ["default"]


# ---- the real settings module, started the way production starts it ---------------------------


def _production_env(tmp_path: Path, **overrides: str | None) -> dict[str, str]:
    """A clean environment like a server's: none of the test run's variables leak in."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "LANG": "C.UTF-8",
        "DJANGO_SETTINGS_MODULE": "rollcall.settings",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "rollcall.example.gov.uk",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'rollcall.sqlite3'}",
        "ROLLCALL_VAR_DIR": str(tmp_path / "var"),
    }
    for name, value in overrides.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = value
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py, fixed arguments
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_the_deployment_checklist_is_clean_with_production_settings(tmp_path):
    env = _production_env(tmp_path)
    assert len(env["SECRET_KEY"]) >= 50

    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")

    output = result.stdout + result.stderr
    assert result.returncode == 0, output
    assert "System check identified no issues (0 silenced)." in output
    assert "WARNINGS" not in output


def test_the_deployment_checklist_flags_debug_left_on(tmp_path):
    result = _manage(_production_env(tmp_path, DEBUG="true"), "check", "--deploy", "--fail-level", "WARNING")

    assert result.returncode != 0
    assert "security.W018" in result.stdout + result.stderr


def test_it_will_not_start_without_a_secret_key_when_debug_is_off(tmp_path):
    result = _manage(_production_env(tmp_path, SECRET_KEY=None), "check")

    assert result.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off." in result.stderr


def test_it_starts_without_a_secret_key_only_in_debug(tmp_path):
    result = _manage(_production_env(tmp_path, SECRET_KEY=None, DEBUG="true"), "check")

    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("DEBUG", "maybe", "DEBUG must be true or false, not 'maybe'."),
        ("SECURE_SSL_REDIRECT", "sometimes", "SECURE_SSL_REDIRECT must be true or false, not 'sometimes'."),
        (
            "SESSION_IDLE_MINUTES",
            "half an hour",
            "SESSION_IDLE_MINUTES must be a whole number, not 'half an hour'.",
        ),
        ("SESSION_IDLE_MINUTES", "2", "SESSION_IDLE_MINUTES must be at least 5, not 2."),
        ("TWO_FACTOR_REQUIRED_ROLES", "officer,boss", "TWO_FACTOR_REQUIRED_ROLES: ['boss'] are not roles"),
        ("EMAIL_PORT", "smtp", "EMAIL_PORT must be a whole number, not 'smtp'."),
    ],
)
def test_a_mistyped_setting_stops_the_process_and_names_the_variable(tmp_path, name, value, message):
    result = _manage(_production_env(tmp_path, **{name: value}), "check")

    assert result.returncode != 0
    assert f"ImproperlyConfigured: {message}" in result.stderr


@pytest.mark.django_db
def test_postgresql_connections_never_compile_queries_with_jit():
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL setting (make test-postgres runs this)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone() == ("off",)


@pytest.mark.django_db
def test_sqlite_connections_keep_a_large_page_cache_and_a_long_write_ahead_log():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("a SQLite setting (make test runs this)")
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        assert cursor.fetchone() == (-262144,)  # KiB: 256 MiB
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone() == (20000,)
