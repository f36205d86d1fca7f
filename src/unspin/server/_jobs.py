"""The work behind each request, as pure functions of plain data.

They run in worker processes (or a thread when the server has no workers), never on
the event loop: alignment is CPU-bound and would stall every other connection.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from unspin.io import Document
from unspin.report import (
    Report,
    SourceResult,
    build_report,
    compare_documents,
    report_to_csv,
    report_to_html,
    report_to_json,
)
from unspin.server._schema import OutputFormat

__all__ = ["Rendered", "compare_job", "render", "search_report", "warm_up"]

_MEDIA_TYPES = {
    OutputFormat.JSON: "application/json",
    OutputFormat.HTML: "text/html; charset=utf-8",
    OutputFormat.CSV: "text/csv; charset=utf-8",
}


class Rendered(NamedTuple):
    """A report rendered for a response."""

    body: str
    media_type: str
    verdict: str


def render(report: Report, output: OutputFormat) -> Rendered:
    if output is OutputFormat.HTML:
        body = report_to_html(report)
    elif output is OutputFormat.CSV:
        body = report_to_csv(report)
    else:
        body = report_to_json(report, indent=None)
    verdicts = [str(result.alignment.verdict) for result in report.sources]
    return Rendered(body, _MEDIA_TYPES[output], verdicts[0] if len(verdicts) == 1 else "")


def compare_job(suspicious: Document, source: Document, output: OutputFormat) -> Rendered:
    """Align the two documents and render the report."""
    return render(compare_documents(suspicious, source), output)


def search_report(
    suspicious: Document, sources: Sequence[SourceResult], output: OutputFormat
) -> Rendered:
    """Render search results (always a multi-source report)."""
    return render(build_report(suspicious, sources, multi_source=True), output)


_WARM_UP_TEXT = (
    "The leaders held their first summit in the city on Thursday and agreed to meet "
    "again in the spring to talk about trade, security and the future of the region."
)


def warm_up() -> None:
    """Load the lexicon and run one tiny alignment, so a worker's first request is not
    the slow one."""
    document = Document("warm-up", _WARM_UP_TEXT)
    compare_job(document, document, OutputFormat.JSON)
