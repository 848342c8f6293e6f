"""Exclusion and penalty-notice forms, with GOV.UK error messages (docs/exclusions.md)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms

from rollcall.exclusions.models import Consideration
from rollcall.exclusions.services import ExclusionFacts
from rollcall.forms import DateField
from rollcall.returns.claims import Pupil
from rollcall.returns.forms import PupilDetailsForm
from rollcall.rules.exclusions import (
    REVIEW_OUTCOMES,
    ExclusionKind,
    ReviewOutcome,
    ReviewStep,
    ReviewStepRefused,
    outcome_check,
)
from rollcall.rules.penalties import MAX_FINE, ProsecutionStep


def _textarea(label: str, message: str, *, required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": message, "max_length": f"{label} must be 2000 characters or fewer"},
    )


def _line(label: str, message: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=200,
        error_messages={"required": message, "max_length": f"{label} must be 200 characters or fewer"},
    )


class ExclusionForm(PupilDetailsForm):
    """A school tells the council about a suspension or a permanent exclusion."""

    kind = forms.ChoiceField(
        label="What kind of exclusion is it?",
        choices=[(k.value, k.label) for k in ExclusionKind],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether it is a suspension or a permanent exclusion"},
    )
    first_day = DateField(label="First day of the exclusion", help_text="For example, 2 11 2026")
    days = forms.DecimalField(
        label="Length of the suspension, in school days",
        help_text="A lunchtime is half a day: 0.5. Leave empty for a permanent exclusion.",
        required=False,
        min_value=Decimal("0.5"),
        max_value=Decimal(45),
        max_digits=3,
        decimal_places=1,
        widget=forms.TextInput(attrs={"width": "3", "inputmode": "decimal"}),
        error_messages={
            "invalid": "The length must be a number of school days, like 3 or 2.5",
            "min_value": "The length must be at least half a day (0.5)",
            "max_value": "A pupil can be suspended for at most 45 school days in a school year",
            "max_decimal_places": "The length must be whole or half days, like 2.5",
            "max_digits": "The length must be 45 school days or fewer",
        },
    )
    reason = _textarea("Reason for the exclusion", "Enter the reason for the exclusion")
    misses_exam = forms.BooleanField(
        label="It means the pupil misses a public exam or national curriculum test", required=False
    )
    field_order = ["kind", "first_day", "days", "reason", "misses_exam", *PupilDetailsForm.base_fields]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_typed_pupil(cleaned)
        kind, days = cleaned.get("kind"), cleaned.get("days")
        if kind == ExclusionKind.SUSPENSION and days is None and "days" not in self.errors:
            self.add_error("days", "Enter how many school days the suspension lasts")
        if kind == ExclusionKind.PERMANENT and days is not None:
            self.add_error("days", "Leave the length empty for a permanent exclusion")
        if days is not None and (days * 2) % 1 and "days" not in self.errors:
            self.add_error("days", "The length must be whole or half days, like 2.5")
        return cleaned

    def facts(self) -> ExclusionFacts:
        data = self.cleaned_data
        return ExclusionFacts(
            kind=ExclusionKind(data["kind"]),
            first_day=data["first_day"],
            reason=data["reason"],
            days=data["days"],
            misses_exam=data["misses_exam"],
        )


class ProvisionForm(forms.Form):
    provision_from = DateField(label="Full-time education starts on", help_text="For example, 9 11 2026")
    provider = _line("Who provides it", "Enter who provides the education")


class ReviewStepForm(forms.Form):
    """A step of the route: the board, the review application, the panel, the reconsideration."""

    step = forms.ChoiceField(
        label="What happened?",
        choices=[(s.value, s.label) for s in ReviewStep],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened"},
    )
    on = DateField(label="Date", past_only=True, help_text="The day of the meeting or the application")
    outcome = forms.ChoiceField(
        label="Outcome (of a meeting)",
        choices=[("", "No outcome (an application)"), *((o.value, o.label) for o in ReviewOutcome)],
        required=False,
        help_text=(
            "A board: reinstated or upheld. A review panel: upheld, reconsideration recommended, or "
            "quashed and reconsideration directed."
        ),
        error_messages={"invalid_choice": "Select an outcome from the list"},
    )
    notice_sent_on = DateField(
        label="Date the board's decision was sent to the parents",
        required=False,
        help_text="A board's meeting only. The parents' time to apply for a review runs from it.",
    )
    notice_by_post = forms.BooleanField(label="Sent by first-class post", required=False)
    note = _textarea("Notes", "", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        step, outcome = cleaned.get("step"), cleaned.get("outcome")
        if not step or "outcome" in self.errors:
            return cleaned
        if REVIEW_OUTCOMES[ReviewStep(step)] and not outcome:
            self.add_error("outcome", "Select the meeting's outcome")
            return cleaned
        try:
            outcome_check(ReviewStep(step), ReviewOutcome(outcome) if outcome else None)
        except ReviewStepRefused as refused:
            self.add_error("outcome", str(refused))
        return cleaned

    def chosen_outcome(self) -> ReviewOutcome | None:
        value = self.cleaned_data.get("outcome")
        return ReviewOutcome(value) if value else None


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="What did you decide?",
        choices=Consideration.Decision.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a decision"},
    )
    reason = _textarea("Reason", "Give the reason", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if (
            cleaned.get("decision") == Consideration.Decision.NO_ACTION
            and not str(cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", "Give the reason for taking no action")
        return cleaned


class NoticeForm(forms.Form):
    parent_name = _line("Parent's full name", "Enter the parent's full name")
    issued_on = DateField(label="Date issued")
    received_on = DateField(label="Date received", help_text="By post, the second working day after posting")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        issued, received = cleaned.get("issued_on"), cleaned.get("received_on")
        if issued and received and received < issued:
            self.add_error("received_on", "The date received must be the same as or after the date issued")
        return cleaned


class PaymentForm(forms.Form):
    paid_on = DateField(label="Date paid", past_only=True)
    amount = forms.IntegerField(
        label="Amount paid, in pounds",
        min_value=1,
        max_value=10000,
        widget=forms.TextInput(attrs={"width": "4", "inputmode": "numeric"}),
        error_messages={
            "required": "Enter the amount paid",
            "invalid": "The amount must be whole pounds, like 80",
            "min_value": "The amount must be at least £1",
            "max_value": "The amount must be £10,000 or less",
        },
    )


class WithdrawForm(forms.Form):
    withdrawn_on = DateField(label="Date withdrawn", past_only=True)
    reason = _textarea("Grounds for withdrawing", "Give the grounds for withdrawing the notice")


class PenaltyRequestForm(PupilDetailsForm):
    """A school asks the council to consider a penalty notice for one of its pupils."""

    # No address: the pupil is on the school's own roll.
    address_line_1 = None  # type: ignore[assignment]
    town = None  # type: ignore[assignment]
    postcode = None  # type: ignore[assignment]
    sessions = forms.IntegerField(
        label="Unauthorised sessions missed this term",
        min_value=1,
        max_value=400,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "3"}),
        error_messages={
            "required": "Enter the number of unauthorised sessions",
            "invalid": "The number of unauthorised sessions must be a whole number, like 12",
            "min_value": "The number of unauthorised sessions must be 1 or more",
            "max_value": "The number of unauthorised sessions must be 400 or fewer",
        },
    )
    support_offered = _textarea(
        "What support has the school offered the family?",
        "Say what support the school has offered the family",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_typed_pupil(cleaned)
        return cleaned

    def typed_pupil(self) -> Pupil:
        data = self.cleaned_data
        return Pupil(
            forename=" ".join(data["first_name"].split()),
            surname=" ".join(data["last_name"].split()),
            date_of_birth=data["date_of_birth"],
            upn=data["upn"] or None,
        )


class ProsecutionStepForm(forms.Form):
    step = forms.ChoiceField(
        label="Step",
        choices=[(s.value, s.label) for s in ProsecutionStep],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the step"},
    )
    on = DateField(label="Date", help_text="Only a court date can be in the future")
    fine = forms.IntegerField(
        label="Fine, in pounds (a conviction only)",
        required=False,
        min_value=0,
        max_value=MAX_FINE,
        widget=forms.TextInput(attrs={"width": "4", "inputmode": "numeric"}),
        error_messages={
            "invalid": "The fine must be whole pounds, like 440",
            "min_value": "The fine cannot be negative",
            "max_value": f"The fine must be £{MAX_FINE:,} or less",
        },
    )
    note = _textarea("Notes", "", required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("step") == ProsecutionStep.CONVICTED and cleaned.get("fine") is None:
            if "fine" not in self.errors:
                self.add_error("fine", "Enter the fine (0 for a discharge)")
        elif cleaned.get("fine") is not None and cleaned.get("step"):
            self.add_error("fine", "Only a conviction records a fine: leave it empty")
        return cleaned


class SupportMeetingForm(forms.Form):
    held_on = DateField(label="Date of the meeting", past_only=True)
    notes = _textarea("Notes of the meeting", "Enter the notes of the meeting")


class SupportActionForm(forms.Form):
    child = forms.TypedChoiceField(
        label="Pupil",
        coerce=int,
        choices=[],
        error_messages={"required": "Choose the pupil", "invalid_choice": "Choose a pupil from the list"},
    )
    action = _textarea("Action agreed", "Enter the action agreed")

    def __init__(self, *args: Any, pupils: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["child"].choices = [("", "Choose a pupil"), *pupils]  # type: ignore[attr-defined]
