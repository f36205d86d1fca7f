"""CSV export of a report: one row per passage, for spreadsheets and scripts.

Columns (a header row first)::

    suspicious, source, passage, match_type, score,
    suspicious_start, suspicious_end, source_start, source_end,
    replaced, replaced_by_synonym, inserted, deleted, rewrites,
    suspicious_text, source_text

Offsets are half-open character offsets (Python ``str`` indexes) into the raw inputs,
as in the JSON report. ``rewrites`` lists the word-level account, ``;``-separated:
``top<-summit`` (replaced), ``+certainly`` (inserted), ``-first`` (deleted). A source
without passages has no row. Rows end in CRLF (RFC 4180).

Cells of document text (names, passage texts, rewrites) that a spreadsheet would run as
a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or carriage return) get a
leading apostrophe, the usual guard against CSV formula injection; offsets are always
exact, so the original text can be cut from the raw input.
"""

from __future__ import annotations

import csv
import io

from unspin.align import Passage, RewriteKind
from unspin.report._model import Report

__all__ = ["CSV_COLUMNS", "report_to_csv"]

CSV_COLUMNS = (
    "suspicious",
    "source",
    "passage",
    "match_type",
    "score",
    "suspicious_start",
    "suspicious_end",
    "source_start",
    "source_end",
    "replaced",
    "replaced_by_synonym",
    "inserted",
    "deleted",
    "rewrites",
    "suspicious_text",
    "source_text",
)

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(text: str) -> str:
    return "'" + text if text.startswith(_FORMULA_STARTS) else text


def _rewrites_cell(passage: Passage) -> str:
    steps: list[str] = []
    for rewrite in passage.rewrites:
        if rewrite.kind is RewriteKind.INSERTION:
            steps.append(f"+{rewrite.suspicious_text}")
        elif rewrite.kind is RewriteKind.DELETION:
            steps.append(f"-{rewrite.source_text}")
        else:
            steps.append(f"{rewrite.suspicious_text}<-{rewrite.source_text}")
    return "; ".join(steps)


def report_to_csv(report: Report) -> str:
    """The report's passages as CSV text (see the module docstring for the columns)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    suspicious_text = report.suspicious.text
    for result in report.sources:
        source_text = result.document.text
        for number, passage in enumerate(result.alignment.passages, start=1):
            kinds = [rewrite.kind for rewrite in passage.rewrites]
            writer.writerow(
                [
                    _cell(report.suspicious.id),
                    _cell(result.document.id),
                    number,
                    str(passage.match_type),
                    passage.score,
                    passage.suspicious.start,
                    passage.suspicious.end,
                    passage.source.start,
                    passage.source.end,
                    kinds.count(RewriteKind.SUBSTITUTION),
                    sum(rewrite.synonym for rewrite in passage.rewrites),
                    kinds.count(RewriteKind.INSERTION),
                    kinds.count(RewriteKind.DELETION),
                    _cell(_rewrites_cell(passage)),
                    _cell(suspicious_text[passage.suspicious.start : passage.suspicious.end]),
                    _cell(source_text[passage.source.start : passage.source.end]),
                ]
            )
    return buffer.getvalue()
