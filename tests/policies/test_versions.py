"""No lost updates on a policy's details (issue 11): the edit form carries the version it read.

Two managers open the same policy's "Change the details" form; the first saves, the second's
save is refused with 409 and the GOV.UK error summary saying what changed, their input kept.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from rollcall.accounts.models import User
from rollcall.concurrency import STALE, EditConflict
from rollcall.policies import services
from rollcall.policies.models import Policy
from rollcall.policies.services import PolicyError
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("council")]


def details(policy: Policy, **changes: str) -> dict[str, str]:
    data = {
        "title": policy.title,
        "summary": policy.summary,
        "owner": str(policy.owner_id),
        "local_offer_url": policy.local_offer_url,
        "review_date_0": "",
        "review_date_1": "",
        "review_date_2": "",
        "audience_note": policy.audience_note,
        "version": str(policy.version),
    }
    data.update(changes)
    return data


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_edit_form_carries_the_version_it_was_opened_at(policy: Policy, head_of_service: User) -> None:
    page = signed_in(head_of_service).get(reverse("policies:edit", args=[policy.pk]))

    assert page.status_code == 200
    assert f'name="version" value="{policy.version}"' in page.content.decode()


def test_a_save_moves_the_version_on(policy: Policy, head_of_service: User) -> None:
    response = signed_in(head_of_service).post(
        reverse("policies:edit", args=[policy.pk]), details(policy, summary="Who we tell, and when")
    )

    assert response.status_code == 302
    saved = Policy.objects.get(pk=policy.pk)
    assert (saved.summary, saved.version) == ("Who we tell, and when", policy.version + 1)
    assert saved.history.latest().history_user == head_of_service


def test_the_second_of_two_managers_saving_the_same_policy_is_refused_with_what_changed(
    policy: Policy, head_of_service: User
) -> None:
    admin = factories.administrator(username="admin")
    first, second = signed_in(head_of_service), signed_in(admin)
    opened = details(policy)  # both opened the form at the same version

    saved = first.post(
        reverse("policies:edit", args=[policy.pk]), {**opened, "title": "Children missing education"}
    )
    stale = second.post(reverse("policies:edit", args=[policy.pk]), {**opened, "audience_note": "Schools"})

    assert saved.status_code == 302
    assert stale.status_code == 409
    page = stale.content.decode()
    assert "govuk-error-summary" in page
    assert STALE in page
    assert "Children missing education" in page  # what the first manager saved, in "What changed"
    assert 'value="Schools"' in page  # the second manager's input is kept
    policy.refresh_from_db()
    assert (policy.title, policy.audience_note) == ("Children missing education", "")
    # Having seen the change, saving again replaces it knowingly.
    again = second.post(
        reverse("policies:edit", args=[policy.pk]),
        {**opened, "audience_note": "Schools", "version": str(policy.version)},
    )
    assert again.status_code == 302
    policy.refresh_from_db()
    assert policy.audience_note == "Schools"


def test_the_service_refuses_a_stale_version_and_saves_nothing(policy: Policy, head_of_service: User) -> None:
    services.policy_change(
        policy=policy, actor=head_of_service, expected_version=policy.version, review_date=dt.date(2027, 3, 1)
    )

    with pytest.raises(EditConflict) as refused:
        services.policy_change(
            policy=policy, actor=head_of_service, expected_version=1, title="Something else"
        )

    assert [(c.label, c.now) for c in refused.value.changes] == [("Review date", "1 March 2027")]
    assert Policy.objects.get(pk=policy.pk).title == policy.title


def test_only_a_manager_of_the_policy_may_change_it(policy: Policy, inclusion_officer: User) -> None:
    assert signed_in(inclusion_officer).get(reverse("policies:edit", args=[policy.pk])).status_code == 403
    with pytest.raises(PolicyError):
        services.policy_change(
            policy=policy, actor=inclusion_officer, expected_version=policy.version, title="X"
        )


# ---- the API ------------------------------------------------------------------------------------


def test_the_api_gives_the_policy_with_its_version_as_an_etag(
    policy: Policy, inclusion_officer: User, token_client
) -> None:
    response = token_client(inclusion_officer).get(f"/api/v1/policies/{policy.pk}/")

    assert response.status_code == 200
    assert response["ETag"] == f'"{policy.version}"'
    assert response.json()["version"] == policy.version


def test_an_api_change_with_the_version_read_is_saved(
    policy: Policy, head_of_service: User, token_client
) -> None:
    response = token_client(head_of_service).patch(
        f"/api/v1/policies/{policy.pk}/",
        {"review_date": "2027-03-01", "version": policy.version},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["review_date"] == "2027-03-01"
    assert response["ETag"] == f'"{policy.version + 1}"'


def test_a_stale_api_change_is_refused_with_409_or_412_and_what_changed(
    policy: Policy, head_of_service: User, token_client
) -> None:
    client = token_client(head_of_service)
    client.patch(f"/api/v1/policies/{policy.pk}/", {"title": "Health needs", "version": 1}, format="json")

    by_body = client.patch(
        f"/api/v1/policies/{policy.pk}/", {"summary": "Lost?", "version": 1}, format="json"
    )
    by_header = client.patch(
        f"/api/v1/policies/{policy.pk}/", {"summary": "Lost?"}, format="json", HTTP_IF_MATCH='"1"'
    )

    assert (by_body.status_code, by_header.status_code) == (409, 412)
    body = by_body.json()
    assert body["detail"] == STALE
    assert {"field": "Title", "was": policy.title, "now": "Health needs"} in body["changes"]
    assert body["current"]["version"] == 2
    assert by_header["ETag"] == '"2"'
    assert Policy.objects.get(pk=policy.pk).summary == ""


def test_an_api_change_without_a_version_is_refused(
    policy: Policy, head_of_service: User, token_client
) -> None:
    response = token_client(head_of_service).patch(
        f"/api/v1/policies/{policy.pk}/", {"summary": "X"}, format="json"
    )

    assert response.status_code == 400
    assert "version" in response.json()
    assert Policy.objects.get(pk=policy.pk).version == policy.version


def test_only_the_policys_managers_change_it_and_schools_do_not_read_it(
    policy: Policy, inclusion_officer: User, school_user: User, token_client
) -> None:
    change = {"summary": "X", "version": policy.version}
    assert (
        token_client(inclusion_officer)
        .patch(f"/api/v1/policies/{policy.pk}/", change, format="json")
        .status_code
        == 403
    )
    assert token_client(school_user).get(f"/api/v1/policies/{policy.pk}/").status_code == 403
