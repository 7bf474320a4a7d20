"""The pure rules of a stored file: names, sniffed types, digests, headers."""

import hashlib

import pytest

from accord.attachments import files

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\carol\\alarms.log", "alarms.log"),
        ("report\u202egnp.exe", "reportgnp.exe"),
        ("null\x00byte.txt", "nullbyte.txt"),
        ("zero\u200bwidth.txt", "zerowidth.txt"),
        ("  ..hidden.txt  ", "hidden.txt"),
        ("", "file"),
        ("../", "file"),
        ("tab\tand\nnewline.log", "tabandnewline.log"),
        ("Prüfbericht Ü.pdf", "Prüfbericht Ü.pdf"),
    ],
)
def test_a_file_name_keeps_no_folders_controls_or_bidi_overrides(given: str, kept: str) -> None:
    assert files.clean_name(given) == kept


def test_a_long_file_name_is_cut_and_keeps_its_extension() -> None:
    name = files.clean_name("a" * 500 + ".xlsx")
    assert len(name) == files.MAX_NAME and name.endswith(".xlsx")


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        (PNG, "image/png"),
        (PDF, "application/pdf"),
        (b"plain log line\nsecond line\n", "text/plain"),
        ("Größe über alles\n".encode(), "text/plain"),
        (b"<html><script>alert(1)</script></html>", "text/plain"),
        (b"\x00\x01\x02\x03binary", "application/octet-stream"),
        (b"", "application/octet-stream"),
    ],
)
def test_the_content_type_comes_from_the_bytes(head: bytes, mime: str) -> None:
    assert files.sniff(head) == mime


def test_a_text_sample_cut_inside_a_character_is_still_text() -> None:
    sample = ("ü" * 10).encode()[:-1]
    assert files.sniff(sample) == "text/plain"


def test_only_safe_types_are_served_as_themselves() -> None:
    assert files.served_type("image/png") == "image/png"
    assert files.served_type("text/plain") == "text/plain; charset=utf-8"
    assert files.served_type("image/svg+xml") == "application/octet-stream"
    assert files.served_type("text/html") == "application/octet-stream"
    assert files.served_type("application/x-msdownload") == "application/octet-stream"


def test_the_digest_is_the_sha256_and_size_of_all_chunks() -> None:
    assert files.digest([b"ab", b"c"]) == (hashlib.sha256(b"abc").hexdigest(), 3)


def test_the_download_name_is_quoted_twice_as_rfc_6266_asks() -> None:
    header = files.content_disposition('Prüf "bericht";.pdf')
    assert header.startswith('attachment; filename="Pr_f _bericht__.pdf"; ')
    assert header.endswith("filename*=UTF-8''Pr%C3%BCf%20%22bericht%22%3B.pdf")
