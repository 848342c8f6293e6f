"""The casework pages: the caseload, the case page and every action form on it."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rollcall.accounts.models import Team, User
from rollcall.audit.models import RecordView
from rollcall.casework import views
from rollcall.casework.access import cases_visible_to
from rollcall.casework.models import Case, Enquiry, Flag, Note, Task
from rollcall.casework.services import (
    case_open,
    case_transition,
    enquiry_record,
    flag_raise,
    note_add,
    task_add,
)
from rollcall.rules.escalation import Level
from rollcall.rules.workflow import Role
from rollcall.schools.models import RemovalNotice
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council", "frozen_clock")]

TODAY = dt.date(2026, 11, 16)


def inclusion() -> Team:
    return Team.objects.get(kind=Team.Kind.INCLUSION)


def open_case(surname: str | None = None, **kwargs: object) -> Case:
    child = factories.ChildFactory.create(**({"legal_surname": surname} if surname else {}))
    return case_open(child=child, kind="cme", team=inclusion(), source="test", **kwargs)  # type: ignore[arg-type]


def signed_in(client: Client, user: User) -> Client:
    client.force_login(user)
    return client


def references(response) -> list[str]:
    return [row["case"].reference for row in response.context["rows"]]


def case_url(case: Case, name: str = "casework:case", *extra: object) -> str:
    return reverse(name, args=[case.pk, *extra])


def set_level(case: Case, level: Level) -> None:
    # Arranging the test: only the sweep raises a level, which needs weeks of calendar.
    Case.objects.filter(pk=case.pk).update(escalation_level=level)


def error_summary(response) -> str:
    html = response.content.decode()
    match = re.search(r'<div class="govuk-error-summary".*?</ul>', html, re.S)
    return match.group(0) if match else ""


# ---- caseload --------------------------------------------------------------------------------


def test_the_caseload_lists_the_open_cases_of_the_users_own_teams_only(
    client, inclusion_officer, admissions_officer
):
    ours = open_case()
    closed = open_case()
    case_transition(
        case=closed, target="closed", actor=None, outcome="on_roll", outcome_details={"school": "X"}
    )
    theirs = case_open(
        child=factories.ChildFactory.create(),
        kind="cme",
        team=Team.objects.get(kind="admissions"),
        source="test",
    )

    response = signed_in(client, inclusion_officer).get(reverse("casework:caseload"))

    assert response.status_code == 200
    assert references(response) == [ours.reference]
    assert theirs.reference not in response.content.decode()
    assert closed.reference not in response.content.decode()


def test_each_caseload_row_shows_the_case_the_child_the_owner_and_the_next_action(client, inclusion_officer):
    case = open_case(surname="Ashworth")

    html = signed_in(client, inclusion_officer).get(reverse("casework:caseload")).content.decode()

    assert f'href="{case_url(case)}"' in html
    assert case.child.full_name in html
    assert "Child missing education" in html
    assert "New" in html
    assert str(inclusion_officer) in html
    assert "Make the first enquiry" in html
    assert "17 November 2026" in html


def test_a_case_whose_next_action_is_past_due_is_tagged_overdue(client, inclusion_officer):
    case = open_case()
    task_add(case=case, actor=inclusion_officer, title="Ring the family", due=dt.date(2026, 11, 13))
    on_time = open_case()

    response = signed_in(client, inclusion_officer).get(reverse("casework:caseload"))

    overdue = {row["case"].pk: row["overdue"] for row in response.context["rows"]}
    assert overdue == {case.pk: True, on_time.pk: False}
    assert response.content.decode().count(">Overdue</strong>") == 1


def test_the_counts_at_the_top_are_right(client, inclusion_officer):
    overdue = open_case()
    task_add(case=overdue, actor=inclusion_officer, title="Ring the family", due=dt.date(2026, 11, 12))
    manager_level = open_case()
    set_level(manager_level, Level.MANAGER)
    exception = open_case()
    set_level(exception, Level.EXCEPTIONS)
    open_case()
    closed = open_case()
    set_level(closed, Level.EXCEPTIONS)
    case_transition(
        case=closed, target="closed", actor=None, outcome="on_roll", outcome_details={"school": "X"}
    )
    case_open(
        child=factories.ChildFactory.create(),
        kind="cme",
        team=Team.objects.get(kind="sen"),
        source="test",
        owner=factories.staff(Role.OFFICER, "sen"),
    )

    response = signed_in(client, inclusion_officer).get(reverse("casework:caseload"))

    assert response.context["counts"] == {"open": 4, "overdue": 1, "escalated": 2, "exceptions": 1}
    html = response.content.decode()
    assert 'data-count="open">4<' in html
    assert 'data-count="exceptions">1<' in html


def test_the_counts_come_from_one_aggregate_query(inclusion_officer, django_assert_num_queries):
    for _ in range(3):
        open_case()
    cases = cases_visible_to(inclusion_officer)  # reads the memberships once

    with django_assert_num_queries(1):
        counts = views._caseload_counts(cases, TODAY)

    assert counts["open"] == 3


def test_the_caseload_filters_by_status_kind_owner_level_and_overdue(
    client, inclusion_officer, inclusion_manager
):
    mine = open_case()
    managers = open_case(owner=inclusion_manager)
    set_level(managers, Level.HEAD_OF_SERVICE)
    late = open_case()
    task_add(case=late, actor=inclusion_officer, title="Visit", due=dt.date(2026, 11, 10))
    in_enquiries = open_case()
    enquiry_record(
        case=in_enquiries, actor=inclusion_officer, party="carers", made_on=TODAY, result="nothing"
    )
    closed = open_case()
    case_transition(
        case=closed, target="closed", actor=None, outcome="on_roll", outcome_details={"school": "X"}
    )
    client = signed_in(client, inclusion_officer)

    def listed(**query: str) -> set[str]:
        return set(references(client.get(reverse("casework:caseload"), query)))

    assert listed() == {mine.reference, managers.reference, late.reference, in_enquiries.reference}
    assert listed(owner="mine") == {mine.reference, late.reference, in_enquiries.reference}
    assert listed(status="enquiries") == {in_enquiries.reference}
    assert listed(status="closed") == {closed.reference}
    assert len(listed(status="all")) == 5
    assert listed(kind="removal") == set()
    assert len(listed(kind="cme")) == 4
    assert listed(level=str(Level.HEAD_OF_SERVICE.value)) == {managers.reference}
    assert listed(overdue="on") == {late.reference}
    assert listed(owner="mine", overdue="on") == {late.reference}


def test_a_filter_value_that_is_not_a_choice_is_reported_and_ignored(client, inclusion_officer):
    case = open_case()

    response = signed_in(client, inclusion_officer).get(reverse("casework:caseload"), {"kind": "nonsense"})

    assert response.status_code == 200
    assert "Select a valid choice" in error_summary(response)
    assert references(response) == [case.reference]


def test_the_caseload_is_sorted_by_next_action_due_by_default(client, inclusion_officer):
    later = open_case()
    task_add(case=later, actor=inclusion_officer, title="Soon", due=dt.date(2026, 11, 16))
    sooner = open_case()
    task_add(case=sooner, actor=inclusion_officer, title="Late", due=dt.date(2026, 11, 2))

    response = signed_in(client, inclusion_officer).get(reverse("casework:caseload"))

    assert references(response) == [sooner.reference, later.reference]
    assert re.search(
        r'aria-sort="ascending"><a class="govuk-link" href="\?sort=due&amp;order=desc">Next action',
        response.content.decode(),
    )


def test_the_caseload_sorts_by_surname_level_and_opened_date(client, inclusion_officer, frozen_clock):
    brown = open_case(surname="Brown")
    frozen_clock.shift(dt.timedelta(days=1))
    adams = open_case(surname="Adams")
    set_level(adams, Level.MANAGER)
    frozen_clock.shift(dt.timedelta(days=1))
    clark = open_case(surname="Clark")
    set_level(clark, Level.EXCEPTIONS)
    client = signed_in(client, inclusion_officer)

    def order(**query: str) -> list[str]:
        return references(client.get(reverse("casework:caseload"), query))

    assert order(sort="surname") == [adams.reference, brown.reference, clark.reference]
    assert order(sort="surname", order="desc") == [clark.reference, brown.reference, adams.reference]
    assert order(sort="level") == [clark.reference, adams.reference, brown.reference]
    assert order(sort="opened") == [clark.reference, adams.reference, brown.reference]
    assert order(sort="opened", order="asc") == [brown.reference, adams.reference, clark.reference]
    html = client.get(reverse("casework:caseload"), {"sort": "surname"}).content.decode()
    assert 'aria-sort="ascending"><a class="govuk-link" href="?sort=surname&amp;order=desc">Child' in html
    assert html.count('aria-sort="none"') == 3


def test_sort_links_keep_the_filters(client, inclusion_officer):
    open_case()

    html = (
        signed_in(client, inclusion_officer)
        .get(reverse("casework:caseload"), {"owner": "mine"})
        .content.decode()
    )

    assert 'href="?owner=mine&amp;sort=surname&amp;order=asc"' in html


def test_the_caseload_pages_with_the_govuk_pagination_component(client, inclusion_officer, monkeypatch):
    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    cases = [open_case() for _ in range(5)]
    client = signed_in(client, inclusion_officer)

    first = client.get(reverse("casework:caseload"))
    last = client.get(reverse("casework:caseload"), {"page": "3"})

    assert len(first.context["rows"]) == 2
    assert references(last) == [cases[4].reference]
    html = first.content.decode()
    assert '<nav class="govuk-pagination" aria-label="Pagination">' in html
    assert 'aria-label="Page 1" aria-current="page"' in html
    assert 'href="?page=2" rel="next"' in html
    assert 'rel="prev"' not in html


def test_the_caseload_query_count_does_not_grow_with_rows(
    client, inclusion_officer, django_assert_max_num_queries
):
    client = signed_in(client, inclusion_officer)
    open_case()
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("casework:caseload"))
    for _ in range(29):
        open_case()

    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(reverse("casework:caseload"))

    assert len(response.context["rows"]) == 30
    assert len(one.captured_queries) <= 9  # 8, +1 for the session's two-factor device (django-otp)


# ---- the case page ---------------------------------------------------------------------------


def test_the_case_page_shows_the_summary_tasks_enquiries_and_timeline(client, inclusion_officer):
    case = open_case(surname="Okafor")
    enquiry_record(
        case=case,
        actor=inclusion_officer,
        party="last_school",
        made_on=TODAY,
        result="nothing",
        details="Office had no forwarding address",
    )

    response = signed_in(client, inclusion_officer).get(case_url(case))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("children:child", args=[case.child_id])}"' in html
    assert "Enquiries under way" in html
    assert "Inclusion (children missing education)" in html
    assert "Complete reasonable enquiries" in html
    assert "Mark as done" in html
    checklist = {item["party"]: item["made"] for item in response.context["checklist"]}
    assert len(checklist) == len(Enquiry.Party.choices)
    assert checklist["The last school"] is True
    assert checklist["Police"] is False
    assert html.count("Not made yet") == len(Enquiry.Party.choices) - 1
    assert "Office had no forwarding address" in html
    assert "Enquiry with The last school on 2026-11-16: Nothing known" in html
    assert "Child missing education case CME-" in html


def test_viewing_a_case_is_logged_against_the_child(client, inclusion_officer):
    case = open_case()

    signed_in(client, inclusion_officer).get(case_url(case))

    view = RecordView.objects.get()
    assert (view.user, view.child, view.what, view.path) == (
        inclusion_officer,
        case.child,
        "case",
        case_url(case),
    )


def test_the_case_page_shows_flags_as_warnings_and_the_removal_notice(
    client, inclusion_officer, school_user, school
):
    child = factories.ChildFactory.create()
    notice = RemovalNotice.objects.create(
        school=school,
        child=child,
        submitted_by=school_user,
        received_at=dt.datetime(2026, 11, 16, 9, tzinfo=dt.UTC),
        removal_date=dt.date(2026, 11, 13),
        ground="",
        concerns=["No ground was given for the removal."],
    )
    case = case_open(child=child, kind="cme", team=inclusion(), source="removal", removal_notice=notice)
    flag_raise(case=case, code=Flag.Code.POSSIBLY_UNLAWFUL_REMOVAL, details="Removed with no ground")

    html = signed_in(client, inclusion_officer).get(case_url(case)).content.decode()

    assert "govuk-warning-text" in html
    assert "Possibly unlawful removal from roll: Removed with no ground" in html
    assert "Moorside Academy" in html
    assert "13 November 2026" in html
    assert "No ground was given for the removal." in html


def test_the_case_page_offers_the_moves_the_officer_may_make(client, inclusion_officer):
    case = open_case()

    response = signed_in(client, inclusion_officer).get(case_url(case))

    assert [a["name"] for a in response.context["actions"]] == ["Start enquiries", "Propose closure"]
    html = response.content.decode()
    assert f'href="{case_url(case, "casework:case-move", "awaiting_approval")}"' in html
    assert reverse("casework:case-move", args=[case.pk, "closed"]) not in html
    assert "Reassign" not in html


def test_the_case_page_offers_a_manager_closing_and_reassigning(client, inclusion_manager):
    case = open_case()

    response = signed_in(client, inclusion_manager).get(case_url(case))

    assert "Close" in [a["name"] for a in response.context["actions"]]
    assert case_url(case, "casework:case-assign") in response.content.decode()


def test_notes_are_shown_to_the_team_and_heads_of_service(client, inclusion_officer, head_of_service):
    case = open_case()
    note_add(case=case, author=inclusion_officer, text="Mother says they moved to Leeds")

    for user in (inclusion_officer, head_of_service):
        html = signed_in(Client(), user).get(case_url(case)).content.decode()
        assert "Mother says they moved to Leeds" in html


def test_an_administrator_sees_that_notes_exist_but_not_what_they_say(client, inclusion_officer):
    case = open_case()
    note_add(case=case, author=inclusion_officer, text="Mother says they moved to Leeds")

    response = signed_in(client, factories.administrator()).get(case_url(case))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Mother says they moved to Leeds" not in html
    assert "This case has 1 note." in html
    assert "Mark as done" not in html
    assert response.context["actions"] == []


# ---- record an enquiry -----------------------------------------------------------------------


def test_recording_an_enquiry_saves_it_and_starts_enquiries(client, inclusion_officer):
    case = open_case()

    response = signed_in(client, inclusion_officer).post(
        case_url(case, "casework:enquiry-record"),
        {
            "party": "health",
            "made_on_0": "13",
            "made_on_1": "11",
            "made_on_2": "2026",
            "result": "information",
            "details": "GP says the family registered in Bradford",
        },
        follow=True,
    )

    assert response.redirect_chain == [(case_url(case), 302)]
    assert "Enquiry recorded" in response.content.decode()
    enquiry = Enquiry.objects.get(case=case)
    assert (enquiry.party, enquiry.made_on, enquiry.result) == (
        "health",
        dt.date(2026, 11, 13),
        "information",
    )
    case.refresh_from_db()
    assert case.status == "enquiries"


def test_an_enquiry_with_missing_or_future_answers_shows_errors_and_saves_nothing(client, inclusion_officer):
    case = open_case()
    client = signed_in(client, inclusion_officer)

    empty = client.post(case_url(case, "casework:enquiry-record"), {})
    future = client.post(
        case_url(case, "casework:enquiry-record"),
        {"party": "police", "made_on_0": "17", "made_on_1": "11", "made_on_2": "2026", "result": "nothing"},
    )

    summary = error_summary(empty)
    assert "Select who the enquiry was made with" in summary
    assert "Enter the date the enquiry was made" in summary
    assert "Select the result of the enquiry" in summary
    assert 'href="#id_party_0"' in summary
    assert 'href="#id_made_on_0"' in summary
    assert "Date the enquiry was made must be today or in the past" in error_summary(future)
    assert not Enquiry.objects.exists()
    case.refresh_from_db()
    assert case.status == "new"


# ---- notes -----------------------------------------------------------------------------------


def test_adding_a_note_saves_it_and_says_so(client, inclusion_officer):
    case = open_case()

    response = signed_in(client, inclusion_officer).post(
        case_url(case, "casework:note-add"), {"text": "Neighbour saw a removal van"}, follow=True
    )

    assert "Note added" in response.content.decode()
    assert Note.objects.get().text == "Neighbour saw a removal van"


def test_an_empty_note_shows_an_error_and_saves_nothing(client, inclusion_officer):
    case = open_case()

    response = signed_in(client, inclusion_officer).post(case_url(case, "casework:note-add"), {"text": "  "})

    assert response.status_code == 200
    assert "Enter the note" in error_summary(response)
    assert not Note.objects.exists()


def test_a_note_on_a_closed_case_is_refused_by_the_service_and_shown_in_the_summary(
    client, inclusion_officer
):
    case = open_case()
    case_transition(
        case=case, target="closed", actor=None, outcome="on_roll", outcome_details={"school": "X"}
    )

    response = signed_in(client, inclusion_officer).post(
        case_url(case, "casework:note-add"), {"text": "Late news"}
    )

    assert "This case is closed. Reopen it first." in error_summary(response)
    assert not Note.objects.exists()


# ---- tasks -----------------------------------------------------------------------------------


def test_adding_a_task_gives_it_to_the_chosen_team_member(client, inclusion_officer, inclusion_manager):
    case = open_case()

    response = signed_in(client, inclusion_officer).post(
        case_url(case, "casework:task-add"),
        {
            "title": "Home visit",
            "due_0": "16",
            "due_1": "11",
            "due_2": "2026",
            "assignee": inclusion_manager.pk,
        },
        follow=True,
    )

    assert "Task added" in response.content.decode()
    task = Task.objects.get(case=case, code="manual")
    assert (task.title, task.due, task.assignee) == ("Home visit", TODAY, inclusion_manager)
    case.refresh_from_db()
    assert (case.next_action, case.next_action_due) == ("Home visit", TODAY)


def test_the_task_form_offers_only_the_case_teams_members(client, inclusion_officer, admissions_officer):
    case = open_case()

    response = signed_in(client, inclusion_officer).get(case_url(case, "casework:task-add"))

    choices = list(response.context["form"].fields["assignee"].queryset)
    assert inclusion_officer in choices
    assert admissions_officer not in choices


def test_a_task_with_a_past_date_or_a_stranger_shows_errors_and_saves_nothing(
    client, inclusion_officer, admissions_officer
):
    case = open_case()

    response = signed_in(client, inclusion_officer).post(
        case_url(case, "casework:task-add"),
        {"title": "", "due_0": "1", "due_1": "11", "due_2": "2026", "assignee": admissions_officer.pk},
    )

    summary = error_summary(response)
    assert "Enter what needs to be done" in summary
    assert "The due date must be today or in the future" in summary
    assert "Select someone in the case&#x27;s team" in summary
    assert not Task.objects.filter(code="manual").exists()


def test_marking_a_task_done_completes_it_and_moves_the_next_action_on(client, inclusion_officer):
    case = open_case()
    first = case.tasks.get(code="first_enquiry")

    response = signed_in(client, inclusion_officer).post(
        case_url(case, "casework:task-complete", first.pk), follow=True
    )

    assert "“Make the first enquiry” marked as done" in response.content.decode()
    first.refresh_from_db()
    assert (first.status, first.completed_by) == (Task.Status.DONE, inclusion_officer)
    case.refresh_from_db()
    assert case.next_action == "Complete reasonable enquiries"


def test_marking_a_task_done_needs_a_post(client, inclusion_officer):
    case = open_case()
    task = case.tasks.first()
    assert task is not None

    response = signed_in(client, inclusion_officer).get(case_url(case, "casework:task-complete", task.pk))

    assert response.status_code == 405
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


def test_a_task_of_another_case_cannot_be_completed_through_this_one(client, inclusion_officer):
    case, other = open_case(), open_case()
    task = other.tasks.first()
    assert task is not None

    response = signed_in(client, inclusion_officer).post(case_url(case, "casework:task-complete", task.pk))

    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == Task.Status.OPEN


# ---- moves -----------------------------------------------------------------------------------


def test_the_move_page_is_headed_with_the_transition_and_lists_the_outcomes(client, inclusion_officer):
    case = open_case()

    response = signed_in(client, inclusion_officer).get(
        case_url(case, "casework:case-move", "awaiting_approval")
    )

    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Propose closure</h1>' in html
    for outcome in case.workflow.outcomes.values():
        assert outcome.label.replace("'", "&#x27;") in html
    assert 'name="council" type="text"' in html
    assert 'name="reason"' not in html


def test_the_date_the_receiving_council_was_told_has_day_month_and_year_boxes(client, inclusion_officer):
    case = open_case()

    html = (
        signed_in(client, inclusion_officer)
        .get(case_url(case, "casework:case-move", "awaiting_approval"))
        .content
    )

    for part in ("council_told_on_0", "council_told_on_1", "council_told_on_2"):
        assert f'name="{part}"'.encode() in html


def test_proposing_closure_to_another_council_without_its_name_says_so_and_saves_nothing(
    client, inclusion_officer
):
    case = open_case()

    response = signed_in(client, inclusion_officer).post(
        case_url(case, "casework:case-move", "awaiting_approval"),
        {
            "outcome": "other_council",
            "council_told_on_0": "16",
            "council_told_on_1": "11",
            "council_told_on_2": "2026",
        },
    )

    summary = error_summary(response)
    assert "Enter the receiving council&#x27;s name" in summary
    assert 'href="#id_council"' in summary
    assert 'id="id_council-error"' in response.content.decode()
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("new", "")


def test_proposing_closure_to_another_council_records_the_outcome_for_approval(client, inclusion_officer):
    case = open_case()

    response = signed_in(client, inclusion_officer).post(
        case_url(case, "casework:case-move", "awaiting_approval"),
        {
            "outcome": "other_council",
            "council": "Leeds City Council",
            "council_told_on_0": "13",
            "council_told_on_1": "11",
            "council_told_on_2": "2026",
            "school": "Ignored Primary",
            "version": case.version,
        },
        follow=True,
    )

    assert "Propose closure: the case is now “Closure awaiting approval”" in response.content.decode()
    case.refresh_from_db()
    assert case.status == "awaiting_approval"
    assert case.outcome == "other_council"
    assert case.outcome_details == {"council": "Leeds City Council", "council_told_on": "2026-11-13"}


def test_an_outcome_without_what_it_needs_shows_the_message_beside_that_field(client, inclusion_officer):
    case = open_case()
    client = signed_in(client, inclusion_officer)
    url = case_url(case, "casework:case-move", "awaiting_approval")

    assert "Enter the name of the school" in error_summary(client.post(url, {"outcome": "on_roll"}))
    assert "Enter details of the outcome" in error_summary(client.post(url, {"outcome": "other"}))
    assert "Enter the evidence" in error_summary(client.post(url, {"outcome": "left_country"}))
    assert "Select the outcome" in error_summary(client.post(url, {}))
    case.refresh_from_db()
    assert case.status == "new"


def test_returning_a_closure_needs_a_reason(client, inclusion_officer, inclusion_manager):
    case = open_case()
    case_transition(case=case, target="awaiting_approval", actor=inclusion_officer, outcome="ehe_registered")
    client = signed_in(client, inclusion_manager)
    url = case_url(case, "casework:case-move", "enquiries")

    refused = client.post(url, {"reason": ""})
    done = client.post(url, {"reason": "Check with the EHE team first", "version": case.version})

    assert "Enter the reason" in error_summary(refused)
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.status == "enquiries"


def test_a_manager_approves_a_proposed_closure(client, inclusion_officer, inclusion_manager):
    case = open_case()
    case_transition(case=case, target="awaiting_approval", actor=inclusion_officer, outcome="ehe_registered")

    page = signed_in(client, inclusion_manager).get(case_url(case, "casework:case-move", "closed"))
    assert "The proposed outcome is “Elective home education registered”." in page.content.decode()

    response = signed_in(client, inclusion_manager).post(
        case_url(case, "casework:case-move", "closed"), {"version": case.version}, follow=True
    )

    assert response.redirect_chain == [(case_url(case), 302)]
    case.refresh_from_db()
    assert (case.status, case.outcome) == ("closed", "ehe_registered")
    assert case.closed_at is not None
    assert "Elective home education registered" in response.content.decode()


def test_a_move_that_is_no_longer_possible_from_the_current_status_is_not_found(client, inclusion_officer):
    case = open_case()
    client = signed_in(client, inclusion_officer)
    page = client.get(case_url(case, "casework:case-move", "enquiries"))
    assert page.status_code == 200
    enquiry_record(case=case, actor=inclusion_officer, party="carers", made_on=TODAY, result="nothing")

    # The case is now in enquiries: the move from "new" no longer exists.
    response = client.post(case_url(case, "casework:case-move", "enquiries"))

    assert response.status_code == 404


def test_a_move_to_a_status_that_does_not_exist_is_not_found(client, inclusion_officer):
    case = open_case()

    response = signed_in(client, inclusion_officer).get(case_url(case, "casework:case-move", "nowhere"))

    assert response.status_code == 404


# ---- reassign --------------------------------------------------------------------------------


def test_a_manager_reassigns_a_case_to_another_team_member(client, inclusion_officer, inclusion_manager):
    case = open_case()
    colleague = factories.staff(Role.OFFICER, Team.Kind.INCLUSION, username="second.officer")

    response = signed_in(client, inclusion_manager).post(
        case_url(case, "casework:case-assign"), {"owner": colleague.pk, "version": case.version}, follow=True
    )

    assert f"Case assigned to {colleague}" in response.content.decode()
    case.refresh_from_db()
    assert case.owner == colleague
    assert not case.tasks.filter(status=Task.Status.OPEN, assignee=inclusion_officer).exists()


def test_reassigning_without_choosing_someone_shows_an_error(client, inclusion_officer, inclusion_manager):
    case = open_case()

    response = signed_in(client, inclusion_manager).post(
        case_url(case, "casework:case-assign"), {"owner": ""}
    )

    assert "Select who should own the case" in error_summary(response)
    case.refresh_from_db()
    assert case.owner == inclusion_officer
