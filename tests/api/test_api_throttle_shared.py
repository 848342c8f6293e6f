"""The API throttles count in the cache CACHE_URL names, so every web process counts against one
total: two processes (each its own Python, as two gunicorn workers are) calling from one address
share the count. Each process here is a real Django with the test settings, calling the API
through the whole stack (middleware, DRF, the throttles) with the test client; unauthenticated
calls answer 401 and are counted against the address, as a guessed token is."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from rollcall.env import env_cache

ROOT = Path(__file__).resolve().parents[2]

# Five calls a minute from one address; each process makes four.
CALLS = """
import sys
import django

django.setup()
from django.conf import settings
from django.test import Client

settings.API_THROTTLE_RATES = {"address": "5/minute", "token": "5/minute"}
client = Client(REMOTE_ADDR="192.0.2.9")
print(" ".join(str(client.get("/api/v1/cases/").status_code) for _ in range(4)))
"""


def _calls_in_a_process_of_its_own(cache_url: str, prefix: str) -> list[int]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rollcall.settings_test",
        "CACHE_URL": cache_url,
        "CACHE_KEY_PREFIX": prefix,
    }
    done = subprocess.run(  # noqa: S603 - this interpreter, our own script
        [sys.executable, "-c", CALLS],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return [int(code) for code in done.stdout.split()[-4:]]


def test_two_processes_sharing_a_file_cache_share_the_count(tmp_path: Path) -> None:
    url = f"file://{tmp_path / 'cache'}"
    first = _calls_in_a_process_of_its_own(url, "shared")
    second = _calls_in_a_process_of_its_own(url, "shared")
    assert first == [401, 401, 401, 401]
    # The fifth call overall is the last allowed: the second process has one left, then 429.
    assert second == [401, 429, 429, 429]


def test_without_a_shared_cache_each_process_counts_apart() -> None:
    """The control: with CACHE_URL unset (each process's own memory) the two do not share, which
    is what the shared cache is for."""
    assert _calls_in_a_process_of_its_own("", "apart") == [401, 401, 401, 401]
    assert _calls_in_a_process_of_its_own("", "apart") == [401, 401, 401, 401]


def _redis_listening() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 6379), timeout=1):
            return True
    except OSError:
        return False


@pytest.mark.skipif(
    not _redis_listening(),
    reason="no Redis server on 127.0.0.1:6379 (the file-cache test above proves the sharing)",
)
def test_two_processes_sharing_redis_share_the_count() -> None:
    """Production's shape: CACHE_URL=redis://… . A fresh key prefix keeps this run's counts apart
    from anything else on the server."""
    prefix = f"rollcall-test-{uuid.uuid4()}"
    first = _calls_in_a_process_of_its_own("redis://127.0.0.1:6379/0", prefix)
    second = _calls_in_a_process_of_its_own("redis://127.0.0.1:6379/0", prefix)
    assert (first, second) == ([401, 401, 401, 401], [401, 429, 429, 429])


def test_an_unreachable_cache_refuses_calls_with_503_rather_than_letting_them_through() -> None:
    # The discard port: nothing listens there, the connection is refused at once.
    codes = _calls_in_a_process_of_its_own("redis://127.0.0.1:9/0", "down")
    assert codes == [503, 503, 503, 503]


@pytest.mark.parametrize(
    ("url", "backend"),
    [
        ("", "django.core.cache.backends.locmem.LocMemCache"),
        ("redis://cache.internal:6379/1", "django.core.cache.backends.redis.RedisCache"),
        ("rediss://user:secret@cache.internal:6380/0", "django.core.cache.backends.redis.RedisCache"),
        ("file:///var/cache/rollcall", "django.core.cache.backends.filebased.FileBasedCache"),
    ],
)
def test_cache_url_chooses_the_backend(url: str, backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CACHE_URL", url)
    assert env_cache("CACHE_URL")["BACKEND"] == backend


@pytest.mark.parametrize("url", ["memcached://cache:11211", "file://relative/folder", "cache.internal:6379"])
def test_a_cache_url_roll_call_cannot_use_stops_it_at_start_up(
    url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CACHE_URL", url)
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        env_cache("CACHE_URL")
