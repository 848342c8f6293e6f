"""Removals from the admission register: the 15 grounds of reg. 9(1) and the council's check."""

from __future__ import annotations

import string
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollcall.rules.removal import (
    DEFAULT_MIN_CONTINUOUS_ABSENCE_DAYS,
    GROUNDS,
    RemovalFacts,
    assess_removal,
    ground,
)

REMOVED = date(2026, 11, 3)
DESTINATION = "100001"

ALL_CODES = list("abcdefghijklmno")


def facts(code: str | None, **kwargs: Any) -> RemovalFacts:
    values: dict[str, Any] = {"ground": code, "removal_date": REMOVED, "notified_on": REMOVED}
    values.update(kwargs)
    return RemovalFacts(**values)


# ------------------------------------------------------------------------------------------------
# The grounds as data


def test_there_are_fifteen_grounds_a_to_o() -> None:
    assert list(GROUNDS) == ALL_CODES


@pytest.mark.parametrize("code", ALL_CODES)
def test_each_ground_cites_its_regulation(code: str) -> None:
    the_ground = GROUNDS[code]
    assert the_ground.code == code
    assert the_ground.regulation == f"reg. 9(1)({code})"
    assert the_ground.summary


@pytest.mark.parametrize(
    ("code", "destination", "council", "cme_risk", "ehe"),
    [
        ("a", True, False, False, False),
        ("b", False, False, False, False),
        ("c", True, False, False, False),
        ("d", True, False, False, False),
        ("e", False, False, False, False),
        ("f", False, False, False, True),
        ("g", False, False, True, False),
        ("h", False, True, True, False),
        ("i", False, True, True, False),
        ("j", False, False, False, False),
        ("k", False, False, False, False),
        ("l", False, False, False, False),
        ("m", False, False, False, False),
        ("n", False, False, False, False),
        ("o", False, False, False, False),
    ],
)
def test_what_each_ground_needs(
    code: str, destination: bool, council: bool, cme_risk: bool, ehe: bool
) -> None:
    the_ground = GROUNDS[code]
    assert the_ground.needs_destination_school is destination
    assert the_ground.needs_council_agreement is council
    assert the_ground.cme_risk is cme_risk
    assert the_ground.opens_ehe_record is ehe


@pytest.mark.parametrize("code", ["a", "A", "(a)", " a "])
def test_a_ground_can_be_looked_up_by_its_letter(code: str) -> None:
    assert ground(code) is GROUNDS["a"]


@pytest.mark.parametrize("code", ["p", "z", "", "aa", "9"])
def test_looking_up_a_letter_that_is_not_a_ground_fails(code: str) -> None:
    with pytest.raises(KeyError, match="not one of the grounds"):
        ground(code)


def test_the_grounds_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(TypeError):
        GROUNDS["p"] = GROUNDS["a"]  # type: ignore[index]


# ------------------------------------------------------------------------------------------------
# A lawful removal on each ground


LAWFUL: dict[str, tuple[dict[str, Any], bool]] = {
    # ground: (facts that support it, whether a CME case opens)
    "a": (
        {
            "destination_school_urn": DESTINATION,
            "destination_start_date": REMOVED,
            "destination_unknown": False,
        },
        False,
    ),
    "b": ({"destination_unknown": False}, False),
    "c": ({"destination_school_urn": DESTINATION, "destination_unknown": False}, False),
    "d": (
        {
            "destination_school_urn": DESTINATION,
            "destination_unknown": False,
            "school_attendance_order": True,
        },
        False,
    ),
    "e": ({"school_attendance_order": True, "destination_unknown": False}, False),
    "f": ({"parent_written_notice_date": date(2026, 10, 30)}, False),
    "g": ({}, True),
    "h": ({"joint_enquiries_made": True}, True),
    "i": (
        {
            "joint_enquiries_made": True,
            "continuous_absence_school_days": 20,
            "absence_all_g_n_o": True,
        },
        True,
    ),
    "j": ({"destination_unknown": False}, False),
    "k": ({}, False),
    "l": ({}, False),
    "m": ({"destination_unknown": False}, False),
    "n": ({"destination_unknown": False}, False),
    "o": ({"destination_unknown": False}, False),
}


@pytest.mark.parametrize("code", ALL_CODES)
def test_a_removal_the_facts_support_is_not_challenged(code: str) -> None:
    supporting, opens_cme = LAWFUL[code]
    assessment = assess_removal(facts(code, **supporting))
    assert assessment.possibly_unlawful is False
    assert assessment.opens_cme_case is opens_cme
    assert assessment.opens_ehe_record is (code == "f")


@pytest.mark.parametrize("code", ALL_CODES)
def test_an_unknown_destination_opens_a_cme_case_on_every_ground_but_k_and_l(
    code: str,
) -> None:
    assessment = assess_removal(facts(code))
    assert assessment.opens_cme_case is (code not in {"k", "l"})


@pytest.mark.parametrize("code", ["g", "h", "i"])
def test_an_unknown_destination_is_named_as_a_concern(code: str) -> None:
    supporting, _ = LAWFUL[code]
    assessment = assess_removal(facts(code, **supporting))
    assert "Where the pupil has gone is not known" in assessment.concerns


# ------------------------------------------------------------------------------------------------
# No ground, or not a ground


def test_a_removal_with_no_ground_is_possibly_unlawful_and_opens_a_cme_case() -> None:
    assessment = assess_removal(facts(None))
    assert assessment.possibly_unlawful
    assert assessment.opens_cme_case
    assert assessment.concerns[0] == "No ground for removal was given"
    assert not assessment.opens_ehe_record


def test_a_blank_ground_counts_as_no_ground() -> None:
    assert assess_removal(facts("  ")).concerns[0] == "No ground for removal was given"


def test_a_letter_that_is_not_a_ground_is_possibly_unlawful() -> None:
    assessment = assess_removal(facts("p"))
    assert assessment.possibly_unlawful
    assert assessment.concerns[0] == "'p' is not one of the grounds for removal in reg. 9(1)(a)-(o)"


def test_a_removal_with_no_ground_but_a_known_destination_school_does_not_open_a_cme_case() -> None:
    assessment = assess_removal(facts(None, destination_school_urn=DESTINATION, destination_unknown=False))
    assert assessment.possibly_unlawful
    assert not assessment.opens_cme_case


def test_the_ground_may_be_written_in_capitals_or_brackets() -> None:
    supporting, _ = LAWFUL["a"]
    assert not assess_removal(facts("(A)", **supporting)).possibly_unlawful


# ------------------------------------------------------------------------------------------------
# Backdated deletions (reg. 13)


def test_a_backdated_deletion_is_possibly_unlawful() -> None:
    supporting, _ = LAWFUL["a"]
    assessment = assess_removal(facts("a", notified_on=date(2026, 11, 20), **supporting))
    assert assessment.possibly_unlawful
    assert assessment.concerns == (
        "The deletion is backdated: removed on 3 Nov 2026 but notified on 20 Nov 2026 "
        "(reg. 13: no later than the deletion)",
    )
    assert not assessment.opens_cme_case  # the destination school is known


def test_notifying_the_council_on_the_day_of_the_deletion_is_on_time() -> None:
    supporting, _ = LAWFUL["a"]
    assert not assess_removal(facts("a", **supporting)).possibly_unlawful


def test_notifying_the_council_before_the_deletion_is_on_time() -> None:
    supporting, _ = LAWFUL["a"]
    assessment = assess_removal(facts("a", notified_on=date(2026, 10, 1), **supporting))
    assert not assessment.possibly_unlawful


def test_a_deletion_notified_one_day_late_is_backdated() -> None:
    supporting, _ = LAWFUL["a"]
    assessment = assess_removal(facts("a", notified_on=date(2026, 11, 4), **supporting))
    assert assessment.possibly_unlawful


# ------------------------------------------------------------------------------------------------
# Ground by ground


def test_ground_a_needs_the_destination_school() -> None:
    assessment = assess_removal(facts("a", destination_start_date=REMOVED))
    assert assessment.possibly_unlawful
    assert assessment.opens_cme_case
    assert "Ground (a) needs the destination school" in assessment.concerns


def test_ground_a_needs_the_start_date_at_the_destination_school() -> None:
    assessment = assess_removal(facts("a", destination_school_urn=DESTINATION, destination_unknown=False))
    assert assessment.possibly_unlawful
    assert not assessment.opens_cme_case
    assert assessment.concerns == ("Ground (a) needs the date the pupil starts at the destination school",)


def test_ground_a_with_a_start_date_after_the_removal_is_a_concern_but_not_unlawful() -> None:
    assessment = assess_removal(
        facts(
            "a",
            destination_school_urn=DESTINATION,
            destination_start_date=date(2026, 11, 16),
            destination_unknown=False,
        )
    )
    assert not assessment.possibly_unlawful
    assert assessment.concerns == (
        "The pupil starts at the destination school on 16 Nov 2026, after the removal on "
        "3 Nov 2026: check the pupil is not left without a school",
    )


@pytest.mark.parametrize("code", ["c", "d"])
def test_grounds_c_and_d_need_the_destination_school(code: str) -> None:
    assessment = assess_removal(facts(code, school_attendance_order=True))
    assert assessment.possibly_unlawful
    assert f"Ground ({code}) needs the destination school" in assessment.concerns


@pytest.mark.parametrize("code", ["d", "e"])
def test_grounds_d_and_e_need_a_school_attendance_order(code: str) -> None:
    assessment = assess_removal(facts(code, destination_school_urn=DESTINATION, destination_unknown=False))
    assert assessment.possibly_unlawful
    assert assessment.concerns == (f"Ground ({code}) needs a school attendance order; none is recorded",)


def test_ground_f_needs_the_parents_written_notice() -> None:
    assessment = assess_removal(facts("f"))
    assert assessment.possibly_unlawful
    assert assessment.opens_ehe_record
    assert assessment.opens_cme_case  # nobody has confirmed where the child is
    assert "Ground (f) needs the date of the parent's written notice of home education" in (
        assessment.concerns
    )


def test_ground_f_with_oral_notice_but_a_known_destination_still_opens_an_ehe_record() -> None:
    assessment = assess_removal(facts("f", destination_unknown=False))
    assert assessment.possibly_unlawful
    assert assessment.opens_ehe_record
    assert not assessment.opens_cme_case


def test_ground_f_with_a_notice_dated_after_the_removal_is_possibly_unlawful() -> None:
    assessment = assess_removal(facts("f", parent_written_notice_date=date(2026, 11, 10)))
    assert assessment.possibly_unlawful
    assert assessment.opens_cme_case
    assert (
        "The parent's written notice (10 Nov 2026) came after the removal (3 Nov 2026)" in assessment.concerns
    )


def test_ground_f_with_a_written_notice_opens_an_ehe_record_not_a_cme_case() -> None:
    assessment = assess_removal(facts("f", parent_written_notice_date=REMOVED))
    assert assessment == assessment.__class__(
        opens_cme_case=False, possibly_unlawful=False, concerns=(), opens_ehe_record=True
    )


def test_ground_g_with_no_destination_school_opens_a_cme_case_even_when_the_family_is_traced() -> None:
    assessment = assess_removal(facts("g", destination_unknown=False))
    assert assessment.opens_cme_case
    assert not assessment.possibly_unlawful


def test_ground_g_with_a_destination_school_does_not_open_a_cme_case() -> None:
    assessment = assess_removal(facts("g", destination_school_urn=DESTINATION, destination_unknown=False))
    assert not assessment.opens_cme_case
    assert assessment.concerns == ()


@pytest.mark.parametrize("code", ["h", "i"])
def test_grounds_h_and_i_need_joint_enquiries_by_school_and_council(code: str) -> None:
    supporting = dict(LAWFUL[code][0], joint_enquiries_made=False)
    assessment = assess_removal(facts(code, **supporting))
    assert assessment.possibly_unlawful
    assert assessment.opens_cme_case
    assert (
        f"Ground ({code}) needs reasonable enquiries made jointly by the school and the council; "
        "none are recorded"
    ) in assessment.concerns


@pytest.mark.parametrize("code", ["h", "i"])
def test_grounds_h_and_i_always_open_a_cme_case_even_with_a_destination(code: str) -> None:
    supporting = dict(LAWFUL[code][0], destination_school_urn=DESTINATION, destination_unknown=False)
    assert assess_removal(facts(code, **supporting)).opens_cme_case


@pytest.mark.parametrize("code", ["h", "i"])
def test_grounds_h_and_i_cannot_be_used_for_a_pupil_known_to_be_ill(code: str) -> None:
    supporting = dict(LAWFUL[code][0], known_sickness=True)
    assessment = assess_removal(facts(code, **supporting))
    assert assessment.possibly_unlawful
    assert (
        f"Ground ({code}) cannot be used when the pupil is known to be ill or absent for an unavoidable cause"
    ) in assessment.concerns


@pytest.mark.parametrize(
    ("days", "unlawful"), [(0, True), (12, True), (19, True), (20, False), (21, False), (60, False)]
)
def test_ground_i_needs_at_least_20_continuous_school_days(days: int, unlawful: bool) -> None:
    supporting = dict(LAWFUL["i"][0], continuous_absence_school_days=days)
    assessment = assess_removal(facts("i", **supporting))
    assert assessment.possibly_unlawful is unlawful
    message = f"Ground (i) needs at least 20 continuous school days of absence; the school reported {days}"
    assert (message in assessment.concerns) is unlawful


def test_ground_i_with_12_days_gives_the_officer_a_readable_reason() -> None:
    supporting = dict(LAWFUL["i"][0], continuous_absence_school_days=12)
    assert assess_removal(facts("i", **supporting)).concerns[0] == (
        "Ground (i) needs at least 20 continuous school days of absence; the school reported 12"
    )


def test_the_ground_i_minimum_is_a_setting() -> None:
    supporting = dict(LAWFUL["i"][0], continuous_absence_school_days=22)
    assessment = assess_removal(facts("i", **supporting), min_continuous_absence_days=25)
    assert assessment.possibly_unlawful
    assert "needs at least 25 continuous school days" in assessment.concerns[0]
    assert DEFAULT_MIN_CONTINUOUS_ABSENCE_DAYS == 20


def test_ground_i_without_the_number_of_days_is_possibly_unlawful() -> None:
    supporting = dict(LAWFUL["i"][0], continuous_absence_school_days=None)
    assessment = assess_removal(facts("i", **supporting))
    assert assessment.possibly_unlawful
    assert assessment.concerns[0].endswith("the school did not say how many")


def test_ground_i_needs_every_session_coded_g_n_or_o() -> None:
    supporting = dict(LAWFUL["i"][0], absence_all_g_n_o=False)
    assessment = assess_removal(facts("i", **supporting))
    assert assessment.possibly_unlawful
    assert (
        "Ground (i) needs every session of the absence coded G, N or O; other codes were used"
        in assessment.concerns
    )


def test_ground_i_where_the_school_did_not_confirm_the_codes_is_possibly_unlawful() -> None:
    supporting = dict(LAWFUL["i"][0], absence_all_g_n_o=None)
    assessment = assess_removal(facts("i", **supporting))
    assert assessment.possibly_unlawful
    assert assessment.concerns[0].endswith("the school did not confirm this")


def test_ground_i_lists_every_problem_at_once() -> None:
    assessment = assess_removal(
        facts(
            "i",
            continuous_absence_school_days=12,
            absence_all_g_n_o=False,
            known_sickness=True,
            notified_on=date(2026, 11, 20),
        )
    )
    assert len(assessment.concerns) == 6  # backdated, joint, sickness, days, codes, destination


@pytest.mark.parametrize("code", ["k", "l"])
def test_grounds_k_and_l_never_open_a_cme_case_even_when_backdated(code: str) -> None:
    assessment = assess_removal(facts(code, notified_on=date(2026, 11, 20)))
    assert assessment.possibly_unlawful
    assert not assessment.opens_cme_case
    assert "Where the pupil has gone is not known" not in assessment.concerns


def test_ground_o_with_the_councils_provision_known_does_not_open_a_cme_case() -> None:
    assert not assess_removal(facts("o", destination_unknown=False)).opens_cme_case


# ------------------------------------------------------------------------------------------------
# Properties


@given(
    code=st.one_of(st.none(), st.sampled_from(ALL_CODES), st.text(string.ascii_letters, max_size=2)),
    removal=st.dates(min_value=date(2024, 8, 19), max_value=date(2030, 12, 31)),
    late_by=st.integers(min_value=-30, max_value=30),
    urn=st.one_of(st.none(), st.just(DESTINATION)),
    unknown=st.booleans(),
    joint=st.booleans(),
    days=st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
    gno=st.one_of(st.none(), st.booleans()),
    sick=st.booleans(),
    sao=st.booleans(),
)
def test_the_assessment_is_consistent_for_any_facts(
    code: str | None,
    removal: date,
    late_by: int,
    urn: str | None,
    unknown: bool,
    joint: bool,
    days: int | None,
    gno: bool | None,
    sick: bool,
    sao: bool,
) -> None:
    notified = date.fromordinal(removal.toordinal() + late_by)
    assessment = assess_removal(
        RemovalFacts(
            ground=code,
            removal_date=removal,
            notified_on=notified,
            destination_school_urn=urn,
            destination_unknown=unknown,
            joint_enquiries_made=joint,
            continuous_absence_school_days=days,
            absence_all_g_n_o=gno,
            known_sickness=sick,
            school_attendance_order=sao,
        )
    )
    # Every challenge comes with a reason an officer can read.
    if assessment.possibly_unlawful:
        assert assessment.concerns
    # A backdated deletion is always challenged.
    if notified > removal:
        assert assessment.possibly_unlawful
    # A child whose whereabouts nobody knows is never dropped, unless the ground ends school age.
    normalised = (code or "").strip().lower()
    if urn is None and unknown and normalised not in {"k", "l", "f"}:
        assert assessment.opens_cme_case
    # Joint-enquiry grounds always open a CME case.
    if normalised in {"h", "i"}:
        assert assessment.opens_cme_case
    assert assessment.opens_ehe_record is (normalised == "f")
