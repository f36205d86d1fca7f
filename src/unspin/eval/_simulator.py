"""A spin simulator: rewrites text the way article spinners do, for benchmarking.

This is a *benchmarking tool*: it produces realistic spun copies of texts whose origin is
known, so detectors can be measured on them. It imitates the observable habits of commercial
spinners (SpinBot, WordAi-style tools), not their code:

* content words are swapped for a dictionary synonym picked **without regard to sense**
  ("summit" -> "top", "sanctions" -> "assents"), keeping capitalization and re-inflecting
  simply (-s, -ed, -ing, -ly);
* phrases are rewritten in both directions of the lexicon's phrase table
  ("because of" <-> "as a result of", "against" -> "versus");
* fillers are inserted after auxiliaries and conjunctions ("and also", "has actually",
  "will certainly");
* number words and digits are swapped ("second" -> "2nd", "two" -> "2");
* words are glued together at paragraph starts ("WhenNorth") and now and then mid-text;
* scraping scars such as "P TAGEND" are left at some paragraph ends;
* now and then a sentence is dropped.

Paragraph structure (line breaks and blank lines) is kept, so passages stay mappable to their
originals. Every function is pure and deterministic given its ``seed``.
"""

from __future__ import annotations

import itertools
import random
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple

from unspin.text._lexicon import Lexicon

__all__ = ["SpinLevel", "SpinSettings", "settings_for", "spin_text"]


class SpinLevel(StrEnum):
    """How aggressively a text is spun."""

    LIGHT = "light"
    MEDIUM = "medium"
    HEAVY = "heavy"


class SpinSettings(NamedTuple):
    """Rates (probabilities in [0, 1]) of each spinner habit.

    ``substitution_rate``: share of content words replaced by a synonym.
    ``phrase_rate``: chance that a phrase found in the phrase table is rewritten.
    ``filler_rate``: chance that a filler follows a trigger word ("and" -> "and also").
    ``digit_rate``: chance that a number word becomes digits (digits become words at half it).
    ``glue_rate``: chance that a paragraph's first two words are glued together; mid-text
    spaces between words are glued at a small fraction of it.
    ``drop_sentence_rate``: chance that a sentence of a multi-sentence paragraph is dropped.
    ``tag_scar_rate``: chance that a paragraph ends with a scraping scar ("P TAGEND").
    """

    substitution_rate: float
    phrase_rate: float
    filler_rate: float
    digit_rate: float
    glue_rate: float
    drop_sentence_rate: float
    tag_scar_rate: float


_SETTINGS_BY_LEVEL: Mapping[SpinLevel, SpinSettings] = {
    SpinLevel.LIGHT: SpinSettings(
        substitution_rate=0.15,
        phrase_rate=0.3,
        filler_rate=0.05,
        digit_rate=0.3,
        glue_rate=0.2,
        drop_sentence_rate=0.0,
        tag_scar_rate=0.02,
    ),
    SpinLevel.MEDIUM: SpinSettings(
        substitution_rate=0.35,
        phrase_rate=0.5,
        filler_rate=0.2,
        digit_rate=0.5,
        glue_rate=0.5,
        drop_sentence_rate=0.03,
        tag_scar_rate=0.05,
    ),
    SpinLevel.HEAVY: SpinSettings(
        substitution_rate=0.6,
        phrase_rate=0.8,
        filler_rate=0.4,
        digit_rate=0.8,
        glue_rate=0.9,
        drop_sentence_rate=0.08,
        tag_scar_rate=0.1,
    ),
}


def settings_for(level: SpinLevel | str) -> SpinSettings:
    """The preset rates of a spin level (light ≈ 15%, medium ≈ 35%, heavy ≈ 60% of words)."""
    return _SETTINGS_BY_LEVEL[SpinLevel(level)]


# Fillers real spinners insert after these words ("and also", "have actually", ...).
_FILLERS_AFTER: Mapping[str, tuple[str, ...]] = {
    "and": ("also",),
    "has": ("actually",),
    "have": ("actually",),
    "had": ("actually",),
    "will": ("certainly",),
    "would": ("certainly",),
    "is": ("really", "in fact"),
    "are": ("really",),
    "was": ("really",),
    "can": ("certainly",),
    "but": ("also",),
    "be": ("really",),
}

# Spinner phrase habits seen in real output, on top of the lexicon's phrase table. Each row is
# one equivalence group: any member may be rewritten as any other.
_SPINNER_PHRASE_GROUPS: tuple[tuple[str, ...], ...] = (
    ("against", "versus"),
    ("very", "extremely", "really"),
    ("a very", "an extremely", "a really"),
    ("because of", "as a result of", "as an outcome of"),
    ("a lot of", "a great deal of", "lots of"),
    ("more than", "greater than"),
    ("about", "regarding", "concerning"),
    ("however", "nonetheless", "nevertheless"),
    ("also", "additionally"),
    ("many", "numerous"),
    ("during", "throughout"),
    ("but", "yet"),
)

# Scraping scars left where a spinner's HTML round trip lost a tag.
_TAG_SCARS: tuple[str, ...] = ("P TAGEND", "P TAGEND", "LI TAGEND")


def _words(text: str) -> tuple[str, ...]:
    """Words written as one whitespace-separated string, for readable tables."""
    return tuple(text.split())


# Share of the phrase rate applied to one-word function-word phrases ("to", "and", "by").
_FUNCTION_WORD_PHRASE_SHARE = 0.1
# Mid-text gluing is much rarer than gluing at a paragraph start.
_MID_TEXT_GLUE_SHARE = 0.008
# Unsatisfied substitutions (the chosen word had no synonym) carry over to later words, so the
# requested share is met; the carry is capped to keep replacements spread out.
_MAX_SUBSTITUTION_CARRY = 3
# Chance of restricting a pick to one-word synonyms when the word has any.
_SINGLE_WORD_PREFERENCE = 0.85
# Number words whose digit forms are swapped back to words ("3" -> "three").
_NUMBER_WORDS: tuple[str, ...] = _words(
    "one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen"
    " sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety"
    " hundred first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth"
    " twentieth"
)

_TOKEN = re.compile(
    r"(?P<word>[^\W\d_]+(?:['’\-][^\W\d_]+)*)"
    r"|(?P<number>\d+(?:[.,]\d+)*(?:st|nd|rd|th)?)"
    r"|(?P<space>\s+)"
    r"|(?P<other>.)",
    re.DOTALL,
)
# Sentence boundaries: whitespace after . ! ? (optionally a closing quote) before a capital.
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"”’)]))\s+(?=[\"“‘(]?[A-Z0-9])")
_SENTENCE_END = frozenset(".!?")
_QUOTES = frozenset("\"'“”‘’(")
_VOWELS = frozenset("aeiouAEIOU")
_CONSONANT_Y = re.compile(r"[^aeiou]y$")
# One-syllable verbs ending consonant-vowel-consonant double the consonant before -ed/-ing.
_DOUBLES_FINAL_CONSONANT = re.compile(r"^[^aeiouy]*[aeiou][bdgmnprt]$")
_IRREGULAR_PASTS: Mapping[str, str] = dict(
    pair.split(":", 1)
    for pair in _words(
        "be:was begin:began break:broke bring:brought build:built buy:bought catch:caught"
        " choose:chose come:came cut:cut do:did draw:drew drive:drove eat:ate fall:fell"
        " feel:felt fight:fought find:found fly:flew get:got give:gave go:went grow:grew"
        " have:had hit:hit hold:held keep:kept know:knew lay:laid lead:led leave:left let:let"
        " lose:lost make:made meet:met pay:paid put:put rise:rose run:ran say:said see:saw"
        " seek:sought sell:sold send:sent set:set shake:shook shut:shut speak:spoke spend:spent"
        " stand:stood steal:stole strike:struck take:took teach:taught tell:told think:thought"
        " throw:threw wear:wore win:won write:wrote"
    )
)
_ADJECTIVE_ENDINGS = ("ous", "ful", "ive", "able", "ible", "ic", "al", "less", "ish")
_PLAIN_SYNONYM = re.compile(r"[a-z]+(?:[ \-][a-z]+)*")


@dataclass
class _Token:
    text: str
    kind: str  # "word", "number", "space" or "other"
    changed: bool = False


def _tokenize(text: str) -> list[_Token]:
    tokens: list[_Token] = []
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        assert kind is not None  # every alternative is a named group
        tokens.append(_Token(match.group(), kind))
    return tokens


def _match_case(replacement: str, original: str) -> str:
    if len(original) > 1 and original.isupper():
        return replacement.upper()
    if original[:1].isupper():
        return replacement[:1].upper() + replacement[1:]
    return replacement


def _inflect(word: str, suffix: str) -> str:
    """Inflect a base form: regular rules plus the commonest irregular pasts."""
    if not suffix:
        return word
    if suffix == "ed" and word in _IRREGULAR_PASTS:
        return _IRREGULAR_PASTS[word]
    if suffix in ("ed", "ing") and _DOUBLES_FINAL_CONSONANT.match(word):
        word += word[-1]  # "stop" -> "stopped", "run" -> "running"
    if suffix == "s":
        if word.endswith(("s", "x", "z", "ch", "sh")):
            return word + "es"
        return word[:-1] + "ies" if _CONSONANT_Y.search(word) else word + "s"
    if suffix == "ed":
        if word.endswith("e"):
            return word + "d"
        return word[:-1] + "ied" if _CONSONANT_Y.search(word) else word + "ed"
    if suffix == "ing":
        if word.endswith("ie"):
            return word[:-2] + "ying"
        if word.endswith("e") and not word.endswith(("ee", "ye", "oe")):
            return word[:-1] + "ing"
        return word + "ing"
    if suffix == "ly":
        if word.endswith("ic"):
            return word + "ally"
        if word.endswith("le"):
            return word[:-1] + "y"
        return word[:-1] + "ily" if word.endswith("y") else word + "ly"
    raise ValueError(f"unknown inflection {suffix!r}")


def _inflect_phrase(phrase: str, suffix: str) -> str:
    """Inflect a (possibly multi-word) synonym: verbs on the first word, nouns on the last."""
    words = phrase.split(" ")
    if suffix in ("ed", "ing"):
        words[0] = _inflect(words[0], suffix)
    else:
        words[-1] = _inflect(words[-1], suffix)
    return " ".join(words)


def _inflection_of(word: str, lemma: str) -> str | None:
    """The regular suffix that turns ``lemma`` into ``word`` ("" if none, None if irregular)."""
    if word == lemma:
        return ""
    for suffix in ("ing", "ed", "s"):
        if word.endswith(suffix) and word.startswith(lemma[:-1] if len(lemma) > 3 else lemma):
            return suffix
    return None


class _Spinner:
    """One spinning run: the lexicon, the settings, the random stream and lookup caches."""

    def __init__(self, lexicon: Lexicon, settings: SpinSettings, rng: random.Random) -> None:
        self.lexicon = lexicon
        self.settings = settings
        self.rng = rng
        self.synonym_cache: dict[str, tuple[str, ...]] = {}
        self.phrase_alternatives = _phrase_alternatives(lexicon.phrase_rewrites())
        self.longest_phrase = max((len(key) for key in self.phrase_alternatives), default=0)
        self.number_words = _number_words_by_digits(lexicon)

    # -- paragraphs -------------------------------------------------------------------------

    def spin_paragraph(self, paragraph: str) -> str:
        paragraph = self.drop_sentences(paragraph)
        tokens = _tokenize(paragraph)
        tokens = self.rewrite_phrases(tokens)
        self.substitute_words(tokens)
        self.swap_numbers(tokens)
        tokens = self.insert_fillers(tokens)
        _fix_indefinite_articles(tokens)
        tokens = self.glue_words(tokens)
        text = "".join(token.text for token in tokens)
        if self.rng.random() < self.settings.tag_scar_rate:
            text += self.rng.choice(_TAG_SCARS)
        return text

    def drop_sentences(self, paragraph: str) -> str:
        if self.settings.drop_sentence_rate <= 0:
            return paragraph
        starts = [0, *(match.end() for match in _SENTENCE_BREAK.finditer(paragraph))]
        if len(starts) < 2:
            return paragraph  # a lone sentence is never dropped: paragraphs must survive
        ends = [*(match.start() for match in _SENTENCE_BREAK.finditer(paragraph)), len(paragraph)]
        sentences = [paragraph[start:end] for start, end in zip(starts, ends, strict=True)]
        kept = [s for s in sentences if self.rng.random() >= self.settings.drop_sentence_rate]
        if not kept:
            kept = [sentences[0]]
        return " ".join(kept)

    # -- phrases ----------------------------------------------------------------------------

    def rewrite_phrases(self, tokens: list[_Token]) -> list[_Token]:
        if not self.phrase_alternatives or self.settings.phrase_rate <= 0:
            return tokens
        rewritten: list[_Token] = []
        position = 0
        while position < len(tokens):
            match = self._phrase_at(tokens, position)
            if match is not None and self.rng.random() < self._phrase_chance(match[0]):
                _, end, alternatives = match
                replacement = self.rng.choice(alternatives)
                first_word = tokens[position].text
                for index, word in enumerate(replacement):
                    if index:
                        rewritten.append(_Token(" ", "space"))
                    text = _match_case(word, first_word) if index == 0 else word
                    rewritten.append(_Token(text, "word", changed=True))
                position = end
                continue
            rewritten.append(tokens[position])
            position += 1
        return rewritten

    def _phrase_chance(self, phrase: tuple[str, ...]) -> float:
        # A lone function word ("to" -> "in order to", "and" -> "as well as") is everywhere;
        # rewriting it at the full rate would bury the text in padding.
        if len(phrase) == 1 and self.lexicon.is_stopword(phrase[0]):
            return self.settings.phrase_rate * _FUNCTION_WORD_PHRASE_SHARE
        return self.settings.phrase_rate

    def _phrase_at(
        self, tokens: Sequence[_Token], position: int
    ) -> tuple[tuple[str, ...], int, tuple[tuple[str, ...], ...]] | None:
        """The longest phrase starting at ``position``: (phrase, end index, alternatives)."""
        if tokens[position].kind != "word":
            return None
        words: list[str] = []
        ends: list[int] = []
        index = position
        while len(words) < self.longest_phrase and index < len(tokens):
            if tokens[index].kind != "word":
                break
            words.append(tokens[index].text.lower())
            ends.append(index + 1)
            # Phrases only span words separated by a single plain space.
            if index + 2 < len(tokens) and tokens[index + 1].text == " ":
                index += 2
            else:
                break
        for length in range(len(words), 0, -1):
            phrase = tuple(words[:length])
            alternatives = self.phrase_alternatives.get(phrase)
            if alternatives:
                return phrase, ends[length - 1], alternatives
        return None

    # -- words ------------------------------------------------------------------------------

    def substitute_words(self, tokens: list[_Token]) -> None:
        carry = 0
        sentence_start = True
        for token in tokens:
            if token.kind == "space":
                continue
            if token.kind == "other" and token.text in _QUOTES:
                continue  # an opening quote does not end the sentence start
            at_sentence_start = sentence_start
            sentence_start = token.kind == "other" and token.text in _SENTENCE_END
            if (
                token.kind != "word"
                or token.changed
                or not self._is_content(token.text, at_sentence_start=at_sentence_start)
            ):
                continue
            if self.rng.random() < self.settings.substitution_rate:
                carry = min(carry + 1, _MAX_SUBSTITUTION_CARRY)
            if carry == 0:
                continue
            replacement = self._synonym_for(token.text)
            if replacement is not None:
                token.text = replacement
                token.changed = True
                carry -= 1

    def _is_content(self, word: str, *, at_sentence_start: bool) -> bool:
        if len(word) < 3 or not word.isalpha():
            return False  # contractions, hyphenated compounds, short words stay
        if word[0].isupper() and not at_sentence_start:
            return False  # a capital mid-sentence is a name: spinners leave names alone
        if len(word) > 1 and word.isupper():
            return False  # acronyms
        lower = word.lower()
        return not (self.lexicon.is_stopword(lower) or self.lexicon.is_filler(lower))

    def _synonym_for(self, word: str) -> str | None:
        lower = word.lower()
        choices = self._synonym_choices(lower)
        if not choices:
            return None
        # Sense-blind, like a real spinner: any sense's synonym will do. Spinner dictionaries
        # hold mostly one-word entries, so multi-word WordNet collocations are rarer picks.
        single_words = [choice for choice in choices if " " not in choice]
        if single_words and self.rng.random() < _SINGLE_WORD_PREFERENCE:
            choices = tuple(single_words)
        return _match_case(self.rng.choice(choices), word)

    def _synonym_choices(self, lower: str) -> tuple[str, ...]:
        cached = self.synonym_cache.get(lower)
        if cached is not None:
            return cached
        choices: tuple[str, ...] = ()
        lemma = self.lexicon.lemma(lower)
        suffix = _inflection_of(lower, lemma)
        if suffix is not None:
            choices = tuple(
                _inflect_phrase(synonym, suffix)
                for synonym in self._plain_synonyms(lemma)
                if synonym not in (lower, lemma)
                # An inflected word is a noun or verb: keep clear adjectives out of
                # "-s/-ed/-ing" ("suspects" must not become "suspiciouses").
                and not (suffix and synonym.endswith(_ADJECTIVE_ENDINGS))
            )
        if not choices and lower.endswith("ly") and len(lower) > 5:
            # An adverb without synonyms of its own: swap its adjective and re-add -ly.
            stem = lower[:-3] + "y" if lower.endswith("ily") else lower[:-2]
            choices = tuple(
                _inflect(synonym, "ly")
                for synonym in self._plain_synonyms(self.lexicon.lemma(stem))
                if " " not in synonym and synonym != stem
            )
        choices = tuple(choice for choice in choices if choice != lower)
        self.synonym_cache[lower] = choices
        return choices

    def _plain_synonyms(self, lemma: str) -> list[str]:
        # Lower-case synonyms only: spinners do not introduce names.
        return [
            synonym
            for synonym in self.lexicon.synonyms(lemma, max_senses=3)
            if _PLAIN_SYNONYM.fullmatch(synonym)
        ]

    # -- numbers, fillers, glue -------------------------------------------------------------

    def swap_numbers(self, tokens: list[_Token]) -> None:
        rate = self.settings.digit_rate
        for index, token in enumerate(tokens):
            if token.changed:
                continue
            if token.kind == "word":
                digits = self.lexicon.number_form(token.text.lower())
                if digits is not None and self.rng.random() < rate:
                    token.text, token.changed = digits, True
            elif token.kind == "number" and _stands_alone(tokens, index):
                word = self.number_words.get(token.text)
                if word is not None and self.rng.random() < rate / 2:
                    token.text, token.changed = word, True

    def insert_fillers(self, tokens: list[_Token]) -> list[_Token]:
        if self.settings.filler_rate <= 0:
            return tokens
        result: list[_Token] = []
        for index, token in enumerate(tokens):
            result.append(token)
            if token.kind != "word":
                continue
            fillers = _FILLERS_AFTER.get(token.text.lower())
            followed_by_space = index + 1 < len(tokens) and tokens[index + 1].kind == "space"
            if not fillers or not followed_by_space:
                continue
            next_word = tokens[index + 2].text.lower() if index + 2 < len(tokens) else ""
            if self.lexicon.is_filler(next_word) or next_word in fillers:
                continue
            if self.rng.random() < self.settings.filler_rate:
                result.append(_Token(" ", "space"))
                result.append(_Token(self.rng.choice(fillers), "word", changed=True))
        return result

    def glue_words(self, tokens: list[_Token]) -> list[_Token]:
        """Drop the space between two words: at the paragraph start, and rarely mid-text."""
        rate = self.settings.glue_rate
        glued: list[_Token] = []
        first_space_seen = False
        for index, token in enumerate(tokens):
            if token.kind == "space" and 0 < index < len(tokens) - 1:
                between_words = tokens[index - 1].kind in ("word", "number") and tokens[
                    index + 1
                ].kind in ("word", "number")
                chance = rate if not first_space_seen else rate * _MID_TEXT_GLUE_SHARE
                first_space_seen = True
                if between_words and self.rng.random() < chance:
                    continue
            glued.append(token)
        return glued


def _phrase_alternatives(
    lexicon_rewrites: Mapping[tuple[str, ...], tuple[str, ...]],
) -> dict[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """Every phrase -> the other members of its group, so rewrites run in both directions."""
    groups: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for variant, canonical in lexicon_rewrites.items():
        members = groups.setdefault(canonical, [canonical])
        if variant not in members:
            members.append(variant)
    for row in _SPINNER_PHRASE_GROUPS:
        phrases = [tuple(phrase.split()) for phrase in row]
        members = groups.setdefault(phrases[0], [phrases[0]])
        members.extend(phrase for phrase in phrases[1:] if phrase not in members)
    alternatives: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for members in groups.values():
        for phrase in members:
            others = alternatives.setdefault(phrase, [])
            others.extend(other for other in members if other != phrase and other not in others)
    return {phrase: tuple(others) for phrase, others in alternatives.items() if others}


def _number_words_by_digits(lexicon: Lexicon) -> dict[str, str]:
    by_digits: dict[str, str] = {}
    for word in _NUMBER_WORDS:
        digits = lexicon.number_form(word)
        if digits is not None:
            by_digits.setdefault(digits, word)
    return by_digits


def _stands_alone(tokens: Sequence[_Token], index: int) -> bool:
    """Whether a token has a space (or the paragraph edge) on both sides: "2" but not "2%"."""
    before_ok = index == 0 or tokens[index - 1].kind == "space"
    after_ok = index == len(tokens) - 1 or tokens[index + 1].kind == "space"
    return before_ok and after_ok


def _fix_indefinite_articles(tokens: Sequence[_Token]) -> None:
    """Make "a"/"an" agree with a following word the spinner changed ("an extremely tiny")."""
    words = [token for token in tokens if token.kind in ("word", "number")]
    for article, following in itertools.pairwise(words):
        if article.text.lower() not in ("a", "an") or not following.changed:
            continue
        wanted = "an" if following.text[:1] in _VOWELS else "a"
        if article.text.lower() != wanted:
            article.text = _match_case(wanted, article.text)
            article.changed = True


def spin_text(
    text: str, *, settings: SpinSettings, seed: int, lexicon: Lexicon | None = None
) -> str:
    """Spin ``text`` like an article spinner would; the same seed gives the same output.

    Lines are spun one by one and line breaks (blank lines included) are kept, so paragraph
    ``i`` of the output is the spun paragraph ``i`` of the input.
    """
    spinner = _Spinner(lexicon or Lexicon.default(), settings, random.Random(seed))
    lines = text.split("\n")
    spun_lines: list[str] = []
    for line in lines:
        core = line.strip()
        if not core:
            spun_lines.append(line)
            continue
        lead = line[: len(line) - len(line.lstrip())]
        trail = line[len(line.rstrip()) :]
        spun_lines.append(lead + spinner.spin_paragraph(core) + trail)
    return "\n".join(spun_lines)
