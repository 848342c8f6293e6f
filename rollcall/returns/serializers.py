"""What a school system sends and gets back through the API for its returns.

Serializers here only check and shape data: every write goes through a service
(``removal_notify``, ``new_pupil_notify``), never ``serializer.save()`` on a model. Error messages
follow the GOV.UK style the forms use ("Enter the pupil's date of birth"), keyed by field.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from rollcall.accounts.models import Team, User
from rollcall.api_base import StrictSerializer, date_field, not_after_today, text_field
from rollcall.people.models import Child
from rollcall.returns.claims import RECEIVED_MESSAGE, Pupil
from rollcall.returns.models import SchoolReturn
from rollcall.returns.removals import Removal
from rollcall.rules.removal import GROUNDS
from rollcall.rules.upn import normalise_upn, upn_errors
from rollcall.schools.models import RemovalNotice, School

_GROUND_LETTERS = ", ".join(GROUNDS)


_ENTER_GROUND = f"Enter the ground for removal: one of {_GROUND_LETTERS}, or an empty string if none applies"


class PupilSerializer(StrictSerializer):
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
    forename = text_field("the pupil's first name", max_length=100)
    surname = text_field("the pupil's last name", max_length=100)
    date_of_birth = date_field("the pupil's date of birth")
    gender = serializers.ChoiceField(
        choices=Child.Gender.choices,
        required=False,
        default=Child.Gender.NOT_KNOWN,
        help_text="F, M, X (other) or U (not known).",
        error_messages={"invalid_choice": "Gender must be F, M, X (other) or U (not known)"},
    )
    address_line_1 = text_field(
        "the first line of the pupil's address", required=False, max_length=200, allow_blank=True
    )
    town = text_field("the pupil's town or city", required=False, max_length=100, allow_blank=True)
    postcode = text_field("the pupil's postcode", required=False, max_length=10, allow_blank=True)

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
        return not_after_today(value, "The pupil's date of birth must be in the past")

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


class NewPupilInputSerializer(StrictSerializer):
    """A school's new pupil return (Pupil Registration Regulations 2024, reg. 13(1))."""

    pupil = PupilSerializer(error_messages={"required": "Enter the pupil's details"})
    entered_on = date_field("the date the pupil joined the roll")

    def validate_entered_on(self, value: dt.date) -> dt.date | None:
        return not_after_today(value, "The date the pupil joined the roll must be today or in the past")


class NewPupilResultSerializer(serializers.Serializer[Any]):
    """What the council did with a new pupil return: nothing the school did not send itself."""

    reference = serializers.CharField(help_text="The council's reference for this return.")
    status = serializers.CharField(help_text="accepted, or received (the council is checking the details).")
    message = serializers.CharField()
    child = serializers.IntegerField(
        allow_null=True, help_text="The pupil's id in Roll Call once on your roll (null while being checked)."
    )
    on_roll_from = serializers.DateField(allow_null=True)


class AttendanceReturnInputSerializer(StrictSerializer):
    """A school's attendance return: absent 10 continuous school days coded G, N, O or U."""

    pupil = PupilSerializer(error_messages={"required": "Enter the pupil's details"})
    first_day_absent = date_field("the first school day the pupil was absent without a reason")
    school_days_absent = serializers.IntegerField(
        min_value=10,
        max_value=200,
        help_text="Continuous school days coded G, N, O or U so far (10 or more).",
        error_messages={
            "required": "Enter how many school days the pupil has been absent without a reason",
            "invalid": "Enter the number of school days as a whole number",
            "min_value": "The attendance return is for 10 or more continuous school days",
            "max_value": "Enter a number of school days of 200 or fewer",
        },
    )
    details = text_field("what the school has done so far", required=False, max_length=2000, allow_blank=True)

    def validate_first_day_absent(self, value: dt.date) -> dt.date | None:
        return not_after_today(value, "The first day of the absence must be today or in the past")


class RemovalNoticeInputSerializer(StrictSerializer):
    """A school's deletion return (Pupil Registration Regulations 2024, reg. 13(4))."""

    # Needs context["school"]: the school sending the notice (it cannot be the destination).

    pupil = PupilSerializer(error_messages={"required": "Enter the pupil's details"})
    removal_date = date_field("the date the pupil was removed from the roll")
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
    destination_start_date = date_field("the date the pupil starts at the new school", required=False)
    destination_details = text_field(
        "where the pupil has gone", required=False, max_length=300, allow_blank=True
    )
    parent_written_notice_date = date_field("the date of the parent's written notice", required=False)
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
    reason_details = text_field(
        "the reason for the removal", required=False, max_length=5000, allow_blank=True
    )

    def validate_removal_date(self, value: dt.date) -> dt.date | None:
        return not_after_today(value, "The removal date must be today or in the past")

    def validate_parent_written_notice_date(self, value: dt.date | None) -> dt.date | None:
        return not_after_today(value, "The date of the parent's written notice must be today or in the past")

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


class RemovalNoticeSerializer(serializers.ModelSerializer[RemovalNotice]):
    """A removal notice as recorded, with what the council's removal rule made of it."""

    # Expects "cases" prefetched (views.removal_notice_queryset): a list costs a fixed number of queries.

    school = SchoolRefSerializer(read_only=True)
    child = serializers.SerializerMethodField(
        help_text="The child: for a school, named as the school sent them; for council staff, as recorded."
    )
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

    @extend_schema_field(ChildRefSerializer)
    def get_child(self, notice: RemovalNotice) -> dict[str, Any]:
        if self.context.get("as_school"):
            # A school is shown what it sent, never what the council holds (rollcall/returns/claims.py).
            sent = notice.school_return.sent["pupil"] if hasattr(notice, "school_return") else {}
            return {
                "id": notice.child_id,
                "name": f"{sent.get('forename', '')} {sent.get('surname', '')}".strip(),
                "upn": sent.get("upn") or None,
            }
        return dict(ChildRefSerializer(notice.child).data)

    def get_case_reference(self, notice: RemovalNotice) -> str | None:
        if self.context.get("as_school"):
            return None  # schools see no council case (docs/access.md)
        cases = sorted(notice.cases.all(), key=lambda case: case.pk)
        return cases[0].reference if cases else None


class SchoolReturnSerializer(serializers.ModelSerializer[SchoolReturn]):
    """A return as the school sent it and what became of it: never anything the council holds."""

    reference = serializers.CharField(read_only=True)
    kind = serializers.CharField(
        read_only=True, help_text="removal, new_pupil, illness_report or attendance."
    )
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status = serializers.SerializerMethodField(
        help_text="accepted, or received (the council is checking the details)."
    )
    message = serializers.SerializerMethodField()
    removal_notice = serializers.SerializerMethodField(
        help_text="The notice recorded, once the return went ahead."
    )

    class Meta:
        model = SchoolReturn
        fields = [
            "id",
            "reference",
            "kind",
            "kind_label",
            "received_at",
            "status",
            "message",
            "sent",
            "removal_notice",
        ]
        read_only_fields = fields

    def get_status(self, sent: SchoolReturn) -> str:
        # A refusal is the council's business: to the school a return is accepted or being checked.
        return (
            "accepted"
            if sent.status in {SchoolReturn.Status.ACCEPTED, SchoolReturn.Status.CONFIRMED}
            else "received"
        )

    def get_message(self, sent: SchoolReturn) -> str:
        return "Accepted." if self.get_status(sent) == "accepted" else RECEIVED_MESSAGE

    @extend_schema_field(serializers.DictField(allow_null=True))
    def get_removal_notice(self, sent: SchoolReturn) -> dict[str, Any] | None:
        notice = sent.removal_notice
        if notice is None:
            return None
        destination = notice.destination_school
        return {
            "id": notice.pk,
            "removal_date": notice.removal_date.isoformat(),
            "ground": notice.ground,
            "ground_label": notice.get_ground_display(),
            "destination_school": {"urn": destination.urn, "name": destination.name} if destination else None,
            "opens_cme_case": notice.opens_cme_case,
            "possibly_unlawful": notice.possibly_unlawful,
            "concerns": list(notice.concerns),
        }
