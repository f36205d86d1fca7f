"""Running the app: uvicorn on a socket bound here, so a busy port is one clear error."""

from __future__ import annotations

import socket
from collections.abc import Callable

from unspin.server._app import ServerError, ServerSettings, create_app

__all__ = ["bind", "serve"]


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
    ``announce`` gets the server's address once it listens. Raise
    :class:`ServerError` when the address cannot be listened on or the index opened."""
    import uvicorn

    application = create_app(settings)  # checks the index first
    listener = bind(host, port)
    if announce is not None:
        bound_host, bound_port = listener.getsockname()[:2]
        shown = f"[{bound_host}]" if ":" in bound_host else bound_host
        announce(f"http://{shown}:{bound_port}/")
    config = uvicorn.Config(
        application,
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
