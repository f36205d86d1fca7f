"""Tests of the spin-robust fingerprints: deterministic, batch-independent, the same on the
document and the query path, and unchanged by the edits spinners make."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import news_article
from unspin.index import FingerprintOptions, _fingerprint, fingerprint_documents, fingerprint_query
from unspin.index._fingerprint import _CodeTable, _two_lowest, _two_lowest_reference
from unspin.text._forms import form_table
from unspin.text._lexicon import Lexicon

TEXT = (
    "The council approved plans to rebuild the old bridge in Ardmore on Monday, a project "
    "expected to cost 40 million pounds over two years. Maria Keller, who has led the "
    "campaign since 1998, said the bridge was vital for the families who depend on it."
)
ALL = FingerprintOptions(sample=1)


def _set(text: str, options: FingerprintOptions = ALL) -> set[int]:
    return set(fingerprint_documents([text], options=options).fingerprint.tolist())


def test_fingerprints_are_deterministic_and_sorted_per_document() -> None:
    first = fingerprint_documents([TEXT, TEXT.upper()])
    second = fingerprint_documents([TEXT, TEXT.upper()])
    for a, b in zip(first, second, strict=True):
        assert np.array_equal(a, b)
    assert len(first.document) > 0
    assert np.all(np.diff(first.document.astype(np.int64)) >= 0)
    # case does not matter: both documents have the same fingerprints
    upper, lower = first.fingerprint[first.document == 0], first.fingerprint[first.document == 1]
    assert set(upper) == set(lower)


def test_a_batch_gives_each_document_its_own_fingerprints() -> None:
    other = "Tomatoes need at least six hours of direct sunshine a day on a sunny balcony."
    batch = fingerprint_documents([TEXT, other, TEXT], options=ALL)
    alone = fingerprint_documents([other], options=ALL)
    assert np.array_equal(batch.fingerprint[batch.document == 1], alone.fingerprint)
    assert np.array_equal(
        batch.fingerprint[batch.document == 0], batch.fingerprint[batch.document == 2]
    )


def test_fillers_and_spelled_numbers_do_not_change_fingerprints() -> None:
    spun = TEXT.replace("approved", "actually approved").replace("two years", "2 years")
    spun = spun.replace("and", "and also")
    assert _set(spun) == _set(TEXT)


def test_a_synonym_swap_leaves_most_fingerprints() -> None:
    spun = TEXT.replace("rebuild", "reconstruct").replace("vital", "essential")
    kept = _set(spun) & _set(TEXT)
    assert len(kept) >= 0.6 * len(_set(TEXT))
    assert _set(spun) != _set(TEXT)


def test_unrelated_texts_share_almost_nothing() -> None:
    other = (
        "Tomatoes need at least six hours of direct sunshine a day, so choose the brightest "
        "corner you have. Use a deep pot with holes in the bottom and fill it with compost."
    )
    assert len(_set(other) & _set(TEXT)) <= 2


def test_sampling_keeps_a_subset() -> None:
    sampled = _set(TEXT, FingerprintOptions(sample=4))
    everything = _set(TEXT)
    assert sampled <= everything
    assert 0 < len(sampled) < len(everything)


def test_blocks_follow_token_positions() -> None:
    long_text = news_article(1)
    options = FingerprintOptions(sample=1, block_tokens=8)
    postings = fingerprint_documents([long_text], options=options)
    words = len(long_text.split())
    assert postings.block.min() == 0
    assert words // 8 - 8 <= postings.block.max() <= words // 8
    # a repeated text keeps the block of the first occurrence
    twice = fingerprint_documents([long_text + " " + long_text], options=options)
    blocks = dict(zip(postings.fingerprint.tolist(), postings.block.tolist(), strict=True))
    again = dict(zip(twice.fingerprint.tolist(), twice.block.tolist(), strict=True))
    assert all(again[fingerprint] == block for fingerprint, block in blocks.items())


def test_html_is_fingerprinted_by_its_visible_text() -> None:
    page = f"<html><body><p>{TEXT}</p><script>var x = 1;</script></body></html>"
    html = fingerprint_documents([page], html=[True], options=ALL)
    assert set(html.fingerprint.tolist()) == _set(TEXT)
    query = fingerprint_query(page, html=True, options=ALL)
    assert set(query.fingerprint.tolist()) == _set(TEXT)
    assert all(page[offset].isalnum() for offset in query.offset.tolist())


def test_query_offsets_point_at_the_words_they_start_with() -> None:
    query = fingerprint_query(TEXT, options=ALL)
    assert np.all(np.diff(query.fingerprint.astype(np.int64)) > 0)  # distinct, sorted
    assert all(TEXT[offset].isalnum() for offset in query.offset.tolist())
    assert query.offset.min() >= 0 and query.offset.max() < len(TEXT)


def test_empty_and_wordless_texts_have_no_fingerprints() -> None:
    postings = fingerprint_documents(["", "... !!! ---", TEXT])
    assert set(postings.document.tolist()) == {2}
    assert len(fingerprint_query("").fingerprint) == 0


_WORDS = st.sampled_from(
    [
        "the",
        "of",
        "bridge",
        "Café",
        "naïve",
        "2",
        "two",
        "and",
        "also",
        "İstanbul",
        "council",
        "straße",
        "council's",
        "approved",
        "in",
        "a",
        "ﬁnal",
        "東京",
        "—",
        ".",
    ]
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_WORDS, max_size=40).map(" ".join), st.sampled_from([0, 4, 8]))
def test_query_and_document_paths_agree(text: str, bag_window: int) -> None:
    options = ALL._replace(bag_window=bag_window)
    document = set(fingerprint_documents([text], options=options).fingerprint.tolist())
    query = fingerprint_query(text, options=options)
    assert set(query.fingerprint.tolist()) == document


def _shuffled_within_phrases(text: str, seed: int) -> str:
    """Shuffle the words of every comma- or full-stop-delimited phrase, as PAN's random
    obfuscation does; the words stay, their order goes."""
    rng = np.random.default_rng(seed)
    phrases = []
    for phrase in text.replace(".", ",").split(","):
        words = phrase.split()
        rng.shuffle(words)
        phrases.append(" ".join(words))
    return ", ".join(phrases)


def test_bag_pairs_survive_shuffled_words() -> None:
    with_bags = ALL._replace(bag_window=8)
    ordered_prints = _set(TEXT)
    bags = _set(TEXT, with_bags) - ordered_prints
    assert bags
    for seed in range(4):
        shuffled = _shuffled_within_phrases(TEXT, seed)
        ordered_kept = len(ordered_prints & _set(shuffled)) / len(ordered_prints)
        bags_kept = len(bags & _set(shuffled, with_bags)) / len(bags)
        # Class pairs and skeletons mostly break; most order-free pairs stay.
        assert ordered_kept < 0.25
        assert bags_kept >= 0.4
        assert bags_kept >= 2 * ordered_kept


@settings(max_examples=100, deadline=None)
@given(
    st.lists(st.integers(min_value=0, max_value=2**64 - 1), min_size=1, max_size=60),
    st.sampled_from([2, 4, 8, 16, 32]),
    st.booleans(),
)
def test_two_lowest_matches_its_reference(values: list[int], window: int, few: bool) -> None:
    array = np.array([v % 7 if few else v for v in values], dtype=np.uint64)
    if len(array) < window:
        # Callers never ask for windows wider than the values; the doubling gives none.
        assert len(_two_lowest(array, window)[0]) == 0
        return
    fast = _two_lowest(array, window)
    reference = _two_lowest_reference(array, window)
    assert np.array_equal(fast[0], reference[0])
    assert np.array_equal(fast[1], reference[1])


def _code_tables() -> tuple[_CodeTable, _CodeTable]:
    """A code table on the form table's path, and one on the lexicon's (the reference)."""
    fast, slow = _CodeTable(Lexicon.default()), _CodeTable(Lexicon.default())
    assert fast._forms is not None  # the packaged table is there and answers
    slow._forms = None
    return fast, slow


def test_the_form_table_path_gives_every_code_the_lexicon_gives() -> None:
    fast, slow = _code_tables()
    table = form_table()
    assert table is not None
    forms = sorted(table.index)[::40]  # every 40th form the table knows (~5,600)
    forms += ["kesterton", "qwzx", "geese", "meetings", "bigger", "was", "also", "actually"]
    forms += ["The", "Geese", "ünïcode", "straße", "naïve", "x", "a", "i", "42", "1st", "fifth"]
    forms += ["snake_case", "under_", "٣", "e\u0301"]  # the lexicon's own path, and marks
    for form in forms:
        assert fast._code(form) == slow._code(form), form


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from("abcdeilmnorstuyzé_1"), min_size=1, max_size=12))
def test_any_form_gets_the_same_code_on_both_paths(form: str) -> None:
    fast, slow = _code_tables()
    assert fast._code(form) == slow._code(form)


def test_a_lexicon_over_its_own_table_never_uses_the_packaged_form_table() -> None:
    assert _CodeTable(Lexicon(max_senses=3))._forms is None
    own = Lexicon._over(Lexicon.default()._table)
    assert _CodeTable(own)._forms is None


def test_the_code_tables_start_afresh_past_their_bound_and_codes_stay(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    texts = [" ".join(f"w{n}x{k}" for k in range(300)) + " " + TEXT for n in range(4)]
    before = [fingerprint_documents([text]) for text in texts]
    monkeypatch.setattr(_fingerprint, "_MAX_CODES", 500)
    tables = _fingerprint._tables_for(None)
    after = [fingerprint_documents([text]) for text in texts]
    # each batch finds the tables over the bound and clears them: they never hold much more
    assert len(tables.text) + len(tables.ascii) < 2 * 500
    for a, b in zip(before, after, strict=True):
        assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    first, again = fingerprint_query(texts[0]), fingerprint_query(texts[0])
    assert np.array_equal(first.fingerprint, again.fingerprint)


def test_invisible_characters_inside_words_leave_the_fingerprints_as_they_were() -> None:
    text = news_article(2)
    words = text.split(" ")
    strewn = " ".join(word[:2] + "\u00ad" + word[2:] if len(word) > 4 else word for word in words)
    assert strewn != text
    plain, hidden = fingerprint_query(text), fingerprint_query(strewn)
    assert set(hidden.fingerprint.tolist()) == set(plain.fingerprint.tolist())
    # each fingerprint still starts where its word starts in the strewn raw text
    assert all(strewn[offset].isalnum() for offset in hidden.offset.tolist())
    documents = fingerprint_documents([text, strewn])
    first = set(documents.fingerprint[documents.document == 0].tolist())
    assert set(documents.fingerprint[documents.document == 1].tolist()) == first
