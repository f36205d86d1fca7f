"""Tests of the surface-form table: it must answer exactly as :class:`Lexicon` does."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from unspin.text import Lexicon, _forms
from unspin.text._forms import (
    IS_FILLER,
    IS_LEMMA,
    IS_STOPWORD,
    IS_WORD,
    FormTable,
    build_form_table,
    candidate_forms,
    form_table,
    parse_form_table,
)
from unspin.text._lexicon import _AUXILIARY_LEMMAS, _FILLERS, _STOPWORDS, _parse_table

SHARED = Path(__file__).resolve().parent.parent.parent / "shared" / "data"


@pytest.fixture(scope="module")
def table() -> FormTable:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a stale or unreadable table warns
        loaded = form_table()
    assert loaded is not None, "run `python scripts/build_lexicon.py --forms-only`"
    return loaded


def _answers(table: FormTable, form: str) -> tuple[int, str, tuple[int, ...]]:
    value = table.index.get(form)
    if value is None:
        return 0, form, ()
    return value & 15, table.lemma(value), table.concepts(value)


def _lexicon_answers(lexicon: Lexicon, form: str) -> tuple[int, str, tuple[int, ...]]:
    flags = (
        (IS_LEMMA if lexicon.is_lemma(form) else 0)
        | (IS_STOPWORD if lexicon.is_stopword(form) else 0)
        | (IS_FILLER if lexicon.is_filler(form) else 0)
        | (IS_WORD if lexicon.is_word(form) else 0)
    )
    return flags, lexicon.lemma(form), lexicon.concepts(form)


def test_the_packaged_table_matches_the_packaged_lexicon_and_code(table: FormTable) -> None:
    assert len(table) > 200_000
    assert table.max_senses == Lexicon.default().max_senses


@pytest.mark.parametrize(
    ("form", "lemma"),
    [("geese", "goose"), ("meetings", "meeting"), ("was", "be"), ("bigger", "big"), ("the", "the")],
)
def test_known_forms(table: FormTable, form: str, lemma: str) -> None:
    value = table.index[form]
    assert table.lemma(value) == lemma


def test_every_stopword_filler_and_auxiliary_is_in_the_table(table: FormTable) -> None:
    lexicon = Lexicon.default()
    for form in sorted(_STOPWORDS | _FILLERS | set(_AUXILIARY_LEMMAS)):
        if form.isalnum():
            assert _answers(table, form) == _lexicon_answers(lexicon, form), form


def test_a_spread_of_the_table_answers_as_the_lexicon(table: FormTable) -> None:
    lexicon = Lexicon.default()
    forms = sorted(table.index)
    for form in forms[::41]:
        assert _answers(table, form) == _lexicon_answers(lexicon, form), form


def _default_answers(lexicon: Lexicon, form: str) -> tuple[int, str, tuple[int, ...]]:
    """What the analysis assumes of a form the table does not hold."""
    # Lexicon.is_word: single characters by a fixed list, else only numbers.
    is_word = form in "ai0123456789" if len(form) == 1 else lexicon.number_form(form) is not None
    return (IS_WORD if is_word else 0), form, ()


@settings(max_examples=500, deadline=None)
@given(
    st.one_of(
        st.from_regex(r"[a-z]{1,14}", fullmatch=True),
        st.from_regex(r"[a-z]{2,9}(s|es|ed|ing|er|est|ies|men|ches)", fullmatch=True),
        st.from_regex(r"[0-9]{1,5}(st|nd|rd|th)?", fullmatch=True),
        st.text(st.characters(categories=("Ll", "Lo", "Mn", "Nd")), min_size=1, max_size=8),
    )
)
def test_forms_outside_the_table_get_the_lexicons_default_answers(form: str) -> None:
    table = form_table()
    assert table is not None
    lexicon = Lexicon.default()
    form = form.lower()
    if form not in table.index:
        assert _lexicon_answers(lexicon, form) == _default_answers(lexicon, form)


@pytest.mark.skipif(not (SHARED / "pan13-train").is_dir(), reason="../shared/data is not there")
def test_corpus_vocabulary_answers_as_the_lexicon(table: FormTable) -> None:
    import regex

    from unspin.io import read_document

    words = regex.compile(r"[\p{L}\p{M}\p{N}]+")
    forms: set[str] = set()
    for path in sorted((SHARED / "pan13-train" / "susp").iterdir())[::40]:
        forms.update(word.lower() for word in words.findall(read_document(path).text))
    lexicon = Lexicon.default()
    for form in sorted(forms):
        expected = _lexicon_answers(lexicon, form)
        if form in table.index:
            assert _answers(table, form) == expected, form
        else:
            assert _default_answers(lexicon, form) == expected, form


def test_candidates_are_token_shaped(table: FormTable) -> None:
    assert all(form.isalnum() for form in list(table.index)[::97])


def _tiny_lexicon() -> Lexicon:
    rows = [
        "unspin-lexicon\t2\ttest",
        "@lemmas\t4",
        "goose\tn\t0",
        "meet\tv\t1,2",
        "meeting\tn\t3",
        "summit meeting\tn\t3",
        "@exceptions\t1",
        "n\tgeese\tgoose",
        "@links\t0",
        "@end",
    ]
    import gzip

    data = gzip.compress(("\n".join(rows) + "\n").encode())
    return Lexicon._over(_parse_table(data, source="test"))


def test_a_built_table_round_trips() -> None:
    lexicon = _tiny_lexicon()
    assert {"goose", "geese", "gooses", "meets", "meeting", "meetings", "meeted"} <= (
        candidate_forms(lexicon)
    )
    assert "summit meeting" not in candidate_forms(lexicon)
    fingerprint, table = parse_form_table(build_form_table(lexicon, fingerprint="abc"))
    assert fingerprint == "abc"
    assert table.lemma(table.index["geese"]) == "goose"
    assert table.concepts(table.index["meets"]) == (1, 2)
    assert table.index["meeting"] & IS_LEMMA
    assert table.index["the"] & IS_STOPWORD and not table.index["the"] & IS_LEMMA
    assert table.index["actually"] & IS_FILLER


def test_a_damaged_table_is_refused() -> None:
    data = build_form_table(_tiny_lexicon(), fingerprint="abc")
    import gzip

    payload = gzip.decompress(data)
    with pytest.raises(ValueError):
        parse_form_table(gzip.compress(payload[:-3]))
    with pytest.raises(ValueError):
        parse_form_table(gzip.compress(b"something-else\t1\n"))


def test_a_stale_table_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_forms, "lexicon_fingerprint", lambda data: "not the one in the file")
    with pytest.warns(RuntimeWarning, match="forms-only"):
        assert _forms._load() is None
