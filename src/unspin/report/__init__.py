"""Reports: PAN XML, JSON, terminal views."""

from __future__ import annotations

from unspin.report._pan import PanFeature, format_pan_xml, parse_pan_xml, read_pan_xml, write_pan_xml

__all__ = ["PanFeature", "format_pan_xml", "parse_pan_xml", "read_pan_xml", "write_pan_xml"]
