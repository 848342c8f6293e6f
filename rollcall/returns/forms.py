"""The school's deletion return: "Tell the council a pupil has left your roll".

Pupil Registration Regulations 2024, reg. 13(4)-(6): a school tells the council when it deletes a
pupil, with the ground (reg. 9(1)(a)-(o)) and, where known, where the pupil has gone. The form asks
only for what the removal rule needs; the rule (rollcall/rules/removal.py), not the form, decides
whether the removal looks unlawful, so a school can always send what it knows.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from rollcall.formats import long_date
from rollcall.forms import DateField
from rollcall.people.forms import upn_error_message
from rollcall.people.models import Address, Child
from rollcall.returns.claims import Pupil
from rollcall.returns.removals import Removal
from rollcall.rules.removal import GROUNDS
from rollcall.rules.upn import normalise_upn
from rollcall.schools.models import RollEntry, School

NO_GROUND = "none"
GROUND_CHOICES = [(code, f"({code}) {g.summary}") for code, g in GROUNDS.items()] + [
    (NO_GROUND, "No ground / not sure")
]

DESTINATION_SCHOOL = "school"
DESTINATION_OTHER = "other"
DESTINATION_UNKNOWN = "unknown"
DESTINATION_CHOICES = [
    (DESTINATION_SCHOOL, "Known school in England"),
    (DESTINATION_OTHER, "Other destination (give details)"),
    (DESTINATION_UNKNOWN, "Not known"),
]

# A full UK postcode, spaces optional (BS 7666 shape; the check is for typing mistakes only).
_POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][A-Z0-9]?\s*[0-9][A-Z]{2}$")


class RequiredDateField(DateField):
    """A required GOV.UK date with its own "Enter …" message."""

    def __init__(self, *, required_message: str, **kwargs: Any) -> None:
        self.required_message = required_message
        super().__init__(required=True, **kwargs)

    def clean(self, value: Any) -> Any:
        if not value or not any(str(part or "").strip() for part in value):
            raise ValidationError(self.required_message, code="required")
        return super().clean(value)


def _text(label: str, *, max_length: int = 100, width: str = "", **attrs: str) -> forms.CharField:
    widget_attrs = {"width": width} if width else {}
    widget_attrs.update(attrs)
    return forms.CharField(
        label=label, required=False, max_length=max_length, widget=forms.TextInput(attrs=widget_attrs)
    )


class PupilDetailsForm(forms.Form):
    """The pupil as a school types them: shared by the removal notice and the new-pupil return."""

    first_name = _text("First name", width="20", autocomplete="off", spellcheck="false")
    last_name = _text("Last name", width="20", autocomplete="off", spellcheck="false")
    date_of_birth = DateField(
        label="Date of birth", required=False, past_only=True, help_text="For example, 27 3 2015"
    )
    upn = _text("UPN (if known)", max_length=20, width="20", spellcheck="false")
    address_line_1 = _text("Address line 1", max_length=200)
    town = _text("Town or city", width="20")
    postcode = _text("Postcode", max_length=10, width="10", autocomplete="off")

    def clean_upn(self) -> str:
        value = normalise_upn(self.cleaned_data.get("upn") or "")
        if value:
            message = upn_error_message(value)
            if message:
                raise ValidationError(message)
        return value

    def clean_postcode(self) -> str:
        value = " ".join(str(self.cleaned_data.get("postcode") or "").upper().split())
        if value and not _POSTCODE.match(value):
            raise ValidationError("Enter a real postcode, like NM1 2AB")
        return value

    def _typed_any(self, cleaned: dict[str, Any]) -> bool:
        manual = ("first_name", "last_name", "upn", "address_line_1", "town", "postcode")
        return any(cleaned.get(name) for name in manual) or cleaned.get("date_of_birth") is not None

    def _clean_typed_pupil(self, cleaned: dict[str, Any]) -> None:
        """Name and date of birth are needed; an address needs both its first line and postcode."""
        if not cleaned.get("first_name") and "first_name" not in self.errors:
            self.add_error("first_name", "Enter the pupil's first name")
        if not cleaned.get("last_name") and "last_name" not in self.errors:
            self.add_error("last_name", "Enter the pupil's last name")
        if cleaned.get("date_of_birth") is None and "date_of_birth" not in self.errors:
            self.add_error("date_of_birth", "Enter the pupil's date of birth")
        if cleaned.get("address_line_1") and not cleaned.get("postcode") and "postcode" not in self.errors:
            self.add_error("postcode", "Enter the postcode of the pupil's address")
        if cleaned.get("postcode") and not cleaned.get("address_line_1"):
            self.add_error("address_line_1", "Enter the first line of the pupil's address")

    def typed_pupil(self) -> Pupil:
        """The typed details as the services' plain value (call on a valid form)."""
        data = self.cleaned_data
        return Pupil(
            forename=" ".join(data["first_name"].split()),
            surname=" ".join(data["last_name"].split()),
            date_of_birth=data["date_of_birth"],
            upn=data["upn"] or None,
            address_line_1=data["address_line_1"].strip(),
            town=data["town"].strip(),
            postcode=data["postcode"],
        )


class NewPupilForm(PupilDetailsForm):
    """The new pupil return (Pupil Registration Regulations 2024, reg. 13(1)-(3))."""

    entered_on = RequiredDateField(
        label="Date the pupil joined your roll",
        past_only=True,
        required_message="Enter the date the pupil joined your roll",
        help_text="For example, 13 11 2026",
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_typed_pupil(cleaned)
        return cleaned


class AttendanceReturnForm(PupilDetailsForm):
    """The attendance return: a pupil absent 10 continuous school days coded G, N, O or U."""

    first_day_absent = RequiredDateField(
        label="First day of the absence",
        past_only=True,
        required_message="Enter the first school day the pupil was absent without a reason",
        help_text="The first of the continuous school days coded G, N, O or U. For example, 2 11 2026",
    )
    school_days_absent = forms.IntegerField(
        label="School days absent without a reason so far",
        min_value=10,
        max_value=200,
        help_text="Continuous school days coded G, N, O or U, at least 10",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "width": "3"}),
        error_messages={
            "required": "Enter how many school days the pupil has been absent without a reason",
            "invalid": "Enter the number of school days as a whole number, like 12",
            "min_value": "The attendance return is for 10 or more continuous school days",
            "max_value": "Enter a number of school days of 200 or fewer",
        },
    )
    details = forms.CharField(
        label="What the school has done so far (optional)",
        required=False,
        max_length=2000,
        help_text="For example, calls and home visits. Do not include medical details",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_typed_pupil(cleaned)
        return cleaned


class RemovalForm(PupilDetailsForm):
    """A removal notice from one school; ``school`` limits the pupil list to that school's roll."""

    field_order = ["form_id", "pupil", *PupilDetailsForm.base_fields]

    # One per rendered form: a double click or a resubmitted page sends the same key, and the
    # service returns the first notice instead of creating a second one.
    form_id = forms.UUIDField(
        widget=forms.HiddenInput,
        initial=uuid.uuid4,
        error_messages={
            "required": "This form has expired: start again",
            "invalid": "This form has expired: start again",
        },
    )

    pupil = forms.ChoiceField(
        label="Pupil on your roll",
        required=False,
        help_text="Choose the pupil, or leave this and enter their details below",
    )
    removal_date = RequiredDateField(
        label="Date removed from roll",
        past_only=True,
        required_message="Enter the date the pupil was removed from your roll",
        help_text="For example, 13 11 2026",
    )
    ground = forms.ChoiceField(
        label="Ground for removal",
        choices=GROUND_CHOICES,
        widget=forms.RadioSelect,
        help_text="The ground in the Pupil Registration Regulations 2024, regulation 9(1)",
        error_messages={"required": "Select the ground for removal, or 'No ground / not sure'"},
    )
    destination = forms.ChoiceField(
        label="Where has the pupil gone?",
        choices=DESTINATION_CHOICES,
        widget=forms.RadioSelect,
        error_messages={"required": "Select where the pupil has gone, or 'Not known'"},
    )
    destination_urn = _text(
        "URN of the destination school", max_length=10, width="10", spellcheck="false", autocomplete="off"
    )
    destination_start_date = DateField(
        label="Date the pupil starts at the destination school",
        required=False,
        help_text="For example, 16 11 2026",
    )
    destination_details = forms.CharField(
        label="Details of the other destination",
        required=False,
        max_length=300,
        help_text="For example, moved to Wales, or living abroad with family",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    parent_notice_date = DateField(
        label="Date of the parent's written notice",
        required=False,
        past_only=True,
        help_text="Only for ground (f): the date the parent told you in writing they will educate at home",
    )
    joint_enquiries = forms.ChoiceField(
        label="Did the school and the council make joint enquiries?",
        required=False,
        choices=[("yes", "Yes"), ("no", "No")],
        widget=forms.RadioSelect(attrs={"inline": True}),
        help_text="Only for grounds (h) and (i)",
    )
    absence_days = forms.IntegerField(
        label="Number of continuous school days absent",
        required=False,
        min_value=0,
        max_value=400,
        help_text="Only for ground (i)",
        widget=forms.TextInput(attrs={"width": "3"}),
        error_messages={
            "invalid": "Number of continuous school days absent must be a whole number, like 20",
            "min_value": "Number of continuous school days absent must be 0 or more",
            "max_value": "Number of continuous school days absent must be 400 or fewer",
        },
    )
    details = forms.CharField(
        label="Anything else the council should know",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, school: School, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.school = school
        self._on_roll: dict[str, Child] = {
            str(entry.child.pk): entry.child
            for entry in RollEntry.objects.filter(school=school, on_roll_to__isnull=True)
            .select_related("child")
            .order_by("child__legal_surname", "child__legal_forename", "child__date_of_birth", "child__pk")
        }
        choices = [("", "Choose a pupil")] + [
            (pk, f"{child.legal_surname}, {child.legal_forename} (born {long_date(child.date_of_birth)})")
            for pk, child in self._on_roll.items()
        ]
        self.fields["pupil"].choices = choices  # type: ignore[attr-defined]
        self.destination_school: School | None = None

    # ---- single fields ------------------------------------------------------------------------

    def clean_destination_urn(self) -> str:
        return "".join(str(self.cleaned_data.get("destination_urn") or "").split())

    # ---- the form as a whole ------------------------------------------------------------------

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._clean_pupil(cleaned)
        self._clean_destination(cleaned)
        self._clean_ground(cleaned)
        return cleaned

    def _clean_pupil(self, cleaned: dict[str, Any]) -> None:
        typed = self._typed_any(cleaned)
        if cleaned.get("pupil"):
            if typed:
                self.add_error("pupil", "Choose a pupil on your roll or enter the pupil's details, not both")
            return
        if not typed and "date_of_birth" not in self.errors:
            self.add_error("pupil", "Choose a pupil on your roll, or enter the pupil's details")
            return
        self._clean_typed_pupil(cleaned)

    def _clean_destination(self, cleaned: dict[str, Any]) -> None:
        destination = cleaned.get("destination")
        if destination == DESTINATION_SCHOOL:
            urn = cleaned.get("destination_urn")
            if not urn:
                self.add_error("destination_urn", "Enter the URN of the school the pupil has gone to")
            else:
                self.destination_school = School.objects.filter(urn=urn).first()
                if self.destination_school is None:
                    self.add_error(
                        "destination_urn",
                        f"There is no school with URN {urn} in the schools register: check the URN",
                    )
        elif destination == DESTINATION_OTHER and not str(cleaned.get("destination_details") or "").strip():
            self.add_error("destination_details", "Give details of where the pupil has gone")

    def _clean_ground(self, cleaned: dict[str, Any]) -> None:
        code = cleaned.get("ground")
        if not code or code == NO_GROUND:
            return
        the_ground = GROUNDS[code]
        if code == "a":
            # reg. 9(1)(a): the pupil is already registered at the other school, so the school knows it.
            if cleaned.get("destination") not in (None, DESTINATION_SCHOOL):
                self.add_error(
                    "destination",
                    "Ground (a) means the pupil is registered at another school: choose "
                    "'Known school in England' and enter its URN",
                )
            elif (
                cleaned.get("destination") == DESTINATION_SCHOOL
                and cleaned.get("destination_start_date") is None
                and "destination_start_date" not in self.errors
            ):
                self.add_error(
                    "destination_start_date", "Enter the date the pupil starts at the destination school"
                )
        if the_ground.needs_council_agreement and not cleaned.get("joint_enquiries"):
            self.add_error(
                "joint_enquiries",
                "Select yes if the school and the council made joint enquiries, or no if not",
            )
        if code == "i" and cleaned.get("absence_days") is None and "absence_days" not in self.errors:
            self.add_error("absence_days", "Enter the number of continuous school days the pupil was absent")

    # ---- what the service needs ---------------------------------------------------------------

    def idempotency_key(self) -> str:
        return f"web:{self.cleaned_data['form_id']}"

    def pupil_and_removal(self) -> tuple[Pupil, Removal]:
        """The valid form as the service's plain values; fields that do not apply are left out."""
        data = self.cleaned_data
        chosen = self._on_roll.get(data.get("pupil") or "")
        if chosen is not None:
            address = Address.objects.filter(child=chosen, moved_out__isnull=True).first()
            pupil = Pupil(
                forename=chosen.legal_forename,
                surname=chosen.legal_surname,
                date_of_birth=chosen.date_of_birth,
                upn=chosen.upn or None,
                gender=chosen.gender,
                postcode=address.postcode if address else "",
            )
        else:
            pupil = self.typed_pupil()
        code = data["ground"]
        destination = data["destination"]
        to_school = destination == DESTINATION_SCHOOL
        agreement = code != NO_GROUND and GROUNDS[code].needs_council_agreement
        removal = Removal(
            removal_date=data["removal_date"],
            ground="" if code == NO_GROUND else code,
            destination_school=self.destination_school if to_school else None,
            destination_start_date=data["destination_start_date"] if to_school else None,
            destination_details=data["destination_details"].strip()
            if destination == DESTINATION_OTHER
            else "",
            parent_written_notice_date=data["parent_notice_date"] if code == "f" else None,
            joint_enquiries_made=agreement and data["joint_enquiries"] == "yes",
            continuous_absence_school_days=data["absence_days"] if code == "i" else None,
            reason_details=data["details"].strip(),
        )
        return pupil, removal


class ClaimDecisionForm(forms.Form):
    """An officer's decision on a claim to confirm: confirm or refuse, with how they checked."""

    CONFIRM = "confirm"
    REFUSE = "refuse"

    decision = forms.ChoiceField(
        label="Are these details this child's?",
        choices=[
            (CONFIRM, "Yes: the return goes ahead for this child"),
            (REFUSE, "No: refuse the return, nothing about the child changes"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether the details are this child's"},
    )
    note = forms.CharField(
        label="How did you check?",
        help_text="For example: spoke to the school's admissions officer, who confirmed the date of birth",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": "Say how you checked the details"},
    )
