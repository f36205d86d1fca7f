"""Reports: PAN XML, JSON, terminal views."""

from __future__ import annotations

from unspin.report._json import (
    SCHEMA_VERSION,
    alignment_from_dict,
    alignment_to_dict,
    alignment_to_json,
)
from unspin.report._pan import (
    PanFeature,
    alignment_to_pan_features,
    format_pan_xml,
    parse_pan_xml,
    read_pan_xml,
    write_pan_xml,
)
from unspin.report._search_json import (
    SEARCH_SCHEMA_VERSION,
    search_result_from_dict,
    search_result_to_dict,
    search_result_to_json,
)
from unspin.report._search_terminal import render_search
from unspin.report._terminal import render_alignment

__all__ = [
    "SCHEMA_VERSION",
    "SEARCH_SCHEMA_VERSION",
    "PanFeature",
    "alignment_from_dict",
    "alignment_to_dict",
    "alignment_to_json",
    "alignment_to_pan_features",
    "format_pan_xml",
    "parse_pan_xml",
    "read_pan_xml",
    "render_alignment",
    "render_search",
    "search_result_from_dict",
    "search_result_to_dict",
    "search_result_to_json",
    "write_pan_xml",
]
