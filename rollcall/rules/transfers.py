"""Children moving to another council: what moves with them, when the other council must answer,
whether a council-to-council message may be believed, and the CTF destination codes.

Sources (DOMAIN.md, "Children moving between councils"; DOMAIN-SOURCES.md §8.2):

- DfE *Children missing education* (2024): when enquiries show the child now lives in another
  council's area, tell that council with the details known, and keep the case open until it
  **confirms the child is known** to it. Roll Call's default: chase (escalate) when no
  confirmation has come **10 school days** after telling it (a council setting).
- CTF specifications (S2S): a pupil whose destination is unknown goes to the Lost Pupils Database
  in a "lost" CTF with destination LA ``XXX`` and establishment ``XXXX``, one pupil per file; a
  destination outside the English and Welsh maintained sector uses ``MMM``/``MMMM`` *(to confirm
  against the current CTF specification)*.

A council-to-council message (docs/transfers.md) is believed only when its signature verifies
(rollcall/transfers/signing.py, with a maintained library), it names a partner council the
administrator has added, it is addressed to this council, its time is within a window of now, and
its message id has not been seen before. The pure parts of that decision are here.

Pure Python: no Django import.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Final

from rollcall.rules.calendar import SchoolCalendar

__all__ = [
    "DEFAULT_TRANSFER_SETTINGS",
    "LOST_PUPILS_DESTINATION",
    "NOT_MOVED_TASK_CODES",
    "OUTSIDE_MAINTAINED_SECTOR_DESTINATION",
    "MessageRefused",
    "MovingTask",
    "TransferSettings",
    "acknowledgement_due",
    "ctf_destination",
    "escalation_due",
    "is_la_code",
    "message_problem",
    "tasks_that_move",
]

# S2S / CTF destination codes (DOMAIN.md): the Lost Pupils Database, and outside the English and
# Welsh maintained sector (independent, Scotland, abroad; to confirm against the CTF spec).
LOST_PUPILS_DESTINATION: Final = ("XXX", "XXXX")
OUTSIDE_MAINTAINED_SECTOR_DESTINATION: Final = ("MMM", "MMMM")

# Work that belongs to the sending council's own handling of the case and does not move: a
# closure waiting for its manager, the check that a child is back on a roll here, and the
# transfer's own waiting and follow-up tasks.
NOT_MOVED_TASK_CODES: Final = frozenset(
    {"approve_closure", "confirm_on_roll", "transfer_acknowledgement", "transfer_letter_follow_up"}
)


@dataclass(frozen=True)
class TransferSettings:
    """The council's timescales for a move to another council (a setting each; defaults above)."""

    acknowledge_within_school_days: int = 10
    """School days the receiving council has to confirm before the sending side escalates."""
    letter_follow_up_school_days: int = 10
    """School days after a transfer letter before the officer follows it up by other means."""
    message_window_seconds: int = 300
    """How far a message's time may be from ours, either way, before it is refused."""

    def __post_init__(self) -> None:
        for name in ("acknowledge_within_school_days", "letter_follow_up_school_days"):
            if getattr(self, name) < 1:
                msg = f"{name} must be at least 1 school day"
                raise ValueError(msg)
        if self.message_window_seconds < 1:
            msg = "message_window_seconds must be at least 1 second"
            raise ValueError(msg)


DEFAULT_TRANSFER_SETTINGS: Final = TransferSettings()


def is_la_code(code: str) -> bool:
    """Say whether ``code`` has the shape of a DfE LA code: three ASCII digits."""
    return len(code) == 3 and code.isascii() and code.isdigit()


def acknowledgement_due(calendar: SchoolCalendar, sent_on: dt.date, settings: TransferSettings) -> dt.date:
    """The day by which the receiving council should have confirmed the child is known to it.

    The day the transfer was sent is day 0 (DOMAIN.md, "school day").
    """
    return calendar.add_school_days(sent_on, settings.acknowledge_within_school_days)


def escalation_due(
    calendar: SchoolCalendar, sent_on: dt.date, today: dt.date, settings: TransferSettings
) -> bool:
    """Say whether a transfer sent on ``sent_on`` and not yet acknowledged is escalated ``today``:
    true from the first day after the acknowledgement was due."""
    return today > acknowledgement_due(calendar, sent_on, settings)


@dataclass(frozen=True)
class MovingTask:
    """An open task of the sending case: its code, what it asks and when it is due."""

    code: str
    title: str
    due: dt.date


def tasks_that_move(tasks: Iterable[MovingTask]) -> list[MovingTask]:
    """The open tasks the receiving council takes on, due dates kept, in due-date order.

    Everything open moves except the sending council's own handling of the case
    (:data:`NOT_MOVED_TASK_CODES`): the work still to do for the child does not get lost in the
    move, and its dates do not restart.
    """
    moving = [t for t in tasks if t.code not in NOT_MOVED_TASK_CODES]
    return sorted(moving, key=lambda t: (t.due, t.code, t.title))


class MessageRefused(Exception):
    """Why a council-to-council message was not believed; ``str()`` is the reason given back."""


def message_problem(
    *,
    sent_at: dt.datetime,
    now: dt.datetime,
    window_seconds: int,
    recipient: str,
    our_code: str,
    seen_before: bool,
) -> str | None:
    """The reason to refuse a message whose signature has verified, or None to accept it.

    Refused when it is addressed to another council, when its time is more than
    ``window_seconds`` from ``now`` either way (a message held back and sent later, or a clock far
    wrong), or when its message id was seen before (a replay). Times must be timezone-aware.
    """
    if sent_at.tzinfo is None or now.tzinfo is None:
        msg = "Message times must carry their time zone"
        raise ValueError(msg)
    if recipient != our_code:
        return f"The message is addressed to council {recipient}, not to this council ({our_code})"
    if abs((now - sent_at).total_seconds()) > window_seconds:
        return f"The message's time is more than {window_seconds} seconds from this council's clock"
    if seen_before:
        return "This message has been received before: a replay is refused"
    return None


def ctf_destination(
    *, la_code: str | None, establishment: str | None, outside_maintained_sector: bool = False
) -> tuple[str, str]:
    """The CTF destination (LA, establishment) for a pupil who has left.

    A known school in England or Wales: its own codes. Outside the English and Welsh maintained
    sector: ``MMM``/``MMMM``. Otherwise, including a known council but no known school, the Lost
    Pupils Database's ``XXX``/``XXXX``, so that the new council can find the child there.
    """
    if outside_maintained_sector:
        return OUTSIDE_MAINTAINED_SECTOR_DESTINATION
    if (
        la_code
        and establishment
        and is_la_code(la_code)
        and len(establishment) == 4
        and establishment.isdigit()
    ):
        return (la_code, establishment)
    return LOST_PUPILS_DESTINATION
