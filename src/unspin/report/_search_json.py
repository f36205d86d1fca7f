"""JSON report of one search: the ranked sources of a query, each with its alignment.

The layout (``"schema": "unspin.search/1"``), keys always in this order::

    {
      "schema": "unspin.search/1",
      "query": {"name": "page.html", "length": 5210},
      "verdict": "spun-copy",
      "query_coverage": 0.81, "query_coverage_percent": 81.0,
      "sources": [
        {"rank": 1, "id": "bbc/business/012.txt",
         "score": 0.62, "verdict": "partial-copy",
         "query_coverage": 0.45, "query_coverage_percent": 45.0,
         "source_coverage": 0.97, "evidence": 212.4, "support": 96,
         "alignment": {"schema": "unspin.alignment/1", ...}},
        ...
      ],
      "candidates": [{"id": "bbc/business/012.txt", "evidence": 212.4,
                      "verified": true, "copy": true}, ...]
    }

``verdict`` is the best source's verdict (``no-copy`` when ``sources`` is empty);
``query_coverage`` is the share of the query's words inside a passage of any source, each
source's own ``query_coverage`` the share inside its passages; ``evidence`` is the
retrieval evidence that made it a candidate and ``support`` the fingerprints its passages
share with it. ``alignment`` is the source's
full :mod:`unspin.alignment/1 <unspin.report._json>` report with the query as the suspicious
side: its passages' spans index the query and the source's stored text (``text`` fields
present when the texts were given). ``candidates`` (optional) are what retrieval proposed,
by evidence, and what verification made of them. ``unspin check`` writes one such object
per line (``--out report.jsonl``), with ``"query": {"name": ..., "path": ..., "length": ...}``
and, last, the ``"check"`` settings the line was checked with (see
:class:`~unspin.report.CheckReportWriter`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from unspin._exceptions import FormatError
from unspin.align._types import Verdict
from unspin.index._types import Candidate, SearchResult, SourceMatch
from unspin.report._json import alignment_from_dict, alignment_to_dict

__all__ = [
    "SEARCH_SCHEMA_VERSION",
    "search_result_from_dict",
    "search_result_to_dict",
    "search_result_to_json",
]

SEARCH_SCHEMA_VERSION = "unspin.search/1"


def search_result_to_dict(
    result: SearchResult,
    *,
    query_name: str,
    query_text: str | None = None,
    source_texts: Mapping[str, str] | None = None,
    query_path: str | None = None,
    candidates: bool = False,
) -> dict[str, Any]:
    """The JSON-ready dict of ``result`` (see the module docstring for the layout).

    ``source_texts`` (id -> stored text) adds passage texts on the source side;
    ``candidates`` adds the retrieval candidates.
    """
    texts = source_texts or {}
    query: dict[str, Any] = {"name": query_name}
    if query_path is not None:
        query["path"] = query_path
    query["length"] = None if query_text is None else len(query_text)
    data: dict[str, Any] = {
        "schema": SEARCH_SCHEMA_VERSION,
        "query": query,
        "verdict": str(result.verdict),
        "query_coverage": result.query_coverage,
        "query_coverage_percent": round(result.query_coverage * 100, 2),
        "sources": [
            {
                "rank": rank,
                "id": match.id,
                "score": match.score,
                "verdict": str(match.verdict),
                "query_coverage": match.query_coverage,
                "query_coverage_percent": round(match.query_coverage * 100, 2),
                "source_coverage": match.source_coverage,
                "evidence": match.evidence,
                "support": match.support,
                "alignment": alignment_to_dict(
                    match.alignment,
                    suspicious_name=query_name,
                    source_name=match.id,
                    suspicious_text=query_text,
                    source_text=texts.get(match.id),
                ),
            }
            for rank, match in enumerate(result.matches, start=1)
        ],
    }
    if candidates:
        data["candidates"] = [candidate._asdict() for candidate in result.candidates]
    return data


def search_result_to_json(
    result: SearchResult,
    *,
    query_name: str,
    query_text: str | None = None,
    source_texts: Mapping[str, str] | None = None,
    query_path: str | None = None,
    candidates: bool = False,
    indent: int | None = 2,
) -> str:
    """:func:`search_result_to_dict` as JSON text (newline-terminated; one line when
    ``indent`` is ``None``, as in ``unspin check`` reports)."""
    data = search_result_to_dict(
        result,
        query_name=query_name,
        query_text=query_text,
        source_texts=source_texts,
        query_path=query_path,
        candidates=candidates,
    )
    return json.dumps(data, indent=indent, ensure_ascii=False) + "\n"


def search_result_from_dict(data: Mapping[str, Any]) -> SearchResult:
    """Rebuild the :class:`~unspin.index.SearchResult` of a report made by
    :func:`search_result_to_dict`; raise :class:`~unspin.FormatError` for anything else."""
    schema = data.get("schema") if isinstance(data, Mapping) else None
    if schema != SEARCH_SCHEMA_VERSION:
        raise FormatError(f"not an {SEARCH_SCHEMA_VERSION} report (schema: {schema!r})")
    try:
        matches = tuple(
            SourceMatch(
                id=str(entry["id"]),
                score=float(entry["score"]),
                verdict=Verdict(entry["verdict"]),
                query_coverage=float(entry["query_coverage"]),
                source_coverage=float(entry["source_coverage"]),
                evidence=float(entry["evidence"]),
                support=int(entry["support"]),
                alignment=alignment_from_dict(entry["alignment"]),
            )
            for entry in data["sources"]
        )
        candidates = tuple(
            Candidate(
                id=str(entry["id"]),
                evidence=float(entry["evidence"]),
                verified=bool(entry["verified"]),
                copy=bool(entry["copy"]),
            )
            for entry in data.get("candidates", ())
        )
        return SearchResult(matches, float(data["query_coverage"]), candidates)
    except (KeyError, TypeError, ValueError) as exc:
        raise FormatError(f"malformed {SEARCH_SCHEMA_VERSION} report ({exc!r})") from None
