"""English lexicon: base forms, WordNet concepts, synonyms, function words, numbers.

Article spinners rewrite text by swapping words for dictionary synonyms ("summit" ->
"top"), inserting empty fillers ("actually") and rephrasing stock phrases ("as a
result of" -> "because of"). Seeing through that needs to know which words mean the
same thing. :class:`Lexicon` answers those questions from a table built from WordNet
3.0 (see ``scripts/build_lexicon.py``) plus small hand-written word lists.

The table is shipped as ``unspin/data/lexicon.tsv.gz`` and loaded once, lazily, on
the first question that needs it; every :class:`Lexicon` shares the loaded copy.
"""

from __future__ import annotations

import gzip
import re
import threading
import zlib
from collections.abc import Iterable, Iterator, Mapping
from importlib import resources
from types import MappingProxyType
from typing import Final, TypeVar

from unspin._exceptions import LexiconError

__all__ = ["Lexicon"]

_T = TypeVar("_T")

_DATA_PACKAGE: Final = "unspin"
_DATA_FILE_NAME: Final = "lexicon.tsv.gz"
_FORMAT_NAME: Final = "unspin-lexicon"
_FORMAT_VERSION: Final = "2"

# Part-of-speech letters as in the table, in the order lemma() tries them.
_PARTS_OF_SPEECH: Final = ("n", "v", "a", "r")

# WordNet's morphy "detachment rules": suffix of an inflected form -> suffix of the
# base form. Every candidate is kept only if WordNet knows it in that part of speech.
_DETACHMENT_RULES: Final[Mapping[str, tuple[tuple[str, str], ...]]] = {
    "n": (
        ("s", ""),
        ("ses", "s"),
        ("xes", "x"),
        ("zes", "z"),
        ("ches", "ch"),
        ("shes", "sh"),
        ("men", "man"),
        ("ies", "y"),
    ),
    "v": (
        ("s", ""),
        ("ies", "y"),
        ("es", "e"),
        ("es", ""),
        ("ed", "e"),
        ("ed", ""),
        ("ing", "e"),
        ("ing", ""),
    ),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}

# Senses (per part of speech) whose links concepts() adds: a rare sense's link joins
# unrelated words ("established" in its sense "naturalized" is similar to "foreign").
_LINKED_SENSES: Final = 3
# A parent with more children than this links none of them. An adjective cluster's
# satellites are near-synonyms of its head, up to a taxonomy (colours under "chromatic",
# numbers under "cardinal"); a hypernym's children are kinds of it, and the more there
# are, the less it says about any one ("person" has hundreds). Every child also costs
# each use of its parent one link id, which alignment matches.
_MAX_CHILDREN: Final = {"a": 50, "n": 10, "v": 10, "r": 0}

# Caches of per-word answers are dropped when they grow past this many entries, so
# scanning a huge corpus (or trying every substring of a glued token) cannot make
# them grow without bound.
_MAX_CACHE_ENTRIES: Final = 200_000

# Inflected auxiliaries. Morphy would turn "was" into "wa" (Washington's postal
# code is a WordNet noun), so these are settled before WordNet is consulted.
_AUXILIARY_LEMMAS: Final[Mapping[str, str]] = {
    "am": "be",
    "is": "be",
    "are": "be",
    "was": "be",
    "were": "be",
    "been": "be",
    "being": "be",
    "has": "have",
    "had": "have",
    "having": "have",
    "does": "do",
    "did": "do",
    "done": "do",
    "doing": "do",
}


def _word_set(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string, for readability."""
    return frozenset(words.split())


# English function words: they carry grammar, not topic, so they have no concepts.
_STOPWORDS: Final = _word_set(
    """
    a an the
    this that these those such
    some any no none all both each every either neither
    few fewer many much more most less least several enough
    other another own same
    i me my mine myself
    we us our ours ourselves
    you your yours yourself yourselves
    he him his himself she her hers herself
    it its itself they them their theirs themselves
    one ones oneself
    who whom whose which what whoever whatever whichever
    someone somebody something anyone anybody anything
    everyone everybody everything nobody nothing
    be am is are was were been being
    have has had having
    do does did done doing
    will would shall should can could may might must ought
    wo ca n't 's 're 've 'd 'll 'm
    not nor
    and or but yet so if then else than because although though
    unless until while whereas whether since once
    as at by for from in into of off on onto out over per
    to up upon with within without about above across after against
    along amid among amongst around before behind below beneath beside
    besides between beyond despite down during except inside like near
    outside past through throughout toward towards under underneath
    unlike versus via vs whilst
    how when where why whence wherever whenever however
    here there thus hence therefore
    also very just too only even still again already ever never
    always often sometimes soon now really quite rather almost
    indeed perhaps maybe yes
    """
)

# Words a spinner inserts without adding meaning ("It is actually a major step").
_FILLERS: Final = _word_set(
    """
    absolutely actually additionally also basically certainly clearly
    definitely essentially furthermore genuinely honestly indeed just
    likewise literally moreover obviously quite really simply surely
    totally truly undoubtedly unquestionably
    """
)

_CARDINAL_WORDS: Final[Mapping[str, int]] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
    "trillion": 1_000_000_000_000,
}

_ORDINAL_WORDS: Final[Mapping[str, int]] = {
    "zeroth": 0,
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
    "eleventh": 11,
    "twelfth": 12,
    "thirteenth": 13,
    "fourteenth": 14,
    "fifteenth": 15,
    "sixteenth": 16,
    "seventeenth": 17,
    "eighteenth": 18,
    "nineteenth": 19,
    "twentieth": 20,
    "thirtieth": 30,
    "fortieth": 40,
    "fiftieth": 50,
    "sixtieth": 60,
    "seventieth": 70,
    "eightieth": 80,
    "ninetieth": 90,
    "hundredth": 100,
    "thousandth": 1_000,
    "millionth": 1_000_000,
    "billionth": 1_000_000_000,
    "trillionth": 1_000_000_000_000,
}

_TENS_WORDS: Final = frozenset(
    ("twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
)

_DIGITS: Final = re.compile(r"[0-9]+|[0-9]{1,3}(?:,[0-9]{3})+")
_DIGIT_ORDINAL: Final = re.compile(r"([0-9]+)(?:st|nd|rd|th)")


def _t(phrase: str) -> tuple[str, ...]:
    return tuple(phrase.split())


# Stock phrases a spinner substitutes for one another. Each variant maps to one
# canonical wording; no canonical wording is itself a variant, so one pass of
# rewriting is enough. Filler phrases map to a filler word that is_filler() knows.
_PHRASE_REWRITES: Final[Mapping[tuple[str, ...], tuple[str, ...]]] = MappingProxyType(
    {
        _t(variant): _t(canonical)
        for variant, canonical in (
            # cause
            ("as an outcome of", "because of"),
            ("as a result of", "because of"),
            ("as a consequence of", "because of"),
            ("on account of", "because of"),
            ("owing to", "because of"),
            ("due to", "because of"),
            ("thanks to", "because of"),
            ("because of the fact that", "because"),
            ("due to the fact that", "because"),
            ("owing to the fact that", "because"),
            ("in view of the fact that", "because"),
            ("given that", "because"),
            # time
            ("prior to", "before"),
            ("previous to", "before"),
            ("in advance of", "before"),
            ("subsequent to", "after"),
            ("at the same time", "simultaneously"),
            ("right away", "immediately"),
            ("in the meantime", "meanwhile"),
            ("at the present time", "now"),
            ("at present", "now"),
            ("at the moment", "now"),
            ("right now", "now"),
            ("these days", "nowadays"),
            ("in the near future", "soon"),
            ("for the time being", "temporarily"),
            ("over and over again", "repeatedly"),
            ("time and again", "repeatedly"),
            ("once again", "again"),
            ("once more", "again"),
            ("all of a sudden", "suddenly"),
            ("in the end", "finally"),
            ("at last", "finally"),
            ("in the long run", "eventually"),
            ("sooner or later", "eventually"),
            ("from time to time", "occasionally"),
            ("every now and then", "occasionally"),
            ("now and then", "occasionally"),
            ("on a regular basis", "regularly"),
            ("on a daily basis", "daily"),
            ("up to now", "so far"),
            ("until now", "so far"),
            ("thus far", "so far"),
            ("to date", "so far"),
            ("in the course of", "during"),
            ("over the course of", "during"),
            ("up until", "until"),
            # purpose and condition
            ("in order to", "to"),
            ("so as to", "to"),
            ("in an effort to", "to"),
            ("in an attempt to", "to"),
            ("for the purpose of", "for"),
            ("in the event that", "if"),
            ("provided that", "if"),
            ("whether or not", "whether"),
            # joining and contrast
            ("and also", "and"),
            ("but also", "but"),
            ("as well as", "and"),
            ("along with", "with"),
            ("together with", "with"),
            ("in addition to", "besides"),
            ("in addition", "also"),
            ("on top of that", "also"),
            ("as well", "too"),
            ("in spite of", "despite"),
            ("regardless of", "despite"),
            ("in spite of the fact that", "although"),
            ("despite the fact that", "although"),
            ("even though", "although"),
            ("on the other hand", "however"),
            ("that said", "however"),
            ("even so", "nevertheless"),
            ("for instance", "for example"),
            ("in other words", "that is"),
            # WordNet has neither "against" nor "versus", so the swap lives here.
            ("versus", "against"),
            ("in opposition to", "against"),
            ("with the exception of", "except"),
            ("apart from", "except"),
            ("aside from", "except"),
            ("other than", "except"),
            ("in place of", "instead of"),
            ("rather than", "instead of"),
            ("by means of", "by"),
            # topic
            ("with regard to", "about"),
            ("with respect to", "about"),
            ("in relation to", "about"),
            ("in regard to", "about"),
            ("as regards", "about"),
            ("when it comes to", "about"),
            # empty emphasis, mapped to a filler word
            ("in fact", "actually"),
            ("as a matter of fact", "actually"),
            ("in reality", "actually"),
            ("of course", "certainly"),
            ("without a doubt", "certainly"),
            ("no doubt", "certainly"),
            ("for sure", "certainly"),
            # degree and quantity
            ("an extremely", "a very"),
            ("an incredibly", "a very"),
            ("an exceptionally", "a very"),
            ("an exceedingly", "a very"),
            ("a little bit", "slightly"),
            ("to some extent", "partly"),
            ("in part", "partly"),
            ("to a great extent", "largely"),
            ("to a large extent", "largely"),
            ("for the most part", "mostly"),
            ("by and large", "generally"),
            ("on the whole", "generally"),
            ("in general", "generally"),
            ("as a rule", "usually"),
            ("more or less", "about"),
            ("in the neighborhood of", "about"),
            ("a lot of", "many"),
            ("lots of", "many"),
            ("plenty of", "many"),
            ("a large number of", "many"),
            ("a great number of", "many"),
            ("a great deal of", "much"),
            ("a large amount of", "much"),
            ("a number of", "several"),
            ("a handful of", "a few"),
            ("a couple of", "two"),
            ("the majority of", "most"),
            ("the vast majority of", "most"),
            ("each and every", "every"),
            ("in excess of", "more than"),
            # place
            ("in between", "between"),
            ("in the middle of", "amid"),
            ("in the midst of", "amid"),
            ("next to", "beside"),
            ("all over the world", "worldwide"),
            ("around the world", "worldwide"),
            ("around the globe", "worldwide"),
            # verb phrases
            ("is able to", "can"),
            ("are able to", "can"),
            ("was able to", "could"),
            ("were able to", "could"),
            ("is unable to", "cannot"),
            ("are unable to", "cannot"),
            ("was unable to", "could not"),
            ("were unable to", "could not"),
            ("take part in", "participate in"),
            ("took part in", "participated in"),
            ("make use of", "use"),
            ("made use of", "used"),
            ("find out", "discover"),
            ("found out", "discovered"),
            ("get in touch with", "contact"),
            ("put an end to", "end"),
        )
    }
)


def _normalize(word: str) -> str:
    """Lowercase, turn WordNet-style underscores and runs of whitespace into one space."""
    return " ".join(word.replace("_", " ").replace("\u2019", "'").split()).lower()


def _ordinal_suffix(number: int) -> str:
    if number % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")


def _strip_leading_zeros(digits: str) -> str:
    # Not int(): Python refuses to convert strings of more than 4300 digits.
    return digits.lstrip("0") or "0"


def _number_from_words(word: str) -> tuple[int, bool] | None:
    """``(value, is_ordinal)`` for "two", "second", "twenty-one", "twenty-first"."""
    if word in _CARDINAL_WORDS:
        return _CARDINAL_WORDS[word], False
    if word in _ORDINAL_WORDS:
        return _ORDINAL_WORDS[word], True
    tens, hyphen, unit = word.partition("-")
    if hyphen and tens in _TENS_WORDS:
        if 1 <= _CARDINAL_WORDS.get(unit, 0) <= 9:
            return _CARDINAL_WORDS[tens] + _CARDINAL_WORDS[unit], False
        if 1 <= _ORDINAL_WORDS.get(unit, 0) <= 9:
            return _CARDINAL_WORDS[tens] + _ORDINAL_WORDS[unit], True
    return None


class _LexiconTable:
    """The parsed data file: WordNet lemmas with their synsets, and exception lists.

    Parsing every row's synset ids up front would take most of the load-time budget,
    so rows are kept as raw text and parsed the first time a lemma is asked about.
    """

    def __init__(
        self,
        raw_rows: dict[str, str],
        exceptions: dict[str, dict[str, tuple[str, ...]]],
        link_rows: list[str] | None = None,
    ) -> None:
        self._raw_rows = raw_rows
        self._exceptions = exceptions
        # Parsed on first use, as the lemma rows are: most processes never ask.
        self._link_rows = link_rows or []
        self._family: tuple[dict[int, tuple[int, ...]], dict[int, tuple[int, ...]]] | None = None
        self._family_lock = threading.Lock()
        self._parsed: dict[str, dict[str, tuple[int, ...]]] = {}
        self._members: dict[int, tuple[str, ...]] | None = None
        self._members_lock = threading.Lock()

    def __contains__(self, lemma: str) -> bool:
        return lemma in self._raw_rows

    def lemma_parts_of_speech(self) -> Iterator[tuple[str, str]]:
        """Every lemma with its POS letters ("nv"), in table order."""
        for lemma, raw in self._raw_rows.items():
            yield lemma, raw.partition("\t")[0]

    def exception_forms(self) -> Iterator[str]:
        """Every irregular form that the exception lists give base forms for."""
        for forms in self._exceptions.values():
            yield from forms

    def senses(self, lemma: str) -> dict[str, tuple[int, ...]]:
        """POS letter -> synset ids of ``lemma`` in sense order; empty if unknown."""
        parsed = self._parsed.get(lemma)
        if parsed is None:
            raw = self._raw_rows.get(lemma)
            parsed = {} if raw is None else _parse_senses(raw, lemma)
            self._parsed[lemma] = parsed
        return parsed

    def has(self, lemma: str, pos: str) -> bool:
        return pos in self.senses(lemma)

    def _parents_and_children(
        self,
    ) -> tuple[dict[int, tuple[int, ...]], dict[int, tuple[int, ...]]]:
        family = self._family
        if family is not None:  # the common case: no lock once parsed
            return family
        with self._family_lock:
            if self._family is None:
                parents: dict[int, tuple[int, ...]] = {}
                children: dict[int, list[int]] = {}
                for line in self._link_rows:
                    child, tab, ids = line.partition("\t")
                    try:
                        if not tab:
                            raise ValueError("no tab")
                        child_id = int(child)
                        parent_ids = tuple(int(parent) for parent in ids.split(","))
                    except ValueError:
                        raise LexiconError(
                            f"the packaged lexicon is damaged: bad link row {line!r}; "
                            "rebuild it with scripts/build_lexicon.py or reinstall unspin"
                        ) from None
                    parents[child_id] = parent_ids
                    for parent in parent_ids:
                        children.setdefault(parent, []).append(child_id)
                self._family = (
                    parents,
                    {parent: tuple(sorted(ids)) for parent, ids in children.items()},
                )
            return self._family

    def parents(self, synset_id: int) -> tuple[int, ...]:
        """The synsets ``synset_id`` hangs under: an adjective satellite's cluster head
        ("similar to"), a noun's or verb's direct hypernyms; ``()`` for a top synset."""
        return self._parents_and_children()[0].get(synset_id, ())

    def children(self, synset_id: int) -> tuple[int, ...]:
        """The synsets hanging directly under ``synset_id`` (see :meth:`parents`)."""
        return self._parents_and_children()[1].get(synset_id, ())

    def links(self, synset_id: int, max_children: int) -> tuple[int, ...]:
        """Link ids joining a synset to its parents and its children.

        A link stands for one (parent, child) pair and is numbered ``-(child + 1)``,
        apart from every synset id: a child and its parent share it, two children of
        one parent do not ("huge" and "large" are linked, "golden" and "amber", two
        colours under "chromatic", are not; "evangelist" and "preacher", but not two
        kinds of preacher; two parents of one child do share its link). A parent of
        more than ``max_children`` children links none.
        """
        linked = any(
            len(self.children(parent)) <= max_children for parent in self.parents(synset_id)
        )
        own = (-(synset_id + 1),) if linked else ()
        children = self.children(synset_id)
        if len(children) > max_children:
            return own
        return own + tuple(-(child + 1) for child in children)

    def exception_bases(self, word: str, pos: str) -> tuple[str, ...]:
        """Base forms WordNet lists for an irregular ``word`` ("men" -> "man")."""
        return self._exceptions.get(pos, {}).get(word, ())

    def synset_members(self) -> dict[int, tuple[str, ...]]:
        """Synset id -> its lemmas, most central first.

        A lemma is more central to a synset the earlier that synset comes in the
        lemma's own sense list ("large" is sense 1 of "large" but sense 2 of "big").
        Built on first use by inverting the whole table (a fraction of a second).
        """
        with self._members_lock:
            if self._members is None:
                ranked: dict[int, list[tuple[int, str]]] = {}
                for lemma, raw in self._raw_rows.items():
                    # Read the raw rows directly: going through senses() would
                    # cache a parsed copy of every row and double the time.
                    try:
                        groups = [
                            [int(synset_id) for synset_id in group.split(",")]
                            for group in raw.partition("\t")[2].split(";")
                        ]
                    except ValueError:
                        _parse_senses(raw, lemma)  # raises the LexiconError
                        raise
                    for ids in groups:
                        for rank, synset_id in enumerate(ids):
                            ranked.setdefault(synset_id, []).append((rank, lemma))
                self._members = {
                    synset_id: tuple(lemma for _, lemma in sorted(entries))
                    for synset_id, entries in ranked.items()
                }
            return self._members


def _parse_senses(raw: str, lemma: str) -> dict[str, tuple[int, ...]]:
    """Parse ``"<pos letters>\\t<id,id;id...>"`` into POS letter -> synset ids."""
    letters, _, groups = raw.partition("\t")
    id_groups = groups.split(";")
    try:
        if not letters or len(id_groups) != len(letters):
            raise ValueError("POS letters and id groups do not match")
        return {
            pos: tuple(int(synset_id) for synset_id in group.split(","))
            for pos, group in zip(letters, id_groups, strict=True)
        }
    except ValueError as error:
        raise LexiconError(
            f"the packaged lexicon is damaged: bad row for {lemma!r} ({error}); "
            "rebuild it with scripts/build_lexicon.py or reinstall unspin"
        ) from error


def _parse_table(data: bytes, *, source: str) -> _LexiconTable:
    """Decode the gzipped table (format described in scripts/build_lexicon.py)."""

    def damaged(reason: str) -> LexiconError:
        return LexiconError(
            f"the packaged lexicon {source} is damaged ({reason}); "
            "rebuild it with scripts/build_lexicon.py or reinstall unspin"
        )

    try:
        lines = gzip.decompress(data).decode("utf-8").split("\n")
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as error:
        raise damaged(f"cannot decompress: {error}") from error

    magic = lines[0].split("\t")
    if magic[:2] != [_FORMAT_NAME, _FORMAT_VERSION]:
        raise damaged(f"expected a {_FORMAT_NAME} v{_FORMAT_VERSION} header")

    position = 1

    def section(name: str) -> list[str]:
        # A section is a "@name<TAB>count" line followed by count rows.
        nonlocal position
        header = lines[position].split("\t") if position < len(lines) else []
        if len(header) != 2 or header[0] != name or not header[1].isdigit():
            raise damaged(f"missing section {name}")
        start = position + 1
        position = start + int(header[1])
        if position > len(lines):
            raise damaged(f"section {name} is truncated")
        return lines[start:position]

    lemma_lines = section("@lemmas")
    exception_lines = section("@exceptions")
    link_lines = section("@links")
    if position >= len(lines) or lines[position] != "@end":
        raise damaged("missing end marker")

    raw_rows: dict[str, str] = {}
    for line in lemma_lines:
        lemma, tab, rest = line.partition("\t")
        if not tab:
            raise damaged(f"bad lemma row {line!r}")
        raw_rows[lemma] = rest

    exceptions: dict[str, dict[str, tuple[str, ...]]] = {pos: {} for pos in _PARTS_OF_SPEECH}
    for line in exception_lines:
        fields = line.split("\t")
        if len(fields) != 3 or fields[0] not in exceptions:
            raise damaged(f"bad exception row {line!r}")
        exceptions[fields[0]][fields[1]] = tuple(fields[2].split("|"))

    return _LexiconTable(raw_rows, exceptions, link_lines)


def _load_table(file_name: str = _DATA_FILE_NAME) -> _LexiconTable:
    """Read and parse a data file shipped in ``unspin/data``."""
    resource = resources.files(_DATA_PACKAGE).joinpath("data", file_name)
    try:
        data = resource.read_bytes()
    except OSError as error:
        raise LexiconError(
            f"the packaged lexicon unspin/data/{file_name} cannot be read ({error}); "
            "build it with scripts/build_lexicon.py or reinstall unspin"
        ) from error
    return _parse_table(data, source=f"unspin/data/{file_name}")


_shared_table: _LexiconTable | None = None
_shared_table_lock = threading.Lock()


def _get_shared_table() -> _LexiconTable:
    """The packaged table, loaded on first call and kept for the life of the process."""
    global _shared_table
    table = _shared_table
    if table is not None:  # the common case: no lock once it is loaded
        return table
    with _shared_table_lock:
        if _shared_table is None:
            _shared_table = _load_table()
        return _shared_table


def first_senses(concepts: tuple[int, ...], max_senses: int) -> tuple[int, ...]:
    """``concepts`` (as :meth:`Lexicon.concepts` gives them) cut to the first
    ``max_senses`` synset ids, keeping every link (the negative ids)."""
    senses = tuple(concept for concept in concepts if concept >= 0)[:max_senses]
    return senses + tuple(concept for concept in concepts if concept < 0)


def link_ids(concepts: tuple[int, ...]) -> tuple[int, ...]:
    """The link ids (negative) among ``concepts``: all that a number keeps of them."""
    return tuple(concept for concept in concepts if concept < 0)


def _dedupe(items: Iterable[_T]) -> tuple[_T, ...]:
    """Items in first-seen order, without repeats."""
    return tuple(dict.fromkeys(items))


class Lexicon:
    """Word knowledge for spotting spun text, backed by WordNet 3.0.

    Create one with :meth:`default` (shared, with default options) or
    ``Lexicon(max_senses=...)``. Instances are cheap: all of them share one copy
    of the packaged table, which is loaded on the first question that needs it.
    Every method accepts any string; words are compared case-insensitively.

    Args:
        max_senses: how many senses of each part of speech :meth:`concepts`
            keeps per word. WordNet lists senses most frequent first, and the
            rare senses at the end of long lists ("top" has 18 noun senses)
            would make unrelated words look alike.

    Raises:
        ValueError: if ``max_senses`` is less than 1.
    """

    _default: Lexicon | None = None

    def __init__(self, *, max_senses: int = 8) -> None:
        if max_senses < 1:
            raise ValueError(f"max_senses must be at least 1, got {max_senses}")
        self.max_senses: Final = max_senses
        self._lemma_cache: dict[str, str] = {}
        self._concepts_cache: dict[str, tuple[int, ...]] = {}
        self._base_forms_cache: dict[tuple[str, str], tuple[str, ...]] = {}
        self._own_table: _LexiconTable | None = None
        self._number_links: dict[str, tuple[int, ...]] | None = None

    @classmethod
    def default(cls) -> Lexicon:
        """The shared lexicon with default options."""
        if cls._default is None:
            cls._default = cls()
        return cls._default

    @classmethod
    def _over(cls, table: _LexiconTable, *, max_senses: int = 8) -> Lexicon:
        """A lexicon over ``table`` instead of the packaged one (for the build script)."""
        lexicon = cls(max_senses=max_senses)
        lexicon._own_table = table
        return lexicon

    @property
    def _table(self) -> _LexiconTable:
        return self._own_table or _get_shared_table()

    # ----------------------------------------------------------------- base forms

    def _base_forms(self, word: str, pos: str) -> tuple[str, ...]:
        """Every WordNet lemma ``word`` may be an inflection of, in one POS.

        The word itself comes first, then listed irregular bases, then what the
        detachment rules yield (skipped for irregular words, as WordNet does).
        Memoized: lemma() and concepts() both need it for every new word.
        """
        cache_key = (word, pos)
        cached = self._base_forms_cache.get(cache_key)
        if cached is None:
            cached = self._compute_base_forms(word, pos)
            if len(self._base_forms_cache) >= _MAX_CACHE_ENTRIES:
                self._base_forms_cache.clear()
            self._base_forms_cache[cache_key] = cached
        return cached

    def _compute_base_forms(self, word: str, pos: str) -> tuple[str, ...]:
        table = self._table
        forms: list[str] = []
        if table.has(word, pos):
            forms.append(word)
        irregular = table.exception_bases(word, pos)
        forms.extend(base for base in irregular if table.has(base, pos))
        if not irregular:
            forms.extend(
                candidate
                for candidate in self._detach_suffixes(word, pos)
                if table.has(candidate, pos)
            )
        return _dedupe(forms)

    @staticmethod
    def _detach_suffixes(word: str, pos: str) -> Iterable[str]:
        for suffix, replacement in _DETACHMENT_RULES[pos]:
            if word.endswith(suffix) and len(word) > len(suffix):
                yield word[: -len(suffix)] + replacement

    def _preferred_base(self, word: str, pos: str) -> str | None:
        """WordNet morphy for one POS: listed irregular base, else the word, else rules."""
        table = self._table
        for base in table.exception_bases(word, pos):
            if table.has(base, pos):
                return base
        forms = self._base_forms(word, pos)
        return forms[0] if forms else None

    def lemma(self, word: str) -> str:
        """The lowercase base form of ``word``: "meets" -> "meet", "was" -> "be".

        Follows WordNet's morphy (irregular forms from its exception lists, then
        suffix rules, keeping only results WordNet knows), trying noun, verb,
        adjective and adverb in that order. A word WordNet lists as a lemma in an
        earlier part of speech stays as it is ("meeting", "better"). Unknown words
        come back lowercased.
        """
        key = _normalize(word)
        cached = self._lemma_cache.get(key)
        if cached is not None:
            return cached
        result = self._compute_lemma(key)
        if len(self._lemma_cache) >= _MAX_CACHE_ENTRIES:
            self._lemma_cache.clear()
        self._lemma_cache[key] = result
        return result

    def _compute_lemma(self, key: str) -> str:
        if key in _AUXILIARY_LEMMAS:
            return _AUXILIARY_LEMMAS[key]
        if key in _STOPWORDS or not key:
            return key
        for pos in _PARTS_OF_SPEECH:
            base = self._preferred_base(key, pos)
            # A letter is no base of a longer word ("fs" is no plural of "f").
            if base is not None and (len(base) > 1 or len(key) == 1):
                return base
        return key

    # --------------------------------------------------------------- meanings

    def concepts(self, word: str) -> tuple[int, ...]:
        """WordNet synset ids that ``word`` can mean; two words sharing one are synonyms.

        Covers every base form of the word in every part of speech (so "wound"
        reaches both "wound" and "wind"), in WordNet's sense order, at most
        ``max_senses`` per part of speech. After them come the (negative) link ids
        of its first ``_LINKED_SENSES`` senses of each part of speech
        (:meth:`_LexiconTable.links`, at most ``_MAX_CHILDREN`` children to a parent):
        words one step apart in WordNet, an adjective and the head of its cluster
        ("initial" and "first"), a noun or verb and its direct hypernym ("evangelist"
        and "preacher"), which share no synset; a number's are its
        :meth:`number_links`. The first id is always the word's first sense. Stopwords
        and unknown words give ``()``.
        """
        key = _normalize(word)
        cached = self._concepts_cache.get(key)
        if cached is not None:
            return cached
        result: tuple[int, ...] = ()
        if key not in _STOPWORDS:
            senses = [
                synset_id
                for pos in _PARTS_OF_SPEECH
                for synset_id in self._senses_in_pos(key, pos)[: self.max_senses]
            ]
            spelled = self.number_form(key)
            if spelled is not None:
                # Every spelling WordNet knows links alike; "00", unknown, has no concepts.
                links = list(self.number_links(spelled)) if senses else []
            else:
                links = [link for pos in _PARTS_OF_SPEECH for link in self._links_in_pos(key, pos)]
            result = _dedupe(senses + links)
        if len(self._concepts_cache) >= _MAX_CACHE_ENTRIES:
            self._concepts_cache.clear()
        self._concepts_cache[key] = result
        return result

    def _links_in_pos(self, key: str, pos: str) -> list[int]:
        """The link ids of the first ``_LINKED_SENSES`` senses of ``key`` in one POS."""
        table = self._table
        return [
            link
            for synset_id in self._senses_in_pos(key, pos)[:_LINKED_SENSES]
            for link in table.links(synset_id, _MAX_CHILDREN[pos])
        ]

    def number_links(self, number: str) -> tuple[int, ...]:
        """The link ids a number keeps (given as :meth:`number_form` spells it), the
        same for every spelling of it: those of the adjective senses of its number
        words. "first" and "1st" are similar to "initial" and "inaugural"; no other
        sense comes in, so "second" is no synonym of "minute", nor "one" of "unit".
        """
        links = self._number_links
        if links is None:
            found: dict[str, list[int]] = {}
            for word in (*_CARDINAL_WORDS, *_ORDINAL_WORDS):
                spelled = self.number_form(word)
                if spelled is not None:
                    found.setdefault(spelled, []).extend(self._links_in_pos(word, "a"))
            links = {spelled: _dedupe(ids) for spelled, ids in found.items() if ids}
            self._number_links = links
        return links.get(number, ())

    def _senses_in_pos(self, key: str, pos: str) -> tuple[int, ...]:
        """Synset ids of all base forms of ``key`` in one POS, sense order, no repeats."""
        table = self._table
        return _dedupe(
            synset_id
            for base in self._base_forms(key, pos)
            for synset_id in table.senses(base)[pos]
        )

    def synonyms(self, word: str, *, max_senses: int = 3) -> tuple[str, ...]:
        """Lemmas sharing a synset with ``word``'s base forms, e.g. "big" -> "large".

        Only the first ``max_senses`` senses of each part of speech are used, since
        rare senses give poor substitutes. Results may be multiword ("in large
        quantities"), exclude the word itself and its base forms, and come in a
        fixed order: by part of speech (noun, verb, adjective, adverb), then sense,
        then how central the synonym is to that sense. Stopwords and unknown words
        give ``()``. The first call inverts the whole table (a fraction of a second).
        """
        key = _normalize(word)
        if key in _STOPWORDS or max_senses < 1:
            return ()
        synset_ids = [
            synset_id
            for pos in _PARTS_OF_SPEECH
            for synset_id in self._senses_in_pos(key, pos)[:max_senses]
        ]
        if not synset_ids:
            return ()
        excluded = {key, self.lemma(key)}
        excluded.update(base for pos in _PARTS_OF_SPEECH for base in self._base_forms(key, pos))
        members = self._table.synset_members()
        return _dedupe(
            lemma
            for synset_id in synset_ids
            for lemma in members.get(synset_id, ())
            if lemma not in excluded
        )

    # ---------------------------------------------------------------- word lists

    def is_stopword(self, word: str) -> bool:
        """Whether ``word`` is an English function word ("the", "of", "was", "also")."""
        return _normalize(word) in _STOPWORDS

    def is_filler(self, word: str) -> bool:
        """Whether ``word`` is an empty intensifier spinners insert ("actually", "truly")."""
        return _normalize(word) in _FILLERS

    def is_lemma(self, word: str) -> bool:
        """Whether ``word`` (lowercase) is itself a WordNet lemma; a set lookup, no
        morphology, for hot paths that call it on every token."""
        return word in self._table

    def is_word(self, word: str) -> bool:
        """Whether ``word`` is a known English word, inflected or not.

        True for WordNet lemmas ("north"), their inflections ("meetings"),
        stopwords ("when") and numbers ("twenty", "2nd"); false for text glued
        together by a scraper ("whennorth") and for single letters other than
        "a" and "i". WordNet does list many abbreviations ("nt", "es"), which
        count as words. Cheap enough to call on every split point of a token.
        """
        key = _normalize(word)
        if len(key) == 1:
            # WordNet lists every letter as a noun ("the letter b"); as text,
            # only "a" and "i" are words, and digits are numbers.
            return key in "ai0123456789"
        if not key:
            return False
        if key in _STOPWORDS or key in self._table:
            return True
        return self.lemma(key) in self._table or self.number_form(key) is not None

    def number_form(self, word: str) -> str | None:
        """The digit spelling of a number or ordinal, else ``None``.

        "two" -> "2", "twenty-one" -> "21", "1,000" -> "1000", "second" -> "2nd",
        "first" and "1st" -> "1st", "3RD" -> "3rd".
        """
        key = _normalize(word)
        if _DIGITS.fullmatch(key):
            return _strip_leading_zeros(key.replace(",", ""))
        ordinal = _DIGIT_ORDINAL.fullmatch(key)
        if ordinal:
            digits = _strip_leading_zeros(ordinal.group(1))
            # The suffix depends only on the last two digits.
            return digits + _ordinal_suffix(int(digits[-2:]))
        spelled = _number_from_words(key)
        if spelled is None:
            return None
        value, is_ordinal = spelled
        return f"{value}{_ordinal_suffix(value)}" if is_ordinal else str(value)

    def phrase_rewrites(self) -> Mapping[tuple[str, ...], tuple[str, ...]]:
        """Stock phrases spinners swap in, each mapped to one canonical wording.

        For example ("as", "a", "result", "of") -> ("because", "of") and
        ("in", "order", "to") -> ("to",). Keys and values are lowercase token
        tuples; no value is also a key. The mapping is read-only and shared.
        """
        return _PHRASE_REWRITES
