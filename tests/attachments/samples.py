"""Tiny but real files of every accepted type, and a few that must be refused, built in the tests."""

from __future__ import annotations

import io
import zipfile

from docx import Document as WordDocument
from PIL import Image


def pdf(text: str = "Evidence") -> bytes:
    """A minimal one-page PDF with `text` on it (pypdf reads it back)."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def _image(kind: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


def png() -> bytes:
    return _image("PNG")


def jpeg() -> bytes:
    return _image("JPEG")


def docx(text: str = "Evidence") -> bytes:
    document = WordDocument()
    document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _zip(entries: list[tuple[str, bytes]]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, data in entries:
            stored = name == "mimetype"  # ODF keeps its type first and uncompressed
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED)
    return out.getvalue()


def content_types(main: str) -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/'
            b'content-types"><Default Extension="xml" ContentType="application/xml"/>'
            b'<Override PartName="/main.xml" ContentType="' + main.encode() + b'"/></Types>')


def xlsx(text: str = "Evidence") -> bytes:
    return _zip([("[Content_Types].xml",
                  content_types("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml")),
                 ("xl/workbook.xml", f"<workbook><sheet>{text}</sheet></workbook>".encode())])


def xlsm() -> bytes:
    """A macro-enabled workbook: a zip with Office markers, but not an accepted type."""
    return _zip([("[Content_Types].xml", content_types("application/vnd.ms-excel.sheet.macroEnabled.main+xml"))])


def odt(text: str = "Evidence") -> bytes:
    return _zip([("mimetype", b"application/vnd.oasis.opendocument.text"),
                 ("content.xml", f"<office:document-content>{text}</office:document-content>".encode())])


def csv(text: str = "Evidence") -> bytes:
    return f"name,value\n{text},1\n\"quoted, cell\",2\n".encode()


ACCEPTED = {"pdf": pdf, "png": png, "jpeg": jpeg, "docx": docx, "xlsx": xlsx, "odt": odt, "csv": csv}


def exe() -> bytes:
    """The start of a Windows executable (what a renamed .exe begins with)."""
    return b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00" + b"\x00" * 64


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>\n"


def truncated_zip() -> bytes:
    whole = docx()
    return whole[: len(whole) // 2]
