"""Read the next file while this one is loaded, for commands that load many files in turn.

Loading a school's roll or attendance file mostly waits for the database; reading and checking the
next file is Python work that can run in that wait (psycopg lets go of the interpreter while it
waits). One reader thread, one file ahead, so at most two files are in memory. The reader must not
touch the database: it only turns a file into rows.

Each item comes back with its read as a future: ``future.result()`` gives the rows, or raises the
error that file's read raised, where the caller reports that file's errors.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

Item = TypeVar("Item")
Read = TypeVar("Read")


def read_ahead(items: Iterable[Item], read: Callable[[Item], Read]) -> Iterator[tuple[Item, Future[Read]]]:
    """Each item in order with its read, the next one's read started before this one is handed over."""
    queue = list(items)
    if not queue:
        return
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="read-ahead") as reader:
        upcoming = reader.submit(read, queue[0])
        for index, item in enumerate(queue):
            current = upcoming
            if index + 1 < len(queue):
                upcoming = reader.submit(read, queue[index + 1])
            yield item, current
