"""Two Roll Call councils on this machine, each with its own database and keys, hand a child over
end to end: the transfer is sent over HTTP, a tampered or replayed message is refused, the
receiving officer accepts it with the open work moved (due dates kept), and its acknowledgement
closes the sending case with that outcome."""

from __future__ import annotations

import base64
import datetime as dt
import json
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from rollcall import clock
from rollcall.transfers import signing
from tests.transfers.two_councils import Council, two_councils

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def councils(
    tmp_path_factory: pytest.TempPathFactory, django_db_setup: None, django_db_blocker
) -> Iterator[tuple[Council, Council]]:
    with django_db_blocker.unblock(), two_councils(tmp_path_factory.mktemp("councils")) as pair:
        yield pair


def _post(council: Council, body: bytes, *, sender: str, signature: str) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(  # noqa: S310 - loopback
        f"{council.url}/api/v1/transfers/messages/",
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "X-RollCall-Council": sender,
            "X-RollCall-Signature": signature,
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 - loopback
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as refused:
        return refused.code, json.loads(refused.read())


def _signed(key_file: Path, envelope: dict[str, object]) -> tuple[bytes, str]:
    body = json.dumps(envelope, sort_keys=True, separators=(",", ":")).encode()
    key = signing.signing_key(key_file)
    return body, base64.b64encode(key.sign(body)).decode()


def _envelope(
    kind: str, data: dict[str, object], *, sender: str = "855", to: str = "856"
) -> dict[str, object]:
    return {
        "kind": kind,
        "message_id": str(uuid.uuid4()),
        "sent_at": clock.now().isoformat(),  # the servers run on the real clock
        "from": sender,
        "to": to,
        "data": data,
    }


def test_a_transfer_goes_from_one_council_to_the_other_and_back(councils: tuple[Council, Council]) -> None:
    leicestershire, leicester = councils
    case_id = leicestershire.facts["case_id"]
    moving_tasks = list(leicestershire.facts["tasks"])

    sent = leicestershire.run("send", case_id=case_id, to="856")
    assert sent["status"] == "delivered", sent["error"]

    there = leicester.run("state")
    assert [(i["status"], i["child"], i["from"]) for i in there["incoming"]] == [
        ("waiting", "Kit Marlowe", "855")
    ]
    assert there["cases"] == []  # nothing opens until an officer accepts
    here = leicestershire.run("state")
    assert [(c["status"], c["outcome"]) for c in here["cases"]] == [("transfer_pending", "")]

    accepted = leicester.run("accept", incoming_id=there["incoming"][0]["id"])
    assert accepted["acknowledged"], accepted["error"]

    there = leicester.run("state")
    (case,) = there["cases"]
    assert case["child"] == "Kit Marlowe"
    assert case["status"] == "new"
    # The open work moved with its due dates; the sending council's own waiting task did not.
    assert case["open_tasks"] == sorted(moving_tasks)
    here = leicestershire.run("state")
    (closed,) = here["cases"]
    assert closed["status"] == "closed"
    assert closed["outcome"] == "transferred"
    assert closed["outcome_details"]["council"] == f"Leicester (case {accepted['case_reference']})"
    assert closed["open_tasks"] == []
    assert here["transfers"][0]["status"] == "acknowledged"
    assert here["transfers"][0]["acknowledgement"]["case_reference"] == accepted["case_reference"]


def test_a_tampered_message_is_refused_and_a_replay_is_refused(councils: tuple[Council, Council]) -> None:
    leicestershire, leicester = councils
    envelope = _envelope("acknowledgement", {"transfer_id": str(uuid.uuid4())}, sender="856", to="855")
    body, signature = _signed(leicester.key_file, envelope)

    tampered = body.replace(b'"to":"855"', b'"to":"855" ')
    assert tampered != body
    status, answer = _post(leicestershire, tampered, sender="856", signature=signature)
    assert status == 403
    assert "signature" in answer["detail"]

    # The genuine message is believed (and names no transfer of ours: 404); the same bytes again are a replay.
    status, answer = _post(leicestershire, body, sender="856", signature=signature)
    assert (status, answer["detail"]) == (404, "No transfer with that id was sent to your council")
    status, answer = _post(leicestershire, body, sender="856", signature=signature)
    assert (status, answer["detail"]) == (409, "This message has been received before: a replay is refused")


def test_a_message_signed_with_another_key_or_from_a_stranger_is_refused(
    councils: tuple[Council, Council],
) -> None:
    _leicestershire, leicester = councils
    envelope = _envelope("transfer", {"transfer_id": str(uuid.uuid4())})
    body = json.dumps(envelope).encode()
    impostor = base64.b64encode(Ed25519PrivateKey.generate().sign(body)).decode()
    status, answer = _post(leicester, body, sender="855", signature=impostor)
    assert (status, answer["detail"]) == (
        403,
        "The signature does not match the message and the sending council's key",
    )
    status, answer = _post(leicester, body, sender="857", signature=impostor)
    assert status == 403
    assert "does not know the sending council" in answer["detail"]


def test_an_old_message_is_refused_even_with_a_good_signature(councils: tuple[Council, Council]) -> None:
    leicestershire, leicester = councils
    envelope = _envelope("transfer", {"transfer_id": str(uuid.uuid4())})
    envelope["sent_at"] = (clock.now() - dt.timedelta(hours=1)).isoformat()
    body, signature = _signed(leicestershire.key_file, envelope)
    status, answer = _post(leicester, body, sender="855", signature=signature)
    assert status == 403
    assert "seconds from this council's clock" in answer["detail"]
