"""Receiving from another council: only a signed, fresh, addressed, first-time message from a
partner is believed; an incoming transfer waits in the caseload until an officer accepts it; the
acceptance opens our own case with the open work moved, and an acknowledgement closes the
sender's case."""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from rollcall import clock
from rollcall.accounts.models import User
from rollcall.casework.models import Case, Event, Flag, Task
from rollcall.casework.services import CaseworkError
from rollcall.transfers import services, signing
from rollcall.transfers.councils import councils_read, english_councils
from rollcall.transfers.models import IncomingTransfer, ReceivedMessage, Transfer
from tests import factories
from tests.transfers.conftest import OUR_CODE, StandInPartner

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_clock")]


def _transfer_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "transfer_id": str(uuid.uuid4()),
        "case_reference": "CME-000031",
        "sending_officer": "Lee Officer",
        "child": {
            "legal_forename": "Sasha",
            "legal_surname": "Okafor",
            "preferred_name": "",
            "date_of_birth": "2015-05-02",
            "gender": "F",
            "upn": "",
        },
        "new_address": {
            "line_1": "9 Mill Lane",
            "line_2": "",
            "town": "Loughborough",
            "postcode": "LE11 1AA",
        },
        "last_school": {
            "name": "Fosse Primary",
            "urn": "120001",
            "la_code": "856",
            "establishment_number": "2100",
        },
        "enquiries": [
            {
                "party": "carers",
                "party_label": "Parents",
                "made_on": "2026-11-10",
                "result": "information",
                "result_label": "Useful",
                "details": "",
            }
        ],
        "tasks": [
            {"code": "first_enquiry", "title": "Make the first enquiry", "due": "2026-11-11"},
            {"code": "follow_up", "title": "Follow up: ring the aunt", "due": "2026-11-20"},
            {"code": "follow_up", "title": "Follow up: visit the address", "due": "2026-11-25"},
        ],
        "flags": [
            {"code": "missing_education", "label": "Child missing education", "details": "Since October"}
        ],
        "history": [
            {"at": "2026-11-09T10:00:00+00:00", "text": "Child missing education case CME-000031 opened"}
        ],
    }
    data.update(overrides)
    return data


def _receive(partner: StandInPartner, data: dict[str, Any]) -> IncomingTransfer:
    answer = partner.post(partner.message("transfer", data))
    assert answer.status_code == 200, answer.content
    return IncomingTransfer.objects.get(transfer_id=data["transfer_id"])


def test_a_signed_transfer_waits_for_an_officer_and_tells_the_team(
    our_key: Path, council: None, partner: StandInPartner, inclusion_officer: User
) -> None:
    incoming = _receive(partner, _transfer_data())
    assert (incoming.status, incoming.child_name, incoming.case) == ("waiting", "Sasha Okafor", None)
    assert not Case.objects.exists()
    assert inclusion_officer.messages.filter(subject="A transfer from Leicester to accept").exists()


def test_the_same_transfer_delivered_twice_is_filed_once(
    our_key: Path, council: None, partner: StandInPartner
) -> None:
    data = _transfer_data()
    _receive(partner, data)
    again = partner.post(partner.message("transfer", data))  # a new message (id, time) with the same transfer
    assert again.json() == {"kind": "transfer", "received": True, "already_received": True}
    assert IncomingTransfer.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "status", "detail"),
    [
        ("tampered", 403, "The signature does not match the message and the sending council's key"),
        ("unsigned", 403, "The signature does not match the message and the sending council's key"),
        ("stranger", 403, "This council does not know the sending council: no partner has that LA code"),
        ("wrong_recipient", 403, "The message is addressed to council 857, not to this council (855)"),
        ("stale", 403, "The message's time is more than 300 seconds from this council's clock"),
        ("from_the_future", 403, "The message's time is more than 300 seconds from this council's clock"),
        ("header_and_body_disagree", 403, "The message names a different sending council from its header"),
        ("not_json", 400, "The message is not JSON"),
    ],
)
def test_a_message_that_fails_a_check_is_refused_and_changes_nothing(
    our_key: Path, council: None, partner: StandInPartner, change: str, status: int, detail: str
) -> None:
    data = _transfer_data()
    body = partner.message("transfer", data)
    signature = partner.sign(body)
    council_header = None
    if change == "tampered":
        body = body.replace(b"Okafor", b"Okafor-Smith")
    elif change == "unsigned":
        signature = ""
    elif change == "stranger":
        council_header = "857"
    elif change == "wrong_recipient":
        body = partner.message("transfer", data, to="857")
        signature = partner.sign(body)
    elif change in {"stale", "from_the_future"}:
        offset = dt.timedelta(seconds=301 if change == "stale" else -301)
        body = partner.message("transfer", data, at=clock.now() - offset)
        signature = partner.sign(body)
    elif change == "header_and_body_disagree":
        body = body.replace(b'"from": "856"', b'"from": "857"')
        signature = partner.sign(body)
    elif change == "not_json":
        body = b"not json at all"
        signature = partner.sign(body)
    answer = partner.post(body, signature=signature, council=council_header)
    assert (answer.status_code, answer.json()["detail"]) == (status, detail)
    assert not IncomingTransfer.objects.exists()
    assert not ReceivedMessage.objects.exists()


def test_a_replayed_message_is_refused(our_key: Path, council: None, partner: StandInPartner) -> None:
    body = partner.message("transfer", _transfer_data())
    assert partner.post(body).status_code == 200
    replay = partner.post(body)
    assert (replay.status_code, replay.json()["detail"]) == (
        409,
        "This message has been received before: a replay is refused",
    )
    assert IncomingTransfer.objects.count() == 1


def test_accepting_opens_our_case_with_the_open_work_moved_and_its_dates_kept(
    our_key: Path, council: None, partner: StandInPartner, inclusion_officer: User
) -> None:
    incoming = _receive(partner, _transfer_data())
    client = Client()
    client.force_login(inclusion_officer)
    page = client.get(f"/transfers/incoming/{incoming.pk}/")
    assert page.status_code == 200
    assert b"Follow up: visit the address, due 2026-11-25" in page.content
    assert b"Fosse Primary" in page.content
    accepted = client.post(f"/transfers/incoming/{incoming.pk}/", follow=True)
    case = Case.objects.get()
    assert accepted.redirect_chain[-1][0] == f"/cases/{case.pk}/"
    # The partner's Roll Call is not listening: the officer is told it will be tried again.
    assert b"could not be told yet" in accepted.content
    assert (case.kind, case.owner, case.child.full_name) == ("cme", inclusion_officer, "Sasha Okafor")
    assert sorted((t.title, t.due) for t in case.tasks.filter(status=Task.Status.OPEN)) == [
        ("Follow up: ring the aunt", dt.date(2026, 11, 20)),
        ("Follow up: visit the address", dt.date(2026, 11, 25)),
        ("Make the first enquiry", dt.date(2026, 11, 11)),
    ]
    assert case.next_action_due == dt.date(2026, 11, 11)
    assert list(Flag.objects.filter(case=case, cleared_at__isnull=True).values_list("code", flat=True)) == [
        "missing_education"
    ]
    assert case.child.addresses.get().postcode == "LE11 1AA"
    assert Event.objects.get(case=case, verb="transfer.received").payload["tasks"] == 3
    incoming.refresh_from_db()
    assert incoming.status == "accepted"
    assert incoming.case == case
    assert incoming.acknowledgement_delivered_at is None
    assert "could not be reached" in incoming.acknowledgement_error
    with pytest.raises(CaseworkError, match="already accepted"):
        services.incoming_accept(incoming=incoming, actor=inclusion_officer)


def test_only_the_inclusion_team_may_accept(
    our_key: Path, council: None, partner: StandInPartner, admissions_officer: User
) -> None:
    incoming = _receive(partner, _transfer_data())
    with pytest.raises(CaseworkError, match="Only the Inclusion team"):
        services.incoming_accept(incoming=incoming, actor=admissions_officer)
    client = Client()
    client.force_login(admissions_officer)
    assert client.get(f"/transfers/incoming/{incoming.pk}/").status_code == 404
    assert client.get("/transfers/").status_code == 403


def test_an_acknowledgement_closes_the_sending_case_with_that_outcome(
    our_key: Path, cme_case: Case, inclusion_officer: User, partner: StandInPartner
) -> None:
    transfer = services.transfer_send(
        case=cme_case,
        actor=inclusion_officer,
        to_la_code=partner.record.la_code,
        new_address=services.NewAddress(line_1="9 Mill Lane", town="Leicester", postcode="LE1 1AA"),
    )
    data = {
        "transfer_id": str(transfer.transfer_id),
        "case_reference": "CME-000077",
        "accepted_by": "Bea Officer",
        "accepted_on": "2026-11-16",
    }
    answer = partner.post(partner.message("acknowledgement", data))
    assert answer.json() == {"kind": "acknowledgement", "acknowledged": True, "already_acknowledged": False}
    cme_case.refresh_from_db()
    assert not cme_case.is_open
    assert cme_case.outcome == "transferred"
    assert cme_case.outcome_details == {
        "council": "Leicester (case CME-000077)",
        "council_told_on": "2026-11-16",
    }
    assert not cme_case.tasks.filter(status=Task.Status.OPEN).exists()
    transfer.refresh_from_db()
    assert transfer.status == "acknowledged"
    assert Event.objects.filter(case=cme_case, verb="transfer.acknowledged").count() == 1
    again = partner.post(partner.message("acknowledgement", data))
    assert again.json()["already_acknowledged"] is True


def test_only_the_council_the_child_went_to_can_acknowledge(
    our_key: Path, cme_case: Case, inclusion_officer: User, partner: StandInPartner
) -> None:
    transfer = services.transfer_send(
        case=cme_case,
        actor=inclusion_officer,
        to_la_code="857",
        new_address=services.NewAddress(line_1="1 High St", town="Oakham", postcode="LE15 6AA"),
    )
    answer = partner.post(partner.message("acknowledgement", {"transfer_id": str(transfer.transfer_id)}))
    assert answer.status_code == 404
    cme_case.refresh_from_db()
    assert cme_case.status == "transfer_pending"
    assert Transfer.objects.get().status == "letter_sent"


def test_an_administrator_adds_a_partner_with_its_public_key(our_key: Path, council: None) -> None:
    admin = factories.administrator(username="the.admin")
    client = Client()
    client.force_login(admin)
    page = client.get("/transfers/partners/")
    assert page.status_code == 200
    assert signing.public_key_text().encode() in page.content
    bad = client.post(
        "/transfers/partners/",
        {"council": "856", "api_url": "https://rollcall.leicester.example", "public_key": "not-a-key"},
    )
    assert b"The public key must be" in bad.content
    other = signing.public_key_text(signing.signing_key(our_key))  # any valid Ed25519 public key
    saved = client.post(
        "/transfers/partners/",
        {"council": "856", "api_url": "https://rollcall.leicester.example", "public_key": other},
    )
    assert saved.status_code == 302
    officer_client = Client()
    officer_client.force_login(factories.staff(username="plain.officer"))
    assert officer_client.get("/transfers/partners/").status_code == 403


def test_the_key_command_makes_a_key_once_and_prints_the_public_half(
    tmp_path: Path, settings: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    settings.TRANSFERS_SIGNING_KEY_FILE = str(tmp_path / "k" / "key.pem")
    settings.COUNCIL_LA_CODE = OUR_CODE
    call_command("transfers_key")
    first = capsys.readouterr().out
    assert "Created" in first
    assert (tmp_path / "k" / "key.pem").stat().st_mode & 0o777 == 0o600
    call_command("transfers_key")
    second = capsys.readouterr().out
    assert "Kept the existing" in second
    assert first.splitlines()[-1] == second.splitlines()[-1] == f"Public key: {signing.public_key_text()}"


def test_the_english_councils_file_has_every_council_once_with_its_dfe_code() -> None:
    councils = english_councils()
    assert len(councils) == 153
    assert {code: councils[code].name for code in ("306", "855", "856", "857", "201", "420")} == {
        "306": "Croydon",
        "855": "Leicestershire",
        "856": "Leicester",
        "857": "Rutland",
        "201": "City of London",
        "420": "Isles of Scilly",
    }
    # The reorganised councils have their new codes, and the abolished ones are gone.
    assert {"839", "940", "941", "942", "943"} <= set(councils)
    assert not {"836", "837", "909", "928"} & set(councils)


def test_a_bad_councils_file_is_refused_with_its_line_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "councils.csv"
    bad.write_text("la_code,name,region\n855,Leicestershire,East Midlands\n85,Leicester,East Midlands\n")
    with pytest.raises(ValueError, match=r"councils.csv line 3, la_code: '85' is not three digits"):
        councils_read(bad)
    bad.write_text("la_code,name,region\n855,Leicestershire,East Midlands\n855,Leicester,East Midlands\n")
    with pytest.raises(ValueError, match="line 3, la_code: 855 is listed twice"):
        councils_read(bad)
