"""The web app: ``unspin serve``, a form page, the report, and a JSON API under ``/api/``.

Needs the ``server`` extra (``pip install 'unspin[server]'``: FastAPI, uvicorn,
python-multipart). :func:`create_app` gives the ASGI application; :func:`serve` runs it.
"""

from __future__ import annotations

from unspin.server._app import (
    DEFAULT_MAX_REQUEST_BYTES,
    IndexUnavailableError,
    ServerError,
    ServerSettings,
    create_app,
)
from unspin.server._serve import bind, missing_dependencies, serve

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
