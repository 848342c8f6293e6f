"""Removals from the admission register, and the council's check of each deletion return.

Source: the School Attendance (Pupil Registration) (England) Regulations 2024 (SI 2024/208).
A school may delete a pupil of compulsory school age only on one of the 15 grounds in
reg. 9(1)(a)-(o), and must make a deletion return to the council "as soon as the ground is met and
no later than the deletion" (reg. 13(4)-(6)). See DOMAIN.md ("Removals from the admission
register") and DOMAIN-SOURCES.md §2.3, §2.4 and §11 rules 2-7.

The grounds are data (:data:`GROUNDS`); :func:`assess_removal` turns the facts of one deletion
return into what the council does next: open a child missing education (CME) case, challenge a
possibly unlawful removal ("off-rolling"), open an elective home education (EHE) record.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType

__all__ = [
    "DEFAULT_MIN_CONTINUOUS_ABSENCE_DAYS",
    "GROUNDS",
    "RemovalAssessment",
    "RemovalFacts",
    "RemovalGround",
    "assess_removal",
    "ground",
]

# Pupil Registration Regulations 2024, reg. 9(1)(i): "continuously absent for at least 20 school
# days". A council setting, but the statutory minimum should not be lowered.
DEFAULT_MIN_CONTINUOUS_ABSENCE_DAYS = 20


@dataclass(frozen=True)
class RemovalGround:
    """One ground for deleting a pupil of compulsory school age from the admission register."""

    code: str
    """The letter of the ground, 'a' to 'o'."""
    summary: str
    """What the ground means, in words an officer uses."""
    regulation: str
    """The citation, e.g. "reg. 9(1)(a)"."""
    needs_destination_school: bool = False
    """The ground only makes sense with a named school the pupil goes to (or stays at)."""
    needs_council_agreement: bool = False
    """The school and the council must first have jointly made reasonable enquiries."""
    cme_risk: bool = False
    """The destination is often unknown, so a CME case is likely."""
    opens_ehe_record: bool = False
    """The council opens an elective home education record."""


def _ground(code: str, summary: str, **flags: bool) -> RemovalGround:
    return RemovalGround(code=code, summary=summary, regulation=f"reg. 9(1)({code})", **flags)


# Pupil Registration Regulations 2024, reg. 9(1)(a)-(o); wording from DOMAIN-SOURCES.md §2.3.
# The exact 2024 wording of (f)-(o) is still to be checked against the statutory text.
GROUNDS: Mapping[str, RemovalGround] = MappingProxyType(
    {
        g.code: g
        for g in (
            # (a) unless an SAO names this school, the child is a mobile child and this is the
            # main school, or dual registration was agreed: the destination must be known.
            _ground("a", "Registered at another school", needs_destination_school=True),
            _ground("b", "Did not continue at the school after completing nursery education"),
            # (c) the other school is where the pupil stays registered.
            _ground(
                "c",
                "Dual registered, and the other school or schools consent to the deletion",
                needs_destination_school=True,
            ),
            # (d) the amended order names the school the pupil goes to.
            _ground(
                "d",
                "School attendance order amended to name another school",
                needs_destination_school=True,
            ),
            _ground(
                "e",
                "School attendance order revoked because suitable education is arranged otherwise",
            ),
            # (f) replaced the 2006 home-education ground; notice must be in writing.
            _ground(
                "f",
                "Parent told the school in writing that the pupil will be educated otherwise than at school",
                opens_ehe_record=True,
            ),
            _ground(
                "g",
                "No longer ordinarily lives within a reasonable distance of the school",
                cme_risk=True,
            ),
            # (h) 2024 wording to confirm; the 2006 version required failed joint enquiries.
            _ground(
                "h",
                "Did not return after a leave of absence",
                needs_council_agreement=True,
                cme_risk=True,
            ),
            _ground(
                "i",
                "Continuously absent for at least 20 school days",
                needs_council_agreement=True,
                cme_risk=True,
            ),
            _ground("j", "Detained under a sentence of detention"),
            _ground("k", "Has died"),
            _ground(
                "l",
                "Will be over compulsory school age and will not continue into the sixth form",
            ),
            _ground("m", "Boarder whose boarding fees are unpaid"),
            _ground("n", "Ceased to be a pupil at an independent or non-maintained special school"),
            _ground("o", "Permanently excluded"),
        )
    }
)

# Grounds after which the child is not "missing education" whatever the destination: the child
# has died (k), or is leaving at the end of compulsory school age (l).
_NOT_CME_GROUNDS = frozenset({"k", "l"})

# Grounds that rest on a school attendance order (Education Act 1996 s.437).
_SAO_GROUNDS = frozenset({"d", "e"})

# Absence codes allowed throughout a ground (i) window (DOMAIN-SOURCES.md §2.3, condition 2).
_GROUND_I_CODES = "G, N or O"


def _normalise_code(code: str) -> str:
    """Accept 'a', 'A', '(a)' or ' a ' for ground (a)."""
    return code.strip().lower().removeprefix("(").removesuffix(")").strip()


def ground(code: str) -> RemovalGround:
    """Return the removal ground with letter ``code`` ('a' to 'o', any case).

    Raises KeyError for a letter that is not a ground in reg. 9(1).
    """
    try:
        return GROUNDS[_normalise_code(code)]
    except KeyError:
        msg = f"{code!r} is not one of the grounds in reg. 9(1)(a)-(o)"
        raise KeyError(msg) from None


@dataclass(frozen=True)
class RemovalFacts:
    """What a school's deletion return (or the council's enquiries) say about one removal."""

    ground: str | None
    removal_date: date
    notified_on: date
    destination_school_urn: str | None = None
    destination_start_date: date | None = None
    destination_unknown: bool = True
    """False when the council knows where the child is, even without a school (e.g. in custody)."""
    parent_written_notice_date: date | None = None
    joint_enquiries_made: bool = False
    continuous_absence_school_days: int | None = None
    absence_all_g_n_o: bool | None = None
    known_sickness: bool = False
    """The school knows, or has reason to believe, the pupil is ill or absent for an unavoidable
    cause (including mental health and emotion-based school avoidance)."""
    school_attendance_order: bool = False


@dataclass(frozen=True)
class RemovalAssessment:
    """What the council does about one removal."""

    opens_cme_case: bool
    possibly_unlawful: bool
    concerns: tuple[str, ...]
    """Sentences an officer can read and put to the school, in a stable order."""
    opens_ehe_record: bool


def _day(d: date) -> str:
    return f"{d.day} {d:%b %Y}"


def assess_removal(
    facts: RemovalFacts,
    *,
    min_continuous_absence_days: int = DEFAULT_MIN_CONTINUOUS_ABSENCE_DAYS,
) -> RemovalAssessment:
    """Check one removal against reg. 9(1) and reg. 13, and say what the council must do.

    A removal is *possibly unlawful* (to be challenged with the school, DOMAIN.md) when:

    - no ground, or a letter that is not a ground, was given (reg. 9(1));
    - ground (a), (c) or (d) has no destination school, or (a) has no start date there;
    - ground (f) has no date of the parent's written notice, or the notice came after the removal;
    - ground (h) or (i) has no record of joint school and council enquiries;
    - ground (h) or (i) is used although the pupil is known to be ill or absent for an unavoidable
      cause (for (h), the 2006 wording; the 2024 wording is to confirm);
    - ground (i) has fewer than ``min_continuous_absence_days`` continuous school days of absence,
      or not every session in the window coded G, N or O;
    - ground (d) or (e) has no school attendance order;
    - the council was told after the removal date: a backdated deletion (reg. 13: the return is
      due "no later than the deletion").

    A CME case opens (DOMAIN-SOURCES.md §11 rule 3) when the destination is unknown, when the
    ground needs the council's agreement ((h) and (i)), or when the ground is (g) and no destination
    school is named; a possibly unlawful removal with no known destination is covered by the first
    of these. No CME case opens after ground (k) (died) or (l) (over compulsory school age). After
    ground (f) with a written notice, the destination is home education, so the EHE record takes
    the child.
    """
    concerns: list[str] = []
    unlawful = False

    def concern(text: str, *, makes_unlawful: bool = True) -> None:
        nonlocal unlawful
        concerns.append(text)
        unlawful = unlawful or makes_unlawful

    code = _normalise_code(facts.ground) if facts.ground is not None else ""
    the_ground = GROUNDS.get(code) if code else None
    if not code:
        concern("No ground for removal was given")
    elif the_ground is None:
        concern(f"'{facts.ground}' is not one of the grounds for removal in reg. 9(1)(a)-(o)")

    # Pupil Registration Regulations 2024, reg. 13(4)-(6): the deletion return is due as soon as
    # the ground is met and no later than the deletion, so no deletion may be backdated.
    if facts.notified_on > facts.removal_date:
        concern(
            f"The deletion is backdated: removed on {_day(facts.removal_date)} but notified on "
            f"{_day(facts.notified_on)} (reg. 13: no later than the deletion)"
        )

    has_school = bool(facts.destination_school_urn)
    destination_known = has_school or not facts.destination_unknown

    if the_ground is not None:
        label = f"Ground ({the_ground.code})"
        if the_ground.needs_destination_school and not has_school:
            concern(f"{label} needs the destination school")
        if the_ground.code == "a":
            # reg. 9(1)(a): the pupil must already be registered at the other school.
            if facts.destination_start_date is None:
                concern(f"{label} needs the date the pupil starts at the destination school")
            elif facts.destination_start_date > facts.removal_date:
                concern(
                    f"The pupil starts at the destination school on "
                    f"{_day(facts.destination_start_date)}, after the removal on "
                    f"{_day(facts.removal_date)}: check the pupil is not left without a school",
                    makes_unlawful=False,
                )
        if the_ground.code == "f":
            # reg. 9(1)(f): the parent's notice must be in writing; oral notice is not enough.
            notice = facts.parent_written_notice_date
            if notice is None:
                concern(f"{label} needs the date of the parent's written notice of home education")
            elif notice > facts.removal_date:
                concern(
                    f"The parent's written notice ({_day(notice)}) came after the removal "
                    f"({_day(facts.removal_date)})"
                )
            else:
                destination_known = True  # the child is home educated: the EHE record follows
        if the_ground.code in _SAO_GROUNDS and not facts.school_attendance_order:
            concern(f"{label} needs a school attendance order; none is recorded")
        if the_ground.needs_council_agreement:
            if not facts.joint_enquiries_made:
                concern(
                    f"{label} needs reasonable enquiries made jointly by the school and the "
                    "council; none are recorded"
                )
            if facts.known_sickness:
                concern(
                    f"{label} cannot be used when the pupil is known to be ill or absent for an "
                    "unavoidable cause"
                )
        if the_ground.code == "i":
            days = facts.continuous_absence_school_days
            if days is None:
                concern(
                    f"{label} needs at least {min_continuous_absence_days} continuous school days "
                    "of absence; the school did not say how many"
                )
            elif days < min_continuous_absence_days:
                concern(
                    f"{label} needs at least {min_continuous_absence_days} continuous school days "
                    f"of absence; the school reported {days}"
                )
            if facts.absence_all_g_n_o is None:
                concern(
                    f"{label} needs every session of the absence coded {_GROUND_I_CODES}; "
                    "the school did not confirm this"
                )
            elif not facts.absence_all_g_n_o:
                concern(
                    f"{label} needs every session of the absence coded {_GROUND_I_CODES}; "
                    "other codes were used"
                )

    not_cme = the_ground is not None and the_ground.code in _NOT_CME_GROUNDS
    if not_cme:
        opens_cme = False
    else:
        opens_cme = (
            not destination_known
            or (the_ground is not None and the_ground.needs_council_agreement)
            or (the_ground is not None and the_ground.code == "g" and not has_school)
        )
        if not destination_known:
            concerns.append("Where the pupil has gone is not known")

    return RemovalAssessment(
        opens_cme_case=opens_cme,
        possibly_unlawful=unlawful,
        concerns=tuple(concerns),
        opens_ehe_record=the_ground is not None and the_ground.opens_ehe_record,
    )
