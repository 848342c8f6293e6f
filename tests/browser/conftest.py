"""Browser suite: Playwright driving Debian's Chromium against a live server, axe on every page.

Run with `make test-browser` (which installs Chromium with apt when missing). Never downloads a
browser build.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

# Playwright's sync API runs an event loop; Django's ORM refuses to run inside one unless told.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(os.environ.get("BROWSER_SCREENSHOTS", "test-results/screenshots"))
CHROMIUM_ARGS = [
    "--disable-dev-shm-usage",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
        "args": CHROMIUM_ARGS,
    }


class Checker:
    """Visits pages: checks each with axe (no serious or critical violations) and saves a screenshot."""

    def __init__(self, page: Page, name: str) -> None:
        self.page = page
        self.name = re.sub(r"[^a-z0-9]+", "-", name.lower())
        self.axe = Axe()
        self.count = 0
        self.checked: list[str] = []

    def check(self, label: str) -> None:
        self.count += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        slug = re.sub(r"[^a-z0-9]+", "-", label.lower()).strip("-")
        self.page.screenshot(
            path=str(SCREENSHOTS / f"{self.name}-{self.count:02d}-{slug}.png"), full_page=True
        )
        results = self.axe.run(self.page)
        violations = [
            f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in {"serious", "critical"}
        ]
        assert not violations, f"axe on {label} ({self.page.url}):\n" + "\n".join(violations)
        self.checked.append(label)


@pytest.fixture
def checker(page: Page, request: pytest.FixtureRequest) -> Checker:
    return Checker(page, request.node.name)


@pytest.fixture(autouse=True)
def no_content_security_policy_refusals(request: pytest.FixtureRequest) -> Iterator[None]:
    """Fail a journey when the browser refused a script, style or image under the page's
    Content-Security-Policy: the policy and the templates must agree (docs/security.md)."""
    if "page" not in request.fixturenames:
        yield
        return
    page: Page = request.getfixturevalue("page")
    refused: list[str] = []
    page.on("console", lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None)
    yield
    assert not refused, "Refused under the Content-Security-Policy:\n" + "\n".join(refused)
