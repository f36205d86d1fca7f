"""Request and response models of the JSON API (they make the OpenAPI schema).

Requests carry document text only: there is no field for a path, and unknown fields are
refused, so a client can never make the server read a file.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictBool

__all__ = [
    "AlignmentReport",
    "CompareRequest",
    "ErrorResponse",
    "Health",
    "OutputFormat",
    "SearchReport",
    "SearchRequest",
    "TextInput",
]

_NAME = Field(default=None, max_length=200, description="A label shown in the report.")


class OutputFormat(StrEnum):
    """What a request returns: the JSON report, the HTML page or the CSV rows."""

    JSON = "json"
    HTML = "html"
    CSV = "csv"


class TextInput(BaseModel):
    """One document: its text (plain text or HTML), a name and whether it is HTML."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[str, Field(min_length=1, description="The document's raw text.")]
    name: Annotated[str | None, _NAME] = None
    html: StrictBool | None = Field(  # strict: "yes" or "0" is no answer
        default=None,
        description="Read the text as HTML (true), as plain text (false), or decide from "
        "the name's suffix and the content (null).",
    )


class CompareRequest(BaseModel):
    """Align a suspicious text with one possible source."""

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "suspicious": {"text": "The leaders held their top in Hanoi.", "name": "a.txt"},
                    "source": {"text": "The leaders held their summit in Hanoi.", "name": "b.txt"},
                    "format": "json",
                }
            ]
        },
    )

    suspicious: TextInput
    source: TextInput
    format: OutputFormat = OutputFormat.JSON


class SearchRequest(BaseModel):
    """Find the sources of a suspicious text in the server's index."""

    model_config = ConfigDict(extra="forbid")

    suspicious: TextInput
    top: int = Field(default=10, ge=1, le=100, description="Sources to return at most.")
    min_coverage: float = Field(
        default=0.0,
        ge=0.0,
        le=1.0,
        description="Report only sources whose passages cover at least this share of the "
        "query's words (as `unspin search --min-coverage`).",
    )
    format: OutputFormat = OutputFormat.JSON


class ErrorResponse(BaseModel):
    """Every error: a one-line message (validation errors add their list)."""

    detail: str
    errors: list[dict[str, object]] | None = None


class Health(BaseModel):
    status: str
    version: str
    workers: int
    search: bool
    max_request_bytes: int
    token_required: bool


# Response documents: described for the schema only (the server writes the JSON itself).


class _SpanText(BaseModel):
    start: int
    end: int
    length: int | None = None
    text: str | None = None


class _Rewrite(BaseModel):
    kind: str = Field(description="substitution, insertion or deletion")
    suspicious: _SpanText
    source: _SpanText
    synonym: bool


class _Passage(BaseModel):
    index: int
    suspicious: _SpanText
    source: _SpanText
    score: float
    match_type: str = Field(description="identical, minor-changes or spun")
    rewrites: list[_Rewrite]


class _DocumentInfo(BaseModel):
    name: str
    length: int | None


class AlignmentReport(BaseModel):
    """An ``unspin.alignment/1`` report (README: Output formats)."""

    schema_: str = Field(alias="schema", examples=["unspin.alignment/1"])
    suspicious: _DocumentInfo
    source: _DocumentInfo
    verdict: str = Field(description="copy, spun-copy, partial-copy or no-copy")
    score: float
    coverage: dict[str, float]
    match_types: dict[str, dict[str, int]]
    passages: list[_Passage]


class _Query(BaseModel):
    name: str
    length: int | None


class _Source(BaseModel):
    rank: int
    id: str = Field(description="The source's document id in the index.")
    score: float
    verdict: str = Field(description="copy, spun-copy, partial-copy or no-copy")
    query_coverage: float
    query_coverage_percent: float
    source_coverage: float
    evidence: float = Field(description="The retrieval evidence that made it a candidate.")
    support: int = Field(description="Fingerprints its passages share with the source.")
    alignment: AlignmentReport = Field(
        description="The query (as the suspicious side) aligned with this source."
    )


class SearchReport(BaseModel):
    """An ``unspin.search/1`` report: the sources found in the index, best first, each
    with its ``unspin.alignment/1`` report (README: Output formats)."""

    schema_: str = Field(alias="schema", examples=["unspin.search/1"])
    query: _Query
    verdict: str = Field(description="The best source's verdict; no-copy when none.")
    query_coverage: float = Field(description="Share of the query's words in any passage.")
    query_coverage_percent: float
    sources: list[_Source]
