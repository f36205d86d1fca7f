"""The summary pass: a short passage condensing a long source is one passage against
the whole source; a passage merely on the source's topic is not a summary."""

from __future__ import annotations

from typing import Any

from unspin import AlignOptions, align

# Written for these tests: a report of twenty-four sentences and a four-sentence summary
# of it (reworded, in the report's order, taking words from all over it).
REPORT = " ".join(
    (
        "The regional water board published its annual report on the state of the rivers.",
        "Levels of nitrate in the northern tributaries fell for the third year running.",
        "Farmers along the valley had planted hedges and grass strips beside the streams.",
        "Inspectors took more than four thousand samples between March and November.",
        "Fish counts near the old weir rose sharply after a ladder was built in spring.",
        "Salmon were seen above the town bridge for the first time in forty years.",
        "The board warned that plastic waste in the estuary remains a serious problem.",
        "Volunteers removed nine tonnes of rubbish from the mud flats during the summer.",
        "A new treatment plant will open next year on the eastern edge of the city.",
        "It is expected to halve the sewage that reaches the river after heavy storms.",
        "The cost of the plant is shared between the board and the national government.",
        "Critics argue that the works should have started a decade ago.",
        "The report also lists the wetlands where rare birds have returned to breed.",
        "Otters were recorded on six of the eleven rivers that the survey covers.",
        "Anglers say that the trout season was the best they can remember.",
        "Two factories were fined for releasing dye into a canal in the spring.",
        "The board has asked for the power to inspect drains on private land.",
        "Its budget for the coming year is slightly lower than last year's.",
        "Most of the money will go to repairing flood banks damaged in the winter.",
        "Schools in the valley now take pupils on field trips to test the water.",
        "A website lets residents report pollution with a photograph and a map.",
        "More than two thousand reports were sent in during the first six months.",
        "The board will hold public meetings in every district to discuss the findings.",
    )
)
SUMMARY = " ".join(
    (
        "The water board's report says nitrate in the northern tributaries fell again, "
        "thanks to hedges that farmers planted by the streams.",
        "Fish and salmon returned after a ladder was built at the weir.",
        "Plastic in the estuary is still a problem, and factories were fined for dye.",
        "A new plant will halve the sewage after storms, and public meetings will discuss "
        "the findings in every district.",
    )
)
HOST_BEFORE = (
    "The city library extended its opening hours on weekdays and added a reading room for "
    "students. Its new director wants to lend tools and musical instruments as well as books."
)
HOST_AFTER = (
    "In sport, the local football club won its fourth match in a row and moved to the top of "
    "the table, to the delight of the crowd that filled the small stadium on Saturday."
)
# On the report's topic, but not condensed from it.
TOPICAL = (
    "Rivers everywhere suffer from farming and from towns. Nitrate from fields and sewage "
    "from storms harm fish, and plastic gathers in estuaries. Many water boards now ask "
    "farmers to plant hedges beside streams, and volunteers clean the banks in summer."
)


def test_a_summary_is_one_passage_against_the_whole_source() -> None:
    suspicious = HOST_BEFORE + "\n\n" + SUMMARY + "\n\n" + HOST_AFTER
    result = align(suspicious, REPORT)
    assert len(result.passages) == 1
    passage = result.passages[0]
    start = suspicious.index(SUMMARY)
    # The summary's first and last sentences bound the passage (a word at an edge may go).
    assert start <= passage.suspicious.start <= start + 20
    assert start + len(SUMMARY) - 30 <= passage.suspicious.end <= start + len(SUMMARY)
    assert passage.source.start == 0 and passage.source.end == len(REPORT)
    # A summary is scored by how much of it its source contains.
    assert passage.score >= 0.65


def test_without_the_summary_pass_the_summary_is_missed_or_only_in_pieces() -> None:
    suspicious = HOST_BEFORE + "\n\n" + SUMMARY + "\n\n" + HOST_AFTER
    result = align(suspicious, REPORT, options=AlignOptions(summary=False))
    covered = sum(p.source.length for p in result.passages)
    assert covered < 0.5 * len(REPORT)


def test_a_text_on_the_same_topic_is_no_summary() -> None:
    suspicious = HOST_BEFORE + "\n\n" + TOPICAL + "\n\n" + HOST_AFTER
    result = align(suspicious, REPORT)
    assert result.passages == ()


def _candidate(tokens_s: tuple[int, int], tokens_r: tuple[int, int], similarity: float) -> Any:
    from unspin.align._extend import Candidate

    return Candidate(tokens_s, tokens_r, similarity, 1)


def test_a_summary_replaces_a_piece_only_when_its_source_contains_what_it_adds() -> None:
    from unspin.align._summary import absorb_into_summaries

    piece = _candidate((120, 160), (500, 540), 0.7)
    summary = _candidate((100, 200), (0, 2000), 0.3)._replace(summary=True)
    # The summary's text around the piece: tokens 100-120 and 160-200.
    asked: list[tuple[int, int]] = []

    def contained(share: float) -> Any:
        def containment(tokens_s: tuple[int, int], tokens_r: tuple[int, int]) -> tuple[float, int]:
            asked.append(tokens_s)
            assert tokens_r == (0, 2000)
            return share, tokens_s[1] - tokens_s[0]

        return containment

    options = {"max_explained": 0.7, "max_piece_similarity": 0.95, "min_added_containment": 0.6}
    kept = absorb_into_summaries([piece], [summary], added_containment=contained(0.3), **options)
    assert kept == [piece]
    assert asked == [(100, 120), (160, 200)]
    taken = absorb_into_summaries([piece], [summary], added_containment=contained(0.8), **options)
    assert taken == [summary]


def _concentration(suspicious: str) -> tuple[float, tuple[int, int], Any]:
    from unspin.align._extend import Candidate
    from unspin.align._seed import content_view, match_types
    from unspin.align._summary import source_concentration
    from unspin.text._analysis import analyse_text

    analysis_s, analysis_r = analyse_text(suspicious), analyse_text(REPORT)
    view_s, view_r = content_view(analysis_s), content_view(analysis_r)
    matches = match_types(view_s, view_r, synonym_weight=0.7)
    whole = Candidate((0, analysis_s.token_count), (0, analysis_r.token_count), 0.0, 0)
    share, window = source_concentration(
        view_s, view_r, matches, whole, width=2 * analysis_s.token_count
    )
    return share, window, analysis_r


def test_a_summary_draws_on_all_its_source_and_a_rewrite_on_one_stretch() -> None:
    share, _, _ = _concentration(SUMMARY)
    assert share < 0.9  # no stretch twice its length explains most of the summary
    # Sentences 9-11 of the report, lightly rewritten.
    local = (
        "A new treatment facility will open next year at the eastern edge of the city. "
        "It should halve the sewage reaching the river after heavy storms. "
        "The board and the national government share the cost of the facility."
    )
    share, (start, end), analysis_r = _concentration(local)
    assert share >= 0.9
    first = REPORT.index("A new treatment plant")
    last = REPORT.index("Critics argue")
    # Inside the three rewritten sentences, reaching into the first and the last.
    assert first <= analysis_r.starts[start] < REPORT.index("It is expected")
    assert REPORT.index("The cost of the plant") < analysis_r.ends[end - 1] <= last


LOCAL = (
    "A new treatment facility will open next year at the eastern edge of the city. "
    "It should halve the sewage reaching the river after heavy storms. "
    "The board and the national government share the cost of the facility."
)


def _summary_candidates(suspicious: str, max_concentration: float) -> tuple[list[Any], Any]:
    from unspin.align._seed import content_view, match_types, score_sentence_pairs
    from unspin.align._summary import SummaryOptions, find_summaries, windowed_seeds
    from unspin.text._analysis import analyse_text

    analysis_s, analysis_r = analyse_text(suspicious), analyse_text(REPORT)
    view_s, view_r = content_view(analysis_s), content_view(analysis_r)
    matches = match_types(view_s, view_r, synonym_weight=0.7)
    scores = score_sentence_pairs(view_s, view_r, matches, keep_containment=0.15)
    seeds = windowed_seeds(
        scores, analysis_r.sentence_count, radius=1, threshold=0.5, min_matches=3
    )
    options = SummaryOptions(
        gap_suspicious=2,
        gap_source=40,
        min_containment=0.65,
        min_compression=0.0,  # let a rewrite of equal length through to the last test
        margin=0.0,
        whole_source_share=2.0,
        min_words=12,
        min_sentences=3,
        max_concentration=max_concentration,
        window_factor=2.0,
    )
    found = find_summaries(analysis_s, view_s, analysis_r, view_r, matches, seeds, options)
    return found, analysis_r


def test_a_candidate_drawn_from_one_stretch_becomes_a_passage_over_it() -> None:
    unchecked, _ = _summary_candidates(LOCAL, max_concentration=2.0)
    assert [c.summary for c in unchecked] == [True]  # taken for a summary without the test
    found, analysis_r = _summary_candidates(LOCAL, max_concentration=0.9)
    assert [c.summary for c in found] == [False]
    start, end = found[0].source_tokens
    assert REPORT.index("A new treatment plant") <= analysis_r.starts[start]
    assert analysis_r.ends[end - 1] <= REPORT.index("Critics argue")
    # A real summary passes the test and stays one.
    summary, _ = _summary_candidates(SUMMARY, max_concentration=0.9)
    assert summary and all(c.summary for c in summary)
