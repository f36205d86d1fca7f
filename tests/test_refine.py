"""Edge refinement: a copied passage starting or ending inside a unit the segmenter
could not split is cut back to the copied words; shuffled passages are left whole."""

from __future__ import annotations

import random

from hypothesis import given, settings
from hypothesis import strategies as st

from unspin import AlignOptions, align
from unspin.align._refine import InOrder, in_order_share
from unspin.align._seed import content_view, match_types
from unspin.text._analysis import analyse_text

# Written for these tests.
COPIED = (
    "The museum reopened its west wing after two years of repairs to the roof and the "
    "heating system. Curators used the closure to clean every painting in the gallery of "
    "northern landscapes, and several canvases that had hung in storage for decades are "
    "now on display again. Visitors can follow a new route that starts in the entrance "
    "hall, climbs the restored staircase and ends on a terrace overlooking the river."
)
SOURCE = (
    "Winter opening hours are shorter than in summer. "
    + COPIED
    + " Tickets for the terrace cafe are sold at the main desk only."
)
# A heading with no full stop on the line before the copy: one unit with its first
# sentence, since the next line starts in lower case.
HEADING = "Riverside galleries welcome guests with museum news and notes from curators\n"


def _suspicious_with_heading() -> str:
    return (
        "Our town council met on Tuesday to discuss new bicycle lanes along the harbour. "
        + HEADING
        + COPIED[0].lower()
        + COPIED[1:]
        + "\n\nThe council will vote on the bicycle lanes next month after a public hearing."
    )


def test_a_heading_glued_to_the_first_copied_sentence_is_cut_off() -> None:
    suspicious = _suspicious_with_heading()
    result = align(suspicious, SOURCE)
    assert len(result.passages) == 1
    passage = result.passages[0]
    copy_start = suspicious.index(HEADING) + len(HEADING)
    assert passage.suspicious.start == copy_start
    assert suspicious[passage.suspicious.start : passage.suspicious.end].endswith("river.")
    assert SOURCE[passage.source.start : passage.source.end] == COPIED


def test_without_refinement_the_heading_stays_in_the_passage() -> None:
    suspicious = _suspicious_with_heading()
    result = align(suspicious, SOURCE, options=AlignOptions(refine=False))
    assert len(result.passages) == 1
    assert result.passages[0].suspicious.start <= suspicious.index(HEADING)


def test_a_passage_with_shuffled_words_keeps_its_sentences() -> None:
    rng = random.Random(3)
    sentences = COPIED.split(". ")
    shuffled = []
    for sentence in sentences:
        words = sentence.rstrip(".").split()
        rng.shuffle(words)
        shuffled.append(" ".join(words) + ".")
    suspicious = " ".join(shuffled)
    result = align(suspicious, SOURCE)
    assert len(result.passages) == 1
    # Word order is lost, so no edge is cut: the passage spans every sentence.
    assert result.passages[0].suspicious.length >= 0.95 * len(suspicious.rstrip("."))


# A heading on the source's line before the copy, and a sentence before the copy in the
# suspicious text, both naming the museum: sentence-level extension takes them in.
MUSEUM_SOURCE = "Winter opening hours are shorter than in summer. Museum news\n" + COPIED
MUSEUM_SUSPICIOUS = (
    "Our town council met on Tuesday to discuss new bicycle lanes along the harbour. "
    "The museum news came later. "
    + COPIED
    + " The council will vote on the bicycle lanes next month after a public hearing."
)


def test_a_verbatim_copy_starts_and_ends_on_its_copied_words() -> None:
    result = align(MUSEUM_SUSPICIOUS, MUSEUM_SOURCE)
    assert len(result.passages) == 1
    passage = result.passages[0]
    assert MUSEUM_SUSPICIOUS[passage.suspicious.start : passage.suspicious.end] == COPIED
    assert MUSEUM_SOURCE[passage.source.start : passage.source.end] == COPIED


def test_without_verbatim_edges_the_neighbouring_lines_stay_in() -> None:
    result = align(MUSEUM_SUSPICIOUS, MUSEUM_SOURCE, options=AlignOptions(verbatim_share=2.0))
    assert len(result.passages) == 1
    passage = result.passages[0]
    assert passage.suspicious.start <= MUSEUM_SUSPICIOUS.index("The museum news")
    assert passage.source.start <= MUSEUM_SOURCE.index("Museum news")


def test_a_name_repeated_just_before_a_verbatim_copy_is_left_out() -> None:
    # Both texts open with a sentence on the college that sentence-level extension
    # takes in; the source's names the professor whom the copy names again.
    copied = (
        "Professor Zelinski will be on hand to speak about his research on coastal "
        "erosion, and the evening ends with a dinner in the great hall of the college. "
        "Tickets cost twenty pounds and include a copy of his latest book on the "
        "shifting sand dunes of the northern shore."
    )
    source = (
        "The college honors Professor Wayne Zelinski, whose research on the northern "
        "shore is famous. " + copied
    )
    suspicious = "The college honors its professors every year with a dinner. " + copied
    result = align(suspicious, source)
    assert len(result.passages) == 1
    passage = result.passages[0]
    assert source[passage.source.start : passage.source.end] == copied
    assert suspicious[passage.suspicious.start : passage.suspicious.end] == copied
    before = align(suspicious, source, options=AlignOptions(verbatim_share=2.0))
    assert before.passages[0].source.start == 0


def test_a_spun_copy_is_not_cut_to_its_verbatim_words() -> None:
    # Half the content words rewritten: no verbatim chain, so the ordinary edges hold.
    spun = (
        COPIED.replace("reopened", "opened again")
        .replace("repairs", "fixes")
        .replace("clean", "wash")
        .replace("canvases", "pictures")
        .replace("decades", "years")
        .replace("restored", "repaired")
        .replace("terrace", "balcony")
    )
    suspicious = "Our town council met on Tuesday. " + spun
    both = (
        align(suspicious, SOURCE),
        align(suspicious, SOURCE, options=AlignOptions(verbatim_share=2.0)),
    )
    assert both[0].passages
    assert [p.suspicious for p in both[0].passages] == [p.suspicious for p in both[1].passages]
    assert [p.source for p in both[0].passages] == [p.source for p in both[1].passages]


def _in_order(first: str, second: str) -> InOrder:
    """:func:`in_order_share` of two whole texts."""
    analysis_s, analysis_r = analyse_text(first), analyse_text(second)
    view_s, view_r = content_view(analysis_s), content_view(analysis_r)
    matches = match_types(view_s, view_r, synonym_weight=0.7, related_weight=0.2)
    return in_order_share(
        view_s, view_r, matches, (0, len(analysis_s.keys)), (0, len(analysis_r.keys))
    )


def _share(first: str, second: str) -> float:
    return _in_order(first, second).share


def test_a_side_contained_in_order_has_an_in_order_share_of_one() -> None:
    assert _share(COPIED, COPIED) == 1.0
    # Every other content word dropped: the shorter side is still all in the longer.
    kept = " ".join(COPIED.split()[::2])
    assert _share(kept, COPIED) == 1.0
    assert _share(COPIED, kept) == 1.0


def test_reversed_words_have_a_low_in_order_share() -> None:
    reversed_words = " ".join(reversed(COPIED.split()))
    assert _share(reversed_words, COPIED) < 0.3


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(COPIED.split()), min_size=1, max_size=30))
def test_the_in_order_share_is_a_share_of_the_shorter_side(words: list[str]) -> None:
    in_order = _in_order(" ".join(words), COPIED)
    assert 0.0 <= in_order.share <= 1.0
    assert 0.0 <= in_order.verbatim_core <= 1.0


def test_a_verbatim_run_before_different_words_has_a_verbatim_core() -> None:
    attribution = "The harbour authority spokeswoman Janet Morrow said "
    first = attribution + "there was a strong case for a judicial review."
    second = attribution + "talks would go on for weeks."
    assert _in_order(first, second).verbatim_core == 1.0
    # Words swapped for synonyms inside the shared run: no longer verbatim.
    spun = "The harbour authority representative Janet Morrow stated " + "talks would go on."
    assert _in_order(first, spun).verbatim_core < 0.8
