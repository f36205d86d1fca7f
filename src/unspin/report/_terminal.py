"""Terminal view of one alignment, drawn with rich.

A header (verdict, score, coverage both ways, number of passages), then each passage:
its number, spans, match type and score, and the suspicious text with every rewritten
word highlighted and the source's word beside it in brackets (``top[summit]``).

Document text is always passed through :func:`rich.markup.escape` and printed with emoji
codes off, so nothing in a document (``[bold]``, ``:smile:``) is taken for markup.
"""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape

from unspin._shown import one_line
from unspin.align._types import Alignment, Passage, Rewrite, RewriteKind, Verdict
from unspin.report._model import VERDICT_LABELS

__all__ = ["DEFAULT_PASSAGE_CHARS", "render_alignment"]

# A passage longer than this (in characters) is shown as its head and tail.
DEFAULT_PASSAGE_CHARS = 900
_TAIL_SHARE = 0.3

_VERDICT_STYLE = {
    Verdict.COPY: "bold red",
    Verdict.SPUN_COPY: "bold red",
    Verdict.PARTIAL_COPY: "bold yellow",
    Verdict.NO_COPY: "bold green",
}
_VERDICT_TEXT = VERDICT_LABELS

_SUBSTITUTED = "bold yellow"
_SYNONYM = "bold cyan"
_INSERTED = "bold green"
_DELETED = "red strike"
_ORIGINAL = "dim"

# Markers readable without colour: new[old] replaced, new[+] inserted, [-old] deleted.
_LEGEND = (
    f"[{_SYNONYM}]new[/][{_ORIGINAL}]\\[old][/] replaced by a synonym  "
    f"[{_SUBSTITUTED}]new[/][{_ORIGINAL}]\\[old][/] replaced  "
    f"[{_INSERTED}]new[/][{_ORIGINAL}]\\[+][/] inserted  "
    f"[{_DELETED}]\\[-old][/] deleted"
)


def _percent(share: float) -> str:
    return f"{share * 100:.1f}%"


def _name(name: str) -> str:
    """A document's name or id as one line of markup (see :func:`unspin._shown.one_line`)."""
    return escape(one_line(name))


def _text(text: str) -> str:
    """Document text as markup: escape codes and other controls written as escapes, so
    a document cannot drive the terminal (its line breaks and tabs stay)."""
    return escape(one_line(text, keep="\n\r\t"))


def _print(console: Console, markup: str) -> None:
    console.print(markup, highlight=False, emoji=False, soft_wrap=False)


def render_alignment(
    alignment: Alignment,
    suspicious_text: str,
    source_text: str,
    *,
    console: Console,
    suspicious_name: str = "suspicious",
    source_name: str = "source",
    full: bool = False,
    show_source: bool = False,
    max_passage_chars: int = DEFAULT_PASSAGE_CHARS,
) -> None:
    """Print ``alignment`` of ``suspicious_text`` against ``source_text`` on ``console``.

    Passages longer than ``max_passage_chars`` show their beginning and end only,
    unless ``full``; ``show_source`` adds each passage's source text below it.
    """
    verdict = alignment.verdict
    _print(
        console,
        f"[bold]{_name(suspicious_name)}[/] vs [bold]{_name(source_name)}[/]: "
        f"[{_VERDICT_STYLE[verdict]}]{_VERDICT_TEXT[verdict]}[/]",
    )
    count = len(alignment.passages)
    _print(
        console,
        f"score {alignment.score:.2f}  ·  covered: "
        f"{_percent(alignment.suspicious_coverage)} of {_name(suspicious_name)}, "
        f"{_percent(alignment.source_coverage)} of {_name(source_name)}  ·  "
        f"{count} passage{'s' if count != 1 else ''}",
    )
    if not count:
        return
    if any(passage.rewrites for passage in alignment.passages):
        _print(console, f"[dim]key:[/] {_LEGEND}")
    for number, passage in enumerate(alignment.passages, start=1):
        console.print()
        _print(console, _passage_header(number, passage))
        _print(console, _passage_body(passage, suspicious_text, full, max_passage_chars))
        if show_source:
            _print(console, "[dim]source:[/]")
            source_only = passage._replace(rewrites=())
            body = _passage_body(source_only, source_text, full, max_passage_chars, side=1)
            _print(console, body)


def _passage_header(number: int, passage: Passage) -> str:
    counts = {kind: 0 for kind in RewriteKind}
    synonyms = 0
    for rewrite in passage.rewrites:
        counts[rewrite.kind] += 1
        synonyms += rewrite.synonym
    parts = [
        f"[bold]passage {number}[/]",
        f"suspicious [{passage.suspicious.start}, {passage.suspicious.end})",
        f"source [{passage.source.start}, {passage.source.end})",
        str(passage.match_type),
        f"score {passage.score:.2f}",
    ]
    if passage.rewrites:
        parts.append(
            f"{counts[RewriteKind.SUBSTITUTION]} replaced ({synonyms} by synonyms), "
            f"{counts[RewriteKind.INSERTION]} inserted, {counts[RewriteKind.DELETION]} deleted"
        )
    return parts[0] + "  ·  " + escape("  ·  ".join(parts[1:]))


def _passage_body(passage: Passage, text: str, full: bool, max_chars: int, side: int = 0) -> str:
    """Markup of the passage's suspicious (``side=0``) or source (``side=1``) text."""
    start, end = passage.suspicious if side == 0 else passage.source
    rewrites = sorted(passage.rewrites, key=lambda r: (r.suspicious.start, r.suspicious.end))
    if full or end - start <= max_chars:
        return _markup_range(text, rewrites, start, end)[0]
    tail_chars = int(max_chars * _TAIL_SHARE)
    head_end = _word_boundary(text, start + max_chars - tail_chars, start, end)
    tail_start = _word_boundary(text, end - tail_chars, head_end, end)
    head, covered_to = _markup_range(text, rewrites, start, head_end)
    tail_start = max(tail_start, covered_to)
    if tail_start >= end:
        return head
    tail, _ = _markup_range(text, rewrites, tail_start, end)
    omitted = tail_start - covered_to
    note = f"[dim italic] … {omitted} characters not shown (use --full) … [/]"
    return head + note + tail


def _word_boundary(text: str, position: int, low: int, high: int) -> int:
    """The nearest whitespace at or after ``position`` (within 40 chars), else ``position``."""
    position = min(max(position, low), high)
    for index in range(position, min(position + 40, high)):
        if text[index].isspace():
            return index
    return position


def _markup_range(text: str, rewrites: list[Rewrite], start: int, end: int) -> tuple[str, int]:
    """Markup for ``text[start:end]`` with its rewrites highlighted, and where it stopped
    (past ``end`` when a rewrite straddles it)."""
    pieces: list[str] = []
    cursor = start
    for rewrite in rewrites:
        r_start, r_end = rewrite.suspicious
        inside = start <= r_start < end or (r_start == end and r_end == r_start)
        if not inside or r_start < cursor:
            continue
        pieces.append(_text(text[cursor:r_start]))
        pieces.append(_rewrite_markup(rewrite, text[r_start:r_end]))
        cursor = max(cursor, r_end)
    if cursor < end:
        pieces.append(_text(text[cursor:end]))
        cursor = end
    return "".join(pieces), cursor


def _rewrite_markup(rewrite: Rewrite, shown: str) -> str:
    if rewrite.kind is RewriteKind.DELETION:
        return f"[{_DELETED}]{_text(f'[-{rewrite.source_text}]')}[/]"
    if rewrite.kind is RewriteKind.INSERTION:
        return f"[{_INSERTED}]{_text(shown)}[/][{_ORIGINAL}]{_text('[+]')}[/]"
    style = _SYNONYM if rewrite.synonym else _SUBSTITUTED
    original = _text(f"[{rewrite.source_text}]")
    return f"[{style}]{_text(shown)}[/][{_ORIGINAL}]{original}[/]"
