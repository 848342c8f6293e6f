"""Factories for tests: invented people only (Faker, seeded by factory_boy's random)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from factory.django import DjangoModelFactory

from rollcall.accounts.models import Membership, Team, User
from rollcall.people.models import Address, Carer, Child
from rollcall.rules.upn import make_upn
from rollcall.rules.workflow import Role
from rollcall.schools.models import RemovalNotice, RollEntry, School, TermDate


class SchoolFactory(DjangoModelFactory[School]):
    class Meta:
        model = School
        django_get_or_create = ("urn",)

    urn = factory.Sequence(lambda n: str(900000 + n))
    la_code = "990"
    establishment_number = factory.Sequence(lambda n: str(2000 + n % 8000))
    name = factory.Sequence(lambda n: f"Northmoor School {n}")
    type_name = "Community school"
    status_name = "Open"
    phase = "Secondary"
    email = factory.Sequence(lambda n: f"office{n}@school.northmoor.example")


class TeamFactory(DjangoModelFactory[Team]):
    class Meta:
        model = Team
        django_get_or_create = ("kind",)

    kind = Team.Kind.INCLUSION
    name = factory.LazyAttribute(lambda o: Team.Kind(o.kind).label)
    email = factory.LazyAttribute(lambda o: f"{o.kind}@northmoor.example")


class UserFactory(DjangoModelFactory[User]):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@northmoor.example")
    password = factory.django.Password("correct-horse-battery")


def staff(role: Role = Role.OFFICER, team_kind: str = Team.Kind.INCLUSION, **kwargs: Any) -> User:
    """A council user with one role in one team (the team is created if needed)."""
    user = UserFactory.create(**kwargs)
    team = TeamFactory.create(kind=team_kind)
    Membership.objects.create(user=user, team=team, role=role.value)
    return user


def school_user(school: School | None = None, **kwargs: Any) -> User:
    """A user scoped to one school."""
    user = UserFactory.create(**kwargs)
    Membership.objects.create(user=user, school=school or SchoolFactory.create(), role=Role.SCHOOL.value)
    return user


def administrator(**kwargs: Any) -> User:
    user = UserFactory.create(**kwargs)
    Membership.objects.create(user=user, role=Role.ADMINISTRATOR.value)
    return user


class ChildFactory(DjangoModelFactory[Child]):
    class Meta:
        model = Child

    legal_forename = factory.Faker("first_name")
    legal_surname = factory.Faker("last_name")
    date_of_birth = factory.Faker(
        "date_between", start_date=dt.date(2011, 9, 1), end_date=dt.date(2020, 8, 31)
    )
    gender = Child.Gender.NOT_KNOWN
    # Unique across 100,000 children: the year of allocation carries the thousands.
    upn = factory.Sequence(lambda n: make_upn("990", "2001", 10 + n // 1000, n % 1000))


class AddressFactory(DjangoModelFactory[Address]):
    class Meta:
        model = Address

    child = factory.SubFactory(ChildFactory)
    line_1 = factory.Faker("street_address", locale="en_GB")
    town = "Northmoor"
    postcode = factory.Faker("postcode", locale="en_GB")
    moved_in = dt.date(2020, 1, 1)


class CarerFactory(DjangoModelFactory[Carer]):
    class Meta:
        model = Carer

    child = factory.SubFactory(ChildFactory)
    name = factory.Faker("name")
    relationship = "Mother"
    phone = "01632 960000"


class RollEntryFactory(DjangoModelFactory[RollEntry]):
    class Meta:
        model = RollEntry

    child = factory.SubFactory(ChildFactory)
    school = factory.SubFactory(SchoolFactory)
    on_roll_from = dt.date(2024, 9, 4)


class RemovalNoticeFactory(DjangoModelFactory[RemovalNotice]):
    """A removal notice as recorded (tests that need one without the service's side effects)."""

    class Meta:
        model = RemovalNotice

    school = factory.SubFactory(SchoolFactory)
    child = factory.SubFactory(ChildFactory)
    submitted_by = factory.LazyAttribute(lambda notice: school_user(notice.school))
    received_at = dt.datetime(2026, 11, 2, 9, tzinfo=dt.UTC)
    removal_date = dt.date(2026, 11, 2)
    ground = "g"


def academic_year_terms(year: int) -> list[TermDate]:
    """Term dates for one academic year (the demo pattern from the rules package)."""
    from rollcall.rules.calendar import default_terms

    return [
        TermDate.objects.get_or_create(
            start=term.start, defaults={"academic_year": year, "name": f"Term {i + 1}", "end": term.end}
        )[0]
        for i, term in enumerate(default_terms(year))
    ]
