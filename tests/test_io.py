"""Tests of reading user files: one clear, one-line error for every kind of bad input."""

from __future__ import annotations

import codecs
import random
import re
from pathlib import Path

import pytest

from unspin import (
    BinaryInputError,
    EmptyInputError,
    InputError,
    InputNotFoundError,
    InputTooLargeError,
    NotAFileError,
    UnspinError,
    read_document,
)
from unspin.io import (
    Document,
    decode_text,
    document_from_bytes,
    document_from_text,
    safe_name,
)
from unspin.io._files import declared_charset, format_mib

TEXT = "The council approved a second bridge across the river.\n"
_PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_a_plain_text_file_is_read(tmp_path: Path) -> None:
    document = read_document(_write(tmp_path, "story.txt", TEXT.encode()))
    assert document.text == TEXT
    assert document.id == "story.txt"
    assert document.path == str(tmp_path / "story.txt")
    assert document.html is False


def test_doc_id_can_be_given(tmp_path: Path) -> None:
    assert read_document(_write(tmp_path, "a.txt", b"words"), doc_id="x").id == "x"


@pytest.mark.parametrize(
    ("make", "error"),
    [
        (lambda d: d / "missing.txt", InputNotFoundError),
        (lambda d: d, NotAFileError),
        (lambda d: _write(d, "empty.txt", b""), EmptyInputError),
        (lambda d: _write(d, "blank.txt", b"  \n\t\n  "), EmptyInputError),
        (lambda d: _write(d, "image.png", _PNG), BinaryInputError),
        (lambda d: _write(d, "nul.txt", b"abc\x00\x00\x00def\x00" * 50), BinaryInputError),
    ],
    ids=["missing", "directory", "empty", "whitespace", "binary", "nul-bytes"],
)
def test_bad_inputs_raise_one_line_errors(
    tmp_path: Path, make: object, error: type[InputError]
) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(error) as caught:
        read_document(path)
    message = str(caught.value)
    assert isinstance(caught.value, InputError) and isinstance(caught.value, UnspinError)
    assert "\n" not in message
    assert str(path) in message


def test_a_file_over_the_limit_is_refused(tmp_path: Path) -> None:
    path = _write(tmp_path, "big.txt", TEXT.encode() * 100)
    with pytest.raises(InputTooLargeError, match="--max-size"):
        read_document(path, max_bytes=1000)
    assert read_document(path, max_bytes=10_000).text == TEXT * 100


def test_invalid_utf8_is_decoded_leniently(tmp_path: Path) -> None:
    data = (TEXT * 20).encode() + "café ".encode() + b"broken \xff byte"
    document = read_document(_write(tmp_path, "broken.txt", data))
    assert document.text.startswith(TEXT)
    assert "café broken \ufffd byte" in document.text


@pytest.mark.xfail(
    strict=True,
    reason="known weakness: more than one bad byte per 1000 makes the whole file "
    "Windows-1252, so its valid UTF-8 turns into mojibake ('cafÃ©')",
)
def test_a_few_invalid_bytes_keep_the_rest_utf8(tmp_path: Path) -> None:
    data = (TEXT * 20).encode() + "café ".encode() + b"broken \xff\xfe bytes"
    document = read_document(_write(tmp_path, "broken.txt", data))
    assert "café broken" in document.text


_RUSSIAN_PAGE = (
    '<html><head><meta charset="{charset}"><title>Саммит</title></head>'
    "<body><p>Саммит в Ханое завершился без соглашения о санкциях.</p></body></html>"
)


@pytest.mark.parametrize("charset", ["windows-1251", "koi8-r"])
def test_an_html_page_is_read_in_the_encoding_its_meta_tag_declares(
    tmp_path: Path, charset: str
) -> None:
    # Read as Windows-1252, such a page was mojibake that matched nothing.
    page = _RUSSIAN_PAGE.format(charset=charset)
    path = tmp_path / "page.html"
    path.write_bytes(page.encode(charset))
    document = read_document(path)
    assert document.text == page and document.html


def test_a_declared_charset_yields_to_utf8_and_to_what_python_does_not_know() -> None:
    page = _RUSSIAN_PAGE.format(charset="windows-1251")
    assert decode_text(page.encode("utf-8")) == page  # the bytes are UTF-8 whatever it says
    unknown = _RUSSIAN_PAGE.format(charset="x-unheard-of").replace("Саммит", "Caf\u00e9")
    data = unknown.encode("cp1251", errors="replace")
    assert decode_text(data) == data.decode("cp1252", errors="replace")
    http_equiv = b'<meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">'
    assert declared_charset(http_equiv) == "cp1252"  # as browsers read Latin-1
    assert declared_charset(b"<META CHARSET=gb2312>") == "gb18030"
    assert declared_charset(b"<meta charset=utf-16>") is None  # no BOM backs it
    assert declared_charset(b"<meta charset=shift_jis>") == "cp932"


@pytest.mark.parametrize(
    "label", ["base64", "rot13", "hex", "zlib", "undefined", "idna", "punycode", "unicode_escape"]
)
def test_a_page_cannot_declare_a_codec_that_is_no_text_encoding(label: str) -> None:
    # Python knows these by name: declared, they crashed the run or rewrote the text.
    body = "café crème, naïve \\x41 " * 3
    page = f'<html><head><meta charset="{label}"></head><body>{body}'.encode("cp1252")
    assert declared_charset(page) is None
    assert decode_text(page).endswith(body)  # as Windows-1252


def test_mostly_ascii_windows_1252_is_not_read_as_broken_utf8() -> None:
    # One en dash in a long ASCII text was under the broken-UTF-8 bar, and became U+FFFD.
    text = "The seven\u2013spot ladybird " + "is a beetle of the family. " * 60
    assert decode_text(text.encode("cp1252")) == text
    utf8 = ("Caf\u00e9 " + "plain words here " * 60).encode() + b"\xff"  # one broken byte
    assert decode_text(utf8).endswith("here \ufffd")


def test_windows_1252_is_recognised(tmp_path: Path) -> None:
    data = "Caf\u00e9 au lait \u2013 \u201cquoted\u201d, na\u00efve. ".encode("cp1252") * 5
    document = read_document(_write(tmp_path, "legacy.txt", data))
    assert "Café au lait – “quoted”, naïve." in document.text


def test_byte_order_marks(tmp_path: Path) -> None:
    utf8 = read_document(_write(tmp_path, "bom8.txt", codecs.BOM_UTF8 + TEXT.encode()))
    assert utf8.text == TEXT
    utf16 = read_document(_write(tmp_path, "bom16.txt", TEXT.encode("utf-16")))
    assert utf16.text == TEXT
    # UTF-32's little-endian mark begins with UTF-16's: not to be read as UTF-16
    for name, data in (
        ("bom32le.txt", TEXT.encode("utf-32")),
        ("bom32be.txt", codecs.BOM_UTF32_BE + TEXT.encode("utf-32-be")),
        ("bom16be.txt", codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be")),
    ):
        assert read_document(_write(tmp_path, name, data)).text == TEXT, name


def test_broken_utf16_and_utf32_are_replaced_not_fatal() -> None:
    assert decode_text(codecs.BOM_UTF16_LE + "text".encode("utf-16-le") + b"x") == "text\ufffd"
    lone_surrogate = codecs.BOM_UTF16_LE + b"a\x00\x00\xd8b\x00"
    assert decode_text(lone_surrogate) == "a\ufffdb"
    assert decode_text(codecs.BOM_UTF32_LE + "ok".encode("utf-32-le") + b"\x01") == "ok\ufffd"


def test_html_is_recognised_by_name_or_content(tmp_path: Path) -> None:
    page = b"<html><body><p>Hello</p></body></html>"
    assert read_document(_write(tmp_path, "page.html", b"Hello there")).html is True
    assert read_document(_write(tmp_path, "page.txt", page)).html is True
    assert read_document(_write(tmp_path, "page.htm", page)).text == page.decode()


def test_decode_text_refuses_binary_but_not_a_few_control_bytes() -> None:
    with pytest.raises(BinaryInputError, match="upload"):
        decode_text(bytes(range(32)) * 20, origin="upload")
    assert decode_text(b"PAN text with a stray \x1a control byte" * 10).startswith("PAN text")


def test_random_bytes_are_binary_whatever_their_share_of_control_bytes() -> None:
    generator = random.Random(7)
    for size in (1000, 5000, 20000):
        for _ in range(50):  # about 11% control bytes: once a third of them passed
            with pytest.raises(BinaryInputError):
                decode_text(generator.randbytes(size))
    # UTF-8 text as full of stray controls is still text.
    noisy = ("Le conseil a voté \x1b\x1a pour le pont. " * 40).encode()
    assert decode_text(noisy).startswith("Le conseil")


# --- documents from memory (the web app's uploads) -----------------------------------------


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\essay.txt", "essay.txt"),
        ("a\x00b\x1b.txt", "ab.txt"),
        ("", "default"),
        (None, "default"),
        ("../", "default"),
        ("x" * 300, "x" * 200),
    ],
)
def test_safe_name_keeps_only_a_label(given: str | None, expected: str) -> None:
    assert safe_name(given, "default") == expected


def test_document_from_bytes_decodes_and_detects_html() -> None:
    document = document_from_bytes("<p>caf\u00e9</p>".encode(), name="page.txt")
    assert document == Document("page.txt", "<p>caf\u00e9</p>", None, True)
    assert document_from_bytes(b"plain words", name="a.html").html is True  # by its name
    assert document_from_bytes(b"plain words", name="a.txt").html is False
    assert document_from_text("<p>x</p>", name="a", html=False).html is False


@pytest.mark.parametrize(
    ("data", "error", "fragment"),
    [
        (b"  \n\t ", EmptyInputError, "up.txt: is empty"),
        (bytes(range(256)) * 4, BinaryInputError, "up.txt: looks like binary data"),
        (b"x" * 2048, InputTooLargeError, "up.txt: 0.002 MiB is over"),
    ],
)
def test_document_from_bytes_refuses_bad_input(
    data: bytes, error: type[Exception], fragment: str
) -> None:
    with pytest.raises(error, match=re.escape(fragment)):
        document_from_bytes(data, name="up.txt", max_bytes=1024)


@pytest.mark.parametrize(
    ("size", "shown"),
    [(64 * 2**20, "64"), (int(1.5 * 2**20), "1.5"), (3512, "0.0033"), (1048, "0.001")],
)
def test_sizes_in_messages_never_round_to_zero(size: int, shown: str) -> None:
    assert format_mib(size) == shown


def test_a_name_holding_a_nul_byte_is_no_such_file(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError, match="holds a NUL byte"):
        read_document(tmp_path / "sp\x00un.txt")
