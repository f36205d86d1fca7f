"""What the web app needs beyond the core (the ``server`` extra), checked without
importing any of it, so that a missing package is one clear line, not a traceback."""

from __future__ import annotations

import importlib.util

__all__ = ["missing_dependencies"]

# Distribution name -> import name, for everything the app imports.
_DEPENDENCIES = {
    "fastapi": "fastapi",
    "uvicorn": "uvicorn",
    "python-multipart": "python_multipart",
}


def missing_dependencies() -> list[str]:
    """The distributions of the ``server`` extra that are not installed."""
    missing = []
    for distribution, module in _DEPENDENCIES.items():
        try:
            found = importlib.util.find_spec(module) is not None
        except (ImportError, ValueError):  # a broken install, or a module set to None
            found = False
        if not found:
            missing.append(distribution)
    return missing
