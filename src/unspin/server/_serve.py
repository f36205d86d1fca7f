"""Running the app: uvicorn on a socket bound here, so a busy port is one clear error."""

from __future__ import annotations

import importlib
import socket
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from unspin._exceptions import UnspinError
from unspin.io import Document
from unspin.report import SourceResult
from unspin.server._app import SearchBackend, ServerSettings, create_app

__all__ = ["ServerError", "bind", "missing_dependencies", "open_index", "serve"]

# Import names of what the web app needs beyond the core (the ``server`` extra).
_DEPENDENCIES = {
    "fastapi": "fastapi",
    "uvicorn": "uvicorn",
    "python-multipart": "python_multipart",
}


class ServerError(UnspinError):
    """The server cannot start: the address is taken, the index cannot be opened..."""


def missing_dependencies() -> list[str]:
    """The distributions of the ``server`` extra that are not installed."""
    missing = []
    for distribution, module in _DEPENDENCIES.items():
        try:
            importlib.import_module(module)
        except ImportError:
            missing.append(distribution)
    return missing


class _IndexSearch:
    """The source index seen through :class:`~unspin.server.SearchBackend`.

    This is the one place that knows the index's API (issue 7: ``Index.open(path)`` and
    ``.search(text)`` returning ranked sources, each with its own alignment).
    """

    def __init__(self, index: Any) -> None:
        self._index = index

    def search(self, document: Document, *, top: int) -> Sequence[SourceResult]:
        from unspin.index import SearchOptions

        result = self._index.search(
            document.text, html=document.html, options=SearchOptions(top=top)
        )
        sources = []
        for match in result.matches:
            stored = self._index.get(match.id)
            if stored is not None:  # removed since the search: nothing to show
                source = Document(match.id, stored.text, path=stored.path, html=stored.html)
                sources.append(SourceResult(source, match.alignment))
        return sources


def open_index(path: Path) -> SearchBackend:
    """Open the source index at ``path`` for searching; :class:`ServerError` when this
    version of unspin has no index, or the directory is not one."""
    try:
        module = importlib.import_module("unspin.index")
        index_class = module.Index
    except (ImportError, AttributeError):
        raise ServerError(
            f"--index {path}: this version of unspin has no source index (unspin.index); "
            "run the server without --index"
        ) from None
    try:
        return _IndexSearch(index_class.open(path))
    except UnspinError as exc:
        raise ServerError(f"--index {path}: {exc}") from None


def bind(host: str, port: int) -> socket.socket:
    """A listening TCP socket on ``host``:``port``; :class:`ServerError` if it cannot be."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        listener = socket.socket(family, kind, proto)
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(address)
        listener.listen(2048)
    except OSError as exc:
        raise ServerError(f"cannot listen on {host}:{port} ({exc.strerror or exc})") from None
    return listener


def serve(
    settings: ServerSettings,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    access_log: bool = True,
    log_level: str = "info",
    announce: Callable[[str], None] | None = None,
) -> None:
    """Serve the app until interrupted (Ctrl-C or SIGTERM stop it cleanly).
    ``announce`` gets the server's address once it listens."""
    import uvicorn

    listener = bind(host, port)
    if announce is not None:
        bound_host, bound_port = listener.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        announce(f"http://{shown}:{bound_port}/")
    config = uvicorn.Config(
        create_app(settings),
        log_level=log_level,
        access_log=access_log,
        server_header=False,
        timeout_graceful_shutdown=10,
        timeout_keep_alive=30,
    )
    try:
        uvicorn.Server(config).run(sockets=[listener])
    finally:
        listener.close()
