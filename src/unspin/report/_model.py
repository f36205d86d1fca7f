"""The data behind the HTML and CSV reports: one suspicious text against its sources.

A :class:`Report` holds the suspicious document, one :class:`SourceResult` (a source
document and its :class:`~unspin.align.Alignment`) per source, and the header figures,
computed once here so that every view (HTML, CSV, JSON) shows the same numbers:

* overall similarity: the words of the suspicious text inside a passage of any source,
  each word counted once, over all its words (for one source this is the alignment's
  own ``suspicious_coverage``);
* per match type, the passages and the suspicious words (each counted once) they cover.

Words are the alignment engine's own tokens of the suspicious text, so the figures
agree with the coverages of each alignment.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import NamedTuple

import numpy as np

from unspin.align import Alignment, AlignOptions, MatchType, Verdict, align
from unspin.index._search import patchwork_options
from unspin.index._types import SearchOptions, SearchResult
from unspin.io import Document
from unspin.text._analysis import AnalysisOptions, TextAnalysis, analyse_text

__all__ = [
    "VERDICT_LABELS",
    "MatchTotals",
    "Report",
    "SourceResult",
    "build_report",
    "compare_documents",
    "report_from_search",
]


# How each verdict reads in the reports for people (terminal and HTML).
VERDICT_LABELS = {
    Verdict.COPY: "copy",
    Verdict.SPUN_COPY: "spun copy",
    Verdict.PARTIAL_COPY: "partial copy",
    Verdict.NO_COPY: "no copy found",
}


class SourceResult(NamedTuple):
    """One source of the suspicious text and what was found in it."""

    document: Document
    alignment: Alignment


class MatchTotals(NamedTuple):
    """Passages of one match type and the suspicious words they cover (each once)."""

    passages: int
    words: int


class Report(NamedTuple):
    """Everything a report shows; build it with :func:`build_report` (or
    :func:`report_from_search`, :func:`compare_documents`).

    Its JSON export is that of the operation it shows: a comparison of two texts is
    ``unspin.alignment/1``, a search (``search`` holds its result) ``unspin.search/1``,
    any other multi-source report ``unspin.report/1``. ``options`` are the alignment
    options the passages were found with; for a search, ``patchwork`` holds how many
    confirmed sources make a patchwork and the lower alignment options the sources after
    them were aligned with (``SearchOptions.patchwork_bar``), or None.
    """

    suspicious: Document
    sources: tuple[SourceResult, ...]
    words: int
    matched_words: int
    match_types: tuple[tuple[MatchType, MatchTotals], ...]
    options: AlignOptions
    multi_source: bool
    search: SearchResult | None = None
    patchwork: tuple[int, AlignOptions] | None = None

    @property
    def similarity(self) -> float:
        """Matched words over words of the suspicious text, in [0, 1]."""
        return self.matched_words / self.words if self.words else 0.0


def _analysis_options(document: Document, options: AlignOptions) -> AnalysisOptions:
    # Each document is read as HTML or plain text on its own evidence (name or content).
    return options.analysis._replace(html_input=document.html)


def build_report(
    suspicious: Document,
    sources: Sequence[SourceResult | tuple[Document, Alignment]],
    *,
    options: AlignOptions | None = None,
    suspicious_analysis: TextAnalysis | None = None,
    multi_source: bool | None = None,
) -> Report:
    """Gather the report of ``suspicious`` against ``sources`` (in the order given).

    ``options`` are the alignment options the alignments were made with (printed as the
    thresholds used). ``suspicious_analysis`` saves analysing the suspicious text again
    when the caller has it. ``multi_source`` defaults to ``len(sources) != 1``.
    """
    options = options or AlignOptions()
    results = tuple(SourceResult(*source) for source in sources)
    analysis = suspicious_analysis
    if analysis is None:
        analysis = analyse_text(suspicious.text, options=_analysis_options(suspicious, options))
    starts = analysis.starts
    covered = np.zeros(analysis.token_count, dtype=np.bool_)
    by_type = {kind: np.zeros(analysis.token_count, dtype=np.bool_) for kind in MatchType}
    passages = dict.fromkeys(MatchType, 0)
    for result in results:
        for passage in result.alignment.passages:
            # A word belongs to a passage when it starts inside the passage's span.
            lo, hi = np.searchsorted(starts, [passage.suspicious.start, passage.suspicious.end])
            covered[lo:hi] = True
            by_type[passage.match_type][lo:hi] = True
            passages[passage.match_type] += 1
    return Report(
        suspicious=suspicious,
        sources=results,
        words=analysis.token_count,
        matched_words=int(covered.sum()),
        match_types=tuple(
            (kind, MatchTotals(passages[kind], int(by_type[kind].sum()))) for kind in MatchType
        ),
        options=options,
        multi_source=len(results) != 1 if multi_source is None else multi_source,
    )


def compare_documents(
    suspicious: Document, source: Document, *, options: AlignOptions | None = None
) -> Report:
    """Align ``suspicious`` with ``source`` and gather the report: the one call behind
    ``unspin compare`` and the web app's comparison."""
    options = options or AlignOptions()
    analysis_s = analyse_text(suspicious.text, options=_analysis_options(suspicious, options))
    analysis_r = analyse_text(source.text, options=_analysis_options(source, options))
    alignment = align(analysis_s, analysis_r, options=options)
    return build_report(
        suspicious,
        [SourceResult(source, alignment)],
        options=options,
        suspicious_analysis=analysis_s,
    )


def report_from_search(
    query: Document,
    result: SearchResult,
    sources: Mapping[str, Document],
    *,
    options: SearchOptions | None = None,
) -> Report:
    """The report of a search: ``query`` against each source ``result`` reports, in rank
    order, as a multi-source report (one comparison per source).

    ``sources`` maps a source id to its document as the index stores it
    (:meth:`unspin.index.Index.sources`): the passages' source spans index that text, so
    it must be the stored raw text (HTML included), with its ``html`` flag. A source
    missing from ``sources`` (removed from the index since the search) is left out.
    ``options`` are the options the search ran with (default: the defaults): their
    alignment options, and the lower ones of a patchwork's later sources, are printed as
    the thresholds used. ``query`` must be read as the search read it (same text, same
    ``html``). The report's JSON export is the search's ``unspin.search/1`` report.
    """
    options = options or SearchOptions()
    found = [
        SourceResult(sources[match.id], match.alignment)
        for match in result.matches
        if match.id in sources
    ]
    report = build_report(query, found, options=options.align, multi_source=True)
    lowered = patchwork_options(options).align
    patchwork = (options.patchwork_sources, lowered) if lowered != options.align else None
    return report._replace(search=result, patchwork=patchwork)
