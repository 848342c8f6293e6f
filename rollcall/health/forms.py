"""Health-needs forms, with GOV.UK error messages (docs/health-needs.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django import forms

from rollcall.accounts.models import User
from rollcall.formats import long_date
from rollcall.forms import DateField
from rollcall.health.models import YES_NO, CheckIn, HealthReport, ProvisionReferral, SenPanelRequest
from rollcall.health.services import CheckInFacts, ReferralFacts, ReportFacts
from rollcall.people.models import Child
from rollcall.returns.forms import PupilDetailsForm
from rollcall.schools.models import RollEntry, School


def _radio(
    label: str, choices: Any, message: str, *, inline: bool = False, **kwargs: Any
) -> forms.ChoiceField:
    attrs = {"inline": True} if inline else {}
    return forms.ChoiceField(
        label=label,
        choices=choices,
        widget=forms.RadioSelect(attrs=attrs),
        error_messages={"required": message},
        **kwargs,
    )


def _whole(label: str, *, required: bool = True, max_value: int = 200) -> forms.IntegerField:
    return forms.IntegerField(
        label=label,
        required=required,
        min_value=0,
        max_value=max_value,
        widget=forms.TextInput(attrs={"width": "3", "inputmode": "numeric"}),
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}",
            "invalid": f"{label} must be a whole number, like 15",
            "min_value": f"{label} must be 0 or more",
            "max_value": f"{label} must be {max_value} or fewer",
        },
    )


def _hours(label: str, max_value: int) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        min_value=Decimal(0),
        max_value=Decimal(max_value),
        max_digits=4,
        decimal_places=1,
        widget=forms.TextInput(attrs={"width": "4", "inputmode": "decimal"}),
        error_messages={
            "required": f"Enter the {label[0].lower()}{label[1:]}",
            "invalid": f"{label} must be a number, like 5 or 7.5",
            "min_value": f"{label} must be 0 or more",
            "max_value": f"{label} must be {max_value} or fewer",
            "max_decimal_places": f"{label} must have no more than 1 decimal place",
            "max_digits": f"{label} must be {max_value} or fewer",
        },
    )


def _evidence_errors(form: forms.Form, cleaned: dict[str, Any]) -> None:
    if cleaned.get("medical_evidence") == "yes":
        if not str(cleaned.get("evidence_from") or "").strip():
            form.add_error("evidence_from", "Enter who gave the medical evidence")
        if cleaned.get("evidence_date") is None and "evidence_date" not in form.errors:
            form.add_error("evidence_date", "Enter the date of the medical evidence")


class HealthReportForm(PupilDetailsForm):
    """ "Report a child absent through illness": a pupil on the school's roll, or typed details."""

    field_order = ["pupil", *PupilDetailsForm.base_fields]

    pupil = forms.ChoiceField(
        label="Pupil on your roll",
        required=False,
        help_text="Choose the pupil, or leave this and enter their details below",
    )
    first_day_absent = DateField(
        label="First day absent through illness",
        past_only=True,
        required=False,
        help_text="For example, 2 11 2026",
    )
    days_so_far = _whole("School days missed through illness so far this school year")
    expected_days = _whole("School days the child is expected to miss in all (if known)", required=False)
    pattern = _radio(
        "Are the days consecutive or cumulative?",
        HealthReport.Pattern.choices,
        "Select whether the days are consecutive or cumulative",
    )
    medical_evidence = _radio(
        "Is there medical evidence?",
        YES_NO,
        "Select yes if there is medical evidence",
        inline=True,
        help_text="Medical evidence is not needed before the council arranges education",
    )
    evidence_from = forms.CharField(
        label="Who gave the medical evidence?",
        required=False,
        max_length=200,
        help_text="For example, the child's GP or consultant",
    )
    evidence_date = DateField(label="Date of the medical evidence", required=False, past_only=True)
    details = forms.CharField(
        label="Anything else the council should know (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, school: School | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self._on_roll: dict[str, Child] = {}
        if school is not None:
            self._on_roll = {
                str(entry.child.pk): entry.child
                for entry in RollEntry.objects.filter(school=school, on_roll_to__isnull=True)
                .select_related("child")
                .order_by("child__legal_surname", "child__legal_forename", "child__pk")
            }
        self.fields["pupil"].choices = [("", "Choose a pupil")] + [  # type: ignore[attr-defined]
            (pk, f"{c.legal_surname}, {c.legal_forename} (born {long_date(c.date_of_birth)})")
            for pk, c in self._on_roll.items()
        ]
        if school is None:
            del self.fields["pupil"]

    def clean_first_day_absent(self) -> dt.date:
        value: dt.date | None = self.cleaned_data.get("first_day_absent")
        if value is None:
            raise forms.ValidationError("Enter the first day absent through illness")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        typed = self._typed_any(cleaned)
        if cleaned.get("pupil"):
            if typed:
                self.add_error("pupil", "Choose a pupil on your roll or enter the pupil's details, not both")
        elif self.school is not None and not typed and "date_of_birth" not in self.errors:
            self.add_error("pupil", "Choose a pupil on your roll, or enter the pupil's details")
        else:
            self._clean_typed_pupil(cleaned)
        _evidence_errors(self, cleaned)
        return cleaned

    def chosen_child(self) -> Child | None:
        return self._on_roll.get(self.cleaned_data.get("pupil") or "")

    def facts(self) -> ReportFacts:
        d = self.cleaned_data
        return ReportFacts(
            first_day_absent=d["first_day_absent"],
            days_so_far=d["days_so_far"],
            expected_days=d.get("expected_days"),
            pattern=d["pattern"],
            medical_evidence=d["medical_evidence"],
            evidence_from=d.get("evidence_from") or "",
            evidence_date=d.get("evidence_date"),
            details=d.get("details") or "",
        )


class ReferralForm(forms.Form):
    """The referral to the medical-needs provision."""

    medical_evidence = _radio(
        "Has medical evidence been received?",
        YES_NO,
        "Select yes if medical evidence has been received",
        inline=True,
        help_text="The referral can go without it when other evidence shows the child is unwell",
    )
    evidence_from = forms.CharField(label="Who gave the medical evidence?", required=False, max_length=200)
    evidence_date = DateField(label="Date of the medical evidence", required=False, past_only=True)
    health_needs = forms.CharField(
        label="The child's health needs",
        help_text="How the child's health affects their education; no more medical detail than the provision needs",
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the child's health needs"},
    )
    hours_per_week = _hours("Hours of education a week proposed", 40)
    kind = _radio("Kind of provision", ProvisionReferral.Kind.choices, "Select the kind of provision")
    kind_details = forms.CharField(
        label="Details of the other kind of provision", required=False, max_length=200
    )
    sen_status = _radio(
        "Special educational needs",
        ProvisionReferral.Sen.choices,
        "Select the child's special educational needs status",
    )
    consent = _radio(
        "Has the parent or carer consented to the referral?",
        YES_NO,
        "Select yes if the parent or carer has consented",
        inline=True,
    )
    consent_date = DateField(label="Date consent was given", required=False, past_only=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        _evidence_errors(self, cleaned)
        if (
            cleaned.get("kind") == ProvisionReferral.Kind.OTHER
            and not cleaned.get("kind_details", "").strip()
        ):
            self.add_error("kind_details", "Enter the details of the other kind of provision")
        if cleaned.get("consent") == "no":
            self.add_error("consent", "The parent or carer must consent before the referral is sent")
        elif (
            cleaned.get("consent") == "yes"
            and cleaned.get("consent_date") is None
            and "consent_date" not in self.errors
        ):
            self.add_error("consent_date", "Enter the date consent was given")
        return cleaned

    def facts(self) -> ReferralFacts:
        d = self.cleaned_data
        return ReferralFacts(
            medical_evidence=d["medical_evidence"],
            evidence_from=d.get("evidence_from") or "",
            evidence_date=d.get("evidence_date"),
            health_needs=d["health_needs"],
            hours_per_week=d["hours_per_week"],
            kind=d["kind"],
            kind_details=d.get("kind_details") or "",
            sen_status=d["sen_status"],
            consent=d["consent"],
            consent_date=d.get("consent_date"),
        )


class NamedContactForm(forms.Form):
    officer = forms.ModelChoiceField(
        label="Named contact",
        queryset=User.objects.none(),
        empty_label="Choose an officer",
        error_messages={"required": "Choose the named contact", "invalid_choice": "Choose the named contact"},
    )

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["officer"].queryset = officers  # type: ignore[attr-defined]


class CheckInForm(forms.Form):
    done_on = DateField(
        label="Date of the check-in", past_only=True, required=False, help_text="For example, 16 11 2026"
    )
    method = _radio("How did you check in?", CheckIn.Method.choices, "Select how you checked in")
    spoken_to = forms.CharField(
        label="Who did you speak to?", max_length=200, error_messages={"required": "Enter who you spoke to"}
    )
    situation = forms.CharField(
        label="How is the child?",
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "Enter how the child is"},
    )
    hours_received = _hours("Hours of education received this month", 200)
    actions = forms.CharField(
        label="Actions agreed (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_done_on(self) -> dt.date:
        value: dt.date | None = self.cleaned_data.get("done_on")
        if value is None:
            raise forms.ValidationError("Enter the date of the check-in")
        return value

    def facts(self) -> CheckInFacts:
        d = self.cleaned_data
        return CheckInFacts(
            done_on=d["done_on"],
            method=d["method"],
            spoken_to=d["spoken_to"],
            situation=d["situation"],
            hours_received=d["hours_received"],
            actions=d.get("actions") or "",
        )


class ReintegrationForm(forms.Form):
    school_urn = forms.CharField(
        label="URN of the school the child returns to",
        max_length=10,
        widget=forms.TextInput(attrs={"width": "10"}),
        error_messages={"required": "Enter the URN of the school"},
    )
    target_return_date = DateField(
        label="Target date of return", required=False, help_text="For example, 4 1 2027"
    )
    school_agreed = _radio(
        "Has the school agreed the plan?", YES_NO, "Select yes if the school has agreed the plan", inline=True
    )
    school_agreed_on = DateField(label="Date the school agreed", required=False, past_only=True)
    plan = forms.CharField(
        label="The plan",
        help_text="Phased timetable, support in school, who does what",
        widget=forms.Textarea(attrs={"rows": 6}),
        error_messages={"required": "Enter the plan"},
    )

    def clean_school_urn(self) -> School:
        urn = "".join(str(self.cleaned_data.get("school_urn") or "").split())
        school = School.objects.filter(urn=urn).first()
        if school is None:
            raise forms.ValidationError("Enter the URN of a school we know, like 100000")
        return school

    def clean_target_return_date(self) -> dt.date:
        value: dt.date | None = self.cleaned_data.get("target_return_date")
        if value is None:
            raise forms.ValidationError("Enter the target date of return")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("school_agreed") == "yes"
            and cleaned.get("school_agreed_on") is None
            and "school_agreed_on" not in self.errors
        ):
            self.add_error("school_agreed_on", "Enter the date the school agreed")
        return cleaned


class SenPanelRequestForm(PupilDetailsForm):
    """The SEN officer's record of a request to the SEN panel, with the one question that matters
    to Access to Education: is the child attending school?"""

    panel_date = DateField(label="Date of the panel", required=False, help_text="For example, 7 12 2026")
    attending_school = _radio(
        "Is the child currently attending school?",
        SenPanelRequest.Attending.choices,
        "Select whether the child is currently attending school",
        help_text="If not, Access to Education is told at once",
    )
    school_urn = forms.CharField(
        label="URN of the child's school (if any)",
        required=False,
        max_length=10,
        widget=forms.TextInput(attrs={"width": "10"}),
    )
    details = forms.CharField(
        label="Details (optional)", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def clean_panel_date(self) -> dt.date:
        value: dt.date | None = self.cleaned_data.get("panel_date")
        if value is None:
            raise forms.ValidationError("Enter the date of the panel")
        return value

    def clean_school_urn(self) -> School | None:
        urn = "".join(str(self.cleaned_data.get("school_urn") or "").split())
        if not urn:
            return None
        school = School.objects.filter(urn=urn).first()
        if school is None:
            raise forms.ValidationError("Enter the URN of a school we know, like 100000")
        return school

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_typed_pupil(cleaned)
        return cleaned


class PanelFilterForm(forms.Form):
    panel_date = DateField(label="Panel date", required=False)
