"""The fast analysis path returns exactly what the reference path returns.

``unspin.text._reference`` keeps the plain implementation (ftfy on every non-ASCII
line, :func:`split_glued` and :class:`Lexicon` methods per token, phrases matched word
by word). Every array of the fast :func:`analyse_text` must equal the reference's, with
the same dtype, on hand-written fixtures, the bundled examples, samples of the shared
corpora (skipped when ``../shared`` is absent) and generated text.
"""

from __future__ import annotations

import string
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from unspin.io import read_document
from unspin.text import Lexicon
from unspin.text._analysis import AnalysisOptions, TextAnalysis, analyse_text
from unspin.text._reference import reference_analyse_text

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "data"


def assert_same_analysis(fast: TextAnalysis, reference: TextAnalysis) -> None:
    assert fast.raw == reference.raw
    for field in TextAnalysis._fields[1:]:
        got, expected = getattr(fast, field), getattr(reference, field)
        assert got.dtype == expected.dtype, field
        assert got.shape == expected.shape, field
        assert np.array_equal(got, expected), field


def check(raw: str, options: AnalysisOptions | None = None, lexicon: Lexicon | None = None) -> None:
    expected = reference_analyse_text(raw, options=options, lexicon=lexicon)
    assert_same_analysis(analyse_text(raw, options=options, lexicon=lexicon), expected)
    # A second call answers from the caches the first one filled.
    assert_same_analysis(analyse_text(raw, options=options, lexicon=lexicon), expected)


FIXTURES = (
    "",
    " \n\t ",
    "a",
    "The cat sat on the mat.",
    "WhenNorth Korean leader Kim Jong Un met Putin, theNorth said. Morethan 10,000North by2020.",
    "Kimhas Putinconference Whenthe council met; Vladivostok NATO iPhone McDonald WASHINGTONPost",
    "It is actually a major step. As a result of the talks, in order to win, a lot of people "
    "as well as officials took part in the summit versus the sanctions, as an outcome of a "
    "scientist.",
    "in the end in the event that in the in a number of a lot as a matter of fact once once again",
    "2nd 1990s 21st 3RD 1,000,000 007 twenty-one twenty-first second first 1st 11th 12th 113th",
    "The meetings were held; the men wound the clocks; geese flew; she was being better.",
    "<p>Hello <b>w</b>orld &amp; friends&nbsp;&#233;t&eacute;</p><script>x = '<p>';</script>",
    "P TAGEND The summit BR TAGEND ended&nbsp;early\u00a0today.",
    "Caf\u00e9 cre\u0300me br\u00fbl\u00e9e na\u00efve \u00c6sop \u0130stanbul "
    "\u03a3\u039f\u03a6\u0399\u0391 ",
    "Ã©tÃ© â€™tisâ€\x9d â€œquotedâ€\x9d \x93smart\x94 \u2018single\u2019 \u201cdouble\u201d",
    "\ufb01nd \uff21\uff22\uff23 \u2028line\u2029para\x85next\r\nwindows\rmac",
    "emoji \U0001f600 math \U0001d400\U0001d401 cjk \u4e2d\u6587 "
    "arabic \u0627\u0644\u0639\u0631\u0628\u064a\u0629",
    "e\u0301 a\u0308 n\u0303o combining marks\u0301 \u0301 lone",
    "x" * 70 + " " + " ".join(["word"] * 130),
    "One. Two. Three four five six seven. Eight nine ten eleven twelve!\n\nNew paragraph here now.",
    "Mr. Smith's and Korea's s t d the-end o'clock U.S.A. e-mail",
)


@pytest.mark.parametrize("raw", FIXTURES)
def test_fixtures_match_the_reference(raw: str) -> None:
    check(raw)


OPTION_VARIANTS = (
    AnalysisOptions(synonyms=False),
    AnalysisOptions(phrases=False),
    AnalysisOptions(unglue=False),
    AnalysisOptions(html_input=True),
    AnalysisOptions(html_input=False),
    AnalysisOptions(max_senses=3),
)


@pytest.mark.parametrize("options", OPTION_VARIANTS)
def test_options_match_the_reference(options: AnalysisOptions) -> None:
    for raw in FIXTURES:
        check(raw, options=options)


def test_another_lexicon_matches_the_reference() -> None:
    lexicon = Lexicon(max_senses=2)
    for raw in FIXTURES:
        check(raw, lexicon=lexicon)


@pytest.mark.parametrize("name", ["original.txt", "spun.txt"])
def test_bundled_examples_match_the_reference(name: str) -> None:
    check(read_document(REPO / "examples" / name).text)


def _shared_sample() -> list[Path]:
    paths: list[Path] = []
    pan = SHARED / "pan13-train"
    for folder, step in ((pan / "src", 97), (pan / "susp", 61)):
        if folder.is_dir():
            paths.extend(sorted(folder.iterdir())[::step])
    for folder in (SHARED / "seed-pair", SHARED / "spinbot-wiki-train"):
        if folder.is_dir():
            paths.extend(sorted(folder.iterdir())[:4])
    bbc = SHARED / "bbc-news" / "tech"
    if bbc.is_dir():
        paths.extend(sorted(bbc.iterdir())[:3])
    return paths


@pytest.mark.skipif(not SHARED.is_dir(), reason="../shared/data is not there")
def test_shared_corpus_sample_matches_the_reference() -> None:
    paths = _shared_sample()
    assert paths
    for path in paths:
        try:
            text = read_document(path).text
        except Exception:  # binary or empty documents are not analysed at all
            continue
        check(text)


# Pieces that exercise every step of the look-up path.
_FRAGMENTS = (
    "WhenNorth",
    "theNorth",
    "Morethan",
    "by2020",
    "10,000North",
    "Putinconference",
    "iPhone",
    "NATO",
    "2nd",
    "1990s",
    "twenty-one",
    "as a result of",
    "in order to",
    "a lot of",
    "versus",
    "and also",
    "in the end",
    "in the",
    "actually",
    "men",
    "geese",
    "better",
    "was",
    "<p>",
    "</b>",
    "&amp;",
    "&nbsp;",
    "\u00a0",
    "P TAGEND",
    "Ã©",
    "â€™",
    "\x93",
    "\u2019",
    "\u201c",
    "caf\u00e9",
    "e\u0301",
    "\ufb01",
    "\uff21",
    "\u0130",
    "\U0001f600",
    "\r\n",
    "\n\n",
    ". ",
    " ",
)
_text = st.lists(
    st.one_of(
        st.sampled_from(_FRAGMENTS),
        st.text(alphabet=string.ascii_letters + string.digits + " .,'-\n", max_size=15),
        st.text(max_size=6),
    ),
    max_size=40,
).map("".join)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_text)
def test_generated_text_matches_the_reference(raw: str) -> None:
    check(raw)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_text, st.sampled_from(OPTION_VARIANTS))
def test_generated_text_matches_the_reference_with_options(
    raw: str, options: AnalysisOptions
) -> None:
    check(raw, options=options)


def test_threads_sharing_a_fresh_vocabulary_get_the_reference_results(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import random
    from concurrent.futures import ThreadPoolExecutor

    from unspin.text import _analysis

    monkeypatch.setattr(_analysis, "_vocabularies", {})  # every token is new
    rng = random.Random(7)
    # One text brings thousands of new tokens (added in sorted order); the others use
    # only the first of them, so they find them while the first text is still adding.
    new_words = sorted(f"Zq{rng.randrange(10**9)}x" for _ in range(4000))
    texts = [" ".join(new_words)] + [" ".join(rng.sample(new_words[:50], 20)) for _ in range(300)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, so look-ups meet additions
    try:
        with ThreadPoolExecutor(max_workers=8) as pool:
            results = list(pool.map(analyse_text, texts))
    finally:
        sys.setswitchinterval(interval)
    for text, result in zip(texts, results, strict=True):
        assert_same_analysis(result, reference_analyse_text(text))
