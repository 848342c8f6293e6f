"""Action-plan forms, with GOV.UK error messages (rendered through the shared field templates)."""

from __future__ import annotations

from typing import Any

from django import forms

from rollcall import clock
from rollcall.accounts.models import Team, User
from rollcall.actionplans.features import FEATURE_CHOICES
from rollcall.actionplans.models import MAX_EVIDENCE_BYTES, Rag, Status, validate_evidence_file
from rollcall.actionplans.services import ActionFacts, ComplaintFacts
from rollcall.forms import DateField, version_field
from rollcall.policies.models import Policy


def _text(
    label: str, message: str, *, required: bool = True, rows: int = 0, **kwargs: Any
) -> forms.CharField:
    widget = forms.Textarea(attrs={"rows": rows}) if rows else forms.TextInput()
    return forms.CharField(
        label=label, required=required, widget=widget, error_messages={"required": message}, **kwargs
    )


class ComplaintForm(forms.Form):
    reference = _text(
        "Ombudsman reference",
        "Enter the ombudsman reference",
        max_length=40,
        help_text="For example, 22 014 644.",
    )
    title = _text("Title of the action plan", "Enter the title of the action plan", max_length=200)
    decision_on = DateField(label="Date of decision (optional)", required=False, past_only=True)
    summary = _text("Summary (optional)", "", required=False, rows=3)
    findings = _text(
        "Findings (optional)",
        "",
        required=False,
        rows=5,
        help_text="What the ombudsman found. One finding a line.",
    )
    recommendations = _text(
        "Recommendations (optional)",
        "",
        required=False,
        rows=5,
        help_text="What the ombudsman recommended. One recommendation a line.",
    )
    approved_by = _text(
        "Approved by (optional)", "", required=False, rows=2, help_text="Who approved the plan. One a line."
    )

    def facts(self, keep: ComplaintFacts | None = None) -> ComplaintFacts:
        d = self.cleaned_data
        return ComplaintFacts(
            reference=d["reference"],
            title=d["title"],
            decision_on=d["decision_on"],
            summary=d["summary"],
            findings=d["findings"],
            recommendations=d["recommendations"],
            approved_by=d["approved_by"],
            # Provenance is not edited here: a transcribed plan keeps its source.
            council_named_in_source=keep.council_named_in_source if keep else "",
            source_document=keep.source_document if keep else "",
        )


def _staff_choices() -> Any:
    return (
        User.objects.filter(is_active=True, memberships__team__isnull=False)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )


class ActionForm(forms.Form):
    description = _text("What will happen", "Enter what will happen", rows=4)
    owner_title = _text(
        "Owner",
        "Enter the owner",
        max_length=200,
        help_text="Their role, as the plan names it: for example, Head of Access to Education.",
    )
    responsible = forms.ModelChoiceField(
        label="Responsible in Roll Call (optional)",
        queryset=User.objects.none(),
        required=False,
        empty_label="Nobody named",
        help_text="The person reminded when the action is overdue, who may also add updates to it.",
    )
    team = forms.ModelChoiceField(
        label="Team (optional)", queryset=Team.objects.order_by("name"), required=False, empty_label="No team"
    )
    due_on = DateField(label="Due date (optional)", required=False)
    time_frame_as_written = _text(
        "Time frame as written (optional)",
        "",
        required=False,
        max_length=300,
        help_text="The plan's own words, if they are not a date: for example, Aug-20 or immediately.",
    )
    feature = forms.ChoiceField(
        label="Delivered by (Roll Call feature)", choices=FEATURE_CHOICES, required=False
    )
    policy = forms.ModelChoiceField(
        label="Delivered by (policy)",
        queryset=Policy.objects.order_by("title"),
        required=False,
        empty_label="None",
    )

    tracked_from = DateField(
        label="Track from (optional)",
        required=False,
        past_only=True,
        help_text="Only if you are recording a plan agreed earlier: the date its actions were agreed. "
        "Updates can be dated from then. Leave blank to start today.",
    )
    version = version_field()

    def __init__(self, *args: Any, creating: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].queryset = _staff_choices()  # type: ignore[attr-defined]
        if creating:
            del self.fields["version"]  # a new action has no version to compare with yet
        else:
            del self.fields["tracked_from"]  # the start of an action's figures never moves

    def facts(self) -> ActionFacts:
        d = self.cleaned_data
        return ActionFacts(
            description=d["description"],
            owner_title=d["owner_title"],
            responsible=d["responsible"],
            team=d["team"],
            due_on=d["due_on"],
            time_frame_as_written=d["time_frame_as_written"],
            feature=d["feature"] or "",
            policy=d["policy"],
        )


CHOOSABLE_STATUSES = [(s.value, s.label) for s in (Status.NOT_STARTED, Status.IN_PROGRESS, Status.COMPLETE)]
CHOOSABLE_RAGS = [(r.value, r.label) for r in (Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_RATED)]


class UpdateForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        choices=CHOOSABLE_STATUSES,
        widget=forms.RadioSelect(attrs={"inline": True}),
        error_messages={"required": "Select the status"},
    )
    rag = forms.ChoiceField(
        label="RAG rating",
        choices=CHOOSABLE_RAGS,
        widget=forms.RadioSelect(attrs={"inline": True}),
        required=False,
        help_text="Red: will not be delivered on time without help. Amber: at risk. Green: on track.",
    )
    text = _text(
        "Outcome or update", "", required=False, rows=4, help_text="What has happened since the last update."
    )
    happened_on = DateField(label="Date of the update", past_only=True)

    def __init__(self, *args: Any, current_status: str = "", current_rag: str = "", **kwargs: Any) -> None:
        # The current status is chosen already, except "not stated" (a transcribed plan): then
        # the person must say what the status is, rather than let "not started" slip in.
        status = current_status if current_status in {s for s, _ in CHOOSABLE_STATUSES} else None
        kwargs.setdefault("initial", {"status": status, "rag": current_rag, "happened_on": clock.today()})
        super().__init__(*args, **kwargs)
        self.fields["happened_on"].error_messages["required"] = "Enter the date of the update"


class EvidenceForm(forms.Form):
    title = _text(
        "Title",
        "Enter a title for the evidence",
        max_length=200,
        help_text="For example, Minutes of the SAG panel, 4 March 2026.",
    )
    file = forms.FileField(
        label="Attach a file (optional)",
        required=False,
        help_text=f"A PDF, Word (.docx) or Excel (.xlsx) file, or a PNG or JPEG image, up to {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB.",
        validators=[validate_evidence_file],
    )
    url = forms.URLField(
        label="Or a link (optional)",
        required=False,
        assume_scheme="https",
        max_length=500,
        help_text="Where the evidence can be read, for example the Local Offer page.",
        error_messages={"invalid": "Enter a link in the right format, like https://www.example.gov.uk/page"},
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        if not self.errors and bool(data.get("file")) == bool(data.get("url")):
            self.add_error("file", "Attach a file or enter a link (one, not both)")
        return data
