"""What the API accepts and returns.

Serializers here only check and shape data: every write goes through a service
(the case and child services), never ``serializer.save()`` on a model. Error messages
follow the GOV.UK style the forms use ("Enter the pupil's date of birth"), keyed by field.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rollcall.api_base import StrictSerializer
from rollcall.casework.models import Case, Enquiry, Task
from rollcall.casework.school_view import SchoolChildView
from rollcall.people.models import Address, Carer, Child
from rollcall.returns.serializers import (
    ChildRefSerializer,
    SchoolRefSerializer,
    TeamRefSerializer,
    UserRefSerializer,
)
from rollcall.rules.workflow import WORKFLOWS
from rollcall.schools.models import RollEntry

DATE_EXAMPLE = "in the form YYYY-MM-DD, like 2026-03-27"


# ---- removal notices: what a school sends -----------------------------------------------------


# ---- small shared shapes ----------------------------------------------------------------------


# ---- removal notices: what the API returns -----------------------------------------------------


# ---- cases ------------------------------------------------------------------------------------


class CaseFilterSerializer(StrictSerializer):
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
        fields = [
            *CaseSerializer.Meta.fields,
            "source",
            "summary",
            "opened_at",
            "tasks",
            "enquiries",
            "version",
        ]
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


class SuppliedAddressSerializer(serializers.ModelSerializer[Address]):
    """An address a school sent, with the date the child moved out if they have."""

    class Meta:
        model = Address
        fields = ["line_1", "line_2", "town", "postcode", "moved_in", "moved_out"]
        read_only_fields = fields


class SchoolChildSerializer(serializers.Serializer[SchoolChildView]):
    """What a school sees of a child (casework/school_view.py, the same as on the child page).

    The child's names, date of birth, gender and UPN; the addresses and carers this school sent;
    and the child's time on this school's roll. A former school sees the record as it stood when
    the child left its roll.
    """

    id = serializers.IntegerField(source="child_id", read_only=True)
    name = serializers.CharField(source="full_name", read_only=True)
    legal_forename = serializers.CharField(read_only=True)
    legal_surname = serializers.CharField(read_only=True)
    preferred_name = serializers.CharField(read_only=True)
    date_of_birth = serializers.DateField(read_only=True)
    gender = serializers.ChoiceField(choices=Child.Gender.choices, read_only=True)
    gender_label = serializers.CharField(read_only=True)
    upn = serializers.CharField(read_only=True, allow_null=True)
    roll_entries = RollEntrySerializer(many=True, read_only=True)
    addresses = SuppliedAddressSerializer(
        many=True, read_only=True, help_text="Only the addresses your school sent, current first."
    )
    carers = CarerSerializer(many=True, read_only=True, help_text="Only the carers your school sent.")
    on_roll = serializers.SerializerMethodField(
        help_text="false once the child has left your school's roll: nothing recorded after that is shown."
    )

    def get_on_roll(self, seen: SchoolChildView) -> bool:
        return not seen.is_former_school


class ChildBasicsSerializer(serializers.ModelSerializer[Child]):
    """A child's basic details and the roll entries in context["roll_entries"]."""

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


class CouncilChildSerializer(ChildBasicsSerializer):
    """A child's record for council staff: basic details, current address, carers, every roll, and
    the cases you may see. School users get SchoolChildSerializer instead."""

    # Needs context["roll_entries"], ["address"], ["carers"] and ["cases"] (only the cases the
    # user may see): the view picks them by the user's access.

    current_address = serializers.SerializerMethodField()
    carers = serializers.SerializerMethodField()
    cases = serializers.SerializerMethodField()

    class Meta(ChildBasicsSerializer.Meta):
        fields = [*ChildBasicsSerializer.Meta.fields, "current_address", "carers", "cases"]
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
