"""Normalization that keeps an exact map back to the raw input.

Every step turns a text into a new text plus, for each new character, the index of
the raw character it came from. Steps compose, so after HTML stripping, Unicode repair
and scar removal a character of the normalized text still knows where it lives in the
user's raw input: that is what makes every reported span land on the right characters.
"""

from __future__ import annotations

import html
from typing import NamedTuple

import ftfy
import numpy as np
import numpy.typing as npt
import regex
from rapidfuzz.distance import Levenshtein

__all__ = ["NormalizedText", "looks_like_html", "normalize"]

OffsetArray = npt.NDArray[np.int64]


class NormalizedText(NamedTuple):
    """A normalized text and its map back to the raw input.

    ``offsets[i]`` is the raw index of ``text[i]``; ``offsets[len(text)]`` is
    ``len(raw)``, so a normalized span ``[a, b)`` maps to the raw span
    ``[offsets[a], offsets[b - 1] + 1)``.
    """

    raw: str
    text: str
    offsets: OffsetArray

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalized span ``[start, end)`` to its raw span."""
        if end <= start:
            position = int(self.offsets[start])
            return position, position
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1


def _identity(length: int) -> OffsetArray:
    return np.arange(length + 1, dtype=np.int64)


# --- HTML ---------------------------------------------------------------------------

_HTML_HINT = regex.compile(
    r"<(?:!doctype\s+html|html|head|body|p|div|br|span|a\s|table|article|section)\b",
    regex.IGNORECASE,
)
# Elements whose content is never text a reader sees.
_HIDDEN_ELEMENT = regex.compile(
    r"<(script|style|noscript|template|svg|head)\b[^>]*>.*?</\1\s*>",
    regex.IGNORECASE | regex.DOTALL,
)
_COMMENT = regex.compile(r"<!--.*?-->", regex.DOTALL)
_TAG = regex.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>|<![^>]*>|<\?[^>]*>")
_BLOCK_TAGS = frozenset(
    [
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "td",
        "th",
        "table",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "article",
        "section",
        "header",
        "footer",
        "blockquote",
        "pre",
        "hr",
        "title",
        "dd",
        "dt",
        "dl",
        "figure",
        "figcaption",
        "main",
        "nav",
        "aside",
    ]
)
_ENTITY = regex.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?")


def looks_like_html(text: str) -> bool:
    """Whether ``text`` is an HTML document or fragment rather than plain text."""
    return _HTML_HINT.search(text[:20000]) is not None


def _strip_html(text: str) -> tuple[str, OffsetArray]:
    """Drop markup, keep visible text; block elements become line breaks."""
    pieces: list[str] = []
    origins: list[OffsetArray] = []
    hidden = [(m.start(), m.end()) for m in _HIDDEN_ELEMENT.finditer(text)]
    hidden += [(m.start(), m.end()) for m in _COMMENT.finditer(text)]
    hidden.sort()

    def emit_text(start: int, end: int) -> None:
        # Text between tags: decode entities, mapping each decoded char to its entity.
        position = start
        for match in _ENTITY.finditer(text, start, end):
            if match.start() > position:
                pieces.append(text[position : match.start()])
                origins.append(np.arange(position, match.start(), dtype=np.int64))
            decoded = html.unescape(match.group())
            pieces.append(decoded)
            origins.append(np.full(len(decoded), match.start(), dtype=np.int64))
            position = match.end()
        if end > position:
            pieces.append(text[position:end])
            origins.append(np.arange(position, end, dtype=np.int64))

    def emit_text_outside_hidden(start: int, end: int) -> None:
        position = start
        for hidden_start, hidden_end in hidden:
            if hidden_end <= position or hidden_start >= end:
                continue
            if hidden_start > position:
                emit_text(position, hidden_start)
            position = max(position, hidden_end)
        if end > position:
            emit_text(position, end)

    position = 0
    for match in _TAG.finditer(text):
        if any(s <= match.start() < e for s, e in hidden):
            continue
        emit_text_outside_hidden(position, match.start())
        name = (match.group(1) or "").lower()
        separator = "\n\n" if name in _BLOCK_TAGS else " "
        pieces.append(separator)
        origins.append(np.full(len(separator), match.start(), dtype=np.int64))
        position = match.end()
    emit_text_outside_hidden(position, len(text))
    stripped = "".join(pieces)
    offsets = np.concatenate([*origins, np.array([len(text)], dtype=np.int64)])
    return stripped, offsets


# --- Unicode repair -------------------------------------------------------------------


def _repair_unicode(text: str) -> tuple[str, OffsetArray] | None:
    """Fix mojibake and odd characters line by line; None when nothing changed.

    ftfy gives no offset map, so each changed line is re-aligned to its original
    with a character diff; lines are short, which keeps the diff cheap.
    """
    if text.isascii():
        return None
    pieces: list[str] = []
    origins: list[OffsetArray] = []
    changed = False
    position = 0
    for line in text.splitlines(keepends=True):
        fixed = line if line.isascii() else ftfy.fix_text(line, normalization="NFC")
        if fixed == line or len(fixed) == len(line):
            # Same length (quotes uncurled, spaces unified): characters map 1:1.
            pieces.append(fixed)
            origins.append(np.arange(position, position + len(line), dtype=np.int64))
            changed = changed or fixed != line
        else:
            changed = True
            pieces.append(fixed)
            origins.append(position + _diff_origins(line, fixed))
        position += len(line)
    if not changed:
        return None
    offsets = np.concatenate([*origins, np.array([len(text)], dtype=np.int64)])
    return "".join(pieces), offsets


def _diff_origins(before: str, after: str) -> OffsetArray:
    """For each char of ``after``, the index in ``before`` it corresponds to."""
    origin = np.empty(len(after), dtype=np.int64)
    for opcode in Levenshtein.opcodes(before, after):
        tag = opcode.tag
        i1, i2 = int(opcode.src_start), int(opcode.src_end)
        j1, j2 = int(opcode.dest_start), int(opcode.dest_end)
        if tag == "equal":
            origin[j1:j2] = np.arange(i1, i2)
        elif j2 > j1:
            # A replaced run maps proportionally onto the run it replaced.
            span = max(i2 - i1, 1)
            steps = (np.arange(j2 - j1) * span) // (j2 - j1)
            origin[j1:j2] = np.minimum(i1 + steps, max(len(before) - 1, 0))
    return origin


# --- scraper scars ----------------------------------------------------------------------

# Tag remnants left by scrapers ("P TAGEND", "BR TAGEND") and stray entities, blanked
# with spaces of the same length so offsets do not move.
_SCAR = regex.compile(r"(?:\b[A-Z]{1,10}\s?)?TAGEND\b|&nbsp;?|&amp;nbsp;?|\u00a0")


def _blank_scars(text: str) -> str:
    if "TAGEND" not in text and "nbsp" not in text and "\u00a0" not in text:
        return text
    blanked: str = _SCAR.sub(lambda m: " " * len(m.group()), text)
    return blanked


# --- the pipeline -----------------------------------------------------------------------


def normalize(
    raw: str, *, html_input: bool | None = None, repair_unicode: bool = True
) -> NormalizedText:
    """Normalize ``raw`` for analysis, keeping the map back to it.

    ``html_input=None`` detects HTML; ``True``/``False`` force the choice.
    """
    text = raw
    offsets: OffsetArray | None = None
    if html_input or (html_input is None and looks_like_html(raw)):
        text, offsets = _strip_html(text)
    if repair_unicode:
        repaired = _repair_unicode(text)
        if repaired is not None:
            text, step = repaired
            offsets = step if offsets is None else _compose(offsets, step)
    text = _blank_scars(text)
    if offsets is None:
        offsets = _identity(len(raw))
    return NormalizedText(raw=raw, text=text, offsets=offsets)


def _compose(first: OffsetArray, second: OffsetArray) -> OffsetArray:
    """Offsets of a text made by ``second`` from a text made by ``first``."""
    return first[second]
