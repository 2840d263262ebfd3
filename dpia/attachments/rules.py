"""Evidence files: which types are accepted, recognised by their content rather than their name, how a
file name is made safe to show and to send back, and the publication choice of each file.

Pure functions of bytes and text, so every refusal can be tested without a database or a request.
"""

from __future__ import annotations

import csv
import enum
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass
from urllib.parse import quote

from dpia.publication.rules import Exemption, withheld_notice

MEGABYTE = 1024 * 1024
DEFAULT_MAX_BYTES = 20 * MEGABYTE
# A zip-based document is opened only as far as its type markers; these bound what a hostile archive
# (a zip bomb, or thousands of entries) can make the check do.
MAX_ZIP_ENTRIES = 10_000
MAX_MARKER_BYTES = 1 * MEGABYTE
MAX_NAME_LENGTH = 200


class FileType(enum.StrEnum):
    """The accepted types, each with the media type it is served as and the extensions it may have."""

    PDF = "pdf"
    DOCX = "docx"
    ODT = "odt"
    XLSX = "xlsx"
    PNG = "png"
    JPEG = "jpeg"
    CSV = "csv"

    @property
    def media_type(self) -> str:
        return _TYPES[self][0]

    @property
    def label(self) -> str:
        return _TYPES[self][1]

    @property
    def extensions(self) -> tuple[str, ...]:
        return _TYPES[self][2]


_TYPES = {
    FileType.PDF: ("application/pdf", "PDF", (".pdf",)),
    FileType.DOCX: ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", "Word document",
                    (".docx",)),
    FileType.ODT: ("application/vnd.oasis.opendocument.text", "OpenDocument text", (".odt",)),
    FileType.XLSX: ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel spreadsheet",
                    (".xlsx",)),
    FileType.PNG: ("image/png", "PNG image", (".png",)),
    FileType.JPEG: ("image/jpeg", "JPEG image", (".jpg", ".jpeg")),
    FileType.CSV: ("text/csv", "CSV", (".csv",)),
}

# The part each Office Open XML type must declare as its main document (a macro-enabled .docm or
# .xlsm declares another, and is refused).
_OOXML_MAIN = {
    FileType.DOCX: b'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"',
    FileType.XLSX: b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"',
}
_ODT_MIMETYPE = b"application/vnd.oasis.opendocument.text"
ACCEPTED_LIST = "a PDF, DOCX, ODT, XLSX, PNG, JPEG or CSV"


class FileRefused(ValueError):  # noqa: N818 - a refusal with the words for the page, not a failure
    """The upload is not accepted; the message says what to fix, in GOV.UK error wording."""


def size_label(size: int) -> str:
    """A size as people read it: 512 bytes, 34 KB, 1.2 MB."""
    if size < 1024:
        return f"{size} byte{'s' if size != 1 else ''}"
    if size < MEGABYTE:
        return f"{round(size / 1024)} KB"
    return f"{size / MEGABYTE:.1f} MB"


def too_large_message(max_bytes: int) -> str:
    return f"The selected file must be smaller than {size_label(max_bytes)}"


def check_upload(data: bytes, *, max_bytes: int) -> FileType:
    """The type of an uploaded file, recognised from its bytes.

    :raise FileRefused: the file is empty, too large, or none of the accepted types.
    """
    if not data:
        raise FileRefused("The selected file is empty")
    if len(data) > max_bytes:
        raise FileRefused(too_large_message(max_bytes))
    detected = detect_type(data)
    if detected is None:
        raise FileRefused(f"The selected file must be {ACCEPTED_LIST}")
    return detected


def detect_type(data: bytes) -> FileType | None:
    """The accepted type `data` really is, or None. Names and declared types are never consulted.

    :raise FileRefused: the file starts like a zip-based document but cannot be opened as one.
    """
    if data.startswith(b"%PDF-") and b"%%EOF" in data[-2048:]:
        return FileType.PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR":
        return FileType.PNG
    if data.startswith(b"\xff\xd8\xff") and b"\xff\xd9" in data[-64:]:
        return FileType.JPEG
    if data.startswith(b"PK\x03\x04"):
        return _zip_type(data)
    if _is_csv(data):
        return FileType.CSV
    return None


def _zip_type(data: bytes) -> FileType | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > MAX_ZIP_ENTRIES:
                return None
            names = {entry.filename: entry for entry in entries}
            mimetype = names.get("mimetype")
            if (mimetype is not None and mimetype.file_size <= MAX_MARKER_BYTES
                    and archive.read(mimetype).strip() == _ODT_MIMETYPE):
                return FileType.ODT
            types = names.get("[Content_Types].xml")
            if types is None or types.file_size > MAX_MARKER_BYTES:
                return None
            declared = archive.read(types)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as error:
        raise FileRefused("The selected file is damaged and cannot be opened. Save it again and upload the new copy") \
            from error
    return next((kind for kind, marker in _OOXML_MAIN.items() if marker in declared), None)


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")


def _is_csv(data: bytes) -> bool:
    """UTF-8 text without NULs or control characters, not markup, that the csv module reads (and not
    the start of an accepted binary type whose check failed, such as a truncated PDF)."""
    if data.startswith((b"%PDF", b"PK\x03\x04")):
        return False
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    if _CONTROL.search(text) or text.lstrip().startswith("<"):
        return False
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), strict=True))
    except csv.Error:
        return False
    return any(any(cell.strip() for cell in row) for row in rows)


_UNSAFE = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def display_name(original: str | None, file_type: FileType) -> str:
    """A name that is safe to show and to send back: no folders, control or reserved characters, at
    most 200 characters, and an extension that matches the detected type (so a PDF named `x.html` is
    saved by the browser as `x.html.pdf`)."""
    name = unicodedata.normalize("NFC", original or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _UNSAFE.sub("_", name)
    name = re.sub(r"\s+", " ", name).strip(" .")
    stem, dot, extension = name.rpartition(".")
    if not dot or f".{extension.lower()}" not in file_type.extensions:
        stem, extension = name, file_type.extensions[0][1:]
    stem = stem[:MAX_NAME_LENGTH - len(extension) - 1].rstrip(" .") or "evidence"
    return f"{stem}.{extension}"


def content_disposition(name: str) -> str:
    """An attachment header with an ASCII fallback name and the exact name as RFC 6266 `filename*`."""
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_").replace('"', "_").replace("\\", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def is_sha256(value: str) -> bool:
    return bool(SHA256_PATTERN.match(value))


class Choice(enum.StrEnum):
    """Whether an evidence file goes out with the revision's publication. Until a DPO decides, it does not."""

    UNDECIDED = "undecided"
    PUBLISH = "publish"
    WITHHOLD = "withhold"

    @property
    def label(self) -> str:
        return {"undecided": "Not decided (not published)", "publish": "Publish",
                "withhold": "Withhold under an FOI exemption"}[self.value]


@dataclass(frozen=True)
class PublicationChoice:
    choice: Choice
    exemption: Exemption | None = None
    reason: str | None = None

    @property
    def notice(self) -> str | None:
        """What the public reads in place of a withheld file (None unless withheld)."""
        if self.choice is Choice.WITHHOLD and self.exemption is not None:
            return withheld_notice(self.exemption, self.reason or "")
        return None


def check_choice(choice: str, exemption: str | None, reason: str | None) -> PublicationChoice:
    """Validate a publication choice as typed.

    :raise ValueError: with the message for the page (withholding needs an exemption and a reason).
    """
    try:
        picked = Choice(choice)
    except ValueError:
        raise ValueError("Select whether to publish or withhold the file") from None
    if picked is not Choice.WITHHOLD:
        return PublicationChoice(picked)
    reason = (reason or "").strip()
    try:
        exempt = Exemption(exemption or "")
    except ValueError:
        raise ValueError("Select the exemption the file is withheld under") from None
    if not reason:
        raise ValueError("Give the reason the exemption applies")
    return PublicationChoice(picked, exempt, reason)
