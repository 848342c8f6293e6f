"""A real OpenID Connect provider for the single sign-on tests, and a person signing in at it.

:func:`running_provider` starts panva's ``oidc-provider`` (npm, pinned in package.json; installed
by ``make setup``) with ``node tests/oidc_provider.mjs`` on a free port of 127.0.0.1, registers
Roll Call as a client with the given redirect addresses, and stops it afterwards. It checks what
Microsoft Entra ID checks: the client's secret, the exact redirect address, PKCE (required here),
and it signs the ID token with its own keys, which Roll Call must fetch and verify.
"""

from __future__ import annotations

import html
import json
import re
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

import requests

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "tests" / "oidc_provider.mjs"
CLIENT_ID = "roll-call"
CLIENT_SECRET = "test-only-client-secret-for-the-local-provider"

# The people the provider knows, by the name typed at its sign-in form (invented).
ACCOUNTS = {
    "amy": {"email": "Amy.Officer@northmoor.example", "email_verified": True, "name": "Amy Officer"},
    "stranger": {"email": "new.starter@northmoor.example", "email_verified": True},
    "unverified": {"email": "amy.officer@northmoor.example", "email_verified": False},
    "entra": {"email": "amy.officer@northmoor.example", "xms_edov": True},
}


@dataclass(frozen=True)
class Provider:
    issuer: str

    @property
    def discovery_url(self) -> str:
        return f"{self.issuer}/.well-known/openid-configuration"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@contextmanager
def running_provider(redirect_uris: list[str], tmp_dir: Path) -> Iterator[Provider]:
    if not (ROOT / "node_modules" / "oidc-provider").is_dir():
        raise RuntimeError("node_modules/oidc-provider is missing: run make setup (npm ci).")
    port = _free_port()
    config = tmp_dir / "oidc-provider.json"
    config.write_text(
        json.dumps(
            {
                "port": port,
                "clients": [
                    {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET, "redirect_uris": redirect_uris}
                ],
                "accounts": ACCOUNTS,
            }
        )
    )
    log = (tmp_dir / "oidc-provider.log").open("w")
    process = subprocess.Popen(["node", str(SCRIPT), str(config)], cwd=ROOT, stdout=log, stderr=log)  # noqa: S603,S607
    provider = Provider(f"http://127.0.0.1:{port}")
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if requests.get(provider.discovery_url, timeout=1).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(
                    "The OIDC test provider did not start: " + (tmp_dir / "oidc-provider.log").read_text()
                )
            time.sleep(0.1)
        yield provider
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


_FORM = re.compile(r'<form[^>]*action="([^"]+)"[^>]*>(.*?)</form>', re.S)
_PROMPT = re.compile(r'name="prompt" value="(\w+)"')


def sign_in_at_provider(authorize_url: str, login: str, back_to: str) -> str:
    """Follow the provider's pages as a person would: its sign-in form, then its consent form.

    Returns the address the provider sends the browser back to (starting with ``back_to``).
    """
    session = requests.Session()
    method, url, data = "GET", authorize_url, None
    for _ in range(20):
        response = session.request(method, url, data=data, allow_redirects=False, timeout=10)
        if response.is_redirect:
            url, method, data = urljoin(url, response.headers["Location"]), "GET", None
            if url.startswith(back_to):
                return url
            continue
        assert response.status_code == 200, response.text[:500]
        form = _FORM.search(response.text)
        assert form is not None, response.text[:500]
        prompt = _PROMPT.search(form.group(2))
        assert prompt is not None, form.group(2)
        if prompt.group(1) == "login":
            data = {"prompt": "login", "login": login, "password": "any password"}
        else:
            data = {"prompt": "consent"}
        url, method = urljoin(url, html.unescape(form.group(1))), "POST"
    raise AssertionError("The provider never sent the browser back to Roll Call.")
