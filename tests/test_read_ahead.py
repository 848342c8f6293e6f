"""rollcall.read_ahead: items in order, each error on its own item, the next read under way."""

from __future__ import annotations

import threading

import pytest

from rollcall.read_ahead import read_ahead


def test_items_come_in_order_with_their_reads() -> None:
    got = [(item, read.result()) for item, read in read_ahead(["a", "bb", "ccc"], len)]

    assert got == [("a", 1), ("bb", 2), ("ccc", 3)]
    assert list(read_ahead([], len)) == []


def test_an_error_is_raised_by_the_item_whose_read_failed() -> None:
    def read(name: str) -> str:
        if name == "bad":
            raise ValueError(f"{name}: line 2: upn: is required")
        return name.upper()

    outcomes = []
    for _name, read_of in read_ahead(["one", "bad", "three"], read):
        try:
            outcomes.append(read_of.result())
        except ValueError as error:
            outcomes.append(str(error))

    assert outcomes == ["ONE", "bad: line 2: upn: is required", "THREE"]


def test_the_next_item_is_read_while_this_one_is_handled() -> None:
    second_read = threading.Event()

    def read(n: int) -> int:
        if n == 2:
            second_read.set()
        return n

    for n, read_of in read_ahead([1, 2], read):
        assert read_of.result() == n
        if n == 1:
            # Handling the first item: the second is being read without waiting for us.
            assert second_read.wait(timeout=10)


def test_reading_stops_when_the_caller_stops() -> None:
    seen: list[int] = []

    def read(n: int) -> int:
        seen.append(n)
        return n

    for n, _read_of in read_ahead(range(1, 100), read):
        if n == 3:
            break
    assert seen == [1, 2, 3, 4]


@pytest.mark.parametrize("count", [1, 2, 5])
def test_every_item_is_read_once(count: int) -> None:
    reads: list[int] = []

    def read(n: int) -> int:
        reads.append(n)
        return n * 10

    assert [r.result() for _n, r in read_ahead(range(count), read)] == [n * 10 for n in range(count)]
    assert reads == list(range(count))
