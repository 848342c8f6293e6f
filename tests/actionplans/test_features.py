"""The Roll Call features an action can link to are real pages."""

from __future__ import annotations

from django.urls import resolve

from rollcall.actionplans.features import FEATURES, feature


def test_every_feature_names_a_page_that_exists() -> None:
    for f in FEATURES:
        assert f.url, f"{f.key}: {f.url_name} does not resolve"
        assert resolve(f.url).view_name == f.url_name


def test_the_check_off_list_and_policy_circulation_are_among_them() -> None:
    checkoff = feature("checkoff")
    assert checkoff is not None
    assert (checkoff.label, checkoff.url_name) == (
        "Vulnerable applicants check-off list",
        "admissions:checkoff",
    )
    circulation = feature("policy_circulation")
    assert circulation is not None
    assert circulation.url_name == "policies:list"
    assert feature("no-such-feature") is None
