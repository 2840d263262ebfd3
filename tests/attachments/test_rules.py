"""Evidence files are recognised by their content, never their name; names are made safe to show and send."""

from __future__ import annotations

import pytest

from dpia.attachments.rules import (
    Choice,
    FileRefused,
    FileType,
    check_choice,
    check_upload,
    content_disposition,
    display_name,
    size_label,
)
from dpia.publication.rules import Exemption
from tests.attachments import samples

LIMIT = 20 * 1024 * 1024


@pytest.mark.parametrize(("kind", "expected"), [
    ("pdf", FileType.PDF), ("png", FileType.PNG), ("jpeg", FileType.JPEG), ("docx", FileType.DOCX),
    ("xlsx", FileType.XLSX), ("odt", FileType.ODT), ("csv", FileType.CSV)])
def test_each_accepted_type_is_recognised_by_its_content(kind: str, expected: FileType) -> None:
    assert check_upload(samples.ACCEPTED[kind](), max_bytes=LIMIT) is expected


@pytest.mark.parametrize("data", [samples.exe(), samples.html(), b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                                  samples.xlsm(), b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", b"%PDF-1.4 no end",
                                  b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "caf\u00e9".encode("latin-1") + b",x\n",
                                  b"a,\"unterminated\n", b"\n\n  \n"],
                         ids=["exe", "html", "svg", "xlsm", "gif", "truncated-pdf", "broken-png", "not-utf8",
                              "bad-csv", "blank"])
def test_other_content_is_refused_whatever_it_is_called(data: bytes) -> None:
    with pytest.raises(FileRefused, match="must be a PDF, DOCX, ODT, XLSX, PNG, JPEG or CSV"):
        check_upload(data, max_bytes=LIMIT)


def test_a_truncated_zip_document_is_refused_as_damaged() -> None:
    with pytest.raises(FileRefused, match="damaged"):
        check_upload(samples.truncated_zip(), max_bytes=LIMIT)


def test_empty_and_oversized_files_are_refused_with_what_to_fix() -> None:
    with pytest.raises(FileRefused, match="^The selected file is empty$"):
        check_upload(b"", max_bytes=LIMIT)
    with pytest.raises(FileRefused, match="^The selected file must be smaller than 1 KB$"):
        check_upload(samples.csv("x" * 2000), max_bytes=1024)


@pytest.mark.parametrize(("original", "kind", "expected"), [
    ("report.pdf", FileType.PDF, "report.pdf"),
    ("C:\\Users\\me\\Evidence.PDF", FileType.PDF, "Evidence.PDF"),
    ("../../etc/passwd", FileType.CSV, "passwd.csv"),
    ("page.html", FileType.PDF, "page.html.pdf"),
    ("photo.jpg", FileType.JPEG, "photo.jpg"),
    ("photo.jpeg", FileType.PNG, "photo.jpeg.png"),
    ('a<b>"c"|\x00\u202e.docx', FileType.DOCX, "a_b__c__.docx"),
    ("", FileType.ODT, "evidence.odt"),
    ("...", FileType.XLSX, "evidence.xlsx"),
])
def test_display_names_are_safe_and_end_in_the_detected_type(original: str, kind: FileType, expected: str) -> None:
    assert display_name(original, kind) == expected


def test_long_names_are_cut_but_keep_their_extension() -> None:
    name = display_name("x" * 500 + ".pdf", FileType.PDF)
    assert len(name) == 200 and name.endswith(".pdf")


def test_content_disposition_is_an_attachment_with_an_ascii_fallback_and_the_exact_name() -> None:
    header = content_disposition('Évaluation "final"; v2.pdf')
    assert header == ("attachment; filename=\"_valuation _final_; v2.pdf\"; "
                      "filename*=UTF-8''%C3%89valuation%20%22final%22%3B%20v2.pdf")


def test_size_labels() -> None:
    assert [size_label(n) for n in (1, 512, 2048, 20 * 1024 * 1024)] == ["1 byte", "512 bytes", "2 KB", "20.0 MB"]


def test_withholding_needs_an_exemption_and_a_reason() -> None:
    with pytest.raises(ValueError, match="exemption"):
        check_choice("withhold", "", "Because")
    with pytest.raises(ValueError, match="reason"):
        check_choice("withhold", "s42", "  ")
    with pytest.raises(ValueError, match="publish or withhold"):
        check_choice("maybe", None, None)
    choice = check_choice("withhold", "s42", " Legal advice ")
    assert (choice.choice, choice.exemption, choice.reason) == (Choice.WITHHOLD, Exemption.S42, "Legal advice")
    assert choice.notice == "Withheld under FOI Act s.42: Legal advice"
    assert check_choice("publish", "s42", "ignored").exemption is None
