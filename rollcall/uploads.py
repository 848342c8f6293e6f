"""What an uploaded file really is, judged by its first bytes and not by its name.

A file named ``minutes.pdf`` may be an HTML page or a program. Every upload is checked here before
it is stored: its size against the limit for the person sending it, and its content against the
kinds the form accepts (docs/security.md).
"""

from __future__ import annotations

import logging
import zipfile
from collections.abc import Collection
from typing import IO, Any

log = logging.getLogger(__name__)

PDF, DOCX, XLSX, PNG, JPEG, CSV, XML = "pdf", "docx", "xlsx", "png", "jpeg", "csv", "xml"

NAMES = {
    PDF: "a PDF",
    DOCX: "a Word document (.docx)",
    XLSX: "an Excel workbook (.xlsx)",
    PNG: "a PNG image",
    JPEG: "a JPEG image",
    CSV: "a CSV file",
    XML: "an XML file",
}

_HEAD = 8192
_OFFICE_PARTS = {DOCX: "word/document.xml", XLSX: "xl/workbook.xml"}


def _text_kind(head: bytes) -> str | None:
    """CSV or XML for text that decodes as UTF-8 (a BOM allowed), else None."""
    if b"\x00" in head:
        return None
    text = head.removeprefix(b"\xef\xbb\xbf")
    try:
        decoded = text.decode("utf-8")
    except UnicodeDecodeError as cut:
        # The 8 KB may end inside a character; anything wrong before that is not text.
        if cut.start < len(text) - 3:
            return None
        decoded = text[: cut.start].decode("utf-8")
    return XML if decoded.lstrip().startswith("<") else CSV


def sniff(file: IO[bytes] | Any) -> str | None:
    """The kind of file by content (one of the constants above), or None when it is none of
    them. Leaves the file at its start."""
    file.seek(0)
    head = file.read(_HEAD)
    file.seek(0)
    if isinstance(head, str):
        head = head.encode("utf-8")
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            return None
        finally:
            file.seek(0)
        for kind, part in _OFFICE_PARTS.items():
            if part in names:
                return kind
        return None
    return _text_kind(head)


def megabytes(n: int) -> str:
    """A size limit as people write it: "10 MB", "2 GB" (bytes below a megabyte)."""
    if n < 1024**2:
        return f"{n:,} bytes"
    return f"{n / 1024**2:g} MB" if n < 1024**3 else f"{n / 1024**3:g} GB"


def upload_problem(
    file: IO[bytes] | Any, *, size: int | None, allowed: Collection[str], max_bytes: int
) -> str:
    """What is wrong with an upload ("" if nothing): too large for the sender, or its content is
    not one of the ``allowed`` kinds whatever its name says."""
    if size is not None and size > max_bytes:
        return f"The file must be smaller than {megabytes(max_bytes)}"
    kind = sniff(file)
    if kind not in allowed:
        wanted = " or ".join(NAMES[k] for k in allowed)
        return f"The file's content is not {wanted}: check it is the right file and save it again"
    return ""


class FileNotStored(Exception):
    """An uploaded file could not be written (the disk is full or failing). Nothing was saved:
    no part of the file is left behind, and the caller's transaction is rolled back."""

    message = (
        "The file could not be stored: the server has no room for it. Nothing was saved. "
        "Try again later, or tell the Roll Call administrator."
    )


def file_store(field: Any, content: Any, name: str) -> None:
    """Save ``content`` as ``field``'s file (a FieldFile, without saving its model), or leave
    nothing behind and raise FileNotStored."""
    storage = field.storage
    target = storage.get_available_name(field.field.generate_filename(field.instance, name))
    try:
        field.name = storage.save(target, content, max_length=field.field.max_length)
    except OSError as error:
        # A write that failed part-way leaves a partial file under the name the storage chose.
        if storage.exists(target):
            storage.delete(target)
        log.error("An uploaded file could not be stored (%s): nothing was saved", error.strerror)
        raise FileNotStored(FileNotStored.message) from error
