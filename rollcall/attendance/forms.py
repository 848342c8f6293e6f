"""The upload form for a file of attendance marks."""

from __future__ import annotations

from django import forms

from rollcall.attendance.models import AttendanceImport
from rollcall.forms import CsvOrCtfUploadForm, file_format_field


class ImportForm(CsvOrCtfUploadForm):
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
        widget=forms.FileInput(attrs={"accept": CsvOrCtfUploadForm.file_accept}),
    )
    file_format = file_format_field(AttendanceImport.Format.choices)
