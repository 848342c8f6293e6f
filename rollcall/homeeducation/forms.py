"""Home-education forms, with GOV.UK error messages (docs/home-education.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from rollcall.forms import DateField
from rollcall.homeeducation.models import EHEContact, EHEEvidence, EHERecord, SAONotice
from rollcall.homeeducation.services import EducationFacts
from rollcall.returns.forms import PupilDetailsForm
from rollcall.rules.workflow import EHE


def _radio(label: str, choices: Any, message: str) -> forms.ChoiceField:
    return forms.ChoiceField(
        label=label, choices=choices, widget=forms.RadioSelect, error_messages={"required": message}
    )


def _text(label: str, message: str, rows: int = 4) -> forms.CharField:
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": rows}), error_messages={"required": message}
    )


def _date(label: str) -> DateField:
    return DateField(label=label, past_only=True, required=True, help_text="For example, 16 11 2026")


class EducationForm(forms.Form):
    """The parents and the education provided (who, hours, where)."""

    parents = forms.CharField(
        label="Parents",
        required=False,
        help_text="Each parent's name, address and how to reach them.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    educated_by = forms.CharField(
        label="Who provides the education (optional)",
        required=False,
        help_text="For example, the parents, a tutor, an online school.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    hours_per_week = forms.DecimalField(
        label="Hours of education a week (optional)",
        required=False,
        min_value=Decimal(0),
        max_value=Decimal(100),
        max_digits=4,
        decimal_places=1,
        widget=forms.TextInput(attrs={"width": "4", "inputmode": "decimal"}),
        error_messages={
            "invalid": "Hours of education a week must be a number, like 20 or 17.5",
            "min_value": "Hours of education a week must be 0 or more",
            "max_value": "Hours of education a week must be 100 or fewer",
        },
    )
    where = forms.CharField(
        label="Where the child is taught (optional)",
        required=False,
        help_text="For example, at home, at a tutor's address, online.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def facts(self) -> EducationFacts:
        d = self.cleaned_data
        return EducationFacts(
            parents=d.get("parents", ""),
            educated_by=d.get("educated_by", ""),
            hours_per_week=d.get("hours_per_week"),
            where=d.get("where", ""),
        )


class RegisterForm(PupilDetailsForm, EducationForm):
    """An officer registers a child as home educated."""

    notified_on = DateField(
        label="Date of the parent's written notice (optional)",
        past_only=True,
        required=False,
        help_text="For example, 2 11 2026",
    )
    special_school = forms.BooleanField(
        label="The child has a place at a special school arranged by the council",
        required=False,
        help_text="The council must consent before the school removes the child from its roll.",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_typed_pupil(cleaned)
        return cleaned


class ContactForm(forms.Form):
    made_on = _date("Date of the contact")
    method = _radio("How was the contact made?", EHEContact.Method.choices, "Select how the contact was made")
    with_whom = forms.CharField(label="Who with (optional)", required=False, max_length=200)
    notes = forms.CharField(
        label="Notes (optional)", required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class EvidenceForm(forms.Form):
    received_on = _date("Date received")
    kind = _radio("What kind of evidence?", EHEEvidence.Kind.choices, "Select the kind of evidence")
    description = _text("Describe the evidence", "Describe the evidence")


class JudgementForm(forms.Form):
    judgement = _radio(
        "Does the education appear suitable?",
        [c for c in EHERecord.Suitability.choices if c[0]],
        "Select whether the education appears suitable",
    )
    reasons = _text("Reasons", "Enter the reasons for your view")


class ConsentForm(forms.Form):
    decision = _radio(
        "Does the council consent to home education?",
        [("given", "Yes, consent given"), ("refused", "No, consent refused")],
        "Select whether the council consents",
    )
    reasons = _text("Reasons", "Enter the reasons for the decision")


class NoticeForm(forms.Form):
    served_on = _date("Date of service")
    method = _radio("How was it served?", SAONotice.Method.choices, "Select how it was served")
    reason = _text("Reason, as the letter gives it", "Enter the reason")
    schools_named = forms.CharField(
        label="School named, and any alternatives",
        required=False,
        help_text="Needed for a notice of intention and an order.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class ProsecutionForm(forms.Form):
    eso_considered = _text(
        "Why is an education supervision order not enough? (s.447)",
        "Enter why an education supervision order is not enough",
    )


class RecordFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any open record"), *((code, label) for code, label in EHE.statuses.items())],
    )
    review_before = DateField(label="Next review before", required=False, help_text="For example, 31 1 2027")

    def status_value(self) -> str:
        return str(self.cleaned_data.get("status") or "") if self.is_valid() else ""

    def review_before_value(self) -> dt.date | None:
        return self.cleaned_data.get("review_before") if self.is_valid() else None
