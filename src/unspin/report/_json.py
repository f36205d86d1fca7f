"""JSON report of one alignment: a stable, versioned, self-describing document.

The layout (``"schema": "unspin.alignment/1"``), keys always in this order::

    {
      "schema": "unspin.alignment/1",
      "suspicious": {"name": "spun.txt", "length": 3520},
      "source": {"name": "original.txt", "length": 3120},
      "verdict": "spun-copy",
      "score": 0.61,
      "coverage": {"suspicious": 0.93, "suspicious_percent": 93.0,
                   "source": 0.97, "source_percent": 97.0},
      "match_types": {"identical": {"passages": 0, "suspicious_chars": 0, "source_chars": 0},
                      "minor-changes": {...}, "spun": {...}},
      "passages": [
        {"index": 1,
         "suspicious": {"start": 0, "end": 3420, "length": 3420, "text": "..."},
         "source": {"start": 0, "end": 3090, "length": 3090, "text": "..."},
         "score": 0.66, "match_type": "spun",
         "rewrites": [{"kind": "substitution",
                       "suspicious": {"start": 12, "end": 15, "text": "top"},
                       "source": {"start": 10, "end": 16, "text": "summit"},
                       "synonym": true}, ...]}
      ]
    }

Spans are half-open ``[start, end)`` character offsets (Python ``str`` indexes) into the
raw input texts. ``length`` of a document and ``text`` of a passage are present only when
the texts were given (``null`` / absent otherwise). Coverages are word shares in [0, 1].
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from unspin._exceptions import FormatError
from unspin.align._types import Alignment, MatchType, Passage, Rewrite, RewriteKind, Span, Verdict
from unspin.report._model import Report

__all__ = [
    "REPORT_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "alignment_from_dict",
    "alignment_to_dict",
    "alignment_to_json",
    "report_to_dict",
    "report_to_json",
]

SCHEMA_VERSION = "unspin.alignment/1"
REPORT_SCHEMA_VERSION = "unspin.report/1"


def _span_dict(span: Span, text: str | None) -> dict[str, Any]:
    entry: dict[str, Any] = {"start": span.start, "end": span.end, "length": span.length}
    if text is not None:
        entry["text"] = text[span.start : span.end]
    return entry


def _rewrite_dict(rewrite: Rewrite) -> dict[str, Any]:
    return {
        "kind": str(rewrite.kind),
        "suspicious": {
            "start": rewrite.suspicious.start,
            "end": rewrite.suspicious.end,
            "text": rewrite.suspicious_text,
        },
        "source": {
            "start": rewrite.source.start,
            "end": rewrite.source.end,
            "text": rewrite.source_text,
        },
        "synonym": rewrite.synonym,
    }


def _match_type_totals(passages: tuple[Passage, ...]) -> dict[str, dict[str, int]]:
    totals = {
        str(kind): {"passages": 0, "suspicious_chars": 0, "source_chars": 0} for kind in MatchType
    }
    for passage in passages:
        entry = totals[str(passage.match_type)]
        entry["passages"] += 1
        entry["suspicious_chars"] += passage.suspicious.length
        entry["source_chars"] += passage.source.length
    return totals


def alignment_to_dict(
    alignment: Alignment,
    *,
    suspicious_name: str,
    source_name: str,
    suspicious_text: str | None = None,
    source_text: str | None = None,
) -> dict[str, Any]:
    """The JSON-ready dict of ``alignment`` (see the module docstring for the layout)."""
    return {
        "schema": SCHEMA_VERSION,
        "suspicious": {
            "name": suspicious_name,
            "length": None if suspicious_text is None else len(suspicious_text),
        },
        "source": {
            "name": source_name,
            "length": None if source_text is None else len(source_text),
        },
        "verdict": str(alignment.verdict),
        "score": alignment.score,
        "coverage": {
            "suspicious": alignment.suspicious_coverage,
            "suspicious_percent": round(alignment.suspicious_coverage * 100, 2),
            "source": alignment.source_coverage,
            "source_percent": round(alignment.source_coverage * 100, 2),
        },
        "match_types": _match_type_totals(alignment.passages),
        "passages": [
            {
                "index": number,
                "suspicious": _span_dict(passage.suspicious, suspicious_text),
                "source": _span_dict(passage.source, source_text),
                "score": passage.score,
                "match_type": str(passage.match_type),
                "rewrites": [_rewrite_dict(rewrite) for rewrite in passage.rewrites],
            }
            for number, passage in enumerate(alignment.passages, start=1)
        ],
    }


def alignment_to_json(
    alignment: Alignment,
    *,
    suspicious_name: str,
    source_name: str,
    suspicious_text: str | None = None,
    source_text: str | None = None,
    indent: int | None = 2,
) -> str:
    """:func:`alignment_to_dict` as JSON text (UTF-8 friendly, newline-terminated)."""
    data = alignment_to_dict(
        alignment,
        suspicious_name=suspicious_name,
        source_name=source_name,
        suspicious_text=suspicious_text,
        source_text=source_text,
    )
    return json.dumps(data, indent=indent, ensure_ascii=False) + "\n"


def _span_of(entry: Mapping[str, Any]) -> Span:
    return Span(int(entry["start"]), int(entry["end"]))


def alignment_from_dict(data: Mapping[str, Any]) -> Alignment:
    """Rebuild the :class:`~unspin.align.Alignment` of a report made by
    :func:`alignment_to_dict`; raise :class:`~unspin.FormatError` for anything else."""
    schema = data.get("schema") if isinstance(data, Mapping) else None
    if schema != SCHEMA_VERSION:
        raise FormatError(f"not an {SCHEMA_VERSION} report (schema: {schema!r})")
    try:
        passages = tuple(
            Passage(
                suspicious=_span_of(entry["suspicious"]),
                source=_span_of(entry["source"]),
                score=float(entry["score"]),
                match_type=MatchType(entry["match_type"]),
                rewrites=tuple(
                    Rewrite(
                        kind=RewriteKind(rewrite["kind"]),
                        suspicious=_span_of(rewrite["suspicious"]),
                        source=_span_of(rewrite["source"]),
                        suspicious_text=str(rewrite["suspicious"]["text"]),
                        source_text=str(rewrite["source"]["text"]),
                        synonym=bool(rewrite["synonym"]),
                    )
                    for rewrite in entry["rewrites"]
                ),
            )
            for entry in data["passages"]
        )
        return Alignment(
            passages=passages,
            suspicious_coverage=float(data["coverage"]["suspicious"]),
            source_coverage=float(data["coverage"]["source"]),
            score=float(data["score"]),
            verdict=Verdict(data["verdict"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"malformed {SCHEMA_VERSION} report ({exc!r})") from None


def report_to_dict(report: Report) -> dict[str, Any]:
    """The JSON-ready dict of a :class:`~unspin.report.Report`.

    A comparison of two texts is its ``unspin.alignment/1`` document (the same as
    :func:`alignment_to_dict`); the report of a search (:func:`report_from_search`) its
    ``unspin.search/1`` document (:func:`search_result_to_dict`). Any other multi-source
    report is an ``unspin.report/1`` document::

        {"schema": "unspin.report/1",
         "suspicious": {"name": "page.html", "length": 5120, "words": 812},
         "similarity": {"matched_words": 530, "words": 812, "share": 0.6527,
                        "percent": 65.27},
         "match_types": {"identical": {"passages": 1, "words": 80}, ...},
         "sources": [<one unspin.alignment/1 document per source, in rank order>]}
    """
    suspicious = report.suspicious
    if report.search is not None:
        # Imported here: the search report is written with this module's functions.
        from unspin.report._search_json import search_result_to_dict

        return search_result_to_dict(
            report.search,
            query_name=suspicious.id,
            query_text=suspicious.text,
            source_texts={r.document.id: r.document.text for r in report.sources},
            query_path=suspicious.path,
        )
    documents = [
        alignment_to_dict(
            result.alignment,
            suspicious_name=suspicious.id,
            source_name=result.document.id,
            suspicious_text=suspicious.text,
            source_text=result.document.text,
        )
        for result in report.sources
    ]
    if not report.multi_source and len(documents) == 1:
        return documents[0]
    return {
        "schema": REPORT_SCHEMA_VERSION,
        "suspicious": {
            "name": suspicious.id,
            "length": len(suspicious.text),
            "words": report.words,
        },
        "similarity": {
            "matched_words": report.matched_words,
            "words": report.words,
            "share": round(report.similarity, 4),
            "percent": round(report.similarity * 100, 2),
        },
        "match_types": {
            str(kind): {"passages": totals.passages, "words": totals.words}
            for kind, totals in report.match_types
        },
        "sources": documents,
    }


def report_to_json(report: Report, *, indent: int | None = 2) -> str:
    """:func:`report_to_dict` as JSON text (UTF-8 friendly, newline-terminated)."""
    return json.dumps(report_to_dict(report), indent=indent, ensure_ascii=False) + "\n"
