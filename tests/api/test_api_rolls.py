"""PUT /api/v1/schools/<urn>/roll/: a school's whole roll from an MIS connector."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from rest_framework.test import APIClient

from rollcall.accounts.models import User
from rollcall.rules.upn import make_upn
from rollcall.schools.models import RollEntry, School
from tests import factories


def _pupils(count: int) -> list[dict[str, Any]]:
    return [
        {
            "upn": make_upn("990", "3001", 21, n),
            "forename": f"Pupil{n}",
            "surname": "Mensah",
            "date_of_birth": f"2015-04-{n + 1:02d}",
            "admission_date": "2025-09-03",
            "fsm": n % 2 == 0,
        }
        for n in range(count)
    ]


def _url(school: School) -> str:
    return f"/api/v1/schools/{school.urn}/roll/"


@pytest.mark.django_db
def test_a_school_sends_its_roll_and_the_same_roll_again_says_unchanged(
    council, frozen_clock, school: School, school_user: User, token_client: Callable[[User], APIClient]
) -> None:
    client = token_client(school_user)
    body = {"as_of": "2026-11-16", "pupils": _pupils(5)}
    first = client.put(_url(school), body, format="json")
    assert first.status_code == 200, first.content
    assert first.json() | {"as_of": ""} == {
        "status": "loaded",
        "as_of": "",
        "pupils": 5,
        "joiners": 5,
        "leavers": 0,
        "unchanged": 0,
        "held": 0,
        "left_without_notice": 0,
    }
    again = client.put(_url(school), body, format="json")
    assert again.json()["status"] == "unchanged"
    assert RollEntry.objects.filter(school=school).count() == 5

    next_day = client.put(_url(school), {"as_of": "2026-11-17", "pupils": _pupils(4)}, format="json")
    assert (next_day.json()["leavers"], next_day.json()["left_without_notice"]) == (1, 1)


@pytest.mark.django_db
def test_errors_come_back_by_line_and_field_and_nothing_loads(
    council, frozen_clock, school: School, school_user: User, token_client: Callable[[User], APIClient]
) -> None:
    pupils = _pupils(3)
    pupils[1]["date_of_birth"] = "2015-13-01"
    pupils[2]["shoe_size"] = 4
    answer = token_client(school_user).put(
        _url(school), {"as_of": "2026-11-16", "pupils": pupils}, format="json"
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "errors": [
            {
                "line": 2,
                "field": "date_of_birth",
                "reason": "'2015-13-01' is not a date (use YYYY-MM-DD or DD/MM/YYYY)",
            },
            {"line": 3, "field": "shoe_size", "reason": "is not a roll field"},
        ]
    }
    assert not RollEntry.objects.exists()


@pytest.mark.django_db
def test_an_older_roll_is_refused_with_409(
    council, frozen_clock, school: School, school_user: User, token_client: Callable[[User], APIClient]
) -> None:
    client = token_client(school_user)
    client.put(_url(school), {"as_of": "2026-11-16", "pupils": _pupils(1)}, format="json")
    older = client.put(_url(school), {"as_of": "2026-11-13", "pupils": []}, format="json")
    assert older.status_code == 409
    assert "before the roll already loaded for 16 November 2026" in older.json()["detail"]


@pytest.mark.django_db
def test_another_school_and_council_staff_outside_inclusion_may_not_load_a_roll(
    council,
    frozen_clock,
    school: School,
    admissions_officer: User,
    inclusion_officer: User,
    token_client: Callable[[User], APIClient],
) -> None:
    other_user = factories.school_user(factories.SchoolFactory.create(), username="other.school")
    body = {"as_of": "2026-11-16", "pupils": _pupils(1)}
    assert token_client(other_user).put(_url(school), body, format="json").status_code == 403
    assert token_client(admissions_officer).put(_url(school), body, format="json").status_code == 403
    assert token_client(inclusion_officer).put(_url(school), body, format="json").status_code == 200
    assert APIClient().put(_url(school), body, format="json").status_code == 401
    assert (
        token_client(inclusion_officer).put("/api/v1/schools/999999/roll/", body, format="json").status_code
        == 404
    )
