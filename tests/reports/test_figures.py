"""Every figure of every report, checked against its definition on the hand-built council in
conftest.py, for a past period (March 2026, Q4 2025/26) and for the period running today."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.casework.calendar import council_calendar
from rollcall.reports import figures
from rollcall.rules.reporting import SECONDARY, SMALL, academic_year, month, quarter
from tests.reports.conftest import Council, D, at, make_case

pytestmark = pytest.mark.django_db

TODAY = D(2026, 11, 16)
MARCH = month(2026, 3)
NOVEMBER = month(2026, 11)
Q4 = quarter(2025, 4)


def _kind(f: figures.MonthlyFigures, label: str) -> int:
    return f.kinds.index(label)


def _open(f: figures.MonthlyFigures, kind: str, team: str) -> int:
    return f.open_by_kind_team[_kind(f, kind)][f.teams.index(team)]


# ---- monthly ---------------------------------------------------------------------------------


def test_last_march_shows_the_cases_open_at_the_end_of_march_by_kind_and_team(council: Council) -> None:
    f = figures.monthly_figures(MARCH, today=TODAY)
    assert f.as_at == D(2026, 3, 31)
    assert f.complete is True
    # Open at the end of 31 March: Cal (c3) and Dee (c4), CME; Fay (c6, closed at 00:30 on
    # 1 April in England), health; Wyn (c7) and Vic (c11), waiting.
    assert _open(f, "Child missing education", "Inclusion (children missing education)") == 2
    assert _open(f, "Health needs", "Access to Education") == 1
    assert _open(f, "Waiting for a place", "Admissions") == 2
    assert f.open_total == 5


def test_last_march_counts_cases_opened_and_closed_in_march(council: Council) -> None:
    f = figures.monthly_figures(MARCH, today=TODAY)
    cme, health = _kind(f, "Child missing education"), _kind(f, "Health needs")
    waiting = _kind(f, "Waiting for a place")
    # Opened: Ben, Cal, Dee (CME); Fay (health); Vic (waiting).
    assert (f.opened_by_kind[cme], f.opened_by_kind[health], f.opened_by_kind[waiting]) == (3, 1, 1)
    assert f.opened == 5
    # Closed: Ada and Ben (CME); Eve at 23:30 on 31 March (health); Uma (waiting).
    assert (f.closed_by_kind[cme], f.closed_by_kind[health], f.closed_by_kind[waiting]) == (2, 1, 1)
    assert f.closed == 4


def test_overdue_tasks_at_the_end_of_march_are_those_due_before_and_unfinished_that_night(
    council: Council,
) -> None:
    f = figures.monthly_figures(MARCH, today=TODAY)
    # t1 (Cal, due 20 March, open), t3 (Fay, due 30 March, done 1 April) and t9 (Wyn, due
    # 5 January, done 20 April). Not t2 (due on the day), t4 (done on 31 March), t5 (created in
    # April) or t6 (cancelled on 5 March).
    assert f.overdue_tasks_by_kind[_kind(f, "Child missing education")] == 1
    assert f.overdue_tasks_by_kind[_kind(f, "Health needs")] == 1
    assert f.overdue_tasks_by_kind[_kind(f, "Waiting for a place")] == 1
    assert f.overdue_tasks == 3


def test_escalations_count_the_rungs_reached_in_the_month(council: Council) -> None:
    march = figures.monthly_figures(MARCH, today=TODAY)
    assert dict(march.escalations) == {"Team manager": 1, "Head of service": 0, "Exceptions report": 2}
    november = figures.monthly_figures(NOVEMBER, today=TODAY)
    assert dict(november.escalations) == {"Team manager": 1, "Head of service": 1, "Exceptions report": 1}


def test_school_days_to_resolution_are_the_nearest_rank_median_and_90th_percentile(council: Council) -> None:
    calendar = council_calendar()
    f = figures.monthly_figures(MARCH, today=TODAY)
    ada = calendar.school_days_between(D(2026, 2, 10), D(2026, 3, 5))
    ben = calendar.school_days_between(D(2026, 3, 2), D(2026, 3, 20))
    eve = calendar.school_days_between(D(2026, 1, 5), D(2026, 3, 31))
    uma = calendar.school_days_between(D(2026, 2, 1), D(2026, 3, 15))
    days = sorted([ada, ben, eve, uma])
    assert f.resolution.closed == 4
    assert f.resolution.median == days[1]  # rank ceil(0.5 x 4) = 2
    assert f.resolution.p90 == days[3]  # rank ceil(0.9 x 4) = 4
    cme = f.resolution_by_kind[_kind(f, "Child missing education")]
    assert (cme.closed, cme.median, cme.p90) == (2, min(ada, ben), max(ada, ben))
    assert f.resolution_by_kind[_kind(f, "Removal from roll")].median is None


def test_the_invariant_for_a_past_month_is_the_last_sweep_s_record_in_it(council: Council) -> None:
    f = figures.monthly_figures(MARCH, today=TODAY)
    assert (f.invariant.count, f.invariant.on) == (1, D(2026, 3, 31))
    assert figures.monthly_figures(month(2026, 2), today=TODAY).invariant.count is None


def test_the_invariant_this_month_is_the_sweep_s_own_check_now(council: Council) -> None:
    f = figures.monthly_figures(NOVEMBER, today=TODAY)
    # Yan was removed with no destination, is on no roll and has no case: the one breach.
    assert (f.invariant.count, f.invariant.on) == (1, TODAY)
    make_case("cme", council.teams["inclusion"], council.officer, TODAY, child=council.children["Yan"])
    assert figures.monthly_figures(NOVEMBER, today=TODAY).invariant.count == 0


def test_this_month_so_far(council: Council) -> None:
    f = figures.monthly_figures(NOVEMBER, today=TODAY)
    assert (f.as_at, f.complete) == (TODAY, False)
    # Open now: Cal (c3), Ivy (c9), Zak (c8), Wyn (c7), Vic (c11).
    assert f.open_total == 5
    assert (f.opened, f.closed) == (2, 1)  # Ivy and Jo opened; Jo closed
    # Overdue now: t1 and t5 (Cal), t7 (Ivy).
    assert f.overdue_tasks == 3


def test_an_officer_s_monthly_report_counts_their_own_teams_only(council: Council) -> None:
    f = figures.monthly_figures(MARCH, today=TODAY, teams=council.officer.team_ids)
    assert f.teams == ("Inclusion (children missing education)",)
    assert f.open_total == 2
    assert (f.opened, f.closed, f.overdue_tasks) == (3, 2, 1)
    assert dict(f.escalations)["Team manager"] == 1


def test_a_period_that_has_not_started_has_no_figures(council: Council) -> None:
    with pytest.raises(ValueError, match="not started"):
        figures.monthly_figures(month(2026, 12), today=TODAY)


def test_a_case_closed_just_after_midnight_in_england_closes_on_the_next_day(council: Council) -> None:
    case = make_case("cme", council.teams["inclusion"], council.officer, D(2026, 5, 1))
    case.closed_at = at(D(2026, 6, 1), 0, 10)  # 23:10 UTC on 31 May
    case.status, case.outcome = "closed", "on_roll"
    case.next_action_due = None
    case.save()
    may = figures.monthly_figures(month(2026, 5), today=TODAY)
    june = figures.monthly_figures(month(2026, 6), today=TODAY)
    assert may.closed_by_kind[_kind(may, "Child missing education")] == 0
    assert june.closed_by_kind[_kind(june, "Child missing education")] == 1


# ---- quarterly -------------------------------------------------------------------------------


def test_cme_flows_in_q4_add_up(council: Council) -> None:
    f = figures.quarterly_figures(Q4, today=TODAY)
    cme = f.cme
    assert (cme.open_at_start, cme.opened, cme.closed, cme.open_at_end) == (0, 4, 2, 2)
    assert cme.open_at_start + cme.opened - cme.closed == cme.open_at_end
    assert dict(cme.outcomes)["Back on roll at a school"] == 1
    assert dict(cme.outcomes)["Other"] == 1
    assert sum(n for _l, n in cme.outcomes) == cme.closed
    calendar = council_calendar()
    days = sorted(
        [
            calendar.school_days_between(D(2026, 2, 10), D(2026, 3, 5)),
            calendar.school_days_between(D(2026, 3, 2), D(2026, 3, 20)),
        ]
    )
    assert (cme.resolution.median, cme.resolution.p90) == (days[0], days[1])
    # Cal (15 school days by 31 March) and Dee (4): both up to 20 school days.
    assert dict(cme.open_time_bands)["Up to 20 school days"] == 2


def test_health_flows_in_q4(council: Council) -> None:
    health = figures.quarterly_figures(Q4, today=TODAY).health
    assert (health.open_at_start, health.opened, health.closed, health.open_at_end) == (0, 2, 1, 1)
    assert dict(health.outcomes)["Back in school with a reintegration plan"] == 1


def test_the_quarter_running_today(council: Council) -> None:
    f = figures.quarterly_figures(quarter(2026, 3), today=TODAY)
    assert f.as_at == TODAY
    # Cal has been open since March; Ivy opened in November.
    assert (f.cme.open_at_start, f.cme.opened, f.cme.closed, f.cme.open_at_end) == (1, 1, 0, 2)
    assert dict(f.cme.open_time_bands)["More than 60 school days"] == 1


def test_removals_with_no_destination_in_q4(council: Council) -> None:
    r = figures.quarterly_figures(Q4, today=TODAY).removals
    # Received in Q4: Nia (no destination, back on a roll from 1 March), Noa (destination), Dee
    # (23:00 on 31 March, possibly unlawful), Yan. Zak's came at 00:30 on 1 April.
    assert (r.notices, r.no_destination, r.possibly_unlawful, r.no_destination_on_roll_at_end) == (4, 3, 1, 1)
    assert sum(n for _g, n in r.no_destination_by_ground) == 3


def test_vulnerable_applicants_checked_off_and_not_in_q4(council: Council) -> None:
    v = figures.quarterly_figures(Q4, today=TODAY).vulnerable
    # Sent in Q4: R1 (checked off), R2 (referred), R3 (waiting, overdue), R4 (waiting; checked
    # off in April). R5 was sent in December and checked off in May; R6 is not vulnerable.
    assert (v.sent, v.checked_off, v.referred_cme, v.not_checked_off) == (4, 1, 1, 2)
    assert (v.waiting_at_end, v.overdue_at_end) == (3, 2)


def test_fair_access_in_q4(council: Council) -> None:
    fa = figures.quarterly_figures(Q4, today=TODAY).fair_access
    assert (fa.referred, fa.allocated, fa.allocated_in_time, fa.admitted, fa.not_accepted) == (4, 2, 1, 1, 1)
    # Waiting at the end: F3 (due 13 April) and F5 (due 1 December, allocated in April).
    assert (fa.waiting_at_end, fa.overdue_at_end) == (2, 1)


def test_the_trend_covers_eight_quarters_ending_with_the_chosen_one(council: Council) -> None:
    trend = figures.quarterly_figures(Q4, today=TODAY).trend
    assert [t.period for t in trend][-1] == Q4
    assert trend[0].period == quarter(2024, 1)
    last, before = trend[-1], trend[-2]
    assert (last.cme_opened, last.cme_closed, last.cme_open_at_end) == (4, 2, 2)
    assert (last.health_opened, last.health_open_at_end) == (2, 1)
    assert (last.removals_no_destination, last.fair_access_referred, last.vulnerable_sent) == (3, 4, 4)
    # Q3 2025/26: F5 taken in on 1 November, R5 sent on 1 December; nothing else.
    assert (before.fair_access_referred, before.vulnerable_sent, before.cme_opened) == (1, 1, 0)
    assert all(t.cme_opened == 0 for t in trend[:-1])


def test_action_plan_progress_is_read_from_the_action_plans_selectors(
    council: Council, monkeypatch: pytest.MonkeyPatch
) -> None:
    from rollcall.actionplans import selectors

    class Progress:
        reference = "22 001 234"
        title = "Delay in providing education"
        by_status = {"complete": 3, "in_progress": 1, "not_started": 0, "not_stated": 0}
        by_rag = {"red": 0, "amber": 1, "green": 3, "": 0}

    asked = []

    def progress(as_of: dt.date, **_kw: object) -> list[Progress]:
        asked.append(as_of)
        return [Progress()]

    monkeypatch.setattr(selectors, "progress", progress)
    plans = figures.quarterly_figures(Q4, today=TODAY).action_plans
    assert asked == [D(2026, 3, 31)]
    assert plans.available is True
    (complaint,) = plans.complaints
    assert complaint.reference == "22 001 234"
    assert complaint.actions == 4
    assert dict(complaint.by_status)["Complete"] == 3
    assert dict(complaint.by_rag)["Green"] == 3
    assert dict(complaint.by_rag)["Not rated"] == 0


# ---- exceptions ------------------------------------------------------------------------------


def test_today_s_exceptions_are_the_open_cases_at_the_top_of_the_ladder(council: Council) -> None:
    f = figures.exceptions_figures(TODAY, today=TODAY)
    assert f.exact is True
    (row,) = f.rows
    assert (row.reference, row.child, row.on_report_since) == (
        f"CME-{council.cases['c9'].pk:06d}",
        "Ivy Testchild",
        D(2026, 11, 12),
    )
    assert row.overdue_since == D(2026, 11, 3)


def test_exceptions_at_the_end_of_march_are_rebuilt_from_escalations_and_tasks(council: Council) -> None:
    f = figures.exceptions_figures(D(2026, 3, 31), today=TODAY)
    assert f.exact is False
    # Wyn's task due 5 January was still unfinished on 31 March, well past 20 school days. Dee's
    # case had reached the report but its only unfinished task was due that day: not listed.
    assert [r.child for r in f.rows] == ["Wyn Testchild"]
    assert f.rows[0].school_days_overdue >= 20
    assert f.rows[0].on_report_since == D(2026, 3, 2)


def test_exceptions_follow_the_team_scope(council: Council) -> None:
    assert figures.exceptions_figures(TODAY, today=TODAY, teams={council.teams["access"].pk}).rows == ()


# ---- unknown destinations, deferred places, waiting ------------------------------------------


def test_unknown_destinations_in_march(council: Council) -> None:
    f = figures.unknown_destinations_figures(MARCH, today=TODAY)
    assert (f.notices, f.unknown, f.back_on_roll, f.with_open_case, f.case_closed, f.neither) == (
        3,
        2,
        0,
        1,
        0,
        1,
    )
    assert [r.child for r in f.rows] == ["Yan Testchild", "Dee Testchild"]
    assert f.by_school == (("Moorside Academy", 2),)


def test_a_child_whose_case_closed_after_the_notice_is_followed_up_not_lost(council: Council) -> None:
    from rollcall.casework.models import Case

    followed = next(
        r for r in figures.unknown_destinations_figures(MARCH, today=TODAY).rows if r.open_case_at_end
    )
    Case.objects.filter(child_id=followed.child_id).update(
        closed_at=at(D(2026, 3, 31), 23, 30), outcome="ehe"
    )

    f = figures.unknown_destinations_figures(MARCH, today=TODAY)
    assert (f.with_open_case, f.case_closed, f.neither) == (0, 1, 1)
    # A case closed before the notice arrived does not count as following it up.
    Case.objects.filter(child_id=followed.child_id).update(closed_at=at(D(2026, 1, 5)))
    f = figures.unknown_destinations_figures(MARCH, today=TODAY)
    assert (f.case_closed, f.neither) == (0, 2)


def test_unknown_destinations_in_february_are_where_the_children_were_at_the_end_of_february(
    council: Council,
) -> None:
    f = figures.unknown_destinations_figures(month(2026, 2), today=TODAY)
    # Nia joined a roll on 1 March: at the end of February she was on none, with no case.
    assert (f.notices, f.unknown, f.back_on_roll, f.neither) == (1, 1, 0, 1)
    assert f.rows[0].child == "Nia Testchild"


def test_deferred_places_for_last_school_year_as_checked_by_its_end(council: Council) -> None:
    f = figures.deferred_places_figures(academic_year(2025), today=TODAY)
    assert (f.places, f.due_by_end, f.started, f.not_started, f.not_checked) == (3, 3, 1, 1, 1)
    by_month = dict(f.by_month)
    assert (by_month["September 2025"], by_month["January 2026"], by_month["April 2026"]) == (1, 1, 1)
    assert len(f.by_month) == 12


def test_deferred_places_this_school_year_so_far(council: Council) -> None:
    f = figures.deferred_places_figures(academic_year(2026), today=TODAY)
    assert (f.places, f.due_by_end, f.started, f.not_checked) == (2, 1, 1, 0)


def test_children_waiting_at_the_end_of_march(council: Council) -> None:
    f = figures.waiting_figures(MARCH, today=TODAY)
    # Wyn: waiting since 1 December. Vic is on a roll from 20 March; Uma's case closed on 15 March.
    assert f.waiting == 1
    (row,) = f.rows
    assert row.child == "Wyn Testchild"
    assert row.school_days == council_calendar().school_days_between(D(2025, 12, 1), D(2026, 3, 31))
    assert dict(f.by_wait)["More than 20 school days"] == 1
    assert dict(f.by_age)["11 to 15"] == 1
    assert f.median_days == f.p90_days == row.school_days


def test_children_waiting_at_the_end_of_february_include_vic(council: Council) -> None:
    f = figures.waiting_figures(month(2026, 2), today=TODAY)
    # Uma (opened 1 February, closed 15 March) and Wyn; Vic's case opened on 1 March.
    assert sorted(r.child for r in f.rows) == ["Uma Testchild", "Wyn Testchild"]


# ---- dashboard -------------------------------------------------------------------------------


def test_the_dashboard_shows_today_and_twelve_months(council: Council) -> None:
    f = figures.dashboard_figures(today=TODAY)
    assert (f.exceptions, f.waiting) == (1, 1)  # Ivy; Wyn (Vic is on a roll)
    assert f.month.open_total == 5
    assert len(f.trend) == 12
    assert f.trend[-1].period == NOVEMBER
    march = next(t for t in f.trend if t.period == MARCH)
    assert (march.opened, march.closed, march.open_at_end) == (5, 4, 5)


# ---- hub profile -----------------------------------------------------------------------------


def test_the_hub_profile_counts_children_with_a_case_in_the_period_and_suppresses_small_numbers(
    council: Council,
) -> None:
    f = figures.hub_profile_figures(Q4, today=TODAY)
    # With a case open at some time in Q4: Ada, Ben, Cal, Dee, Eve, Fay, Wyn, Vic, Uma: 9.
    assert f.children == 9
    ages = dict(zip(f.by_age.labels, f.by_age.counts, strict=True))
    # Vic (born 2018) is the one 5 to 10: shown as "<5", so the 8 aged 11 to 15 (born 1 May
    # 2014) are withheld too, or 9 - 8 would give Vic away.
    assert ages["5 to 10"] == SMALL
    assert ages["11 to 15"] == SECONDARY
    assert ages["Under 5"] == 0
    characteristics = dict(zip(f.by_characteristic.labels, f.by_characteristic.counts, strict=True))
    # Cal's latest application says SEN (1 child: suppressed); the older "low attendance" does not count.
    assert characteristics["Does the child have SEN support or an EHC plan"] == SMALL
    assert characteristics["Is or was the child's attendance low"] == 0
