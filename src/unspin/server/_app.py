"""The FastAPI application: pages, the JSON API, limits and errors.

A thin shell: requests become :class:`~unspin.io.Document` values, the work is done by
:mod:`unspin.server._jobs` in worker processes (alignment is CPU-bound; on the event
loop it would stall every connection), and every failure is a clear 4xx/5xx answer,
JSON under ``/api/`` and a page elsewhere, never a traceback.
"""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import os
import re
import secrets
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import Executor, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import asynccontextmanager
from pathlib import Path, PurePosixPath
from typing import Annotated, Any, NamedTuple, TypeVar

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from unspin import __version__
from unspin._exceptions import IndexStoreError, InputError, InputTooLargeError, UnspinError
from unspin.index import Index
from unspin.io import Document, document_from_bytes, document_from_text, safe_name
from unspin.server._jobs import (
    Rendered,
    compare_job,
    hold_index,
    release_index,
    search_job,
    warm_up,
)
from unspin.server._middleware import BodySizeLimit, SecurityHeaders
from unspin.server._pages import PAGE_POLICY, error_page, form_page
from unspin.server._schema import (
    AlignmentReport,
    CompareRequest,
    ErrorResponse,
    Health,
    OutputFormat,
    SearchReport,
    SearchRequest,
    TextInput,
)

__all__ = [
    "DEFAULT_MAX_REQUEST_BYTES",
    "IndexUnavailableError",
    "ServerError",
    "ServerSettings",
    "create_app",
]

DEFAULT_MAX_REQUEST_BYTES = 10 * 2**20
_MAX_FORM_FIELDS = 20
_NO_INDEX = "searching needs an index: start the server with --index INDEX_DIR"

logger = logging.getLogger("unspin.server")
_UNREAD_BODY = "There was an error parsing the body"
_bearer = HTTPBearer(auto_error=False, description="Only when the server has a --token.")
_Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
_T = TypeVar("_T")


class ServerError(UnspinError):
    """The server cannot start: the address is taken, the index cannot be opened..."""


class IndexUnavailableError(ServerError):
    """The server's ``index_dir`` cannot be opened (missing, foreign, damaged, too new)."""


class ServerSettings(NamedTuple):
    """How the app runs. ``workers``: alignment processes (``None``: one per core; ``0``:
    a thread of the server process, for tests). ``token``: when set, every operation
    needs ``Authorization: Bearer <token>`` (the forms take it in a field). ``index_dir``: a
    source index directory (``unspin index add``) to search: each worker opens it once;
    without one the search page is hidden and ``/api/search`` answers 501."""

    max_request_bytes: int = DEFAULT_MAX_REQUEST_BYTES
    token: str | None = None
    workers: int | None = None
    index_dir: str | Path | None = None


class _ApiError(Exception):
    def __init__(self, status: int, detail: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(detail)
        self.status, self.detail, self.headers = status, detail, headers


class _Runner:
    """Runs jobs off the event loop: in a process pool, or a thread when it has none."""

    def __init__(self, workers: int, index: str | None) -> None:
        self.workers = workers
        self._index = index
        self._pool: Executor | None = None

    def _new_pool(self) -> Executor:
        # spawn, not fork: the server process has threads (event loop, thread pool).
        context = multiprocessing.get_context("spawn")
        return ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=warm_up, initargs=(self._index,)
        )

    async def start(self) -> None:
        if not self.workers and self._index is not None:
            hold_index(self._index)  # searches run in threads of this process
        if self.workers:
            self._pool = self._new_pool()
            loop = asyncio.get_running_loop()
            # One job per worker starts every worker now, not on the first requests.
            await asyncio.gather(
                *(loop.run_in_executor(self._pool, int) for _ in range(self.workers))
            )

    def stop(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        if not self.workers and self._index is not None:
            release_index(self._index)

    async def run(self, function: Callable[..., _T], *args: Any) -> _T:
        if self._pool is None:
            return await anyio.to_thread.run_sync(function, *args)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._pool, function, *args)
        except BrokenProcessPool:
            logger.error("a worker process died; starting new workers")
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = self._new_pool()
            raise _ApiError(503, "a worker process died; please retry") from None


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def _error(request: Request, status: int, detail: str, **extra: Any) -> Response:
    headers = extra.pop("headers", None)
    if _is_api(request):
        return JSONResponse({"detail": detail, **extra}, status_code=status, headers=headers)
    return HTMLResponse(
        error_page(status, detail),
        status_code=status,
        headers={**(headers or {}), "Content-Security-Policy": PAGE_POLICY},
    )


def _one_line(errors: Sequence[Any]) -> tuple[str, list[dict[str, object]]]:
    cleaned: list[dict[str, object]] = []
    parts: list[str] = []
    for error in errors:
        location = [str(part) for part in error.get("loc", ()) if part != "body"]
        message = str(error.get("msg", "invalid"))
        if not location and error.get("type") == "model_attributes_type":
            # a body that is no JSON object, most often one sent as text/plain
            message = "the body must be a JSON object, sent as application/json"
        cleaned.append({"loc": location, "msg": message, "type": str(error.get("type", ""))})
        parts.append(f"{'.'.join(location) or 'request'}: {message}")
    return "invalid request: " + "; ".join(parts), cleaned


def _attachment(name: str, extension: str) -> dict[str, str]:
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", PurePosixPath(name).stem).strip("._") or "report"
    return {"Content-Disposition": f'attachment; filename="{stem}.unspin.{extension}"'}


def _respond(rendered: Rendered, output: OutputFormat, name: str) -> Response:
    headers = {"X-Unspin-Verdict": rendered.verdict} if rendered.verdict else {}
    if output is OutputFormat.CSV:
        headers.update(_attachment(name, "csv"))
    return Response(rendered.body, media_type=rendered.media_type, headers=headers)


def _document(entry: TextInput, default_name: str) -> Document:
    return document_from_text(entry.text, name=safe_name(entry.name, default_name), html=entry.html)


def _checked_index(path: str | Path) -> str:
    """``path`` made absolute (workers agree on it wherever they start), after opening
    the index there once: a missing or damaged one fails now, not on the first search."""
    try:
        with Index.open(path) as index:
            index.verify()
    except UnspinError as exc:
        raise IndexUnavailableError(f"--index: {exc}") from None
    return str(Path(path).expanduser().absolute())


def create_app(settings: ServerSettings | None = None) -> FastAPI:
    """The web app (an ASGI application; ``unspin serve`` runs it with uvicorn).
    Raise :class:`IndexUnavailableError` when ``settings.index`` cannot be opened."""
    settings = settings or ServerSettings()
    workers = (os.cpu_count() or 1) if settings.workers is None else settings.workers
    index_path = _checked_index(settings.index_dir) if settings.index_dir is not None else None
    runner = _Runner(workers, index_path)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await runner.start()
        try:
            yield
        finally:
            runner.stop()

    app = FastAPI(
        title="unspin",
        version=__version__,
        summary="Find spun (synonym-rewritten, paraphrased) copies of text.",
        description="Align a suspicious text with a possible source (`/api/compare`) or "
        "search an index for its sources (`/api/search`). Every error is JSON: "
        '`{"detail": "<one line>"}`.',
        lifespan=lifespan,
        # The interactive docs pages load their scripts from a CDN; the schema is here.
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
    )

    def token_ok(credentials: HTTPAuthorizationCredentials | None, form_token: str = "") -> bool:
        if settings.token is None:
            return True
        given = credentials.credentials if credentials is not None else form_token
        return secrets.compare_digest(given.encode("utf-8"), settings.token.encode("utf-8"))

    def require_token(credentials: _Credentials) -> None:
        if not token_ok(credentials):
            raise _ApiError(401, "a valid bearer token is required", {"WWW-Authenticate": "Bearer"})

    # --- errors ---------------------------------------------------------------------------

    @app.exception_handler(_ApiError)
    async def api_error(request: Request, exc: _ApiError) -> Response:
        return _error(request, exc.status, exc.detail, headers=exc.headers)

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, exc: HTTPException) -> Response:
        if exc.status_code == 400 and exc.detail == _UNREAD_BODY:
            # FastAPI's word for a body it could not decode (not UTF-8, compressed,
            # nested past the parser's depth): a malformed request, as bad JSON is
            detail = "invalid request: the body is not JSON text (UTF-8, uncompressed)"
            return _error(request, 422, detail)
        return _error(request, exc.status_code, str(exc.detail), headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        detail, errors = _one_line(exc.errors())
        return _error(request, 422, detail, errors=errors)

    @app.exception_handler(UnspinError)
    async def input_error(request: Request, exc: UnspinError) -> Response:
        if isinstance(exc, IndexStoreError):  # the server's index, not the request
            logger.error("the index cannot be searched: %s", exc)
            return _error(request, 503, "the index cannot be searched now; please retry")
        status = 413 if isinstance(exc, InputTooLargeError) else 422
        return _error(request, status, str(exc) if isinstance(exc, InputError) else "bad input")

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        logger.exception("internal error on %s %s", request.method, request.url.path)
        return _error(request, 500, f"internal error ({type(exc).__name__})")

    # --- pages ----------------------------------------------------------------------------

    page_headers = {"Content-Security-Policy": PAGE_POLICY}

    @app.api_route("/", methods=["GET", "HEAD"], include_in_schema=False)  # HEAD: monitors
    async def index() -> HTMLResponse:
        page = form_page(
            search=index_path is not None,
            token_required=settings.token is not None,
            max_request_bytes=settings.max_request_bytes,
        )
        return HTMLResponse(page, headers=page_headers)

    async def read_form(request: Request) -> dict[str, str | UploadFile]:
        try:
            form = await request.form(
                max_files=4,
                max_fields=_MAX_FORM_FIELDS,
                max_part_size=settings.max_request_bytes,
            )
        except MultiPartException as exc:
            raise _ApiError(400, f"malformed form: {exc.message}") from None
        if not token_ok(None, str(form.get("token") or "")):
            raise _ApiError(401, "a valid access token is required")
        return dict(form.items())

    async def form_document(form: dict[str, str | UploadFile], prefix: str, label: str) -> Document:
        text, upload = form.get(f"{prefix}_text"), form.get(f"{prefix}_file")
        has_text = isinstance(text, str) and text.strip() != ""
        has_file = isinstance(upload, UploadFile) and bool(upload.filename)
        if has_text and has_file:
            raise _ApiError(422, f"{label}: paste a text or upload a file, not both")
        if isinstance(upload, UploadFile) and has_file:
            data = await upload.read()
            name = safe_name(upload.filename, label)
            return document_from_bytes(data, name=name, max_bytes=settings.max_request_bytes)
        if not has_text:
            raise _ApiError(422, f"{label}: paste a text or upload a file")
        assert isinstance(text, str)
        return document_from_text(text.replace("\r\n", "\n"), name=label)

    def form_format(form: dict[str, str | UploadFile]) -> OutputFormat:
        value = form.get("format") or "html"
        try:
            return OutputFormat(str(value))
        except ValueError:
            raise _ApiError(422, f"format: must be html, json or csv, not {value!r}") from None

    @app.post("/compare", include_in_schema=False)
    async def compare_form(request: Request) -> Response:
        form = await read_form(request)
        suspicious = await form_document(form, "suspicious", "suspicious")
        source = await form_document(form, "source", "source")
        output = form_format(form)
        rendered = await runner.run(compare_job, suspicious, source, output)
        return _respond(rendered, output, suspicious.id)

    @app.post("/search", include_in_schema=False)
    async def search_form(request: Request) -> Response:
        if index_path is None:
            raise _ApiError(501, _NO_INDEX)
        form = await read_form(request)
        suspicious = await form_document(form, "suspicious", "suspicious")
        try:
            top = int(str(form.get("top") or 10))
        except ValueError:
            raise _ApiError(422, "top: must be a whole number") from None
        if not 1 <= top <= 100:
            raise _ApiError(422, "top: must be between 1 and 100")
        output = form_format(form)
        return await search(suspicious, top, output)

    async def search(
        suspicious: Document, top: int, output: OutputFormat, min_coverage: float = 0.0
    ) -> Response:
        assert index_path is not None
        job = search_job
        rendered = await runner.run(job, index_path, suspicious, top, output, min_coverage)
        return _respond(rendered, output, suspicious.id)

    # --- JSON API ---------------------------------------------------------------------------

    errors: dict[int | str, dict[str, Any]] = {
        status: {"model": ErrorResponse, "description": description}
        for status, description in (
            (401, "A token is required and was missing or wrong."),
            (413, "The request body is over the server's limit."),
            (422, "The request or a document is invalid (empty, binary...)."),
        )
    }
    report_content = {
        "application/json": {},
        "text/html": {"schema": {"type": "string"}},
        "text/csv": {"schema": {"type": "string"}},
    }

    @app.post(
        "/api/compare",
        summary="Align a suspicious text with a possible source",
        response_class=Response,
        responses={
            200: {
                "model": AlignmentReport,
                "description": "The `unspin.alignment/1` report (`format: json`), or the "
                "HTML page or CSV rows.",
                "content": report_content,
            },
            **errors,
        },
        dependencies=[Depends(require_token)],
    )
    async def api_compare(body: CompareRequest) -> Response:
        suspicious = _document(body.suspicious, "suspicious")
        source = _document(body.source, "source")
        rendered = await runner.run(compare_job, suspicious, source, body.format)
        return _respond(rendered, body.format, suspicious.id)

    @app.post(
        "/api/search",
        summary="Find the sources of a suspicious text in the index",
        response_class=Response,
        responses={
            200: {
                "model": SearchReport,
                "description": "The `unspin.search/1` report (`format: json`), or the "
                "HTML page (the text beside each source) or CSV rows.",
                "content": report_content,
            },
            501: {"model": ErrorResponse, "description": "The server has no index."},
            503: {"model": ErrorResponse, "description": "The index cannot be read now."},
            **errors,
        },
        dependencies=[Depends(require_token)],
    )
    async def api_search(body: SearchRequest) -> Response:
        if index_path is None:
            raise _ApiError(501, _NO_INDEX)
        suspicious = _document(body.suspicious, "suspicious")
        return await search(suspicious, body.top, body.format, body.min_coverage)

    @app.head("/api/health", include_in_schema=False)  # for monitors; GET's is the schema's
    async def health_head() -> Response:
        return Response()

    @app.get("/api/health", summary="Whether the server is up, and how it is set up")
    async def health() -> Health:
        return Health(
            status="ok",
            version=__version__,
            workers=workers,
            search=index_path is not None,
            max_request_bytes=settings.max_request_bytes,
            token_required=settings.token is not None,
        )

    app.add_middleware(BodySizeLimit, max_bytes=settings.max_request_bytes)
    app.add_middleware(SecurityHeaders)
    return app
