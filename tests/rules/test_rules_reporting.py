"""Reporting periods, nearest-rank percentiles, age bands, postcode districts and suppression."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rollcall.rules.reporting import (
    AGE_BANDS,
    NOT_KNOWN_AREA,
    SECONDARY,
    SMALL,
    PeriodKind,
    academic_year,
    age_band,
    age_on,
    financial_year,
    financial_year_of,
    last_complete,
    median,
    month,
    parse_period,
    percentile,
    period_containing,
    postcode_district,
    quarter,
    recent,
    suppress,
    trailing,
)

# ---- periods ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("number", "start", "end"),
    [
        (1, date(2025, 4, 1), date(2025, 6, 30)),
        (2, date(2025, 7, 1), date(2025, 9, 30)),
        (3, date(2025, 10, 1), date(2025, 12, 31)),
        (4, date(2026, 1, 1), date(2026, 3, 31)),
    ],
)
def test_financial_quarters_run_from_april(number: int, start: date, end: date) -> None:
    q = quarter(2025, number)
    assert (q.start, q.end, q.quarter_number) == (start, end, number)


def test_quarter_four_ends_on_the_last_day_of_march_in_a_leap_year() -> None:
    assert quarter(2027, 4).end == date(2028, 3, 31)
    assert month(2028, 2).end == date(2028, 2, 29)
    assert month(2027, 2).end == date(2027, 2, 28)


@pytest.mark.parametrize("number", [0, 5, -1])
def test_there_are_only_four_quarters(number: int) -> None:
    with pytest.raises(ValueError, match="no quarter"):
        quarter(2025, number)


@pytest.mark.parametrize("number", [0, 13])
def test_there_are_only_twelve_months(number: int) -> None:
    with pytest.raises(ValueError, match="no month"):
        month(2025, number)


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 3, 31), 2025),
        (date(2026, 4, 1), 2026),
        (date(2026, 1, 1), 2025),
        (date(2026, 12, 31), 2026),
    ],
)
def test_the_financial_year_starts_on_1_april(day: date, year: int) -> None:
    assert financial_year_of(day) == year
    assert financial_year(year).contains(day)


def test_the_school_year_runs_september_to_august() -> None:
    year = academic_year(2025)
    assert (year.start, year.end) == (date(2025, 9, 1), date(2026, 8, 31))
    assert period_containing(PeriodKind.ACADEMIC_YEAR, date(2026, 8, 31)) == year
    assert period_containing(PeriodKind.ACADEMIC_YEAR, date(2026, 9, 1)) == academic_year(2026)


@pytest.mark.parametrize(
    ("key", "label"),
    [
        ("2026-03", "March 2026"),
        ("2025-26-Q4", "Q4 2025/26 (January to March 2026)"),
        ("2026-27-Q1", "Q1 2026/27 (April to June 2026)"),
        ("FY2025-26", "Financial year 2025/26 (April 2025 to March 2026)"),
        ("AY2025-26", "School year 2025/26 (September 2025 to August 2026)"),
        ("AY1999-00", "School year 1999/00 (September 1999 to August 2000)"),
    ],
)
def test_a_period_key_reads_back_as_the_same_period(key: str, label: str) -> None:
    period = parse_period(key)
    assert period.key == key
    assert period.label == label


@pytest.mark.parametrize(
    "key", ["", "2026-13", "2026-3", "2025-27-Q1", "2025-26-Q5", "FY2025-27", "march", "AY2025"]
)
def test_a_key_that_is_not_a_period_is_refused(key: str) -> None:
    with pytest.raises(ValueError, match=r"reporting period|no month"):
        parse_period(key)


def test_the_last_complete_month_is_the_one_before_today_s() -> None:
    assert last_complete(PeriodKind.MONTH, date(2026, 11, 16)) == month(2026, 10)
    # On the last day of a month the month is still running.
    assert last_complete(PeriodKind.MONTH, date(2026, 11, 30)) == month(2026, 10)
    assert last_complete(PeriodKind.MONTH, date(2026, 1, 1)) == month(2025, 12)


def test_the_last_complete_quarter_crosses_the_financial_year() -> None:
    assert last_complete(PeriodKind.QUARTER, date(2026, 4, 1)) == quarter(2025, 4)
    assert last_complete(PeriodKind.QUARTER, date(2026, 11, 16)) == quarter(2026, 2)


def test_as_at_is_the_period_end_or_today_while_it_runs() -> None:
    today = date(2026, 11, 16)
    assert month(2026, 3).as_at(today) == date(2026, 3, 31)
    assert month(2026, 11).as_at(today) == today
    assert month(2026, 11).is_complete(today) is False
    assert month(2026, 10).is_complete(today) is True
    with pytest.raises(ValueError, match="not started"):
        month(2026, 12).as_at(today)


def test_recent_lists_the_newest_first() -> None:
    today = date(2026, 2, 10)
    assert [p.key for p in recent(PeriodKind.MONTH, today, 3)] == ["2026-02", "2026-01", "2025-12"]
    assert [p.key for p in recent(PeriodKind.QUARTER, today, 2, include_current=False)] == [
        "2025-26-Q3",
        "2025-26-Q2",
    ]


def test_trailing_eight_quarters_end_with_the_chosen_one_oldest_first() -> None:
    quarters = trailing(quarter(2025, 4), 8)
    assert quarters[0].key == "2024-25-Q1"
    assert quarters[-1] == quarter(2025, 4)
    assert len(quarters) == 8
    for before, after in itertools.pairwise(quarters):
        assert before.end + timedelta(days=1) == after.start


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31)), st.sampled_from(list(PeriodKind)))
def test_every_day_is_in_exactly_the_period_that_contains_it(day: date, kind: PeriodKind) -> None:
    period = period_containing(kind, day)
    assert period.contains(day)
    assert parse_period(period.key) == period
    assert period.previous().end + timedelta(days=1) == period.start
    assert period.next().start - timedelta(days=1) == period.end
    assert not period.previous().contains(day)


# ---- percentiles -----------------------------------------------------------------------------


def test_the_nearest_rank_median_of_an_even_count_is_the_lower_middle_value() -> None:
    assert median([4, 1, 3, 2]) == 2
    assert median([5]) == 5
    assert median([3, 1, 2]) == 2


def test_the_90th_percentile_by_nearest_rank() -> None:
    assert percentile(list(range(1, 11)), 90) == 9  # rank ceil(9.0) = 9
    assert percentile(list(range(1, 12)), 90) == 10  # rank ceil(9.9) = 10
    assert percentile([7, 1, 3, 5, 9], 90) == 9  # rank ceil(4.5) = 5
    assert percentile([2, 8], 90) == 8
    assert percentile([10, 20, 30], 100) == 30
    assert percentile([10, 20, 30], 1) == 10


def test_no_values_have_no_percentile() -> None:
    assert median([]) is None
    assert percentile([], 90) is None


@pytest.mark.parametrize("p", [0, 101, -5])
def test_a_percentile_outside_1_to_100_is_refused(p: int) -> None:
    with pytest.raises(ValueError, match="between 1 and 100"):
        percentile([1, 2], p)


@given(st.lists(st.integers(min_value=0, max_value=500), min_size=1), st.integers(min_value=1, max_value=100))
def test_a_percentile_is_a_value_with_at_least_p_percent_at_or_below_it(values: list[int], p: int) -> None:
    value = percentile(values, p)
    assert value in values
    at_or_below = sum(1 for v in values if v <= value)
    below = sum(1 for v in values if v < value)
    assert at_or_below * 100 >= p * len(values)
    assert below * 100 < p * len(values)


# ---- ages and areas --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dob", "day", "age"),
    [
        (date(2015, 6, 10), date(2026, 6, 9), 10),
        (date(2015, 6, 10), date(2026, 6, 10), 11),
        (date(2012, 2, 29), date(2023, 2, 28), 10),  # 29 February counts from 1 March
        (date(2012, 2, 29), date(2023, 3, 1), 11),
        (date(2012, 2, 29), date(2024, 2, 29), 12),
        (date(2026, 1, 1), date(2025, 12, 31), 0),  # not yet born: never negative
    ],
)
def test_age_is_completed_years_on_the_day(dob: date, day: date, age: int) -> None:
    assert age_on(dob, day) == age


@pytest.mark.parametrize(
    ("dob", "band"),
    [
        (date(2021, 11, 17), "Under 5"),
        (date(2021, 11, 16), "5 to 10"),
        (date(2015, 11, 17), "5 to 10"),
        (date(2015, 11, 16), "11 to 15"),
        (date(2010, 11, 17), "11 to 15"),
        (date(2010, 11, 16), "16 and over"),
    ],
)
def test_age_bands_change_on_the_birthday(dob: date, band: str) -> None:
    assert age_band(dob, date(2026, 11, 16)) == band


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2026, 1, 1)))
def test_every_child_is_in_exactly_one_age_band(dob: date) -> None:
    age = age_on(dob, date(2026, 11, 16))
    matching = [b for b in AGE_BANDS if age >= b.lowest and (b.highest is None or age <= b.highest)]
    assert len(matching) == 1
    assert age_band(dob, date(2026, 11, 16)) == matching[0].label


@pytest.mark.parametrize(
    ("postcode", "district"),
    [
        ("NM4 7AB", "NM4"),
        ("nm4 7ab", "NM4"),
        ("NM47AB", "NM4"),
        ("SW1A 1AA", "SW1A"),
        ("M1 1AE", "M1"),
        ("B33 8TH", "B33"),
        ("CR2 6XH", "CR2"),
        ("  EC1A   1BB ", "EC1A"),
        ("", NOT_KNOWN_AREA),
        ("NM4", NOT_KNOWN_AREA),
        ("not known", NOT_KNOWN_AREA),
        ("12345", NOT_KNOWN_AREA),
    ],
)
def test_the_area_is_the_postcode_district(postcode: str, district: str) -> None:
    assert postcode_district(postcode) == district


# ---- suppression -----------------------------------------------------------------------------


def test_counts_from_1_to_4_are_shown_as_under_5_and_zero_and_5_are_shown() -> None:
    table = suppress([[0, 1, 4, 5, 9, 20]])
    assert table.cells[0][0] == 0
    assert table.cells[0][1] == SMALL
    assert table.cells[0][2] == SMALL
    # The two small ones add up to 5, which could be 1 + 4, 2 + 3, 3 + 2 or 4 + 1: safe as it is.
    assert table.cells[0][3:] == (5, 9, 20)
    assert table.total == 39


def test_a_lone_small_number_takes_the_next_smallest_with_it() -> None:
    table = suppress([[3], [10], [12], [0]])
    assert [row[0] for row in table.cells] == [SMALL, SECONDARY, 12, 0]
    assert table.total == 25
    assert table.column_totals == (25,)


def test_ties_for_the_next_smallest_take_the_first() -> None:
    table = suppress([[2, 9, 9]])
    assert table.cells[0] == (SMALL, SECONDARY, 9)


def test_two_small_numbers_that_can_only_be_1_and_1_take_a_third() -> None:
    # 22 - 20 = 2 = 1 + 1: both would be known.
    table = suppress([[1, 1, 20, 30]])
    assert table.cells[0] == (SMALL, SMALL, SECONDARY, 30)
    # 3 + 4 = 7 can also be 4 + 3: safe without a third.
    assert suppress([[3, 4, 20]]).cells[0] == (SMALL, SMALL, 20)


def test_a_small_total_is_suppressed_with_its_cells() -> None:
    table = suppress([[1, 2], [0, 0]])
    assert table.row_totals[0] == SMALL
    assert table.row_totals[1] == 0
    assert table.total == SMALL


def test_a_withholding_in_a_row_is_carried_into_its_column() -> None:
    table = suppress([[3, 10], [12, 7]])
    # Row 0 withholds the 10; column 1 would then give it away, so the 7 goes, then the 12.
    assert table.cells == ((SMALL, SECONDARY), (SECONDARY, SECONDARY))
    assert (table.row_totals, table.column_totals, table.total) == ((13, 19), (15, 17), 32)


def test_a_table_with_nothing_small_is_published_whole() -> None:
    table = suppress([[5, 6], [7, 8]])
    assert table.cells == ((5, 6), (7, 8))
    assert table.suppressed_count == 0


def test_an_empty_table_totals_zero() -> None:
    table = suppress([])
    assert table.cells == ()
    assert table.total == 0


def test_negative_or_ragged_tables_are_refused() -> None:
    with pytest.raises(ValueError, match="negative"):
        suppress([[1, -1]])
    with pytest.raises(ValueError, match="same number of columns"):
        suppress([[1, 2], [3]])


def _published_lines(table, rows: int, columns: int):
    """Every line of the published table with margins: (entries, signs)."""
    full = {}
    for r in range(rows):
        for c in range(columns):
            full[(r, c)] = table.cells[r][c]
        full[(r, columns)] = table.row_totals[r]
    for c in range(columns):
        full[(rows, c)] = table.column_totals[c]
    full[(rows, columns)] = table.total
    for r in range(rows + 1):
        yield [full[(r, c)] for c in range(columns + 1)]
    for c in range(columns + 1):
        yield [full[(r, c)] for r in range(rows + 1)]


tables = st.integers(min_value=1, max_value=4).flatmap(
    lambda columns: st.lists(
        st.lists(st.integers(min_value=0, max_value=30), min_size=columns, max_size=columns),
        min_size=1,
        max_size=5,
    )
)


@settings(max_examples=300, deadline=None)
@given(tables)
def test_no_published_number_is_small_and_no_line_has_a_lone_withheld_entry(counts: list[list[int]]) -> None:
    table = suppress(counts)
    rows, columns = len(counts), len(counts[0])
    for r in range(rows):
        for c in range(columns):
            shown = table.cells[r][c]
            if isinstance(shown, int):
                assert shown == counts[r][c]
                assert not 0 < shown < 5
            elif shown == SMALL:
                assert 0 < counts[r][c] < 5
            else:
                assert counts[r][c] >= 5
    for r in range(rows):
        assert table.row_totals[r] in (sum(counts[r]), SMALL, SECONDARY)
    for line in _published_lines(table, rows, columns):
        withheld = sum(1 for v in line if isinstance(v, str))
        assert withheld != 1, line
    assert suppress(counts) == table  # deterministic


@settings(max_examples=300, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=5))
def test_no_small_number_in_a_list_can_be_worked_out_from_what_is_published(counts: list[int]) -> None:
    """Brute force: every assignment of values consistent with what is published (each "<5" from
    1 to 4, each "[c]" 5 or more, adding up to the total) leaves each "<5" at least two values."""
    table = suppress([[v] for v in counts])
    shown = [row[0] for row in table.cells]
    total = table.total
    hidden = [i for i, v in enumerate(shown) if isinstance(v, str)]
    if not hidden or isinstance(total, str):
        return
    known = sum(v for v in shown if isinstance(v, int))
    choices = [range(1, 5) if shown[i] == SMALL else range(5, total + 1) for i in hidden]
    possible: dict[int, set[int]] = {i: set() for i in hidden}
    for combo in itertools.product(*choices):
        if known + sum(combo) == total:
            for i, value in zip(hidden, combo, strict=True):
                possible[i].add(value)
    for i in hidden:
        if shown[i] == SMALL:
            assert len(possible[i]) >= 2, (counts, shown)
