"""Tests of unspin.text._lexicon against the packaged WordNet 3.0 table."""

from __future__ import annotations

import gzip
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from hypothesis import given
from hypothesis import strategies as st

from unspin._exceptions import LexiconError
from unspin.text import Lexicon
from unspin.text._lexicon import _load_table, _parse_table, first_senses

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.default()


def shared_concepts(lexicon: Lexicon, first: str, second: str) -> set[int]:
    return set(lexicon.concepts(first)) & set(lexicon.concepts(second))


# ----------------------------------------------------------------------- lemma


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("meets", "meet"),
        ("sanctions", "sanction"),
        ("workers", "worker"),
        ("Meetings", "meeting"),
        ("stopped", "stop"),
        ("increased", "increase"),
        ("goes", "go"),
        ("boxes", "box"),
        ("cities", "city"),
        # Irregular forms come from WordNet's exception lists.
        ("men", "man"),
        ("children", "child"),
        ("went", "go"),
        ("said", "say"),
        ("leaves", "leaf"),
        # Auxiliaries are settled before morphy, which would give "was" -> "wa".
        ("was", "be"),
        ("Were", "be"),
        ("has", "have"),
        ("does", "do"),
        # A word WordNet lists as a noun stays as it is.
        ("meeting", "meeting"),
        ("wound", "wound"),
        # Stopwords are not stemmed ("his" is not the plural of "hi").
        ("his", "his"),
        ("us", "us"),
        # Unknown words come back lowercased.
        ("Zqxvbl", "zqxvbl"),
        ("", ""),
    ],
)
def test_lemma(lexicon: Lexicon, word: str, expected: str) -> None:
    assert lexicon.lemma(word) == expected


def test_lemma_of_multiword_lemma(lexicon: Lexicon) -> None:
    assert lexicon.lemma("Prime  Ministers") == "prime minister"


# -------------------------------------------------------------------- concepts


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("summit", "top"),
        ("summits", "top"),
        ("solid", "strong"),
        ("meeting", "gathering"),
        ("talks", "negotiations"),
        ("big", "large"),
        ("buy", "purchase"),
        ("two", "2"),
        ("second", "2nd"),
        # "meets" and "meeting" meet in the verb "meet".
        ("meets", "meeting"),
        # One step apart in WordNet: an adjective cluster's satellite and its head
        # ("similar to"), a noun or verb and its direct hypernym.
        ("initial", "first"),
        ("evangelist", "preacher"),
        ("arrival", "landing"),
        ("dad", "father"),
        ("adversary", "enemy"),
        ("equivalent", "equal"),
        ("diverse", "different"),
        ("huge", "large"),
    ],
)
def test_synonyms_share_a_concept(lexicon: Lexicon, first: str, second: str) -> None:
    assert shared_concepts(lexicon, first, second)


def test_first_senses_keeps_every_link() -> None:
    assert first_senses((7, 3, -5, -9), 1) == (7, -5, -9)
    assert first_senses((7, 3, -5), 8) == (7, 3, -5)
    assert first_senses((), 2) == ()


def test_links_follow_the_senses(lexicon: Lexicon) -> None:
    """The first concept (the fingerprint's synonym class) stays the first sense."""
    for word in ("initial", "huge", "equivalent"):
        senses = [
            synset_id
            for pos in "nvar"
            for synset_id in lexicon._senses_in_pos(word, pos)[: lexicon.max_senses]
        ]
        concepts = lexicon.concepts(word)
        assert list(concepts[: len(senses)]) == senses
        assert len(concepts) > len(senses)


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("summit", "banana"),
        # WordNet keeps these apart: "assent" is not in "sanction"'s synsets.
        # An adjective cluster holds a head and its satellites, never the antonym
        # cluster next to it.
        ("good", "bad"),
        ("big", "small"),
        # Two children of one parent are not linked, and a taxonomy ("chromatic":
        # every colour) links nothing.
        ("golden", "amber"),
        ("red", "chromatic"),
        ("puppy", "kitten"),
        # A hypernym of many kinds ("dog", "meeting") vouches for none of them.
        ("puppy", "dog"),
        ("conference", "meeting"),
        ("sanctions", "assents"),
    ],
)
def test_unrelated_words_share_no_concept(lexicon: Lexicon, first: str, second: str) -> None:
    assert not shared_concepts(lexicon, first, second)


def test_concepts_of_stopwords_and_unknown_words_are_empty(lexicon: Lexicon) -> None:
    assert lexicon.concepts("the") == ()
    assert lexicon.concepts("against") == ()
    assert lexicon.concepts("zqxvbl") == ()
    assert lexicon.concepts("") == ()


def test_concepts_are_capped_per_part_of_speech() -> None:
    narrow = Lexicon(max_senses=1)
    wide = Lexicon(max_senses=100)
    # "top" is a noun, a verb and an adjective in WordNet: one sense of each (and
    # the "similar to" links of its adjective senses, negative ids).
    assert len([concept for concept in narrow.concepts("top") if concept >= 0]) == 3
    assert len(wide.concepts("top")) > 20
    assert set(narrow.concepts("top")) < set(wide.concepts("top"))


def test_concepts_have_no_duplicates_and_ignore_case(lexicon: Lexicon) -> None:
    concepts = lexicon.concepts("wound")  # reaches both "wound" and "wind"
    assert len(concepts) == len(set(concepts))
    assert lexicon.concepts("WOUND") == concepts
    assert shared_concepts(lexicon, "wound", "wind")


def test_max_senses_must_be_positive() -> None:
    with pytest.raises(ValueError, match="max_senses"):
        Lexicon(max_senses=0)


def test_default_is_shared() -> None:
    assert Lexicon.default() is Lexicon.default()


# -------------------------------------------------------------------- synonyms


def test_synonyms_of_big_contain_large(lexicon: Lexicon) -> None:
    synonyms = lexicon.synonyms("big")
    assert "large" in synonyms
    assert "big" not in synonyms


def test_synonyms_exclude_the_word_and_its_lemma(lexicon: Lexicon) -> None:
    synonyms = lexicon.synonyms("summits")
    assert "top" in synonyms
    assert "summit meeting" in synonyms  # multiword lemmas are included
    assert "summit" not in synonyms
    assert "summits" not in synonyms


def test_synonyms_are_deterministic_and_respect_max_senses(lexicon: Lexicon) -> None:
    assert lexicon.synonyms("meeting") == Lexicon(max_senses=2).synonyms("meeting")
    fewer = lexicon.synonyms("top", max_senses=1)
    more = lexicon.synonyms("top", max_senses=5)
    assert set(fewer) < set(more)


def test_synonyms_of_stopwords_and_unknown_words_are_empty(lexicon: Lexicon) -> None:
    assert lexicon.synonyms("of") == ()
    assert lexicon.synonyms("zqxvbl") == ()


# ------------------------------------------------------------------ word lists


@pytest.mark.parametrize("word", ["the", "An", "of", "was", "also", "very", "just", "not", "which"])
def test_stopwords(lexicon: Lexicon, word: str) -> None:
    assert lexicon.is_stopword(word)


@pytest.mark.parametrize("word", ["summit", "meeting", "sanctions", "north", ""])
def test_content_words_are_not_stopwords(lexicon: Lexicon, word: str) -> None:
    assert not lexicon.is_stopword(word)


@pytest.mark.parametrize(
    "word",
    ["actually", "Certainly", "also", "really", "simply", "just", "basically", "truly", "indeed"],
)
def test_fillers(lexicon: Lexicon, word: str) -> None:
    assert lexicon.is_filler(word)


@pytest.mark.parametrize("word", ["summit", "not", "the", "first"])
def test_non_fillers(lexicon: Lexicon, word: str) -> None:
    assert not lexicon.is_filler(word)


@pytest.mark.parametrize(
    "word",
    [
        "When",
        "North",
        "more",
        "than",
        "the",
        "meetings",
        "went",
        "twenty",
        "2nd",
        "42",
        "a",
        "I",
        "7",
    ],
)
def test_known_words(lexicon: Lexicon, word: str) -> None:
    assert lexicon.is_word(word)


@pytest.mark.parametrize(
    "word", ["WhenNorth", "whennorth", "Morethan", "theNorth", "ofthe", "zqxvbl", "b", ""]
)
def test_glued_or_unknown_words_are_not_words(lexicon: Lexicon, word: str) -> None:
    assert not lexicon.is_word(word)


# ----------------------------------------------------------------- number_form


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("two", "2"),
        ("2", "2"),
        ("Twenty", "20"),
        ("twenty-one", "21"),
        ("1,000", "1000"),
        ("007", "7"),
        ("second", "2nd"),
        ("2nd", "2nd"),
        ("first", "1st"),
        ("1st", "1st"),
        ("third", "3rd"),
        ("3rd", "3rd"),
        ("3RD", "3rd"),
        ("eleventh", "11th"),
        ("112th", "112th"),
        ("twenty-second", "22nd"),
        ("hundredth", "100th"),
    ],
)
def test_number_form(lexicon: Lexicon, word: str, expected: str) -> None:
    assert lexicon.number_form(word) == expected


@pytest.mark.parametrize("word", ["summit", "twenty-twenty", "2x", "one-two", "", "-"])
def test_number_form_of_non_numbers(lexicon: Lexicon, word: str) -> None:
    assert lexicon.number_form(word) is None


# ------------------------------------------------------------- phrase rewrites


def test_phrase_rewrites(lexicon: Lexicon) -> None:
    rewrites = lexicon.phrase_rewrites()
    assert rewrites[("as", "an", "outcome", "of")] == ("because", "of")
    assert rewrites[("as", "a", "result", "of")] == ("because", "of")
    assert rewrites[("in", "between")] == ("between",)
    assert rewrites[("and", "also")] == ("and",)
    assert rewrites[("a", "lot", "of")] == ("many",)
    assert rewrites[("an", "extremely")] == ("a", "very")
    assert rewrites[("in", "order", "to")] == ("to",)
    assert rewrites[("at", "the", "same", "time")] == ("simultaneously",)
    assert rewrites[("versus",)] == ("against",)
    assert 60 <= len(rewrites) <= 150


def test_phrase_rewrites_are_well_formed(lexicon: Lexicon) -> None:
    rewrites = lexicon.phrase_rewrites()
    for variant, canonical in rewrites.items():
        for phrase in (variant, canonical):
            assert phrase
            assert all(token and token == token.lower().strip() for token in phrase)
        # One pass of rewriting is enough: no canonical phrase is itself rewritten.
        assert canonical not in rewrites
    with pytest.raises(TypeError):
        rewrites[("x",)] = ("y",)  # type: ignore[index]


# ---------------------------------------------------------------------- errors


def test_missing_data_file_raises_lexicon_error() -> None:
    with pytest.raises(LexiconError, match="no-such-lexicon"):
        _load_table("no-such-lexicon.tsv.gz")


@pytest.mark.parametrize(
    "payload",
    [
        b"not gzip at all",
        gzip.compress(b"some other file\n"),
        gzip.compress(b"unspin-lexicon\t2\tx\n@lemmas\t5\nsummit\tn\t1\n"),
        gzip.compress(b"unspin-lexicon\t2\tx\n@lemmas\t0\n@exceptions\t0\n"),
        gzip.compress(b"unspin-lexicon\t2\tx\n@lemmas\t0\n@exceptions\t1\nq\tx\ty\n@end\n"),
        # The format before adjective clusters: refused, not read without them.
        gzip.compress(b"unspin-lexicon\t1\tx\n@lemmas\t0\n@exceptions\t0\n@end\n"),
        gzip.compress(b"unspin-lexicon\t2\tx\n@lemmas\t0\n@exceptions\t0\n@end\n"),
        gzip.compress(b"\xff\xfe"),
    ],
)
def test_damaged_data_raises_lexicon_error(payload: bytes) -> None:
    with pytest.raises(LexiconError, match="damaged"):
        _parse_table(payload, source="test data")


def test_damaged_link_row_raises_lexicon_error_when_read() -> None:
    table = _parse_table(
        gzip.compress(b"unspin-lexicon\t2\tx\n@lemmas\t0\n@exceptions\t0\n@links\t1\n7\tx\n@end\n"),
        source="test data",
    )
    with pytest.raises(LexiconError, match="link row"):
        table.parents(7)


def test_damaged_row_raises_lexicon_error_when_read() -> None:
    table = _parse_table(
        gzip.compress(
            b"unspin-lexicon\t2\tx\n@lemmas\t1\nsummit\tnv\t1\n@exceptions\t0\n@links\t0\n@end\n"
        ),
        source="test data",
    )
    with pytest.raises(LexiconError, match="summit"):
        table.senses("summit")


# --------------------------------------------------------------- build script


def _load_build_script() -> ModuleType:
    path = REPO_ROOT / "scripts" / "build_lexicon.py"
    spec = importlib.util.spec_from_file_location("build_lexicon", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("build_lexicon", module)
    spec.loader.exec_module(module)
    return module


def test_build_script_output_round_trips(tmp_path: Path) -> None:
    """A tiny fake WordNet goes through the build script and back through the loader."""
    wordnet = tmp_path / "wordnet"
    wordnet.mkdir()
    index_lines = {
        "noun": [
            "  1 licence text is skipped",
            "summit n 2 1 @ 2 0 00000200 00000100",
            "top n 1 1 @ 1 0 00000200",
            "summit_meeting n 1 0 1 0 00000100",
            "one_two_three_four n 1 0 1 0 00000300",
        ],
        "verb": ["top v 1 0 1 0 00000050"],
        "adj": ["first a 1 0 1 0 00000010", "initial a 1 0 1 0 00000020"],
        "adv": [],
    }
    for name, lines in index_lines.items():
        (wordnet / f"index.{name}").write_text("".join(f"{line}\n" for line in lines))
        (wordnet / f"{name}.exc").write_text("summitten summit\n" if name == "noun" else "")
    # A noun under its hypernym ("@"); a head synset (type a) and its satellite
    # (type s), pointing to it with "&".
    (wordnet / "data.noun").write_text(
        "  1 licence text is skipped\n"
        "00000100 00 n 01 summit_meeting 0 000 | a meeting\n"
        "00000200 00 n 02 summit 0 top 0 001 @ 00000100 n 0000 | a kind of it\n"
        "00000300 00 n 01 one_two_three_four 0 001 @i 00000100 n 0000 | an instance\n"
    )
    (wordnet / "data.verb").write_text("00000050 00 v 01 top 0 000 | to top\n")
    (wordnet / "data.adj").write_text(
        "  1 licence text is skipped\n"
        "00000010 00 a 01 first 0 001 & 00000020 a 0000 | the head\n"
        "00000020 00 s 01 initial 0 001 & 00000010 a 0000 | a satellite\n"
    )
    licence = tmp_path / "copyright"
    licence.write_text("WordNet licence\n")
    output = tmp_path / "out"

    build_lexicon = _load_build_script()
    status = build_lexicon.main(
        ["--wordnet-dir", str(wordnet), "--license-file", str(licence), "--output-dir", str(output)]
    )

    assert status == 0
    assert (output / "WORDNET-LICENSE.txt").read_text() == "WordNet licence\n"
    data = (output / "lexicon.tsv.gz").read_bytes()
    assert data[4:8] == b"\0\0\0\0"  # gzip mtime field: zero for reproducible builds
    table = _parse_table(data, source="test build")
    # Synsets are numbered by (POS, offset): noun 100, 200, 300, verb 50, adj 10, 20.
    assert table.senses("summit") == {"n": (1, 0)}
    assert table.senses("top") == {"n": (1,), "v": (3,)}
    assert table.senses("initial") == {"a": (5,)}
    assert table.parents(5) == (4,)  # the satellite's head
    assert table.parents(4) == ()  # a head has none
    assert table.parents(1) == (0,)  # the noun's hypernym
    assert table.parents(2) == ()  # an instance of it is no kind of it
    assert table.children(0) == (1,)
    # A link id, -(child + 1), joins the satellite and its head.
    assert Lexicon._over(table).concepts("initial") == (5, -6)
    assert Lexicon._over(table).concepts("first") == (4, -6)
    assert table.senses("summit meeting") == {"n": (0,)}
    assert "one two three four" not in table  # longer than three words
    assert table.exception_bases("summitten", "n") == ("summit",)


# ------------------------------------------------------------------ properties


@given(st.text())
def test_lemma_and_concepts_never_raise(text: str) -> None:
    lexicon = Lexicon.default()
    lemma = lexicon.lemma(text)
    assert lemma == lemma.lower()
    assert isinstance(lexicon.concepts(text), tuple)
    assert isinstance(lexicon.is_word(text), bool)
    lexicon.number_form(text)


@given(st.from_regex(r"[A-Za-z]{1,12}", fullmatch=True))
def test_lemma_of_a_lemma_is_known_or_the_word(word: str) -> None:
    lexicon = Lexicon.default()
    lemma = lexicon.lemma(word)
    assert lexicon.is_word(lemma) or lemma == word.lower()
