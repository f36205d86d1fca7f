"""The web app: ``unspin serve``, a form page, the report, and a JSON API under ``/api/``.

Needs the ``server`` extra (``pip install 'unspin[server]'``: FastAPI, uvicorn,
python-multipart). :func:`create_app` gives the ASGI application; :func:`serve` runs it.
Importing this package needs none of them: its names load on first use, and
:func:`missing_dependencies` says which are not installed.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from unspin.server._dependencies import missing_dependencies

if TYPE_CHECKING:
    from unspin.server._app import (
        DEFAULT_MAX_REQUEST_BYTES,
        IndexUnavailableError,
        ServerError,
        ServerSettings,
        create_app,
    )
    from unspin.server._serve import bind, serve

__all__ = [
    "DEFAULT_MAX_REQUEST_BYTES",
    "IndexUnavailableError",
    "ServerError",
    "ServerSettings",
    "bind",
    "create_app",
    "missing_dependencies",
    "serve",
]

_LAZY = {
    "DEFAULT_MAX_REQUEST_BYTES": "unspin.server._app",
    "IndexUnavailableError": "unspin.server._app",
    "ServerError": "unspin.server._app",
    "ServerSettings": "unspin.server._app",
    "create_app": "unspin.server._app",
    "bind": "unspin.server._serve",
    "serve": "unspin.server._serve",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
