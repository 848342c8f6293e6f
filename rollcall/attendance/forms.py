"""The upload form for a file of attendance marks."""

from __future__ import annotations

from typing import Any

from django import forms

from rollcall.attendance.models import AttendanceImport


class ImportForm(forms.Form):
    """A CSV or Common Transfer File of session marks, and which of the two it is."""

    file = forms.FileField(
        label="File of attendance marks",
        help_text=(
            "A CSV with the columns upn, school, date, session and code, or a Common Transfer File "
            "(XML) with pupils' attendance marks. Save a CSV as UTF-8."
        ),
        error_messages={
            "required": "Select the file of attendance marks",
            "empty": "The selected file is empty",
        },
        widget=forms.FileInput(attrs={"accept": ".csv,.xml,text/csv,application/xml,text/xml"}),
    )
    file_format = forms.ChoiceField(
        label="What kind of file is it?",
        choices=AttendanceImport.Format.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of file it is"},
    )

    def clean(self) -> dict[str, Any] | None:
        data = super().clean() or {}
        upload, chosen = data.get("file"), data.get("file_format")
        if upload is not None and chosen:
            name = str(upload.name or "").lower()
            if name.endswith(".xml") and chosen == AttendanceImport.Format.CSV:
                self.add_error(
                    "file_format", "The file is XML: choose Common Transfer File, or select the CSV"
                )
            elif name.endswith(".csv") and chosen == AttendanceImport.Format.CTF:
                self.add_error(
                    "file_format", "The file is a CSV: choose CSV, or select the Common Transfer File"
                )
        return data
