"""manage.py subject_access CHILD_ID --out DIR [--reference REF] [--by USERNAME]: everything Roll
Call holds about one child, as one PDF and a ZIP of CSV files (one per record type) written to
DIR, with the third parties named listed for redaction review. The request is logged on the audit
trail against the administrator named by --by."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rollcall.accounts.models import User
from rollcall.dataprotection import subject_access
from rollcall.dataprotection.access import can_answer_subject_access
from rollcall.dataprotection.services import subject_access_record
from rollcall.people.models import Child


class Command(BaseCommand):
    help = "Write everything held about a child as one PDF and a ZIP of CSVs, for a subject access request."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("child", type=int, help="The child record number (as in /children/<number>/).")
        parser.add_argument("--out", required=True, help="The folder to write the PDF and the ZIP to.")
        parser.add_argument("--by", required=True, help="The username of the administrator answering it.")
        parser.add_argument("--reference", default="", help="The council's reference for the request.")

    def handle(self, *args: Any, **options: Any) -> None:
        child = Child.objects.filter(pk=options["child"]).first()
        if child is None:
            raise CommandError(f"child: there is no child record number {options['child']}")
        user = User.objects.filter(username=options["by"]).first()
        if user is None:
            raise CommandError(f"--by: there is no user with the username {options['by']!r}")
        if not can_answer_subject_access(user):
            raise CommandError(f"--by: {options['by']} is not an administrator, who alone may answer one")
        if len(options["reference"]) > 60:
            raise CommandError("--reference: must be 60 characters or fewer")
        out = Path(options["out"])
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"--out: cannot write to {out}: {error.strerror}") from None
        self.stdout.write(f"Gathering the records of child {child.pk}…")
        answer = subject_access.gather(child)
        made = subject_access_record(
            child=child, by=user, reference=options["reference"], records=answer.record_count
        )
        self.stdout.write(
            f"{answer.record_count} records in {len(answer.tables)} record types; writing the PDF…"
        )
        pdf_path = out / f"subject-access-{made.pk}.pdf"
        pdf_path.write_bytes(
            subject_access.pdf(answer, council_name=settings.COUNCIL_NAME, reference=made.reference)
        )
        zip_path = out / f"subject-access-{made.pk}-csv.zip"
        zip_path.write_bytes(subject_access.csv_zip(answer))
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {pdf_path} and {zip_path}. {len(answer.parties)} third parties to review before release."
            )
        )
