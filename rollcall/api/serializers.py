"""What the API accepts and returns.

Serializers here only check and shape data: every write goes through a service
(rollcall.casework.removals.removal_notify), never ``serializer.save()`` on a model. Error messages
follow the GOV.UK style the forms use ("Enter the pupil's date of birth"), keyed by field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.casework.models import Case, Enquiry, Task
from rollcall.casework.removals import Pupil, Removal
from rollcall.people.models import Address, Carer, Child
from rollcall.rules.removal import GROUNDS
from rollcall.rules.upn import normalise_upn, upn_errors
from rollcall.rules.workflow import WORKFLOWS
from rollcall.schools.models import RemovalNotice, RollEntry, School

_GROUND_LETTERS = ", ".join(GROUNDS)
_ENTER_GROUND = f"Enter the ground for removal: one of {_GROUND_LETTERS}, or an empty string if none applies"
_DATE_EXAMPLE = "in the form YYYY-MM-DD, like 2026-03-27"


def _text(
    what: str, *, required: bool = True, max_length: int | None = None, allow_blank: bool = False
) -> serializers.CharField:
    """A text field whose messages name the thing asked for ("Enter the pupil's first name")."""
    messages: dict[str, Any] = {
        "required": f"Enter {what}",
        "blank": f"Enter {what}",
        "null": f"Enter {what}",
        "invalid": f"Enter {what} as text",
    }
    options: dict[str, Any] = {"required": required, "allow_blank": allow_blank}
    if max_length is not None:
        messages["max_length"] = f"{what[0].upper()}{what[1:]} must be {max_length} characters or fewer"
        options["max_length"] = max_length
    if not required:
        options["default"] = ""
    return serializers.CharField(error_messages=messages, **options)


def _date(what: str, *, required: bool = True) -> serializers.DateField:
    """An ISO 8601 date field with plain-English messages; optional dates may be null."""
    messages: dict[str, Any] = {
        "required": f"Enter {what}",
        "null": f"Enter {what}",
        "invalid": f"Enter {what} as a real date {_DATE_EXAMPLE}",
        "datetime": f"Enter {what} as a date {_DATE_EXAMPLE}, without a time",
    }
    options: dict[str, Any] = {"required": required}
    if not required:
        options.update(allow_null=True, default=None)
    return serializers.DateField(input_formats=["iso-8601"], error_messages=messages, **options)


def _not_after_today(value: dt.date | None, message: str) -> dt.date | None:
    if value is not None and value > clock.today():
        raise serializers.ValidationError(message)
    return value


class _StrictSerializer(serializers.Serializer[Any]):
    """Refuse fields it does not know, so a misspelt field is an error rather than silently lost.

    A misspelt ``destination_school_urn`` would otherwise read as "destination unknown" and open a
    child missing education case for a child who is safely at a new school.
    """

    def to_internal_value(self, data: Any) -> Any:
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                known = ", ".join(self.fields)
                message = "{} is not a field this API accepts here. The fields are: {}"
                raise serializers.ValidationError({name: [message.format(name, known)] for name in unknown})
        return super().to_internal_value(data)


# ---- removal notices: what a school sends -----------------------------------------------------


class PupilSerializer(_StrictSerializer):
    """The pupil as the school's register records them."""

    upn = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        max_length=20,
        help_text="The pupil's Unique Pupil Number (13 characters, with its check letter), if known.",
        error_messages={"max_length": "A UPN has 13 characters", "invalid": "Enter the UPN as text"},
    )
    forename = _text("the pupil's first name", max_length=100)
    surname = _text("the pupil's last name", max_length=100)
    date_of_birth = _date("the pupil's date of birth")
    gender = serializers.ChoiceField(
        choices=Child.Gender.choices,
        required=False,
        default=Child.Gender.NOT_KNOWN,
        help_text="F, M, X (other) or U (not known).",
        error_messages={"invalid_choice": "Gender must be F, M, X (other) or U (not known)"},
    )
    address_line_1 = _text(
        "the first line of the pupil's address", required=False, max_length=200, allow_blank=True
    )
    town = _text("the pupil's town or city", required=False, max_length=100, allow_blank=True)
    postcode = _text("the pupil's postcode", required=False, max_length=10, allow_blank=True)

    def validate_upn(self, value: str | None) -> str:
        upn = normalise_upn(value or "")
        if not upn:
            return ""
        problems = upn_errors(upn)
        if problems:
            # The rules give the reason ("The check letter is wrong: it should be K, not A").
            raise serializers.ValidationError(f"Enter a valid UPN. {'. '.join(problems)}")
        return upn

    def validate_date_of_birth(self, value: dt.date) -> dt.date | None:
        return _not_after_today(value, "The pupil's date of birth must be in the past")

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        # The council records an address only with its postcode (it is how matching and letters use it).
        if attrs.get("address_line_1", "").strip() and not attrs.get("postcode", "").strip():
            message = "Enter the pupil's postcode, or leave out the address"
            raise serializers.ValidationError({"postcode": [message]})
        return attrs


def pupil_from(validated: Any) -> Pupil:
    """A validated PupilSerializer's data as the services' plain value."""
    pupil: dict[str, Any] = dict(validated)
    return Pupil(
        forename=pupil["forename"].strip(),
        surname=pupil["surname"].strip(),
        date_of_birth=pupil["date_of_birth"],
        upn=pupil["upn"] or None,
        gender=pupil["gender"],
        address_line_1=pupil["address_line_1"].strip(),
        town=pupil["town"].strip(),
        postcode=pupil["postcode"].strip(),
    )


class NewPupilInputSerializer(_StrictSerializer):
    """A school's new pupil return (Pupil Registration Regulations 2024, reg. 13(1))."""

    pupil = PupilSerializer(error_messages={"required": "Enter the pupil's details"})
    entered_on = _date("the date the pupil joined the roll")

    def validate_entered_on(self, value: dt.date) -> dt.date | None:
        return _not_after_today(value, "The date the pupil joined the roll must be today or in the past")


class NewPupilResultSerializer(serializers.Serializer[Any]):
    """What the council did with a new pupil return."""

    child = serializers.IntegerField(help_text="The child's id in Roll Call.")
    child_created = serializers.BooleanField(help_text="True when Roll Call did not know the child before.")
    on_roll_from = serializers.DateField()
    closed_cases = serializers.ListField(
        child=serializers.CharField(),
        help_text="References of the cases that closed because the child is on roll.",
    )


class RemovalNoticeInputSerializer(_StrictSerializer):
    """A school's deletion return (Pupil Registration Regulations 2024, reg. 13(4))."""

    # Needs context["school"]: the school sending the notice (it cannot be the destination).

    pupil = PupilSerializer(error_messages={"required": "Enter the pupil's details"})
    removal_date = _date("the date the pupil was removed from the roll")
    ground = serializers.CharField(
        allow_blank=True,
        max_length=3,
        help_text=(
            "The letter of the ground for removal in reg. 9(1), 'a' to 'o', or an empty string if "
            "the school has not given one (the council will then ask)."
        ),
        error_messages={
            "required": _ENTER_GROUND,
            "null": _ENTER_GROUND,
            "max_length": f"The ground for removal must be one letter: one of {_GROUND_LETTERS}",
        },
    )
    destination_school_urn = serializers.CharField(
        required=False,
        allow_blank=True,
        allow_null=True,
        default="",
        max_length=10,
        help_text="The URN of the school the pupil goes to, if known.",
        error_messages={"max_length": "A school's URN has no more than 10 characters"},
    )
    destination_start_date = _date("the date the pupil starts at the new school", required=False)
    destination_details = _text("where the pupil has gone", required=False, max_length=300, allow_blank=True)
    parent_written_notice_date = _date("the date of the parent's written notice", required=False)
    joint_enquiries_made = serializers.BooleanField(
        required=False,
        default=False,
        help_text="The school and the council made reasonable enquiries together (grounds h and i).",
        error_messages={"invalid": "joint_enquiries_made must be true or false"},
    )
    continuous_absence_school_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        max_value=400,
        error_messages={
            "invalid": "Enter the number of school days of continuous absence as a whole number",
            "min_value": "The number of school days of continuous absence cannot be negative",
            "max_value": "The number of school days of continuous absence must be 400 or fewer",
        },
    )
    reason_details = _text("the reason for the removal", required=False, max_length=5000, allow_blank=True)

    def validate_removal_date(self, value: dt.date) -> dt.date | None:
        return _not_after_today(value, "The removal date must be today or in the past")

    def validate_parent_written_notice_date(self, value: dt.date | None) -> dt.date | None:
        return _not_after_today(value, "The date of the parent's written notice must be today or in the past")

    def validate_ground(self, value: str) -> str:
        code = value.strip().lower().removeprefix("(").removesuffix(")").strip()
        if code and code not in GROUNDS:
            raise serializers.ValidationError(
                f"'{value}' is not a ground for removal. Enter one of {_GROUND_LETTERS} "
                "(Pupil Registration Regulations 2024, reg. 9(1)), or an empty string if none applies"
            )
        return code

    def validate_destination_school_urn(self, value: str | None) -> School | None:
        urn = (value or "").strip()
        if not urn:
            return None
        school = School.objects.filter(urn=urn).first()
        if school is None:
            raise serializers.ValidationError(
                f"There is no school with URN {urn}. Check the URN, or leave it out and describe "
                "where the pupil has gone in destination_details"
            )
        sender: School | None = self.context.get("school")
        if sender is not None and school.pk == sender.pk:
            raise serializers.ValidationError(
                "The destination school cannot be the school the pupil is leaving"
            )
        return school

    def pupil_and_removal(self) -> tuple[Pupil, Removal]:
        """The validated notice as the removal service takes it."""
        data: dict[str, Any] = dict(self.validated_data)
        return (
            pupil_from(data["pupil"]),
            Removal(
                removal_date=data["removal_date"],
                ground=data["ground"],
                destination_school=data["destination_school_urn"],
                destination_start_date=data["destination_start_date"],
                destination_details=data["destination_details"],
                parent_written_notice_date=data["parent_written_notice_date"],
                joint_enquiries_made=data["joint_enquiries_made"],
                continuous_absence_school_days=data["continuous_absence_school_days"],
                reason_details=data["reason_details"],
            ),
        )


# ---- small shared shapes ----------------------------------------------------------------------


class UserRefSerializer(serializers.ModelSerializer[User]):
    name = serializers.CharField(source="__str__", read_only=True)

    class Meta:
        model = User
        fields = ["id", "name"]


class TeamRefSerializer(serializers.ModelSerializer[Team]):
    # Plain text, not an enum: the schema would otherwise have two enums named "Kind" (team and case).
    kind = serializers.CharField(read_only=True, help_text="admissions, inclusion, access, sen or heads.")

    class Meta:
        model = Team
        fields = ["id", "name", "kind"]


class SchoolRefSerializer(serializers.ModelSerializer[School]):
    class Meta:
        model = School
        fields = ["urn", "name"]


class ChildRefSerializer(serializers.ModelSerializer[Child]):
    name = serializers.CharField(source="full_name", read_only=True)

    class Meta:
        model = Child
        fields = ["id", "name", "upn"]


# ---- removal notices: what the API returns -----------------------------------------------------


class RemovalNoticeSerializer(serializers.ModelSerializer[RemovalNotice]):
    """A removal notice as recorded, with what the council's removal rule made of it."""

    # Expects "cases" prefetched (views.removal_notice_queryset): a list costs a fixed number of queries.

    school = SchoolRefSerializer(read_only=True)
    child = ChildRefSerializer(read_only=True)
    ground_label = serializers.CharField(source="get_ground_display", read_only=True)
    destination_school = SchoolRefSerializer(read_only=True, allow_null=True)
    concerns = serializers.ListField(child=serializers.CharField(), read_only=True)
    case_reference = serializers.SerializerMethodField(
        help_text="The council case this notice opened, if it opened one."
    )

    class Meta:
        model = RemovalNotice
        fields = [
            "id",
            "received_at",
            "school",
            "child",
            "removal_date",
            "ground",
            "ground_label",
            "destination_school",
            "destination_start_date",
            "destination_details",
            "parent_written_notice_date",
            "joint_enquiries_made",
            "continuous_absence_school_days",
            "reason_details",
            "opens_cme_case",
            "possibly_unlawful",
            "concerns",
            "case_reference",
            "idempotency_key",
        ]
        read_only_fields = fields

    def get_case_reference(self, notice: RemovalNotice) -> str | None:
        cases = sorted(notice.cases.all(), key=lambda case: case.pk)
        return cases[0].reference if cases else None


# ---- cases ------------------------------------------------------------------------------------


class CaseFilterSerializer(_StrictSerializer):
    """The query string of the case list."""

    status = serializers.CharField(required=False, max_length=30, help_text="Only cases in this status.")
    kind = serializers.ChoiceField(
        choices=[(kind, wf.label) for kind, wf in WORKFLOWS.items()],
        required=False,
        help_text="Only cases of this kind.",
        error_messages={"invalid_choice": f"kind must be one of: {', '.join(WORKFLOWS)}"},
    )
    owner = serializers.ChoiceField(
        choices=[("me", "Cases I own")],
        required=False,
        help_text="'me' for the cases you own.",
        error_messages={"invalid_choice": "owner can only be 'me'"},
    )
    overdue = serializers.BooleanField(
        required=False,
        allow_null=True,
        default=None,
        help_text="true for open cases whose next action is past due; false for the rest.",
        error_messages={"invalid": "overdue must be true or false"},
    )

    def to_internal_value(self, data: Any) -> Any:
        # Ignore the pagination parameters, which share the query string.
        if isinstance(data, Mapping):
            data = {key: data[key] for key in data if key not in {"limit", "offset", "format"}}
        return super().to_internal_value(data)


class CaseSerializer(serializers.ModelSerializer[Case]):
    """A case as the caseload shows it."""

    reference = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="workflow.label", read_only=True)
    status_label = serializers.CharField(read_only=True)
    child = ChildRefSerializer(read_only=True)
    team = TeamRefSerializer(read_only=True)
    owner = UserRefSerializer(read_only=True, allow_null=True)
    escalation_level = serializers.CharField(
        source="level.label", read_only=True, help_text="How far up the escalation ladder the case is."
    )
    outcome_label = serializers.CharField(read_only=True)

    class Meta:
        model = Case
        fields = [
            "id",
            "reference",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "child",
            "team",
            "owner",
            "next_action",
            "next_action_due",
            "escalation_level",
            "opened_on",
            "closed_at",
            "outcome",
            "outcome_label",
        ]
        read_only_fields = fields


class TaskSerializer(serializers.ModelSerializer[Task]):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    assignee = UserRefSerializer(read_only=True)

    class Meta:
        model = Task
        fields = ["id", "code", "title", "due", "status", "status_label", "assignee", "completed_at"]
        read_only_fields = fields


class EnquirySerializer(serializers.ModelSerializer[Enquiry]):
    party_label = serializers.CharField(source="get_party_display", read_only=True)
    result_label = serializers.CharField(source="get_result_display", read_only=True)
    recorded_by = UserRefSerializer(read_only=True)

    class Meta:
        model = Enquiry
        fields = [
            "id",
            "party",
            "party_label",
            "made_on",
            "result",
            "result_label",
            "details",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = fields


class CaseDetailSerializer(CaseSerializer):
    """A case with its tasks and enquiries. Case notes are not available through the API."""

    # Case notes are left out of the API in this version: a note is for the case's own team and
    # those above it (docs/access.md), and the API does not yet make that finer check.

    tasks = TaskSerializer(many=True, read_only=True)
    enquiries = EnquirySerializer(many=True, read_only=True)

    class Meta(CaseSerializer.Meta):
        fields = [*CaseSerializer.Meta.fields, "source", "summary", "opened_at", "tasks", "enquiries"]
        read_only_fields = fields


# ---- children ---------------------------------------------------------------------------------


class RollEntrySerializer(serializers.ModelSerializer[RollEntry]):
    school = SchoolRefSerializer(read_only=True)
    # Plain text, not a second enum of the grounds (the removal notice's "ground" already names them).
    leaving_ground = serializers.CharField(
        read_only=True, help_text="The letter of the ground the pupil left on (reg. 9(1)), if they left."
    )
    leaving_ground_label = serializers.CharField(source="get_leaving_ground_display", read_only=True)
    destination_school = SchoolRefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = RollEntry
        fields = [
            "school",
            "on_roll_from",
            "on_roll_to",
            "leaving_ground",
            "leaving_ground_label",
            "destination_school",
            "destination_details",
        ]
        read_only_fields = fields


class AddressSerializer(serializers.ModelSerializer[Address]):
    class Meta:
        model = Address
        fields = ["line_1", "line_2", "town", "postcode", "moved_in"]
        read_only_fields = fields


class CarerSerializer(serializers.ModelSerializer[Carer]):
    class Meta:
        model = Carer
        fields = ["name", "relationship", "parental_responsibility", "phone", "email"]
        read_only_fields = fields


class CaseRefSerializer(serializers.ModelSerializer[Case]):
    reference = serializers.CharField(read_only=True)
    kind_label = serializers.CharField(source="workflow.label", read_only=True)
    status_label = serializers.CharField(read_only=True)

    class Meta:
        model = Case
        fields = ["id", "reference", "kind", "kind_label", "status", "status_label", "opened_on", "closed_at"]
        read_only_fields = fields


class SchoolChildSerializer(serializers.ModelSerializer[Child]):
    """What a school sees of a child: basic details, and time on its own roll only."""

    # Needs context["roll_entries"]: the entries the user may see.

    name = serializers.CharField(source="full_name", read_only=True)
    gender_label = serializers.CharField(source="get_gender_display", read_only=True)
    roll_entries = serializers.SerializerMethodField()

    class Meta:
        model = Child
        fields = [
            "id",
            "name",
            "legal_forename",
            "legal_surname",
            "preferred_name",
            "date_of_birth",
            "gender",
            "gender_label",
            "upn",
            "roll_entries",
        ]
        read_only_fields = fields

    @extend_schema_field(RollEntrySerializer(many=True))
    def get_roll_entries(self, child: Child) -> Any:
        return RollEntrySerializer(self.context["roll_entries"], many=True).data


class CouncilChildSerializer(SchoolChildSerializer):
    """A child's record: basic details, current address, carers, rolls, and the cases you may see.

    School users get basic details and time on their own school's roll only, without
    current_address, carers or cases.
    """

    # Needs context["roll_entries"], ["address"], ["carers"] and ["cases"] (only the cases the
    # user may see): the view picks them by the user's access.

    current_address = serializers.SerializerMethodField()
    carers = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()

    class Meta(SchoolChildSerializer.Meta):
        fields = [*SchoolChildSerializer.Meta.fields, "current_address", "carers", "cases"]
        read_only_fields = fields

    @extend_schema_field(AddressSerializer(allow_null=True))
    def get_current_address(self, child: Child) -> Any:
        address = self.context["address"]
        return AddressSerializer(address).data if address is not None else None

    @extend_schema_field(CarerSerializer(many=True))
    def get_carers(self, child: Child) -> Any:
        return CarerSerializer(self.context["carers"], many=True).data

    @extend_schema_field(CaseRefSerializer(many=True))
    def get_cases(self, child: Child) -> Any:
        return CaseRefSerializer(self.context["cases"], many=True).data
