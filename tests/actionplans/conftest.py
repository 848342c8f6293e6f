"""Fixtures for action plans: a complaint recorded by the head of service, with a few actions."""

from __future__ import annotations

import datetime as dt

import pytest

from rollcall.accounts.models import Membership, User
from rollcall.actionplans import services
from rollcall.actionplans.models import Action, Complaint
from rollcall.rules.workflow import Role
from tests import factories


@pytest.fixture
def reader(db: None) -> User:
    """A scrutiny committee member: the reports-reader role and nothing else."""
    user = factories.UserFactory.create(username="committee.member")
    Membership.objects.create(user=user, role=Role.READER.value)
    return user


@pytest.fixture
def complaint(frozen_clock: object, head_of_service: User) -> Complaint:
    return services.complaint_record(
        facts=services.ComplaintFacts(
            reference="25 001 002",
            title="Action plan following the ombudsman's decision on a child out of school",
            decision_on=dt.date(2026, 3, 2),
            summary="The council took too long to arrange education for a child unable to attend school.",
            findings="Nobody owned the case for six weeks.\nThe family was not told who to contact.",
            recommendations="Apologise to the family.\nReview the process and report to scrutiny.",
        ),
        actor=head_of_service,
    )


@pytest.fixture
def action(complaint: Complaint, head_of_service: User, inclusion_officer: User) -> Action:
    return services.action_add(
        complaint=complaint,
        facts=services.ActionFacts(
            description="Publish the policy on the Local Offer.",
            owner_title="Head of Access to Education",
            due_on=dt.date(2026, 11, 2),
            responsible=inclusion_officer,
            feature="published_policies",
        ),
        actor=head_of_service,
    )
