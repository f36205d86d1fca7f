"""The HTML report: one self-contained file, side by side, for people to act on.

The file has everything inline (CSS, a small script, the export data) and makes no
request of any kind: its Content-Security-Policy (``default-src 'none'``, the one
script and the one style sheet allowed by their hashes) forbids it, so it opens offline
and a document can never make it load anything. It prints well (a print style sheet
shows every comparison whole, with each rewritten word's original in brackets).

Safety: every piece of document text (texts, names, rewritten words) goes through
:func:`html.escape` and becomes text nodes or quoted attribute values, never markup; the
script never writes markup (no ``innerHTML``); the export data is embedded as JSON with
``<``, ``>`` and ``&`` escaped (``\\u003c``...), so ``</script>`` or ``<!--`` in a document
cannot end the data block. An HTML input is shown as its visible text (see
:mod:`unspin.report._display`); highlights still come from the raw offsets.

Layout: a header (overall similarity, verdict, each source with its coverage both ways,
match-type totals, exports), then one comparison per source (tabs when there are
several): the suspicious text and the source side by side, passages numbered and
coloured by match type. Clicking a passage on one side scrolls the other side to it;
next / previous (buttons, or the ``n`` / ``p`` keys) step through them. Inside a
passage, rewritten words are marked and show the original on hover ("top ← summit").
A legend and the thresholds used close the page.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
from bisect import bisect_left, bisect_right
from functools import cache
from importlib import resources
from pathlib import PurePath
from typing import Any, NamedTuple

from unspin import __version__
from unspin.align import (
    Alignment,
    AlignOptions,
    MatchType,
    RewriteKind,
    Span,
    Verdict,
)
from unspin.report._csv import report_to_csv
from unspin.report._display import display_pieces, display_text
from unspin.report._json import report_to_json
from unspin.report._model import VERDICT_LABELS, Report, SourceResult

__all__ = ["MATCH_TYPE_LABELS", "report_to_html"]

MATCH_TYPE_LABELS = {
    MatchType.IDENTICAL: "identical",
    MatchType.MINOR_CHANGES: "minor changes",
    MatchType.SPUN: "spun / paraphrased",
}
_MATCH_TYPE_HELP = {
    MatchType.IDENTICAL: "copied word for word",
    MatchType.MINOR_CHANGES: "most words kept, a few changed",
    MatchType.SPUN: "words swapped for synonyms, filler added, reworded",
}


@cache
def _asset(name: str) -> str:
    return resources.files("unspin.report").joinpath("assets", name).read_text(encoding="utf-8")


def _csp_hash(content: str) -> str:
    digest = hashlib.sha256(content.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside a ``<script>`` element: no ``<``, ``>`` or
    ``&`` (so no ``</script>`` or ``<!--``) and no line separators that old parsers
    reject; ``JSON.parse`` reads it back unchanged."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for char, escaped in (
        ("&", "\\u0026"),
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escaped)
    return text


# --- one side of a comparison ---------------------------------------------------------------


class _Mark(NamedTuple):
    """A rewritten word: its raw span, CSS classes, hover text and original word."""

    span: Span
    classes: str
    tip: str
    original: str


class _Passage(NamedTuple):
    number: int
    span: Span
    match_type: MatchType


def _marks(
    alignment: Alignment,
    *,
    source_side: bool,
    suspicious: tuple[str, bool] = ("", False),
    source: tuple[str, bool] = ("", False),
) -> list[_Mark]:
    """The rewritten words of one side: on the suspicious side, replaced words (with the
    source's word) and inserted ones; on the source side, replaced words (with the
    suspicious text's word) and deleted ones. ``suspicious`` and ``source`` are the
    raw texts and whether they are HTML: the words in hover texts are shown as a reader
    sees them, never as markup."""
    pieces = {
        side: display_pieces(raw, html_input=True)
        for side, (raw, is_html) in (("s", suspicious), ("r", source))
        if is_html
    }

    def shown(side: str, text: str, span: Span) -> str:
        return display_text(pieces[side], span.start, span.end) if side in pieces else text

    marks: list[_Mark] = []
    for passage in alignment.passages:
        for rewrite in passage.rewrites:
            span = rewrite.source if source_side else rewrite.suspicious
            if not span.length:
                continue
            if rewrite.kind is RewriteKind.INSERTION:
                marks.append(_Mark(span, "rw ins", "inserted (not in the source)", ""))
            elif rewrite.kind is RewriteKind.DELETION:
                marks.append(_Mark(span, "rw del", "deleted (not in the suspicious text)", ""))
            else:
                kind = "synonym" if rewrite.synonym else "replaced"
                new = shown("s", rewrite.suspicious_text, rewrite.suspicious)
                old = shown("r", rewrite.source_text, rewrite.source)
                tip = f"{old} → {new}" if source_side else f"{new} ← {old}"
                marks.append(
                    _Mark(
                        span,
                        "rw sub syn" if rewrite.synonym else "rw sub",
                        f"{tip} ({kind})",
                        new if source_side else old,
                    )
                )
    return marks


def _state_at(
    position: int, passages: list[_Passage], marks: list[_Mark], mark_starts: list[int]
) -> tuple[_Passage | None, _Mark | None]:
    # The lowest-numbered passage holding the position (source sides may overlap).
    passage = next((p for p in passages if p.span.start <= position < p.span.end), None)
    mark = None
    index = bisect_right(mark_starts, position) - 1
    if index >= 0 and marks[index].span.start <= position < marks[index].span.end:
        mark = marks[index]
    return passage, mark


def _render_side(
    raw: str, html_input: bool, passages: list[_Passage], marks: list[_Mark], anchor: str
) -> str:
    """The markup of one text with its passages and rewritten words marked.

    ``anchor`` prefixes the id of each passage's first mark (``{anchor}-p{number}``).
    """
    marks = sorted(marks, key=lambda m: (m.span.start, m.span.end))
    mark_starts = [m.span.start for m in marks]
    boundaries = sorted(
        {edge for p in passages for edge in p.span} | {edge for m in marks for edge in m.span}
    )
    out: list[str] = []
    seen: set[int] = set()
    open_passage: _Passage | None = None
    open_mark: _Mark | None = None

    def close_mark() -> None:
        nonlocal open_mark
        if open_mark is not None:
            out.append("</span>")
            open_mark = None

    def close_passage() -> None:
        nonlocal open_passage
        close_mark()
        if open_passage is not None:
            out.append("</mark>")
            open_passage = None

    def emit(start: int, text: str) -> None:
        nonlocal open_passage, open_mark
        passage, mark = _state_at(start, passages, marks, mark_starts)
        if "\n" in text and text.isspace():
            passage, mark = None, None  # no highlighted blank lines between paragraphs
        if passage != open_passage:
            close_passage()
            if passage is not None:
                attributes = f'class="p t-{passage.match_type}" data-p="{passage.number}"'
                first = passage.number not in seen
                if first:
                    seen.add(passage.number)
                    attributes += f' id="{anchor}-p{passage.number}" tabindex="0"'
                out.append(f"<mark {attributes}>")
                if first:
                    out.append(f'<span class="badge" aria-hidden="true">{passage.number}</span>')
                open_passage = passage
        if mark != open_mark:
            close_mark()
            if mark is not None:
                tip = _e(mark.tip)
                original = f' data-orig="{_e(mark.original)}"' if mark.original else ""
                out.append(
                    f'<span class="{mark.classes}" title="{tip}" data-tip="{tip}"{original}>'
                )
                open_mark = mark
        out.append(_e(text))

    for piece in display_pieces(raw, html_input=html_input):
        if not piece.verbatim:
            emit(piece.start, piece.text)
            continue
        cuts = boundaries[
            bisect_right(boundaries, piece.start) : bisect_left(boundaries, piece.end)
        ]
        position = piece.start
        for cut in [*cuts, piece.end]:
            if cut > position:
                emit(position, raw[position:cut])
                position = cut
    close_passage()
    return "".join(out)


# --- the page --------------------------------------------------------------------------------


def _patchwork_thresholds(sources: int, lowered: AlignOptions) -> list[tuple[str, str]]:
    """(what, value) of the lower alignment bars of a search's sources after the first
    ``sources`` (see ``SearchOptions.patchwork_bar``)."""
    after = f"once {sources} sources are confirmed, a further source's"
    return [
        (
            f"{after} sentence pairs start / extend a passage at similarity",
            f"≥ {lowered.seed_threshold:.3g} / ≥ {lowered.extend_threshold:.3g}",
        ),
        (
            f"{after} passages have at least",
            f"{lowered.min_passage_words} content words on each side, "
            f"{lowered.min_pair_words} on both together",
        ),
    ]


def _thresholds(options: AlignOptions) -> list[tuple[str, str]]:
    """(what, value) of every threshold that decided the result."""
    rows = [
        (
            "a sentence pair can start a passage at similarity",
            f"≥ {options.seed_threshold:g} (Dice over content words), "
            f"≥ {options.min_seed_matches:g} words matched",
        ),
        (
            "a sentence pair can extend a passage at similarity",
            f"≥ {options.extend_threshold:g}, ≥ {options.min_extend_matches:g} words matched",
        ),
        ("weight of a synonym match (an exact match is 1)", f"{options.synonym_weight:g}"),
        (
            "weight of a match one step apart in WordNet (a hypernym, an adjective's cluster)",
            f"{options.related_weight:g}",
        ),
        (
            "largest gap inside a passage",
            f"{options.gap_suspicious} sentences (suspicious), {options.gap_source} (source)",
        ),
        ("a passage is kept at similarity", f"≥ {options.min_passage_similarity:g}"),
    ]
    if options.in_order_seeds > 0 and options.in_order_bar < 1:
        rows.append(
            (
                "or, when its sentences pair up one by one in order",
                f"≥ {options.min_passage_similarity * options.in_order_bar:g}, "
                f"{options.in_order_seeds} pairs in a row at least",
            )
        )
    rows += [
        (
            "a passage has at least",
            f"{options.min_passage_words} content words on each side, "
            f"{options.min_pair_words} on both together",
        ),
    ]
    if options.summary:
        rows.append(
            (
                "a summary: its words contained in the source",
                f"≥ {options.summary_min_containment:g}, and "
                f"{options.summary_margin:g} more than the rest of the text",
            )
        )
    rows.append(
        (
            "minor changes: words unchanged",
            f"≥ {options.minor_changes_min_equal:.0%}, else spun / paraphrased",
        )
    )
    rows.append(
        (
            "verdict copy or spun copy: suspicious words in passages",
            f"≥ {options.copy_min_coverage:.0%} (spun copy when most passage words are spun), "
            "else partial copy",
        )
    )
    return rows


def _main_result(report: Report) -> SourceResult | None:
    """The source covering most of the suspicious text (whose verdict heads the page)."""
    found = [r for r in report.sources if r.alignment.passages]
    if not found:
        return None
    return max(found, key=lambda r: r.alignment.suspicious_coverage)


def _export_names(report: Report) -> tuple[str, str]:
    stem = PurePath(report.suspicious.id).stem or "report"
    return f"{stem}.unspin.json", f"{stem}.unspin.csv"


def _header(report: Report) -> str:
    suspicious = report.suspicious
    main = _main_result(report)
    verdict = main.alignment.verdict if main is not None else Verdict.NO_COPY
    if not report.multi_source and report.sources:
        compared = (
            f"<b>{_e(suspicious.id)}</b> (suspicious) compared with "
            f"<b>{_e(report.sources[0].document.id)}</b> (source)"
        )
        verdict_note = ""
    else:
        count = len(report.sources)
        compared = (
            f"<b>{_e(suspicious.id)}</b> (suspicious) against {count} "
            f"source{'s' if count != 1 else ''}"
        )
        verdict_note = (
            f'<span class="note">main source: {_e(main.document.id)}</span>' if main else ""
        )
    parts = [
        '<header class="summary">',
        f'<h1>unspin report</h1><p class="compared">{compared}</p>',
        '<div class="headline">',
        f'<div class="similarity"><span class="big" id="similarity">{_percent(report.similarity)}'
        f"</span><span>similarity: {report.matched_words} of the {report.words} words of the "
        "suspicious text are in a passage traced to a source (each word counted once)</span></div>",
        f'<div class="verdict v-{verdict}"><span class="label">verdict</span>'
        f'<span class="value" id="verdict">{VERDICT_LABELS[verdict]}</span>{verdict_note}</div>',
        "</div>",
        '<table class="sources"><caption>Sources</caption><thead><tr><th>#</th><th>source</th>'
        "<th>verdict</th><th>of the suspicious text</th><th>of the source</th>"
        "<th>passages</th><th>score</th></tr></thead><tbody>",
    ]
    for index, result in enumerate(report.sources):
        alignment = result.alignment
        name = _e(result.document.id)
        if len(report.sources) > 1:
            name = f'<button type="button" class="link" data-tab="{index}">{name}</button>'
        parts.append(
            f'<tr class="v-{alignment.verdict}"><td>{index + 1}</td><td>{name}</td>'
            f"<td>{VERDICT_LABELS[alignment.verdict]}</td>"
            f"<td>{_percent(alignment.suspicious_coverage)}</td>"
            f"<td>{_percent(alignment.source_coverage)}</td>"
            f"<td>{len(alignment.passages)}</td><td>{alignment.score:.2f}</td></tr>"
        )
    if not report.sources:
        parts.append('<tr><td colspan="7">no source found</td></tr>')
    parts.append(
        "</tbody></table>"
        '<table class="types"><caption>Match types</caption><thead><tr><th>match type</th>'
        "<th>passages</th><th>suspicious words</th><th>of the suspicious text</th></tr>"
        "</thead><tbody>"
    )
    for kind, totals in report.match_types:
        share = totals.words / report.words if report.words else 0.0
        parts.append(
            f'<tr><td><span class="swatch t-{kind}"></span>{MATCH_TYPE_LABELS[kind]}</td>'
            f"<td>{totals.passages}</td><td>{totals.words}</td><td>{_percent(share)}</td></tr>"
        )
    json_name, csv_name = _export_names(report)
    parts.append(
        "</tbody></table>"
        '<p class="exports">Export: '
        f'<button type="button" data-export="json" title="{_e(json_name)}">JSON</button> '
        f'<button type="button" data-export="csv" title="{_e(csv_name)}">CSV</button></p>'
        "</header>"
    )
    return "".join(parts)


def _toolbar(report: Report) -> str:
    parts = ['<nav class="toolbar" aria-label="passages">']
    if len(report.sources) > 1:
        parts.append('<span class="tabs" role="tablist">')
        for index, result in enumerate(report.sources):
            selected = "true" if index == 0 else "false"
            parts.append(
                f'<button type="button" role="tab" data-tab="{index}" aria-selected="{selected}">'
                f"{index + 1}. {_e(result.document.id)}</button>"
            )
        parts.append("</span>")
    parts.append(
        '<span class="stepper"><button type="button" data-nav="prev" title="previous passage (p)">'
        '◀ previous</button> <span class="position" id="position" aria-live="polite"></span> '
        '<button type="button" data-nav="next" title="next passage (n)">next ▶</button></span>'
        "</nav>"
    )
    return "".join(parts)


def _comparison(report: Report, index: int, result: SourceResult) -> str:
    suspicious, source, alignment = report.suspicious, result.document, result.alignment
    section = f"c{index}"
    numbered = list(enumerate(alignment.passages, start=1))
    texts = ((suspicious.text, suspicious.html), (source.text, source.html))
    left = _render_side(
        suspicious.text,
        suspicious.html,
        [_Passage(n, p.suspicious, p.match_type) for n, p in numbered],
        _marks(alignment, source_side=False, suspicious=texts[0], source=texts[1]),
        f"{section}-s",
    )
    right = _render_side(
        source.text,
        source.html,
        [_Passage(n, p.source, p.match_type) for n, p in numbered],
        _marks(alignment, source_side=True, suspicious=texts[0], source=texts[1]),
        f"{section}-r",
    )
    hidden = "" if index == 0 else " inactive"
    count = len(alignment.passages)
    html_note = ' <span class="note">(visible text of the HTML)</span>'
    parts = [
        f'<section class="comparison{hidden}" id="{section}" data-index="{index}" '
        f'data-passages="{count}">',
        f"<h2>{index + 1}. {_e(source.id)} <small>{VERDICT_LABELS[alignment.verdict]} · "
        f"{count} passage{'s' if count != 1 else ''}</small></h2>",
        '<div class="panes">',
        f'<div class="pane" data-side="s"><h3>suspicious: {_e(suspicious.id)}'
        f"{html_note if suspicious.html else ''}</h3>"
        f'<div class="text" id="{section}-s">{left}</div></div>',
        f'<div class="pane" data-side="r"><h3>source: {_e(source.id)}'
        f"{html_note if source.html else ''}</h3>"
        f'<div class="text" id="{section}-r">{right}</div></div>',
        "</div>",
    ]
    if count:
        parts.append(
            '<table class="passages"><caption>Passages</caption><thead><tr><th>#</th>'
            "<th>match type</th><th>score</th><th>suspicious [start, end)</th>"
            "<th>source [start, end)</th><th>replaced (by synonyms)</th><th>inserted</th>"
            "<th>deleted</th></tr></thead><tbody>"
        )
        for number, passage in numbered:
            kinds = [rewrite.kind for rewrite in passage.rewrites]
            synonyms = sum(rewrite.synonym for rewrite in passage.rewrites)
            parts.append(
                f'<tr><td><button type="button" class="go" data-p="{number}">{number}</button>'
                f'</td><td><span class="swatch t-{passage.match_type}"></span>'
                f"{MATCH_TYPE_LABELS[passage.match_type]}</td><td>{passage.score:.2f}</td>"
                f"<td>[{passage.suspicious.start}, {passage.suspicious.end})</td>"
                f"<td>[{passage.source.start}, {passage.source.end})</td>"
                f"<td>{kinds.count(RewriteKind.SUBSTITUTION)} ({synonyms})</td>"
                f"<td>{kinds.count(RewriteKind.INSERTION)}</td>"
                f"<td>{kinds.count(RewriteKind.DELETION)}</td></tr>"
            )
        parts.append("</tbody></table>")
    else:
        parts.append(
            '<p class="none">No passage of the suspicious text was traced to this source.</p>'
        )
    parts.append("</section>")
    return "".join(parts)


def _footer(report: Report) -> str:
    parts = ['<footer><section class="legend"><h2>Legend</h2><ul>']
    for kind in MatchType:
        parts.append(
            f'<li><span class="swatch t-{kind}"></span><b>{MATCH_TYPE_LABELS[kind]}</b>: '
            f"{_MATCH_TYPE_HELP[kind]}</li>"
        )
    parts.append(
        '<li><mark class="p t-spun"><span class="badge">1</span>passage</mark> numbered '
        "passages; click one to bring the other side to it</li>"
        '<li><span class="rw sub syn" data-orig="old">new</span> a word replaced by a synonym '
        "(hover to see the original)</li>"
        '<li><span class="rw sub" data-orig="old">new</span> a word replaced by another word</li>'
        '<li><span class="rw ins">new</span> a word inserted into the suspicious text</li>'
        '<li><span class="rw del">old</span> a source word left out of the suspicious text</li>'
        "</ul></section>"
        '<section class="thresholds"><h2>Thresholds used</h2><table><tbody>'
    )
    rows = _thresholds(report.options)
    if report.patchwork is not None:
        rows += _patchwork_thresholds(*report.patchwork)
    for what, value in rows:
        parts.append(f"<tr><td>{_e(what)}</td><td>{_e(value)}</td></tr>")
    parts.append(
        "</tbody></table></section>"
        f'<p class="about">Made by unspin {_e(__version__)}. Offsets are character '
        "offsets (Unicode code points) into the raw inputs; HTML inputs are shown as their "
        "visible text.</p></footer>"
    )
    return "".join(parts)


def report_to_html(report: Report, *, title: str | None = None) -> str:
    """The self-contained HTML page of ``report`` (see the module docstring)."""
    style, script = _asset("report.css"), _asset("report.js")
    json_name, csv_name = _export_names(report)
    data = {
        "exports": {
            "json": {"name": json_name, "type": "application/json", "text": report_to_json(report)},
            "csv": {"name": csv_name, "type": "text/csv", "text": report_to_csv(report)},
        }
    }
    policy = (
        f"default-src 'none'; script-src {_csp_hash(script)}; style-src {_csp_hash(style)}; "
        "img-src data:; base-uri 'none'; form-action 'none'"
    )
    page_title = title or f"unspin report: {report.suspicious.id}"
    body = [
        _header(report),
        _toolbar(report),
        "<main>",
        *(_comparison(report, index, result) for index, result in enumerate(report.sources)),
        "</main>",
        _footer(report),
    ]
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        '<meta name="referrer" content="no-referrer">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<meta name="generator" content="unspin {_e(__version__)}">'
        f"<title>{_e(page_title)}</title>"
        f"<style>{style}</style></head>\n<body>\n"
        + "\n".join(body)
        + f'\n<script type="application/json" id="unspin-data">{script_json(data)}</script>'
        f"\n<script>{script}</script>\n</body></html>\n"
    )
