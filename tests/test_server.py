"""Tests of the web app: pages, the JSON API, limits, tokens and errors (FastAPI's
TestClient, in process), and ``unspin serve`` on a real socket."""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

import unspin.server._app
from conftest import news_article
from unspin import Document, Index, align
from unspin.cli import app as cli_app
from unspin.report import compare_documents, report_to_json
from unspin.server import (
    IndexUnavailableError,
    ServerSettings,
    bind,
    create_app,
    missing_dependencies,
)

ROOT = Path(__file__).resolve().parents[1]
SPUN = (ROOT / "examples" / "spun.txt").read_text(encoding="utf-8")
ORIGINAL = (ROOT / "examples" / "original.txt").read_text(encoding="utf-8")


def _client(*, raise_server_exceptions: bool = True, **settings: object) -> TestClient:
    options: dict[str, object] = {"workers": 0}
    options.update(settings)
    return TestClient(
        create_app(ServerSettings(**options)),  # type: ignore[arg-type]
        raise_server_exceptions=raise_server_exceptions,
    )


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    with _client() as test_client:
        yield test_client


def _compare_body(**extra: object) -> dict[str, object]:
    body: dict[str, object] = {
        "suspicious": {"text": SPUN, "name": "spun.txt"},
        "source": {"text": ORIGINAL, "name": "original.txt"},
    }
    body.update(extra)
    return body


def _assert_error(response: httpx.Response, status: int, *fragments: str) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and "\n" not in detail
    assert "Traceback" not in response.text
    for fragment in fragments:
        assert fragment in detail
    return detail


# --- the JSON API ----------------------------------------------------------------------------


def test_api_compare_returns_the_alignment_report(client: TestClient) -> None:
    response = client.post("/api/compare", json=_compare_body())
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-unspin-verdict"] == "spun-copy"
    data = response.json()
    assert data["schema"] == "unspin.alignment/1"
    assert data["suspicious"]["name"] == "spun.txt"
    assert data["verdict"] == str(align(SPUN, ORIGINAL).verdict)
    report = compare_documents(Document("spun.txt", SPUN), Document("original.txt", ORIGINAL))
    assert data == json.loads(report_to_json(report))


@pytest.mark.parametrize(("output", "kind"), [("html", "text/html"), ("csv", "text/csv")])
def test_api_compare_renders_html_and_csv(client: TestClient, output: str, kind: str) -> None:
    response = client.post("/api/compare", json=_compare_body(format=output))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(kind)
    if output == "html":
        assert response.text.startswith("<!DOCTYPE html>") and 'id="c0-s-p1"' in response.text
    else:
        assert response.text.startswith("suspicious,source,passage,")
        assert response.headers["content-disposition"] == 'attachment; filename="spun.unspin.csv"'


def test_api_reads_html_inputs(client: TestClient) -> None:
    page = (
        "<html><body>" + "".join(f"<p>{p}</p>" for p in ORIGINAL.split("\n\n")) + "</body></html>"
    )
    body = _compare_body(source={"text": page, "name": "original.html"})
    data = client.post("/api/compare", json=body).json()
    source = data["passages"][0]["source"]
    assert source["text"] == page[source["start"] : source["end"]]  # raw HTML offsets
    assert data["verdict"] == "spun-copy"


@pytest.mark.parametrize(
    ("body", "fragments"),
    [
        (_compare_body(suspicious={"text": SPUN, "path": "/etc/passwd"}), ["suspicious.path"]),
        ({"suspicious": {"path": "/etc/passwd"}, "source": {"text": "x"}}, ["suspicious.text"]),
        (_compare_body(source={"text": ""}), ["source.text"]),
        (_compare_body(format="pdf"), ["format"]),
        ({"suspicious": {"text": SPUN}}, ["source: Field required"]),
        (_compare_body(source={"text": "   \n"}), ["is empty"]),
    ],
    ids=["path-field", "path-only", "empty", "format", "missing", "blank"],
)
def test_api_bad_requests_are_one_line_422s(
    client: TestClient, body: dict[str, object], fragments: list[str]
) -> None:
    _assert_error(client.post("/api/compare", json=body), 422, *fragments)


def test_api_malformed_json_is_a_422(client: TestClient) -> None:
    response = client.post(
        "/api/compare", content=b'{"suspicious": ', headers={"content-type": "application/json"}
    )
    _assert_error(response, 422, "JSON")


def test_a_body_that_is_not_utf8_json_text_is_a_422(client: TestClient) -> None:
    # FastAPI answered 400 "There was an error parsing the body"; the README says 422.
    json_type = {"content-type": "application/json"}
    latin1 = '{"suspicious": {"text": "caf\xe9"}, "source": {"text": "x"}}'.encode("latin-1")
    _assert_error(client.post("/api/compare", content=latin1, headers=json_type), 422, "UTF-8")
    gzipped = {**json_type, "content-encoding": "gzip"}
    body = gzip.compress(json.dumps(_compare_body()).encode())
    _assert_error(client.post("/api/compare", content=body, headers=gzipped), 422, "not JSON")


def test_the_page_and_health_answer_head_requests(client: TestClient) -> None:
    for path in ("/", "/api/health"):
        response = client.head(path)
        assert response.status_code == 200 and response.content == b""


def test_a_body_that_is_no_json_object_says_what_is_wanted(client: TestClient) -> None:
    plain = client.post("/api/compare", content=b"hello", headers={"content-type": "text/plain"})
    _assert_error(plain, 422, "the body must be a JSON object, sent as application/json")
    _assert_error(client.post("/api/compare", json=[1, 2]), 422, "must be a JSON object")


def test_html_takes_true_false_or_null_only(client: TestClient) -> None:
    # A lax bool read "yes" and "0" as answers.
    for value in ("yes", "0", 1):
        body = _compare_body()
        body["suspicious"] = {"text": SPUN, "html": value}
        _assert_error(client.post("/api/compare", json=body), 422, "suspicious.html")
    body["suspicious"] = {"text": SPUN, "html": False}
    assert client.post("/api/compare", json=body).status_code == 200


def test_lone_surrogates_in_json_are_a_clear_422(client: TestClient) -> None:
    body = '{"suspicious": {"text": "top \\ud800 summit"}, "source": {"text": "summit"}}'
    response = client.post(
        "/api/compare", content=body.encode(), headers={"content-type": "application/json"}
    )
    _assert_error(response, 422, "suspicious.text", "unicode")


def test_request_size_limit_is_a_clear_413() -> None:
    with _client(max_request_bytes=20_000) as small:
        big = _compare_body(suspicious={"text": "word " * 5000})
        _assert_error(small.post("/api/compare", json=big), 413, "over the 0.02 MiB limit")

        def chunks() -> Iterator[bytes]:  # no Content-Length: read until over the limit
            yield json.dumps(big).encode()

        response = small.post(
            "/api/compare", content=chunks(), headers={"content-type": "application/json"}
        )
        _assert_error(response, 413, "--max-request-size")
        assert small.post("/api/compare", json=_compare_body()).status_code == 200
        page = small.post("/compare", data={"suspicious_text": "word " * 5000})
        assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")


def test_bearer_token() -> None:
    with _client(token="s3cret") as guarded:
        _assert_error(guarded.post("/api/compare", json=_compare_body()), 401, "bearer token")
        wrong = {"Authorization": "Bearer nope"}
        _assert_error(guarded.post("/api/compare", json=_compare_body(), headers=wrong), 401)
        right = {"Authorization": "Bearer s3cret"}
        assert guarded.post("/api/compare", json=_compare_body(), headers=right).status_code == 200
        assert guarded.get("/api/health").json()["token_required"] is True
        # The form asks for the token in a field.
        assert 'name="token"' in guarded.get("/").text
        form = {"suspicious_text": SPUN, "source_text": ORIGINAL}
        assert guarded.post("/compare", data=form).status_code == 401
        assert guarded.post("/compare", data={**form, "token": "s3cret"}).status_code == 200


def test_errors_never_show_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> None:
        raise RuntimeError("secret internals")

    monkeypatch.setattr(unspin.server._app, "compare_job", broken)
    with _client(raise_server_exceptions=False) as failing:
        response = failing.post("/api/compare", json=_compare_body())
        detail = _assert_error(response, 500, "internal error (RuntimeError)")
        assert "secret internals" not in detail
        page = failing.post("/compare", data={"suspicious_text": SPUN, "source_text": ORIGINAL})
        assert page.status_code == 500 and "Traceback" not in page.text
    assert failing.get("/api/nope").json() == {"detail": "Not Found"}


def test_health_and_openapi(client: TestClient) -> None:
    health = client.get("/api/health").json()
    assert health["status"] == "ok" and health["search"] is False and health["workers"] == 0
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {"/api/compare", "/api/search", "/api/health"}
    compare = schema["paths"]["/api/compare"]["post"]
    assert {"200", "401", "413", "422"} <= set(compare["responses"])
    search = schema["paths"]["/api/search"]["post"]
    assert {"200", "401", "413", "422", "501"} <= set(search["responses"])
    report = schema["components"]["schemas"]["SearchReport"]
    assert {"schema", "query", "verdict", "query_coverage", "sources"} <= set(report["properties"])
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    request = schema["components"]["schemas"]["TextInput"]
    assert set(request["properties"]) == {"text", "name", "html"}
    assert request["additionalProperties"] is False
    assert client.get("/docs").status_code == 404  # its scripts come from a CDN


# --- the pages ------------------------------------------------------------------------------------


def test_form_page(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'") and "form-action 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    page = response.text
    assert 'action="/compare"' in page and 'name="suspicious_file"' in page
    assert 'action="/search"' not in page and "<script" not in page


def test_form_compare_pasted_texts_gives_the_report(client: TestClient) -> None:
    response = client.post("/compare", data={"suspicious_text": SPUN, "source_text": ORIGINAL})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/html")
    assert 'id="verdict">spun copy<' in response.text


def test_form_upload_names_are_labels_not_paths(client: TestClient) -> None:
    page = "<p>" + ORIGINAL.replace("\n\n", "</p><p>") + "</p>"
    files = {"source_file": ("../../etc/original.html", page.encode(), "text/html")}
    response = client.post(
        "/compare", data={"suspicious_text": SPUN, "format": "json"}, files=files
    )
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["source"]["name"] == "original.html"
    assert data["source"]["length"] == len(page)


@pytest.mark.parametrize(
    ("data", "files", "status", "fragment"),
    [
        ({"source_text": ORIGINAL}, {}, 422, "suspicious: paste a text or upload a file"),
        (
            {"suspicious_text": SPUN, "source_text": ORIGINAL},
            {"source_file": ("o.txt", ORIGINAL.encode(), "text/plain")},
            422,
            "not both",
        ),
        (
            {"suspicious_text": SPUN},
            {"source_file": ("o.bin", bytes(range(256)) * 8, "application/octet-stream")},
            422,
            "binary",
        ),
        ({"suspicious_text": SPUN, "source_text": ORIGINAL, "format": "pdf"}, {}, 422, "format"),
    ],
    ids=["missing", "both", "binary", "format"],
)
def test_form_errors_are_pages(
    client: TestClient, data: dict[str, str], files: dict[str, object], status: int, fragment: str
) -> None:
    response = client.post("/compare", data=data, files=files or None)  # type: ignore[arg-type]
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert fragment in response.text and "Traceback" not in response.text


# --- search ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small index: the example original among generated news articles."""
    path = tmp_path_factory.mktemp("server") / "news.idx"
    with Index.open(path, create=True) as index:
        index.add(Document("original.txt", ORIGINAL))
        index.add(Document(f"news/{seed:02d}.txt", news_article(seed)) for seed in range(6))
    return path


@pytest.fixture(scope="module")
def searching(index_dir: Path) -> Iterator[TestClient]:
    with _client(index_dir=index_dir) as test_client:
        yield test_client


def test_search_without_an_index_is_a_clear_501(client: TestClient) -> None:
    body = {"suspicious": {"text": SPUN}}
    _assert_error(client.post("/api/search", json=body), 501, "--index INDEX_DIR")
    page = client.post("/search", data={"suspicious_text": SPUN})
    assert page.status_code == 501 and "--index" in page.text


def test_api_search_returns_the_search_report(searching: TestClient) -> None:
    assert 'action="/search"' in searching.get("/").text
    assert searching.get("/api/health").json()["search"] is True
    body = {"suspicious": {"text": SPUN, "name": "page.txt"}, "top": 5}
    response = searching.post("/api/search", json=body)
    assert response.status_code == 200, response.text
    assert response.headers["x-unspin-verdict"] == "spun-copy"
    data = response.json()
    assert data["schema"] == "unspin.search/1"
    assert data["query"] == {"name": "page.txt", "length": len(SPUN)}
    assert [source["id"] for source in data["sources"]] == ["original.txt"]
    passage = data["sources"][0]["alignment"]["passages"][0]
    start, end = passage["source"]["start"], passage["source"]["end"]
    assert passage["source"]["text"] == ORIGINAL[start:end] and end - start > 2000
    # A coverage floor above the source's leaves it out, as `unspin search --min-coverage`.
    covered = data["sources"][0]["query_coverage"]
    assert 0.5 < covered < 1
    floor = {**body, "min_coverage": round(covered + 0.005, 3)}
    assert searching.post("/api/search", json=floor).json()["sources"] == []
    floor["min_coverage"] = round(covered - 0.005, 3)
    assert len(searching.post("/api/search", json=floor).json()["sources"]) == 1
    floor["min_coverage"] = 1.5
    _assert_error(searching.post("/api/search", json=floor), 422, "min_coverage")
    unrelated = {"suspicious": {"text": "Tomatoes need sun, water and a deep pot of compost."}}
    nothing = searching.post("/api/search", json=unrelated).json()
    assert nothing["sources"] == [] and nothing["verdict"] == "no-copy"


@pytest.mark.parametrize("output", ["html", "csv"])
def test_api_search_renders_html_and_csv(searching: TestClient, output: str) -> None:
    body = {"suspicious": {"text": SPUN, "name": "page.txt"}, "format": output}
    response = searching.post("/api/search", json=body)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith(f"text/{output}")
    if output == "html":
        assert "against 1 source" in response.text and 'id="c0-r-p1"' in response.text
    else:
        rows = list(csv.DictReader(io.StringIO(response.text)))
        pairs = [(row["suspicious"], row["source"]) for row in rows]
        assert pairs == [("page.txt", "original.txt")]
        assert "page.unspin.csv" in response.headers["content-disposition"]


def test_an_index_directory_replaced_while_the_app_runs_is_opened_anew(tmp_path: Path) -> None:
    # The open index went on reading the deleted database (and its deleted segments).
    path = tmp_path / "live.idx"
    with Index.open(path, create=True) as index:
        index.add(Document("original.txt", ORIGINAL))
    body = {"suspicious": {"text": SPUN}}
    with _client(index_dir=path) as app:
        found = app.post("/api/search", json=body).json()["sources"]
        assert [source["id"] for source in found] == ["original.txt"]
        rebuilt = tmp_path / "rebuilt.idx"
        with Index.open(rebuilt, create=True) as index:
            index.add(Document("restored.txt", ORIGINAL))
        shutil.rmtree(path)
        rebuilt.rename(path)
        response = app.post("/api/search", json=body)
        assert response.status_code == 200, response.text
        assert [source["id"] for source in response.json()["sources"]] == ["restored.txt"]


def test_search_form_and_errors(searching: TestClient, index_dir: Path) -> None:
    page = searching.post("/search", data={"suspicious_text": SPUN, "top": "1"})
    assert page.status_code == 200 and "against 1 source" in page.text
    assert "original.txt" in page.text
    bad_top = searching.post("/search", data={"suspicious_text": SPUN, "top": "0"})
    assert bad_top.status_code == 422 and "top: must be between 1 and 100" in bad_top.text
    _assert_error(searching.post("/api/search", json={"suspicious": {"text": "x"}, "top": 0}), 422)
    # No file system path from a client: there is no such field.
    path = {"suspicious": {"text": "x", "path": str(index_dir)}}
    _assert_error(searching.post("/api/search", json=path), 422, "path")
    with _client(index_dir=index_dir, token="s3cret", max_request_bytes=2048) as guarded:
        body = {"suspicious": {"text": "The leaders met."}}
        _assert_error(guarded.post("/api/search", json=body), 401)
        big = {"suspicious": {"text": SPUN}}
        headers = {"Authorization": "Bearer s3cret"}
        _assert_error(guarded.post("/api/search", json=big, headers=headers), 413, "limit")
        ok = guarded.post("/api/search", json=body, headers=headers)
        assert ok.status_code == 200 and ok.json()["sources"] == []
    # That app's shutdown left the index of this one (same process, same index) open.
    assert searching.post("/api/search", json={"suspicious": {"text": SPUN}}).status_code == 200


def test_an_index_that_cannot_be_opened_stops_the_app(tmp_path: Path, index_dir: Path) -> None:
    with pytest.raises(IndexUnavailableError, match="no such index"):
        create_app(ServerSettings(index_dir=tmp_path / "missing.idx"))
    damaged = tmp_path / "damaged.idx"
    shutil.copytree(index_dir, damaged)
    for segment in (damaged / "segments").iterdir():
        segment.write_bytes(segment.read_bytes()[:100])  # searched, each would fail
    with pytest.raises(IndexUnavailableError, match="truncated or damaged"):
        create_app(ServerSettings(index_dir=damaged))


# --- worker processes and the real server ---------------------------------------------------------


def test_alignment_and_search_run_in_worker_processes(index_dir: Path) -> None:
    with _client(workers=1, index_dir=index_dir) as pooled:
        response = pooled.post("/api/compare", json=_compare_body())
        assert response.status_code == 200
        assert response.json()["verdict"] == "spun-copy"
        assert pooled.get("/api/health").json()["workers"] == 1
        found = pooled.post("/api/search", json={"suspicious": {"text": SPUN}})
        assert found.status_code == 200, found.text
        assert [source["id"] for source in found.json()["sources"]] == ["original.txt"]


runner = CliRunner()


def test_serve_without_its_dependencies_is_one_line() -> None:
    assert missing_dependencies() == []
    # A Python where FastAPI and its kin cannot be imported (a plain `pip install .`).
    blocked = "fastapi", "starlette", "anyio", "uvicorn", "python_multipart"
    code = (
        "import sys\n"
        f"for name in {blocked!r}: sys.modules[name] = None\n"
        "from unspin.cli import main\n"
        "sys.exit(main(['serve']))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr == (
        "unspin: error: the web app needs fastapi, uvicorn, python-multipart: "
        "pip install 'unspin[server]' (in a checkout: pip install '.[server]')\n"
    )


def test_serve_bad_options_are_one_line(tmp_path: Path) -> None:
    not_an_index = tmp_path / "index"
    not_an_index.write_text("not an index\n", encoding="utf-8")
    result = runner.invoke(cli_app, ["serve", "--index", str(not_an_index)])
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert "--index" in result.output and "Traceback" not in result.output
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = runner.invoke(cli_app, ["serve", "--port", str(port), "--workers", "1"])
    assert result.exit_code == 2, result.output
    assert result.output.strip().endswith(
        f"cannot listen on 127.0.0.1:{port} (Address already in use)"
    )
    # an address it cannot listen on is told alone, without the warning about listening
    result = runner.invoke(cli_app, ["serve", "--host", "999.1.1.1", "--workers", "1"])
    assert result.exit_code == 2 and result.output.count("\n") == 1, result.output
    assert "cannot listen on 999.1.1.1" in result.output and "warning" not in result.output


def test_bind_defaults_to_loopback() -> None:
    listener = bind("127.0.0.1", 0)
    try:
        assert listener.getsockname()[0] == "127.0.0.1"
    finally:
        listener.close()
