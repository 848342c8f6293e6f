"""Reading what a page's form would send back, as a browser would."""

from __future__ import annotations

import re
from typing import Any

_INPUT = re.compile(r"<input\b[^>]*>", re.S)
_ATTR = re.compile(r'([\w-]+)="([^"]*)"')


def hidden_inputs(response: Any) -> dict[str, str]:
    """The hidden fields of the page's forms (name → value), without the CSRF token."""
    found: dict[str, str] = {}
    for tag in _INPUT.findall(response.content.decode()):
        attrs = dict(_ATTR.findall(tag))
        if attrs.get("type") == "hidden" and attrs.get("name") and attrs["name"] != "csrfmiddlewaretoken":
            found[attrs["name"]] = attrs.get("value", "")
    return found


def error_summary(response: Any) -> str:
    """The GOV.UK error summary's HTML (empty when the page has none)."""
    html = response.content.decode()
    match = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>\s*</div>', html, re.S)
    return match.group(0) if match else ""
