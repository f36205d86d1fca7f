"""PAN XML: the text-alignment exchange format of the PAN shared tasks.

A file describes one (suspicious, source) document pair::

    <document reference="suspicious-document00005.txt">
    <feature name="detected-plagiarism" this_offset="3593" this_length="698"
             source_reference="source-document01090.txt" source_offset="1300" source_length="698"/>
    </document>

Ground-truth files use ``name="plagiarism"`` and add ``obfuscation`` and ``type``.
Offsets are character offsets into the raw documents.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import NamedTuple

from unspin._exceptions import FormatError
from unspin.align._types import Alignment

__all__ = [
    "PanFeature",
    "alignment_to_pan_features",
    "format_pan_xml",
    "parse_pan_xml",
    "read_pan_xml",
    "write_pan_xml",
]


class PanFeature(NamedTuple):
    """One aligned passage (a detection, or a ground-truth case) of a document pair."""

    this_reference: str
    this_offset: int
    this_length: int
    source_reference: str
    source_offset: int
    source_length: int
    name: str = "detected-plagiarism"
    obfuscation: str | None = None


def alignment_to_pan_features(
    alignment: Alignment, *, suspicious: str, source: str
) -> list[PanFeature]:
    """The passages of ``alignment`` as PAN detections of the pair
    (``suspicious``, ``source``), named by their document references."""
    return [
        PanFeature(
            this_reference=suspicious,
            this_offset=p.suspicious.start,
            this_length=p.suspicious.length,
            source_reference=source,
            source_offset=p.source.start,
            source_length=p.source.length,
        )
        for p in alignment.passages
    ]


# Characters XML 1.0 cannot hold, even escaped: most C0 controls, surrogates, U+FFFE/F.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    """``text`` with the characters XML cannot hold written as escapes (``\\x01``), as a
    file name's bytes that are not UTF-8 are: a name holding one made the file unreadable."""
    return _NOT_XML.sub(lambda found: found.group().encode("unicode_escape").decode(), text)


def format_pan_xml(
    this_reference: str,
    features: Iterable[PanFeature],
    *,
    extra_attributes: Mapping[str, str] | None = None,
) -> str:
    """Return the PAN XML text for one suspicious document's features."""
    root = ET.Element("document", {"reference": _xml_safe(this_reference)})
    for feature in features:
        attributes = {"name": feature.name}
        if feature.obfuscation is not None:
            attributes["obfuscation"] = feature.obfuscation
        attributes.update(
            {
                "this_offset": str(feature.this_offset),
                "this_length": str(feature.this_length),
                "source_reference": feature.source_reference,
                "source_offset": str(feature.source_offset),
                "source_length": str(feature.source_length),
            }
        )
        if extra_attributes:
            attributes.update(extra_attributes)
        ET.SubElement(root, "feature", {key: _xml_safe(value) for key, value in attributes.items()})
    ET.indent(root, space="")
    return ET.tostring(root, encoding="unicode") + "\n"


def write_pan_xml(path: str | Path, this_reference: str, features: Iterable[PanFeature]) -> None:
    """Write one PAN XML file, atomically (a crash never leaves half a file)."""
    target = Path(path)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(format_pan_xml(this_reference, features), encoding="utf-8")
    tmp.replace(target)


def parse_pan_xml(text: str, *, origin: str = "<string>") -> list[PanFeature]:
    """Parse PAN XML text into its features (any ``name``), in file order."""
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise FormatError(f"{origin}: not valid PAN XML ({exc})") from None
    if root.tag != "document":
        raise FormatError(f"{origin}: not PAN XML (root element is <{root.tag}>)")
    this_reference = root.get("reference", "")
    features: list[PanFeature] = []
    for element in root.iter("feature"):
        if "this_offset" not in element.attrib:
            continue  # metadata features (e.g. "about") carry no passage
        try:
            feature = PanFeature(
                this_reference=this_reference,
                this_offset=int(element.attrib["this_offset"]),
                this_length=int(element.attrib["this_length"]),
                source_reference=element.attrib.get("source_reference", ""),
                source_offset=int(element.attrib["source_offset"]),
                source_length=int(element.attrib["source_length"]),
                name=element.attrib.get("name", ""),
                obfuscation=element.attrib.get("obfuscation"),
            )
        except (KeyError, ValueError) as exc:
            raise FormatError(f"{origin}: malformed <feature> ({exc})") from None
        spans = (feature.this_offset, feature.this_length, feature.source_offset)
        if min(*spans, feature.source_length) < 0 or max(*spans, feature.source_length) > _LIMIT:
            raise FormatError(f"{origin}: malformed <feature> (an offset or length out of range)")
        features.append(feature)
    return features


_LIMIT = 2**40  # offsets and lengths in characters: no document is longer


def read_pan_xml(path: str | Path) -> list[PanFeature]:
    """Read one PAN XML file."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise FormatError(f"{file}: cannot read ({exc.strerror})") from None
    return parse_pan_xml(text, origin=str(file))
