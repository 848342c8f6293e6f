"""The audit trail's tracked models: registered by the apps that own them, none forgotten."""

from __future__ import annotations

import pytest

from rollcall.audit.models import RecordView
from rollcall.audit_registry import Tracked, track, tracked
from rollcall.casework.models import Case, Task
from rollcall.dataprotection.models import Erasure, RetentionSettings, SubjectAccessRequest
from rollcall.homeeducation.models import (
    EHEContact,
    EHEEvidence,
    EHERecord,
    InformationRequest,
    PartTimeArrangement,
    SAONotice,
)
from rollcall.people.models import Address, Carer, Child
from rollcall.returns.models import ReturnBurst, SchoolReturn
from rollcall.schools.models import RollEntry, School


def test_each_app_puts_its_records_on_the_audit_trail_in_app_order() -> None:
    assert [(t.label, t.model, t.child) for t in tracked()] == [
        ("Child", Child, "id"),
        ("Address", Address, "child_id"),
        ("Carer", Carer, "child_id"),
        ("Roll entry", RollEntry, "child_id"),
        ("School", School, None),
        ("Case", Case, "child_id"),
        ("Task", Task, "case__child_id"),
        ("School return", SchoolReturn, "child_id"),
        ("Busy day of returns", ReturnBurst, None),
        ("Home-education record", EHERecord, "child_id"),
        ("Home-education contact", EHEContact, "record__child_id"),
        ("Home-education evidence", EHEEvidence, "record__child_id"),
        ("Attendance order notice", SAONotice, "record__child_id"),
        ("Part-time arrangement", PartTimeArrangement, "child_id"),
        ("Request for register information", InformationRequest, "child_id"),
        ("Retention erasure", Erasure, None),
        ("Retention schedule", RetentionSettings, None),
        ("Subject access request", SubjectAccessRequest, "child_id"),
    ]


def test_a_second_model_under_a_label_already_tracked_is_refused() -> None:
    with pytest.raises(ValueError, match="already tracks a model labelled 'Child'"):
        track(Tracked("Child", Carer, "child_id", str))
    assert [t.model for t in tracked() if t.label == "Child"] == [Child]


def test_a_model_that_keeps_no_history_cannot_be_tracked() -> None:
    with pytest.raises(ValueError, match="keeps no history"):
        track(Tracked("Record view", RecordView, "child_id", str))
    assert "Record view" not in {t.label for t in tracked()}
