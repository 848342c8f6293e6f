"""The attendance order route's letters, written from templates administrators edit.

A template is plain text, not Django template code: an administrator cannot reach into the
objects behind a letter (an officer's account, say), only into the named fields below. Its
paragraphs are separated by a blank line; a paragraph starting ``## `` is a heading; ``**words**``
are bold; ``{child_name}`` and the other names in ``PLACEHOLDERS`` are filled in when the letter is
served. Everything typed is escaped, so a template cannot add markup or scripts to a letter.
No Django here: the rendering is a pure function, tested on its own.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping

PLACEHOLDERS: Mapping[str, str] = {
    "child_name": "The child's full name",
    "date_of_birth": "The child's date of birth, like 4 May 2015",
    "served_on": "The date of service",
    "period_end": "The last day of the period the letter gives, or its deadline",
    "earliest_next": "The first day the council may take the next step",
    "reason": "The reason, as the officer typed it when serving the letter",
    "schools_named": "The school named, and any alternatives",
    "previous_school": "The school the order named before an amendment",
    "council_name": "The council's name",
    "reference": "The case reference",
}

_FIELD = re.compile(r"\{([a-z_]+)\}")
_BOLD = re.compile(r"\*\*(.+?)\*\*", re.DOTALL)


def unknown_placeholders(text: str) -> list[str]:
    """The ``{names}`` in ``text`` that are not placeholders, in the order they appear, once each."""
    seen: list[str] = []
    for name in _FIELD.findall(text):
        if name not in PLACEHOLDERS and name not in seen:
            seen.append(name)
    return seen


def _value(value: str) -> str:
    # Escaped, line breaks kept, and asterisks neutralised so a value never turns text bold.
    return html.escape(value).replace("*", "&#42;").replace("\r\n", "\n").replace("\n", "<br>")


def render_inline(text: str, values: Mapping[str, str]) -> str:
    """``text`` escaped, with its placeholders filled in and ``**bold**`` applied: HTML."""
    parts = _FIELD.split(text)
    out = []
    for i, part in enumerate(parts):
        if i % 2:  # a placeholder's name
            out.append(
                _value(values.get(part, "")) if part in PLACEHOLDERS else html.escape("{" + part + "}")
            )
        else:
            out.append(html.escape(part).replace("\n", "<br>"))
    return _BOLD.sub(r"<strong>\1</strong>", "".join(out))


def render_body(text: str, values: Mapping[str, str]) -> str:
    """The letter's body as GOV.UK-styled HTML: one paragraph or heading per block."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", text.replace("\r\n", "\n")) if b.strip()]
    out = []
    for block in blocks:
        if block.startswith("## "):
            out.append(f'<h2 class="govuk-heading-m">{render_inline(block[3:].strip(), values)}</h2>')
        else:
            out.append(f'<p class="govuk-body">{render_inline(block, values)}</p>')
    return "\n".join(out)
