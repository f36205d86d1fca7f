"""Tests of the reports: JSON, PAN XML and the terminal view."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from unspin import (
    Alignment,
    FormatError,
    MatchType,
    Passage,
    Rewrite,
    RewriteKind,
    SearchResult,
    SourceMatch,
    Span,
    Verdict,
    align,
)
from unspin.report import (
    SCHEMA_VERSION,
    PanFeature,
    alignment_from_dict,
    alignment_to_dict,
    alignment_to_json,
    format_pan_xml,
    parse_pan_xml,
    read_pan_xml,
    render_alignment,
    render_search,
    write_pan_xml,
)

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

# A hand-made alignment, independent of the engine: "top" for "summit" (a synonym),
# "certainly" inserted, "first" deleted, and markup-like text in the suspicious document.
SOURCE = "The leaders held their first summit in Vladivostok on Thursday."
SUSPICIOUS = "The leaders certainly held their top in [bold]Vladivostok[/bold] :smile: on Thursday."


def _span(text: str, word: str) -> Span:
    start = text.index(word)
    return Span(start, start + len(word))


def _hand_made() -> Alignment:
    rewrites = (
        Rewrite(
            RewriteKind.INSERTION,
            _span(SUSPICIOUS, "certainly"),
            Span(SOURCE.index("held"), SOURCE.index("held")),
            "certainly",
            "",
            False,
        ),
        Rewrite(
            RewriteKind.DELETION,
            Span(SUSPICIOUS.index("top"), SUSPICIOUS.index("top")),
            _span(SOURCE, "first"),
            "",
            "first",
            False,
        ),
        Rewrite(
            RewriteKind.SUBSTITUTION,
            _span(SUSPICIOUS, "top"),
            _span(SOURCE, "summit"),
            "top",
            "summit",
            True,
        ),
    )
    passage = Passage(
        suspicious=Span(0, len(SUSPICIOUS)),
        source=Span(0, len(SOURCE)),
        score=0.8125,
        match_type=MatchType.SPUN,
        rewrites=rewrites,
    )
    return Alignment(
        passages=(passage,),
        suspicious_coverage=0.9,
        source_coverage=0.95,
        score=0.75,
        verdict=Verdict.SPUN_COPY,
    )


# --- JSON --------------------------------------------------------------------------------


def test_json_report_fields_and_order() -> None:
    data = alignment_to_dict(
        _hand_made(),
        suspicious_name="spun.txt",
        source_name="original.txt",
        suspicious_text=SUSPICIOUS,
        source_text=SOURCE,
    )
    assert list(data) == [
        "schema",
        "suspicious",
        "source",
        "verdict",
        "score",
        "coverage",
        "match_types",
        "passages",
    ]
    assert data["schema"] == SCHEMA_VERSION == "unspin.alignment/1"
    assert data["suspicious"] == {"name": "spun.txt", "length": len(SUSPICIOUS)}
    assert data["verdict"] == "spun-copy"
    assert data["coverage"] == {
        "suspicious": 0.9,
        "suspicious_percent": 90.0,
        "source": 0.95,
        "source_percent": 95.0,
    }
    assert data["match_types"]["spun"] == {
        "passages": 1,
        "suspicious_chars": len(SUSPICIOUS),
        "source_chars": len(SOURCE),
    }
    assert data["match_types"]["identical"]["passages"] == 0
    passage = data["passages"][0]
    assert passage["index"] == 1
    assert passage["suspicious"]["text"] == SUSPICIOUS
    assert passage["source"] == {
        "start": 0,
        "end": len(SOURCE),
        "length": len(SOURCE),
        "text": SOURCE,
    }
    assert passage["match_type"] == "spun"
    top, summit = _span(SUSPICIOUS, "top"), _span(SOURCE, "summit")
    assert passage["rewrites"][2] == {
        "kind": "substitution",
        "suspicious": {"start": top.start, "end": top.end, "text": "top"},
        "source": {"start": summit.start, "end": summit.end, "text": "summit"},
        "synonym": True,
    }
    assert [r["kind"] for r in passage["rewrites"]] == ["insertion", "deletion", "substitution"]


def test_json_without_texts_has_no_passage_text() -> None:
    data = alignment_to_dict(_hand_made(), suspicious_name="a", source_name="b")
    assert data["suspicious"]["length"] is None
    assert "text" not in data["passages"][0]["suspicious"]
    assert data["passages"][0]["rewrites"][2]["source"]["text"] == "summit"


def test_json_round_trip() -> None:
    original = _hand_made()
    text = alignment_to_json(
        original,
        suspicious_name="spun.txt",
        source_name="original.txt",
        suspicious_text=SUSPICIOUS,
        source_text=SOURCE,
    )
    assert text.endswith("\n")
    restored = alignment_from_dict(json.loads(text))
    assert restored == original
    assert isinstance(restored.passages[0].match_type, MatchType)


def test_json_round_trip_of_a_real_alignment() -> None:
    suspicious = (EXAMPLES / "spun.txt").read_text(encoding="utf-8")
    source = (EXAMPLES / "original.txt").read_text(encoding="utf-8")
    result = align(suspicious, source)
    text = alignment_to_json(result, suspicious_name="s", source_name="r")
    assert alignment_from_dict(json.loads(text)) == result


@pytest.mark.parametrize(
    "data",
    [{}, {"schema": "something/else"}, {"schema": SCHEMA_VERSION, "passages": [{}]}],
)
def test_json_reader_refuses_other_documents(data: dict[str, object]) -> None:
    with pytest.raises(FormatError):
        alignment_from_dict(data)


# --- PAN XML ------------------------------------------------------------------------------


def test_pan_xml_round_trip(tmp_path: Path) -> None:
    features = [
        PanFeature("susp.txt", 0, 120, "src.txt", 10, 130),
        PanFeature("susp.txt", 500, 42, "src.txt", 900, 40, name="plagiarism", obfuscation="spun"),
    ]
    path = tmp_path / "susp-src.xml"
    write_pan_xml(path, "susp.txt", features)
    assert read_pan_xml(path) == features
    assert [p.name for p in tmp_path.iterdir()] == ["susp-src.xml"]  # no temporary left
    assert parse_pan_xml(format_pan_xml("susp.txt", features)) == features


def test_pan_xml_without_features() -> None:
    text = format_pan_xml("susp.txt", [])
    assert 'reference="susp.txt"' in text
    assert parse_pan_xml(text) == []


def test_pan_xml_metadata_features_are_skipped() -> None:
    text = '<document reference="s.txt"><feature name="about" authors="x"/></document>'
    assert parse_pan_xml(text) == []


@pytest.mark.parametrize(
    "text",
    [
        "<document><feature",
        "<report/>",
        '<document reference="s"><feature this_offset="x" this_length="1" '
        'source_offset="0" source_length="1"/></document>',
        '<document reference="s"><feature this_offset="-5" this_length="1" '
        'source_offset="0" source_length="1"/></document>',
        '<document reference="s"><feature this_offset="0" this_length="1" '
        'source_offset="0" source_length="123456789012345678901234567"/></document>',
    ],
)
def test_malformed_pan_xml_is_a_format_error(text: str) -> None:
    with pytest.raises(FormatError):
        parse_pan_xml(text, origin="bad.xml")


# --- terminal -----------------------------------------------------------------------------


def _render(alignment: Alignment, suspicious: str, source: str, **options: object) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None, force_terminal=False)
    render_alignment(
        alignment,
        suspicious,
        source,
        console=console,
        suspicious_name="spun.txt",
        source_name="original.txt",
        **options,  # type: ignore[arg-type]
    )
    return buffer.getvalue()


def test_terminal_view_header_and_marked_words() -> None:
    output = _render(_hand_made(), SUSPICIOUS, SOURCE)
    assert "spun.txt vs original.txt: spun copy" in output
    assert "score 0.75" in output
    assert "90.0% of spun.txt" in output and "95.0% of original.txt" in output
    assert "1 passage" in output
    assert f"suspicious [0, {len(SUSPICIOUS)})" in output
    assert "spun" in output and "score 0.81" in output
    assert "top[summit]" in output
    assert "certainly[+]" in output
    assert "[-first]" in output
    # Document text is shown literally, never read as markup or emoji codes.
    assert "[bold]Vladivostok[/bold] :smile:" in output


def test_terminal_view_of_no_copy() -> None:
    nothing = Alignment((), 0.0, 0.0, 0.0, Verdict.NO_COPY)
    output = _render(nothing, "a", "b")
    assert "no copy found" in output and "0 passages" in output


def test_names_with_control_characters_stay_on_one_line() -> None:
    # An id from a JSONL file may hold a newline or an escape code; shown raw, it would
    # break the view's lines or recolour the terminal.
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None)
    render_alignment(
        _hand_made(), SUSPICIOUS, SOURCE, console=console, suspicious_name="a\nb\x1b[2J"
    )
    output = buffer.getvalue()
    assert "a\\nb\\x1b[2J vs source: spun copy" in output
    assert "\x1b" not in output
    # Nor can the text of a passage drive the terminal.
    escaping = SUSPICIOUS.replace("certainly", "certainl\x1b")
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None)
    render_alignment(_hand_made(), escaping, SOURCE, console=console)
    assert "certainl\\x1b[+]" in buffer.getvalue() and "\x1b" not in buffer.getvalue()
    match = SourceMatch("first\nsecond", 0.75, Verdict.SPUN_COPY, 0.9, 0.95, 12.0, 8, _hand_made())
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None)
    render_search(SearchResult((match,), 0.9, ()), SUSPICIOUS, console=console, query_name="q\tx")
    lines = buffer.getvalue().splitlines()
    assert lines[0].startswith("q\\tx: 1 source")
    assert "\x1b" not in buffer.getvalue()
    assert any(line.startswith("1. first\\nsecond  ·  spun copy") for line in lines)


def test_long_passages_are_shortened_unless_full() -> None:
    suspicious = (EXAMPLES / "spun.txt").read_text(encoding="utf-8")
    source = (EXAMPLES / "original.txt").read_text(encoding="utf-8")
    result = align(suspicious, source)
    assert result.passages and result.passages[0].suspicious.length > 2000
    short = _render(result, suspicious, source)
    assert "characters not shown (use --full)" in short
    full = _render(result, suspicious, source, full=True)
    assert "not shown" not in full
    assert len(full) > len(short)
    middle = "Tuesday and Thursday evenings"  # far from both ends of the passage
    assert middle in " ".join(full.split())
    assert middle not in " ".join(short.split())
    with_source = _render(result, suspicious, source, full=True, show_source=True)
    assert "source:" in with_source and "Mill Street" in with_source.split("source:")[1]


def test_pan_xml_stays_well_formed_with_names_xml_cannot_hold() -> None:
    # A file name with a control character made `compare -f pan` write XML no parser reads.
    name, source = "s\x01\x1b.txt", "src\ufffe.txt"
    feature = PanFeature(name, 0, 5, source, 2, 5)
    text = format_pan_xml(name, [feature])
    (parsed,) = parse_pan_xml(text)
    assert (parsed.this_reference, parsed.source_reference) == ("s\\x01\\x1b.txt", "src\\ufffe.txt")
    assert (parsed.this_offset, parsed.source_length) == (0, 5)
