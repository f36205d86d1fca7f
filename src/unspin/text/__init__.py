"""Text handling: normalisation, tokens and word knowledge."""

from __future__ import annotations

from unspin.text._lexicon import Lexicon

__all__ = [
    "Lexicon",
]
