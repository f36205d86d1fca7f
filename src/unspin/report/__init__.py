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
from unspin.report._terminal import render_alignment

__all__ = [
    "SCHEMA_VERSION",
    "PanFeature",
    "alignment_from_dict",
    "alignment_to_dict",
    "alignment_to_json",
    "alignment_to_pan_features",
    "format_pan_xml",
    "parse_pan_xml",
    "read_pan_xml",
    "render_alignment",
    "write_pan_xml",
]
