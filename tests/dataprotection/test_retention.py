"""The retention step: the dry run counts what the run then erases, the run keeps anonymised
figures of closed cases, deletes stored files, and a second run erases nothing."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.attendance.models import AttendanceImport, PupilMarks
from rollcall.audit.models import RecordView
from rollcall.casework.models import Case, Event, Note, Task
from rollcall.casework.services import case_open, case_transition, note_add
from rollcall.casework.sweep import sweep
from rollcall.dataprotection.models import AnonymisedCase, Erasure, RetentionSettings
from rollcall.dataprotection.retention import retention_apply, retention_report
from rollcall.notify.models import Message
from rollcall.people.models import Child
from rollcall.rules import retention as retention_rules
from rollcall.schools.models import School
from tests import factories

CLOSED = dt.datetime(2020, 3, 3, 14, 0, tzinfo=dt.UTC)  # 3 March 2020 in England
DUE = dt.date(2026, 3, 3)  # six years on: the first day it is due
KEPT = dt.date(2026, 3, 2)
# Messages are kept 24 months, so by DUE every message of 2020 is due (the fixture's own and those
# the cases sent); the open case's were sent on the wall clock's day, after DUE.


def _closed_case(child: Child, team: Team, officer: User, at: dt.datetime = CLOSED) -> Case:
    case = case_open(child=child, kind="cme", team=team, source="Removal notice", owner=officer, at=at)
    note_add(case=case, author=officer, text="Spoke to the family at the new address", at=at)
    return case_transition(
        case=case,
        target="closed",
        actor=None,
        outcome="on_roll",
        outcome_details={"school": "Hill School"},
        at=at,
    )


@pytest.fixture
def world(council: None, teams: dict[str, Team], inclusion_officer: User, school: School) -> dict[str, Any]:
    team = teams[Team.Kind.INCLUSION]
    old_child = factories.ChildFactory.create(date_of_birth=dt.date(2010, 1, 15))
    new_child = factories.ChildFactory.create()
    old = _closed_case(old_child, team, inclusion_officer)
    recent = _closed_case(new_child, team, inclusion_officer, at=CLOSED + dt.timedelta(days=1))
    open_case = case_open(child=old_child, kind="cme", team=team, source="Referral", owner=inclusion_officer)
    PupilMarks.objects.create(
        child=old_child, school=school, academic_year=2019, marks="//", updated_at=CLOSED
    )
    PupilMarks.objects.create(
        child=old_child, school=school, academic_year=2020, marks="//", updated_at=CLOSED
    )
    Message.objects.create(
        recipient=inclusion_officer, subject="Old", body="x", created_at=CLOSED, key="old-message"
    )
    RecordView.objects.create(user=inclusion_officer, child=old_child, at=CLOSED, what="Child", path="/")
    stored = default_storage.save("attendance/retention-test.csv", ContentFile(b"upn,date\n"))
    upload = AttendanceImport.objects.create(
        format="csv",
        file=stored,
        original_name="marks.csv",
        sha256="0" * 64,
        created_at=dt.datetime(2026, 1, 31, 12, 0, tzinfo=dt.UTC),
        status=AttendanceImport.Status.FAILED,
    )
    return {"old": old, "recent": recent, "open": open_case, "old_child": old_child, "upload": upload}


def _counts(day: dt.date) -> dict[str, int]:
    return {line.key: line.count for line in retention_report(day)}


@pytest.mark.django_db
def test_the_dry_run_counts_exactly_what_the_run_then_erases(world: dict[str, Any]) -> None:
    report = _counts(DUE)
    assert report["closed_cases"] == 1
    assert report["attendance_marks"] == 0  # 2019/20 ended 31 August 2020: due 31 August 2026
    assert report["messages"] == Message.objects.filter(created_at__year=2020).count() >= 2
    assert report["record_views"] == 1
    assert report["attendance_files"] == 1  # failed, uploaded 31 January: 30 days run on 2 March
    assert Case.objects.count() == 3  # the dry run changed nothing

    erased = retention_apply(DUE)

    assert erased == report
    assert _counts(DUE) == dict.fromkeys(report, 0)
    assert retention_apply(DUE) == dict.fromkeys(report, 0)  # the second run erases nothing


@pytest.mark.django_db
def test_nothing_goes_the_day_before_its_period_has_run(world: dict[str, Any]) -> None:
    assert _counts(KEPT)["closed_cases"] == 0
    assert retention_apply(KEPT)["closed_cases"] == 0
    assert Case.objects.filter(pk=world["old"].pk).exists()


@pytest.mark.django_db
def test_a_closed_case_keeps_its_figures_but_loses_the_child_and_its_history(world: dict[str, Any]) -> None:
    old: Case = world["old"]
    task_ids = list(Task.objects.filter(case=old).values_list("pk", flat=True))
    assert Note.objects.filter(case=old).exists()
    assert Event.objects.filter(case=old).exists()

    retention_apply(DUE)

    assert not Case.objects.filter(pk=old.pk).exists()
    assert not Note.objects.filter(case_id=old.pk).exists()
    assert not Event.objects.filter(case_id=old.pk).exists()
    assert not Case.history.filter(id=old.pk).exists()
    assert not Task.history.filter(id__in=task_ids).exists()
    kept = AnonymisedCase.objects.get()
    assert (kept.kind, kept.outcome, kept.closed_on, kept.opened_on) == (
        "cme",
        "on_roll",
        CLOSED.date(),
        CLOSED.date(),
    )
    assert kept.year_group == 5  # born January 2010, closed in the 2019/20 academic year: Year 5
    assert not any("child" in f.name for f in AnonymisedCase._meta.get_fields())
    # The child's record, the open case and the recent closed case stay.
    assert Child.objects.filter(pk=world["old_child"].pk).exists()
    assert Case.objects.filter(pk__in=[world["open"].pk, world["recent"].pk]).count() == 2


@pytest.mark.django_db
def test_uploaded_files_are_deleted_from_storage(
    world: dict[str, Any], django_capture_on_commit_callbacks: Any
) -> None:
    upload: AttendanceImport = world["upload"]
    name = upload.file.name
    assert default_storage.exists(name)

    with django_capture_on_commit_callbacks(execute=True):
        retention_apply(DUE)

    upload.refresh_from_db()
    assert upload.file.name == ""
    assert not default_storage.exists(name)


@pytest.mark.django_db
def test_attendance_marks_go_six_years_after_their_academic_year_ends(world: dict[str, Any]) -> None:
    assert retention_apply(dt.date(2026, 8, 30))["attendance_marks"] == 0
    assert retention_apply(dt.date(2026, 8, 31))["attendance_marks"] == 1
    assert list(PupilMarks.objects.values_list("academic_year", flat=True)) == [2020]


@pytest.mark.django_db
def test_the_council_can_shorten_a_period(world: dict[str, Any]) -> None:
    RetentionSettings.objects.update_or_create(pk=1, defaults={"closed_cases_years": 1})
    assert _counts(dt.date(2021, 3, 4))["closed_cases"] == 2


@pytest.mark.django_db
def test_the_audit_trail_records_counts_and_no_personal_facts(world: dict[str, Any]) -> None:
    old_messages = Message.objects.filter(created_at__year=2020).count()
    retention_apply(DUE)

    rows = {e.record_type: (e.count, e.action) for e in Erasure.objects.all()}
    assert rows["closed_cases"] == (1, "anonymise")
    assert rows["messages"] == (old_messages, "erase")
    assert "attendance_marks" not in rows  # nothing erased, nothing logged
    child: Child = world["old_child"]
    for erasure in Erasure.objects.all():
        text = " ".join(str(v) for v in vars(erasure).values())
        assert child.legal_surname not in text
        assert child.legal_forename not in text
    assert Erasure.history.count() == len(rows)


@pytest.mark.django_db
def test_the_sweep_runs_the_step_as_of_its_own_date_with_a_count_per_type(
    world: dict[str, Any], frozen_clock: Any
) -> None:
    old_messages = Message.objects.filter(created_at__year=2020).count()
    said: list[str] = []
    run = sweep(today=DUE, say=said.append)

    assert run.counts["retention_closed_cases"] == 1
    assert run.counts["retention_messages"] == old_messages
    line = next(s for s in said if s.startswith("retention_sweep"))
    assert "retention_closed_cases 1" in line
    assert "retention_attendance_marks 0" in line
    assert sweep(today=DUE).counts["retention_closed_cases"] == 0
    # The wall clock (16 November 2026) is later than DUE; the run used DUE.
    assert Case.objects.filter(pk=world["recent"].pk).exists()
    assert clock.today() > DUE


@pytest.mark.django_db
def test_retention_report_command_lists_what_would_go_and_changes_nothing(
    world: dict[str, Any], capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("retention_report", "--date", DUE.isoformat())

    out = capsys.readouterr().out
    assert "Closed cases, with their tasks, events, flags, notes and enquiries: 1 (anonymise" in out
    assert (
        "Access log: who viewed a child's record: 1 (erase; kept 6 years, dated before 4 March 2020)" in out
    )
    assert Case.objects.count() == 3
    assert RecordView.objects.count() == 1


@pytest.mark.django_db
def test_the_schedule_refuses_a_period_longer_than_its_bound() -> None:
    from django.core.exceptions import ValidationError

    row = RetentionSettings.current()
    assert row.schedule()["closed_cases"] == retention_rules.Period(6, retention_rules.Unit.YEARS)
    row.closed_cases_years = 26
    with pytest.raises(ValidationError) as refused:
        row.full_clean()
    assert "closed_cases_years" in refused.value.message_dict


@pytest.mark.django_db
def test_the_administrators_page_shows_the_dry_run(world: dict[str, Any], frozen_clock: Any) -> None:
    from django.test import Client
    from django.urls import reverse

    client = Client()
    client.force_login(factories.administrator())
    frozen_clock.move_to(dt.datetime(2026, 3, 3, 10, 0, tzinfo=dt.UTC))

    page = client.get(reverse("dataprotection:retention")).content.decode()

    assert "Closed cases, with their tasks, events, flags, notes and enquiries" in page
    for line in retention_report(DUE):
        assert f'<td class="govuk-table__cell govuk-table__cell--numeric">{line.count}</td>' in page
    assert Case.objects.count() == 3  # looking changed nothing
    retention_apply(DUE)
    page = client.get(reverse("dataprotection:retention")).content.decode()
    assert "Recent erasures" in page
    assert '<td class="govuk-table__cell">Messages in people&#x27;s inboxes</td>' in page


def test_a_case_another_record_protects_is_held_even_through_a_hidden_relation() -> None:
    """A closed CME case that opened a home education record is protected by a foreign key with
    no reverse name (related_name="+"): found on the demo data, where the run failed on it."""
    from rollcall.dataprotection.retention import protected_referrers
    from rollcall.health.models import ProvisionReferral
    from rollcall.homeeducation.models import EHESource

    protecting = {model for model, _condition in protected_referrers(Case)}
    assert EHESource in protecting  # cme_case: OneToOneField(..., PROTECT, related_name="+")
    assert ProvisionReferral in protecting  # case: ForeignKey(..., PROTECT, related_name="referrals")


BORN = dt.date(2001, 3, 3)
TWENTY_FIFTH_BIRTHDAY = dt.date(2026, 3, 3)


def _rows_naming(child_id: int) -> dict[str, int]:
    """Every row in the database with a foreign key to this child, history tables included,
    found from the model registry (not from the retention step's own list)."""
    from django.apps import apps

    found: dict[str, int] = {}
    for model in apps.get_models():
        for field in model._meta.fields:
            if field.is_relation and field.related_model is Child:
                count = model._base_manager.filter(**{field.attname: child_id}).count()
                if count:
                    found[f"{model._meta.label}.{field.name}"] = count
    return found


@pytest.fixture
def grown_up(
    council: None, teams: dict[str, Team], inclusion_officer: User, school: School
) -> dict[str, Any]:
    """A child born on 3 March 2001 with the records a child collects: an address, a carer, a
    past school place, an address they moved from, a removal notice and the CME case it opened (closed in 2025, so the
    closed-cases period has not run), a note, an access-log row and a changed record."""
    child = factories.ChildFactory.create(date_of_birth=BORN)
    factories.AddressFactory.create(child=child).delete()  # its change history stays, naming the child
    factories.AddressFactory.create(child=child)
    factories.CarerFactory.create(child=child)
    factories.RollEntryFactory.create(child=child, school=school, on_roll_to=dt.date(2017, 7, 21))
    notice = factories.RemovalNoticeFactory.create(child=child, school=school)
    case = case_open(
        child=child,
        kind="cme",
        team=teams[Team.Kind.INCLUSION],
        source="Removal notice",
        owner=inclusion_officer,
        removal_notice=notice,
        at=dt.datetime(2025, 1, 6, 10, tzinfo=dt.UTC),
    )
    note_add(
        case=case, author=inclusion_officer, text="Moved abroad", at=dt.datetime(2025, 1, 7, tzinfo=dt.UTC)
    )
    case_transition(
        case=case,
        target="closed",
        actor=None,
        outcome="on_roll",
        outcome_details={"school": "Hill School"},
        at=dt.datetime(2025, 1, 8, 10, tzinfo=dt.UTC),
    )
    RecordView.objects.create(user=inclusion_officer, child=child, at=CLOSED, what="Child", path="/")
    child.preferred_name = "Sam"
    child.save()
    return {"child": child, "case": case, "team": teams[Team.Kind.INCLUSION], "officer": inclusion_officer}


@pytest.mark.django_db
def test_a_childs_whole_record_goes_on_their_25th_birthday_leaving_no_row_that_names_them(
    grown_up: dict[str, Any],
) -> None:
    child: Child = grown_up["child"]
    before = _rows_naming(child.pk)
    assert {"people.Address.child", "schools.RemovalNotice.child", "casework.Case.child"} <= set(before)
    assert _counts(TWENTY_FIFTH_BIRTHDAY - dt.timedelta(days=1))["child_records"] == 0
    assert _counts(TWENTY_FIFTH_BIRTHDAY)["child_records"] == 1

    erased = retention_apply(TWENTY_FIFTH_BIRTHDAY)

    assert erased["child_records"] == 1
    assert not Child.objects.filter(pk=child.pk).exists()
    assert not Child.history.filter(id=child.pk).exists()
    assert _rows_naming(child.pk) == {}
    kept = AnonymisedCase.objects.get()  # the case's figures stay, as when a case's own period runs
    assert (kept.kind, kept.outcome, kept.year_group) == ("cme", "on_roll", 19)
    assert Erasure.objects.get(record_type="child_records").count == 1
    assert retention_apply(TWENTY_FIFTH_BIRTHDAY)["child_records"] == 0


@pytest.mark.django_db
def test_a_child_with_an_open_case_or_on_a_roll_is_held_however_old(
    grown_up: dict[str, Any], school: School
) -> None:
    child: Child = grown_up["child"]
    open_case = case_open(
        child=child, kind="cme", team=grown_up["team"], source="Referral", owner=grown_up["officer"]
    )
    line = next(line for line in retention_report(TWENTY_FIFTH_BIRTHDAY) if line.key == "child_records")
    assert (line.count, line.held) == (0, 1)
    assert retention_apply(TWENTY_FIFTH_BIRTHDAY)["child_records"] == 0
    assert Child.objects.filter(pk=child.pk).exists()

    Case.objects.filter(pk=open_case.pk).delete()
    factories.RollEntryFactory.create(child=child, school=school, on_roll_from=dt.date(2025, 9, 1))
    assert _counts(TWENTY_FIFTH_BIRTHDAY)["child_records"] == 0


@pytest.mark.django_db
def test_a_child_another_childs_record_still_needs_is_held_and_the_rest_go(
    grown_up: dict[str, Any],
) -> None:
    """A record merged into a child who is not due (here: born later) keeps that child."""
    child: Child = grown_up["child"]
    younger = factories.ChildFactory.create(date_of_birth=dt.date(2012, 5, 1))
    Child.objects.filter(pk=younger.pk).update(merged_into=child)
    other = factories.ChildFactory.create(date_of_birth=BORN)

    erased = retention_apply(TWENTY_FIFTH_BIRTHDAY)

    assert erased["child_records"] == 1
    assert Child.objects.filter(pk=child.pk).exists()
    assert not Child.objects.filter(pk=other.pk).exists()


@pytest.mark.django_db
def test_records_that_protect_a_childs_records_without_naming_the_child_go_with_them(
    grown_up: dict[str, Any], school: School
) -> None:
    """A permanent exclusion's review steps and budget adjustment point at the exclusion, not the
    child; a prosecution step points at the penalty-notice consideration. They held the whole
    record back (each protects a record about the child) until the step followed them."""
    from rollcall.exclusions.models import (
        BudgetAdjustment,
        Consideration,
        Exclusion,
        ExclusionStep,
        ProsecutionStep,
    )

    child: Child = grown_up["child"]
    officer: User = grown_up["officer"]
    made = {"recorded_by": officer, "recorded_at": CLOSED}
    exclusion = Exclusion.objects.create(
        child=child,
        school=school,
        kind="permanent",
        first_day=dt.date(2015, 3, 2),
        reason="Assault",
        received_at=CLOSED,
        sent_by=officer,
    )
    ExclusionStep.objects.create(
        exclusion=exclusion, step="panel", on=dt.date(2015, 4, 1), outcome="quashed", **made
    )
    reconsidered = ExclusionStep.objects.create(
        exclusion=exclusion, step="reconsidered", on=dt.date(2015, 4, 10), outcome="upheld", **made
    )
    BudgetAdjustment.objects.create(
        exclusion=exclusion, step=reconsidered, school=school, amount=4000, on=dt.date(2015, 4, 10), **made
    )
    consideration = Consideration.objects.create(
        child=child,
        academic_year=2014,
        term="spring",
        reached_on=dt.date(2015, 3, 2),
        sessions=10,
        window_start=dt.date(2015, 1, 5),
        schools=[school.urn],
        created_at=CLOSED,
    )
    ProsecutionStep.objects.create(
        consideration=consideration, step="referred", on=dt.date(2015, 6, 1), **made
    )

    erased = retention_apply(TWENTY_FIFTH_BIRTHDAY)

    assert erased["child_records"] == 1
    assert _rows_naming(child.pk) == {}
    assert not ExclusionStep.objects.exists()
    assert not BudgetAdjustment.objects.exists()
    assert not ProsecutionStep.objects.exists()
    assert not Consideration.objects.exists()
