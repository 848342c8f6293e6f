"""Invented Common Transfer Files of a school's roll, for the tests (DfE CTF element names)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class CtfPupil:
    forename: str
    surname: str
    dob: str
    upn: str = ""
    sex: str = "F"
    year: str = "5"
    entry: str = "2025-09-03"
    leaving: str = ""
    sen: str = ""
    fsm_open: bool | None = None
    in_care: str = ""
    address: tuple[str, str, str, str] | None = ("12", "Mill Lane", "Ashby", "AB1 2CD")
    contacts: list[tuple[str, str, str, str]] = field(default_factory=list)  # forename, surname, code, phone


def ctf(pupils: list[CtfPupil], *, lea: str = "990", estab: str = "3001", urn: str = "") -> bytes:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<CTfile>",
        "<Header><DocumentName>Common Transfer File</DocumentName><CTFversion>22.0</CTFversion>",
        f"<SourceSchool><LEA>{lea}</LEA><Estab>{estab}</Estab>"
        + (f"<URN>{urn}</URN>" if urn else "")
        + "<SchoolName>Invented School</SchoolName></SourceSchool></Header>",
        "<CTFpupilData>",
    ]
    for p in pupils:
        parts.append("<Pupil>")
        parts.append(f"<UPN>{p.upn}</UPN><Surname>{p.surname}</Surname><Forename>{p.forename}</Forename>")
        parts.append(f"<DOB>{p.dob}</DOB><Sex>{p.sex}</Sex>")
        parts.append(f"<BasicDetails><NCyearActual>{p.year}</NCyearActual></BasicDetails>")
        if p.in_care:
            parts.append(f"<LookedAfter><InCare>{p.in_care}</InCare></LookedAfter>")
        if p.sen:
            parts.append(
                f"<SENhistory><SEN><StartDate>2024-09-01</StartDate><SENprovision>{p.sen}</SENprovision></SEN></SENhistory>"
            )
        if p.fsm_open is not None:
            end = "" if p.fsm_open else "<FSMendDate>2025-07-20</FSMendDate>"
            parts.append(
                f"<FSMhistory><FSMinstance><FSMstartDate>2024-09-01</FSMstartDate>{end}</FSMinstance></FSMhistory>"
            )
        if p.address:
            paon, street, town, postcode = p.address
            parts.append(
                f"<Address><BS7666Address><PAON>{paon}</PAON><Street>{street}</Street><Town>{town}</Town>"
                f"</BS7666Address><PostCode>{postcode}</PostCode></Address>"
            )
        if p.contacts:
            parts.append("<Contacts>")
            for order, (forename, surname, code, phone) in enumerate(p.contacts, start=1):
                parts.append(
                    f"<Contact><Order>{order}</Order><Forename>{forename}</Forename><Surname>{surname}</Surname>"
                    f"<RelationshipCode>{code}</RelationshipCode><Responsibility>true</Responsibility>"
                    f"<Address><AddressLines><AddressLine1>Elsewhere</AddressLine1></AddressLines><PostCode>ZZ9 9ZZ</PostCode></Address>"
                    f"<Phones><Phone><TelephoneType>H</TelephoneType><PhoneNo>{phone}</PhoneNo></Phone></Phones></Contact>"
                )
            parts.append("</Contacts>")
        parts.append(
            f"<SchoolHistory><School><LEA>{lea}</LEA><Estab>{estab}</Estab><EntryDate>{p.entry}</EntryDate>"
            + (f"<LeavingDate>{p.leaving}</LeavingDate>" if p.leaving else "")
            + "</School><School><LEA>991</LEA><Estab>2000</Estab><EntryDate>2020-09-01</EntryDate>"
            "<LeavingDate>2025-07-20</LeavingDate></School></SchoolHistory>"
        )
        parts.append("</Pupil>")
    parts.append("</CTFpupilData></CTfile>")
    return "\n".join(parts).encode()
