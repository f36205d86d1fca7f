"""Tests of unspin._shown: text made safe to print on one terminal line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from unspin._shown import SHOWN_ERRORS, one_line


def test_breaking_and_driving_characters_are_escaped_and_the_rest_kept() -> None:
    assert one_line("a\nb\x1b[2J\u2028c\u202ed") == "a\\nb\\x1b[2J\\u2028c\\u202ed"
    # Joiners, no-break spaces and other scripts are text, not controls.
    for text in ("ketab\u200cha.txt", "10\xa0km", "👩\u200d💻", "naïve — 東京"):
        assert one_line(text) == text
    assert one_line("line\nnext\tcell\x07", keep="\n\t") == "line\nnext\tcell\\x07"


@given(st.text())
def test_the_result_never_holds_a_line_break_or_a_control(text: str) -> None:
    shown = one_line(text)
    assert "\n" not in shown and "\r" not in shown
    assert not any(unicodedata.category(char) in ("Cc", "Zl", "Zp") for char in shown)
    if all(unicodedata.category(char) not in ("Cc", "Zl", "Zp", "Cf") for char in text):
        assert shown == text


def test_what_a_stream_cannot_encode_is_written_as_escapes() -> None:
    name = os.fsdecode(b"idx\xff")  # a file name that is not UTF-8, as the OS hands it over
    assert (name + " \U0001f600").encode("utf-8", SHOWN_ERRORS) == b"idx\\xff \xf0\x9f\x98\x80"
    assert "caf\xe9 \u00b7".encode("ascii", SHOWN_ERRORS) == b"caf\\xe9 \\xb7"


def test_a_strict_stream_still_shows_a_name_that_is_not_utf8(tmp_path: Path) -> None:
    index = tmp_path / os.fsdecode(b"idx\xff")
    text = tmp_path / "a.txt"
    text.write_text("The council approved plans to rebuild the old bridge. " * 5)
    environment = {**os.environ, "PYTHONIOENCODING": "utf-8:strict"}
    run = subprocess.run(
        [sys.executable, "-m", "unspin", "index", "add", str(index), str(text)],
        capture_output=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.rstrip().endswith(b"1 document in " + os.fsencode(tmp_path) + b"/idx\\xff")
    info = subprocess.run(
        [sys.executable, "-m", "unspin", "index", "info", str(index), "-f", "json"],
        capture_output=True,
        env=environment,
        timeout=120,
        check=False,
    )
    assert info.returncode == 0, info.stderr
    assert json.loads(info.stdout)["path"] == str(tmp_path) + "/idx\\xff"  # as ids show it
