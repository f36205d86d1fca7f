"""What a report shows of a raw input: its text, in pieces that know their raw offsets.

Every span unspin reports indexes the user's raw input. A plain-text input is shown as
it is. An HTML input is shown as a reader sees it (its visible text: markup, comments,
scripts and styles left out, entities decoded, block elements as line breaks), and each
piece of what is shown carries the raw range it came from, so a highlight given in raw
offsets lands on the right words of the visible text.

This is display only: the visible text here is for people, and nothing is ever matched
against it (alignment normalizes the raw input on its own, with its own offset map).
"""

from __future__ import annotations

import html
import re
from typing import NamedTuple

__all__ = ["DisplayPiece", "display_pieces", "display_text"]


class DisplayPiece(NamedTuple):
    """``text`` is shown for the raw range ``[start, end)``.

    ``verbatim`` pieces show exactly ``raw[start:end]`` (so they may be split at any
    offset); the others (a decoded entity, a collapsed run of white space, a tag shown as
    a line break) are shown whole or not at all.
    """

    start: int
    end: int
    text: str
    verbatim: bool


# Elements whose content a reader never sees, then comments, then any tag.
_MARKUP = re.compile(
    r"(?P<hidden><(?P<name>script|style|noscript|template|svg|head|title)\b[^>]*>.*?"
    r"</(?P=name)\s*>)"
    r"|(?P<comment><!--.*?(?:-->|\Z))"
    r"|(?P<tag></?(?P<tag_name>[a-zA-Z][a-zA-Z0-9-]*)\b[^>]*>|<![^>]*>|<\?[^>]*>)",
    re.IGNORECASE | re.DOTALL,
)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[a-zA-Z][a-zA-Z0-9]{1,31});?")
_SPACE = re.compile(r"[ \t\r\n\f\v]+")
_LINE_BREAK_TAGS = frozenset({"br"})
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "dd",
        "div",
        "dl",
        "dt",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "table",
        "td",
        "th",
        "tr",
        "ul",
    ]
)


def display_pieces(raw: str, *, html_input: bool) -> list[DisplayPiece]:
    """The pieces to show for ``raw``, in raw order, covering what a reader sees."""
    if not html_input:
        return [DisplayPiece(0, len(raw), raw, True)] if raw else []
    builder = _Builder(raw)
    position = 0
    for match in _MARKUP.finditer(raw):
        builder.text(position, match.start())
        name = (match.group("tag_name") or "").lower()
        if name in _LINE_BREAK_TAGS:
            builder.newlines(match.start(), match.end(), 1)
        elif name in _BLOCK_TAGS:
            builder.newlines(match.start(), match.end(), 2)
        # Other inline tags show nothing: "<b>w</b>orld" reads "world".
        position = match.end()
    builder.text(position, len(raw))
    return builder.pieces


def display_text(pieces: list[DisplayPiece], start: int, end: int) -> str:
    """What a reader sees of the raw range ``[start, end)``: the shown text of the
    pieces inside it (verbatim pieces cut at its edges), white space collapsed."""
    shown: list[str] = []
    for piece in pieces:
        if piece.end <= start or piece.start >= end:
            continue
        if piece.verbatim:
            shown.append(piece.text[max(start, piece.start) - piece.start : end - piece.start])
        elif start <= piece.start and piece.end <= end:
            shown.append(piece.text)
    return " ".join("".join(shown).split())


class _Builder:
    """Collects pieces, collapsing white space as a browser would."""

    def __init__(self, raw: str) -> None:
        self.raw = raw
        self.pieces: list[DisplayPiece] = []
        self.trailing_newlines = 2  # the start of a document counts as a fresh paragraph
        self.after_space = True

    def _emit(self, piece: DisplayPiece) -> None:
        self.pieces.append(piece)
        stripped = piece.text.rstrip("\n")
        if stripped:
            self.trailing_newlines = len(piece.text) - len(stripped)
            self.after_space = piece.text[-1].isspace()
        else:
            self.trailing_newlines += len(piece.text)
            self.after_space = True

    def newlines(self, start: int, end: int, count: int) -> None:
        missing = count - self.trailing_newlines
        if missing > 0:
            self._emit(DisplayPiece(start, end, "\n" * missing, False))

    def text(self, start: int, end: int) -> None:
        position = start
        for match in _ENTITY.finditer(self.raw, start, end):
            self._plain(position, match.start())
            decoded = html.unescape(match.group())
            if decoded.isspace() and decoded not in ("\u00a0", "\u202f"):
                self._space(match.start(), match.end())
            else:
                self._emit(DisplayPiece(match.start(), match.end(), decoded, False))
            position = match.end()
        self._plain(position, end)

    def _plain(self, start: int, end: int) -> None:
        position = start
        for match in _SPACE.finditer(self.raw, start, end):
            if match.start() > position:
                self._emit(
                    DisplayPiece(position, match.start(), self.raw[position : match.start()], True)
                )
            self._space(match.start(), match.end())
            position = match.end()
        if end > position:
            self._emit(DisplayPiece(position, end, self.raw[position:end], True))

    def _space(self, start: int, end: int) -> None:
        if self.after_space:
            return  # collapsed into the space (or line break) before it
        if self.raw[start:end] == " ":
            self._emit(DisplayPiece(start, end, " ", True))
        else:
            self._emit(DisplayPiece(start, end, " ", False))
