"""Sending a child's case to another council: by letter and CTF where it does not run Roll Call,
by signed message where it does; the case stays open until the new council confirms, and the
sweep escalates when it does not."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from rollcall.accounts.models import User
from rollcall.casework.calendar import council_calendar
from rollcall.casework.models import Case, Event, Task
from rollcall.casework.services import CaseworkError
from rollcall.notify.models import Message
from rollcall.transfers import services
from rollcall.transfers.models import Transfer
from rollcall.transfers.sweep import transfers_sweep
from tests import factories
from tests.transfers.conftest import StandInPartner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]

ADDRESS = services.NewAddress(line_1="4 Canal Row", town="Oakham", postcode="le15 6aa")


def _open_tasks(case: Case) -> list[tuple[str, dt.date]]:
    return sorted((t.code, t.due) for t in case.tasks.filter(status=Task.Status.OPEN))


def test_a_council_without_roll_call_gets_a_letter_and_a_lost_pupil_ctf_and_the_case_waits(
    our_key: Path, cme_case: Case, inclusion_officer: User
) -> None:
    before = _open_tasks(cme_case)
    transfer = services.transfer_send(
        case=cme_case, actor=inclusion_officer, to_la_code="857", new_address=ADDRESS
    )
    cme_case.refresh_from_db()
    assert (transfer.method, transfer.status, transfer.to_name) == ("letter", "letter_sent", "Rutland")
    assert cme_case.is_open
    assert cme_case.status == "transfer_pending"
    # Ten school days from Monday 16 November 2026; the follow-up of the letter likewise.
    assert transfer.acknowledge_by == dt.date(2026, 11, 30)
    assert _open_tasks(cme_case) == sorted(
        [
            *before,
            ("transfer_acknowledgement", dt.date(2026, 11, 30)),
            ("transfer_letter_follow_up", dt.date(2026, 11, 30)),
        ]
    )
    event = Event.objects.get(case=cme_case, verb="transfer.letter")
    assert event.actor == inclusion_officer
    assert event.payload["destination"] == "XXX/XXXX"

    client = Client()
    client.force_login(inclusion_officer)
    pdf = client.get(f"/transfers/{transfer.pk}/letter.pdf")
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    ctf = client.get(f"/transfers/{transfer.pk}/ctf.xml")
    assert ctf.status_code == 200
    root = ET.fromstring(ctf.content)  # noqa: S314 - our own output
    assert root.findtext("Header/DestSchool/LEA") == "XXX"
    assert root.findtext("Header/DestSchool/Estab") == "XXXX"
    assert root.findtext("Header/SourceSchool/SchoolName") == "Moorside Academy"
    pupils = root.findall("CTFpupilData/Pupil")
    assert len(pupils) == 1  # one pupil per lost CTF (S2S)
    assert pupils[0].findtext("UPN") == cme_case.child.upn
    assert pupils[0].findtext("BasicDetails/LegalSurname") == "Ashdown"
    assert pupils[0].findtext("Address/PostCode") == "LE15 6AA"


def test_a_transfer_carries_the_child_the_last_school_the_enquiries_the_open_work_and_the_flags(
    our_key: Path, cme_case: Case, inclusion_officer: User, partner: StandInPartner
) -> None:
    moving = _open_tasks(cme_case)
    transfer = services.transfer_send(
        case=cme_case, actor=inclusion_officer, to_la_code=partner.record.la_code, new_address=ADDRESS
    )
    payload = transfer.payload
    assert payload["child"]["legal_surname"] == "Ashdown"
    assert payload["child"]["upn"] == cme_case.child.upn
    assert payload["last_school"]["name"] == "Moorside Academy"
    assert [e["party"] for e in payload["enquiries"]] == ["last_school"]
    assert sorted((t["code"], dt.date.fromisoformat(t["due"])) for t in payload["tasks"]) == moving
    assert [f["code"] for f in payload["flags"]] == ["missing_education"]
    assert any("opened" in h["text"] for h in payload["history"])


def test_an_unreachable_partner_leaves_the_transfer_to_deliver_and_the_sweep_tries_again(
    our_key: Path, cme_case: Case, inclusion_officer: User, partner: StandInPartner
) -> None:
    transfer = services.transfer_send(
        case=cme_case, actor=inclusion_officer, to_la_code=partner.record.la_code, new_address=ADDRESS
    )
    assert transfer.status == "not_delivered"
    assert "could not be reached" in transfer.delivery_error
    assert Event.objects.filter(case=cme_case, verb="transfer.not_delivered").count() == 1
    result = transfers_sweep(today=dt.date(2026, 11, 17), calendar=council_calendar())
    assert result["transfers_redelivered"] == 0
    transfer.refresh_from_db()
    assert transfer.delivery_attempts == 2
    # The same failure is told on the timeline once, not at every attempt.
    assert Event.objects.filter(case=cme_case, verb="transfer.not_delivered").count() == 1


def test_no_confirmation_within_the_setting_escalates_once_on_the_sending_side(
    our_key: Path, cme_case: Case, inclusion_officer: User, inclusion_manager: User
) -> None:
    transfer = services.transfer_send(
        case=cme_case, actor=inclusion_officer, to_la_code="857", new_address=ADDRESS
    )
    calendar = council_calendar()
    assert transfers_sweep(today=transfer.acknowledge_by, calendar=calendar)["transfers_escalated"] == 0
    result = transfers_sweep(today=dt.date(2026, 12, 1), calendar=calendar)
    assert result["transfers_escalated"] == 1
    chase = Task.objects.get(key=f"transfer-chase:{transfer.pk}")
    assert (chase.assignee, chase.due, chase.case) == (inclusion_manager, dt.date(2026, 12, 1), cme_case)
    assert Message.objects.filter(recipient=inclusion_manager, subject__contains="not confirmed").count() == 1
    assert Event.objects.filter(case=cme_case, verb="transfer.escalated").count() == 1
    assert transfers_sweep(today=dt.date(2026, 12, 2), calendar=calendar)["transfers_escalated"] == 0
    assert Event.objects.filter(verb="transfer.escalated").count() == 1
    transfer.refresh_from_db()
    assert transfer.escalated_on == dt.date(2026, 12, 1)


def test_the_escalation_day_is_a_council_setting(
    our_key: Path, cme_case: Case, inclusion_officer: User, inclusion_manager: User
) -> None:
    from rollcall.transfers.models import TransferRuleSettings

    settings_row = TransferRuleSettings.current()
    settings_row.acknowledge_within_school_days = 2
    settings_row.save()
    transfer = services.transfer_send(
        case=cme_case, actor=inclusion_officer, to_la_code="857", new_address=ADDRESS
    )
    assert transfer.acknowledge_by == dt.date(2026, 11, 18)
    assert (
        transfers_sweep(today=dt.date(2026, 11, 19), calendar=council_calendar())["transfers_escalated"] == 1
    )


def test_withdrawing_takes_the_case_back_to_enquiries_and_a_late_confirmation_changes_nothing(
    our_key: Path, cme_case: Case, inclusion_officer: User, partner: StandInPartner
) -> None:
    transfer = services.transfer_send(
        case=cme_case, actor=inclusion_officer, to_la_code=partner.record.la_code, new_address=ADDRESS
    )
    services.transfer_withdraw(transfer=transfer, actor=inclusion_officer, reason="Sent to the wrong council")
    cme_case.refresh_from_db()
    assert cme_case.status == "enquiries"
    assert not cme_case.tasks.filter(code="transfer_acknowledgement", status=Task.Status.OPEN).exists()
    body = partner.message(
        "acknowledgement", {"transfer_id": str(transfer.transfer_id), "case_reference": "CME-000009"}
    )
    answer = partner.post(body)
    assert answer.status_code == 200
    assert answer.json() == {"kind": "acknowledgement", "acknowledged": False, "withdrawn": True}
    cme_case.refresh_from_db()
    assert cme_case.is_open


def test_only_the_case_team_may_send_and_only_from_an_open_case_under_enquiry(
    our_key: Path, cme_case: Case, admissions_officer: User, inclusion_officer: User
) -> None:
    with pytest.raises(CaseworkError, match="cannot send"):
        services.transfer_send(case=cme_case, actor=admissions_officer, to_la_code="857", new_address=ADDRESS)
    with pytest.raises(CaseworkError, match="still in this council's area"):
        services.transfer_send(case=cme_case, actor=inclusion_officer, to_la_code="855", new_address=ADDRESS)
    with pytest.raises(CaseworkError, match="English council"):
        services.transfer_send(case=cme_case, actor=inclusion_officer, to_la_code="999", new_address=ADDRESS)
    services.transfer_send(case=cme_case, actor=inclusion_officer, to_la_code="857", new_address=ADDRESS)
    with pytest.raises(CaseworkError):
        services.transfer_send(case=cme_case, actor=inclusion_officer, to_la_code="856", new_address=ADDRESS)
    assert Transfer.objects.count() == 1


def test_the_send_page_records_the_move_from_the_case(
    our_key: Path, cme_case: Case, inclusion_officer: User
) -> None:
    client = Client()
    client.force_login(inclusion_officer)
    page = client.get(f"/cases/{cme_case.pk}/")
    assert b"Record a move to another council" in page.content
    form = client.get(f"/transfers/cases/{cme_case.pk}/send/")
    assert form.status_code == 200
    assert b"Rutland (857)" in form.content
    assert b"Leicestershire (855)" not in form.content  # not this council itself
    refused = client.post(f"/transfers/cases/{cme_case.pk}/send/", {"line_1": "4 Canal Row"})
    assert refused.status_code == 200
    assert b"Select the council the child has moved to" in refused.content
    sent: Any = client.post(
        f"/transfers/cases/{cme_case.pk}/send/",
        {"line_1": "4 Canal Row", "town": "Oakham", "postcode": "LE15 6AA", "council": "857"},
    )
    assert sent.status_code == 302
    cme_case.refresh_from_db()
    assert cme_case.status == "transfer_pending"
    page = client.get(f"/cases/{cme_case.pk}/")
    assert b"Download the CTF for the Lost Pupils Database" in page.content


def test_a_school_user_cannot_reach_the_transfer_pages(
    our_key: Path, cme_case: Case, inclusion_officer: User
) -> None:
    transfer = services.transfer_send(
        case=cme_case, actor=inclusion_officer, to_la_code="857", new_address=ADDRESS
    )
    client = Client()
    client.force_login(factories.school_user())
    assert client.get("/transfers/").status_code == 403
    assert client.get(f"/transfers/{transfer.pk}/ctf.xml").status_code in {403, 404}
    assert client.get(f"/transfers/{transfer.pk}/letter.pdf").status_code in {403, 404}
    assert client.get(f"/transfers/cases/{cme_case.pk}/send/").status_code in {403, 404}
