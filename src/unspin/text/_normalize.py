"""Normalization that keeps an exact map back to the raw input.

Every step turns a text into a new text plus, for each new character, the index of
the raw character it came from. Steps compose, so after HTML stripping, Unicode repair
and scar removal a character of the normalized text still knows where it lives in the
user's raw input: that is what makes every reported span land on the right characters.
"""

from __future__ import annotations

import html
import importlib
import inspect
import re
import unicodedata
from collections.abc import Callable
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt
import regex

__all__ = ["NormalizedText", "looks_like_html", "normalize", "raw_ends"]

OffsetArray = npt.NDArray[np.int64]


class NormalizedText(NamedTuple):
    """A normalized text and its map back to the raw input.

    ``offsets[i]`` is the raw index of ``text[i]``; ``offsets[len(text)]`` is
    ``len(raw)``, so a normalized span ``[a, b)`` maps to the raw span
    ``[offsets[a], raw_ends(...))``: from ``offsets[b - 1] + 1`` on over the rest of the
    raw text its last character came from.
    """

    raw: str
    text: str
    offsets: OffsetArray

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map the normalized span ``[start, end)`` to its raw span."""
        if end <= start:
            position = int(self.offsets[start])
            return position, position
        (raw_end,) = raw_ends(self, np.array([end], dtype=np.int64))
        return int(self.offsets[start]), int(raw_end)


def raw_ends(normalized: NormalizedText, ends: OffsetArray) -> OffsetArray:
    """The raw ends of normalized spans ending at ``ends`` (each at least 1): past the
    whole of the raw text their last character came from. Several raw characters can
    make one normalized character (an entity ``&#101;``, a letter and its combining
    accent, repaired mojibake ``Ã©``); the raw text up to the next character's start
    belongs to it, unless it is space or markup that normalization dropped."""
    offsets = normalized.offsets
    found = offsets[ends - 1] + 1
    following = offsets[ends]
    for index in np.flatnonzero(following > found):  # rare: only after such a character
        position, stop = int(found[index]), int(following[index])
        raw = normalized.raw
        while position < stop and raw[position] != "<" and not raw[position].isspace():
            position += 1
        found[index] = position
    return found


def _identity(length: int) -> OffsetArray:
    return np.arange(length + 1, dtype=np.int64)


# --- HTML ---------------------------------------------------------------------------

_HTML_HINT = regex.compile(
    r"<(?:!doctype\s+html|html|head|body|p|div|br|span|a\s|table|article|section)\b",
    regex.IGNORECASE,
)
# Comments, and elements whose content is never text a reader sees: one pattern, read
# left to right, so that a "<script>" inside a comment opens nothing, and a comment
# inside a script closes nothing.
_HIDDEN = regex.compile(
    r"<!--.*?-->|<(script|style|noscript|template|svg|head)\b[^>]*>.*?</\1\s*>",
    regex.IGNORECASE | regex.DOTALL,
)
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
    hidden = [(m.start(), m.end()) for m in _HIDDEN.finditer(text)]

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

    ftfy gives no offset map, so each line whose length changed is re-aligned to its
    original with a character diff; lines are short, which keeps the diff cheap. Lines
    that keep their length map 1:1, so a run of them takes one ``arange``.
    """
    if text.isascii():
        return None
    pieces: list[str] = []
    origins: list[OffsetArray] = []
    changed = False
    position = 0  # in text
    run_start = 0  # where the current run of lines that kept their length began
    for line in text.splitlines(keepends=True):
        fixed = line if line.isascii() else _fix_line(line)
        pieces.append(fixed)
        if fixed != line:
            changed = True
            if len(fixed) != len(line):
                origins.append(np.arange(run_start, position, dtype=np.int64))
                origins.append(position + _diff_origins(line, fixed))
                run_start = position + len(line)
        position += len(line)
    if not changed:
        return None
    origins.append(np.arange(run_start, len(text) + 1, dtype=np.int64))
    return "".join(pieces), np.concatenate(origins)


def _diff_origins(before: str, after: str) -> OffsetArray:
    """For each char of ``after``, the index in ``before`` it corresponds to."""
    origin = np.empty(len(after), dtype=np.int64)
    from rapidfuzz.distance import Levenshtein  # imported on first use: rarely needed

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


INVISIBLE_IN_WORDS: Final = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"))
"""``str.translate`` table deleting the invisible characters a word may hold (soft hyphen,
zero-width space and joiners, word joiner, BOM): dropped, as a reader does not see them,
so that strewing them inside words hides no copy."""


def _fix_line(line: str) -> str:
    """``ftfy.fix_text(line, normalization="NFC")`` less the invisible characters,
    without running ftfy where it provably changes nothing or only uncurls quotes (see
    :class:`_FtfyShortcut`)."""
    shortcut = _ftfy_shortcut()
    if shortcut is not None:
        fixed = shortcut.fix(line)
        if fixed is not None:
            return fixed.translate(INVISIBLE_IN_WORDS)
    import ftfy  # imported on first use: plain ASCII text never needs it

    return ftfy.fix_text(line, normalization="NFC").translate(INVISIBLE_IN_WORDS)


class _FtfyShortcut:
    """What ftfy does to a line none of whose characters can set off its fixes.

    ``ftfy.fix_text`` runs a fixed list of steps on each line until nothing changes:
    HTML entities, mojibake (only when ``badness.is_bad``), C1 controls, ligatures,
    character width, curly quotes, line breaks, surrogates, terminal escapes, control
    characters, then NFC. Each step acts only on certain characters, read here from
    ftfy's own tables and patterns: a step whose characters are absent leaves the line
    alone, and so does entity decoding where its pattern finds nothing. ``is_bad`` is a
    regular expression every match of which holds one of a known set of characters
    and is at most ``bad_width`` long, so it only needs searching in windows around
    those characters. A line on which uncurling quotes is the only step that can act
    gets ftfy's own ``uncurl_quotes`` and NFC, provided the result passes a second
    round unchanged, as ftfy requires; every other line goes to ftfy itself.
    ``tests/test_normalize.py`` compares the two on generated lines.
    """

    def __init__(
        self,
        other_triggers: re.Pattern[str],
        entities: re.Pattern[str],
        quotes: re.Pattern[str],
        bad_triggers: re.Pattern[str],
        badness: re.Pattern[str],
        bad_width: int,
        uncurl_quotes: Callable[[str], str],
    ) -> None:
        self._other = other_triggers
        self._entities = entities
        self._quotes = quotes
        self._bad_triggers = bad_triggers
        self._badness = badness
        self._bad_width = bad_width
        self._uncurl_quotes = uncurl_quotes

    def fix(self, line: str) -> str | None:
        """The fixed line, or None where ftfy itself must decide."""
        # ftfy decodes entities only in a line without "<", decided once per line.
        entities = self._entities if "<" not in line else None
        if (
            len(line) > _FTFY_MAX_SEGMENT
            or self._other.search(line)
            or (entities is not None and "&" in line and entities.search(line))
            or self._looks_bad(line)
        ):
            return None
        fixed = line
        if self._quotes.search(line):
            fixed = self._uncurl_quotes(line)
        fixed = unicodedata.normalize("NFC", fixed)
        if fixed == line:
            return line
        # ftfy goes round again on a changed line: that round must change nothing.
        if (
            self._other.search(fixed)
            or (entities is not None and "&" in fixed and entities.search(fixed))
            or self._quotes.search(fixed)
            or self._looks_bad(fixed)
            or not unicodedata.is_normalized("NFC", fixed)
        ):
            return None
        return fixed

    def _looks_bad(self, line: str) -> bool:
        """``ftfy.badness.is_bad(line)``, searched only near the characters it needs."""
        width = self._bad_width
        window_start = window_end = -1
        for match in self._bad_triggers.finditer(line):
            position = match.start()
            if position - width + 1 > window_end:  # not inside the current window
                if window_end >= 0 and self._badness.search(line, window_start, window_end):
                    return True
                window_start = max(0, position - width + 1)
            window_end = min(len(line), position + width)
        return window_end >= 0 and self._badness.search(line, window_start, window_end) is not None


_FTFY_MAX_SEGMENT = 1_000_000  # ftfy cuts longer lines into segments: leave those to it
_ftfy_shortcuts: list[_FtfyShortcut | None] = []


def _ftfy_shortcut() -> _FtfyShortcut | None:
    if not _ftfy_shortcuts:
        _ftfy_shortcuts.append(_build_ftfy_shortcut())
    return _ftfy_shortcuts[0]


# ftfy's defaults, as fix_text(line, normalization="NFC") uses them; with other
# defaults the steps the shortcut reasons about would not be the ones ftfy runs.
_FTFY_EXPECTED_CONFIG = {
    "unescape_html": "auto",
    "remove_terminal_escapes": True,
    "fix_encoding": True,
    "restore_byte_a0": True,
    "replace_lossy_sequences": True,
    "decode_inconsistent_utf8": True,
    "fix_c1_controls": True,
    "fix_latin_ligatures": True,
    "fix_character_width": True,
    "uncurl_quotes": True,
    "fix_line_breaks": True,
    "fix_surrogates": True,
    "remove_control_chars": True,
    "normalization": "NFC",
    "max_decode_length": _FTFY_MAX_SEGMENT,
}


# The steps fix_and_explain runs after entities and mojibake, in its order (ftfy 6.1-6.3).
_FTFY_FIXER_STEPS = [
    "fix_c1_controls",
    "fix_latin_ligatures",
    "fix_character_width",
    "uncurl_quotes",
    "fix_line_breaks",
    "fix_surrogates",
    "remove_terminal_escapes",
    "remove_control_chars",
]


def _ftfy_fixer_steps(fix_and_explain: Callable[..., Any]) -> list[str] | None:
    """The fixer names in ``fix_and_explain``'s ``for fixer in [...]`` loop, as written."""
    try:
        source = inspect.getsource(fix_and_explain)
        start = source.index("for fixer in [")
        return re.findall(r"\"(\w+)\"", source[start : source.index("]", start)])
    except (OSError, TypeError, ValueError):
        return None


def _build_ftfy_shortcut() -> _FtfyShortcut | None:
    """Read ftfy's trigger characters; None if ftfy is not the version understood here."""
    import ftfy
    from ftfy import badness, chardata, fixes

    config = ftfy.TextFixerConfig()._asdict()
    config.pop("explain", None)
    if not ftfy.__version__.startswith("6.") or config != _FTFY_EXPECTED_CONFIG:
        return None
    if _ftfy_fixer_steps(ftfy.fix_and_explain) != _FTFY_FIXER_STEPS:
        return None  # a version that runs other steps than the ones reasoned about here
    try:
        c1 = _required_chars(chardata.C1_CONTROL_RE)
        quotes = _required_chars(chardata.SINGLE_QUOTE_RE)
        quotes |= _required_chars(chardata.DOUBLE_QUOTE_RE)
        surrogates = _required_chars(fixes.SURROGATE_RE)
        escapes = _required_chars(fixes.ANSI_RE)
        bad = _required_chars(badness.BADNESS_RE)
        bad_width = _window_width(badness.BADNESS_RE)
    except (_NotUnderstood, ImportError, AttributeError, TypeError, ValueError):
        return None
    if bad_width is None:
        return None
    other = c1 | surrogates | escapes
    other |= {"\r", "\u2028", "\u2029", "\x85"}  # what fixes.fix_line_breaks replaces
    for table in (chardata.LIGATURES, chardata.WIDTH_MAP, chardata.CONTROL_CHARS):
        other.update(map(chr, table))
    return _FtfyShortcut(
        other_triggers=_char_class(other - quotes),
        entities=chardata.HTML_ENTITY_RE,  # what fixes.unescape_html replaces
        quotes=_char_class(quotes),
        bad_triggers=_char_class(bad),
        badness=badness.BADNESS_RE,
        bad_width=bad_width,
        uncurl_quotes=fixes.uncurl_quotes,
    )


def _re_internals() -> tuple[Any, Any]:
    """The standard library's regex parser (private, hence looked up by name)."""
    return importlib.import_module("re._constants"), importlib.import_module("re._parser")


class _NotUnderstood(Exception):
    """A pattern uses a construct the shortcut does not reason about."""


_Parsed = list[tuple[Any, Any]]  # re's parse tree: (opcode, argument) pairs


def _required_chars(pattern: re.Pattern[str]) -> set[str]:
    """Characters at least one of which every match of ``pattern`` contains."""
    constants, parser = _re_internals()

    if pattern.flags & re.IGNORECASE:
        raise _NotUnderstood(pattern.pattern)

    def of_class(items: _Parsed) -> set[str] | None:
        chars: set[str] = set()
        for op, value in items:
            if op is constants.LITERAL:
                chars.add(chr(value))
            elif op is constants.RANGE:
                chars.update(map(chr, range(value[0], value[1] + 1)))
            else:
                return None  # negated classes and categories
        return chars

    def required(sequence: _Parsed) -> set[str] | None:
        # Every element that must match offers a set; keep the one with least ASCII.
        best: set[str] | None = None
        for op, value in sequence:
            found: set[str] | None = None
            if op is constants.LITERAL:
                found = {chr(value)}
            elif op is constants.IN:
                found = of_class(list(value))
            elif op in (constants.MAX_REPEAT, constants.MIN_REPEAT) and value[0] >= 1:
                found = required(list(value[2]))
            elif op is constants.SUBPATTERN:
                found = required(list(value[-1]))
            elif op is constants.BRANCH:
                alternatives = [required(list(alternative)) for alternative in value[1]]
                if all(alternative is not None for alternative in alternatives):
                    found = set().union(*(a for a in alternatives if a is not None))
            if found is not None and (best is None or _cost(found) < _cost(best)):
                best = found
        return best

    chars = required(list(parser.parse(pattern.pattern, pattern.flags)))
    if chars is None:
        raise _NotUnderstood(pattern.pattern)
    return chars


def _cost(chars: set[str]) -> tuple[int, int]:
    return sum(char.isascii() for char in chars), len(chars)


def _window_width(pattern: re.Pattern[str]) -> int | None:
    """The longest match of ``pattern``, if bounded and if windows are safe for it.

    Searching ``[pos, endpos)`` finds exactly the matches inside that window when the
    pattern has no look-around, no back-reference and no anchor but ``^`` (which never
    matches after a ``pos`` > 0).
    """
    constants, parser = _re_internals()

    unsafe = {constants.ASSERT, constants.ASSERT_NOT, constants.GROUPREF, constants.GROUPREF_EXISTS}

    def safe(sequence: _Parsed) -> bool:
        for op, value in sequence:
            if op in unsafe or (op is constants.AT and value is not constants.AT_BEGINNING):
                return False
            if op in (constants.MAX_REPEAT, constants.MIN_REPEAT):
                inner = [list(value[2])]
            elif op is constants.SUBPATTERN:
                inner = [list(value[-1])]
            elif op is constants.BRANCH:
                inner = [list(alternative) for alternative in value[1]]
            else:
                inner = []
            if not all(safe(part) for part in inner):
                return False
        return True

    parsed = parser.parse(pattern.pattern, pattern.flags)
    low, high = parsed.getwidth()
    if not safe(list(parsed)) or low < 1 or high >= constants.MAXREPEAT:
        return None
    return int(high)


def _char_class(chars: set[str]) -> re.Pattern[str]:
    return re.compile("[" + "".join(re.escape(char) for char in sorted(chars)) + "]")


# --- scraper scars ----------------------------------------------------------------------

# Tag remnants left by scrapers ("P TAGEND", "BR TAGEND") and stray entities, blanked
# with spaces of the same length so offsets do not move.
_SCAR = regex.compile(r"(?:\b[A-Z]{1,10}\s?)?TAGEND\b|&nbsp;?|&amp;nbsp;?|\u00a0")


def _blank_scars(text: str) -> str:
    if "TAGEND" not in text and "nbsp" not in text:
        # Only the one-character alternative can match: a plain replace does the same.
        return text.replace("\u00a0", " ") if "\u00a0" in text else text
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
