"""Tests of the spin simulator (a benchmarking tool that imitates article spinners)."""

from __future__ import annotations

import difflib
import re

import pytest

from unspin.eval import SpinLevel, SpinSettings, settings_for, spin_text
from unspin.eval._simulator import _inflect
from unspin.text._lexicon import Lexicon

# Written for these tests: plain news-style prose with ordinary vocabulary.
ARTICLE = "\n\n".join(
    (
        "Harbour town plans new bridge",
        "The council of a small harbour town has approved a plan to build a second bridge "
        "across the river. The old bridge was opened more than a century ago and is now too "
        "narrow for the heavy traffic that crosses it every morning.",
        "Local shop owners welcomed the decision and said the new crossing would bring more "
        "visitors to the market. Some residents, however, are worried about the noise and the"
        " cost of the project, which could reach two million pounds because of rising prices.",
        "Engineers expect the work to start next spring and to last about eighteen months. "
        "During that time the ferry service will run more often, and the council will publish"
        " regular reports on the progress of the building work.",
        "The mayor told reporters that the town had waited a very long time for this moment. "
        "She thanked the volunteers who collected signatures and argued that a modern bridge "
        "would make the town safer for children walking to school.",
    )
)

_WORD = re.compile(r"[^\W\d_]+")
NO_SPIN = SpinSettings(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0)


@pytest.fixture(scope="module")
def lexicon() -> Lexicon:
    return Lexicon.default()


def _changed_content_share(original: str, spun: str, lexicon: Lexicon) -> float:
    """Share of the original's content words that no longer line up with the spun text."""
    before = [w.lower() for w in _WORD.findall(original)]
    after = [w.lower() for w in _WORD.findall(spun)]
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    kept = {
        i for block in matcher.get_matching_blocks() for i in range(block.a, block.a + block.size)
    }
    content = [i for i, w in enumerate(before) if len(w) >= 3 and not lexicon.is_stopword(w)]
    return sum(i not in kept for i in content) / len(content)


def _word_ngrams(text: str, n: int = 5) -> set[tuple[str, ...]]:
    words = [w.lower() for w in re.findall(r"\w+", text)]
    return {tuple(words[i : i + n]) for i in range(len(words) - n + 1)}


def _jaccard(first: str, second: str) -> float:
    a, b = _word_ngrams(first), _word_ngrams(second)
    return len(a & b) / len(a | b)


def test_same_seed_gives_same_text(lexicon: Lexicon) -> None:
    settings = settings_for(SpinLevel.MEDIUM)
    first = spin_text(ARTICLE, settings=settings, seed=7, lexicon=lexicon)
    assert first == spin_text(ARTICLE, settings=settings, seed=7, lexicon=lexicon)
    assert first != spin_text(ARTICLE, settings=settings, seed=8, lexicon=lexicon)


def test_default_lexicon_is_used_when_none_given(lexicon: Lexicon) -> None:
    settings = settings_for("light")
    assert spin_text(ARTICLE, settings=settings, seed=1) == spin_text(
        ARTICLE, settings=settings, seed=1, lexicon=lexicon
    )


@pytest.mark.parametrize("level", list(SpinLevel))
def test_paragraph_structure_is_kept(level: SpinLevel, lexicon: Lexicon) -> None:
    text = ARTICLE + "\n"
    spun = spin_text(text, settings=settings_for(level), seed=3, lexicon=lexicon)
    original_lines = text.split("\n")
    spun_lines = spun.split("\n")
    assert len(spun_lines) == len(original_lines)
    assert [bool(line.strip()) for line in spun_lines] == [
        bool(line.strip()) for line in original_lines
    ]


def test_medium_spin_changes_the_text(lexicon: Lexicon) -> None:
    spun = spin_text(ARTICLE, settings=settings_for(SpinLevel.MEDIUM), seed=0, lexicon=lexicon)
    assert spun != ARTICLE
    assert _changed_content_share(ARTICLE, spun, lexicon) > 0.2


def test_rates_are_roughly_honoured(lexicon: Lexicon) -> None:
    def mean_share(level: SpinLevel) -> float:
        shares = [
            _changed_content_share(
                ARTICLE,
                spin_text(ARTICLE, settings=settings_for(level), seed=s, lexicon=lexicon),
                lexicon,
            )
            for s in range(8)
        ]
        return sum(shares) / len(shares)

    light, medium, heavy = (mean_share(level) for level in SpinLevel)
    assert light < medium < heavy
    assert 0.05 < light < 0.3
    assert 0.2 < medium < 0.5
    assert 0.4 < heavy < 0.8


def test_heavy_spin_breaks_most_word_5grams(lexicon: Lexicon) -> None:
    for seed in range(5):
        spun = spin_text(
            ARTICLE, settings=settings_for(SpinLevel.HEAVY), seed=seed, lexicon=lexicon
        )
        assert _jaccard(ARTICLE, spun) < 0.3


def test_zero_rates_leave_text_unchanged(lexicon: Lexicon) -> None:
    assert spin_text(ARTICLE, settings=NO_SPIN, seed=5, lexicon=lexicon) == ARTICLE


def test_glue_and_tag_scars_at_paragraph_edges(lexicon: Lexicon) -> None:
    settings = NO_SPIN._replace(glue_rate=1.0, tag_scar_rate=1.0)
    spun = spin_text(
        "When the rain stopped we left.\n\nBut the road was closed.",
        settings=settings,
        seed=0,
        lexicon=lexicon,
    )
    first, blank, second = spun.split("\n")
    assert first.startswith("Whenthe rain") and first.endswith("TAGEND")
    assert blank == ""
    assert second.startswith("Butthe road") and second.endswith("TAGEND")


def test_fillers_and_digits(lexicon: Lexicon) -> None:
    settings = NO_SPIN._replace(filler_rate=1.0, digit_rate=1.0)
    spun = spin_text(
        "She won the second race and has two medals.", settings=settings, seed=0, lexicon=lexicon
    )
    assert "2nd race" in spun
    assert "and also" in spun
    assert "has actually 2 medals" in spun


def test_phrases_are_rewritten_both_ways(lexicon: Lexicon) -> None:
    settings = NO_SPIN._replace(phrase_rate=1.0)
    # canonical -> variant
    spun = spin_text("It closed because of the storm.", settings=settings, seed=0, lexicon=lexicon)
    assert "because of" not in spun
    # variant -> canonical or another variant
    spun = spin_text(
        "It closed as a result of the storm.", settings=settings, seed=0, lexicon=lexicon
    )
    assert "as a result of" not in spun
    # "a very" -> "an extremely" style rewrites keep the article agreeing
    spun = spin_text("They found a very small crack.", settings=settings, seed=2, lexicon=lexicon)
    assert "a very" not in spun
    assert not re.search(r"\ba [aeiou]", spun)


def test_substitution_keeps_capitals_and_skips_names(lexicon: Lexicon) -> None:
    settings = NO_SPIN._replace(substitution_rate=1.0)
    spun = spin_text(
        "Engineers expect Harold to start the work soon.",
        settings=settings,
        seed=4,
        lexicon=lexicon,
    )
    assert spun[0].isupper()
    assert not spun.startswith("Engineers ")
    assert "Harold" in spun


def test_sentence_drop_never_empties_a_paragraph(lexicon: Lexicon) -> None:
    settings = NO_SPIN._replace(drop_sentence_rate=1.0)
    spun = spin_text(ARTICLE, settings=settings, seed=0, lexicon=lexicon)
    assert [bool(p.strip()) for p in spun.split("\n")] == [
        bool(p.strip()) for p in ARTICLE.split("\n")
    ]
    assert len(spun) < len(ARTICLE)


@pytest.mark.parametrize(
    ("word", "suffix", "expected"),
    [
        ("bridge", "s", "bridges"),
        ("city", "s", "cities"),
        ("box", "s", "boxes"),
        ("stop", "ed", "stopped"),
        ("carry", "ed", "carried"),
        ("make", "ed", "made"),
        ("make", "ing", "making"),
        ("run", "ing", "running"),
        ("quick", "ly", "quickly"),
        ("happy", "ly", "happily"),
    ],
)
def test_inflection(word: str, suffix: str, expected: str) -> None:
    assert _inflect(word, suffix) == expected


def test_presets_grow_with_level() -> None:
    light, medium, heavy = (settings_for(level) for level in SpinLevel)
    for field in SpinSettings._fields:
        assert getattr(light, field) <= getattr(medium, field) <= getattr(heavy, field)
    assert heavy.substitution_rate == pytest.approx(0.6)
    assert settings_for("heavy") == heavy
