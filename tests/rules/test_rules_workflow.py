"""Workflows as data: every move by every role, what each move requires, every outcome's details."""

from __future__ import annotations

import itertools
from collections import deque

import pytest

from rollcall.rules.workflow import (
    CME,
    OUTCOME_NEEDS,
    REMOVAL,
    REQUIREMENTS,
    WORKFLOWS,
    Outcome,
    Role,
    Transition,
    TransitionRefused,
    Workflow,
    check_transition,
)

OFF, MGR, HEAD, ADMIN, SCH, SYS = (
    Role.OFFICER,
    Role.MANAGER,
    Role.HEAD_OF_SERVICE,
    Role.ADMINISTRATOR,
    Role.SCHOOL,
    Role.SYSTEM,
)

# The expected matrix, written out by hand from the specification (not derived from the code):
# (kind, source, target) -> {role: (what the move requires, an outcome that satisfies it or None)}.
EXPECTED: dict[tuple[str, str, str], dict[Role, tuple[frozenset[str], str | None]]] = {
    ("cme", "new", "enquiries"): {r: (frozenset(), None) for r in (OFF, MGR, HEAD)},
    ("cme", "new", "awaiting_approval"): {r: (frozenset({"outcome"}), "other") for r in (OFF, MGR, HEAD)},
    ("cme", "enquiries", "awaiting_approval"): {
        r: (frozenset({"outcome"}), "other") for r in (OFF, MGR, HEAD)
    },
    ("cme", "awaiting_approval", "closed"): {
        MGR: (frozenset(), None),
        HEAD: (frozenset(), None),
        SYS: (frozenset({"outcome"}), "on_roll"),
    },
    ("cme", "awaiting_approval", "enquiries"): {r: (frozenset({"reason"}), None) for r in (MGR, HEAD)},
    ("cme", "new", "closed"): {
        MGR: (frozenset({"outcome"}), "other"),
        HEAD: (frozenset({"outcome"}), "other"),
        SYS: (frozenset({"outcome"}), "on_roll"),
    },
    ("cme", "enquiries", "closed"): {
        MGR: (frozenset({"outcome"}), "other"),
        HEAD: (frozenset({"outcome"}), "other"),
        SYS: (frozenset({"outcome"}), "on_roll"),
    },
    ("cme", "closed", "enquiries"): {r: (frozenset({"reason"}), None) for r in (MGR, HEAD)},
    # A return from a school the council did not expect, confirmed by an officer: the owner checks.
    ("cme", "new", "on_roll_to_confirm"): {SYS: (frozenset(), None)},
    ("cme", "enquiries", "on_roll_to_confirm"): {SYS: (frozenset(), None)},
    ("cme", "awaiting_approval", "on_roll_to_confirm"): {SYS: (frozenset(), None)},
    ("cme", "transfer_pending", "on_roll_to_confirm"): {SYS: (frozenset(), None)},
    # A move to another council: the case waits for that council's acknowledgement.
    ("cme", "new", "transfer_pending"): {SYS: (frozenset(), None)},
    ("cme", "enquiries", "transfer_pending"): {SYS: (frozenset(), None)},
    ("cme", "transfer_pending", "closed"): {
        MGR: (frozenset({"outcome"}), "other"),
        HEAD: (frozenset({"outcome"}), "other"),
        SYS: (frozenset({"outcome"}), "on_roll"),
    },
    ("cme", "transfer_pending", "enquiries"): {r: (frozenset({"reason"}), None) for r in (OFF, MGR, HEAD)},
    ("cme", "on_roll_to_confirm", "closed"): {
        r: (frozenset({"outcome"}), "on_roll") for r in (OFF, MGR, HEAD, SYS)
    },
    ("cme", "on_roll_to_confirm", "enquiries"): {r: (frozenset({"reason"}), None) for r in (OFF, MGR, HEAD)},
    ("removal", "new", "challenged"): {r: (frozenset(), None) for r in (OFF, MGR, HEAD)},
    ("removal", "new", "closed"): {r: (frozenset({"outcome"}), "lawful") for r in (OFF, MGR, HEAD)},
    ("removal", "challenged", "closed"): {r: (frozenset({"outcome"}), "lawful") for r in (OFF, MGR, HEAD)},
    # Health needs (Access to Education).
    **{
        ("health", source, target): {r: (frozenset(), None) for r in (OFF, MGR, HEAD)}
        for source, target in (
            ("new", "provision"),
            ("referred", "provision"),
        )
    },
    # Only recording the referral or the plan makes these moves (rollcall/health/services.py).
    ("health", "new", "referred"): {SYS: (frozenset(), None)},
    ("health", "provision", "reintegration"): {SYS: (frozenset(), None)},
    ("health", "reintegration", "provision"): {r: (frozenset({"reason"}), None) for r in (OFF, MGR, HEAD)},
    ("health", "reintegration", "closed"): {r: (frozenset({"outcome"}), "other") for r in (OFF, MGR, HEAD)},
    **{
        ("health", source, "closed"): {r: (frozenset({"outcome"}), "other") for r in (MGR, HEAD)}
        for source in ("new", "referred", "provision")
    },
    ("health", "closed", "provision"): {r: (frozenset({"reason"}), None) for r in (MGR, HEAD)},
    # A vulnerable in-year applicant tracked until on roll and attending; schools confirm.
    ("admission", "awaiting_school", "follow_up"): {r: (frozenset(), None) for r in (OFF, MGR, HEAD, SYS)},
    ("admission", "on_roll", "follow_up"): {r: (frozenset(), None) for r in (OFF, MGR, HEAD, SYS)},
    ("admission", "awaiting_school", "on_roll"): {r: (frozenset(), None) for r in (OFF, MGR, HEAD, SCH, SYS)},
    ("admission", "follow_up", "on_roll"): {r: (frozenset(), None) for r in (OFF, MGR, HEAD, SCH, SYS)},
    ("admission", "on_roll", "closed"): {
        r: (frozenset({"outcome"}), "attending") for r in (OFF, MGR, HEAD, SCH, SYS)
    },
    ("admission", "awaiting_school", "closed"): {
        r: (frozenset({"outcome"}), "referred_cme") for r in (OFF, MGR, HEAD, SYS)
    },
    ("admission", "follow_up", "closed"): {
        r: (frozenset({"outcome"}), "referred_cme") for r in (OFF, MGR, HEAD, SYS)
    },
    ("admission", "closed", "follow_up"): {r: (frozenset({"reason"}), None) for r in (MGR, HEAD)},
    # Fair Access.
    ("fair_access", "referred", "allocated"): {r: (frozenset(), None) for r in (OFF, MGR, HEAD)},
    ("fair_access", "allocated", "direction"): {r: (frozenset(), None) for r in (MGR, HEAD)},
    ("fair_access", "allocated", "admitted"): {r: (frozenset(), None) for r in (OFF, MGR, HEAD, SCH, SYS)},
    ("fair_access", "direction", "admitted"): {r: (frozenset(), None) for r in (OFF, MGR, HEAD, SCH, SYS)},
    ("fair_access", "allocated", "referred"): {r: (frozenset({"reason"}), None) for r in (OFF, MGR, HEAD)},
    ("fair_access", "admitted", "closed"): {
        r: (frozenset({"outcome"}), "other") for r in (OFF, MGR, HEAD, SYS)
    },
    **{
        ("fair_access", source, "closed"): {r: (frozenset({"outcome"}), "other") for r in (MGR, HEAD)}
        for source in ("referred", "allocated", "direction")
    },
    ("fair_access", "closed", "referred"): {r: (frozenset({"reason"}), None) for r in (MGR, HEAD)},
    # Waiting for a place: closes only on roll (or, for a manager, moved to another council).
    ("waiting", "waiting", "offered"): {r: (frozenset(), None) for r in (OFF, MGR, HEAD)},
    ("waiting", "offered", "waiting"): {r: (frozenset({"reason"}), None) for r in (OFF, MGR, HEAD)},
    ("waiting", "waiting", "closed"): {r: (frozenset({"outcome"}), "on_roll") for r in (OFF, MGR, HEAD, SYS)},
    ("waiting", "offered", "closed"): {r: (frozenset({"outcome"}), "on_roll") for r in (OFF, MGR, HEAD, SYS)},
    ("waiting", "closed", "waiting"): {r: (frozenset({"reason"}), None) for r in (MGR, HEAD)},
    # Sixth-day provision for a permanent exclusion: Roll Call escalates it on the sixth school day.
    ("exclusion", "awaiting_provision", "provision"): {r: (frozenset(), None) for r in (OFF, MGR, HEAD, SYS)},
    ("exclusion", "escalated", "provision"): {r: (frozenset(), None) for r in (OFF, MGR, HEAD, SYS)},
    ("exclusion", "awaiting_provision", "escalated"): {r: (frozenset(), None) for r in (MGR, HEAD, SYS)},
    ("exclusion", "provision", "closed"): {
        r: (frozenset({"outcome"}), "reinstated") for r in (OFF, MGR, HEAD)
    },
    **{
        ("exclusion", source, "closed"): {r: (frozenset({"outcome"}), "reinstated") for r in (MGR, HEAD)}
        for source in ("awaiting_provision", "escalated")
    },
    ("exclusion", "closed", "provision"): {r: (frozenset({"reason"}), None) for r in (MGR, HEAD)},
}

# Elective home education and the attendance order route: recorded moves are Roll Call's, an
# officer closes with any outcome, Roll Call only because the child is on a roll.
_CLOSE_ANY_OR_ON_ROLL: dict[Role, tuple[frozenset[str], str | None]] = {
    **{r: (frozenset({"outcome"}), "other") for r in (OFF, MGR, HEAD)},
    SYS: (frozenset({"outcome"}), "on_roll"),
}
EXPECTED.update(
    {
        ("ehe", "new", "consent"): {SYS: (frozenset(), None)},
        ("ehe", "consent", "new"): {SYS: (frozenset(), None)},
        ("ehe", "consent", "closed"): {SYS: (frozenset({"outcome"}), "stays_on_roll")},
        ("ehe", "new", "enquiries"): {SYS: (frozenset(), None)},
        ("ehe", "enquiries", "suitable"): {SYS: (frozenset(), None)},
        ("ehe", "suitable", "enquiries"): {SYS: (frozenset(), None)},
        ("ehe", "enquiries", "concern"): {SYS: (frozenset(), None)},
        ("ehe", "suitable", "concern"): {SYS: (frozenset(), None)},
        ("ehe", "concern", "suitable"): {SYS: (frozenset(), None)},
        **{("ehe", s, "closed"): _CLOSE_ANY_OR_ON_ROLL for s in ("new", "enquiries", "suitable", "concern")},
        ("ehe", "closed", "enquiries"): {r: (frozenset({"reason"}), None) for r in (MGR, HEAD)},
        ("sao", "informal", "preliminary"): {SYS: (frozenset(), None)},
        ("sao", "preliminary", "intention"): {SYS: (frozenset(), None)},
        ("sao", "intention", "order"): {SYS: (frozenset(), None)},
        ("sao", "order", "prosecution"): {SYS: (frozenset(), None)},
        **{
            ("sao", s, "closed"): {
                **{r: (frozenset({"outcome"}), "satisfied") for r in (OFF, MGR, HEAD)},
                SYS: (frozenset({"outcome"}), "on_roll"),
            }
            for s in ("informal", "preliminary", "intention", "order", "prosecution")
        },
        ("sao", "closed", "informal"): {r: (frozenset({"reason"}), None) for r in (MGR, HEAD)},
    }
)

# An outcome each kind has, for trying moves that must be refused with everything supplied.
ANY_OUTCOME = {
    "cme": "other",
    "removal": "lawful",
    "health": "other",
    "admission": "referred_cme",
    "fair_access": "other",
    "waiting": "on_roll",
    "ehe": "other",
    "sao": "satisfied",
    "exclusion": "reinstated",
}

MATRIX = [
    (kind, source, target, role)
    for kind, workflow in WORKFLOWS.items()
    for source, target in itertools.product(workflow.statuses, repeat=2)
    for role in Role
]


def everything_for(workflow: Workflow, outcome: str | None) -> tuple[set[str], frozenset[str]]:
    details = workflow.outcomes[outcome].needs if outcome else frozenset()
    return {"reason", "approval"}, details


@pytest.mark.parametrize(("kind", "source", "target", "role"), MATRIX)
def test_every_move_by_every_role(kind: str, source: str, target: str, role: Role) -> None:
    workflow = WORKFLOWS[kind]
    allowed = EXPECTED.get((kind, source, target), {})
    if role in allowed:
        requires, outcome = allowed[role]
        provided, details = everything_for(workflow, outcome)
        move = check_transition(
            workflow, source, target, role, provided, outcome=outcome, outcome_details=details
        )
        assert (move.source, move.target) == (source, target)
        assert role in move.roles
        assert move.requires == requires
    else:
        # Even with everything supplied, the move is refused.
        with pytest.raises(TransitionRefused):
            check_transition(
                workflow,
                source,
                target,
                role,
                {"reason", "approval"},
                outcome=ANY_OUTCOME[kind],
                outcome_details=OUTCOME_NEEDS,
            )


def test_the_expected_matrix_covers_every_declared_transition() -> None:
    declared = {
        (kind, t.source, t.target, role)
        for kind, workflow in WORKFLOWS.items()
        for t in workflow.transitions
        for role in t.roles
    }
    expected = {
        (kind, source, target, role) for (kind, source, target), roles in EXPECTED.items() for role in roles
    }
    assert declared == expected


@pytest.mark.parametrize(
    ("kind", "source", "target", "role"),
    [
        (kind, source, target, role)
        for (kind, source, target), roles in EXPECTED.items()
        for role, (requires, _) in roles.items()
        if "reason" in requires
    ],
)
def test_a_move_that_needs_a_reason_is_refused_without_one(
    kind: str, source: str, target: str, role: Role
) -> None:
    with pytest.raises(TransitionRefused, match="A reason is needed to"):
        check_transition(WORKFLOWS[kind], source, target, role, provided=())


@pytest.mark.parametrize(
    ("kind", "source", "target", "role"),
    [
        (kind, source, target, role)
        for (kind, source, target), roles in EXPECTED.items()
        for role, (requires, _) in roles.items()
        if "outcome" in requires
    ],
)
def test_a_move_that_needs_an_outcome_is_refused_without_one(
    kind: str, source: str, target: str, role: Role
) -> None:
    with pytest.raises(TransitionRefused, match="An outcome is needed to"):
        check_transition(WORKFLOWS[kind], source, target, role, provided={"reason", "approval"})


@pytest.mark.parametrize(
    ("kind", "source", "target", "role"),
    [
        (kind, source, target, role)
        for (kind, source, target), roles in EXPECTED.items()
        for role, (requires, _) in roles.items()
        if "outcome" not in requires
    ],
)
def test_a_move_that_takes_no_outcome_refuses_one(kind: str, source: str, target: str, role: Role) -> None:
    with pytest.raises(TransitionRefused, match="does not take an outcome"):
        check_transition(WORKFLOWS[kind], source, target, role, provided={"reason"}, outcome="other")


# ------------------------------------------------------------------------------------------------
# Messages an officer reads


def test_an_officer_cannot_close_a_new_case_directly() -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_transition(CME, "new", "closed", OFF, (), outcome="ehe_registered")
    assert str(refused.value) == (
        "You cannot close from New to Closed as an officer: only a team manager or a head of service can"
    )


def test_a_move_that_does_not_exist_says_so() -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_transition(CME, "closed", "new", MGR, ())
    assert str(refused.value) == "A child missing education case cannot go from Closed to New"


def test_an_unknown_status_is_refused() -> None:
    with pytest.raises(TransitionRefused, match="'open' is not a status of a child missing"):
        check_transition(CME, "open", "closed", MGR, ())


def test_an_outcome_is_needed_to_close_the_case() -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_transition(CME, "enquiries", "closed", MGR, ())
    assert str(refused.value) == "An outcome is needed to close"


def test_a_reason_is_needed_to_reopen() -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_transition(CME, "closed", "enquiries", HEAD, ())
    assert refused.value.message == "A reason is needed to reopen"


def test_an_unknown_outcome_is_refused() -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_transition(CME, "enquiries", "closed", MGR, (), outcome="vanished")
    assert str(refused.value) == "'vanished' is not an outcome of a child missing education case"


def test_an_outcome_of_another_workflow_is_refused() -> None:
    with pytest.raises(TransitionRefused, match="not an outcome"):
        check_transition(CME, "enquiries", "closed", MGR, (), outcome="reinstated")


def test_the_system_closes_a_case_only_because_the_child_is_on_roll() -> None:
    move = check_transition(
        CME, "enquiries", "closed", SYS, (), outcome="on_roll", outcome_details={"school"}
    )
    assert move.roles == frozenset({SYS})
    with pytest.raises(TransitionRefused) as refused:
        check_transition(CME, "enquiries", "closed", SYS, (), outcome="other", outcome_details={"details"})
    assert str(refused.value) == ("The system can close only with the outcome 'Back on roll at a school'")


def test_the_system_cannot_approve_a_proposed_closure_or_reopen() -> None:
    # It may close a case awaiting approval only because the child joined a roll.
    with pytest.raises(TransitionRefused):
        check_transition(CME, "awaiting_approval", "closed", SYS, ())
    with pytest.raises(TransitionRefused):
        check_transition(CME, "awaiting_approval", "closed", SYS, (), outcome="ehe_registered")
    move = check_transition(
        CME, "awaiting_approval", "closed", SYS, (), outcome="on_roll", outcome_details={"school"}
    )
    assert move.roles == {SYS}
    with pytest.raises(TransitionRefused, match="as the system"):
        check_transition(CME, "closed", "enquiries", SYS, {"reason"})


def test_only_the_other_councils_acknowledgement_or_a_roll_lets_the_system_close_a_transfer() -> None:
    details = {"council", "council_told_on"}
    move = check_transition(
        CME, "transfer_pending", "closed", SYS, (), outcome="transferred", outcome_details=details
    )
    assert move.roles == frozenset({SYS})
    with pytest.raises(TransitionRefused, match="only with the outcome"):
        check_transition(
            CME, "transfer_pending", "closed", SYS, (), outcome="other_council", outcome_details=details
        )
    with pytest.raises(TransitionRefused, match="only with the outcome 'Back on roll at a school'"):
        check_transition(CME, "enquiries", "closed", SYS, (), outcome="transferred", outcome_details=details)
    with pytest.raises(TransitionRefused, match="needs the receiving council's name"):
        check_transition(
            CME,
            "transfer_pending",
            "closed",
            SYS,
            (),
            outcome="transferred",
            outcome_details={"council_told_on"},
        )
    with pytest.raises(TransitionRefused, match="as an officer"):
        check_transition(
            CME, "transfer_pending", "closed", OFF, (), outcome="transferred", outcome_details=details
        )


def test_a_manager_approves_closure_without_supplying_anything() -> None:
    move = check_transition(CME, "awaiting_approval", "closed", MGR, ())
    assert move.name == "Approve closure"


def test_a_school_cannot_touch_a_case() -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_transition(REMOVAL, "new", "challenged", SCH, ())
    assert str(refused.value) == (
        "You cannot challenge the school from New to Challenged with the school as a school: "
        "only an officer, a team manager or a head of service can"
    )


# ------------------------------------------------------------------------------------------------
# Outcomes and their details

OUTCOME_CASES = [(kind, code) for kind, w in WORKFLOWS.items() for code in w.outcomes]
CLOSING_MOVE = {
    "cme": ("enquiries", "closed", MGR),
    "removal": ("challenged", "closed", OFF),
    "health": ("reintegration", "closed", OFF),
    "admission": ("follow_up", "closed", OFF),
    "fair_access": ("referred", "closed", MGR),
    "waiting": ("waiting", "closed", MGR),
    "ehe": ("suitable", "closed", OFF),
    "sao": ("order", "closed", OFF),
    "exclusion": ("provision", "closed", OFF),
}


@pytest.mark.parametrize(
    ("kind", "code", "needs"),
    [
        ("cme", "on_roll", {"school"}),
        ("cme", "other_suitable_education", {"details"}),
        ("cme", "other_council", {"council", "council_told_on"}),
        ("cme", "transferred", {"council", "council_told_on"}),
        ("cme", "left_country", {"evidence"}),
        ("cme", "ehe_registered", set()),
        ("cme", "other", {"details"}),
        ("removal", "reinstated", set()),
        ("removal", "lawful", {"details"}),
        ("removal", "cme_opened", set()),
        ("ehe", "on_roll", {"school"}),
        ("ehe", "stays_on_roll", set()),
        ("ehe", "moved_away", {"details"}),
        ("ehe", "over_age", set()),
        ("ehe", "died", set()),
        ("ehe", "other", {"details"}),
        ("sao", "satisfied", set()),
        ("sao", "on_roll", {"school"}),
        ("sao", "revoked", {"details"}),
        ("sao", "moved_away", {"details"}),
        ("sao", "over_age", set()),
        ("sao", "prosecuted", {"details"}),
        ("sao", "died", set()),
    ],
)
def test_what_each_outcome_needs(kind: str, code: str, needs: set[str]) -> None:
    assert WORKFLOWS[kind].outcomes[code].needs == needs


def test_the_outcomes_are_exactly_the_declared_ones() -> None:
    assert set(CME.outcomes) == {
        "on_roll",
        "other_suitable_education",
        "other_council",
        "transferred",
        "left_country",
        "ehe_registered",
        "other",
    }
    assert set(REMOVAL.outcomes) == {"reinstated", "lawful", "cme_opened"}


@pytest.mark.parametrize(("kind", "code"), OUTCOME_CASES)
def test_an_outcome_with_all_it_needs_is_accepted(kind: str, code: str) -> None:
    workflow = WORKFLOWS[kind]
    source, target, role = CLOSING_MOVE[kind]
    needs = workflow.outcomes[code].needs
    move = check_transition(workflow, source, target, role, (), outcome=code, outcome_details=needs)
    assert move.target == "closed"


@pytest.mark.parametrize(
    ("kind", "code", "missing"),
    [
        (kind, code, need)
        for kind, code in OUTCOME_CASES
        for need in sorted(WORKFLOWS[kind].outcomes[code].needs)
    ],
)
def test_an_outcome_missing_any_one_detail_is_refused(kind: str, code: str, missing: str) -> None:
    workflow = WORKFLOWS[kind]
    source, target, role = CLOSING_MOVE[kind]
    given = workflow.outcomes[code].needs - {missing}
    with pytest.raises(TransitionRefused, match=f"Outcome '{workflow.outcomes[code].label}' needs"):
        check_transition(workflow, source, target, role, (), outcome=code, outcome_details=given)


def test_another_councils_area_needs_its_name_and_the_date_it_was_told() -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_transition(CME, "enquiries", "closed", MGR, (), outcome="other_council")
    assert str(refused.value) == (
        "Outcome 'Located in another council's area, that council told' needs "
        "the receiving council's name and the date it was told"
    )


def test_back_on_roll_needs_the_school() -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_transition(CME, "new", "awaiting_approval", OFF, (), outcome="on_roll")
    assert str(refused.value) == "Outcome 'Back on roll at a school' needs the name of the school"


def test_extra_details_do_no_harm() -> None:
    move = check_transition(
        CME, "new", "awaiting_approval", OFF, (), outcome="ehe_registered", outcome_details={"details"}
    )
    assert move.name == "Propose closure"


# ------------------------------------------------------------------------------------------------
# Looking moves up


def test_what_an_officer_may_do_with_a_new_case() -> None:
    assert [t.name for t in CME.allowed("new", OFF)] == ["Start enquiries", "Propose closure"]


def test_what_a_manager_may_do_with_a_new_case() -> None:
    assert [(t.name, t.target) for t in CME.allowed("new", MGR)] == [
        ("Start enquiries", "enquiries"),
        ("Propose closure", "awaiting_approval"),
        ("Close", "closed"),
    ]


def test_what_the_system_may_do_with_a_case_under_enquiry() -> None:
    # Close when an expected school confirms the roll; hold for the owner when the school was not
    # expected (its return was checked by an officer, but the owner knows the case).
    moves = CME.allowed("enquiries", SYS)
    assert [(t.target, t.outcomes) for t in moves] == [
        ("on_roll_to_confirm", frozenset()),
        ("closed", frozenset({"on_roll"})),
        ("transfer_pending", frozenset()),
    ]


@pytest.mark.parametrize("role", [ADMIN, SCH])
def test_administrators_and_schools_may_do_nothing_to_a_case_of_the_council(role: Role) -> None:
    # Schools confirm admissions and Fair Access placements; every other kind is the council's.
    for kind, workflow in WORKFLOWS.items():
        if role is SCH and kind in {"admission", "fair_access"}:
            continue
        for status in workflow.statuses:
            assert workflow.allowed(status, role) == []


def test_a_school_may_only_confirm_a_pupil_on_roll_and_attending() -> None:
    for kind in ("admission", "fair_access"):
        targets = {t.target for s in WORKFLOWS[kind].statuses for t in WORKFLOWS[kind].allowed(s, SCH)}
        assert targets <= {"on_roll", "admitted", "closed"}


def test_looking_up_a_move_with_and_without_a_role() -> None:
    assert CME.transition("new", "closed") == CME.transition("new", "closed", MGR)
    system_close = CME.transition("new", "closed", SYS)
    assert system_close is not None
    assert system_close.outcomes == frozenset({"on_roll"})
    assert CME.transition("closed", "new") is None
    assert CME.transition("new", "closed", ADMIN) is None


def test_status_labels_and_closed_statuses() -> None:
    assert CME.status_label("awaiting_approval") == "Closure awaiting approval"
    assert CME.status_label("unknown") == "unknown"
    assert CME.is_closed("closed")
    assert not CME.is_closed("enquiries")
    assert REMOVAL.status_label("challenged") == "Challenged with the school"


def test_workflows_are_keyed_by_kind() -> None:
    assert WORKFLOWS["cme"] is CME
    assert WORKFLOWS["removal"] is REMOVAL
    assert CME.label == "Child missing education"
    assert REMOVAL.label == "Removal from roll"


def test_role_labels() -> None:
    assert [r.label for r in Role] == [
        "Officer",
        "Team manager",
        "Head of service",
        "Administrator",
        "School",
        "Reports reader",
        "System",
    ]
    assert Role("head_of_service") is HEAD
    assert f"{Role.MANAGER}" == "manager"


# ------------------------------------------------------------------------------------------------
# Shape of every declared workflow


@pytest.mark.parametrize("workflow", list(WORKFLOWS.values()), ids=list(WORKFLOWS))
def test_every_status_can_be_reached_from_the_initial_one(workflow: Workflow) -> None:
    seen, queue = {workflow.initial}, deque([workflow.initial])
    while queue:
        status = queue.popleft()
        for t in workflow.transitions:
            if t.source == status and t.target not in seen:
                seen.add(t.target)
                queue.append(t.target)
    assert seen == set(workflow.statuses)


@pytest.mark.parametrize("workflow", list(WORKFLOWS.values()), ids=list(WORKFLOWS))
def test_every_open_status_has_a_way_to_close(workflow: Workflow) -> None:
    for status in set(workflow.statuses) - workflow.closed:
        seen, queue = {status}, deque([status])
        while queue:
            current = queue.popleft()
            for t in workflow.transitions:
                if t.source == current and t.target not in seen:
                    seen.add(t.target)
                    queue.append(t.target)
        assert seen & workflow.closed, status


@pytest.mark.parametrize("workflow", list(WORKFLOWS.values()), ids=list(WORKFLOWS))
def test_every_move_into_a_closed_status_needs_an_outcome_or_follows_a_proposal(
    workflow: Workflow,
) -> None:
    for t in workflow.transitions:
        if t.target in workflow.closed and "outcome" not in t.requires:
            # Only approving a proposal, whose outcome was given when it was proposed.
            proposals = [p for p in workflow.transitions if p.target == t.source]
            assert proposals
            assert all("outcome" in p.requires for p in proposals), t


@pytest.mark.parametrize("workflow", list(WORKFLOWS.values()), ids=list(WORKFLOWS))
def test_every_requirement_and_need_is_from_the_vocabulary(workflow: Workflow) -> None:
    for t in workflow.transitions:
        assert t.requires <= REQUIREMENTS
    for outcome in workflow.outcomes.values():
        assert outcome.needs <= OUTCOME_NEEDS


def test_the_workflows_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        CME.statuses["lost"] = "Lost"  # type: ignore[index]
    with pytest.raises(TypeError):
        WORKFLOWS["health"] = CME  # type: ignore[index]


# ------------------------------------------------------------------------------------------------
# A wrongly declared workflow fails when it is declared


def declare(**changes: object) -> Workflow:
    values: dict[str, object] = {
        "kind": "test",
        "label": "Test",
        "statuses": {"new": "New", "closed": "Closed"},
        "initial": "new",
        "closed": frozenset({"closed"}),
        "transitions": (Transition("new", "closed", "Close", frozenset({OFF}), frozenset({"outcome"})),),
        "outcomes": {"done": Outcome("done", "Done")},
    }
    values.update(changes)
    return Workflow(**values)  # type: ignore[arg-type]


def test_a_correct_declaration_is_accepted() -> None:
    assert declare().kind == "test"


@pytest.mark.parametrize(
    ("changes", "problem"),
    [
        ({"initial": "open"}, "initial status 'open' is not a status"),
        ({"closed": frozenset({"done"})}, "closed status 'done' is not a status"),
        (
            {"transitions": (Transition("new", "lost", "Lose", frozenset({OFF})),)},
            "uses 'lost', which is not a status",
        ),
        ({"transitions": (Transition("new", "new", "Stay", frozenset({OFF})),)}, "goes nowhere"),
        ({"transitions": (Transition("new", "closed", "Close", frozenset()),)}, "has no roles"),
        (
            {
                "transitions": (
                    Transition("new", "closed", "Close", frozenset({OFF}), frozenset({"signature"})),
                )
            },
            "requires 'signature'",
        ),
        (
            {
                "transitions": (
                    Transition(
                        "new",
                        "closed",
                        "Close",
                        frozenset({OFF}),
                        frozenset({"outcome"}),
                        frozenset({"gone"}),
                    ),
                )
            },
            "allows outcome 'gone'",
        ),
        (
            {
                "transitions": (
                    Transition("new", "closed", "Close", frozenset({OFF}), outcomes=frozenset({"done"})),
                )
            },
            "limits outcomes but does not require one",
        ),
        (
            {
                "transitions": (
                    Transition("new", "closed", "Close", frozenset({OFF})),
                    Transition("new", "closed", "Close again", frozenset({OFF, MGR})),
                )
            },
            "declared twice for officer",
        ),
        ({"outcomes": {"done": Outcome("finished", "Done")}}, "declared with code 'finished'"),
        ({"outcomes": {"done": Outcome("done", "Done", frozenset({"photo"}))}}, "needs 'photo'"),
    ],
)
def test_a_wrong_declaration_is_refused_with_the_problem(changes: dict[str, object], problem: str) -> None:
    with pytest.raises(ValueError, match="declared wrongly") as refused:
        declare(**changes)
    assert problem in str(refused.value)
