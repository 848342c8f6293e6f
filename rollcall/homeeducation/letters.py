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

# Roll Call's standard words, used for a letter until an administrator saves their own (the data
# migrations seed the same words as rows, so administrators see and edit them).
DEFAULTS: dict[str, tuple[str, str]] = {
    "informal_enquiry": (
        "{child_name}'s education at home",
        "The council has a duty to find out whether children in its area are getting a suitable "
        "education. We would like to hear about the education {child_name} is getting at home.\n\n"
        "{reason}\n\n"
        "You can choose how to tell us: a written report, some samples of work, or a meeting at our "
        "offices or at your home. You do not have to let us into your home.\n\n"
        "Please reply by **{period_end}**.\n\n"
        "If we do not hear from you, or we do not get enough information, it may appear to the council "
        "that {child_name} is not getting a suitable education. The council would then have to consider "
        "a school attendance order.",
    ),
    "preliminary_notice": (
        "Notice under section 437(1) of the Education Act 1996",
        "It appears to the council that {child_name} (born {date_of_birth}) is not getting a suitable "
        "education, either by regular attendance at school or otherwise.\n\n"
        "This is why: {reason}\n\n"
        "You must satisfy the council that {child_name} is getting efficient full-time education "
        "suitable to their age, ability and aptitude and to any special educational needs they may have.\n\n"
        "You have until the end of **{period_end}** to do this. This period began on the day this notice "
        "was served.\n\n"
        "If you do not satisfy the council by then, and the council thinks {child_name} should attend "
        "school, it must serve a school attendance order. Before it does, it will write to tell you which "
        "school it intends to name, and you will be able to choose another.",
    ),
    "notice_of_intention": (
        "Notice of intention to serve a school attendance order (section 438, Education Act 1996)",
        "You have not satisfied the council that {child_name} is getting a suitable education. The "
        "council intends to serve a school attendance order.\n\n"
        "The order will name this school, and any others listed as alternatives:\n\n"
        "**{schools_named}**\n\n"
        "You can choose one of the alternatives, or get a place for {child_name} at another school (a "
        "maintained school, an academy or an independent school). If you tell us by the end of "
        "**{period_end}**, the order will name the school you chose.\n\n"
        "{reason}",
    ),
    "order": (
        "School attendance order (section 437(3), Education Act 1996)",
        "The council has not been satisfied that {child_name} (born {date_of_birth}) is getting a "
        "suitable education, and thinks it expedient that they should attend school.\n\n"
        "You are required to cause {child_name} to become a registered pupil at:\n\n"
        "**{schools_named}**\n\n"
        "{reason}\n\n"
        "The order stays in force while {child_name} is of compulsory school age, unless the council "
        "revokes it or a court directs otherwise. You can ask the council to change the school named, if "
        "you get a place at another school, or to revoke the order if you arrange suitable education "
        "otherwise.\n\n"
        "Not complying with this order is a criminal offence (section 443), unless you prove that "
        "{child_name} is getting suitable education otherwise than at school.",
    ),
}
_AMENDMENT = (
    "Amended school attendance order (section 440, Education Act 1996)",
    "The school attendance order served on you for {child_name} (born {date_of_birth}) named:\n\n"
    "**{previous_school}**\n\n"
    "You have told the council that a place has been obtained for {child_name} at another school. "
    "The council has amended the order. It now requires you to cause {child_name} to become a "
    "registered pupil at:\n\n"
    "**{schools_named}**\n\n"
    "{reason}\n\n"
    "Everything else in the order stays the same. The council will check with the school that "
    "{child_name} is registered there by **{period_end}**.\n\n"
    "Not complying with the order is a criminal offence (section 443), unless you prove that "
    "{child_name} is getting suitable education otherwise than at school.",
)
DEFAULTS["amendment"] = _AMENDMENT

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
