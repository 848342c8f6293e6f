"""When a claim about a child may change the record (rollcall/rules/identity.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rollcall.rules.identity import (
    RECENT_LEAVER_DAYS,
    ClaimKind,
    Decision,
    Details,
    Link,
    claim_decision,
    could_be_the_pupil,
    details_disagreements,
    lookup_ends,
    name_ends,
    names_agree,
    normalise_name,
)

DOB = dt.date(2015, 3, 27)
HELD = Details(forename="Amelia", surname="Hartley", date_of_birth=DOB, upn="A801200001001")
TODAY = dt.date(2026, 12, 7)


@pytest.mark.parametrize(
    ("sent", "held"),
    [
        (("Amelia", "Hartley"), ("Amelia", "Hartley")),
        (("AMELIA", "hartley"), ("Amelia", "Hartley")),
        (("  Amelia ", "Hartley "), ("Amelia", "Hartley")),
        (("Zoë", "Brontë"), ("Zoe", "Bronte")),
        (("Mary-Jane", "Smith"), ("Mary Jane", "Smith")),
        (("Amelia", "O'Neill"), ("Amelia", "ONeill")),
        (("Amelia", "Hartly"), ("Amelia", "Hartley")),  # a letter missing
        (("Amelia", "Hartlye"), ("Amelia", "Hartley")),  # two letters swapped
        (("Amelia", "Hartlee"), ("Amelia", "Hartley")),  # one letter changed
        (("Amellia", "Hartley"), ("Amelia", "Hartley")),  # one letter added
        (("Mary", "Smith"), ("Mary Jane", "Smith")),  # second forename missing
        (("Hartley", "Amelia"), ("Amelia", "Hartley")),  # forename and surname swapped
    ],
)
def test_names_that_are_the_same_name_mistyped_agree(sent: tuple[str, str], held: tuple[str, str]) -> None:
    assert names_agree(*sent, *held)


@pytest.mark.parametrize(
    ("sent", "held"),
    [
        (("Amy", "Hartley"), ("Ava", "Hartley")),  # short names one letter apart are other names
        (("Amelia", "Hart"), ("Amelia", "Hartley")),
        (("Amelia", "Hartley"), ("Amelia", "Smith")),
        (("Oliver", "Hartley"), ("Amelia", "Hartley")),
        (("Amelia", "Hartyle"), ("Amelia", "Hartley")),  # two slips, not one
        (("", "Hartley"), ("Amelia", "Hartley")),
        (("Amelia", "Smith"), ("Mary", "Smith-Amelia")),
        (("Smith", "Jane"), ("Mary Jane", "Smith")),  # a swap must match whole names
    ],
)
def test_other_names_do_not_agree(sent: tuple[str, str], held: tuple[str, str]) -> None:
    assert not names_agree(*sent, *held)


def test_a_surname_never_matches_on_its_first_word_alone() -> None:
    assert not names_agree("Amelia", "Hartley", "Amelia", "Hartley-Jones")


def test_normalising_removes_case_accents_spaces_and_punctuation() -> None:
    assert normalise_name(" Zoë-Ann  O'Brien ") == "zoeannobrien"


@given(st.text(alphabet=st.characters(categories=["L"]), min_size=1, max_size=20))
def test_every_name_agrees_with_itself(name: str) -> None:
    if normalise_name(name):
        assert names_agree(name, name, name, name)


@given(st.text(min_size=0, max_size=12), st.text(min_size=0, max_size=12))
def test_agreement_is_symmetric(a: str, b: str) -> None:
    assert names_agree(a, "Hartley", b, "Hartley") == names_agree(b, "Hartley", a, "Hartley")


def test_details_agree_when_upn_date_of_birth_and_name_agree() -> None:
    assert details_disagreements(HELD, HELD) == ()


def test_a_upn_alone_is_not_agreement() -> None:
    made_up = Details(forename="Made", surname="Up", date_of_birth=dt.date(2014, 1, 1), upn=HELD.upn)
    assert details_disagreements(made_up, HELD) == (
        "The date of birth differs from the one on record",
        "The name differs from the one on record",
    )


def test_a_date_of_birth_one_day_out_disagrees() -> None:
    sent = Details(
        forename="Amelia", surname="Hartley", date_of_birth=DOB + dt.timedelta(days=1), upn=HELD.upn
    )
    assert details_disagreements(sent, HELD) == ("The date of birth differs from the one on record",)


def test_a_different_upn_disagrees_but_a_missing_one_does_not() -> None:
    other = Details(forename="Amelia", surname="Hartley", date_of_birth=DOB, upn="B801200001002")
    assert details_disagreements(other, HELD) == ("The UPN differs from the one on record",)
    assert details_disagreements(Details("Amelia", "Hartley", DOB, None), HELD) == ()


ON_ROLL = Link(on_roll_now=True, on_roll_until=None)


@pytest.mark.parametrize(
    "kind", [ClaimKind.REMOVAL, ClaimKind.ILLNESS_REPORT, ClaimKind.EXCLUSION, ClaimKind.ATTENDANCE]
)
def test_a_school_with_the_pupil_on_roll_is_accepted_when_details_agree(kind: ClaimKind) -> None:
    verdict = claim_decision(kind=kind, sent=HELD, held=HELD, link=ON_ROLL, on=TODAY)
    assert (verdict.decision, verdict.reasons) == (Decision.ACCEPT, ())


@pytest.mark.parametrize("kind", list(ClaimKind))
def test_a_school_with_no_link_is_held_even_when_details_agree(kind: ClaimKind) -> None:
    verdict = claim_decision(kind=kind, sent=HELD, held=HELD, link=Link(), on=TODAY)
    assert verdict.decision is Decision.HOLD
    assert len(verdict.reasons) == 1


@pytest.mark.parametrize("kind", list(ClaimKind))
def test_details_that_disagree_are_held_even_from_a_linked_school(kind: ClaimKind) -> None:
    sent = Details(forename="Made", surname="Up", date_of_birth=DOB, upn=HELD.upn)
    link = Link(on_roll_now=True, expected=True)
    verdict = claim_decision(kind=kind, sent=sent, held=HELD, link=link, on=TODAY)
    assert verdict.decision is Decision.HOLD
    assert verdict.reasons == ("The name differs from the one on record",)


@pytest.mark.parametrize(
    ("days_since_left", "decision"),
    [(0, Decision.ACCEPT), (RECENT_LEAVER_DAYS, Decision.ACCEPT), (RECENT_LEAVER_DAYS + 1, Decision.HOLD)],
)
def test_a_recent_leaver_still_links_the_school_for_a_removal(
    days_since_left: int, decision: Decision
) -> None:
    link = Link(on_roll_until=TODAY - dt.timedelta(days=days_since_left))
    assert (
        claim_decision(kind=ClaimKind.REMOVAL, sent=HELD, held=HELD, link=link, on=TODAY).decision is decision
    )


def test_a_new_pupil_needs_the_council_to_expect_the_pupil_there() -> None:
    left_here = Link(on_roll_until=TODAY - dt.timedelta(days=3))
    assert claim_decision(
        kind=ClaimKind.NEW_PUPIL, sent=HELD, held=HELD, link=left_here, on=TODAY
    ).decision is (Decision.HOLD)
    expected = Link(expected=True)
    assert claim_decision(
        kind=ClaimKind.NEW_PUPIL, sent=HELD, held=HELD, link=expected, on=TODAY
    ).decision is (Decision.ACCEPT)
    assert claim_decision(
        kind=ClaimKind.NEW_PUPIL, sent=HELD, held=HELD, link=ON_ROLL, on=TODAY
    ).decision is (Decision.ACCEPT)


def test_being_expected_does_not_link_a_school_for_a_removal() -> None:
    verdict = claim_decision(kind=ClaimKind.REMOVAL, sent=HELD, held=HELD, link=Link(expected=True), on=TODAY)
    assert verdict.reasons == ("The pupil is not on this school's roll",)


def _share_an_end(held_surname: str, sent_forename: str, sent_surname: str) -> bool:
    first, last = name_ends(held_surname)
    sent = [name_ends(sent_surname), name_ends(sent_forename)]
    return any(first == f for f, _ in sent) or any(last == la for _, la in sent)


def test_name_ends_are_of_the_normalised_name() -> None:
    assert name_ends(" Zoë-Ann  O'Brien ") == ("zo", "en")
    assert name_ends("A") == ("a", "a")
    assert name_ends("--") == ("", "")


# Few letters, accents, case, spaces and hyphens: names that agree come up often.
NAMES = st.text(alphabet="abcAB éÉ-'", min_size=0, max_size=9)


@given(NAMES, NAMES, NAMES, NAMES)
def test_names_that_agree_share_an_end_of_the_surname(
    sent_forename: str, sent_surname: str, held_forename: str, held_surname: str
) -> None:
    agree = names_agree(sent_forename, sent_surname, held_forename, held_surname)
    if agree or normalise_name(held_surname) == normalise_name(sent_surname):
        assert _share_an_end(held_surname, sent_forename, sent_surname)


# Forenames of several words too, so the first-word rule ("Mary" for "Mary Jane") comes up.
FORENAMES = st.lists(NAMES, min_size=1, max_size=3).map(" ".join)


@settings(max_examples=3000)
@given(FORENAMES, NAMES, FORENAMES, NAMES)
def test_a_child_whose_names_agree_could_be_the_pupil(
    sent_forename: str, sent_surname: str, held_forename: str, held_surname: str
) -> None:
    _kept_when_they_agree(sent_forename, sent_surname, held_forename, held_surname)


def _kept_when_they_agree(
    sent_forename: str, sent_surname: str, held_forename: str, held_surname: str
) -> None:
    agree = names_agree(sent_forename, sent_surname, held_forename, held_surname)
    if agree or normalise_name(held_surname) == normalise_name(sent_surname):
        assert could_be_the_pupil(lookup_ends(sent_forename, sent_surname), held_forename, held_surname)


@st.composite
def _slipped(draw: st.DrawFn, name: str) -> str:
    """``name`` with one typing slip: a letter inserted, deleted or changed, or two swapped."""
    i = draw(st.integers(min_value=0, max_value=len(name) - 1))
    letter = draw(st.sampled_from("abz"))
    return draw(
        st.sampled_from(
            [
                name[:i] + letter + name[i:],
                name[:i] + name[i + 1 :],
                name[:i] + letter + name[i + 1 :],
                name[:i] + name[i + 1 : i + 2] + name[i : i + 1] + name[i + 2 :],
            ]
        )
    )


@st.composite
def _look_alikes(draw: st.DrawFn) -> tuple[str, str, str, str]:
    """A pupil and a held child whose names are built to agree: slips, extra forenames, swaps."""
    word = st.text(alphabet="abcdeé", min_size=1, max_size=8)
    forename, surname = draw(word), draw(word)
    held_forename = draw(st.sampled_from([forename, draw(_slipped(forename))]))
    extra = draw(st.sampled_from(["", " " + draw(word), "-" + draw(word), ". " + draw(word)]))
    held_surname = draw(st.sampled_from([surname, draw(_slipped(surname)), surname.upper()]))
    sent_extra = draw(st.sampled_from(["", " " + draw(word)]))
    if draw(st.booleans()):
        return forename + sent_extra, surname, held_forename + extra, held_surname
    return forename + sent_extra, surname, held_surname, held_forename + extra  # swapped


@settings(max_examples=3000)
@given(_look_alikes())
def test_a_look_alike_whose_names_agree_could_be_the_pupil(names: tuple[str, str, str, str]) -> None:
    _kept_when_they_agree(*names)


def test_lookup_ends_and_who_could_be_the_pupil() -> None:
    assert lookup_ends("Mary-Jane", "O'Brien") == ("ob", "en", "ma", "ne", "ma", "ry")
    pupil = lookup_ends("Ada", "Okafor")
    assert could_be_the_pupil(pupil, "Ada", "Okafer")  # a slip in the surname
    assert could_be_the_pupil(pupil, "Zed", "Okafor")  # the same surname: a possible duplicate
    assert could_be_the_pupil(pupil, "Okafor", "Ada")  # swapped
    assert could_be_the_pupil(lookup_ends("Mary", "Shah"), "Mary-Jane", "Shah")  # first word
    assert not could_be_the_pupil(pupil, "Zed", "Okafer")  # the surname only looks alike
    assert not could_be_the_pupil(pupil, "Zed", "Smith-Okafor")
    assert not could_be_the_pupil(pupil, "Ada", "Brown")


@given(
    st.text(alphabet="abcdefgh", min_size=5, max_size=12),
    st.integers(min_value=0, max_value=20),
    st.sampled_from(["insert", "delete", "change", "swap"]),
    st.sampled_from("abcdefghz"),
    st.booleans(),
)
def test_one_slip_in_a_surname_keeps_an_end(
    name: str, at: int, slip: str, letter: str, swapped: bool
) -> None:
    i = at % len(name)
    if slip == "insert":
        held = name[:i] + letter + name[i:]
    elif slip == "delete":
        held = name[:i] + name[i + 1 :]
    elif slip == "change":
        held = name[:i] + letter + name[i + 1 :]
    else:
        j = min(i, len(name) - 2)
        held = name[:j] + name[j + 1] + name[j] + name[j + 2 :]
    forename, surname = ("Zed", name) if not swapped else (name, "Zed")
    if names_agree(forename, surname, "Zed", held) or names_agree(forename, surname, held, "Zed"):
        assert _share_an_end(held, forename, surname)
    if slip != "insert" or len(held) >= 5:
        assert _share_an_end(held, "Zed", name)
