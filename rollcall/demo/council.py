"""The demo council: Northmoor County Council, invented, with synthetic people only.

``manage.py seed_demo`` calls :func:`demo_build`, which loads, in one transaction:

- about 40 schools, written as a schools-register CSV and loaded through the real importer
  (:func:`rollcall.schools.importers.schools_import`), one of them closed;
- term dates for the previous, current and next academic years, with two INSET days a year;
- the council's teams, their officers and managers, a head of service, an administrator and a
  user for each open school, all with :data:`DEMO_PASSWORD`;
- ``children`` children aged 4 to 16, each with a valid UPN, a current address, one or two carers
  and a place on an age-appropriate school's roll;
- children missing education cases at every stage (:func:`demo_cases`), made through the casework
  services so they are exactly what real use would make.

Every name, address and number is made up: Faker (en_GB) seeded with ``seed``, so the same seed
builds the same council. Telephone numbers are in Ofcom's range reserved for drama (07700 900xxx)
and e-mail domains are reserved example domains. The bulk load is set-based (``bulk_create`` in
batches, no query per child): 100,000 children load in about half a minute on SQLite, and a
million in a few minutes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import random
import re
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol

from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.db.models import Count, Q
from django_otp.plugins.otp_totp.models import TOTPDevice
from faker import Faker

from rollcall import clock
from rollcall.accounts.models import Membership, Team, User
from rollcall.actionplans.demo import actionplans_demo
from rollcall.admissions.demo import demo_admissions
from rollcall.attendance.demo import demo_attendance
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case
from rollcall.casework.services import case_transition, enquiry_record, roll_join
from rollcall.casework.sweep import sweep
from rollcall.health.demo import demo_health
from rollcall.people.models import Address, Child
from rollcall.policies.demo import demo_policies
from rollcall.returns.claims import Pupil
from rollcall.returns.removals import Removal, removal_notify
from rollcall.rolls.ctf import CtfAddress, CtfContact, PupilDetails
from rollcall.rolls.models import RollSnapshot
from rollcall.rolls.pupils import MAX_ROWS, rows_from_csv
from rollcall.rolls.services import roll_load
from rollcall.rules.age import is_compulsory_school_age
from rollcall.rules.calendar import academic_year_of, default_terms
from rollcall.rules.escalation import Level
from rollcall.rules.upn import make_upn
from rollcall.rules.workflow import Role
from rollcall.schools.importers import COLUMNS, schools_import
from rollcall.schools.models import ClosureDay, RollEntry, School, TermDate

__all__ = [
    "COUNCIL_NAME",
    "DEMO_LA_CODE",
    "DEMO_PASSWORD",
    "DEMO_STAFF",
    "DEMO_TOTP_KEY",
    "DemoError",
    "DemoSignIn",
    "demo_build",
    "demo_cases",
    "demo_exists",
    "demo_sign_ins",
]

# Demo data only: printed on screen by `manage.py demo_sign_ins` for people trying Roll Call.
DEMO_PASSWORD = "rollcall-demo-2026"  # noqa: S105
# Demo data only, published like the password: every demo account's authenticator app shares this
# key (hex, as django-otp stores it), so one app entry, or `manage.py demo_sign_ins`, serves all.
DEMO_TOTP_KEY = "526f6c6c2043616c6c2064656d6f20636f646573"  # "Roll Call demo codes"
COUNCIL_NAME = "Northmoor County Council"
# Invented. It must not be a real DfE LA code: 306, 855, 856 and 857 are the seed councils', and
# 940 to 943 are North Northamptonshire, West Northamptonshire, Cumberland, and Westmorland and
# Furness (the newest unitary authorities). DfE LA codes run from 201 to 943, so 990 belongs to
# nobody (check it against GIAS's "LA (code)" list if new councils are numbered).
DEMO_LA_CODE = "990"
EMAIL_DOMAIN = "northmoor.example"

# Invented places for an invented county.
TOWNS: tuple[str, ...] = (
    "Northmoor",
    "Ashby Moor",
    "Kettleby",
    "Harrowdale",
    "Thornbridge",
    "Little Wenlow",
    "Marsh Cotton",
    "Fellbeck",
    "Highcross",
    "Stanmoor",
)
_SAINTS = ("Mary", "John", "Peter", "Anne", "Michael", "Andrew", "Bede", "Hilda", "Chad", "Aidan")
_TERM_NAMES = ("Autumn 1", "Autumn 2", "Spring 1", "Spring 2", "Summer 1", "Summer 2")
_RELATIONSHIPS = ("Mother", "Father", "Mother", "Father", "Grandparent", "Foster carer", "Aunt", "Stepfather")


class _Writer(Protocol):
    def write(self, msg: str, /) -> object: ...


class DemoError(Exception):
    """The demo cannot be built here (e.g. the database already has schools)."""


@dataclass(frozen=True)
class StaffSeat:
    """One demo member of council staff: their sign-in, team and role."""

    username: str
    team: Team.Kind | None
    role: Role
    job_title: str


DEMO_TEAMS: tuple[tuple[Team.Kind, str], ...] = (
    (Team.Kind.ADMISSIONS, "Admissions"),
    (Team.Kind.INCLUSION, "Inclusion (children missing education)"),
    (Team.Kind.ACCESS, "Access to Education"),
    (Team.Kind.SEN, "SEN"),
    (Team.Kind.HEADS, "Heads of Service"),
    (Team.Kind.EHE, "Elective Home Education"),
)

DEMO_STAFF: tuple[StaffSeat, ...] = (
    StaffSeat("admissions.officer", Team.Kind.ADMISSIONS, Role.OFFICER, "Admissions officer"),
    StaffSeat("admissions.manager", Team.Kind.ADMISSIONS, Role.MANAGER, "Admissions team manager"),
    StaffSeat("inclusion.officer", Team.Kind.INCLUSION, Role.OFFICER, "Children missing education officer"),
    StaffSeat("inclusion.officer2", Team.Kind.INCLUSION, Role.OFFICER, "Children missing education officer"),
    StaffSeat("inclusion.manager", Team.Kind.INCLUSION, Role.MANAGER, "Inclusion team manager"),
    StaffSeat("access.officer", Team.Kind.ACCESS, Role.OFFICER, "Access to Education officer"),
    StaffSeat("access.manager", Team.Kind.ACCESS, Role.MANAGER, "Access to Education team manager"),
    StaffSeat("sen.officer", Team.Kind.SEN, Role.OFFICER, "SEN officer"),
    StaffSeat("sen.manager", Team.Kind.SEN, Role.MANAGER, "SEN team manager"),
    StaffSeat("ehe.officer", Team.Kind.EHE, Role.OFFICER, "Elective home education officer"),
    StaffSeat("ehe.manager", Team.Kind.EHE, Role.MANAGER, "Elective home education team manager"),
    StaffSeat("head.of.service", Team.Kind.HEADS, Role.HEAD_OF_SERVICE, "Head of Education Services"),
    StaffSeat("admin", None, Role.ADMINISTRATOR, "Systems administrator"),
    StaffSeat("committee.member", None, Role.READER, "Member, children and young people scrutiny committee"),
)


def _say(stdout: _Writer | None, text: str) -> None:
    if stdout is not None:
        stdout.write(text + "\n")


def demo_exists() -> bool:
    """Say whether the demo council has been loaded here (its inclusion officer exists)."""
    return User.objects.filter(username="inclusion.officer", memberships__role=Role.OFFICER.value).exists()


def demo_build(*, children: int = 5000, seed: int = 2026, stdout: _Writer | None = None) -> None:
    """Build the demo council in an empty database, all in one transaction.

    Raises :class:`DemoError` if any school already exists (the command's ``--if-empty`` checks
    first and does nothing instead), so a demo is never mixed into real data.
    """
    if children < 0:
        raise DemoError("The number of children cannot be negative.")
    rng = random.Random(seed)  # noqa: S311 - made-up data, not security
    faker = Faker("en_GB")
    faker.seed_instance(seed)
    today = clock.today()
    with transaction.atomic():
        if School.objects.exists():
            raise DemoError("This database already has schools: the demo needs an empty one.")
        schools = demo_schools(faker=faker, rng=rng, today=today, children=children)
        _say(stdout, f"Schools: {len(schools)} imported through the schools-register importer.")
        terms = demo_terms(today=today)
        _say(stdout, f"Term dates: {terms} half-terms over three academic years, with INSET days.")
        users = demo_users(faker=faker, schools=schools)
        _say(stdout, f"Staff and school users: {users}.")
        made = demo_children(count=children, schools=schools, faker=faker, rng=rng, today=today)
        _say(stdout, f"Children: {made}, each with an address, carers and a school place.")
        summary = demo_cases(rng=rng, today=today)
        _say(stdout, f"Children missing education cases: {summary}.")
        _say(stdout, demo_policies(rng=rng, today=today))
        _say(stdout, demo_health(rng=rng, today=today))
        _say(stdout, demo_admissions(rng=rng, today=today))
        # After demo_policies: actions link to the policies that deliver them.
        _say(stdout, actionplans_demo(today=today))
        _say(stdout, demo_attendance(rng=rng, today=today))
    _say(stdout, f"{COUNCIL_NAME} is ready.")


# ---- schools ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class _SchoolPlan:
    name: str
    type_name: str
    phase: str
    low: int
    high: int
    number: str
    status: str = "Open"


# Pupils per school when a large demo council needs more schools than the usual 40 (about the
# average English primary and secondary), so the 100,000-child load-test council looks like a county.
PRIMARY_PUPILS = 400
SECONDARY_PUPILS = 1200


def _schools_plan(faker: Faker, rng: random.Random, children: int) -> list[_SchoolPlan]:
    """About 40 schools: primaries, secondaries, two special schools, a PRU, one closed school.

    A council of more children than those 40 hold at the usual sizes gets more primaries and
    secondaries (children are aged 4 to 15: seven primary years and five secondary years).
    """
    primaries = max(28, math.ceil(children * 7 / 12 / PRIMARY_PUPILS))
    secondaries = max(8, math.ceil(children * 5 / 12 / SECONDARY_PUPILS))
    if primaries > 999:  # establishment numbers 2000-3999 are the primaries' (DfE's ranges)
        raise DemoError(f"The demo council holds at most {999 * PRIMARY_PUPILS * 12 // 7:,} children.")
    used: set[str] = set()

    def unique(name: str) -> str:
        while name in used:
            name = f"{faker.last_name()} {name.split(' ', 1)[-1]}"
        used.add(name)
        return name

    primary_types = (
        "Community school",
        "Community school",
        "Voluntary aided school",
        "Voluntary controlled school",
        "Foundation school",
        "Academy converter",
        "Academy sponsor led",
    )
    plans: list[_SchoolPlan] = []
    for i in range(primaries):
        type_name = primary_types[i % len(primary_types)]
        town = TOWNS[i % len(TOWNS)]
        if type_name.startswith("Voluntary"):
            saint = _SAINTS[i % len(_SAINTS)]
            faith = "Church of England" if type_name == "Voluntary controlled school" else "Catholic"
            name = f"St {saint}'s {faith} Primary School, {town}"
        elif i % 3 == 0:
            name = f"{town} Primary School"
        else:
            name = f"{faker.last_name()} Primary School"
        number = f"{3000 + i:04d}" if type_name.startswith("Voluntary") else f"{2000 + i:04d}"
        plans.append(_SchoolPlan(unique(name), type_name, "Primary", 4, 11, number))
    secondary_types = ("Academy converter", "Community school", "Foundation school", "Voluntary aided school")
    for i in range(secondaries):
        town = TOWNS[i % len(TOWNS)]
        type_name = secondary_types[i % len(secondary_types)]
        name = (
            f"St {_SAINTS[i % len(_SAINTS)]}'s Catholic High School"
            if type_name == "Voluntary aided school"
            else rng.choice(
                [f"{town} Academy", f"{faker.last_name()} High School", f"{town} Community College"]
            )
        )
        plans.append(
            _SchoolPlan(unique(name), type_name, "Secondary", 11, 18 if i % 2 else 16, f"{4000 + i:04d}")
        )
    plans.append(
        _SchoolPlan(
            unique(f"{faker.last_name()} School"), "Community special school", "Not applicable", 2, 19, "7000"
        )
    )
    plans.append(
        _SchoolPlan(
            unique(f"{TOWNS[3]} Special School"), "Academy special converter", "Not applicable", 4, 19, "7001"
        )
    )
    plans.append(
        _SchoolPlan("Northmoor Pupil Referral Unit", "Pupil referral unit", "Not applicable", 11, 16, "1100")
    )
    plans.append(
        _SchoolPlan(
            unique(f"{TOWNS[5]} Village Primary School"),
            "Community school",
            "Primary",
            4,
            11,
            "2099" if primaries < 99 else f"{2000 + primaries:04d}",
            status="Closed",
        )
    )
    return plans


def demo_schools_csv(*, faker: Faker, rng: random.Random, today: dt.date, children: int = 5000) -> bytes:
    """Write the demo schools as a schools-register (GIAS) CSV, with one extra column it ignores."""
    out = io.StringIO()
    header = [*COLUMNS, "LA (name)"]
    out.write(",".join(f'"{h}"' for h in header) + "\r\n")
    for i, plan in enumerate(_schools_plan(faker, rng, children)):
        opened = faker.date_between_dates(dt.date(1950, 1, 1), dt.date(2010, 12, 31))
        if plan.type_name.startswith("Academy"):
            opened = dt.date(rng.randint(2011, 2020), 9, 1)  # a conversion opens a new establishment
        closed = dt.date(academic_year_of(today) - 1, 8, 31) if plan.status == "Closed" else None
        row = [
            f"{int(DEMO_LA_CODE) * 1000 + 101 + i}",  # invented URNs, 990101 onwards
            DEMO_LA_CODE,
            plan.number,
            plan.name,
            plan.type_name,
            plan.status,
            plan.phase,
            str(plan.low),
            str(plan.high),
            f"{opened:%d-%m-%Y}",
            f"{closed:%d-%m-%Y}" if closed else "",
            faker.street_name(),
            TOWNS[i % len(TOWNS)],
            faker.postcode(),
            "Northmoor",
        ]
        out.write(",".join('"' + cell.replace('"', '""') + '"' for cell in row) + "\r\n")
    return out.getvalue().encode("utf-8")


def demo_schools(*, faker: Faker, rng: random.Random, today: dt.date, children: int) -> list[School]:
    """Load the demo schools through the real importer, then give each an e-mail address."""
    report = schools_import(
        io.BytesIO(demo_schools_csv(faker=faker, rng=rng, today=today, children=children))
    )
    if report.errors:
        raise DemoError("The demo schools file did not import: " + "; ".join(map(str, report.errors)))
    schools = list(School.objects.filter(la_code=DEMO_LA_CODE).order_by("urn"))
    for school in schools:
        school.email = f"office.{school.urn}@schools.{EMAIL_DOMAIN}"
    School.objects.bulk_update(schools, ["email"])
    return schools


# ---- term dates --------------------------------------------------------------------------------


def demo_terms(*, today: dt.date) -> int:
    """Load term dates for last, this and next academic year, with two INSET days in each.

    From the rules' demo pattern (:func:`rollcall.rules.calendar.default_terms`). Last year is
    included so the school days of the demo's older cases count correctly. Existing rows with the
    same start (or date) are left as they are.
    """
    this_year = academic_year_of(today)
    terms: list[TermDate] = []
    closures: list[ClosureDay] = []
    for year in (this_year - 1, this_year, this_year + 1):
        halves = default_terms(year)
        terms += [
            TermDate(academic_year=year, name=name, start=term.start, end=term.end)
            for name, term in zip(_TERM_NAMES, halves, strict=True)
        ]
        # INSET on the first day of the autumn and of the spring term, as many schools do.
        closures += [
            ClosureDay(date=halves[0].start, reason="INSET day"),
            ClosureDay(date=halves[2].start, reason="INSET day"),
        ]
    TermDate.objects.bulk_create(terms, ignore_conflicts=True)
    ClosureDay.objects.bulk_create(closures, ignore_conflicts=True)
    return len(terms)


# ---- people who sign in --------------------------------------------------------------------------


def demo_users(*, faker: Faker, schools: Sequence[School]) -> int:
    """Create the teams, the council staff and one user per open school; returns how many users.

    The password is hashed once and the hash shared: hashing is deliberately slow, and these are
    demo accounts with a published password anyway.
    """
    password = make_password(DEMO_PASSWORD)
    teams: dict[str, Team] = {}
    for kind, name in DEMO_TEAMS:
        team, _ = Team.objects.get_or_create(
            kind=kind, defaults={"name": name, "email": f"{kind.value}@{EMAIL_DOMAIN}"}
        )
        teams[kind.value] = team

    users: list[User] = []
    for seat in DEMO_STAFF:
        first, last = faker.first_name(), faker.last_name()
        admin = seat.role == Role.ADMINISTRATOR
        users.append(
            User(
                username=seat.username,
                first_name=first,
                last_name=last,
                password=password,
                email=f"{_slug(first)}.{_slug(last)}@{EMAIL_DOMAIN}",
                job_title=seat.job_title,
                is_staff=admin,
                is_superuser=admin,
            )
        )
    open_schools = [s for s in schools if s.is_open]
    for school in open_schools:
        users.append(
            User(
                username=f"school.{school.urn}",
                first_name=faker.first_name(),
                last_name=faker.last_name(),
                password=password,
                email=f"school.{school.urn}@{EMAIL_DOMAIN}",
                job_title=f"Attendance lead, {school.name}"[:100],
            )
        )
    users = User.objects.bulk_create(users)
    memberships = [
        Membership(user=user, team=teams[seat.team.value] if seat.team else None, role=seat.role.value)
        for user, seat in zip(users, DEMO_STAFF, strict=False)
    ]
    memberships += [
        Membership(user=user, school=school, role=Role.SCHOOL.value)
        for user, school in zip(users[len(DEMO_STAFF) :], open_schools, strict=True)
    ]
    Membership.objects.bulk_create(memberships)
    # Two-factor is on for council roles (TWO_FACTOR_REQUIRED_ROLES): every demo account, school
    # users included in case a council requires it of them too, has the published demo key.
    TOTPDevice.objects.bulk_create(
        TOTPDevice(user=user, name="Demo authenticator app", key=DEMO_TOTP_KEY, confirmed=True)
        for user in users
    )
    return len(users)


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "", name.lower())


@dataclass(frozen=True)
class DemoSignIn:
    """One demo account, as ``manage.py demo_sign_ins`` lists it."""

    username: str
    role: str
    where: str


def demo_sign_ins() -> list[DemoSignIn]:
    """The demo accounts whose password is still :data:`DEMO_PASSWORD`, staff first.

    The demo users share one password hash, so it is checked once per distinct hash rather than
    once per user; an account whose password was changed is left out.
    """
    usernames = [seat.username for seat in DEMO_STAFF]
    memberships = list(
        Membership.objects.filter(
            Q(user__username__in=usernames) | Q(role=Role.SCHOOL.value, user__username__startswith="school.")
        )
        .select_related("user", "team", "school")
        .order_by("pk")
    )
    users = {m.user_id: m.user for m in memberships}
    good_hashes = {h for h in {u.password for u in users.values()} if check_password(DEMO_PASSWORD, h)}
    order = {name: i for i, name in enumerate(usernames)}
    sign_ins = []
    for m in memberships:
        user = m.user
        if user.password not in good_hashes or not user.is_active:
            continue
        where = m.school.name if m.school else m.team.name if m.team else COUNCIL_NAME
        sign_ins.append(DemoSignIn(user.username, Role(m.role).label, where))
    return sorted(sign_ins, key=lambda s: (order.get(s.username, len(order)), s.username))


# ---- children ----------------------------------------------------------------------------------


class _UpnAllocator:
    """Hands out unique, valid UPNs: LA code, a primary school's number, a year, a serial.

    A UPN's year is the year it was allocated, normally when the child started school. A real
    school allocates at most 1,000 a year; a demo with a million children allocates more, so a
    full (school, year) spills into years after this one, which no real allocation uses yet: 86
    of them, so that the two-digit years never wrap round onto the 12 years real UPNs use.
    """

    _SPILL_YEARS = 86

    def __init__(self, numbers: Sequence[str], this_year: int) -> None:
        self._numbers = list(numbers)
        self._next: dict[tuple[str, int], int] = {}
        self._spill: dict[str, int] = dict.fromkeys(numbers, this_year + 1)
        self._last_spill = this_year + self._SPILL_YEARS

    def allocate(self, number: str, year: int) -> str:
        """The next UPN allocated by school ``number`` in ``year`` (or a spill-over year)."""
        serial = self._next.get((number, year), 0)
        if serial > 999:
            number, year = self._spill_bucket(number)
            serial = self._next.get((number, year), 0)
        self._next[(number, year)] = serial + 1
        return make_upn(DEMO_LA_CODE, number, year, serial)

    def _spill_bucket(self, number: str) -> tuple[str, int]:
        for candidate in (number, *self._numbers):
            while self._spill[candidate] <= self._last_spill:
                year = self._spill[candidate]
                if self._next.get((candidate, year), 0) <= 999:
                    return candidate, year
                self._spill[candidate] += 1
        raise DemoError("Too many children for the demo's UPN numbers (about 2.5 million at most).")


def _pools(faker: Faker, count: int) -> dict[str, list[str]]:
    """Names, streets and postcodes drawn once from Faker, then picked from with the seeded RNG.

    Asking Faker per child would dominate the run at 100,000 children and more.
    """

    def pool(make: Callable[[], object], size: int) -> list[str]:
        return sorted({str(make()) for _ in range(size)})

    return {
        "F": pool(faker.first_name_female, 400),
        "M": pool(faker.first_name_male, 400),
        "surname": pool(faker.last_name, 1500),
        "street": pool(faker.street_name, 600),
        "postcode": pool(faker.postcode, max(200, min(count // 4, 25000))),
    }


def demo_children(
    *, count: int, schools: Sequence[School], faker: Faker, rng: random.Random, today: dt.date
) -> int:
    """Create ``count`` children aged 4 to 16, with addresses, carers and a current roll entry.

    Each child's year group follows their age on 31 August (reception at 4, year 11 at 15) and
    they are on the roll of an open school that takes that age: mostly mainstream, about 1.5% at
    a special school and 0.5% of secondary-age pupils at the pupil referral unit.

    Each school's roll is written as the CSV file a school sends and loaded through the roll
    importer (rollcall/rolls, one snapshot per school as of today), with each pupil's address and
    carers as a Common Transfer File would give them: the children, their history rows, roll
    spells, addresses and carers all come from the importer, as a real council's would.
    """
    this_year = academic_year_of(today)
    open_schools = [s for s in schools if s.is_open]
    primaries = [s for s in schools if s.phase == "Primary"]  # closed ones allocated UPNs too
    allocator = _UpnAllocator([s.establishment_number for s in primaries], this_year)

    def takes(school: School, age: int) -> bool:
        low, high = school.statutory_low_age or 0, school.statutory_high_age or 0
        return low <= age < high

    mainstream = {
        age: [s for s in open_schools if s.phase in ("Primary", "Secondary") and takes(s, age)]
        for age in range(4, 16)
    }
    special = {
        age: [s for s in open_schools if "special" in s.type_name.lower() and takes(s, age)]
        for age in range(4, 16)
    }
    pru = {
        age: [s for s in open_schools if "referral" in s.type_name.lower() and takes(s, age)]
        for age in range(4, 16)
    }
    pools = _pools(faker, count)
    slugs = {name: _slug(name) for names in pools.values() for name in names}
    slug = slugs.__getitem__

    # Each school's roll is built as the CSV file a school sends and loaded through the roll
    # importer (rollcall/rolls): the children, their spells, addresses and carers all come from it.
    rolls: dict[int, list[tuple[dict[str, str], PupilDetails]]] = defaultdict(list)
    by_pk = {school.pk: school for school in schools}
    for _ in range(count):
        age = rng.randint(4, 15)  # age on 31 August at the start of this school year
        born_from = dt.date(this_year - age - 1, 9, 1)
        dob = born_from + dt.timedelta(days=rng.randrange((dt.date(this_year - age, 9, 1) - born_from).days))
        draw = rng.random()
        gender = "F" if draw < 0.49 else "M" if draw < 0.98 else "U"
        forename = rng.choice(pools[gender if gender != "U" else rng.choice("FM")])
        surname = rng.choice(pools["surname"])
        roll = rng.random()
        choices = (
            special[age] if roll < 0.015 else pru[age] if roll < 0.02 and age >= 11 else []
        ) or mainstream[age]
        school = rng.choice(choices)
        if len(rolls[school.pk]) >= MAX_ROWS:
            # A roll file holds at most MAX_ROWS pupils (rollcall/rolls/pupils.py): a large demo
            # council fills its other schools instead (only then is the sequence drawn again).
            room = [s for s in choices + mainstream[age] if len(rolls[s.pk]) < MAX_ROWS]
            if not room:
                raise ValueError(f"the demo council's schools cannot hold {count:,} children")
            school = rng.choice(room)
        # The UPN came from the primary school the child started at, in their reception year.
        reception_year = this_year - (age - 4)
        first_school = school if school.phase == "Primary" else rng.choice(primaries)
        upn = allocator.allocate(first_school.establishment_number, reception_year)
        if school.phase == "Primary":
            joined = dt.date(reception_year, 9, 1)
        elif school.phase == "Secondary":
            joined = dt.date(this_year - (age - 11), 9, 1)
        else:
            joined = today - dt.timedelta(days=rng.randint(30, 700))
        if school.open_date and joined < school.open_date:
            joined = school.open_date
        year = "R" if age == 4 else str(age - 4)
        record = {
            "upn": upn,
            "forename": forename,
            "surname": surname,
            "date_of_birth": dob.isoformat(),
            "sex": gender,
            "year_group": year,
            "admission_date": min(joined, today).isoformat(),
            "fsm": "Y" if rng.random() < 0.22 else "N",
            "sen_status": "E" if rng.random() < 0.04 else "K" if rng.random() < 0.13 else "N",
        }
        address = CtfAddress(
            line_1=f"{rng.randint(1, 240)} {rng.choice(pools['street'])}",
            line_2="",
            town=school.town or rng.choice(TOWNS),
            postcode=rng.choice(pools["postcode"]),
        )
        contacts = []
        for n in range(1 if rng.random() < 0.45 else 2):
            relationship = _RELATIONSHIPS[rng.randrange(len(_RELATIONSHIPS))] if n == 0 else "Father"
            first = rng.choice(pools["M" if relationship in ("Father", "Stepfather") else "F"])
            carer_surname = surname if rng.random() < 0.85 else rng.choice(pools["surname"])
            contacts.append(
                CtfContact(
                    name=f"{first} {carer_surname}",
                    relationship=relationship,
                    parental_responsibility=True,
                    phone=f"07700 900{rng.randrange(1000):03d}",  # Ofcom's drama range: never real
                    email=f"{slug(first)}.{slug(carer_surname)}{rng.randrange(100)}@example.com",
                )
            )
        rolls[school.pk].append((record, PupilDetails(address, tuple(contacts))))
    before = Child.objects.count()
    for school_pk in sorted(rolls):
        pupils = rolls[school_pk]
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(pupils[0][0]))
        writer.writeheader()
        writer.writerows(record for record, _details in pupils)
        rows = rows_from_csv(out.getvalue().encode())
        details = {row.line: pupils[row.line - 2][1] for row in rows}
        school = by_pk[school_pk]
        roll_load(
            school=school,
            as_of=today,
            rows=rows,
            source=RollSnapshot.Source.CSV,
            original_name=f"{school.urn}.csv",
            details=details,
        )
    return Child.objects.count() - before


# ---- cases ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Story:
    """One demo child's removal and what the council has done since, in school days before today."""

    label: str
    days_ago: int
    enquiries: int = 0
    outcome: str = ""
    details: tuple[tuple[str, str], ...] = ()
    approve: bool = True
    ground: str = "g"
    absence_days: int | None = None


# Each stage of a children missing education case, as the lists and dashboard show them. With the
# council's default timescales (DOMAIN.md) a first enquiry is due in 1 school day, enquiries
# complete in 20, and overdue work goes to the manager at 5 school days, the head of service at
# 10 and the exceptions report at 20: the sweep at the end puts each case on its rung.
_STORIES: tuple[_Story, ...] = (
    _Story("new", 0),
    _Story("new", 0),
    _Story("new", 1),
    _Story("possibly unlawful", 2, ground="i", absence_days=12),
    _Story("enquiries", 4, enquiries=1),
    _Story("enquiries", 6, enquiries=2),
    _Story("enquiries", 9, enquiries=3),
    _Story("enquiries", 12, enquiries=2),
    _Story("first enquiry overdue", 4),
    _Story("escalated to manager", 8),
    _Story("escalated to manager", 9),
    _Story("escalated to head of service", 31, enquiries=2),
    _Story("escalated to head of service", 33, enquiries=3),
    _Story("exceptions", 45),
    _Story("awaiting approval", 5, enquiries=2, outcome="ehe_registered", approve=False),
    _Story("closed", 16, enquiries=1, outcome="on_roll"),
    _Story(
        "closed",
        18,
        enquiries=2,
        outcome="other_suitable_education",
        details=(("details", "Attending an online independent school; the family sent the timetable"),),
    ),
    _Story(
        "closed",
        20,
        enquiries=3,
        outcome="other_council",
        details=(("council", "Southmoor Borough Council (invented)"), ("council_told_on", "{day}")),
    ),
    _Story(
        "closed",
        22,
        enquiries=4,
        outcome="left_country",
        details=(("evidence", "Receiving school abroad confirmed enrolment in writing"),),
    ),
    _Story("closed", 24, enquiries=2, outcome="ehe_registered"),
    _Story(
        "closed",
        26,
        enquiries=3,
        outcome="other",
        details=(("details", "Placed in a secure children's home; education provided there"),),
    ),
)
_PARTIES = ("last_school", "carers", "council_services", "health", "neighbouring_councils", "lost_pupils")
_RESULTS = ("no_reply", "nothing", "information", "nothing")


def demo_cases(*, rng: random.Random, today: dt.date) -> str:
    """Children missing education cases at every stage, made through the casework services.

    Schools notify removals with no known destination (:func:`removal_notify`), officers record
    enquiries (:func:`enquiry_record`), propose closures with each outcome and managers approve
    them (:func:`case_transition`), one child joins another school's roll (:func:`roll_join`), and
    a sweep as of ``today`` escalates the overdue ones. Every step passes an explicit ``at`` in
    the past, so each case's deadlines count from the day its story started. Returns a summary.
    """
    calendar = council_calendar()
    staff = {u.username: u for u in User.objects.filter(username__in=[s.username for s in DEMO_STAFF])}
    officers = [staff["inclusion.officer"], staff["inclusion.officer2"]]
    manager = staff["inclusion.manager"]
    school_users = {
        m.school_id: m.user for m in Membership.objects.filter(role=Role.SCHOOL.value).select_related("user")
    }
    entries = [
        e
        for e in RollEntry.objects.filter(
            on_roll_to__isnull=True,
            school__phase__in=["Primary", "Secondary"],
            school_id__in=list(school_users),
        )
        .select_related("child", "school")
        .order_by("pk")[: 40 * len(_STORIES)]
        if is_compulsory_school_age(e.child.date_of_birth, today)
    ]
    picked = rng.sample(entries, min(len(entries), len(_STORIES)))
    addresses = {
        a.child_id: a
        for a in Address.objects.filter(child__in=[e.child for e in picked], moved_out__isnull=True)
    }
    other_schools = list(School.objects.filter(pk__in=list(school_users)).order_by("pk"))
    london = clock.LONDON

    def moment(day: dt.date, hour: int) -> dt.datetime:
        if day >= today:
            return clock.now()
        return dt.datetime.combine(day, dt.time(hour, rng.randrange(60)), tzinfo=london)

    for story, entry in zip(_STORIES, picked, strict=False):
        child, school = entry.child, entry.school
        start = calendar.add_school_days(today, -story.days_ago) if story.days_ago else today
        address = addresses.get(child.pk)
        pupil = Pupil(
            forename=child.legal_forename,
            surname=child.legal_surname,
            date_of_birth=child.date_of_birth,
            upn=child.upn,
            gender=child.gender,
            address_line_1=address.line_1 if address else "",
            town=address.town if address else "",
            postcode=address.postcode if address else "",
        )
        removal_notify(
            school=school,
            actor=school_users[school.pk],
            pupil=pupil,
            removal=Removal(
                removal_date=start,
                ground=story.ground,
                destination_details="",
                continuous_absence_school_days=story.absence_days,
                reason_details="The family moved away; the school does not know where.",
            ),
            idempotency_key=f"demo-{child.pk}",
            at=moment(start, 9),
        )
        case = Case.objects.filter(child=child, kind="cme").order_by("-pk").first()
        if case is None:
            continue
        officer = case.owner or officers[0]
        day = start
        for n in range(story.enquiries):
            day = calendar.add_school_days(day, 1)
            if day >= today:
                break
            enquiry_record(
                case=case,
                actor=officer,
                party=_PARTIES[n % len(_PARTIES)],
                made_on=day,
                result=rng.choice(_RESULTS),
                details="Demo enquiry.",
                at=moment(day, 11),
            )
            case.refresh_from_db()
        if not story.outcome:
            continue
        day = calendar.add_school_days(day, 1)
        if story.outcome == "on_roll":
            new_school = next(s for s in other_schools if s.pk != school.pk and s.phase == school.phase)
            roll_join(child=child, school=new_school, on_roll_from=day, actor=officer, at=moment(day, 10))
            continue
        case_transition(
            case=case,
            target="awaiting_approval",
            actor=officer,
            outcome=story.outcome,
            outcome_details={k: f"{day:%d/%m/%Y}" if v == "{day}" else v for k, v in story.details},
            at=moment(day, 14),
        )
        if story.approve:
            day = calendar.add_school_days(day, 1)
            case_transition(case=case, target="closed", actor=manager, at=moment(day, 10))

    sweep(today=today)
    by_status = dict(
        Case.objects.filter(kind="cme")
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    escalated = Case.objects.open().filter(kind="cme", escalation_level__gt=Level.OFFICER).count()
    parts = [f"{n} {status}" for status, n in sorted(by_status.items())]
    return ", ".join([*parts, f"{escalated} open ones escalated"]) if parts else "none (too few children)"
