"""The Roll Call features an action can be delivered by: a label people recognise and the URL name
of the page that shows it.

An action links to one of these and/or to a policy, so the committee can follow a promise in the
plan to the place in Roll Call where it is kept. Data, not a model: adding a feature is one line
here (no migration, because the model stores only the key). A URL name that does not resolve
(an area not built yet) shows the label without a link rather than failing the page.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse


@dataclass(frozen=True)
class Feature:
    key: str
    label: str
    url_name: str

    @property
    def url(self) -> str:
        """The page's address, or "" if that page does not exist (yet)."""
        try:
            return reverse(self.url_name)
        except NoReverseMatch:
            return ""


FEATURES: tuple[Feature, ...] = (
    Feature(
        "application_risk",
        "In-year applications: vulnerability flag and risk assessment",
        "admissions:application_new",
    ),
    Feature("checkoff", "Vulnerable applicants check-off list", "admissions:checkoff"),
    Feature("fair_access", "Fair Access Protocol referrals", "admissions:fair_access"),
    Feature("waiting", "Children waiting for a school place", "admissions:waiting"),
    Feature("deferred", "Deferred school places", "admissions:deferred"),
    Feature(
        "removal_notice", "Schools tell the council a pupil left (removal from roll)", "returns:removal-new"
    ),
    Feature("caseload", "Children missing education cases, enquiries and escalations", "casework:caseload"),
    Feature(
        "health_cases", "Health-needs cases: referral, named contact, monthly check-ins", "casework:caseload"
    ),
    Feature("health_report", "Schools report absence through illness (15+ days)", "health:report-new"),
    Feature(
        "sen_panel",
        "SEN panel: a child not attending school is passed to Access to Education",
        "health:sen-panel",
    ),
    Feature("policies", "Policies and their versions", "policies:list"),
    Feature("policy_circulation", "Policy circulation and acknowledgements", "policies:list"),
    Feature("published_policies", "Published policies (the public Local Offer page)", "policies:published"),
    Feature("action_plans", "Ombudsman action plans and the scrutiny report", "actionplans:scrutiny"),
    Feature("reports", "Reports to managers, DMT and the scrutiny committee", "reports:index"),
)
FEATURES_BY_KEY: dict[str, Feature] = {f.key: f for f in FEATURES}
FEATURE_CHOICES: list[tuple[str, str]] = [("", "None"), *((f.key, f.label) for f in FEATURES)]


def feature(key: str) -> Feature | None:
    return FEATURES_BY_KEY.get(key)
