"""Terminal view of one search: the ranked sources, each with its passages.

A header (query name, number of sources, share of the query covered), then per source its
rank, id, verdict, score and coverage, and each passage: spans, match type, and the query's
text of it (head and tail when long; rewritten words marked as in ``unspin compare``).
"""

from __future__ import annotations

from collections.abc import Mapping

from rich.console import Console

from unspin.index._types import SearchResult
from unspin.report._terminal import (
    _LEGEND,
    _VERDICT_STYLE,
    _VERDICT_TEXT,
    _name,
    _passage_body,
    _passage_header,
    _percent,
    _print,
)

__all__ = ["render_search"]

_SEARCH_PASSAGE_CHARS = 400


def render_search(
    result: SearchResult,
    query_text: str,
    *,
    console: Console,
    query_name: str = "query",
    source_texts: Mapping[str, str] | None = None,
    full: bool = False,
    show_source: bool = False,
) -> None:
    """Print ``result`` (the sources of ``query_text``) on ``console``."""
    count = len(result.matches)
    if not count:
        _print(
            console,
            f"[bold]{_name(query_name)}[/]: "
            f"[{_VERDICT_STYLE[result.verdict]}]no source found in the index[/]",
        )
        return
    _print(
        console,
        f"[bold]{_name(query_name)}[/]: {count} source{'s' if count != 1 else ''}  ·  "
        f"{_percent(result.query_coverage)} of the query covered",
    )
    if any(p.rewrites for m in result.matches for p in m.alignment.passages):
        _print(console, f"[dim]key:[/] {_LEGEND}")
    texts = source_texts or {}
    for rank, match in enumerate(result.matches, start=1):
        console.print()
        passages = len(match.alignment.passages)
        _print(
            console,
            f"[bold]{rank}. {_name(match.id)}[/]  ·  "
            f"[{_VERDICT_STYLE[match.verdict]}]{_VERDICT_TEXT[match.verdict]}[/]  ·  "
            f"score {match.score:.2f}  ·  covers {_percent(match.query_coverage)} of the query, "
            f"{_percent(match.source_coverage)} of the source  ·  "
            f"{passages} passage{'s' if passages != 1 else ''}",
        )
        for number, passage in enumerate(match.alignment.passages, start=1):
            header = _passage_header(number, passage).replace("suspicious [", "query [", 1)
            _print(console, "  " + header)
            body = _passage_body(passage, query_text, full, _SEARCH_PASSAGE_CHARS)
            _print(console, body)
            source_text = texts.get(match.id)
            if show_source and source_text is not None:
                _print(console, "[dim]source:[/]")
                source_only = passage._replace(rewrites=())
                _print(
                    console,
                    _passage_body(source_only, source_text, full, _SEARCH_PASSAGE_CHARS, side=1),
                )
