"""A child's roll history on the child page: spells with their roll, returns asked for, DfE items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import Team, User
from rollcall.casework.services import case_open
from rollcall.people.models import Child
from rollcall.rolls.pupils import PupilRow
from rollcall.rolls.services import roll_load
from rollcall.schools.models import School

AS_OF = dt.date(2026, 11, 16)


@pytest.mark.django_db
def test_council_staff_see_what_the_rolls_say_and_a_school_does_not(
    client: Client,
    council: None,
    frozen_clock: object,
    school: School,
    inclusion_officer: User,
    school_user: User,
) -> None:
    kai = PupilRow(
        line=2,
        upn=None,
        forename="Kai",
        surname="Osei",
        date_of_birth=dt.date(2015, 6, 1),
        admission_date=dt.date(2025, 9, 3),
        sen_status="E",
        ehcp=True,
        fsm=False,
    )
    roll_load(school=school, as_of=AS_OF - dt.timedelta(days=1), rows=[kai], source="ctf")
    roll_load(school=school, as_of=AS_OF, rows=[], source="csv")
    child = Child.objects.get()
    # The officer sees a child through a case of their team.
    case_open(child=child, kind="cme", team=Team.objects.get(kind=Team.Kind.INCLUSION), source="test")
    client.force_login(inclusion_officer)
    page = client.get(reverse("children:child", args=[child.pk])).content.decode()
    assert "What the school rolls say" in page
    assert "Common Transfer File" in page
    assert "3 September 2025 to 16 November 2026" in page
    assert "Deletion returns asked for" in page
    assert "Education, health and care plan" in page
    client.force_login(school_user)
    school_page = client.get(reverse("children:child", args=[child.pk])).content.decode()
    assert "What the school rolls say" not in school_page
