"""Fixtures for moves between councils: this council's key, a CME case with open work, and a
partner council whose key the test holds (a stand-in that signs as a real partner would; every
check on our side is the real one)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.test import Client

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.casework.models import Case, Enquiry, Flag
from rollcall.casework.services import case_open, enquiry_record, flag_raise
from rollcall.transfers.models import PartnerCouncil
from tests import factories

OUR_CODE = "855"  # Leicestershire
PARTNER_CODE = "856"  # Leicester
CLOSED_PORT_URL = "http://127.0.0.1:9"  # the discard port: nothing listens, the connection is refused


@pytest.fixture
def our_key(tmp_path: Path, settings: Any) -> Path:
    from rollcall.transfers.signing import signing_key_create

    settings.COUNCIL_LA_CODE = OUR_CODE
    settings.TRANSFERS_SIGNING_KEY_FILE = str(tmp_path / "keys" / "ours.pem")
    settings.TRANSFERS_HTTP_TIMEOUT = 2
    path, _ = signing_key_create()
    return path


@dataclass
class StandInPartner:
    """Another council's Roll Call as far as our side can tell: its code and its private key."""

    record: PartnerCouncil
    key: Ed25519PrivateKey

    def message(
        self, kind: str, data: dict[str, Any], *, to: str = OUR_CODE, at: dt.datetime | None = None
    ) -> bytes:
        envelope = {
            "kind": kind,
            "message_id": str(uuid.uuid4()),
            "sent_at": (at or clock.now()).isoformat(),
            "from": self.record.la_code,
            "to": to,
            "data": data,
        }
        return json.dumps(envelope).encode()

    def sign(self, body: bytes) -> str:
        return base64.b64encode(self.key.sign(body)).decode()

    def post(self, body: bytes, *, signature: str | None = None, council: str | None = None) -> Any:
        return Client().post(
            "/api/v1/transfers/messages/",
            data=body,
            content_type="application/json",
            headers={
                "X-RollCall-Council": council or self.record.la_code,
                "X-RollCall-Signature": signature if signature is not None else self.sign(body),
            },
        )


def _public(key: Ed25519PrivateKey) -> str:
    raw = key.public_key().public_bytes(
        encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw
    )
    return base64.b64encode(raw).decode()


@pytest.fixture
def partner(db: None) -> StandInPartner:
    key = Ed25519PrivateKey.generate()
    record = PartnerCouncil.objects.create(
        la_code=PARTNER_CODE,
        name="Leicester",
        api_url=CLOSED_PORT_URL,
        public_key=_public(key),
        added_by=factories.administrator(username="partner.admin"),
        added_at=clock.now(),
    )
    return StandInPartner(record=record, key=key)


@pytest.fixture
def cme_case(council: None, inclusion_officer: User, frozen_clock: Any) -> Case:
    """An open CME case of the officer's: a child who left Moorside Academy, one enquiry, a flag."""
    school = factories.SchoolFactory.create(
        name="Moorside Academy", la_code=OUR_CODE, establishment_number="2001"
    )
    entry = factories.RollEntryFactory.create(
        school=school,
        child__legal_forename="Robin",
        child__legal_surname="Ashdown",
        on_roll_to=dt.date(2026, 10, 20),
    )
    case = case_open(
        child=entry.child,
        kind="cme",
        team=Team.objects.get(kind=Team.Kind.INCLUSION),
        source="Referral",
        owner=inclusion_officer,
        actor=inclusion_officer,
    )
    enquiry_record(
        case=case,
        actor=inclusion_officer,
        party=Enquiry.Party.LAST_SCHOOL,
        made_on=dt.date(2026, 11, 16),
        result=Enquiry.Result.INFORMATION,
        details="The family said they were moving to Leicester.",
    )
    flag_raise(case=case, code=Flag.Code.MISSING_EDUCATION, details="Not in school")
    case.refresh_from_db()
    return case
