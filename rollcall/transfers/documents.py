"""The transfer letter (PDF) and the child's CTF for the Lost Pupils Database, for a council that
does not run Roll Call (docs/transfers.md).

The CTF follows the element names in DOMAIN-SOURCES.md §8.2 (header with source and destination,
one pupil per file as S2S requires for a lost CTF). They are not checked against the DfE XSD:
*to confirm against the current CTF specification* before a council relies on the upload.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string

from rollcall import clock
from rollcall.pdf import html_to_pdf
from rollcall.rules.calendar import academic_year_of
from rollcall.rules.transfers import ctf_destination
from rollcall.transfers.models import Transfer

CTF_VERSION = "23.0"


def letter_html(transfer: Transfer) -> str:
    return render_to_string(
        "transfers/letter_pdf.html",
        {
            "transfer": transfer,
            "payload": transfer.payload,
            "council_name": settings.COUNCIL_NAME,
            "address": transfer.new_address,
        },
    )


def letter_pdf(transfer: Transfer) -> bytes:
    return html_to_pdf(letter_html(transfer))


def _sub(parent: ET.Element, tag: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag)
    if text is not None:
        element.text = text
    return element


def ctf_xml(transfer: Transfer) -> bytes:
    """A one-pupil CTF whose destination is the Lost Pupils Database (``XXX``/``XXXX``)."""
    payload: dict[str, Any] = transfer.payload
    child = payload["child"]
    last = payload.get("last_school") or {}
    now = clock.now()
    dest_la, dest_estab = ctf_destination(la_code=None, establishment=None)
    root = ET.Element("CTfile")
    header = _sub(root, "Header")
    _sub(header, "DocumentName", "Common Transfer File")
    _sub(header, "CTFversion", CTF_VERSION)
    _sub(header, "DateTime", now.astimezone(clock.LONDON).strftime("%Y-%m-%dT%H:%M:%S"))
    _sub(header, "DocumentQualifier", "partial")
    _sub(header, "DataDescriptor", "Child missing education: moved to another council")
    _sub(header, "SupplierID", "Roll Call")
    source = _sub(header, "SourceSchool")
    _sub(source, "LEA", str(last.get("la_code") or settings.COUNCIL_LA_CODE))
    _sub(source, "Estab", str(last.get("establishment_number") or ""))
    _sub(source, "URN", str(last.get("urn") or ""))
    _sub(source, "SchoolName", str(last.get("name") or ""))
    _sub(source, "AcademicYear", str(academic_year_of(clock.local_date(now))))
    dest = _sub(header, "DestSchool")
    _sub(dest, "LEA", dest_la)
    _sub(dest, "Estab", dest_estab)
    pupils = _sub(root, "CTFpupilData")
    pupil = _sub(pupils, "Pupil")
    _sub(pupil, "UPN", child.get("upn") or "")
    basic = _sub(pupil, "BasicDetails")
    _sub(basic, "LegalSurname", child["legal_surname"])
    _sub(basic, "LegalForename", child["legal_forename"])
    if child.get("preferred_name"):
        _sub(basic, "PreferredForename", child["preferred_name"])
    _sub(basic, "DOB", child["date_of_birth"])
    _sub(basic, "Gender", child.get("gender") or "U")
    address = transfer.new_address
    if address.get("line_1"):
        addr = _sub(pupil, "Address")
        lines = _sub(addr, "AddressLines")
        for line in (address.get("line_1"), address.get("line_2"), address.get("town")):
            if line:
                _sub(lines, "AddressLine", line)
        _sub(addr, "PostCode", address.get("postcode", ""))
    ET.indent(root)
    xml: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return xml
