"""Reports: HTML (self-contained, side by side), CSV, JSON, PAN XML, terminal views."""

from __future__ import annotations

from unspin.report._check_report import (
    CheckReport,
    CheckReportWriter,
    is_check_report,
    read_check_report,
)
from unspin.report._csv import CSV_COLUMNS, report_to_csv
from unspin.report._html import MATCH_TYPE_LABELS, report_to_html
from unspin.report._json import (
    REPORT_SCHEMA_VERSION,
    SCHEMA_VERSION,
    alignment_from_dict,
    alignment_to_dict,
    alignment_to_json,
    report_to_dict,
    report_to_json,
)
from unspin.report._model import (
    VERDICT_LABELS,
    MatchTotals,
    Report,
    SourceResult,
    build_report,
    compare_documents,
    report_from_search,
)
from unspin.report._names import ReportNames
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
    "CSV_COLUMNS",
    "MATCH_TYPE_LABELS",
    "REPORT_SCHEMA_VERSION",
    "SCHEMA_VERSION",
    "SEARCH_SCHEMA_VERSION",
    "VERDICT_LABELS",
    "CheckReport",
    "CheckReportWriter",
    "MatchTotals",
    "PanFeature",
    "Report",
    "ReportNames",
    "SourceResult",
    "alignment_from_dict",
    "alignment_to_dict",
    "alignment_to_json",
    "alignment_to_pan_features",
    "build_report",
    "compare_documents",
    "format_pan_xml",
    "is_check_report",
    "parse_pan_xml",
    "read_check_report",
    "read_pan_xml",
    "render_alignment",
    "render_search",
    "report_from_search",
    "report_to_csv",
    "report_to_dict",
    "report_to_html",
    "report_to_json",
    "search_result_from_dict",
    "search_result_to_dict",
    "search_result_to_json",
    "write_pan_xml",
]
