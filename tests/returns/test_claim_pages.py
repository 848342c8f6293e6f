"""The pages for claims to confirm: "Returns to check", one return beside the record, and the
administrators' "Returns to watch" (issue 11: claims need agreement, bursts are visible)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rollcall.accounts.models import Team, User
from rollcall.audit.models import RecordView
from rollcall.casework.models import Case, Task
from rollcall.health.services import ReportFacts, health_report_receive
from rollcall.people.models import Child
from rollcall.returns.claims import Pupil, claim_refuse
from rollcall.returns.models import ReturnBurst, SchoolReturn
from rollcall.returns.new_pupils import new_pupil_notify
from rollcall.rules.workflow import Role
from rollcall.schools.models import RollEntry, School
from tests import factories
from tests.claims import cme_case, other_schools_pupil

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]

QUEUE = reverse("returns:claims")
WATCH = reverse("returns:watch")


@pytest.fixture
def access_officer(teams: dict[str, Team]) -> User:
    return factories.staff(Role.OFFICER, Team.Kind.ACCESS, username="access.officer")


@pytest.fixture
def other_pupil(db: None) -> Child:
    return other_schools_pupil()


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def misspelt(child: Child) -> Pupil:
    """The child as a school that does not have them might type them: the surname one slip out."""
    return Pupil(
        forename=child.legal_forename,
        surname=child.legal_surname[:-1] + "x",
        date_of_birth=child.date_of_birth,
        upn=child.upn,
    )


def held_new_pupil(school: School, sender: User, child: Child) -> SchoolReturn:
    result = new_pupil_notify(
        school=school, actor=sender, pupil=misspelt(child), entered_on=dt.date(2026, 11, 16)
    )
    assert result.held
    return result.received.school_return


def held_illness_report(school: School, sender: User, child: Child) -> SchoolReturn:
    facts = ReportFacts(
        first_day_absent=dt.date(2026, 10, 19), days_so_far=15, pattern="consecutive", medical_evidence="no"
    )
    held = health_report_receive(actor=sender, school=school, facts=facts, pupil=misspelt(child))
    assert isinstance(held, SchoolReturn)
    return held


# ---- who sees the queue -------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["inclusion_officer", "inclusion_manager", "head_of_service"])
def test_the_owning_teams_officers_and_managers_and_heads_of_service_see_the_claim(
    who: str,
    request: pytest.FixtureRequest,
    client: Client,
    school: School,
    school_user: User,
    other_pupil: Child,
) -> None:
    claim = held_new_pupil(school, school_user, other_pupil)

    page = signed_in(client, request.getfixturevalue(who)).get(QUEUE)

    assert page.status_code == 200
    text = page.content.decode()
    assert claim.reference in text
    assert "The council did not expect the pupil at this school" in text
    assert reverse("returns:claim", args=[claim.pk]) in text


def test_another_teams_officer_sees_only_the_claims_their_team_checks(
    client: Client, school: School, school_user: User, other_pupil: Child, access_officer: User
) -> None:
    new_pupil = held_new_pupil(school, school_user, other_pupil)
    report = held_illness_report(school, school_user, other_pupil)

    text = signed_in(client, access_officer).get(QUEUE).content.decode()

    assert report.reference in text
    assert new_pupil.reference not in text
    assert client.get(reverse("returns:claim", args=[new_pupil.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.READER, Role.SCHOOL, Role.ADMINISTRATOR])
def test_a_reader_a_school_user_or_an_administrator_cannot_open_the_queue_or_a_claim(
    role: Role, client: Client, school: School, school_user: User, other_pupil: Child
) -> None:
    claim = held_new_pupil(school, school_user, other_pupil)
    if role is Role.SCHOOL:
        user = school_user
    elif role is Role.ADMINISTRATOR:
        user = factories.administrator(username="admin")
    else:
        user = factories.staff(Role.READER, Team.Kind.INCLUSION, username="reader")

    signed_in(client, user)

    assert client.get(QUEUE).status_code == 403
    assert client.get(reverse("returns:claim", args=[claim.pk])).status_code == 404
    response = client.post(
        reverse("returns:claim", args=[claim.pk]), {"decision": "confirm", "note": "Looks right"}
    )
    assert response.status_code == 404
    claim.refresh_from_db()
    assert claim.status == "to_confirm"


def test_the_queue_costs_the_same_queries_for_one_claim_or_many(
    client: Client, school: School, school_user: User, inclusion_officer: User
) -> None:
    held_new_pupil(school, school_user, other_schools_pupil())
    signed_in(client, inclusion_officer)
    with CaptureQueriesContext(connection) as one:
        client.get(QUEUE)
    for n in range(4):
        pupil = factories.ChildFactory.create(legal_surname=f"Marsh{n}ley")
        factories.RollEntryFactory.create(child=pupil)
        held_new_pupil(school, school_user, pupil)
    with CaptureQueriesContext(connection) as five:
        page = client.get(QUEUE)

    assert page.content.decode().count("RTN-") == 5
    assert len(five) == len(one)


# ---- one claim: compare, confirm or refuse ------------------------------------------------------


def test_the_officer_sees_what_the_school_sent_beside_the_record_and_the_view_is_logged(
    client: Client, school: School, school_user: User, other_pupil: Child, inclusion_officer: User
) -> None:
    claim = held_new_pupil(school, school_user, other_pupil)

    page = signed_in(client, inclusion_officer).get(reverse("returns:claim", args=[claim.pk]))

    text = page.content.decode()
    assert f"Check return {claim.reference}" in text
    assert "Oakhallox" in text  # as the school typed it
    assert "Quenby Oakhallow" in text  # as the council holds it
    assert "Fellside School" in text  # the school the child is on the roll of now
    assert RecordView.objects.filter(
        user=inclusion_officer, child=other_pupil, what="Return to check"
    ).exists()


def test_refusing_without_saying_how_you_checked_shows_the_error_summary_and_changes_nothing(
    client: Client, school: School, school_user: User, other_pupil: Child, inclusion_officer: User
) -> None:
    claim = held_new_pupil(school, school_user, other_pupil)

    response = signed_in(client, inclusion_officer).post(
        reverse("returns:claim", args=[claim.pk]), {"decision": "refuse", "note": ""}
    )

    assert response.status_code == 200
    text = response.content.decode()
    assert "govuk-error-summary" in text
    assert "There is a problem" in text
    assert "Say how you checked the details" in text
    claim.refresh_from_db()
    assert claim.status == "to_confirm"


def test_a_decision_must_be_chosen(
    client: Client, school: School, school_user: User, other_pupil: Child, inclusion_officer: User
) -> None:
    claim = held_new_pupil(school, school_user, other_pupil)

    response = signed_in(client, inclusion_officer).post(
        reverse("returns:claim", args=[claim.pk]), {"note": "Rang the school"}
    )

    assert "Select whether the details are this child&#x27;s" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "to_confirm"


def test_confirming_puts_the_child_on_the_roll_completes_the_task_and_holds_the_case_for_its_owner(
    client: Client, school: School, school_user: User, other_pupil: Child, inclusion_officer: User
) -> None:
    case = cme_case(other_pupil)
    claim = held_new_pupil(school, school_user, other_pupil)

    response = signed_in(client, inclusion_officer).post(
        reverse("returns:claim", args=[claim.pk]),
        {"decision": "confirm", "note": "Rang the school: the surname was mistyped"},
        follow=True,
    )

    assert response.redirect_chain[-1][0] == QUEUE
    assert f"{claim.reference}: confirmed by an officer." in response.content.decode()
    claim.refresh_from_db()
    assert (claim.status, claim.decided_by, claim.decision_note) == (
        "confirmed",
        inclusion_officer,
        "Rang the school: the surname was mistyped",
    )
    assert RollEntry.objects.filter(child=other_pupil, school=school, on_roll_to__isnull=True).exists()
    assert Task.objects.get(key=f"claim:{claim.pk}").status == "done"
    case.refresh_from_db()
    assert (case.status, case.closed_at) == ("on_roll_to_confirm", None)


def test_refusing_changes_nothing_about_the_child_and_lists_the_claim_for_administrators(
    client: Client, school: School, school_user: User, other_pupil: Child, inclusion_officer: User
) -> None:
    case = cme_case(other_pupil)
    claim = held_new_pupil(school, school_user, other_pupil)

    signed_in(client, inclusion_officer).post(
        reverse("returns:claim", args=[claim.pk]),
        {"decision": "refuse", "note": "The school has no such pupil: its system sent a wrong UPN"},
    )

    claim.refresh_from_db()
    assert claim.status == "refused"
    assert not RollEntry.objects.filter(child=other_pupil, school=school).exists()
    case.refresh_from_db()
    assert (case.status, case.closed_at) == ("new", None)
    assert Task.objects.get(key=f"claim:{claim.pk}").status == "done"
    admin = factories.administrator(username="admin")
    watch = signed_in(client, admin).get(WATCH).content.decode()
    assert claim.reference in watch
    assert "The school has no such pupil" in watch


def test_a_claim_decided_once_cannot_be_decided_again(
    client: Client, school: School, school_user: User, other_pupil: Child, inclusion_officer: User
) -> None:
    claim = held_new_pupil(school, school_user, other_pupil)
    claim_refuse(claim=claim, actor=inclusion_officer, note="Not our pupil")

    response = signed_in(client, inclusion_officer).post(
        reverse("returns:claim", args=[claim.pk]), {"decision": "confirm", "note": "Changed my mind"}
    )

    assert "Refused by an officer" in response.content.decode()
    claim.refresh_from_db()
    assert claim.status == "refused"
    assert not RollEntry.objects.filter(child=other_pupil, school=school).exists()


def test_the_claims_task_becomes_the_cases_next_action_and_deciding_moves_it_back(
    client: Client, school: School, school_user: User, other_pupil: Child, inclusion_officer: User
) -> None:
    case = cme_case(other_pupil)
    # Arranged: the case's own first tasks are due later than the claim's check.
    Task.objects.filter(case=case, status="open").update(due=dt.date(2026, 11, 30))

    claim = held_new_pupil(school, school_user, other_pupil)

    case.refresh_from_db()
    task = Task.objects.get(key=f"claim:{claim.pk}")
    assert (task.case, task.assignee, task.due) == (case, case.owner, claim.confirm_by)
    assert claim.reference in case.next_action
    assert case.next_action_due == claim.confirm_by

    signed_in(client, inclusion_officer).post(
        reverse("returns:claim", args=[claim.pk]), {"decision": "refuse", "note": "Not this child"}
    )

    case.refresh_from_db()
    assert claim.reference not in case.next_action
    assert case.next_action in set(
        Task.objects.filter(case=case, status="open").values_list("title", flat=True)
    )
    assert case.next_action_due == dt.date(2026, 11, 30)


# ---- watching for misuse ------------------------------------------------------------------------


@override_settings(RETURNS_BURST_PER_DAY=2)
def test_a_school_sending_more_returns_in_a_day_than_the_limit_is_listed_and_audited_once(
    client: Client, school: School, school_user: User
) -> None:
    for n in range(4):
        new_pupil_notify(
            school=school,
            actor=school_user,
            pupil=Pupil(forename="Robin", surname=f"Ashdown{n}", date_of_birth=dt.date(2015, 5, 4)),
            entered_on=dt.date(2026, 11, 16),
        )

    burst = ReturnBurst.objects.get()
    assert (burst.school, burst.day, burst.returns_then) == (school, dt.date(2026, 11, 16), 3)
    assert burst.history.get().history_user == school_user
    admin = factories.administrator(username="admin")
    watch = signed_in(client, admin).get(WATCH).content.decode()
    assert "Schools that sent more than 2 returns in a day" in watch
    assert "Moorside Academy" in watch
    assert "16 November 2026" in watch
    audit = client.get(reverse("audit:log")).content.decode()
    assert "Busy day of returns" in audit
    assert "3 returns on 16/11/2026" in audit


def test_a_school_under_the_limit_is_not_listed(client: Client, school: School, school_user: User) -> None:
    new_pupil_notify(
        school=school,
        actor=school_user,
        pupil=Pupil(forename="Robin", surname="Ashdown", date_of_birth=dt.date(2015, 5, 4)),
        entered_on=dt.date(2026, 11, 16),
    )

    assert not ReturnBurst.objects.exists()
    watch = signed_in(client, factories.administrator(username="admin")).get(WATCH).content.decode()
    assert "Moorside Academy" not in watch


def test_a_refused_claim_is_on_the_audit_trail_with_who_refused_it(
    client: Client, school: School, school_user: User, other_pupil: Child, inclusion_officer: User
) -> None:
    claim = held_new_pupil(school, school_user, other_pupil)
    signed_in(client, inclusion_officer).post(
        reverse("returns:claim", args=[claim.pk]), {"decision": "refuse", "note": "Not this child"}
    )

    refusal = SchoolReturn.history.filter(id=claim.pk, status="refused").get()
    assert refusal.history_user == inclusion_officer
    admin = factories.administrator(username="admin")
    audit = signed_in(client, admin).get(reverse("audit:log"), {"child": other_pupil.pk}).content.decode()
    assert "School return" in audit
    assert f"Return {claim.reference}" in audit
    assert "refused" in audit


@pytest.mark.parametrize("who", ["inclusion_officer", "school_user"])
def test_only_administrators_and_heads_of_service_watch_returns(
    who: str, request: pytest.FixtureRequest, client: Client, head_of_service: User
) -> None:
    assert signed_in(client, request.getfixturevalue(who)).get(WATCH).status_code == 403
    assert signed_in(client, head_of_service).get(WATCH).status_code == 200


def test_nothing_on_the_claim_pages_reaches_a_case_the_officer_does_not_own(
    client: Client, school: School, school_user: User, other_pupil: Child, access_officer: User
) -> None:
    """An Access to Education officer checks an illness report but sees no CME case through it."""
    case = cme_case(other_pupil)
    claim = held_illness_report(school, school_user, other_pupil)

    page = signed_in(client, access_officer).get(reverse("returns:claim", args=[claim.pk]))

    assert page.status_code == 200
    assert case.reference not in page.content.decode()
    assert Case.objects.filter(child=other_pupil, kind="health").count() == 0
