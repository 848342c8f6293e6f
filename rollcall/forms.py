"""Form pieces shared by every app: the GOV.UK date input and error wording."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import QueryDict

from rollcall import clock
from rollcall.concurrency import EditConflict


class GovukDateInput(forms.MultiWidget):
    """Day, month and year boxes (GOV.UK date input pattern); widget type "govukdate"."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A date entered as day, month and year, with the GOV.UK error messages.

    ``past_only`` refuses dates after today (a removal cannot be in the future).
    """

    widget = GovukDateInput

    def __init__(self, *, past_only: bool = False, **kwargs: Any) -> None:
        self.past_only = past_only
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> dt.date | None:
        if not data_list or not any(data_list):
            return None
        day, month, year = (str(part or "").strip() for part in [*data_list, "", "", ""][:3])
        label = str(self.label or "Date")
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise ValidationError(f"{label} must include a {' and '.join(missing)}")
        if not (day.isdigit() and month.isdigit() and year.isdigit()) or len(year) != 4:
            raise ValidationError(f"{label} must be a real date, like 27 3 2026")
        try:
            value = dt.date(int(year), int(month), int(day))
        except ValueError:
            raise ValidationError(f"{label} must be a real date") from None
        if self.past_only and value > clock.today():
            raise ValidationError(f"{label} must be today or in the past")
        return value

    def clean(self, value: Any) -> dt.date | None:
        if self.required and (not value or not any(str(v or "").strip() for v in value)):
            raise ValidationError(f"Enter {str(self.label or 'the date').lower()}", code="required")
        return super().clean(value)  # type: ignore[no-any-return]


# ---- versions: no lost updates (rollcall/concurrency.py) ------------------------------------

OUT_OF_DATE = "This page is out of date. Go back, open it again and make your change"


def version_field() -> forms.IntegerField:
    """The hidden field carrying the version of the record the form was opened at."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={"required": OUT_OF_DATE, "invalid": OUT_OF_DATE, "min_value": OUT_OF_DATE},
    )


def form_conflict(form: forms.Form, conflict: EditConflict) -> None:
    """Show a refused stale save on its form: the error summary and what changed, with the
    person's input kept. The hidden version moves on to the current one, so saving again (having
    seen the changes) replaces them knowingly."""
    form.add_error(None, str(conflict))
    form.conflict = conflict  # type: ignore[attr-defined]
    data = QueryDict(mutable=True)
    data.update(form.data)
    data[form.add_prefix("version")] = str(conflict.current_version)
    form.data = data


class CsvOrCtfUploadForm(forms.Form):
    """A school's file, as a CSV or a Common Transfer File, and a radio saying which it is.

    Subclasses declare ``file`` (its label and help) and ``file_format`` (their model's choices,
    whose values are ``"csv"`` and ``"ctf"``); a file whose name says the other kind is refused.
    """

    file_accept = ".csv,.xml,text/csv,application/xml,text/xml"

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        upload, chosen = data.get("file"), data.get("file_format")
        if upload is not None and chosen:
            name = str(upload.name or "").lower()
            if name.endswith(".xml") and chosen == "csv":
                self.add_error(
                    "file_format", "The file is XML: choose Common Transfer File, or select the CSV"
                )
            elif name.endswith(".csv") and chosen == "ctf":
                self.add_error(
                    "file_format", "The file is a CSV: choose CSV, or select the Common Transfer File"
                )
        return data


def file_format_field(choices: Any) -> forms.ChoiceField:
    """The radio question "What kind of file is it?" for a CSV-or-CTF upload."""
    return forms.ChoiceField(
        label="What kind of file is it?",
        choices=choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of file it is"},
    )
