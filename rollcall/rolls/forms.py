"""The upload form for one school's roll file."""

from __future__ import annotations

from typing import Any

from django import forms

from rollcall.forms import DateField
from rollcall.rolls.models import RollImport


class RollUploadForm(forms.Form):
    """A school's whole roll on a date, as a CSV or a Common Transfer File."""

    as_of = DateField(label="Date the roll is as of", past_only=True, help_text="For example, 16 11 2026")
    file = forms.FileField(
        label="Roll file",
        help_text=(
            "A CSV with one line per pupil (the columns are listed below), or a Common Transfer File "
            "(XML) with every pupil on roll. Save a CSV as UTF-8."
        ),
        error_messages={"required": "Select the roll file", "empty": "The selected file is empty"},
        widget=forms.FileInput(attrs={"accept": ".csv,.xml,text/csv,application/xml,text/xml"}),
    )
    file_format = forms.ChoiceField(
        label="What kind of file is it?",
        choices=RollImport.Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of file it is"},
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        upload, chosen = data.get("file"), data.get("file_format")
        if upload is not None and chosen:
            name = str(upload.name or "").lower()
            if name.endswith(".xml") and chosen == RollImport.Format.CSV:
                self.add_error(
                    "file_format", "The file is XML: choose Common Transfer File, or select the CSV"
                )
            elif name.endswith(".csv") and chosen == RollImport.Format.CTF:
                self.add_error(
                    "file_format", "The file is a CSV: choose CSV, or select the Common Transfer File"
                )
        return data
