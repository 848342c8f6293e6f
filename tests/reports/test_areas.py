"""Home education, exclusions, sixth-day provision and penalty notices on the reports (issues 15
and 16): every figure worked out by hand from a few records around March 2026, the month edge in
England, the quarter split by month, and the hub profile's suppression."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from rollcall.accounts.models import Team, User
from rollcall.casework.models import Case
from rollcall.exclusions.models import (
    BudgetAdjustment,
    Consideration,
    Exclusion,
    ExclusionStep,
    PenaltyNotice,
    ProsecutionStep,
)
from rollcall.homeeducation.models import EHERecord, SAONotice
from rollcall.reports import areas
from rollcall.rules.reporting import SMALL, month, quarter
from tests import factories
from tests.reports.conftest import Council, D, at, make_case
from tests.reports.helpers import read_page

pytestmark = pytest.mark.django_db

MARCH = month(2026, 3)
Q4 = quarter(2025, 4)


def _record(council: Council, opened: dt.date, source: str, reason: str = "", **case: object) -> EHERecord:
    made = make_case("ehe", council.teams[Team.Kind.INCLUSION], council.officer, opened, **case)  # type: ignore[arg-type]
    return EHERecord.objects.create(
        child=made.child, case=made, source=source, reason=reason, created_at=at(opened)
    )


def _exclusion(
    council: Council,
    kind: str,
    received: dt.datetime,
    *,
    sixth: dt.date | None = None,
    provision: dt.date | None = None,
    school_arranges: bool = False,
) -> Exclusion:
    return Exclusion.objects.create(
        child=factories.ChildFactory.create(),
        school=council.school,
        kind=kind,
        first_day=received.date(),
        reason="Invented for the test",
        received_at=received,
        sent_by=council.officer,
        sixth_day=sixth,
        provision_from=provision,
        school_arranges_sixth_day=school_arranges,
    )


def _consideration(
    user: User, reached: dt.date, decision: str = "", decided: dt.datetime | None = None
) -> Consideration:
    return Consideration.objects.create(
        child=factories.ChildFactory.create(),
        academic_year=2025,
        term="spring",
        reached_on=reached,
        sessions=10,
        window_start=reached - dt.timedelta(days=70),
        created_at=at(reached),
        decision=decision,
        decided_by=user if decision else None,
        decided_at=decided,
    )


def _budget_adjustment(council: Council, on: dt.date, amount: int) -> BudgetAdjustment:
    """A permanent exclusion received in October 2025 (outside the periods' exclusion counts) whose
    board, reconsidering after a quashing panel, did not reinstate on ``on``."""
    exclusion = _exclusion(council, Exclusion.Kind.PERMANENT, at(D(2025, 10, 1)))
    step = ExclusionStep.objects.create(
        exclusion=exclusion,
        step="reconsidered",
        on=on,
        outcome="upheld",
        recorded_by=council.officer,
        recorded_at=at(on),
    )
    return BudgetAdjustment.objects.create(
        exclusion=exclusion,
        step=step,
        school=council.school,
        amount=amount,
        on=on,
        recorded_by=council.officer,
        recorded_at=at(on),
    )


@pytest.fixture
def area_records(council: Council) -> Council:
    ehe = EHERecord.Source
    _record(council, D(2026, 3, 2), ehe.PARENT, EHERecord.Reason.MENTAL_HEALTH)
    _record(council, D(2026, 3, 31), ehe.OFFICER)
    closing = _record(
        council,
        D(2026, 2, 10),
        ehe.REMOVAL,
        EHERecord.Reason.BULLYING,
        closed_at=at(D(2026, 3, 15)),
        outcome="on_roll",
    )
    _record(council, D(2026, 4, 1), ehe.PARENT, EHERecord.Reason.MENTAL_HEALTH)
    sao = make_case(
        "sao", council.teams[Team.Kind.INCLUSION], council.officer, D(2026, 1, 15), child=closing.child
    )
    for step, served in (("informal_enquiry", D(2026, 1, 20)), ("preliminary_notice", D(2026, 3, 10))):
        SAONotice.objects.create(
            case=sao,
            record=closing,
            step=step,
            served_on=served,
            method="post",
            period_end=served + dt.timedelta(days=14),
            reason="Invented",
            letter_html="<p>Letter</p>",
            served_by=council.officer,
            recorded_at=at(served),
        )

    S, P = Exclusion.Kind.SUSPENSION, Exclusion.Kind.PERMANENT
    _exclusion(council, S, at(D(2026, 3, 5)))
    _exclusion(
        council, S, at(D(2026, 3, 9)), sixth=D(2026, 3, 16), provision=D(2026, 3, 16), school_arranges=True
    )
    # 23:30 on 31 March in England is 22:30 UTC: March in England.
    _exclusion(council, P, at(D(2026, 3, 31), 23, 30), sixth=D(2026, 4, 10))
    _exclusion(council, P, at(D(2026, 2, 3)), sixth=D(2026, 2, 10), provision=D(2026, 2, 10))
    _exclusion(council, P, at(D(2026, 3, 2)), sixth=D(2026, 3, 9), provision=D(2026, 3, 12))
    _exclusion(council, P, at(D(2026, 3, 12)), sixth=D(2026, 3, 20))
    # 00:30 on 1 April in England (23:30 UTC on 31 March): April, not counted.
    _exclusion(council, S, at(D(2026, 4, 1), 0, 30))

    D_ = Consideration.Decision
    _consideration(council.officer, D(2026, 3, 3), D_.NOTICE_TO_IMPROVE, at(D(2026, 3, 10)))
    fined = _consideration(council.officer, D(2026, 2, 5), D_.PENALTY_NOTICE, at(D(2026, 2, 20)))
    _consideration(council.officer, D(2026, 3, 25))
    # Reached in March, decided in April: undecided at the end of March.
    _consideration(council.officer, D(2026, 3, 26), D_.NO_ACTION, at(D(2026, 4, 2)))
    PenaltyNotice.objects.create(
        consideration=fined,
        child=fined.child,
        parent_name="Invented Parent",
        issued_on=D(2026, 2, 25),
        received_on=D(2026, 2, 27),
        number=1,
        reduced_amount=80,
        reduced_by=D(2026, 3, 19),
        amount=160,
        pay_by=D(2026, 3, 26),
        paid_on=D(2026, 3, 5),
        paid_amount=80,
        issued_by=council.officer,
    )
    for step, on in (
        ("referred", D(2026, 2, 27)),
        ("eso_considered", D(2026, 3, 2)),
        ("case_prepared", D(2026, 3, 9)),
    ):
        ProsecutionStep.objects.create(
            consideration=fined, step=step, on=on, recorded_by=council.officer, recorded_at=at(on)
        )
    # Budget adjustments: one in February, two in March (one at the council's changed amount), one
    # in April (not counted).
    _budget_adjustment(council, D(2026, 2, 20), 4000)
    _budget_adjustment(council, D(2026, 3, 2), 4000)
    _budget_adjustment(council, D(2026, 3, 31), 4250)
    _budget_adjustment(council, D(2026, 4, 1), 4000)
    return council


def _row(table: object, label: str) -> tuple[object, ...]:
    for row in table.rows:  # type: ignore[attr-defined]
        if row[0] == label:
            return tuple(row[1:])
    raise AssertionError(label)


def test_home_education_in_march_is_counted_by_hand(area_records: Council) -> None:
    f = areas.ehe_figures(MARCH, D(2026, 3, 31))
    assert f.months == ("March 2026",)
    assert (f.opened, f.closed) == ((2,), (1,))
    # Open at the end of March: the two opened in March (the February one closed on the 15th).
    assert f.open_at_end == (2,)
    sources = dict(f.by_source)
    assert sources[EHERecord.Source.PARENT.label] == (1,)
    assert sources[EHERecord.Source.OFFICER.label] == (1,)
    assert sources[EHERecord.Source.REMOVAL.label] == (0,)
    reasons = dict(f.by_reason)
    assert reasons[EHERecord.Reason.MENTAL_HEALTH.label] == (1,)
    assert reasons[EHERecord.Reason.NOT_KNOWN.label] == (1,)
    assert reasons[EHERecord.Reason.BULLYING.label] == (0,)
    assert dict(f.outcomes)["Registered at a school"] == 1
    assert sum(n for _l, n in f.outcomes) == 1
    assert dict(f.notices) == {
        "Informal enquiry": 0,
        "Preliminary notice (s.437(1))": 1,
        "Notice of intention (s.438)": 0,
        "School attendance order (s.437(3))": 0,
        "Amended school attendance order (s.440)": 0,
    }


def test_the_quarter_is_split_by_month(area_records: Council) -> None:
    f = areas.ehe_figures(Q4, D(2026, 3, 31))
    assert f.months == ("January 2026", "February 2026", "March 2026")
    assert f.opened == (0, 1, 2)  # the attendance-order case of January is not a record
    assert dict(f.by_reason)[EHERecord.Reason.BULLYING.label] == (0, 1, 0)
    assert dict(f.notices)["Informal enquiry"] == 1
    e = areas.enforcement_figures(Q4, D(2026, 3, 31))
    assert e.permanent == (0, 1, 3)
    assert e.suspensions == (0, 0, 2)
    assert e.council_sixth_day.on_time == 1  # February's, arranged on the sixth day


def test_exclusions_sixth_day_and_penalty_stages_in_march(area_records: Council) -> None:
    e = areas.enforcement_figures(MARCH, D(2026, 3, 31))
    assert (e.suspensions, e.permanent) == ((2,), (3,))
    assert (e.suspended_children, e.excluded_children) == (2, 3)
    council = e.council_sixth_day
    assert (council.due, council.on_time, council.late, council.not_recorded) == (2, 0, 1, 1)
    school = e.school_sixth_day
    assert (school.due, school.on_time, school.late, school.not_recorded) == (1, 1, 0, 0)
    stages = dict(e.stages)
    assert stages["Consideration opened (threshold or a school's request)"] == (3,)
    assert stages["Decided: notice to improve"] == (1,)
    assert stages["Decided: penalty notice"] == (0,)
    assert stages["Decided: no action"] == (0,)
    assert stages["Penalty notices issued"] == (0,)
    assert stages["Penalty notices paid"] == (1,)
    assert stages["Prosecution: referred for prosecution"] == (0,)  # in February
    assert stages["Prosecution: education supervision order considered"] == (1,)
    assert stages["Prosecution: case prepared"] == (1,)
    assert stages["Prosecution: convicted"] == (0,)
    assert e.undecided_at_end == 2
    assert (e.budget_adjustments, e.budget_adjustment_pounds) == ((2,), (8250,))


def test_budget_adjustments_are_split_by_month_and_shown(area_records: Council) -> None:
    e = areas.enforcement_figures(Q4, D(2026, 3, 31))
    assert e.budget_adjustments == (0, 1, 2)
    assert e.budget_adjustment_pounds == (0, 4000, 8250)
    # On 30 March the adjustment of the 31st was not yet recorded.
    e = areas.enforcement_figures(MARCH, D(2026, 3, 30))
    assert (e.budget_adjustments, e.budget_adjustment_pounds) == ((1,), (4000,))
    client = Client()
    client.force_login(area_records.head)
    _shown, tables = read_page(client.get("/reports/quarterly/?period=2025-26-Q4").content.decode())
    rows = tables["budget-adjustments"]
    assert rows[0][1:] == ["January 2026", "February 2026", "March 2026", "Period"]
    assert rows[1:] == [
        ["Adjustments", "0", "1", "2", "3"],
        ["Total, in pounds", "0", "4,000", "8,250", "12,250"],
    ]
    _shown, tables = read_page(client.get("/reports/monthly/?period=2026-03").content.decode())
    assert tables["budget-adjustments"][1:] == [
        ["Adjustments", "2", "2"],
        ["Total, in pounds", "8,250", "8,250"],
    ]


def test_provision_recorded_after_the_as_at_day_is_not_counted_yet(area_records: Council) -> None:
    # On 10 March the late provision (from 12 March) had not been recorded as started.
    e = areas.enforcement_figures(MARCH, D(2026, 3, 10))
    assert (e.council_sixth_day.due, e.council_sixth_day.not_recorded, e.council_sixth_day.late) == (1, 1, 0)


def test_the_monthly_and_scrutiny_pages_show_the_tables(area_records: Council) -> None:
    client = Client()
    client.force_login(area_records.head)
    _shown, tables = read_page(client.get("/reports/monthly/?period=2026-03").content.decode())
    assert ["Records opened", "2", "2"] in tables["ehe-month"]
    assert ["The council (permanent exclusions)", "2", "0", "1", "1"] in tables["sixth-day"]
    assert ["Permanent exclusions", "3", "3"] in tables["exclusions-month"]
    _shown, tables = read_page(client.get("/reports/quarterly/?period=2025-26-Q4").content.decode())
    assert tables["ehe-month"][0][1:] == ["January 2026", "February 2026", "March 2026", "Period"]
    assert ["Permanent exclusions", "0", "1", "3", "4"] in tables["exclusions-month"]
    assert "penalty-stages" in tables


def test_the_hub_profile_suppresses_the_small_counts(area_records: Council) -> None:
    client = Client()
    client.force_login(area_records.head)
    _shown, tables = read_page(client.get("/reports/hub-profile/?period=2025-26-Q4").content.decode())
    exclusions = {row[0]: row[1] for row in tables["exclusions"][1:]}
    # 2 suspensions and 4 permanent exclusions in the quarter: both under 5, both withheld.
    assert exclusions["Suspensions"] == SMALL
    assert exclusions["Permanent exclusions"] == SMALL
    assert "2" not in exclusions.values()
    assert "4" not in exclusions.values()
    # 3 budget adjustments in the quarter: withheld, and no total in pounds to give them away.
    assert tables["budget-adjustments"][1:] == [["Adjustments", SMALL]]
    assert "12,250" not in str(tables)
    assert "12250" not in str(tables)
    reasons = {row[0]: row[1] for row in tables["ehe-reason"][1:]}
    assert reasons["Mental health"] == SMALL
    assert reasons["Religious or cultural reasons"] == "0"


def test_a_school_user_cannot_read_the_figures(area_records: Council) -> None:
    client = Client()
    client.force_login(factories.school_user(area_records.school, username="school.reader"))
    assert client.get("/reports/monthly/?period=2026-03").status_code == 403


def test_the_area_figures_take_a_fixed_number_of_queries(area_records: Council) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        areas.ehe_figures(Q4, D(2026, 3, 31))
        areas.enforcement_figures(Q4, D(2026, 3, 31))
    for _ in range(20):
        _record(area_records, D(2026, 3, 3), EHERecord.Source.PARENT)
        _exclusion(area_records, Exclusion.Kind.PERMANENT, at(D(2026, 3, 4)), sixth=D(2026, 3, 11))
    with CaptureQueriesContext(connection) as many:
        areas.ehe_figures(Q4, D(2026, 3, 31))
        areas.enforcement_figures(Q4, D(2026, 3, 31))
    assert len(few.captured_queries) == len(many.captured_queries)
    assert Case.objects.filter(kind="ehe").count() >= 24


def test_home_education_outcomes_are_split_by_month(area_records: Council) -> None:
    f = areas.ehe_figures(Q4, D(2026, 3, 31))
    by_month = dict(f.outcomes_by_month)
    on_roll = next(label for label, n in f.outcomes if n == 1)
    assert by_month[on_roll] == (0, 0, 1)  # closed on 15 March
    assert sum(sum(values) for values in by_month.values()) == sum(n for _l, n in f.outcomes)
    client = Client()
    client.force_login(area_records.head)
    _shown, tables = read_page(client.get("/reports/quarterly/?period=2025-26-Q4").content.decode())
    assert tables["ehe-outcome"][0][1:] == ["January 2026", "February 2026", "March 2026", "Period"]
    assert [on_roll, "0", "0", "1", "1"] in tables["ehe-outcome"]
