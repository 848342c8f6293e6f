"""A school's roll read from a Common Transfer File (DfE's CTF schema): full pupil records.

The same hardened XML reading as attendance files (rollcall/attendance/importers.py): defusedxml's
expat reader with document type definitions, entity declarations and external references all
forbidden (no "billion laughs", no XXE: nothing outside the file is ever read), a size limit, a
nesting limit and a limit on the length of any text kept.

Per ``<Pupil>`` (docs/rolls.md lists the elements): the core details (UPN, Surname, Forename, DOB,
Sex, BasicDetails/NCyearActual), the admission and leaving dates of the sending school's own
entry in SchoolHistory, the optional DfE items (SEN provision, free school meals, in care), the
home address and the contacts. Every pupil becomes a :class:`~rollcall.rolls.pupils.PupilRow`
checked by the same rules as a CSV line; an error names the line of the pupil's element and the
CTF element at fault. The address and contacts go with the row (:class:`PupilDetails`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import IO
from xml.sax import SAXParseException
from xml.sax.handler import ContentHandler
from xml.sax.xmlreader import AttributesImpl, Locator

from defusedxml import DefusedXmlException
from defusedxml.expatreader import DefusedExpatParser

from rollcall.attendance.importers import CTF_MAX_DEPTH, CTF_MAX_TEXT
from rollcall.rolls.pupils import LineError, PupilRow, RollFileError, check_rows, row_from_record

__all__ = ["CtfAddress", "CtfContact", "CtfRoll", "PupilDetails", "rows_from_ctf"]

CTF_ROLL_MAX_BYTES = 64 << 20  # a school's roll: 4,000 full pupil records are a few MB

# The roll column each CTF element fills, to name the element in an error.
ELEMENT_OF = {
    "upn": "UPN",
    "forename": "Forename",
    "surname": "Surname",
    "date_of_birth": "DOB",
    "sex": "Sex",
    "year_group": "NCyearActual",
    "admission_date": "EntryDate",
    "leaving_date": "LeavingDate",
    "sen_status": "SENprovision",
    "fsm": "FSMhistory",
    "looked_after": "InCare",
}


@dataclass(frozen=True)
class CtfAddress:
    line_1: str
    line_2: str
    town: str
    postcode: str


@dataclass(frozen=True)
class CtfContact:
    name: str
    relationship: str
    parental_responsibility: bool
    phone: str
    email: str


@dataclass(frozen=True)
class PupilDetails:
    """What a CTF says of a pupil beyond the roll columns: the home address and the contacts."""

    address: CtfAddress | None
    contacts: tuple[CtfContact, ...]


@dataclass
class CtfRoll:
    lea: str
    estab: str
    urn: str
    rows: list[PupilRow]
    details: dict[int, PupilDetails]  # by the row's line


class _TooBig(Exception):
    pass


@dataclass
class _Pupil:
    line: int
    values: dict[str, str] = field(default_factory=dict)
    history: list[dict[str, str]] = field(default_factory=list)
    sen: list[tuple[str, str]] = field(default_factory=list)  # (start date, provision)
    fsm: list[tuple[str, str]] = field(default_factory=list)  # (start, end)
    address: dict[str, str] = field(default_factory=dict)
    contacts: list[dict[str, str]] = field(default_factory=list)


class _Handler(ContentHandler):
    """Collects each pupil's elements (by their parent) as text, with the line of each pupil."""

    def __init__(self) -> None:
        super().__init__()
        self.locator: Locator | None = None
        self.path: list[str] = []
        self.text: list[str] = []
        self.text_length = 0
        self.root = ""
        self.header: dict[str, str] = {}
        self.pupils: list[_Pupil] = []
        self.pupil: _Pupil | None = None
        self.item: dict[str, str] | None = None  # the SchoolHistory School, SEN, FSM or Contact open

    def setDocumentLocator(self, locator: Locator) -> None:
        self.locator = locator

    def line(self) -> int:
        return (self.locator.getLineNumber() or 0) if self.locator else 0

    def startElement(self, name: str, attrs: AttributesImpl) -> None:
        if not self.path:
            self.root = name
        self.path.append(name)
        if len(self.path) > CTF_MAX_DEPTH:
            raise _TooBig(f"Elements are nested more than {CTF_MAX_DEPTH} deep")
        self.text = []
        self.text_length = 0
        if name == "Pupil" and self.pupil is None:
            self.pupil = _Pupil(self.line())
        elif self.pupil is not None and name in {"School", "SEN", "FSMinstance", "Contact"}:
            self.item = {}

    def characters(self, content: str) -> None:
        self.text_length += len(content)
        if self.text_length > CTF_MAX_TEXT:
            raise _TooBig(f"The text of <{self.path[-1]}> is longer than {CTF_MAX_TEXT:,} characters")
        self.text.append(content)

    def endElement(self, name: str) -> None:
        text = " ".join("".join(self.text).split())
        self.text = []
        self.text_length = 0
        self.path.pop()
        parent = self.path[-1] if self.path else ""
        pupil = self.pupil
        if pupil is None:
            if "Header" in self.path and parent in {"SourceSchool"}:
                self.header[name] = text
            return
        inside = set(self.path)
        if name == "Pupil" and parent == "CTFpupilData":
            self.pupils.append(pupil)
            self.pupil = None
        elif name in {"School", "SEN", "FSMinstance", "Contact"} and self.item is not None:
            item, self.item = self.item, None
            if name == "School":
                pupil.history.append(item)
            elif name == "SEN":
                pupil.sen.append((item.get("StartDate", ""), item.get("SENprovision", "")))
            elif name == "FSMinstance":
                pupil.fsm.append((item.get("FSMstartDate", ""), item.get("FSMendDate", "")))
            else:
                pupil.contacts.append(item)
        elif self.item is not None:
            # Inside a Contact, its own Address and Phones are flattened into it (first wins).
            self.item.setdefault(name, text)
        elif "Address" in inside and "Contacts" not in inside:
            pupil.address.setdefault(name, text)
        elif "Phones" in inside:
            pass
        elif parent in {"Pupil", "BasicDetails", "LookedAfter"}:
            pupil.values.setdefault(name, text)


def _xml_problem(failure: BaseException, line: int) -> LineError:
    if isinstance(failure, DefusedXmlException):
        return LineError(
            line,
            "file",
            "the file declares a document type or entities, which Roll Call does not read "
            "(a Common Transfer File needs neither)",
        )
    if isinstance(failure, _TooBig):
        return LineError(line, "file", str(failure))
    if isinstance(failure, SAXParseException):
        reason = failure.getMessage()
        return LineError(
            failure.getLineNumber() or line, "file", f"the file is not well-formed XML: {reason}"
        )
    return LineError(line, "file", f"the file could not be read: {failure}")


def _flag(value: str) -> str:
    return {"true": "Y", "false": "N", "1": "Y", "0": "N"}.get(value.strip().lower(), value)


def _record(pupil: _Pupil, lea: str, estab: str) -> dict[str, str]:
    values = pupil.values
    own = [s for s in pupil.history if s.get("LEA") == lea and s.get("Estab") == estab]
    entry = own[-1] if own else {}
    # The latest SEN provision recorded; free school meals when an instance has no end date.
    sen = sorted(pupil.sen)[-1][1] if pupil.sen else ""
    fsm = ("Y" if any(not end for _start, end in pupil.fsm) else "N") if pupil.fsm else ""
    return {
        "upn": values.get("UPN", ""),
        "forename": values.get("Forename", ""),
        "surname": values.get("Surname", ""),
        "date_of_birth": values.get("DOB", ""),
        "sex": values.get("Sex", ""),
        "year_group": values.get("NCyearActual", ""),
        "admission_date": entry.get("EntryDate", ""),
        "leaving_date": entry.get("LeavingDate", ""),
        "sen_status": sen,
        "ehcp": ("Y" if sen == "E" else "N") if sen else "",
        "fsm": fsm,
        "looked_after": _flag(values.get("InCare", "")),
    }


def _address(found: dict[str, str]) -> CtfAddress | None:
    first = " ".join(p for p in (found.get("SAON", ""), found.get("PAON", ""), found.get("Street", "")) if p)
    line_1 = first or found.get("AddressLine1", "")
    line_2 = found.get("Locality", "") or found.get("AddressLine2", "")
    town = found.get("Town", "") or found.get("PostTown", "") or found.get("AddressLine3", "")
    postcode = found.get("PostCode", "")
    if not (line_1 and postcode):
        return None
    return CtfAddress(line_1[:200], line_2[:200], town[:100], postcode[:10])


def _contact(found: dict[str, str]) -> CtfContact | None:
    name = " ".join(p for p in (found.get("Forename", ""), found.get("Surname", "")) if p)
    if not name:
        return None
    return CtfContact(
        name=name[:200],
        relationship=(found.get("RelationshipCode", "") or found.get("Relationship", ""))[:50],
        parental_responsibility=_flag(found.get("Responsibility", "")) == "Y",
        phone=found.get("PhoneNo", "")[:30],
        email=found.get("Email", "")[:254],
    )


def rows_from_ctf(content: IO[bytes] | bytes, *, max_bytes: int = CTF_ROLL_MAX_BYTES) -> CtfRoll:
    """A school's roll from a CTF: every pupil checked; raises RollFileError with every problem."""
    handler = _Handler()
    parser = DefusedExpatParser(forbid_dtd=True, forbid_entities=True, forbid_external=True)
    parser.setContentHandler(handler)
    handler.setDocumentLocator(parser)
    parser.setFeature("http://xml.org/sax/features/external-general-entities", False)
    parser.setFeature("http://xml.org/sax/features/external-parameter-entities", False)
    size = 0
    try:
        if isinstance(content, bytes):
            size = len(content)
            if size > max_bytes:
                raise _TooBig(f"the file is larger than {max_bytes >> 20} MB")
            parser.feed(content)
        else:
            while chunk := content.read(1 << 20):
                size += len(chunk)
                if size > max_bytes:
                    raise _TooBig(f"the file is larger than {max_bytes >> 20} MB")
                parser.feed(chunk)
        parser.close()
    except (SAXParseException, DefusedXmlException, _TooBig, ValueError) as failure:
        raise RollFileError([_xml_problem(failure, handler.line())]) from failure
    if handler.root != "CTfile":
        raise RollFileError(
            [LineError(1, "file", f"this is not a Common Transfer File: its root is <{handler.root}>")]
        )
    lea, estab = handler.header.get("LEA", ""), handler.header.get("Estab", "")
    errors: list[LineError] = []
    rows: list[PupilRow] = []
    details: dict[int, PupilDetails] = {}
    for pupil in handler.pupils:
        found: list[LineError] = []
        row = row_from_record(pupil.line, _record(pupil, lea, estab), found)
        errors += [LineError(e.line, ELEMENT_OF.get(e.field, e.field), e.reason) for e in found]
        if row is None:
            continue
        rows.append(row)
        contacts = tuple(c for c in (_contact(item) for item in pupil.contacts) if c is not None)
        details[row.line] = PupilDetails(_address(pupil.address), contacts)
    checked = check_rows(rows, errors)
    return CtfRoll(lea=lea, estab=estab, urn=handler.header.get("URN", ""), rows=checked, details=details)
