import datetime as dt

import pytest

from rollcall.accounts.models import Team
from rollcall.casework.models import Case
from rollcall.casework.services import case_open, case_transition, enquiry_record
from rollcall.casework.sweep import sweep
from tests import factories


@pytest.mark.django_db
def test_a_cme_case_opens_escalates_and_closes(council, frozen_clock, inclusion_officer, inclusion_manager):
    child = factories.ChildFactory.create()
    case = case_open(child=child, kind="cme", team=Team.objects.get(kind="inclusion"), source="test")
    assert case.owner == inclusion_officer
    assert case.next_action == "Make the first enquiry"
    assert case.next_action_due == dt.date(2026, 11, 17)
    run = sweep(today=dt.date(2026, 11, 30))
    case.refresh_from_db()
    assert run.counts["manager"] == 1
    assert case.escalation_level == 1
    assert sweep(today=dt.date(2026, 11, 30)).counts["manager"] == 0
    enquiry_record(
        case=case, actor=inclusion_officer, party="carers", made_on=dt.date(2026, 11, 16), result="located"
    )
    case.refresh_from_db()
    assert case.status == "enquiries"
    case_transition(case=case, target="awaiting_approval", actor=inclusion_officer, outcome="ehe_registered")
    case_transition(case=case, target="closed", actor=inclusion_manager)
    case.refresh_from_db()
    assert case.closed_at is not None
    assert case.outcome == "ehe_registered"
    assert Case.objects.open().count() == 0
