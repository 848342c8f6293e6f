"""Who may see and work a case through the pages (docs/access.md, rollcall/casework/access.py)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import Team, User
from rollcall.casework.models import Case, Enquiry, Note, Task
from rollcall.casework.services import case_open, case_transition
from rollcall.rules.workflow import CME, Role
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]


def open_case() -> Case:
    return case_open(
        child=factories.ChildFactory.create(),
        kind="cme",
        team=Team.objects.get(kind="inclusion"),
        source="test",
    )


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def action_posts(case: Case) -> list[tuple[str, dict[str, object]]]:
    """Every action on a case with a valid body, so only access decides the answer."""
    task = case.tasks.first()
    assert task is not None
    return [
        (
            reverse("casework:enquiry-record", args=[case.pk]),
            {
                "party": "carers",
                "made_on_0": "16",
                "made_on_1": "11",
                "made_on_2": "2026",
                "result": "nothing",
            },
        ),
        (reverse("casework:note-add", args=[case.pk]), {"text": "A note"}),
        (
            reverse("casework:task-add", args=[case.pk]),
            {"title": "Visit", "due_0": "20", "due_1": "11", "due_2": "2026", "assignee": case.owner_id},
        ),
        (reverse("casework:task-complete", args=[case.pk, task.pk]), {}),
        (reverse("casework:case-move", args=[case.pk, "enquiries"]), {}),
        (reverse("casework:case-assign", args=[case.pk]), {"owner": case.owner_id}),
    ]


def assert_nothing_changed(case: Case) -> None:
    fresh = Case.objects.get(pk=case.pk)
    assert (fresh.status, fresh.owner_id) == (case.status, case.owner_id)
    assert not Enquiry.objects.exists()
    assert not Note.objects.exists()
    assert not Task.objects.filter(code="manual").exists()
    assert not Task.objects.filter(status=Task.Status.DONE).exists()


# ---- seeing a case ---------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["inclusion_officer", "inclusion_manager", "head_of_service"])
def test_the_team_and_heads_of_service_can_open_the_case_page(request, who):
    case = open_case()

    assert (
        signed_in(request.getfixturevalue(who)).get(reverse("casework:case", args=[case.pk])).status_code
        == 200
    )


def test_an_administrator_can_open_the_case_page_for_audit():
    case = open_case()

    response = signed_in(factories.administrator()).get(reverse("casework:case", args=[case.pk]))

    assert response.status_code == 200


@pytest.mark.parametrize("who", ["admissions_officer", "school_user"])
def test_the_case_page_is_not_found_for_people_outside_the_team(request, who):
    case = open_case()

    response = signed_in(request.getfixturevalue(who)).get(reverse("casework:case", args=[case.pk]))

    assert response.status_code == 404


def test_a_case_that_does_not_exist_is_not_found(inclusion_officer):
    assert signed_in(inclusion_officer).get(reverse("casework:case", args=[999])).status_code == 404


@pytest.mark.parametrize("who", ["admissions_officer", "school_user"])
def test_the_caseload_shows_nothing_to_people_outside_the_team(request, who):
    open_case()

    response = signed_in(request.getfixturevalue(who)).get(reverse("casework:caseload"))

    assert response.status_code == 200
    assert response.context["rows"] == []
    assert response.context["counts"]["open"] == 0


def test_a_head_of_service_sees_every_teams_cases_on_the_caseload(head_of_service):
    ours = open_case()
    sen = case_open(
        child=factories.ChildFactory.create(),
        kind="cme",
        team=Team.objects.get(kind="sen"),
        source="test",
        owner=factories.staff(Role.OFFICER, Team.Kind.SEN),
    )

    response = signed_in(head_of_service).get(reverse("casework:caseload"))

    assert {row["case"].pk for row in response.context["rows"]} == {ours.pk, sen.pk}


def test_signing_in_is_needed_to_act_on_a_case():
    case = open_case()

    response = Client().post(reverse("casework:note-add", args=[case.pk]), {"text": "Anonymous"})

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/sign-in/")
    assert not Note.objects.exists()


# ---- working a case --------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["admissions_officer", "school_user"])
def test_people_outside_the_team_cannot_act_on_a_case_and_are_not_told_it_exists(request, who):
    case = open_case()
    client = signed_in(request.getfixturevalue(who))

    for url, data in action_posts(case):
        assert client.post(url, data).status_code == 404, url

    assert_nothing_changed(case)


def test_an_administrator_may_see_a_case_but_not_work_it():
    case = open_case()
    client = signed_in(factories.administrator())

    for url, data in action_posts(case):
        assert client.post(url, data).status_code == 403, url
    assert client.get(reverse("casework:note-add", args=[case.pk])).status_code == 403

    assert_nothing_changed(case)


def test_an_officer_cannot_reassign_a_case(inclusion_officer):
    case = open_case()
    other = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="another.officer")
    client = signed_in(inclusion_officer)

    assert client.get(reverse("casework:case-assign", args=[case.pk])).status_code == 403
    assert (
        client.post(reverse("casework:case-assign", args=[case.pk]), {"owner": other.pk}).status_code == 403
    )

    case.refresh_from_db()
    assert case.owner == inclusion_officer


def test_a_manager_cannot_give_a_case_to_someone_outside_its_team(inclusion_manager, admissions_officer):
    case = open_case()

    response = signed_in(inclusion_manager).post(
        reverse("casework:case-assign", args=[case.pk]), {"owner": admissions_officer.pk}
    )

    assert "Select someone in the case" in response.content.decode()
    case.refresh_from_db()
    assert case.owner != admissions_officer


def test_an_officer_cannot_approve_a_closure_but_a_manager_can(inclusion_officer, inclusion_manager):
    case = open_case()
    case_transition(case=case, target="awaiting_approval", actor=inclusion_officer, outcome="ehe_registered")
    url = reverse("casework:case-move", args=[case.pk, "closed"])

    assert signed_in(inclusion_officer).get(url).status_code == 403
    assert signed_in(inclusion_officer).post(url).status_code == 403
    case.refresh_from_db()
    assert case.status == "awaiting_approval"

    assert signed_in(inclusion_manager).post(url, {"version": case.version}).status_code == 302
    case.refresh_from_db()
    assert case.status == "closed"


PEOPLE = {
    "inclusion_officer": Role.OFFICER,
    "inclusion_manager": Role.MANAGER,
    "head_of_service": Role.HEAD_OF_SERVICE,
}
# Every move a person can make on a CME case (the system's own closing is not a page), for
# every role that works cases.
MOVES = [
    pytest.param(
        source,
        target,
        who,
        id=f"{source}-{target}-{role.value}",
    )
    for source, target in sorted(
        {(t.source, t.target) for t in CME.transitions if t.roles - {Role.SYSTEM}},
        key=lambda move: (list(CME.statuses).index(move[0]), move[1]),
    )
    for who, role in PEOPLE.items()
]


def _case_at(status: str, manager: User) -> Case:
    case = open_case()
    if status == "enquiries":
        case_transition(case=case, target="enquiries", actor=manager)
    elif status == "awaiting_approval":
        case_transition(case=case, target="awaiting_approval", actor=manager, outcome="ehe_registered")
    elif status == "closed":
        case_transition(case=case, target="closed", actor=manager, outcome="ehe_registered")
    elif status == "on_roll_to_confirm":  # the system holds it after an officer confirmed a return
        case_transition(case=case, target="on_roll_to_confirm", actor=None)
    elif status == "transfer_pending":  # the system moves it when a transfer is sent (rollcall/transfers)
        case_transition(case=case, target="transfer_pending", actor=None)
    assert case.status == status
    return case


@pytest.mark.parametrize(("source", "target", "who"), MOVES)
def test_every_move_is_allowed_or_refused_by_role_through_the_page(
    request, inclusion_manager, who, source, target
):
    user = request.getfixturevalue(who)
    case = _case_at(source, inclusion_manager)
    move = CME.transition(source, target, PEOPLE[who])
    generic = CME.transition(source, target)
    assert generic is not None
    data: dict[str, object] = {"version": case.version}
    if "outcome" in generic.requires:
        data["outcome"] = min(generic.outcomes) if generic.outcomes else "ehe_registered"
        data["school"] = "Moorside Academy"  # what "on_roll" needs; ignored by the others
    if "reason" in generic.requires:
        data["reason"] = "More to check"
    client = signed_in(user)
    url = reverse("casework:case-move", args=[case.pk, target])

    page = client.get(url)
    response = client.post(url, data)

    case.refresh_from_db()
    if move is not None:
        assert page.status_code == 200
        assert response.status_code == 302
        assert case.status == target
    else:
        assert page.status_code == 403
        assert response.status_code == 403
        assert case.status == source


def test_the_case_page_offers_exactly_the_moves_the_role_allows(inclusion_officer, inclusion_manager):
    case = _case_at("awaiting_approval", inclusion_manager)
    url = reverse("casework:case", args=[case.pk])

    officer = signed_in(inclusion_officer).get(url)
    manager = signed_in(inclusion_manager).get(url)

    assert officer.context["actions"] == []
    assert [a["name"] for a in manager.context["actions"]] == ["Approve closure", "Return for more enquiries"]
