"""The upload form for one school's roll file."""

from __future__ import annotations

from django import forms

from rollcall.forms import CsvOrCtfUploadForm, DateField, file_format_field
from rollcall.rolls.models import RollImport


class RollUploadForm(CsvOrCtfUploadForm):
    """A school's whole roll on a date, as a CSV or a Common Transfer File."""

    as_of = DateField(label="Date the roll is as of", past_only=True, help_text="For example, 16 11 2026")
    file = forms.FileField(
        label="Roll file",
        help_text=(
            "A CSV with one line per pupil (the columns are listed below), or a Common Transfer File "
            "(XML) with every pupil on roll. Save a CSV as UTF-8."
        ),
        error_messages={"required": "Select the roll file", "empty": "The selected file is empty"},
        widget=forms.FileInput(attrs={"accept": CsvOrCtfUploadForm.file_accept}),
    )
    file_format = file_format_field(RollImport.Format.choices)
