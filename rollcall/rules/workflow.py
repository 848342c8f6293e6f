"""Case workflows as data, and the one check every status change goes through.

Each case kind declares its statuses, the moves between them, who may make each move and what
each move needs (an outcome, a reason, an approval), in the style of django-oscar's status
pipelines (STYLE.md, "Workflows as data"). :func:`check_transition` is the only place the rules
are enforced; it raises :class:`TransitionRefused` with a sentence an officer can read.

To add a case kind, declare one more :class:`Workflow` below and add it to :data:`WORKFLOWS`.
Declarations are checked when the module is imported, so a typo fails at start-up, not in use.
"""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

__all__ = [
    "CME",
    "EHE",
    "EXCLUSION",
    "OUTCOME_NEEDS",
    "REMOVAL",
    "REQUIREMENTS",
    "SAO",
    "WORKFLOWS",
    "Outcome",
    "Role",
    "Transition",
    "TransitionRefused",
    "Workflow",
    "check_transition",
]


class Role(enum.StrEnum):
    """Who is acting. SYSTEM is Roll Call itself (the sweep, an import)."""

    OFFICER = "officer"
    MANAGER = "manager"
    HEAD_OF_SERVICE = "head_of_service"
    ADMINISTRATOR = "administrator"
    SCHOOL = "school"
    # Directors, the management team and scrutiny committee members: reports and action plans,
    # never a child's record.
    READER = "reader"
    SYSTEM = "system"

    @property
    def label(self) -> str:
        """The role's name as an officer reads it."""
        return _ROLE_LABELS[self][0]

    @property
    def with_article(self) -> str:
        """The role's name inside a sentence: "an officer", "the system"."""
        return _ROLE_LABELS[self][1]


_ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.OFFICER: ("Officer", "an officer"),
    Role.MANAGER: ("Team manager", "a team manager"),
    Role.HEAD_OF_SERVICE: ("Head of service", "a head of service"),
    Role.ADMINISTRATOR: ("Administrator", "an administrator"),
    Role.SCHOOL: ("School", "a school"),
    Role.READER: ("Reports reader", "a reports reader"),
    Role.SYSTEM: ("System", "the system"),
}

# What a transition may require from whoever makes it.
REQUIREMENTS = frozenset({"outcome", "reason", "approval"})

# What an outcome may need recorded with it, and how a refusal names each.
_NEED_PHRASES: Mapping[str, str] = MappingProxyType(
    {
        "school": "the name of the school",
        "details": "details",
        "council": "the receiving council's name",
        "council_told_on": "the date it was told",
        "evidence": "evidence",
    }
)
OUTCOME_NEEDS = frozenset(_NEED_PHRASES)

_OFFICERS = frozenset({Role.OFFICER, Role.MANAGER, Role.HEAD_OF_SERVICE})
_MANAGERS = frozenset({Role.MANAGER, Role.HEAD_OF_SERVICE})


@dataclass(frozen=True)
class Outcome:
    """How a case ended, and what must be recorded with it."""

    code: str
    label: str
    needs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Transition:
    """One allowed move from ``source`` to ``target`` status.

    ``name`` is the button an officer presses ("Start enquiries"). ``requires`` lists what the
    person must supply, among "outcome", "reason" and "approval". ``outcomes``, when not empty,
    limits the move to those outcomes (the system may close a case only because the child is on a
    school roll).
    """

    source: str
    target: str
    name: str
    roles: frozenset[Role]
    requires: frozenset[str] = frozenset()
    outcomes: frozenset[str] = frozenset()


class TransitionRefused(Exception):
    """A status change the workflow does not allow; ``str(error)`` is a sentence for the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Workflow:
    """The statuses and transitions of one case kind."""

    kind: str
    label: str
    statuses: Mapping[str, str] = field(hash=False)
    """Status code -> label, in the order a screen lists them."""
    initial: str
    closed: frozenset[str]
    transitions: tuple[Transition, ...]
    outcomes: Mapping[str, Outcome] = field(hash=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "statuses", MappingProxyType(dict(self.statuses)))
        object.__setattr__(self, "outcomes", MappingProxyType(dict(self.outcomes)))
        object.__setattr__(self, "transitions", tuple(self.transitions))
        problems = list(_declaration_problems(self))
        if problems:
            msg = f"Workflow {self.kind!r} is declared wrongly: " + "; ".join(problems)
            raise ValueError(msg)

    @property
    def noun(self) -> str:
        """The case kind inside a sentence: "child missing education case"."""
        return f"{self.label[0].lower()}{self.label[1:]} case"

    def status_label(self, status: str) -> str:
        """Return the label of ``status``, or the code itself if it is not a status."""
        return self.statuses.get(status, status)

    def is_closed(self, status: str) -> bool:
        """Say whether ``status`` is a closed status."""
        return status in self.closed

    def allowed(self, source: str, role: Role) -> list[Transition]:
        """List the moves ``role`` may make from ``source``, in declaration order."""
        return [t for t in self.transitions if t.source == source and role in t.roles]

    def transition(self, source: str, target: str, role: Role | None = None) -> Transition | None:
        """Return the transition from ``source`` to ``target`` (for ``role``, if given), or None.

        A move can be declared twice for different roles (a manager closes a case with any
        outcome; the system only because the child is on roll); without ``role`` the first
        declared is returned.
        """
        for t in self.transitions:
            if t.source == source and t.target == target and (role is None or role in t.roles):
                return t
        return None


def _declaration_problems(w: Workflow) -> Iterable[str]:
    """Yield every inconsistency in a workflow's declaration."""
    if w.initial not in w.statuses:
        yield f"initial status {w.initial!r} is not a status"
    for status in sorted(w.closed - set(w.statuses)):
        yield f"closed status {status!r} is not a status"
    for code, outcome in w.outcomes.items():
        if code != outcome.code:
            yield f"outcome {code!r} is declared with code {outcome.code!r}"
        for need in sorted(outcome.needs - OUTCOME_NEEDS):
            yield f"outcome {code!r} needs {need!r}, which is not one of {sorted(OUTCOME_NEEDS)}"
    seen: set[tuple[str, str, Role]] = set()
    for t in w.transitions:
        move = f"{t.name!r} ({t.source} -> {t.target})"
        for status in (t.source, t.target):
            if status not in w.statuses:
                yield f"{move} uses {status!r}, which is not a status"
        if t.source == t.target:
            yield f"{move} goes nowhere"
        if not t.roles:
            yield f"{move} has no roles"
        for item in sorted(t.requires - REQUIREMENTS):
            yield f"{move} requires {item!r}, which is not one of {sorted(REQUIREMENTS)}"
        for code in sorted(t.outcomes - set(w.outcomes)):
            yield f"{move} allows outcome {code!r}, which is not an outcome"
        if t.outcomes and "outcome" not in t.requires:
            yield f"{move} limits outcomes but does not require one"
        for role in t.roles:
            key = (t.source, t.target, role)
            if key in seen:
                yield f"{move} is declared twice for {role.value}"
            seen.add(key)


def _either(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " or " + items[-1]


def _both(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def check_transition(
    workflow: Workflow,
    source: str,
    target: str,
    role: Role,
    provided: Collection[str],
    outcome: str | None = None,
    outcome_details: Collection[str] = (),
) -> Transition:
    """Check that ``role`` may move a case from ``source`` to ``target``, and return the move.

    ``provided`` lists what the person supplied among "reason" and "approval"; an outcome counts
    as supplied when ``outcome`` (its code) is given. ``outcome_details`` lists what was recorded
    with the outcome among "school", "details", "council", "council_told_on" and "evidence".

    Raises :class:`TransitionRefused`, with a sentence for the user, when the statuses are unknown,
    the move does not exist, the role may not make it, something it requires is missing, the
    outcome is unknown or not allowed for this move, or the outcome lacks what it needs.
    """
    for status in (source, target):
        if status not in workflow.statuses:
            msg = f"'{status}' is not a status of a {workflow.noun}"
            raise TransitionRefused(msg)
    source_label, target_label = workflow.status_label(source), workflow.status_label(target)

    candidates = [t for t in workflow.transitions if t.source == source and t.target == target]
    if not candidates:
        msg = f"A {workflow.noun} cannot go from {source_label} to {target_label}"
        raise TransitionRefused(msg)
    move = next((t for t in candidates if role in t.roles), None)
    if move is None:
        verb = candidates[0].name.lower()
        allowed = sorted({r for t in candidates for r in t.roles} - {Role.SYSTEM}, key=_role_order)
        who = f"only {_either([r.with_article for r in allowed])} can" if allowed else "nobody can"
        msg = f"You cannot {verb} from {source_label} to {target_label} as {role.with_article}: {who}"
        raise TransitionRefused(msg)

    verb = move.name.lower()
    if "reason" in move.requires and "reason" not in provided:
        msg = f"A reason is needed to {verb}"
        raise TransitionRefused(msg)
    if "approval" in move.requires and "approval" not in provided:
        msg = f"Approval is needed to {verb}"
        raise TransitionRefused(msg)

    if "outcome" not in move.requires:
        if outcome is not None:
            msg = f"'{move.name}' does not take an outcome"
            raise TransitionRefused(msg)
        return move
    if outcome is None:
        msg = f"An outcome is needed to {verb}"
        raise TransitionRefused(msg)
    chosen = workflow.outcomes.get(outcome)
    if chosen is None:
        msg = f"'{outcome}' is not an outcome of a {workflow.noun}"
        raise TransitionRefused(msg)
    if move.outcomes and outcome not in move.outcomes:
        labels = [f"'{workflow.outcomes[code].label}'" for code in sorted(move.outcomes)]
        msg = (
            f"{role.with_article[0].upper()}{role.with_article[1:]} can {verb} only with the "
            f"outcome {_either(labels)}"
        )
        raise TransitionRefused(msg)
    missing = [need for need in _NEED_PHRASES if need in chosen.needs and need not in outcome_details]
    if missing:
        msg = f"Outcome '{chosen.label}' needs {_both([_NEED_PHRASES[n] for n in missing])}"
        raise TransitionRefused(msg)
    return move


def _role_order(role: Role) -> int:
    return list(Role).index(role)


# --------------------------------------------------------------------------------------------
# Child missing education. DfE *Children missing education* (2024): a case closes only when the
# child is found in education, or located elsewhere and handed over (DOMAIN.md: "the case closes
# only when [the other council] confirms the child is known to it").

CME = Workflow(
    kind="cme",
    label="Child missing education",
    statuses={
        "new": "New",
        "enquiries": "Enquiries under way",
        "awaiting_approval": "Closure awaiting approval",
        "on_roll_to_confirm": "Back on roll, to confirm",
        # The child has moved to another council's area and that council has been sent the
        # transfer: the case stays open until it confirms the child is known to it (DOMAIN.md,
        # "Children moving between councils"; rollcall/transfers).
        "transfer_pending": "Moved to another council, waiting for it to confirm",
        "closed": "Closed",
    },
    initial="new",
    closed=frozenset({"closed"}),
    transitions=(
        Transition("new", "enquiries", "Start enquiries", _OFFICERS),
        # A school the council did not expect says the child joined its roll, and an officer
        # confirmed the details were this child's: the case's owner checks and closes it.
        *(
            Transition(source, "on_roll_to_confirm", "Back on roll, to confirm", frozenset({Role.SYSTEM}))
            for source in ("new", "enquiries", "awaiting_approval", "transfer_pending")
        ),
        Transition(
            "on_roll_to_confirm",
            "closed",
            "Close as back on roll",
            _OFFICERS,
            requires=frozenset({"outcome"}),
            outcomes=frozenset({"on_roll"}),
        ),
        Transition(
            "on_roll_to_confirm",
            "enquiries",
            "Not on roll there: back to enquiries",
            _OFFICERS,
            requires=frozenset({"reason"}),
        ),
        Transition(
            "on_roll_to_confirm",
            "closed",
            "Close",
            frozenset({Role.SYSTEM}),
            requires=frozenset({"outcome"}),
            outcomes=frozenset({"on_roll"}),
        ),
        Transition(
            "new",
            "awaiting_approval",
            "Propose closure",
            _OFFICERS,
            requires=frozenset({"outcome"}),
        ),
        Transition(
            "enquiries",
            "awaiting_approval",
            "Propose closure",
            _OFFICERS,
            requires=frozenset({"outcome"}),
        ),
        # The manager's role is the approval: nothing more to supply.
        Transition("awaiting_approval", "closed", "Approve closure", _MANAGERS),
        Transition(
            "awaiting_approval",
            "enquiries",
            "Return for more enquiries",
            _MANAGERS,
            requires=frozenset({"reason"}),
        ),
        Transition("new", "closed", "Close", _MANAGERS, requires=frozenset({"outcome"})),
        Transition("enquiries", "closed", "Close", _MANAGERS, requires=frozenset({"outcome"})),
        # Roll Call closes a case itself when the child appears on a school roll (an import or a
        # new pupil return), and only then.
        Transition(
            "new",
            "closed",
            "Close",
            frozenset({Role.SYSTEM}),
            requires=frozenset({"outcome"}),
            outcomes=frozenset({"on_roll"}),
        ),
        Transition(
            "enquiries",
            "closed",
            "Close",
            frozenset({Role.SYSTEM}),
            requires=frozenset({"outcome"}),
            outcomes=frozenset({"on_roll"}),
        ),
        # A child who joins a roll while a closure awaits approval is back in school whatever
        # was proposed: Roll Call closes the case as back on roll.
        Transition(
            "awaiting_approval",
            "closed",
            "Close",
            frozenset({Role.SYSTEM}),
            requires=frozenset({"outcome"}),
            outcomes=frozenset({"on_roll"}),
        ),
        Transition("closed", "enquiries", "Reopen", _MANAGERS, requires=frozenset({"reason"})),
        # Moves to another council (rollcall/transfers): Roll Call makes the move when an officer
        # sends the transfer (the transfers service checks that officer may edit the case), so a
        # case never waits for a council that was not sent anything. Only the receiving council's
        # acknowledgement (or the child joining a roll here) lets Roll Call close it; a manager
        # may still close it on other evidence, and an officer may take it back to enquiries.
        *(
            Transition(
                source, "transfer_pending", "Record a move to another council", frozenset({Role.SYSTEM})
            )
            for source in ("new", "enquiries")
        ),
        Transition(
            "transfer_pending",
            "closed",
            "Close",
            frozenset({Role.SYSTEM}),
            requires=frozenset({"outcome"}),
            outcomes=frozenset({"transferred", "on_roll"}),
        ),
        Transition("transfer_pending", "closed", "Close", _MANAGERS, requires=frozenset({"outcome"})),
        Transition(
            "transfer_pending",
            "enquiries",
            "Back to enquiries",
            _OFFICERS,
            requires=frozenset({"reason"}),
        ),
    ),
    outcomes={
        o.code: o
        for o in (
            Outcome("on_roll", "Back on roll at a school", frozenset({"school"})),
            Outcome("other_suitable_education", "In other suitable education", frozenset({"details"})),
            Outcome(
                "other_council",
                "Located in another council's area, that council told",
                frozenset({"council", "council_told_on"}),
            ),
            Outcome(
                "transferred",
                "Known to the new council: it acknowledged the transfer",
                frozenset({"council", "council_told_on"}),
            ),
            Outcome("left_country", "Left the country, with evidence", frozenset({"evidence"})),
            Outcome("ehe_registered", "Elective home education registered"),
            Outcome("other", "Other", frozenset({"details"})),
        )
    },
)

# --------------------------------------------------------------------------------------------
# A removal from roll the council checks (Pupil Registration Regulations 2024, reg. 9 and 13): it
# is challenged with the school when possibly unlawful, and closes when the school reinstates the
# pupil, the removal is confirmed lawful, or a CME case takes the child over.

REMOVAL = Workflow(
    kind="removal",
    label="Removal from roll",
    statuses={"new": "New", "challenged": "Challenged with the school", "closed": "Closed"},
    initial="new",
    closed=frozenset({"closed"}),
    transitions=(
        Transition("new", "challenged", "Challenge the school", _OFFICERS),
        Transition("new", "closed", "Close", _OFFICERS, requires=frozenset({"outcome"})),
        Transition("challenged", "closed", "Close", _OFFICERS, requires=frozenset({"outcome"})),
    ),
    outcomes={
        o.code: o
        for o in (
            Outcome("reinstated", "School reinstated the pupil"),
            Outcome("lawful", "Removal confirmed lawful, destination confirmed", frozenset({"details"})),
            Outcome("cme_opened", "Child missing education case took over"),
        )
    },
)

_SCHOOL_OR_OFFICERS = _OFFICERS | {Role.SCHOOL, Role.SYSTEM}

# --------------------------------------------------------------------------------------------
# Health needs. *Arranging education for children who cannot attend school because of health
# needs* (DfE, Dec 2023) and s.19 Education Act 1996: provision as soon as it is clear the child
# will miss 15+ school days; a named contact checking in monthly (seed 000); reintegration planned
# with the school and family. The case closes when the child is back in school or in other
# suitable education.

HEALTH = Workflow(
    kind="health",
    label="Health needs",
    statuses={
        "new": "New",
        "referred": "Referred to the medical-needs provision",
        "provision": "Provision in place",
        "reintegration": "Reintegration planned",
        "closed": "Closed",
    },
    initial="new",
    closed=frozenset({"closed"}),
    transitions=(
        # Referring and planning reintegration are made by recording the referral or the plan
        # (rollcall/health/services.py), never by a bare status change: only Roll Call moves them.
        Transition("new", "referred", "Refer to the medical-needs provision", frozenset({Role.SYSTEM})),
        Transition("new", "provision", "Record provision in place", _OFFICERS),
        Transition("referred", "provision", "Record provision in place", _OFFICERS),
        Transition("provision", "reintegration", "Plan reintegration", frozenset({Role.SYSTEM})),
        Transition(
            "reintegration", "provision", "Return to provision", _OFFICERS, requires=frozenset({"reason"})
        ),
        Transition("reintegration", "closed", "Close", _OFFICERS, requires=frozenset({"outcome"})),
        Transition("provision", "closed", "Close", _MANAGERS, requires=frozenset({"outcome"})),
        Transition("referred", "closed", "Close", _MANAGERS, requires=frozenset({"outcome"})),
        Transition("new", "closed", "Close", _MANAGERS, requires=frozenset({"outcome"})),
        Transition("closed", "provision", "Reopen", _MANAGERS, requires=frozenset({"reason"})),
    ),
    outcomes={
        o.code: o
        for o in (
            Outcome("back_in_school", "Back in school with a reintegration plan", frozenset({"school"})),
            Outcome("other_suitable_education", "In other suitable education", frozenset({"details"})),
            Outcome(
                "other_council",
                "Moved to another council's area, that council told",
                frozenset({"council", "council_told_on"}),
            ),
            Outcome("other", "Other", frozenset({"details"})),
        )
    },
)

# --------------------------------------------------------------------------------------------
# A vulnerable in-year applicant tracked from the offer until on roll and attending (seed 002:
# "checked off once the school place has been confirmed"; 10 school days for the school to
# confirm; not on roll or not attending -> referral as CME).

ADMISSION = Workflow(
    kind="admission",
    label="In-year admission (tracked)",
    statuses={
        "awaiting_school": "Waiting for the school to confirm",
        "follow_up": "Following up",
        "on_roll": "On roll, waiting for attendance",
        "closed": "Checked off",
    },
    initial="awaiting_school",
    closed=frozenset({"closed"}),
    transitions=(
        Transition("awaiting_school", "follow_up", "Follow up", _OFFICERS | {Role.SYSTEM}),
        Transition("awaiting_school", "on_roll", "Confirm on roll", _SCHOOL_OR_OFFICERS),
        Transition("follow_up", "on_roll", "Confirm on roll", _SCHOOL_OR_OFFICERS),
        Transition(
            "on_roll",
            "closed",
            "Check off",
            _SCHOOL_OR_OFFICERS,
            requires=frozenset({"outcome"}),
            outcomes=frozenset({"attending"}),
        ),
        Transition(
            "awaiting_school",
            "closed",
            "Close",
            _OFFICERS | {Role.SYSTEM},
            requires=frozenset({"outcome"}),
            outcomes=frozenset({"referred_cme", "withdrawn", "attending"}),
        ),
        Transition(
            "follow_up",
            "closed",
            "Close",
            _OFFICERS | {Role.SYSTEM},
            requires=frozenset({"outcome"}),
            outcomes=frozenset({"referred_cme", "withdrawn", "attending"}),
        ),
        Transition(
            "on_roll",
            "follow_up",
            "Follow up",
            _OFFICERS | {Role.SYSTEM},
        ),
        Transition("closed", "follow_up", "Reopen", _MANAGERS, requires=frozenset({"reason"})),
    ),
    outcomes={
        o.code: o
        for o in (
            Outcome("attending", "On roll and attending", frozenset({"school"})),
            Outcome("referred_cme", "Referred to Inclusion as a child missing education"),
            Outcome("withdrawn", "Application withdrawn or place declined", frozenset({"details"})),
        )
    },
)

# --------------------------------------------------------------------------------------------
# Fair Access Protocol (School Admissions Code 2021, 3.9-3.34): a place allocated within 20
# school days of the child being taken into the protocol; a refusing school has 7 calendar days
# to respond before the council directs (or asks the Secretary of State to, for an academy).

FAIR_ACCESS = Workflow(
    kind="fair_access",
    label="Fair Access",
    statuses={
        "referred": "Referred to the panel",
        "allocated": "School allocated",
        "direction": "Direction requested",
        "admitted": "Admitted, waiting for attendance",
        "closed": "Closed",
    },
    initial="referred",
    closed=frozenset({"closed"}),
    transitions=(
        Transition("referred", "allocated", "Record the allocation", _OFFICERS),
        Transition("allocated", "direction", "Request a direction", _MANAGERS),
        Transition("allocated", "admitted", "Record admission", _SCHOOL_OR_OFFICERS),
        Transition("direction", "admitted", "Record admission", _SCHOOL_OR_OFFICERS),
        Transition("allocated", "referred", "Return to the panel", _OFFICERS, requires=frozenset({"reason"})),
        Transition("admitted", "closed", "Close", _OFFICERS | {Role.SYSTEM}, requires=frozenset({"outcome"})),
        Transition("referred", "closed", "Close", _MANAGERS, requires=frozenset({"outcome"})),
        Transition("allocated", "closed", "Close", _MANAGERS, requires=frozenset({"outcome"})),
        Transition("direction", "closed", "Close", _MANAGERS, requires=frozenset({"outcome"})),
        Transition("closed", "referred", "Reopen", _MANAGERS, requires=frozenset({"reason"})),
    ),
    outcomes={
        o.code: o
        for o in (
            Outcome("placed_attending", "Placed and attending", frozenset({"school"})),
            Outcome("other", "Other", frozenset({"details"})),
        )
    },
)

# --------------------------------------------------------------------------------------------
# A child of compulsory school age with no school place (seed 002: "tracking ... extended to
# include children without a roll and waiting for school place"). It closes only when the child
# is on a roll, or has left the council's area and the receiving council was told.

WAITING = Workflow(
    kind="waiting",
    label="Waiting for a place",
    statuses={"waiting": "Waiting for a place", "offered": "Place offered", "closed": "Closed"},
    initial="waiting",
    closed=frozenset({"closed"}),
    transitions=(
        Transition("waiting", "offered", "Record an offer", _OFFICERS),
        Transition("offered", "waiting", "Offer fell through", _OFFICERS, requires=frozenset({"reason"})),
        # Officers (and Roll Call, on a roll entry) close only because the child is on a roll;
        # a manager may also close it because the child moved to another council's area.
        *(
            Transition(
                source,
                "closed",
                "Close",
                roles,
                requires=frozenset({"outcome"}),
                outcomes=outcomes,
            )
            for source in ("waiting", "offered")
            for roles, outcomes in (
                (frozenset({Role.OFFICER, Role.SYSTEM}), frozenset({"on_roll"})),
                (_MANAGERS, frozenset({"on_roll", "other_council"})),
            )
        ),
        Transition("closed", "waiting", "Reopen", _MANAGERS, requires=frozenset({"reason"})),
    ),
    outcomes={
        o.code: o
        for o in (
            Outcome("on_roll", "On roll at a school", frozenset({"school"})),
            Outcome(
                "other_council",
                "Moved to another council's area, that council told",
                frozenset({"council", "council_told_on"}),
            ),
        )
    },
)

# --------------------------------------------------------------------------------------------
# Elective home education (Education Act 1996 ss.7, 436A; DfE EHE guidance 2019; DOMAIN.md): a
# record the council keeps while a child is educated at home. Its moves are made by recording
# what happened (first contact, a consent decision, a judgement of suitability) through
# rollcall/homeeducation/services.py, never by a bare status change: only Roll Call moves them.
# An officer closes it with an outcome; Roll Call closes it when the child joins a school roll.

_EHE_OPEN = ("new", "enquiries", "suitable", "concern")

EHE = Workflow(
    kind="ehe",
    label="Elective home education",
    statuses={
        "new": "First contact due",
        "consent": "Waiting for the council's consent",
        "enquiries": "Enquiries into the education",
        "suitable": "Education suitable, review set",
        "concern": "Not suitable: attendance order route",
        "closed": "Closed",
    },
    initial="new",
    closed=frozenset({"closed"}),
    transitions=(
        Transition("new", "consent", "Ask for the council's consent", frozenset({Role.SYSTEM})),
        Transition("consent", "new", "Consent given", frozenset({Role.SYSTEM})),
        Transition(
            "consent",
            "closed",
            "Close",
            frozenset({Role.SYSTEM}),
            requires=frozenset({"outcome"}),
            outcomes=frozenset({"stays_on_roll", "on_roll"}),
        ),
        Transition("new", "enquiries", "Record the first contact", frozenset({Role.SYSTEM})),
        Transition("enquiries", "suitable", "Judge the education suitable", frozenset({Role.SYSTEM})),
        Transition("suitable", "enquiries", "Start the review", frozenset({Role.SYSTEM})),
        Transition("enquiries", "concern", "Judge the education not suitable", frozenset({Role.SYSTEM})),
        Transition("suitable", "concern", "Judge the education not suitable", frozenset({Role.SYSTEM})),
        Transition("concern", "suitable", "Satisfied: home education continues", frozenset({Role.SYSTEM})),
        *(
            Transition(source, "closed", "Close", roles, requires=frozenset({"outcome"}), outcomes=outcomes)
            for source in _EHE_OPEN
            for roles, outcomes in (
                (_OFFICERS, frozenset()),
                (frozenset({Role.SYSTEM}), frozenset({"on_roll"})),
            )
        ),
        Transition("closed", "enquiries", "Reopen", _MANAGERS, requires=frozenset({"reason"})),
    ),
    outcomes={
        o.code: o
        for o in (
            Outcome("on_roll", "Registered at a school", frozenset({"school"})),
            Outcome("stays_on_roll", "Consent refused: stays on the school's roll"),
            Outcome("moved_away", "Moved out of the council's area", frozenset({"details"})),
            Outcome("over_age", "Over compulsory school age"),
            Outcome("died", "Died"),
            Outcome("other", "Other", frozenset({"details"})),
        )
    },
)

# --------------------------------------------------------------------------------------------
# When education may not be suitable: the school attendance order route (Education Act 1996
# ss.437-443, 447; CWS Act 2026 s.39). Each notice is served by recording it with its letter
# (rollcall/homeeducation/services.py), so only Roll Call moves the case on; officers close it
# with an outcome, and Roll Call closes it when the child joins a school roll.

_SAO_OPEN = ("informal", "preliminary", "intention", "order", "prosecution")

SAO = Workflow(
    kind="sao",
    label="School attendance order",
    statuses={
        "informal": "Informal enquiry",
        "preliminary": "Preliminary notice served",
        "intention": "Notice of intention served",
        "order": "School attendance order in force",
        "prosecution": "Referred for prosecution",
        "closed": "Closed",
    },
    initial="informal",
    closed=frozenset({"closed"}),
    transitions=(
        Transition("informal", "preliminary", "Serve the preliminary notice", frozenset({Role.SYSTEM})),
        Transition("preliminary", "intention", "Serve the notice of intention", frozenset({Role.SYSTEM})),
        Transition("intention", "order", "Serve the school attendance order", frozenset({Role.SYSTEM})),
        Transition("order", "prosecution", "Refer for prosecution", frozenset({Role.SYSTEM})),
        *(
            Transition(source, "closed", "Close", roles, requires=frozenset({"outcome"}), outcomes=outcomes)
            for source in _SAO_OPEN
            for roles, outcomes in (
                (_OFFICERS, frozenset()),
                (frozenset({Role.SYSTEM}), frozenset({"on_roll"})),
            )
        ),
        Transition("closed", "informal", "Reopen", _MANAGERS, requires=frozenset({"reason"})),
    ),
    outcomes={
        o.code: o
        for o in (
            Outcome("satisfied", "Satisfied: home education continues"),
            Outcome("on_roll", "Registered at a school", frozenset({"school"})),
            Outcome(
                "revoked", "Order revoked: suitable education arranged otherwise", frozenset({"details"})
            ),
            Outcome("moved_away", "Moved out of the council's area", frozenset({"details"})),
            Outcome("over_age", "Over compulsory school age"),
            Outcome("prosecuted", "Prosecution concluded", frozenset({"details"})),
            Outcome("died", "Died"),
        )
    },
)

# A permanent exclusion: the council where the child lives arranges full-time education from the
# sixth school day of exclusion (Education (Provision of Full-Time Education for Excluded Pupils)
# (England) Regulations 2007, reg. 4; s.19(3A) Education Act 1996). Roll Call escalates the case
# when no provision is recorded by the sixth day (rollcall/exclusions/sweep.py).

EXCLUSION = Workflow(
    kind="exclusion",
    label="Sixth-day provision",
    statuses={
        "awaiting_provision": "Arranging provision from the sixth day",
        "escalated": "Escalated: no provision by the sixth day",
        "provision": "Provision in place",
        "closed": "Closed",
    },
    initial="awaiting_provision",
    closed=frozenset({"closed"}),
    transitions=(
        # Provision is recorded through the exclusions service, which moves the case itself.
        Transition("awaiting_provision", "provision", "Record provision", _OFFICERS | {Role.SYSTEM}),
        Transition("escalated", "provision", "Record provision", _OFFICERS | {Role.SYSTEM}),
        Transition("awaiting_provision", "escalated", "Escalate", _MANAGERS | {Role.SYSTEM}),
        Transition("provision", "closed", "Close", _OFFICERS, requires=frozenset({"outcome"})),
        Transition("awaiting_provision", "closed", "Close", _MANAGERS, requires=frozenset({"outcome"})),
        Transition("escalated", "closed", "Close", _MANAGERS, requires=frozenset({"outcome"})),
        Transition("closed", "provision", "Reopen", _MANAGERS, requires=frozenset({"reason"})),
    ),
    outcomes={
        o.code: o
        for o in (
            Outcome("reinstated", "Reinstated by the school"),
            Outcome(
                "new_school", "On roll at a new school or in alternative provision", frozenset({"school"})
            ),
            Outcome(
                "other_council",
                "Moved to another council's area, that council told",
                frozenset({"council", "council_told_on"}),
            ),
            Outcome("other", "Other", frozenset({"details"})),
        )
    },
)

WORKFLOWS: Mapping[str, Workflow] = MappingProxyType(
    {w.kind: w for w in (CME, REMOVAL, HEALTH, ADMISSION, FAIR_ACCESS, WAITING, EHE, SAO, EXCLUSION)}
)
