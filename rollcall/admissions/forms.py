"""The admissions forms, with GOV.UK wording for every error."""

from __future__ import annotations

from typing import Any

from django import forms

from rollcall.accounts.models import Team
from rollcall.admissions.models import ANSWER_CHOICES, Contact, FairAccessReferral
from rollcall.forms import DateField, version_field
from rollcall.rules.upn import upn_errors
from rollcall.rules.vulnerability import CHARACTERISTICS, Answer
from rollcall.schools.models import School


def _schools() -> Any:
    return School.objects.order_by("name")


def _use_schools(form: forms.Form, name: str) -> None:
    """Fill a school select when the form is built (not at import, when there may be no table)."""
    field = form.fields[name]
    if isinstance(field, forms.ModelChoiceField):
        field.queryset = _schools()


class _SchoolField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class ApplicationForm(forms.Form):
    """An in-year application and its vulnerability risk assessment."""

    forename = forms.CharField(label="Child's legal first name", max_length=100)
    surname = forms.CharField(label="Child's legal last name", max_length=100)
    date_of_birth = DateField(label="Date of birth", past_only=True)
    upn = forms.CharField(label="Unique pupil number (UPN), if known", max_length=13, required=False)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    received_on = DateField(label="Date the application was received", past_only=True)
    preferred_school_1 = _SchoolField(label="First preference school", queryset=School.objects.none())
    preferred_school_2 = _SchoolField(
        label="Second preference school (optional)", queryset=School.objects.none(), required=False
    )
    preferred_school_3 = _SchoolField(
        label="Third preference school (optional)", queryset=School.objects.none(), required=False
    )
    reason_for_move = forms.CharField(label="Reason for the move", widget=forms.Textarea(attrs={"rows": 3}))
    current_school = _SchoolField(
        label="Current school (if any)", queryset=School.objects.none(), required=False, empty_label="None"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("preferred_school_1", "preferred_school_2", "preferred_school_3", "current_school"):
            _use_schools(self, name)
        for c in CHARACTERISTICS:
            self.fields[c.code] = forms.ChoiceField(
                label=c.question,
                choices=ANSWER_CHOICES,
                widget=forms.RadioSelect(attrs={"inline": True}),
                error_messages={"required": f"Answer: {c.question} (choose 'Not known' if you do not know)"},
            )
            self.fields[f"{c.code}_evidence"] = forms.CharField(
                label=f"Evidence ({c.reason})",
                help_text="Required for a 'yes': where the information came from.",
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def characteristic_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[c.code], self[f"{c.code}_evidence"]) for c in CHARACTERISTICS]

    def detail_fields(self) -> list[forms.BoundField]:
        names = [
            "forename",
            "surname",
            "date_of_birth",
            "upn",
            "postcode",
            "received_on",
            "preferred_school_1",
            "preferred_school_2",
            "preferred_school_3",
            "reason_for_move",
            "current_school",
        ]
        return [self[n] for n in names]

    def clean_upn(self) -> str:
        upn = str(self.cleaned_data.get("upn") or "").strip().upper()
        if upn:
            errors = upn_errors(upn)
            if errors:
                raise forms.ValidationError(errors[0])
        return upn

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for c in CHARACTERISTICS:
            if data.get(c.code) == Answer.YES and not str(data.get(f"{c.code}_evidence") or "").strip():
                self.add_error(f"{c.code}_evidence", f"Give the evidence for '{c.question}'")
        return data


class OfferForm(forms.Form):
    school = _SchoolField(label="School offered", queryset=School.objects.none())
    decision_date = DateField(label="Decision date")
    offered_on = DateField(label="Date of the offer")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _use_schools(self, "school")


class ConfirmForm(forms.Form):
    """The school's answer to a put-on-roll request."""

    on_roll = forms.ChoiceField(
        label="Is the child on your school's roll?",
        choices=[("yes", "Yes, on roll"), ("no", "No, not on roll")],
        widget=forms.RadioSelect,
    )
    on_roll_from = DateField(label="On roll from", required=False)
    attended_from = DateField(
        label="First day the child attended (if they have started)", required=False, past_only=True
    )
    reason = forms.CharField(
        label="If not on roll, why not?", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    version = version_field()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("on_roll") == "yes" and not data.get("on_roll_from"):
            self.add_error("on_roll_from", "Enter the date the child is on roll from")
        if data.get("on_roll") == "no" and not str(data.get("reason") or "").strip():
            self.add_error("reason", "Say why the child is not on roll")
        return data


class ContactForm(forms.Form):
    party = forms.ChoiceField(
        label="Who did you contact?", choices=Contact.Party.choices, widget=forms.RadioSelect
    )
    made_on = DateField(label="Date of contact", past_only=True)
    intent = forms.ChoiceField(
        label="Will the child take up the place?", choices=Contact.Intent.choices, widget=forms.RadioSelect
    )
    details = forms.CharField(label="Details", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class CheckOffFilterForm(forms.Form):
    STATUS_CHOICES = [
        ("waiting", "Awaiting confirmation"),
        ("overdue", "Answer overdue"),
        ("not_on_roll", "School says not on roll"),
        ("checked_off", "Checked off"),
        ("referred", "Referred as CME"),
        ("all", "All"),
    ]
    status = forms.ChoiceField(label="Status", choices=STATUS_CHOICES, required=False)
    school = _SchoolField(
        label="School", queryset=School.objects.none(), required=False, empty_label="Any school"
    )
    team = forms.ModelChoiceField(
        label="Team that owns the case", queryset=Team.objects.none(), required=False, empty_label="Any team"
    )
    owner = forms.ChoiceField(
        label="Owner", choices=[("", "Anyone"), ("mine", "My cases only")], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _use_schools(self, "school")
        team = self.fields["team"]
        if isinstance(team, forms.ModelChoiceField):
            team.queryset = Team.objects.order_by("name")
        team = self.fields["team"]
        if isinstance(team, forms.ModelChoiceField):
            team.queryset = Team.objects.order_by("name")


class FairAccessForm(forms.Form):
    forename = forms.CharField(label="Child's legal first name", max_length=100)
    surname = forms.CharField(label="Child's legal last name", max_length=100)
    date_of_birth = DateField(label="Date of birth", past_only=True)
    upn = forms.CharField(label="UPN, if known", max_length=13, required=False)
    category = forms.ChoiceField(
        label="Fair Access category (School Admissions Code 2021)",
        choices=FairAccessReferral.Category.choices,
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(label="Reason for the referral", widget=forms.Textarea(attrs={"rows": 3}))
    schools_considered = forms.ModelMultipleChoiceField(
        label="Schools considered", queryset=School.objects.none(), required=False
    )
    taken_into_protocol_on = DateField(label="Date taken into the protocol")
    panel_date = DateField(label="Panel date (if set)", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _use_schools(self, "schools_considered")


class AllocateForm(forms.Form):
    school = _SchoolField(label="School allocated", queryset=School.objects.none())
    panel_date = DateField(label="Panel date")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _use_schools(self, "school")


class AdmittedForm(forms.Form):
    admitted_on = DateField(label="Date admitted (on roll from)")


class DeferredForm(forms.Form):
    forename = forms.CharField(label="Child's legal first name", max_length=100)
    surname = forms.CharField(label="Child's legal last name", max_length=100)
    date_of_birth = DateField(label="Date of birth", past_only=True)
    school = _SchoolField(label="School", queryset=School.objects.none())
    due_to_start = DateField(label="Date the child is due to start")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _use_schools(self, "school")
