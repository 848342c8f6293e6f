"""Fixtures for policies: a published policy owned by the head of service."""

from __future__ import annotations

import pytest

from rollcall.accounts.models import User
from rollcall.policies import services
from rollcall.policies.models import Policy, PolicyVersion


@pytest.fixture
def policy(frozen_clock: object, head_of_service: User) -> Policy:
    return services.policy_create(
        title="Children unable to attend school because of health needs",
        owner=head_of_service,
        actor=head_of_service,
        local_offer_url="https://localoffer.northmoor.example/health-needs",
    )


@pytest.fixture
def published(policy: Policy, head_of_service: User) -> PolicyVersion:
    version = services.version_add(
        policy=policy, actor=head_of_service, text="Version one text.\n\nSecond paragraph."
    )
    return services.version_publish(version=version, actor=head_of_service)
