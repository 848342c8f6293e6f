"""GET /api/v1/cases/ and /api/v1/cases/<id>/: the same cases the caseload pages show."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.accounts.models import Team, User
from rollcall.audit.models import RecordView
from rollcall.casework.models import Case
from rollcall.casework.services import case_open, enquiry_record, note_add
from rollcall.rules.workflow import WORKFLOWS
from tests import factories

URL = "/api/v1/cases/"

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]


def open_case(kind: str = "cme", team_kind: str = Team.Kind.INCLUSION, owner: User | None = None) -> Case:
    return case_open(
        child=factories.ChildFactory.create(),
        kind=kind,
        team=Team.objects.get(kind=team_kind),
        owner=owner,
        source="a test referral",
    )


def ids(response) -> list[int]:
    assert response.status_code == 200, response.json()
    return [case["id"] for case in response.json()["results"]]


def test_an_officer_lists_their_teams_cases_with_the_caseload_fields(
    inclusion_officer: User, token_client
) -> None:
    case = open_case()

    response = token_client(inclusion_officer).get(URL)

    assert ids(response) == [case.pk]
    row = response.json()["results"][0]
    assert row == {
        "id": case.pk,
        "reference": case.reference,
        "kind": "cme",
        "kind_label": "Child missing education",
        "status": "new",
        "status_label": case.status_label,
        "child": {"id": case.child.pk, "name": case.child.full_name, "upn": case.child.upn},
        "team": {"id": case.team.pk, "name": case.team.name, "kind": "inclusion"},
        "owner": {"id": inclusion_officer.pk, "name": str(inclusion_officer)},
        "next_action": "Make the first enquiry",
        "next_action_due": "2026-11-17",
        "escalation_level": "Officer",
        "opened_on": "2026-11-16",
        "closed_at": None,
        "outcome": "",
        "outcome_label": "",
    }


def test_a_school_user_lists_no_cases_and_cannot_read_one(school_user: User, token_client) -> None:
    case = open_case()
    client = token_client(school_user)

    assert ids(client.get(URL)) == []
    response = client.get(f"{URL}{case.pk}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No such case"}


def test_an_admissions_officer_cannot_see_inclusion_cases(admissions_officer: User, token_client) -> None:
    inclusion_case = open_case()
    admissions_case = open_case(kind="removal", team_kind=Team.Kind.ADMISSIONS)
    client = token_client(admissions_officer)

    assert ids(client.get(URL)) == [admissions_case.pk]
    assert client.get(f"{URL}{inclusion_case.pk}/").status_code == 404
    assert client.get(f"{URL}{admissions_case.pk}/").status_code == 200


def test_a_head_of_service_sees_every_teams_cases(
    head_of_service: User, admissions_officer: User, token_client
) -> None:
    cases = [open_case(), open_case(kind="removal", team_kind=Team.Kind.ADMISSIONS)]

    assert sorted(ids(token_client(head_of_service).get(URL))) == sorted(c.pk for c in cases)


def test_a_case_that_does_not_exist_is_a_json_404(inclusion_officer: User, token_client) -> None:
    response = token_client(inclusion_officer).get(f"{URL}999999/")

    assert response.status_code == 404
    assert response.json() == {"detail": "No such case"}


def test_the_list_filters_by_kind_status_owner_and_overdue(
    inclusion_officer: User, inclusion_manager: User, token_client, frozen_clock
) -> None:
    cme = open_case()
    removal = open_case(kind="removal", owner=inclusion_manager)
    client = token_client(inclusion_officer)

    assert ids(client.get(URL, {"kind": "removal"})) == [removal.pk]
    assert ids(client.get(URL, {"status": "new", "kind": "cme"})) == [cme.pk]
    assert ids(client.get(URL, {"status": "enquiries"})) == []
    assert ids(client.get(URL, {"owner": "me"})) == [cme.pk]
    assert ids(client.get(URL, {"overdue": "true"})) == []
    # The first enquiry was due the next school day; a week on, the CME case is overdue.
    frozen_clock.move_to(dt.datetime(2026, 11, 23, 10, 0, tzinfo=dt.UTC))
    assert ids(client.get(URL, {"overdue": "true"})) == [cme.pk]
    assert ids(client.get(URL, {"overdue": "false"})) == [removal.pk]


@pytest.mark.parametrize(
    ("query", "errors"),
    [
        ({"kind": "unicorn"}, {"kind": [f"kind must be one of: {', '.join(WORKFLOWS)}"]}),
        ({"owner": "them"}, {"owner": ["owner can only be 'me'"]}),
        ({"overdue": "sometimes"}, {"overdue": ["overdue must be true or false"]}),
        (
            {"colour": "red"},
            {
                "colour": [
                    "colour is not a field this API accepts here. "
                    "The fields are: status, kind, owner, overdue"
                ]
            },
        ),
    ],
)
def test_a_bad_filter_is_a_400_naming_the_parameter(
    inclusion_officer: User, token_client, query: dict[str, str], errors: dict[str, list[str]]
) -> None:
    response = token_client(inclusion_officer).get(URL, query)

    assert response.status_code == 400
    assert response.json() == errors


def test_the_list_is_paginated_with_limit_and_offset(inclusion_officer: User, token_client) -> None:
    cases = [open_case() for _ in range(3)]

    response = token_client(inclusion_officer).get(URL, {"limit": 2, "offset": 1})

    assert response.json()["count"] == 3
    assert ids(response) == [c.pk for c in cases][1:3]


def test_the_case_list_costs_the_same_queries_for_many_cases(
    inclusion_officer: User, token_client, django_assert_max_num_queries
) -> None:
    client = token_client(inclusion_officer)
    open_case()
    with django_assert_max_num_queries(8) as few:
        client.get(URL)
    for _ in range(15):
        open_case()
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.json()["count"] == 16


def test_the_case_detail_has_tasks_and_enquiries_but_no_notes(inclusion_officer: User, token_client) -> None:
    case = open_case()
    enquiry_record(
        case=case,
        actor=inclusion_officer,
        party="carers",
        made_on=dt.date(2026, 11, 16),
        result="no_reply",
        details="Left a voicemail.",
    )
    note_add(case=case, author=inclusion_officer, text="A private note about the family.")

    response = token_client(inclusion_officer).get(f"{URL}{case.pk}/")

    assert response.status_code == 200
    body = response.json()
    assert body["reference"] == case.reference
    assert body["source"] == "a test referral"
    assert [t["title"] for t in body["tasks"]] == ["Make the first enquiry", "Complete reasonable enquiries"]
    assert body["tasks"][0]["assignee"] == {"id": inclusion_officer.pk, "name": str(inclusion_officer)}
    # Recording the enquiry completed the first-enquiry task.
    assert [t["status_label"] for t in body["tasks"]] == ["Done", "To do"]
    [enquiry] = body["enquiries"]
    assert enquiry["party"] == "carers"
    assert enquiry["result_label"] == "No reply yet"
    assert enquiry["details"] == "Left a voicemail."
    assert "notes" not in body
    assert "A private note" not in response.content.decode()


def test_the_case_detail_costs_a_fixed_number_of_queries(
    inclusion_officer: User, token_client, django_assert_max_num_queries
) -> None:
    case = open_case()
    for made_on in (dt.date(2026, 11, 12), dt.date(2026, 11, 13), dt.date(2026, 11, 16)):
        enquiry_record(case=case, actor=inclusion_officer, party="health", made_on=made_on, result="nothing")

    # 14: the case, its tasks and enquiries, the token (its digest, knox's expiry check of the
    # user's tokens, its last use at most once a minute), and the access log (the child's id, one row).
    with django_assert_max_num_queries(14):
        response = token_client(inclusion_officer).get(f"{URL}{case.pk}/")
    assert len(response.json()["enquiries"]) == 3
    assert RecordView.objects.filter(user=inclusion_officer, child=case.child, what="API case").count() == 1
