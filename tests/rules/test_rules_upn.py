"""Unique Pupil Numbers: the DfE check letter, structure, LA codes and temporary UPNs."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollcall.rules.upn import (
    CHECK_LETTERS,
    is_temporary_upn,
    is_valid_upn,
    make_upn,
    normalise_upn,
    upn_check_letter,
    upn_errors,
)

# DOMAIN.md / DOMAIN-SOURCES.md §8.1 test vectors.
VALID = ["H801200001001", "G80120000101A", "B801200005001", "A950000178301", "H243278544154"]


@pytest.mark.parametrize("upn", VALID)
def test_the_dfe_examples_are_valid(upn: str) -> None:
    assert upn_errors(upn) == []
    assert is_valid_upn(upn)


@pytest.mark.parametrize("upn", VALID)
def test_the_check_letter_of_each_example_is_its_first_character(upn: str) -> None:
    assert upn_check_letter(upn[1:]) == upn[0]


def test_z801200001001_has_the_wrong_check_letter_which_should_be_h() -> None:
    errors = upn_errors("Z801200001001")
    assert errors == ["The check letter is wrong: it should be H, not Z"]
    assert not is_valid_upn("Z801200001001")


def test_the_check_letter_table_has_23_letters_without_i_o_or_s() -> None:
    assert len(CHECK_LETTERS) == 23
    assert not set("IOS") & set(CHECK_LETTERS)


def test_a_temporary_upn_is_recognised() -> None:
    assert is_temporary_upn("G80120000101A")
    assert not is_temporary_upn("H801200001001")


def test_an_invalid_upn_ending_in_a_letter_is_not_a_temporary_upn() -> None:
    assert not is_temporary_upn("H80120000101A")


def test_spaces_and_lower_case_are_ignored() -> None:
    assert normalise_upn(" h801 2000 01001 ") == "H801200001001"
    assert is_valid_upn("h801 2000 01001")
    assert is_temporary_upn("g80120000101a")


@pytest.mark.parametrize(("upn", "length"), [("", 0), ("H80120000100", 12), ("H8012000010011", 14)])
def test_a_upn_of_the_wrong_length_says_how_long_it_is(upn: str, length: int) -> None:
    assert upn_errors(upn) == [f"A UPN has 13 characters; this one has {length}"]


@pytest.mark.parametrize("first", ["I", "O", "S", "1", "-"])
def test_the_first_character_must_be_an_allowed_letter(first: str) -> None:
    assert upn_errors(first + "801200001001") == [
        "The first character must be a check letter: A to Z, but not I, O or S"
    ]


@pytest.mark.parametrize("upn", ["H8012A0001001", "H80120000X001", "H 8012000O1001", "H80120000.001"])
def test_characters_2_to_12_must_be_digits(upn: str) -> None:
    assert "Characters 2 to 12 must all be digits" in upn_errors(upn)


@pytest.mark.parametrize("last", ["I", "O", "S", "-", "é"])
def test_the_last_character_must_be_a_digit_or_an_allowed_letter(last: str) -> None:
    assert (
        "The last character must be a digit, or for a temporary UPN a letter other than I, O or S"
        in upn_errors("H80120000100" + last)
    )


def test_several_problems_are_all_reported() -> None:
    errors = upn_errors("I80A20000100S", known_la_codes={"306"})
    assert len(errors) == 4


def test_an_unknown_la_code_is_reported_when_codes_are_known() -> None:
    # R900400001001 passes the check letter but 900 is not an LA code (DOMAIN-SOURCES.md §8.1).
    assert is_valid_upn("R900400001001")
    assert upn_errors("R900400001001", known_la_codes={"306", "855", "856", "857"}) == [
        "900 (characters 2 to 4) is not a known local authority code"
    ]


def test_a_known_la_code_is_accepted() -> None:
    assert is_valid_upn("H801200001001", known_la_codes=["801", "306"])


def test_an_empty_list_of_la_codes_rejects_every_code() -> None:
    assert not is_valid_upn("H801200001001", known_la_codes=[])


@pytest.mark.parametrize("body", ["80120000100", "8012000010011", "80120000A001", "80120000100I"])
def test_the_check_letter_needs_a_well_formed_body(body: str) -> None:
    with pytest.raises(ValueError, match="UPN"):
        upn_check_letter(body)


def test_make_upn_builds_the_dfe_example() -> None:
    assert make_upn("801", "2000", 1, 1) == "H801200001001"
    assert make_upn("801", "2000", 2005, 1) == "B801200005001"


def test_make_upn_keeps_the_last_two_digits_of_the_year() -> None:
    assert make_upn("306", "4000", 2026, 17) == make_upn("306", "4000", 26, 17)
    assert make_upn("306", "4000", 2026, 17)[8:10] == "26"


@pytest.mark.parametrize(
    ("la_code", "establishment", "year", "serial"),
    [
        ("80", "2000", 1, 1),
        ("8011", "2000", 1, 1),
        ("80A", "2000", 1, 1),
        ("801", "200", 1, 1),
        ("801", "20000", 1, 1),
        ("801", "2000", -1, 1),
        ("801", "2000", 1, -1),
        ("801", "2000", 1, 1000),
    ],
)
def test_make_upn_refuses_parts_that_do_not_fit(
    la_code: str, establishment: str, year: int, serial: int
) -> None:
    with pytest.raises(ValueError, match=r"LA code|establishment|year|serial"):
        make_upn(la_code, establishment, year, serial)


DIGITS = st.text(alphabet="0123456789", min_size=1, max_size=1)


@given(
    st.from_regex(r"\A[0-9]{3}\Z"),
    st.from_regex(r"\A[0-9]{4}\Z"),
    st.integers(min_value=0, max_value=2099),
    st.integers(min_value=0, max_value=999),
)
def test_make_upn_always_makes_a_valid_permanent_upn(
    la_code: str, establishment: str, year: int, serial: int
) -> None:
    upn = make_upn(la_code, establishment, year, serial)
    assert is_valid_upn(upn, known_la_codes={la_code})
    assert not is_temporary_upn(upn)
    assert upn[1:4] == la_code
    assert upn[4:8] == establishment


@st.composite
def valid_upns(draw: st.DrawFn) -> str:
    body = draw(st.from_regex(r"\A[0-9]{11}\Z"))
    last = draw(st.sampled_from("0123456789" + CHECK_LETTERS))
    return upn_check_letter(body + last) + body + last


@given(valid_upns(), st.integers(min_value=1, max_value=11), st.integers(min_value=1, max_value=9))
def test_changing_any_one_digit_is_caught_by_the_check_letter(upn: str, position: int, delta: int) -> None:
    # Weights 2..13 and a change of 1..9 never make a multiple of the prime 23.
    digit = (int(upn[position]) + delta) % 10
    changed = upn[:position] + str(digit) + upn[position + 1 :]
    assert not is_valid_upn(changed)


@given(valid_upns(), st.integers(min_value=1, max_value=10))
def test_swapping_two_neighbouring_different_digits_is_caught(upn: str, position: int) -> None:
    a, b = upn[position], upn[position + 1]
    swapped = upn[:position] + b + a + upn[position + 2 :]
    assert is_valid_upn(swapped) is (a == b)


@given(valid_upns())
def test_a_generated_upn_is_valid_and_temporary_exactly_when_it_ends_in_a_letter(upn: str) -> None:
    assert is_valid_upn(upn)
    assert is_temporary_upn(upn) is upn[-1].isalpha()
