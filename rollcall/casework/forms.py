"""The forms behind the casework pages, with GOV.UK wording for every error.

Each action form validates what the person typed; the service it feeds checks the rules again
(the workflow, edit access) and may still refuse with a CaseworkError, which the view shows in
the same error summary.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django import forms
from django.db.models import QuerySet

from rollcall import clock
from rollcall.accounts.models import Membership, Team, User
from rollcall.casework.models import KIND_CHOICES, LEVEL_CHOICES, Enquiry
from rollcall.forms import DateField, version_field
from rollcall.rules.workflow import WORKFLOWS, Role, Transition, Workflow


def team_members(team: Team | int) -> QuerySet[User]:
    """The active officers and managers of a team: who may own a case or be given a task."""
    team_id = team.pk if isinstance(team, Team) else team
    member_ids = Membership.objects.filter(
        team_id=team_id, role__in=[Role.OFFICER.value, Role.MANAGER.value, Role.HEAD_OF_SERVICE.value]
    ).values("user_id")
    return User.objects.filter(pk__in=member_ids, is_active=True).order_by("first_name", "last_name", "pk")


class _UserChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A select of people, each shown by their full name."""

    def label_from_instance(self, obj: Any) -> str:
        return str(obj)


# ---- the caseload filters -------------------------------------------------------------------

OPEN, ALL = "open", "all"
MINE, ANYONE = "mine", "all"


def _status_choices() -> list[tuple[str, str]]:
    choices = [(OPEN, "All open cases"), (ALL, "All cases, open and closed")]
    seen: set[str] = set()
    for workflow in WORKFLOWS.values():
        for code, label in workflow.statuses.items():
            if code not in seen:
                seen.add(code)
                choices.append((code, label))
    return choices


class CaseloadFilterForm(forms.Form):
    """The caseload's filters, sent as a GET query so a filtered list can be bookmarked."""

    status = forms.ChoiceField(label="Status", choices=_status_choices, required=False)
    kind = forms.ChoiceField(label="Kind of case", choices=[("", "Any kind"), *KIND_CHOICES], required=False)
    owner = forms.ChoiceField(
        label="Owner",
        choices=[(ANYONE, "Anyone in my teams"), (MINE, "Me")],
        widget=forms.RadioSelect(attrs={"inline": True}),
        required=False,
    )
    level = forms.TypedChoiceField(
        label="Escalation level",
        choices=[("", "Any level"), *[(str(value), label) for value, label in LEVEL_CHOICES]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    overdue = forms.BooleanField(label="Only cases with the next action overdue", required=False)

    DEFAULTS = {"status": OPEN, "owner": ANYONE}


# ---- actions on a case ----------------------------------------------------------------------


class EnquiryForm(forms.Form):
    """One reasonable enquiry (DfE, Children missing education, 2024) and what came of it."""

    party = forms.ChoiceField(
        label="Who was the enquiry made with?",
        choices=Enquiry.Party.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who the enquiry was made with"},
    )
    made_on = DateField(
        label="Date the enquiry was made",
        help_text="For example, 27 3 2026",
        past_only=True,
        required=False,
    )
    result = forms.ChoiceField(
        label="What was the result?",
        choices=Enquiry.Result.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the result of the enquiry"},
    )
    details = forms.CharField(
        label="Details (optional)",
        help_text="Who you spoke to and what they said",
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
    )

    def clean_made_on(self) -> dt.date:
        # Left optional on the field so the message can read as GOV.UK words it.
        made_on: dt.date | None = self.cleaned_data.get("made_on")
        if made_on is None:
            raise forms.ValidationError("Enter the date the enquiry was made")
        return made_on


class NoteForm(forms.Form):
    text = forms.CharField(
        label="Note",
        help_text="Only the case's team and heads of service can read notes",
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={"required": "Enter the note"},
    )


class TaskForm(forms.Form):
    title = forms.CharField(
        label="What needs to be done?",
        max_length=200,
        error_messages={
            "required": "Enter what needs to be done",
            "max_length": "What needs to be done must be 200 characters or fewer",
        },
    )
    due = DateField(label="Due date", help_text="For example, 27 3 2026", required=False)
    assignee = _UserChoiceField(
        label="Who will do it?",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        error_messages={
            "required": "Select who will do it",
            "invalid_choice": "Select someone in the case's team",
        },
    )

    def __init__(self, *args: Any, team: Team | int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = team_members(team)  # type: ignore[attr-defined]

    def clean_due(self) -> dt.date:
        due: dt.date | None = self.cleaned_data.get("due")
        if due is None:
            raise forms.ValidationError("Enter the due date")
        if due < clock.today():
            raise forms.ValidationError("The due date must be today or in the future")
        return due


class AssignForm(forms.Form):
    owner = _UserChoiceField(
        label="Who should own the case?",
        queryset=User.objects.none(),
        empty_label="Choose a person",
        error_messages={
            "required": "Select who should own the case",
            "invalid_choice": "Select someone in the case's team",
        },
    )
    version = version_field()

    def __init__(self, *args: Any, team: Team | int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = team_members(team)  # type: ignore[attr-defined]


# What each outcome need is called on the form, and the message when it is missing. The keys
# are the workflow's OUTCOME_NEEDS (rollcall/rules/workflow.py), so they match what
# check_transition looks for in outcome_details.
NEED_MESSAGES: dict[str, str] = {
    "school": "Enter the name of the school",
    "details": "Enter details of the outcome",
    "council": "Enter the receiving council's name",
    "council_told_on": "Enter the date the receiving council was told",
    "evidence": "Enter the evidence that the child left the country",
}


class TransitionForm(forms.Form):
    """Move a case: an outcome and what it needs when the move requires one, a reason when needed.

    The fields present depend on the transition; validation checks the chosen outcome's needs
    field by field, so each message sits beside the box it is about.
    """

    outcome = forms.ChoiceField(
        label="Outcome",
        widget=forms.RadioSelect,
        error_messages={"required": "Select the outcome", "invalid_choice": "Select one of the outcomes"},
    )
    school = forms.CharField(label="Name of the school (if back on roll)", max_length=200, required=False)
    details = forms.CharField(
        label="Details of the outcome",
        help_text="Needed for other suitable education and for any other outcome",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    council = forms.CharField(
        label="Receiving council's name (if located in another council's area)",
        max_length=200,
        required=False,
    )
    council_told_on = DateField(
        label="Date the receiving council was told",
        help_text="For example, 27 3 2026",
        past_only=True,
        required=False,
    )
    evidence = forms.CharField(
        label="Evidence the child left the country",
        help_text="For example, a confirmation from the Home Office or the receiving school",
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "Enter the reason"},
    )
    version = version_field()

    OUTCOME_FIELDS = ("outcome", "school", "details", "council", "council_told_on", "evidence")

    def __init__(self, *args: Any, workflow: Workflow, transition: Transition, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.workflow = workflow
        self.transition = transition
        if "outcome" in transition.requires:
            codes = transition.outcomes or workflow.outcomes.keys()
            self.fields["outcome"].choices = [  # type: ignore[attr-defined]
                (code, outcome.label) for code, outcome in workflow.outcomes.items() if code in codes
            ]
        else:
            for name in self.OUTCOME_FIELDS:
                del self.fields[name]
        if "reason" not in transition.requires:
            del self.fields["reason"]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        code = cleaned.get("outcome")
        outcome = self.workflow.outcomes.get(code) if code else None
        if outcome is None:
            return cleaned
        for need in ("school", "details", "council", "council_told_on", "evidence"):
            if need in outcome.needs and need not in self.errors and not cleaned.get(need):
                self.add_error(need, NEED_MESSAGES[need])
        return cleaned

    @property
    def outcome_code(self) -> str:
        return str(self.cleaned_data.get("outcome") or "")

    def outcome_details(self) -> dict[str, str]:
        """What to record with the outcome: the chosen outcome's needs, and details if given."""
        outcome = self.workflow.outcomes.get(self.outcome_code)
        if outcome is None:
            return {}
        wanted = set(outcome.needs) | {"details"}
        details: dict[str, str] = {}
        for name in ("school", "details", "council", "council_told_on", "evidence"):
            value = self.cleaned_data.get(name)
            if name in wanted and value:
                details[name] = value.isoformat() if isinstance(value, dt.date) else str(value).strip()
        return details


# ---- possible duplicates and merges -------------------------------------------------------------


class _ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": "Enter the reason",
            "max_length": "The reason must be 2,000 characters or fewer",
        },
    )


class DismissDuplicateForm(_ReasonForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "Why are these not the same child?"
        self.fields["reason"].error_messages["required"] = "Enter why these are not the same child"


class MergeForm(_ReasonForm):
    """Which record carries on, and why the two are one child."""

    keep = forms.TypedChoiceField(
        label="Which record should be kept?",
        help_text="Everything on the other record moves to this one; the other one leads here.",
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select the record to keep",
            "invalid_choice": "Select the record to keep",
        },
    )

    def __init__(self, *args: Any, choices: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep = cast(forms.TypedChoiceField, self.fields["keep"])
        keep.choices = choices
        self.order_fields(["keep", "reason"])
        self.fields["reason"].label = "Why are these the same child?"
        self.fields["reason"].help_text = "This is kept in the merge record and shown on the child's timeline"
        self.fields["reason"].error_messages["required"] = "Enter why these are the same child"


class UndoMergeForm(_ReasonForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "Why is the merge being undone?"
        self.fields["reason"].error_messages["required"] = "Enter why the merge is being undone"


class BreakGlassForm(_ReasonForm):
    """Why an officer outside the child's teams needs to open the record now."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reason"].label = "Why do you need to open this record?"
        self.fields["reason"].help_text = (
            "For example, a police officer is asking about the child's safety now and their "
            "team cannot be reached. Do not include the child's name."
        )
        self.fields["reason"].error_messages["required"] = "Enter why you need to open this record"
