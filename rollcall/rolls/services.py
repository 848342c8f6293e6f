"""Loading a school's roll snapshot: one engine for every door (CSV, API, CTF).

:func:`roll_load` takes one school's whole roll on a date and, in one transaction (all or
nothing), in a number of queries that does not grow with the pupils:

1. refuses a snapshot older than the school's latest (rules/rolls.py), and says "unchanged" for
   the same snapshot sent again (its hash);
2. matches each pupil to a child: a known UPN whose details agree (rules/identity.py), or no UPN
   match and exactly one child born that day whose name agrees and who holds no other UPN; a
   pupil nobody shares a surname and a date of birth with is a new child (created in bulk). Every
   other pupil (details that disagree, a UPN the record lacks, look-alikes) goes through the claims
   service (rollcall/returns/claims.py) as a new pupil return: never a silent change to a record;
3. compares the roll with the spells open at the school (rules/rolls.py: joiners, leavers,
   unchanged) and opens and closes the spells (schools.RollEntry) in bulk;
4. follows up: a leaver with no deletion return from the school is asked for (due in the council's
   number of school days, the Inclusion team and the school told); a joiner with an open CME case
   has it closed as back on roll when the identity rules say it is safe, or moved to "back on roll,
   to confirm" (casework.services.roll_join).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction
from django.db.models import Max
from django.urls import reverse
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.admissions.services import requests_answered_by_roll
from rollcall.bulk_insert import insert_rows
from rollcall.casework import events as case_events
from rollcall.casework.calendar import council_calendar
from rollcall.casework.events import BulkEvent, events_record_bulk
from rollcall.casework.models import Case
from rollcall.casework.services import roll_join
from rollcall.notify.services import message_send, team_members
from rollcall.people.birthday_lookup import children_born_like
from rollcall.people.models import Address, Carer, Child
from rollcall.planner_statistics import refresh_statistics
from rollcall.returns.claims import Pupil, claim_receive, school_link
from rollcall.returns.models import SchoolReturn
from rollcall.returns.new_pupils import new_pupil_returns_from_roll
from rollcall.rolls.ctf import PupilDetails
from rollcall.rolls.events import ROLL_LEFT_WITHOUT_NOTICE
from rollcall.rolls.models import DeletionReturnMissing, PupilCharacteristics, RollSettings, RollSnapshot
from rollcall.rolls.pupils import LineError, PupilRow, RollFileError, snapshot_hash
from rollcall.rules.identity import (
    ClaimKind,
    Decision,
    Details,
    Link,
    claim_decision,
    details_disagreements,
    lookup_ends,
    names_agree,
    normalise_name,
)
from rollcall.rules.rolls import (
    RollRow,
    deletion_return_due,
    left_without_notice,
    roll_changes,
    snapshot_date_check,
)
from rollcall.schools.models import RemovalNotice, RollEntry, School

__all__ = ["Progress", "RollLoaded", "roll_load"]

Progress = Callable[[int, int], None]
CHUNK = 500  # ids per IN (...) list: well under SQLite's limit on query parameters


@dataclass
class RollLoaded:
    """What a snapshot did (``unchanged``: the same snapshot was already loaded; nothing changed)."""

    snapshot: RollSnapshot
    unchanged: bool = False
    joined: list[int] = field(default_factory=list)
    left: list[int] = field(default_factory=list)
    left_without_notice: list[int] = field(default_factory=list)
    held: int = 0
    cases_closed: int = 0
    cases_to_confirm: int = 0
    children: dict[int, int] = field(default_factory=dict)  # row line -> child, where matched
    requests_answered: int = 0  # put-on-roll requests the roll answered "on roll"
    new_pupil_returns: int = 0  # joiners recorded as the school's new pupil returns


@dataclass(frozen=True)
class _Held:
    pk: int
    forename: str
    surname: str
    date_of_birth: dt.date
    upn: str | None


def _chunks(items: Sequence[object]) -> list[Sequence[object]]:
    return [items[start : start + CHUNK] for start in range(0, len(items), CHUNK)]


def _children_by_upn(upns: list[str]) -> dict[str, _Held]:
    found: dict[str, _Held] = {}
    merged: dict[str, int] = {}
    for chunk in _chunks(upns):
        for pk, upn, forename, surname, dob, merged_into in Child.objects.filter(upn__in=chunk).values_list(
            "pk", "upn", "legal_forename", "legal_surname", "date_of_birth", "merged_into_id"
        ):
            survivor: int | None = merged_into
            if survivor is not None:
                merged[str(upn)] = survivor
            else:
                found[str(upn)] = _Held(pk, forename, surname, dob, upn)
    if merged:
        # A record merged into another kept its UPN: the survivor is the child (one step is enough).
        survivors = {
            pk: _Held(pk, f, s, d, u)
            for pk, f, s, d, u in Child.objects.filter(pk__in=set(merged.values())).values_list(
                "pk", "legal_forename", "legal_surname", "date_of_birth", "upn"
            )
        }
        found.update((upn, survivors[pk]) for upn, pk in merged.items() if pk in survivors)
    return found


def _children_by_dob(rows: list[PupilRow]) -> dict[dt.date, list[_Held]]:
    """The children (not merged away) born on these rows' birthdays who could be a row's pupil
    (rules.identity.could_be_the_pupil), found through indexes a batch at a time
    (people.birthday_lookup), so a national roll does not read every child born on each pupil's
    birthday for every school."""
    wanted = sorted({(row.date_of_birth, *lookup_ends(row.forename, row.surname)) for row in rows})
    found: dict[dt.date, list[_Held]] = defaultdict(list)
    seen: set[int] = set()
    for start in range(0, len(wanted), CHUNK):
        batch = children_born_like(wanted[start : start + CHUNK])
        if batch is None:  # another database: every child born on those days
            return _children_born(sorted({row.date_of_birth for row in rows}))
        for pk, forename, surname, born, upn in batch:
            if pk not in seen:  # found again by a later batch
                seen.add(pk)
                found[born].append(_Held(pk, forename, surname, born, upn))
    return found


def _children_born(dobs: list[dt.date]) -> dict[dt.date, list[_Held]]:
    found: dict[dt.date, list[_Held]] = defaultdict(list)
    for chunk in _chunks(dobs):
        for pk, forename, surname, dob, upn in Child.objects.filter(
            date_of_birth__in=chunk, merged_into__isnull=True
        ).values_list("pk", "legal_forename", "legal_surname", "date_of_birth", "upn"):
            found[dob].append(_Held(pk, forename, surname, dob, upn))
    return found


def _details(row: PupilRow) -> Details:
    return Details(row.forename, row.surname, row.date_of_birth, row.upn)


def _held_details(held: _Held) -> Details:
    return Details(held.forename, held.surname, held.date_of_birth, held.upn)


def _current_spells(school: School) -> tuple[dict[int, tuple[int, dt.date]], dict[str, _Held]]:
    """The school's open roll spells (child -> (spell, on roll from)), and their children (not
    merged away) by UPN, in one query: the next day's roll is mostly the same pupils, found here
    without sending every UPN back to the database."""
    spells: dict[int, tuple[int, dt.date]] = {}
    on_roll: dict[str, _Held] = {}
    for pk, child_id, since, upn, forename, surname, dob, merged_into in RollEntry.objects.filter(
        school=school, on_roll_to__isnull=True
    ).values_list(
        "pk",
        "child_id",
        "on_roll_from",
        "child__upn",
        "child__legal_forename",
        "child__legal_surname",
        "child__date_of_birth",
        "child__merged_into_id",
    ):
        spells[child_id] = (pk, since)
        if upn and merged_into is None:
            on_roll[upn] = _Held(child_id, forename, surname, dob, upn)
    return spells, on_roll


def _match(
    rows: list[PupilRow], on_roll: Mapping[str, _Held]
) -> tuple[dict[int, int], list[PupilRow], list[PupilRow]]:
    """Match rows to children: (row line -> child id), rows for new children, rows to claim.

    ``on_roll``: children already known by UPN (UPNs are unique: the same child a lookup finds).
    """
    matched: dict[int, int] = {}
    new: list[PupilRow] = []
    claims: list[PupilRow] = []
    upns = {row.upn for row in rows if row.upn}
    by_upn = {upn: on_roll[upn] for upn in upns if upn in on_roll}
    by_upn.update(_children_by_upn(sorted(upns - by_upn.keys())))
    rest: list[PupilRow] = []
    for row in rows:
        held = by_upn.get(row.upn or "")
        if held is None:
            rest.append(row)
            continue
        if details_disagreements(_details(row), _held_details(held)):
            claims.append(row)
        else:
            matched[row.line] = held.pk
    by_dob = _children_by_dob(rest)
    for row in rest:
        born_that_day = by_dob.get(row.date_of_birth, [])
        agreeing = [
            held
            for held in born_that_day
            if names_agree(row.forename, row.surname, held.forename, held.surname)
        ]
        # Same surname and birthday with another first name: a possible duplicate only when one side
        # has no UPN (two different UPNs and two first names are two children, e.g. twins).
        same_surname = [
            held
            for held in born_that_day
            if (row.upn is None or held.upn is None)
            and normalise_name(held.surname) == normalise_name(row.surname)
        ]
        if not agreeing and not same_surname:
            new.append(row)
        elif len(agreeing) == 1 and agreeing[0].upn is None and row.upn is None:
            matched[row.line] = agreeing[0].pk
        else:
            # A look-alike, a UPN the record lacks or another UPN: an officer decides.
            claims.append(row)
    return matched, new, claims


def _when_db(instant: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(instant)


def _day_db(day: dt.date | None) -> Any:
    return connection.ops.adapt_datefield_value(day)


def _create_children(
    rows: list[PupilRow], school: School, actor: User | None, instant: dt.datetime
) -> dict[int, int]:
    """New children in bulk, each with its history row and a "record created" event."""
    if not rows:
        return {}
    at, actor_id = _when_db(instant), actor.pk if actor else None
    before = Child.objects.aggregate(last=Max("pk"))["last"] or 0
    columns = ("legal_forename", "legal_surname", "preferred_name", "date_of_birth", "gender", "upn")
    insert_rows(
        Child,
        (*columns, "created_at", "updated_at"),
        [
            (row.forename, row.surname, "", _day_db(row.date_of_birth), row.sex, row.upn, at, at)
            for row in rows
        ],
    )
    created = list(
        Child.objects.filter(pk__gt=before, created_at=instant)
        .order_by("pk")
        .values_list("pk", "upn", "legal_forename", "legal_surname", "date_of_birth")
    )
    by_key: dict[tuple[Any, ...], list[int]] = defaultdict(list)
    for pk, upn, forename, surname, dob in created:
        by_key[(upn, forename, surname, dob)].append(pk)
    made: dict[int, int] = {}
    for row in rows:
        made[row.line] = by_key[(row.upn, row.forename, row.surname, row.date_of_birth)].pop(0)
    history = Child.history.model
    insert_rows(
        history,
        ("id", *columns, "created_at", "updated_at", "history_date", "history_type", "history_user_id"),
        [
            (
                made[row.line],
                row.forename,
                row.surname,
                "",
                _day_db(row.date_of_birth),
                row.sex,
                row.upn,
                at,
                at,
                at,
                "+",
                actor_id,
            )
            for row in rows
        ],
    )
    # Through casework's service: an area never writes timeline rows itself.
    events_record_bulk(
        records=[
            BulkEvent(
                child_id=made[row.line],
                verb=case_events.CHILD_CREATED,
                payload={"source": f"roll of {school.name}", "possible_duplicates": []},
                actor_id=actor_id,
            )
            for row in rows
        ],
        at=instant,
    )
    return made


def _open_spells(
    school: School, joiners: Mapping[int, dt.date], source: str, actor: User | None, instant: dt.datetime
) -> None:
    """The joiners' roll spells in bulk, each with its history row."""
    if not joiners:
        return
    at, actor_id = _when_db(instant), actor.pk if actor else None
    before = RollEntry.objects.aggregate(last=Max("pk"))["last"] or 0
    insert_rows(
        RollEntry,
        ("child_id", "school_id", "on_roll_from", "leaving_ground", "destination_details", "source"),
        [(child_id, school.pk, _day_db(since), "", "", source) for child_id, since in joiners.items()],
    )
    opened = RollEntry.objects.filter(pk__gt=before, school=school, on_roll_to__isnull=True).values_list(
        "pk", "child_id", "on_roll_from"
    )
    history = RollEntry.history.model
    insert_rows(
        history,
        (
            "id",
            "child_id",
            "school_id",
            "on_roll_from",
            "leaving_ground",
            "destination_details",
            "source",
            "history_date",
            "history_type",
            "history_user_id",
        ),
        [
            (pk, child_id, school.pk, _day_db(since), "", "", source, at, "+", actor_id)
            for pk, child_id, since in opened
            if child_id in joiners
        ],
    )


def _claim_key(school: School, row: PupilRow) -> str:
    digest = hashlib.sha256(repr(row.key()[:4]).encode()).hexdigest()[:32]
    return f"roll:{school.urn}:{digest}"


def _claim(
    rows: list[PupilRow], school: School, actor: User | None, as_of: dt.date, instant: dt.datetime
) -> tuple[dict[int, int], dict[int, int]]:
    """Each row the engine could not match safely, as a new pupil return: (accepted, held) by line."""
    accepted: dict[int, int] = {}
    held: dict[int, int] = {}
    if not rows:
        return accepted, held
    sender = actor or _system_user(school)
    for row in rows:
        received = claim_receive(
            kind=SchoolReturn.Kind.NEW_PUPIL,
            school=school,
            actor=sender,
            pupil=Pupil(
                forename=row.forename,
                surname=row.surname,
                date_of_birth=row.date_of_birth,
                upn=row.upn,
                gender=row.sex,
            ),
            on=row.admission_date or as_of,
            sent={"entered_on": (row.admission_date or as_of).isoformat(), "roll_as_of": as_of.isoformat()},
            idempotency_key=_claim_key(school, row),
            at=instant,
        )
        if received.child is not None:
            accepted[row.line] = received.child.pk
        elif received.school_return.child_id is not None:
            held[row.line] = received.school_return.child_id
    return accepted, held


def _sender(school: School) -> User | None:
    return (
        User.objects.filter(memberships__school=school, is_active=True).order_by("pk").first()
        or User.objects.filter(is_superuser=True, is_active=True).order_by("pk").first()
    )


def _system_user(school: School) -> User:
    """Who sent a return read from a roll loaded by a command: the school's first user, else the
    first administrator."""
    user = _sender(school)
    if user is None:
        raise RollFileError(
            [
                LineError(
                    0, "", f"pupils to check need a sender: add a user for {school.name} or an administrator"
                )
            ]
        )
    return user


def roll_load(
    *,
    school: School,
    as_of: dt.date,
    rows: list[PupilRow],
    source: str,
    actor: User | None = None,
    original_name: str = "",
    at: dt.datetime | None = None,
    progress: Progress | None = None,
    details: Mapping[int, PupilDetails] | None = None,
) -> RollLoaded:
    """Load one school's roll as of ``as_of``: all or nothing (see the module's docstring).

    Raises :class:`~rollcall.rules.rolls.RollRefused` for an older snapshot and
    :class:`~rollcall.rolls.pupils.RollFileError` (line and field) for rows that cannot be loaded.
    """
    instant = at or clock.now()
    content_hash = snapshot_hash(as_of, rows)
    total = len(rows)
    with transaction.atomic():
        # One load per school at a time: a second waits here (PostgreSQL) and then sees the first.
        School.objects.select_for_update().filter(pk=school.pk).first()
        latest = RollSnapshot.objects.filter(school=school).order_by("-as_of", "-loaded_at", "-pk").first()
        snapshot_date_check(school=school.name, as_of=as_of, latest=latest.as_of if latest else None)
        if latest is not None and latest.content_hash == content_hash:
            return RollLoaded(snapshot=latest, unchanged=True)
        spells, on_roll = _current_spells(school)
        matched, new_rows, claim_rows = _match(rows, on_roll)
        if progress:
            progress(total // 3, total)
        matched.update(_create_children(new_rows, school, actor, instant))
        accepted, held = _claim(claim_rows, school, actor, as_of, instant)
        matched.update(accepted)
        if progress:
            progress(2 * total // 3, total)
        by_line = {row.line: row for row in rows}
        current: dict[int, RollRow] = {}
        first_line: dict[int, int] = {}
        errors: list[LineError] = []
        for line, child_id in sorted(matched.items()):
            if child_id in first_line:
                errors.append(LineError(line, "upn", f"the same child as line {first_line[child_id]}"))
                continue
            first_line[child_id] = line
            row = by_line[line]
            current[child_id] = RollRow(row.admission_date, row.leaving_date)
        if errors:
            raise RollFileError(errors)
        # A pupil whose details wait for an officer stays as the roll held them until then.
        for line, child_id in held.items():
            if child_id in spells and child_id not in current:
                row = by_line[line]
                current[child_id] = RollRow(spells[child_id][1], row.leaving_date)
        changes = roll_changes(
            previous={child: since for child, (_pk, since) in spells.items()}, current=current, as_of=as_of
        )
        # Before the joiners' spells open: whether the council expected them there (for their cases).
        with_cme = _open_cme_children(list(changes.joiners))
        links = {child_id: school_link(child, school) for child_id, child in with_cme.items()}
        _open_spells(school, changes.joiners, f"roll:{source}", actor, instant)
        closing = []
        for chunk in _chunks([spells[child][0] for child in changes.leavers]):
            closing += list(RollEntry.objects.filter(pk__in=chunk))
        for entry in closing:
            entry.on_roll_to = changes.leavers[entry.child_id]
        if closing:
            bulk_update_with_history(
                closing, RollEntry, ["on_roll_to"], batch_size=500, default_user=actor, default_date=instant
            )
        snapshot = RollSnapshot.objects.create(
            school=school,
            as_of=as_of,
            source=source,
            content_hash=content_hash,
            loaded_at=instant,
            loaded_by=actor,
            original_name=original_name[:255],
            pupils=total,
            joiners=len(changes.joiners),
            leavers=len(changes.leavers),
            unchanged=len(changes.unchanged),
            new_children=len(new_rows),
            held=len(held)
            + sum(1 for row in claim_rows if row.line not in accepted and row.line not in held),
        )
        result = RollLoaded(
            snapshot=snapshot,
            joined=sorted(changes.joiners),
            left=sorted(changes.leavers),
            held=snapshot.held,
        )
        result.left_without_notice = _ask_for_deletion_returns(school, snapshot, closing, actor, instant)
        snapshot.left_without_notice = len(result.left_without_notice)
        snapshot.save(update_fields=["left_without_notice"])
        result.cases_closed, result.cases_to_confirm = _close_cases_back_on_roll(
            with_cme, links, rows, matched, school, changes.joiners, actor, as_of, instant
        )
        result.children = dict(matched)
        if changes.joiners:
            result.requests_answered = requests_answered_by_roll(
                school=school, joiners=changes.joiners, at=instant
            )
        # A school's first roll holds every pupil it has: only later rolls show new pupils.
        sender = actor or (_sender(school) if changes.joiners and latest is not None else None)
        if changes.joiners and latest is not None and sender is not None:
            result.new_pupil_returns = new_pupil_returns_from_roll(
                school=school,
                sender=sender,
                joiners=changes.joiners,
                roll_as_of=as_of,
                at=instant,
            )
        _store_characteristics(school, as_of, by_line, matched)
        if details:
            _store_details(school, details, matched, actor, instant)
        if progress:
            progress(total, total)
        # A first load can double a table: the next school's lookups need statistics that say so
        # (the tables this engine reads by child; the rest are written, not searched, here).
        transaction.on_commit(lambda: refresh_statistics(Child, RollEntry, PupilCharacteristics))
    return result


def _open_cme_children(child_ids: list[int]) -> dict[int, Child]:
    found: dict[int, Child] = {}
    for chunk in _chunks(child_ids):
        for case in Case.objects.open().filter(kind="cme", child_id__in=chunk).select_related("child"):
            found[case.child_id] = case.child
    return found


def _close_cases_back_on_roll(
    with_cme: dict[int, Child],
    links: dict[int, Link],
    rows: list[PupilRow],
    matched: dict[int, int],
    school: School,
    joiners: Mapping[int, dt.date],
    actor: User | None,
    as_of: dt.date,
    instant: dt.datetime,
) -> tuple[int, int]:
    """A joiner with an open CME case: closed as back on roll when the identity rules say it is
    safe (details agree and the council expected the pupil there), else "back on roll, to confirm"."""
    if not with_cme:
        return 0, 0
    row_of = {child_id: line for line, child_id in matched.items()}
    by_line = {row.line: row for row in rows}
    closed = to_confirm = 0
    for child_id, child in with_cme.items():
        row = by_line[row_of[child_id]]
        link = links[child_id]
        verdict = claim_decision(
            kind=ClaimKind.NEW_PUPIL,
            sent=_details(row),
            held=Details(child.legal_forename, child.legal_surname, child.date_of_birth, child.upn),
            link=Link(on_roll_until=link.on_roll_until, on_roll_now=False, expected=link.expected),
            on=joiners[child_id],
        )
        safe = verdict.decision is Decision.ACCEPT
        roll_join(
            child=child, school=school, on_roll_from=joiners[child_id], actor=actor, at=instant, expected=safe
        )
        if safe:
            closed += 1
        else:
            to_confirm += 1
    return closed, to_confirm


def _ask_for_deletion_returns(
    school: School,
    snapshot: RollSnapshot,
    closed: list[RollEntry],
    actor: User | None,
    instant: dt.datetime,
) -> list[int]:
    """Ask the school for each leaver's missing deletion return (idempotent per spell)."""
    if not closed:
        return []
    noticed: set[int] = set()
    spell_of = {entry.child_id: entry for entry in closed}
    for chunk in _chunks(list(spell_of)):
        for child_id, latest in (
            RemovalNotice.objects.filter(school=school, child_id__in=chunk)
            .values("child_id")
            .annotate(latest=Max("removal_date"))
            .values_list("child_id", "latest")
        ):
            if latest >= spell_of[child_id].on_roll_from:
                noticed.add(child_id)
    missing = left_without_notice(
        leavers={entry.child_id: entry.on_roll_to for entry in closed if entry.on_roll_to}, noticed=noticed
    )
    if not missing:
        return []
    calendar = council_calendar()
    days = RollSettings.current().deletion_return_due_school_days
    due = deletion_return_due(calendar, snapshot.as_of, days)
    DeletionReturnMissing.objects.bulk_create(
        [
            DeletionReturnMissing(
                school=school,
                child_id=child_id,
                roll_entry=spell_of[child_id],
                snapshot=snapshot,
                left_on=spell_of[child_id].on_roll_to or snapshot.as_of,
                due=due,
                created_at=instant,
            )
            for child_id in sorted(missing)
        ],
        ignore_conflicts=True,
        batch_size=500,
    )
    team = Team.objects.filter(kind=Team.Kind.INCLUSION).first()
    events_record_bulk(
        records=[
            BulkEvent(
                child_id=child_id,
                verb=ROLL_LEFT_WITHOUT_NOTICE,
                team_id=team.pk if team else None,
                actor_id=actor.pk if actor else None,
                payload={
                    "school": school.name,
                    "left_on": (spell_of[child_id].on_roll_to or snapshot.as_of).isoformat(),
                    "due": due.isoformat(),
                },
            )
            for child_id in sorted(missing)
        ],
        at=instant,
    )
    count = len(missing)
    pupils = f"{count} pupil{'s' if count != 1 else ''}"
    url = reverse("rolls:school", args=[school.urn])
    if team is not None:
        message_send(
            recipients=team_members(team),
            subject=f"{school.name}: {pupils} left the roll with no deletion return",
            body=(
                f"The roll of {school.name} as of {snapshot.as_of:%-d %B %Y} shows {pupils} gone with no "
                f"deletion return. The school has been asked for them by {due:%-d %B %Y}."
            ),
            url=url,
            key=f"roll-left-without-notice:{snapshot.pk}",
            at=instant,
        )
    school_users = User.objects.filter(memberships__school=school, is_active=True).distinct()
    message_send(
        recipients=school_users,
        subject=f"Deletion returns missing: {pupils}",
        body=(
            f"Your roll as of {snapshot.as_of:%-d %B %Y} shows {pupils} no longer on roll, with no "
            f"deletion return (reg. 13(4)). Send each return by {due:%-d %B %Y}."
        ),
        url=url,
        key=f"roll-returns-asked:{snapshot.pk}",
        at=instant,
    )
    return sorted(missing)


def _store_characteristics(
    school: School, as_of: dt.date, by_line: Mapping[int, PupilRow], matched: Mapping[int, int]
) -> None:
    """The optional DfE items of each matched pupil, as this roll gave them (one row per school).

    Only the rows that differ from what the school's last roll gave are rewritten (the next day's
    roll of a county changes a few hundred, not 100,000), by one raw multi-row insert per batch.
    """
    fields = ("year_group", "sen_status", "ehcp", "fsm", "looked_after", "cin_cp")
    held = {
        child_id: tuple(values)
        for child_id, *values in PupilCharacteristics.objects.filter(school=school).values_list(
            "child_id", *fields
        )
    }
    wanted: dict[int, tuple[Any, ...]] = {}
    for line, child_id in matched.items():
        row = by_line[line]
        wanted[child_id] = (row.year_group, row.sen_status, row.ehcp, row.fsm, row.looked_after, row.cin_cp)
    changed = sorted(child_id for child_id, values in wanted.items() if held.get(child_id) != values)
    if not changed:
        return
    stale = [child_id for child_id in changed if child_id in held]
    for chunk in _chunks(stale):
        PupilCharacteristics.objects.filter(school=school, child_id__in=chunk).delete()
    day = _day_db(as_of)
    insert_rows(
        PupilCharacteristics,
        ("child_id", "school_id", "as_of", *fields),
        [(child_id, school.pk, day, *wanted[child_id]) for child_id in changed],
    )


def _store_details(
    school: School,
    details: Mapping[int, PupilDetails],
    matched: Mapping[int, int],
    actor: User | None,
    instant: dt.datetime,
) -> None:
    """A CTF's home address and contacts, for the matched children the council holds none for.

    A record that already has a current address or carers is left as it is: a difference is for an
    officer (an address change comes through the council's own process), never a silent change.
    """
    wanted = {matched[line]: found for line, found in details.items() if line in matched}
    if not wanted:
        return
    with_address: set[int] = set()
    with_carers: set[int] = set()
    for chunk in _chunks(sorted(wanted)):
        with_address |= set(
            Address.objects.filter(child_id__in=chunk, moved_out__isnull=True).values_list(
                "child_id", flat=True
            )
        )
        with_carers |= set(Carer.objects.filter(child_id__in=chunk).values_list("child_id", flat=True))
    addresses = [
        Address(
            child_id=child_id,
            line_1=found.address.line_1,
            line_2=found.address.line_2,
            town=found.address.town,
            postcode=found.address.postcode,
            supplied_by_school=school,
        )
        for child_id, found in sorted(wanted.items())
        if found.address is not None and child_id not in with_address
    ]
    carers = [
        Carer(
            child_id=child_id,
            name=contact.name,
            relationship=contact.relationship,
            parental_responsibility=contact.parental_responsibility,
            phone=contact.phone,
            email=contact.email,
            supplied_by_school=school,
        )
        for child_id, found in sorted(wanted.items())
        if child_id not in with_carers
        for contact in found.contacts
    ]
    if addresses:
        bulk_create_with_history(addresses, Address, batch_size=500, default_user=actor, default_date=instant)
    if carers:
        bulk_create_with_history(carers, Carer, batch_size=500, default_user=actor, default_date=instant)
