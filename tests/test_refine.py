"""Edge refinement: a copied passage starting or ending inside a unit the segmenter
could not split is cut back to the copied words; shuffled passages are left whole."""

from __future__ import annotations

import random

from unspin import AlignOptions, align

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
