"""Tests of the HTML report, its data model and the display of raw inputs.

The page is parsed with the standard library (``_page.Page``) and checked for what it
shows, what it links to (nothing) and what a hostile document can do to it (nothing);
``test_browser.py`` checks the same page in a real browser.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _page import Element, Page
from conftest import news_article
from unspin import (
    Alignment,
    Document,
    Index,
    MatchType,
    Passage,
    Rewrite,
    RewriteKind,
    SearchOptions,
    Span,
    Verdict,
    align,
    read_document,
)
from unspin.eval import settings_for, spin_text
from unspin.report import (
    REPORT_SCHEMA_VERSION,
    SourceResult,
    alignment_to_json,
    build_report,
    compare_documents,
    report_from_search,
    report_to_csv,
    report_to_dict,
    report_to_html,
    report_to_json,
    search_result_from_dict,
)
from unspin.report._display import display_pieces
from unspin.report._html import _Mark, _Passage, _render_side, script_json

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"

SOURCE = "The leaders held their first summit in Vladivostok on Thursday. Talks went on."
SUSPICIOUS = "The leaders certainly held their top in Vladivostok on Thursday. Talks went on."


def _span(text: str, word: str) -> Span:
    start = text.index(word)
    return Span(start, start + len(word))


def _hand_made(suspicious: str = SUSPICIOUS, source: str = SOURCE) -> Alignment:
    """'top' for 'summit' (synonym), 'certainly' inserted, 'first' deleted."""
    end_s = suspicious.index("Thursday.") + len("Thursday.")
    end_r = source.index("Thursday.") + len("Thursday.")
    rewrites = (
        Rewrite(
            RewriteKind.INSERTION,
            _span(suspicious, "certainly"),
            Span(source.index("held"), source.index("held")),
            "certainly",
            "",
            False,
        ),
        Rewrite(
            RewriteKind.DELETION,
            Span(suspicious.index("top"), suspicious.index("top")),
            _span(source, "first"),
            "",
            "first",
            False,
        ),
        Rewrite(
            RewriteKind.SUBSTITUTION,
            _span(suspicious, "top"),
            _span(source, "summit"),
            "top",
            "summit",
            True,
        ),
    )
    passage = Passage(
        suspicious=Span(suspicious.index("The"), end_s),
        source=Span(source.index("The"), end_r),
        score=0.81,
        match_type=MatchType.SPUN,
        rewrites=rewrites,
    )
    return Alignment((passage,), 0.7, 0.7, 0.6, Verdict.SPUN_COPY)


def _hand_report(suspicious: str = SUSPICIOUS, *, html: bool = False) -> tuple[str, Page]:
    report = build_report(
        Document("spun.txt", suspicious, html=html),
        [SourceResult(Document("original.txt", SOURCE), _hand_made(suspicious))],
    )
    page = report_to_html(report)
    return page, Page(page)


def _has(attribute: str, value: str) -> object:
    return lambda element: element[1].get(attribute) == value


def _is_passage(number: int) -> object:
    return lambda element: element[0] == "mark" and element[1].get("data-p") == str(number)


def _embedded(page: str) -> dict[str, object]:
    match = re.search(r'<script type="application/json" id="unspin-data">(.*?)</script>', page)
    assert match is not None
    data: dict[str, object] = json.loads(match.group(1))
    return data


@pytest.fixture(scope="module")
def example_report() -> tuple[Document, Document, str]:
    suspicious = read_document(EXAMPLES / "spun.txt")
    source = read_document(EXAMPLES / "original.txt")
    return suspicious, source, report_to_html(compare_documents(suspicious, source))


# --- the data model ----------------------------------------------------------------------------


def test_similarity_of_one_source_is_the_alignments_coverage() -> None:
    suspicious = read_document(EXAMPLES / "spun.txt")
    source = read_document(EXAMPLES / "original.txt")
    report = compare_documents(suspicious, source)
    alignment = report.sources[0].alignment
    assert alignment.passages
    assert report.words > 500
    assert round(report.similarity, 4) == alignment.suspicious_coverage
    totals = dict(report.match_types)
    assert sum(t.passages for t in totals.values()) == len(alignment.passages)
    assert sum(t.words for t in totals.values()) == report.matched_words
    assert alignment == align(suspicious.text, source.text)


def test_words_found_in_several_sources_count_once() -> None:
    suspicious = Document("s.txt", SUSPICIOUS)
    one = build_report(suspicious, [(Document("a.txt", SOURCE), _hand_made())])
    twice = build_report(
        suspicious,
        [(Document("a.txt", SOURCE), _hand_made()), (Document("b.txt", SOURCE), _hand_made())],
    )
    # "The leaders certainly held their top in Vladivostok on Thursday" of 13 words.
    assert (one.matched_words, one.words) == (10, 13)
    assert twice.matched_words == one.matched_words and twice.similarity == one.similarity
    assert dict(twice.match_types)[MatchType.SPUN] == (2, 10)
    assert not one.multi_source and twice.multi_source


def test_json_export_of_a_comparison_is_the_alignment_schema() -> None:
    report = build_report(
        Document("spun.txt", SUSPICIOUS), [(Document("o.txt", SOURCE), _hand_made())]
    )
    assert report_to_json(report) == alignment_to_json(
        _hand_made(),
        suspicious_name="spun.txt",
        source_name="o.txt",
        suspicious_text=SUSPICIOUS,
        source_text=SOURCE,
    )


def test_json_export_of_several_sources_is_the_report_schema() -> None:
    report = build_report(
        Document("spun.txt", SUSPICIOUS),
        [(Document("a.txt", SOURCE), _hand_made()), (Document("b.txt", "nothing here"), _none())],
    )
    data = report_to_dict(report)
    assert data["schema"] == REPORT_SCHEMA_VERSION == "unspin.report/1"
    assert data["suspicious"] == {"name": "spun.txt", "length": len(SUSPICIOUS), "words": 13}
    assert data["similarity"] == {
        "matched_words": 10,
        "words": 13,
        "share": 0.7692,
        "percent": 76.92,
    }
    assert data["match_types"]["spun"] == {"passages": 1, "words": 10}
    assert [s["source"]["name"] for s in data["sources"]] == ["a.txt", "b.txt"]
    assert data["sources"][0]["schema"] == "unspin.alignment/1"
    assert data["sources"][1]["passages"] == []


def _none() -> Alignment:
    return Alignment((), 0.0, 0.0, 0.0, Verdict.NO_COPY)


# --- what the page shows -------------------------------------------------------------------------


def test_header_shows_similarity_verdict_sources_types_and_thresholds(
    example_report: tuple[Document, Document, str],
) -> None:
    suspicious, source, page = example_report
    report = compare_documents(suspicious, source)
    alignment = report.sources[0].alignment
    dom = Page(page)
    assert dom.text(_has("id", "similarity")) == f"{report.similarity * 100:.1f}%"
    assert dom.text(_has("id", "verdict")) == "spun copy"
    sources = dom.text(lambda e: e[0] == "table" and e[1].get("class") == "sources")
    assert "original.txt" in sources
    assert f"{alignment.suspicious_coverage * 100:.1f}%" in sources
    assert f"{alignment.source_coverage * 100:.1f}%" in sources
    types = dom.text(lambda e: e[0] == "table" and e[1].get("class") == "types")
    for label in ("identical", "minor changes", "spun / paraphrased"):
        assert label in types
    thresholds = dom.text(lambda e: e[0] == "section" and e[1].get("class") == "thresholds")
    assert "≥ 0.3 (Dice over content words)" in thresholds
    assert "≥ 80%" in thresholds and "≥ 50%" in thresholds
    assert "≥ 0.4, 4 pairs in a row at least" in thresholds  # the in-order bar
    assert report.patchwork is None and "once" not in thresholds  # no search, no patchwork
    legend = dom.text(lambda e: e[0] == "section" and e[1].get("class") == "legend")
    assert "replaced by a synonym" in legend and "inserted" in legend


def test_both_texts_are_shown_whole_with_numbered_passages(
    example_report: tuple[Document, Document, str],
) -> None:
    suspicious, source, page = example_report
    alignment = compare_documents(suspicious, source).sources[0].alignment
    dom = Page(page)
    left, right = dom.by_id("c0-s"), dom.by_id("c0-r")
    assert dom.text(lambda e: True, within=left) == suspicious.text
    assert dom.text(lambda e: True, within=right) == source.text
    for number, passage in enumerate(alignment.passages, start=1):
        shown = dom.text(_is_passage(number), within=left)
        expected = suspicious.text[passage.suspicious.start : passage.suspicious.end]
        assert shown.split() == expected.split()
        shown = dom.text(_is_passage(number), within=right)
        assert shown.split() == source.text[passage.source.start : passage.source.end].split()
        assert dom.by_id(f"c0-s-p{number}") and dom.by_id(f"c0-r-p{number}")
    badges = [
        number
        for number in range(1, len(alignment.passages) + 2)
        for side in (left, right)
        if dom.text(_is_passage(number), within=side, skip_class="-")
        != dom.text(_is_passage(number), within=side)
    ]
    assert badges == [n for n in range(1, len(alignment.passages) + 1) for _ in (0, 1)]


def test_rewritten_words_carry_the_original_on_hover() -> None:
    _, dom = _hand_report()
    left, right = dom.by_id("c0-s"), dom.by_id("c0-r")
    synonyms = dom.find_all(lambda e: e[1].get("class") == "rw sub syn")
    assert [e[1]["data-orig"] for e in synonyms] == ["summit", "top", "old"]  # then the legend
    assert synonyms[0][1]["title"] == "top ← summit (synonym)"
    assert dom.text(lambda e: e[1].get("data-orig") == "summit", within=left) == "top"
    assert dom.text(lambda e: e[1].get("data-orig") == "top", within=right) == "summit"
    assert dom.text(lambda e: e[1].get("class") == "rw ins", within=left) == "certainly"
    assert dom.text(lambda e: e[1].get("class") == "rw del", within=right) == "first"
    # Text after the passage is shown but not marked.
    assert dom.text(_is_passage(1), within=left).endswith("Thursday.")


def test_an_html_input_is_shown_as_visible_text_with_highlights_on_its_words() -> None:
    suspicious = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<p>The leaders <b>certainly</b> held their top in Vladivostok on Thursday.</p>"
        "<p>Talks &amp; went on.</p><script>var x = '<p>hidden</p>';</script></body></html>"
    )
    _, dom = _hand_report(suspicious, html=True)
    left = dom.by_id("c0-s")
    shown = dom.text(lambda e: True, within=left)
    assert shown.strip() == (
        "The leaders certainly held their top in Vladivostok on Thursday.\n\nTalks & went on."
    )
    assert dom.text(_is_passage(1), within=left) == (
        "The leaders certainly held their top in Vladivostok on Thursday."
    )
    assert dom.text(lambda e: e[1].get("data-orig") == "summit", within=left) == "top"
    assert dom.text(lambda e: e[1].get("class") == "rw ins", within=left) == "certainly"
    assert "visible text of the HTML" in dom.text(lambda e: e[0] == "h3")


def test_several_sources_get_one_comparison_each_and_tabs() -> None:
    report = build_report(
        Document("spun.txt", SUSPICIOUS),
        [(Document("a.txt", SOURCE), _hand_made()), (Document("b.txt", "nothing here"), _none())],
    )
    dom = Page(report_to_html(report))
    sections = dom.find_all(lambda e: e[0] == "section" and "comparison" in e[1].get("class", ""))
    assert [e[1]["id"] for e in sections] == ["c0", "c1"]
    assert "inactive" in sections[1][1]["class"]
    tabs = dom.find_all(lambda e: e[1].get("role") == "tab")
    assert [e[1]["data-tab"] for e in tabs] == ["0", "1"]
    assert "against 2 sources" in dom.text(lambda e: e[1].get("class") == "compared")
    assert "main source: a.txt" in dom.text(lambda e: "verdict" in e[1].get("class", ""))
    assert "No passage" in dom.text(_has("id", "c1"))


_GARDEN_LINE = "Tomato bed {n} wants sunshine, compost and {m} litres of rain each fortnight."


def _garden(first: int, lines: int) -> str:
    return "".join(
        f"<p>{_GARDEN_LINE.format(n=n, m=n * 7 % 60)}</p>\n" for n in range(first, first + lines)
    )


def _spun(text: str, seed: int) -> str:
    return spin_text(text, settings=settings_for("medium"), seed=seed)


def test_a_search_report_marks_the_right_characters_of_both_texts(tmp_path: Path) -> None:
    """An HTML page holding spun paragraphs of an HTML source and of a plain one, far
    apart in unrelated text (so that search aligns a crop of the page with each): every
    passage and rewritten word of the report lies on the right raw characters of the page
    and of each source's stored text, and the page marks exactly those words."""
    # Two stories with nothing in common (generated articles share sentence templates).
    html_paragraphs = (EXAMPLES / "original.txt").read_text(encoding="utf-8").split("\n\n")
    html_source = (
        "<html><head><title>Tools</title><style>p { margin: 0 }</style></head><body>\n"
        + "".join(f"<p>{p}</p>\n" for p in html_paragraphs)
        + "</body></html>\n"
    )
    plain_source = news_article(5)
    with Index.open(tmp_path / "idx", create=True) as index:
        index.add(Document("html-source.html", html_source, html=True))
        index.add(Document("plain-source.txt", plain_source))
        index.add(Document(f"other-{seed}", news_article(seed)) for seed in (0, 1, 2))
        spun_html = "".join(f"<p>{_spun(p, 1)}</p>\n" for p in html_paragraphs[1:3])
        spun_plain = "".join(f"<p>{_spun(p, 2)}</p>\n" for p in plain_source.split("\n\n")[1:3])
        page = (
            "<html><head><title>Gardening</title></head><body>\n"
            + _garden(0, 30)
            + spun_html
            + _garden(30, 30)
            + spun_plain
            + _garden(60, 10)
            + "</body></html>\n"
        )
        query = Document("page.html", page, html=True)
        result = index.search(page, html=True)
        sources = index.sources(result)
    regions = {
        "html-source.html": (page.index(spun_html), page.index(spun_html) + len(spun_html)),
        "plain-source.txt": (page.index(spun_plain), page.index(spun_plain) + len(spun_plain)),
    }
    assert sorted(match.id for match in result.matches) == sorted(regions)
    assert sources["html-source.html"].html and sources["html-source.html"].text == html_source
    report = report_from_search(query, result, sources)
    html = report_to_html(report)
    # The thresholds include the lower alignment bars of a patchwork's later sources.
    thresholds = Page(html).text(_has("class", "thresholds"))
    assert "once 2 sources are confirmed" in thresholds
    assert "≥ 0.225 / ≥ 0.225" in thresholds and "27 on both together" in thresholds
    flat = report_from_search(query, result, sources, options=SearchOptions(patchwork_bar=1.0))
    assert flat.patchwork is None
    assert "once" not in Page(report_to_html(flat)).text(_has("class", "thresholds"))
    # Its JSON export is the search's own report.
    exported = json.loads(_embedded(html)["exports"]["json"]["text"])  # type: ignore[index]
    assert exported["schema"] == "unspin.search/1"
    assert search_result_from_dict(exported) == result._replace(candidates=())
    dom = Page(html)
    for number, match in enumerate(result.matches):
        stored = sources[match.id].text
        low, high = regions[match.id]
        left, right = dom.by_id(f"c{number}-s"), dom.by_id(f"c{number}-r")
        for index_, passage in enumerate(match.alignment.passages, start=1):
            assert low - 5 <= passage.suspicious.start < passage.suspicious.end <= high + 5
            sides = ((left, page, passage.suspicious), (right, stored, passage.source))
            for side, raw, span in sides:
                shown = dom.text(_is_passage(index_), within=side)
                visible = re.sub(r"<[^>]*>", " ", raw[span.start : span.end])
                assert "".join(shown.split()) == "".join(visible.split())
        rewrites = [r for p in match.alignment.passages for r in p.rewrites]
        assert rewrites
        for rewrite in rewrites:
            suspicious, source = rewrite.suspicious, rewrite.source
            assert page[suspicious.start : suspicious.end] == rewrite.suspicious_text
            assert stored[source.start : source.end] == rewrite.source_text
        marked = [e for e in dom.elements if "rw" in e[1].get("class", "").split()]
        for side, texts in (
            (left, [r.suspicious_text for r in rewrites if r.kind is not RewriteKind.DELETION]),
            (right, [r.source_text for r in rewrites if r.kind is not RewriteKind.INSERTION]),
        ):
            shown = [dom.text(lambda e, m=m: e is m, within=side) for m in marked]
            assert [text for text in shown if text] == texts


def test_exports_are_embedded_from_the_same_data(
    example_report: tuple[Document, Document, str],
) -> None:
    suspicious, source, page = example_report
    report = compare_documents(suspicious, source)
    exports = _embedded(page)["exports"]
    assert isinstance(exports, dict)
    assert exports["json"]["text"] == report_to_json(report)
    assert exports["json"]["name"] == "spun.unspin.json"
    assert exports["csv"]["text"] == report_to_csv(report)
    assert json.loads(exports["json"]["text"])["schema"] == "unspin.alignment/1"


# --- self-contained and safe ------------------------------------------------------------

_URL_ATTRIBUTES = ("src", "href", "action", "formaction", "srcset", "poster", "data", "background")


def test_the_page_requests_nothing(example_report: tuple[Document, Document, str]) -> None:
    page = example_report[2]
    dom = Page(page)
    for tag, attrs in dom.elements:
        assert tag not in {"link", "img", "iframe", "object", "embed", "base", "form", "video"}
        for name in _URL_ATTRIBUTES:
            assert name not in attrs, (tag, attrs)
    scripts = [attrs for tag, attrs in dom.elements if tag == "script"]
    assert scripts == [{"type": "application/json", "id": "unspin-data"}, {}]
    assert "url(" not in page and "@import" not in page
    assert not re.search(r"(?i)(https?:)?//[a-z0-9.-]+\.[a-z]{2,}", page.split("<body>")[0])


def test_the_content_security_policy_allows_only_the_inline_script_and_style() -> None:
    page, dom = _hand_report()
    policy = next(a["content"] for t, a in dom.elements if a.get("http-equiv"))
    assert policy.startswith("default-src 'none'; ")
    style = re.search(r"<style>(.*?)</style>", page, re.DOTALL)
    script = re.search(r"<script>(.*?)</script>", page, re.DOTALL)
    assert style and script
    for kind, block in (("style-src", style.group(1)), ("script-src", script.group(1))):
        digest = base64.b64encode(hashlib.sha256(block.encode()).digest()).decode()
        assert f"{kind} 'sha256-{digest}'" in policy
    assert "unsafe-inline" not in policy and "form-action 'none'" in policy


HOSTILE = (
    "The leaders held their first summit. </script><script>window.pwned=1</script> "
    '<img src=x onerror="window.pwned=1"> <!-- </textarea><textarea> '
    "<svg onload=alert(1)> \"' onmouseover=alert(1) x=' &lt;b&gt; \u2028\u2029 "
    "]]> {{7*7}} javascript:alert(1)"
)


@pytest.mark.parametrize("html_input", [False, True], ids=["as-text", "as-html"])
def test_hostile_text_stays_text(html_input: bool) -> None:
    name = '"><script>window.pwned=1</script>.txt'
    alignment = Alignment(
        (
            Passage(
                Span(0, len(HOSTILE)),
                Span(0, len(HOSTILE)),
                1.0,
                MatchType.IDENTICAL,
                (
                    Rewrite(
                        RewriteKind.SUBSTITUTION,
                        _span(HOSTILE, "<img"),
                        _span(HOSTILE, "onerror"),
                        '<img src=x onerror="window.pwned=1">',
                        "</span><script>x</script>",
                        True,
                    ),
                ),
            ),
        ),
        1.0,
        1.0,
        1.0,
        Verdict.COPY,
    )
    report = build_report(
        Document(name, HOSTILE, html=html_input),
        [(Document(name, HOSTILE, html=html_input), alignment)],
    )
    page = report_to_html(report, title=name)
    dom = Page(page)
    # Exactly the report's own elements: two scripts, no handlers, no injected tags.
    assert [tag for tag, _ in dom.elements].count("script") == 2
    for tag, attrs in dom.elements:
        assert tag not in {"img", "svg", "textarea", "iframe"}
        assert not any(attribute.startswith("on") for attribute in attrs), (tag, attrs)
    if not html_input:
        assert dom.text(lambda e: True, within=dom.by_id("c0-s")) == HOSTILE
    assert name in dom.text(lambda e: e[0] == "title")
    exports = _embedded(page)["exports"]
    assert isinstance(exports, dict)
    assert json.loads(exports["json"]["text"])["suspicious"]["name"] == name


def test_script_json_cannot_close_the_script_element() -> None:
    data = {"text": "</script><!-- <script> & \u2028 \u2029 ]]>"}
    encoded = script_json(data)
    assert "<" not in encoded and ">" not in encoded and "&" not in encoded
    assert "\u2028" not in encoded and "\u2029" not in encoded
    assert json.loads(encoded) == data


# --- the display of raw inputs and the rendering of one side -------------------------------------


def test_display_of_plain_text_is_the_text() -> None:
    assert display_pieces("a <b> &amp;\n", html_input=False) == [(0, 12, "a <b> &amp;\n", True)]
    assert display_pieces("", html_input=False) == []


def test_display_of_html_is_its_visible_text() -> None:
    raw = (
        "<!DOCTYPE html><html><head><title>No</title></head><body>\n  <h1>Head&nbsp;line</h1>"
        "<!-- a comment --><p>One <i>w</i>ord,\n   two &amp; three&#33;</p><br>"
        "<script>if (a < b) {}</script><style>p{}</style>after</body></html>"
    )
    pieces = display_pieces(raw, html_input=True)
    shown = "".join(piece.text for piece in pieces)
    assert shown == "Head\u00a0line\n\nOne word, two & three!\n\nafter"
    for piece in pieces:
        if piece.verbatim:
            assert raw[piece.start : piece.end] == piece.text
    entity = next(piece for piece in pieces if piece.text == "&")
    assert raw[entity.start : entity.end] == "&amp;"


_HTMLISH = st.lists(
    st.sampled_from(
        [
            "<p>",
            "</p>",
            "<br>",
            "<b>",
            "</b>",
            "&amp;",
            "&#x41;",
            "&bogus",
            "<",
            ">",
            "<!--",
            "-->",
            "<script>",
            "</script>",
            " ",
            "\n",
            "  ",
            "word",
            "é",
            "a",
            "<a href='x'>",
        ]
    ),
    max_size=30,
).map("".join)


@settings(max_examples=150, deadline=None)
@given(raw=_HTMLISH)
def test_display_pieces_are_ordered_and_verbatim_pieces_are_raw(raw: str) -> None:
    pieces = display_pieces(raw, html_input=True)
    position = 0
    for piece in pieces:
        assert position <= piece.start < piece.end <= len(raw)
        position = piece.end
        if piece.verbatim:
            assert raw[piece.start : piece.end] == piece.text


_TEXT = st.text(st.sampled_from("ab <&>\"'\n"), min_size=1, max_size=40)


@settings(max_examples=150, deadline=None)
@given(
    raw=_TEXT,
    cuts=st.lists(st.integers(0, 40), min_size=2, max_size=8),
    as_html=st.booleans(),
)
def test_rendering_keeps_the_text_and_marks_exactly_the_spans(
    raw: str, cuts: list[int], as_html: bool
) -> None:
    edges = sorted({min(cut, len(raw)) for cut in cuts})
    spans = [Span(a, b) for a, b in itertools.pairwise(edges) if b > a]
    passages = [_Passage(n, span, MatchType.SPUN) for n, span in enumerate(spans[::2], start=1)]
    marks = [_Mark(span, "rw sub", "tip", "orig") for span in spans[1::2]]
    dom = Page(f"<div id=x>{_render_side(raw, as_html, passages, marks, 'x')}</div>")
    root = dom.by_id("x")
    shown = dom.text(lambda e: True, within=root)
    expected_pieces = display_pieces(raw, html_input=as_html)
    assert shown == "".join(piece.text for piece in expected_pieces)
    if not as_html:
        for passage in passages:
            inside = dom.text(_is_passage(passage.number), within=root)
            expected = raw[passage.span.start : passage.span.end]
            assert inside.split() == expected.split()
        marked = [dom.text(lambda e, m=m: e is m, within=root) for m in _marks(dom)]
        texts = [raw[m.span.start : m.span.end] for m in marks]
        assert marked == [t for t in texts if not ("\n" in t and t.isspace())]


def _marks(dom: Page) -> list[Element]:
    return [e for e in dom.elements if e[1].get("class") == "rw sub"]


def test_the_original_words_of_an_html_source_show_as_text_not_markup() -> None:
    source = "<p>Put the tool back on the shelf.</p>\n<p>Borrowing is simple.</p>"
    suspicious = "Put the instrument back on the ledge. Borrowingis simple."
    old = Span(source.index("shelf"), source.index("Borrowing") + len("Borrowing"))
    new = _span(suspicious, "ledge. Borrowingis")
    rewrite = Rewrite(
        RewriteKind.SUBSTITUTION,
        new,
        old,
        suspicious[new.start : new.end],
        source[old.start : old.end],
        True,
    )
    passage = Passage(
        Span(0, len(suspicious)), Span(3, len(source) - 4), 0.7, MatchType.SPUN, (rewrite,)
    )
    alignment = Alignment((passage,), 1.0, 1.0, 0.7, Verdict.SPUN_COPY)
    page = report_to_html(
        build_report(
            Document("s.txt", suspicious), [(Document("o.html", source, html=True), alignment)]
        )
    )
    main = page.split("<main>")[1].split("</main>")[0]
    assert 'data-orig="shelf. Borrowing"' in main
    assert "&lt;p&gt;" not in main and "&lt;/p&gt;" not in main
