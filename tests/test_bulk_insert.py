"""rollcall.bulk_insert.insert_rows: every value arrives as sent, on SQLite (executemany) and on
PostgreSQL (one COPY), nulls, JSON and batches included; a bad row saves nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction

from rollcall import bulk_insert
from rollcall.casework.models import Event
from tests import factories

AT = dt.datetime(2026, 11, 16, 9, 30, tzinfo=dt.UTC)


@pytest.mark.django_db
def test_rows_arrive_as_sent_across_batches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bulk_insert, "BATCH", 3)
    children = factories.ChildFactory.create_batch(2)
    payload = Event._meta.get_field("payload")
    when = connection.ops.adapt_datetimefield_value(AT)
    rows = [
        (
            children[i % 2].pk,
            None,
            None,
            "child.created",
            None,
            when,
            payload.get_db_prep_save({"n": i, "é": [i]}, connection),
        )
        for i in range(7)
    ]

    assert (
        bulk_insert.insert_rows(
            Event, ["child_id", "case_id", "team_id", "verb", "actor_id", "at", "payload"], rows
        )
        == 7
    )

    stored = list(Event.objects.order_by("pk").values_list("child_id", "verb", "at", "payload"))
    assert stored == [(children[i % 2].pk, "child.created", AT, {"n": i, "é": [i]}) for i in range(7)]
    assert not Event.objects.filter(case__isnull=False).exists()
    assert bulk_insert.insert_rows(Event, ["child_id"], []) == 0


@pytest.mark.django_db(transaction=True)
def test_a_bad_row_is_a_database_error_and_nothing_is_saved() -> None:
    child = factories.ChildFactory.create()
    when = connection.ops.adapt_datetimefield_value(AT)
    payload = Event._meta.get_field("payload").get_db_prep_save({}, connection)
    good = (child.pk, "child.created", when, payload)
    bad = (child.pk, None, when, payload)  # the verb may not be null

    with pytest.raises(IntegrityError), transaction.atomic():
        bulk_insert.insert_rows(Event, ["child_id", "verb", "at", "payload"], [good, good, bad])

    assert not Event.objects.filter(child=child).exists()
