"""Home-education forms, with GOV.UK error messages (docs/home-education.md)."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Any

from django import forms

from rollcall.forms import DateField
from rollcall.homeeducation import letters
from rollcall.homeeducation.models import (
    EHEContact,
    EHEEvidence,
    EHERecord,
    InformationRequest,
    PartTimeArrangement,
    SAONotice,
)
from rollcall.homeeducation.notinschool import ArrangementFacts
from rollcall.homeeducation.services import EducationFacts, NotificationFacts
from rollcall.returns.forms import PupilDetailsForm
from rollcall.rules.not_in_school import SESSIONS_PER_WEEK, arrangement_problems
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

    reason = forms.ChoiceField(
        label="The parent's main reason for home education (optional)",
        required=False,
        choices=EHERecord.Reason.choices,
        help_text="Only if the parent chose to say. Parents do not have to give a reason.",
    )

    def facts(self) -> EducationFacts:
        d = self.cleaned_data
        return EducationFacts(
            parents=d.get("parents", ""),
            educated_by=d.get("educated_by", ""),
            hours_per_week=d.get("hours_per_week"),
            where=d.get("where", ""),
            reason=d.get("reason", "") or "",
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
        help_text="Needed for a notice of intention, an order and an amendment of the order.",
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


_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$")


class ParentNotificationForm(forms.Form):
    """The public form: a parent tells the council their child is educated at home."""

    child_forename = forms.CharField(
        label="Child's first name",
        max_length=100,
        error_messages={"required": "Enter your child's first name"},
    )
    child_surname = forms.CharField(
        label="Child's last name", max_length=100, error_messages={"required": "Enter your child's last name"}
    )
    child_date_of_birth = DateField(
        label="Child's date of birth", past_only=True, required=True, help_text="For example, 27 3 2015"
    )
    address_line_1 = forms.CharField(
        label="Address line 1",
        max_length=200,
        error_messages={"required": "Enter the first line of your address"},
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    town = forms.CharField(
        label="Town or city (optional)",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        error_messages={"required": "Enter your postcode"},
        widget=forms.TextInput(attrs={"autocomplete": "postal-code", "width": "10"}),
    )
    school_name = forms.CharField(
        label="School your child goes to or has left (optional)", max_length=200, required=False
    )
    home_educating_from = DateField(
        label="Date you started, or will start, educating your child at home (optional)",
        required=False,
        help_text="For example, 2 11 2026",
    )
    parent_name = forms.CharField(
        label="Your full name",
        max_length=200,
        error_messages={"required": "Enter your full name"},
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    parent_email = forms.EmailField(
        label="Email address (optional)",
        required=False,
        error_messages={"invalid": "Enter an email address in the correct format, like name@example.com"},
        widget=forms.EmailInput(attrs={"autocomplete": "email", "spellcheck": "false"}),
    )
    parent_phone = forms.CharField(
        label="Phone number (optional)",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    education = forms.CharField(
        label="Tell us about your child's education (optional)",
        required=False,
        help_text="For example, who will teach your child and where. You do not have to tell us now.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_postcode(self) -> str:
        value = " ".join(str(self.cleaned_data.get("postcode") or "").upper().split())
        if not _POSTCODE.match(value):
            raise forms.ValidationError("Enter a real postcode, like NM1 2AB")
        return value

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            not cleaned.get("parent_email")
            and not cleaned.get("parent_phone")
            and "parent_email" not in self.errors
        ):
            self.add_error("parent_email", "Enter an email address or a phone number so we can contact you")
        return cleaned

    def facts(self) -> NotificationFacts:
        d = self.cleaned_data
        return NotificationFacts(
            child_forename=d["child_forename"],
            child_surname=d["child_surname"],
            child_date_of_birth=d["child_date_of_birth"],
            address_line_1=d["address_line_1"],
            town=d["town"],
            postcode=d["postcode"],
            school_name=d["school_name"],
            home_educating_from=d.get("home_educating_from"),
            parent_name=d["parent_name"],
            parent_email=d["parent_email"],
            parent_phone=d["parent_phone"],
            education=d["education"],
        )


class NotificationDecisionForm(forms.Form):
    decision = _radio(
        "Are these details genuine, and do they describe a child in the council's area?",
        [("confirm", "Yes, register the child as home educated"), ("refuse", "No, refuse the notification")],
        "Select whether to register the child or refuse the notification",
    )
    note = _text("How did you check the details?", "Say how you checked the details", rows=3)


class LetterTemplateForm(forms.Form):
    """An administrator's words for one letter (plain text with placeholders, never template code)."""

    heading = forms.CharField(
        label="Heading",
        max_length=200,
        error_messages={
            "required": "Enter the heading",
            "max_length": "The heading must be 200 characters or fewer",
        },
    )
    body = forms.CharField(
        label="The words of the letter",
        help_text="Leave a blank line between paragraphs. Start a line with ## for a heading. "
        "Put ** either side of words to make them bold. Use the placeholders listed below.",
        widget=forms.Textarea(attrs={"rows": 18}),
        error_messages={"required": "Enter the words of the letter"},
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("heading", "body"):
            unknown = letters.unknown_placeholders(cleaned.get(name, ""))
            if unknown:
                listed = ", ".join("{" + u + "}" for u in unknown)
                self.add_error(name, f"Roll Call does not know {listed}: use only the placeholders listed")
        return cleaned


# ---- the register's own records: part-time arrangements and requests for information ----------


class ArrangementForm(forms.Form):
    """A pupil on a school's roll educated elsewhere for part of the week (s.436B(b)).

    The school is the signed-in school user's own; the EHE team names it by its URN."""

    school_urn = forms.CharField(
        label="School's URN",
        max_length=10,
        help_text="The school the pupil is registered at, for example 100001.",
        error_messages={"required": "Enter the school's URN"},
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10", "inputmode": "numeric"}),
    )
    upn = forms.CharField(
        label="Pupil's UPN (if known)",
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20", "spellcheck": "false"}),
    )
    first_name = forms.CharField(label="Pupil's first name", required=False, max_length=100)
    last_name = forms.CharField(label="Pupil's last name", required=False, max_length=100)
    date_of_birth = DateField(
        label="Pupil's date of birth", required=False, past_only=True, help_text="For example, 27 3 2015"
    )
    kind = _radio(
        "What kind of arrangement?", PartTimeArrangement.Kind.choices, "Select the kind of arrangement"
    )
    sessions_elsewhere = forms.IntegerField(
        label="Sessions a week educated elsewhere",
        min_value=1,
        max_value=SESSIONS_PER_WEEK,
        help_text="A session is a morning or an afternoon: a school week has 10.",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-2", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the sessions a week educated elsewhere",
            "invalid": "Sessions a week must be a whole number, like 4",
            "min_value": f"Sessions a week must be between 1 and {SESSIONS_PER_WEEK}",
            "max_value": f"Sessions a week must be between 1 and {SESSIONS_PER_WEEK}",
        },
    )
    provider = forms.CharField(
        label="Who educates the pupil elsewhere",
        max_length=200,
        help_text="The parents, or the provider's name.",
        error_messages={"required": "Enter who educates the pupil elsewhere"},
    )
    provider_type = _radio(
        "What kind of provider?", PartTimeArrangement.ProviderType.choices, "Select the kind of provider"
    )
    provider_address = forms.CharField(
        label="Where the pupil is taught elsewhere (optional)",
        required=False,
        help_text="The provider's address, or a website or e-mail address if online.",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    parents = forms.CharField(
        label="Parents (optional)",
        required=False,
        help_text="Each parent's name and home address.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    starts_on = DateField(
        label="Date the arrangement starts", required=True, help_text="For example, 2 11 2026"
    )
    ends_on = DateField(
        label="Date the arrangement ends (optional)",
        required=False,
        help_text="Leave blank if not agreed yet.",
    )

    def __init__(self, *args: Any, school_fixed: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if school_fixed:
            del self.fields["school_urn"]

    def clean_upn(self) -> str:
        return "".join(str(self.cleaned_data.get("upn") or "").upper().split())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        named = cleaned.get("first_name") and cleaned.get("last_name") and cleaned.get("date_of_birth")
        if not cleaned.get("upn") and not named and "first_name" not in self.errors:
            self.add_error(
                "first_name", "Enter the pupil's UPN, or their first name, last name and date of birth"
            )
        for name, problem in arrangement_problems(
            cleaned.get("starts_on"), cleaned.get("ends_on"), cleaned.get("sessions_elsewhere")
        ).items():
            if name not in self.errors and name in self.fields and cleaned.get(name) is not None:
                self.add_error(name, problem)
        return cleaned

    def facts(self) -> ArrangementFacts:
        d = self.cleaned_data
        return ArrangementFacts(
            kind=d["kind"],
            sessions_elsewhere=d["sessions_elsewhere"],
            provider=d["provider"],
            provider_type=d["provider_type"],
            starts_on=d["starts_on"],
            provider_address=d.get("provider_address", ""),
            parents=d.get("parents", ""),
            ends_on=d.get("ends_on"),
        )


class ArrangementEndForm(forms.Form):
    ends_on = DateField(label="Date the arrangement ends", required=True, help_text="For example, 18 12 2026")


class RequestForm(forms.Form):
    recipient = _radio(
        "Who is the request to?", InformationRequest.Recipient.choices, "Select who the request is to"
    )
    addressed_to = forms.CharField(
        label="Name of the parent or provider",
        max_length=200,
        error_messages={"required": "Enter the name of the parent or provider"},
    )
    asked_for = _text("What the council asked for", "Enter what the council asked for", rows=3)
    sent_on = _date("Date the request was sent")


class AnswerForm(forms.Form):
    answered_on = _date("Date the answer was received")
    answer = _text("The answer, or what it said", "Enter the answer, or what it said")


class RequestFilterForm(forms.Form):
    state = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[("", "Waiting for an answer"), ("overdue", "Overdue"), ("answered", "Answered")],
    )
