"""A subject access request (UK GDPR Art. 15): everything Roll Call holds about one child.

:func:`gather` asks one query per record type (:data:`SECTIONS`), then one each for the people,
schools and other children those rows name, whatever the number of rows. Each row says which
third parties it names (parents and carers, council officers, school staff, other children) and
which free-text fields may name others, so the council's reviewer knows what to read before the
answer goes out; :func:`third_parties` lists them all for the summary page.

The answer is produced fresh each time it is downloaded and never stored: a copy of a child's
whole file kept on the server would be one more thing to protect and to erase.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Q
from django.template.loader import render_to_string

from rollcall import clock
from rollcall.accounts.models import Membership, User
from rollcall.admissions.models import (
    Application,
    Contact,
    DeferredPlace,
    FairAccessReferral,
    Offer,
    PutOnRollRequest,
    VulnerabilityAnswer,
)
from rollcall.attendance.models import PupilMarks
from rollcall.audit.models import RecordView
from rollcall.casework.models import (
    BreakGlass,
    Case,
    ChildMerge,
    Enquiry,
    Escalation,
    Event,
    Flag,
    Note,
    Task,
)
from rollcall.exclusions.models import (
    BudgetAdjustment,
    Consideration,
    Exclusion,
    ExclusionStep,
    PenaltyNotice,
    ProsecutionStep,
    SupportAction,
)
from rollcall.formats import spreadsheet_cell
from rollcall.health.models import (
    CheckIn,
    HealthReport,
    NamedContact,
    ProvisionReferral,
    ReintegrationPlan,
    SenPanelRequest,
)
from rollcall.homeeducation.models import (
    EHEContact,
    EHEEvidence,
    EHERecord,
    EHESource,
    InformationRequest,
    ParentNotification,
    PartTimeArrangement,
    SAONotice,
)
from rollcall.notify.models import Dispatch, Message
from rollcall.pdf import html_to_pdf
from rollcall.people.models import Address, Carer, Child, PossibleDuplicate
from rollcall.returns.models import SchoolReturn
from rollcall.rolls.models import DeletionReturnMissing, PupilCharacteristics
from rollcall.rules.workflow import Role
from rollcall.schools.models import RemovalNotice, RollEntry, School
from rollcall.transfers.models import Transfer

PARENT = "parent or carer"
OFFICER = "council officer"
STAFF = "school staff"
OTHER_CHILD = "another child"
FREE_TEXT = "free text: read it for other people named"


@dataclass(frozen=True)
class Section:
    """One record type in the answer: one CSV file and one section of the PDF."""

    key: str
    title: str
    model: type[models.Model]
    child: str  # the lookup from a row to the child's id, or "" when ``where`` says it
    about_third_party: str = ""  # every row is about a third party (a carer's own details)

    def rows(self, child_id: int, case_ids: list[int]) -> models.QuerySet[Any]:
        manager = self.model._base_manager
        if self.model is Message:
            # Messages are to staff, about a child: found by the page of the child or a case they link to.
            links = Q(url__startswith=f"/children/{child_id}/")
            for case_id in case_ids:
                links |= Q(url__startswith=f"/cases/{case_id}/")
            return manager.filter(links)
        if self.model is PossibleDuplicate:
            return manager.filter(Q(child_id=child_id) | Q(other_id=child_id))
        if self.model is ChildMerge:
            return manager.filter(Q(survivor_id=child_id) | Q(absorbed_id=child_id))
        return manager.filter(**{self.child: child_id})


SECTIONS: tuple[Section, ...] = (
    Section("child", "The child's record", Child, "pk"),
    Section("addresses", "Addresses", Address, "child_id"),
    Section("carers", "Parents and carers", Carer, "child_id", about_third_party=PARENT),
    Section("possible_duplicates", "Possible duplicate records", PossibleDuplicate, ""),
    Section("merges", "Records merged", ChildMerge, ""),
    Section("roll_spells", "Time on school rolls", RollEntry, "child_id"),
    Section("removal_notices", "Removal notices from schools", RemovalNotice, "child_id"),
    Section("returns", "School returns and claims", SchoolReturn, "child_id"),
    Section("cases", "Cases", Case, "child_id"),
    Section("tasks", "Case tasks", Task, "case__child_id"),
    Section("notes", "Case notes", Note, "case__child_id"),
    Section("enquiries", "Enquiries made", Enquiry, "case__child_id"),
    Section("escalations", "Escalations", Escalation, "case__child_id"),
    Section("events", "Timeline events", Event, "child_id"),
    Section("flags", "Flags", Flag, "child_id"),
    Section("applications", "School admission applications", Application, "child_id"),
    Section(
        "vulnerability_answers",
        "Admission vulnerability answers",
        VulnerabilityAnswer,
        "application__child_id",
    ),
    Section("offers", "School place offers", Offer, "application__child_id"),
    Section("put_on_roll_requests", "Requests to put on roll", PutOnRollRequest, "child_id"),
    Section("admission_contacts", "Contacts with schools about a place", Contact, "request__child_id"),
    Section("fair_access", "Fair access referrals", FairAccessReferral, "child_id"),
    Section("deferred_places", "Deferred places", DeferredPlace, "child_id"),
    Section("health_reports", "Health needs reports", HealthReport, "child_id"),
    Section("provision_referrals", "Referrals to education provision", ProvisionReferral, "child_id"),
    Section("named_contacts", "Named contacts for health needs", NamedContact, "case__child_id"),
    Section("check_ins", "Health needs check-ins", CheckIn, "case__child_id"),
    Section("reintegration_plans", "Reintegration plans", ReintegrationPlan, "case__child_id"),
    Section("sen_panel_requests", "SEN panel requests", SenPanelRequest, "child_id"),
    Section("attendance", "Attendance marks", PupilMarks, "child_id"),
    Section("deletion_returns_missing", "Missing deletion returns", DeletionReturnMissing, "child_id"),
    Section("home_education", "Elective home education records", EHERecord, "child_id"),
    Section(
        "home_education_sources", "How the council heard of home education", EHESource, "record__child_id"
    ),
    Section("home_education_contacts", "Home education contacts", EHEContact, "record__child_id"),
    Section("home_education_evidence", "Home education evidence", EHEEvidence, "record__child_id"),
    Section("school_attendance_orders", "School attendance order notices", SAONotice, "record__child_id"),
    Section(
        "parent_notifications", "Parents' notices of home education", ParentNotification, "record__child_id"
    ),
    Section(
        "part_time_arrangements",
        "Educated elsewhere part of the time (children not in school register)",
        PartTimeArrangement,
        "child_id",
    ),
    Section(
        "register_information_requests",
        "Requests for the children not in school register information",
        InformationRequest,
        "child_id",
    ),
    Section("exclusions", "Suspensions and exclusions", Exclusion, "child_id"),
    Section("exclusion_steps", "Exclusion board and review steps", ExclusionStep, "exclusion__child_id"),
    Section(
        "exclusion_budget_adjustments",
        "School budget adjustments after a quashed exclusion",
        BudgetAdjustment,
        "exclusion__child_id",
    ),
    Section("penalty_considerations", "Penalty notice considerations", Consideration, "child_id"),
    Section("penalty_notices", "Penalty notices", PenaltyNotice, "child_id"),
    Section("prosecution_steps", "Prosecution steps", ProsecutionStep, "consideration__child_id"),
    Section("support_actions", "Actions agreed at attendance support meetings", SupportAction, "child_id"),
    Section("messages", "Messages to staff about the child", Message, ""),
    Section("messages_to_carers", "Messages to parents and carers", Dispatch, "child_id"),
    Section(
        "roll_characteristics", "What the school rolls say (DfE items)", PupilCharacteristics, "child_id"
    ),
    Section("transfers", "Moves to and from other councils", Transfer, "child_id"),
    Section("record_views", "Who viewed the child's record", RecordView, "child_id"),
    Section("break_glass", "Break-the-glass accesses to the record", BreakGlass, "child_id"),
)

# Columns never shown: bookkeeping that says nothing about the child.
_HIDDEN = frozenset({"version", "key", "idempotency_key"})


@dataclass(frozen=True)
class ThirdParty:
    kind: str
    name: str
    where: str  # the record type and column


@dataclass
class Answer:
    """What Roll Call holds about one child, ready for the PDF and the CSVs."""

    child: Child
    produced_at: Any
    tables: list[tuple[Section, list[str], list[list[str]]]] = field(default_factory=list)
    parties: list[ThirdParty] = field(default_factory=list)

    @property
    def record_count(self) -> int:
        return sum(len(rows) for _, _, rows in self.tables)


def _columns(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    return [f for f in model._meta.concrete_fields if f.name not in _HIDDEN]


def _is_free_text(f: models.Field[Any, Any]) -> bool:
    return isinstance(f, models.TextField | models.JSONField) or (
        isinstance(f, models.CharField) and (f.max_length or 0) >= 200 and not f.choices
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def gather(child: Child) -> Answer:
    """Everything held about ``child``: one query per record type, then one each for the people,
    schools and other children named."""
    answer = Answer(child=child, produced_at=clock.now())
    case_ids = list(Case.objects.filter(child_id=child.pk).values_list("pk", flat=True))
    fetched: list[tuple[Section, list[models.Field[Any, Any]], list[dict[str, Any]]]] = []
    wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
    for section in SECTIONS:
        columns = _columns(section.model)
        rows = list(section.rows(child.pk, case_ids).order_by("pk").values(*[f.attname for f in columns]))
        fetched.append((section, columns, rows))
        for f in columns:
            target = f.related_model
            if f.is_relation and not isinstance(target, str) and target in (User, School, Child):
                wanted[target].update(r[f.attname] for r in rows if r[f.attname] is not None)
    users = {
        u.pk: u
        for u in User.objects.filter(pk__in=wanted[User]).only("pk", "username", "first_name", "last_name")
    }
    staff_ids = set(
        Membership.objects.filter(user_id__in=wanted[User], role=Role.SCHOOL).values_list(
            "user_id", flat=True
        )
    )
    schools = dict(School.objects.filter(pk__in=wanted[School]).values_list("pk", "name"))
    children = {
        c.pk: c.full_name
        for c in Child.objects.filter(pk__in=wanted[Child]).only("legal_forename", "legal_surname")
    }
    seen: set[ThirdParty] = set()

    def note(kind: str, name: str, where: str, marks: list[str]) -> None:
        marks.append(
            f"{where.split(': ', 1)[1]}: {kind} ({name})" if name else f"{where.split(': ', 1)[1]}: {kind}"
        )
        party = ThirdParty(kind, name, where)
        if party not in seen:
            seen.add(party)
            answer.parties.append(party)

    for section, columns, rows in fetched:
        header = [f.verbose_name.capitalize() if f.name != "id" else "Record number" for f in columns]
        header.append("Third parties to review before release")
        out_rows = []
        for row in rows:
            cells: list[str] = []
            marks: list[str] = []
            for f in columns:
                value = row[f.attname]
                where = f"{section.title}: {f.verbose_name}"
                if f.is_relation and f.related_model is User and value is not None:
                    user = users.get(value)
                    name = f"{user.get_full_name() or user.username}" if user else str(value)
                    cells.append(name)
                    note(STAFF if value in staff_ids else OFFICER, name, where, marks)
                elif f.is_relation and f.related_model is School and value is not None:
                    cells.append(schools.get(value, str(value)))
                elif f.is_relation and f.related_model is Child and value is not None:
                    name = children.get(value, str(value))
                    cells.append(name)
                    if value != child.pk:
                        note(OTHER_CHILD, name, where, marks)
                else:
                    cells.append(_text(value))
                    if _is_free_text(f) and value not in (None, "", [], {}):
                        marks.append(f"{f.verbose_name}: {FREE_TEXT}")
            if section.about_third_party:
                name_field = "name" if "name" in row else ""
                note(
                    section.about_third_party,
                    str(row.get(name_field, "")),
                    f"{section.title}: the whole record",
                    marks,
                )
            cells.append("; ".join(marks))
            out_rows.append(cells)
        answer.tables.append((section, header, out_rows))
    return answer


def csv_zip(answer: Answer) -> bytes:
    """One CSV per record type (header only where there are none), and the third parties."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for section, header, rows in answer.tables:
            text = io.StringIO()
            writer = csv.writer(text)
            writer.writerow(header)
            writer.writerows([[spreadsheet_cell(c) for c in row] for row in rows])
            archive.writestr(f"{section.key}.csv", text.getvalue())
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(["Kind of third party", "Name", "Where"])
        writer.writerows(
            [
                [spreadsheet_cell(p.kind), spreadsheet_cell(p.name), spreadsheet_cell(p.where)]
                for p in answer.parties
            ]
        )
        archive.writestr("third_parties_for_redaction_review.csv", text.getvalue())
    return buffer.getvalue()


def pdf_html(answer: Answer, *, council_name: str, reference: str = "") -> str:
    """The PDF's HTML: a summary page of the third parties to review, then each record type."""
    return render_to_string(
        "dataprotection/subject_access_pdf.html",
        {"answer": answer, "council_name": council_name, "reference": reference},
    )


def pdf(answer: Answer, *, council_name: str, reference: str = "") -> bytes:
    """The answer as one PDF (WeasyPrint), from :func:`pdf_html`."""
    return html_to_pdf(pdf_html(answer, council_name=council_name, reference=reference))
