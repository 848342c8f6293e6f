"""Forms for policies, versions and circulation campaigns (GOV.UK markup via the shared templates)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.forms import DateField, version_field
from rollcall.policies.models import MAX_FILE_BYTES, CirculationCampaign, validate_policy_file
from rollcall.rules import circulation


class PolicyForm(forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    summary = forms.CharField(
        label="Summary (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    owner = forms.ModelChoiceField(
        label="Owner", queryset=User.objects.none(), help_text="The officer who keeps it up to date."
    )
    local_offer_url = forms.URLField(
        label="Local Offer page (optional)",
        required=False,
        assume_scheme="https",
        help_text="The address where the public can read it on the council's website.",
    )
    review_date = DateField(label="Review date", required=False)
    audience_note = forms.CharField(label="Who it is for (optional)", required=False, max_length=300)
    version = version_field()

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if creating:
            del self.fields["version"]  # a new policy has no version to compare with yet
        owner = self.fields["owner"]
        owner.queryset = (  # type: ignore[attr-defined]
            User.objects.filter(is_active=True, memberships__team__isnull=False)
            .distinct()
            .order_by("last_name", "first_name")
        )


class VersionForm(forms.Form):
    text = forms.CharField(
        label="Text of the policy",
        required=False,
        widget=forms.Textarea(attrs={"rows": 15}),
        help_text="Plain text; a blank line starts a new paragraph.",
    )
    file = forms.FileField(
        label="Or attach the document (optional)",
        required=False,
        help_text=f"A PDF or Word (.docx) file, up to {MAX_FILE_BYTES // (1024 * 1024)} MB.",
        validators=[validate_policy_file],
    )
    change_summary = forms.CharField(label="What has changed (optional)", required=False, max_length=300)

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if not str(data.get("text") or "").strip() and not data.get("file") and not self.errors:
            self.add_error("text", "Enter the policy's text or attach a file")
        return data


class CampaignForm(forms.Form):
    audience = forms.ChoiceField(
        label="Who should read it",
        choices=CirculationCampaign.Audience.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who should read it"},
    )
    team = forms.ModelChoiceField(
        label="Team (if you chose one team)", queryset=Team.objects.order_by("name"), required=False
    )
    acknowledge_by = DateField(label="Acknowledge by")
    recurs = forms.TypedChoiceField(
        label="Send it again every six months?",
        choices=[("yes", "Yes, every six months"), ("no", "No, just this once")],
        widget=forms.RadioSelect,
        coerce=lambda v: v == "yes",
        error_messages={"required": "Select whether to send it again every six months"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"acknowledge_by": circulation.acknowledge_by(clock.today()), "recurs": "yes"}
        )
        super().__init__(*args, **kwargs)

    def clean_acknowledge_by(self) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get("acknowledge_by")
        if value is not None and value < clock.today():
            raise forms.ValidationError("Acknowledge by must be today or in the future")
        return value

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if data.get("audience") == CirculationCampaign.Audience.TEAM and not data.get("team"):
            self.add_error("team", "Select the team")
        return data

    @property
    def recurs_every_months(self) -> int:
        return circulation.DEFAULT_RECUR_MONTHS if self.cleaned_data.get("recurs") else 0
