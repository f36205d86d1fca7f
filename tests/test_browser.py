"""The report and the web app in a real browser: headless Chromium (Debian's package)
driven by Playwright.

Skipped, with the reason, when Chromium or Playwright is missing, so a plain ``pytest``
passes on a fresh machine; ``UNSPIN_REQUIRE_BROWSER=1`` (set by ``.ci/run``, which
installs Chromium) turns the skip into a failure. ``UNSPIN_CHROMIUM`` names another
Chromium binary than ``/usr/bin/chromium``.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import news_article
from unspin import Alignment, Document, Index, MatchType, Passage, Span, Verdict, read_document
from unspin.report import build_report, compare_documents, report_to_html, report_to_json
from unspin.server import ServerSettings, bind, create_app

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SEED_PAIR = ROOT / ".." / "shared" / "data" / "seed-pair"
CHROMIUM = os.environ.get("UNSPIN_CHROMIUM", "/usr/bin/chromium")
# Flags for a closed network: no background connections, no first-run work.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _unavailable() -> str | None:
    if not Path(CHROMIUM).exists():
        return f"Chromium not found at {CHROMIUM} (apt-get install chromium chromium-driver)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    reason = _unavailable()
    if reason is not None:
        if os.environ.get("UNSPIN_REQUIRE_BROWSER") == "1":
            pytest.fail(f"UNSPIN_REQUIRE_BROWSER=1 but {reason}")
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


class _Watched:
    """A page with every request, dialog and script error it makes recorded."""

    def __init__(self, browser: Any) -> None:
        self.context = browser.new_context(viewport={"width": 1300, "height": 900})
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda request: self.requests.append(request.url))
        self.page.on("dialog", self._dialog)
        self.page.on("pageerror", lambda error: self.errors.append(str(error)))

    def _dialog(self, dialog: Any) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser: Any) -> Iterator[_Watched]:
    page = _Watched(browser)
    try:
        yield page
    finally:
        page.close()


_FILLERS = {
    "garden": "Tomato plant {n} wants sunshine, compost and {m} litres of rain each fortnight.",
    "railway": "Platform {n} sees express trains depart at {m} minutes past every hour.",
}


def _filler(topic: str, lines: int) -> str:
    return "".join(_FILLERS[topic].format(n=n, m=n * 7 % 60) + "\n\n" for n in range(lines))


@pytest.fixture(scope="module")
def far_apart_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The example pair, each text pushed far down by unrelated lines, so that bringing
    one side's passage into view needs a scroll."""
    tmp_path = tmp_path_factory.mktemp("far-apart")
    spun = read_document(EXAMPLES / "spun.txt")
    original = read_document(EXAMPLES / "original.txt")
    suspicious = spun._replace(text=_filler("garden", 40) + spun.text)
    source = original._replace(text=_filler("railway", 70) + original.text)
    report = compare_documents(suspicious, source)
    assert len(report.sources[0].alignment.passages) == 1
    path = tmp_path / "report.html"
    path.write_text(report_to_html(report), encoding="utf-8")
    return path


def _scroll_top(page: Any, element_id: str) -> float:
    return float(page.eval_on_selector(f"#{element_id}", "element => element.scrollTop"))


def _visible_in(page: Any, pane_id: str, anchor_id: str) -> bool:
    return bool(
        page.evaluate(
            """([pane, anchor]) => {
                const box = document.getElementById(pane).getBoundingClientRect();
                const mark = document.getElementById(anchor).getBoundingClientRect();
                return mark.top >= box.top && mark.top < box.bottom;
            }""",
            [pane_id, anchor_id],
        )
    )


def test_clicking_a_passage_scrolls_the_other_side(
    watched: _Watched, far_apart_report: Path
) -> None:
    page = watched.page
    page.goto(far_apart_report.as_uri())
    assert _scroll_top(page, "c0-s") == 0 and _scroll_top(page, "c0-r") == 0
    assert not _visible_in(page, "c0-r", "c0-r-p1")
    # Click the suspicious side's passage: the source side comes to it.
    page.click("#c0-s-p1 .badge")  # Playwright scrolls the left side to it first
    assert _scroll_top(page, "c0-r") > 0
    assert _visible_in(page, "c0-r", "c0-r-p1")
    assert "current" in (page.get_attribute("#c0-r-p1", "class") or "")
    assert page.text_content("#position") == "passage 1 of 1"
    # And the other way round.
    page.eval_on_selector("#c0-s", "pane => { pane.scrollTop = 0; }")
    assert not _visible_in(page, "c0-s", "c0-s-p1")
    page.click("#c0-r-p1 .badge")
    assert _scroll_top(page, "c0-s") > 0
    assert _visible_in(page, "c0-s", "c0-s-p1")
    assert not watched.errors and not watched.dialogs


def test_hovering_a_rewritten_word_shows_the_original(
    watched: _Watched, far_apart_report: Path
) -> None:
    page = watched.page
    page.goto(far_apart_report.as_uri())
    page.keyboard.press("n")  # next passage: both sides scroll to passage 1
    assert _visible_in(page, "c0-s", "c0-s-p1") and _visible_in(page, "c0-r", "c0-r-p1")
    word = page.locator("#c0-s .rw.sub.syn").first
    word.scroll_into_view_if_needed()
    word.hover()
    shown, original = word.text_content(), word.get_attribute("data-orig")
    tip = word.evaluate("element => getComputedStyle(element, '::after').content")
    assert shown and original and shown != original
    assert tip == f'"{shown} ← {original} (synonym)"'
    assert word.get_attribute("title") == f"{shown} ← {original} (synonym)"


def test_the_report_makes_no_request_and_exports_its_data(
    watched: _Watched, tmp_path: Path
) -> None:
    spun, original = read_document(EXAMPLES / "spun.txt"), read_document(EXAMPLES / "original.txt")
    report = compare_documents(spun, original)
    path = tmp_path / "report.html"
    path.write_text(report_to_html(report), encoding="utf-8")
    page = watched.page
    page.goto(path.as_uri())
    with page.expect_download() as download:
        page.click("button[data-export=json]")
    assert download.value.suggested_filename == "spun.unspin.json"
    assert Path(download.value.path()).read_text(encoding="utf-8") == report_to_json(report)
    with page.expect_download() as download:
        page.click("button[data-export=csv]")
    assert download.value.suggested_filename == "spun.unspin.csv"
    page.click("button[data-nav=next]")
    page.emulate_media(media="print")
    assert page.eval_on_selector(".toolbar", "e => getComputedStyle(e).display") == "none"
    # Only the file itself (and the exports' blob: URLs) was ever loaded.
    assert [url for url in watched.requests if not url.startswith("blob:")] == [path.as_uri()]
    assert not watched.errors


HOSTILE = (
    "The council </script><script>window.pwned = 1; alert('script')</script> met again. "
    "<img src=x onerror=\"window.pwned = 2; alert('img')\"> "
    "</textarea><textarea><svg onload=\"alert('svg')\"> <!-- <b onmouseover=alert(1)>hover</b> "
    "<iframe src=\"javascript:alert('frame')\"></iframe> "
    '"><a href="javascript:alert(1)" id=evil>link</a> '
    "<style>body{display:none}</style> the end of the text."
)


@pytest.mark.parametrize("as_html", [False, True], ids=["as-text", "as-html"])
def test_nothing_in_a_document_runs(watched: _Watched, tmp_path: Path, as_html: bool) -> None:
    hostile = Document('"><img src=x onerror=alert(9)>.txt', HOSTILE, html=as_html)
    whole = Passage(Span(0, len(HOSTILE)), Span(0, len(HOSTILE)), 1.0, MatchType.IDENTICAL, ())
    alignment = Alignment((whole,), 1.0, 1.0, 1.0, Verdict.COPY)
    path = tmp_path / "hostile.html"
    path.write_text(report_to_html(build_report(hostile, [(hostile, alignment)])), "utf-8")
    page = watched.page
    page.goto(path.as_uri())
    page.hover("#c0-s-p1")
    page.click("#c0-s-p1 .badge")
    page.mouse.move(400, 400)
    time.sleep(0.2)
    assert page.evaluate("typeof window.pwned") == "undefined"
    assert watched.dialogs == [] and watched.errors == []
    assert page.locator("#c0-s img, #c0-s script, #c0-s svg, #c0-s iframe, #evil").count() == 0
    assert page.is_visible("#c0-s")  # the document's <style> did not hide the page
    shown = page.text_content("#c0-s") or ""
    if as_html:
        # Markup is not shown; an unclosed comment hides the rest, as in a browser.
        assert "window.pwned" not in shown and "The council met again." in shown
    else:
        assert "</script><script>window.pwned = 1;" in shown  # shown as text, unchanged
    assert [url for url in watched.requests] == [path.as_uri()]


# --- the web app -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small source index: the example original among generated news articles."""
    path = tmp_path_factory.mktemp("browser") / "news.idx"
    with Index.open(path, create=True) as index:
        index.add(read_document(EXAMPLES / "original.txt"))
        index.add(Document(f"news/{seed:02d}.txt", news_article(seed)) for seed in range(6))
    return path


@pytest.fixture(scope="module")
def live_server(browser: Any, index_dir: Path) -> Iterator[str]:
    """``unspin serve --index`` on a free loopback port, one worker process, in a thread."""
    import uvicorn

    listener = bind("127.0.0.1", 0)
    port = listener.getsockname()[1]
    app = create_app(ServerSettings(workers=1, index_dir=index_dir))
    config = uvicorn.Config(app, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        listener.close()


def test_the_form_gives_the_report_of_the_seed_pair(
    browser: Any, watched: _Watched, live_server: str, tmp_path: Path
) -> None:
    if not SEED_PAIR.is_dir():
        pytest.skip(f"the seed pair is not there ({SEED_PAIR})")
    spun = (SEED_PAIR / "spun.txt").read_text(encoding="utf-8")
    page = watched.page
    page.goto(live_server + "/")
    page.fill("#suspicious_text", spun)
    page.set_input_files("#source_file", str(SEED_PAIR / "original.txt"))  # an upload
    with page.expect_navigation():
        page.click("#compare button[type=submit]")
    assert page.url == live_server + "/compare"
    assert page.text_content("#verdict") in {"spun copy", "copy"}
    assert page.locator("#c0-s-p1").count() == 1 and page.locator("#c0-r-p1").count() == 1
    assert "original.txt" in (page.text_content(".compared") or "")
    # The same figures as the library's (the pasted text arrived unchanged).
    expected = compare_documents(
        Document("suspicious", spun), read_document(SEED_PAIR / "original.txt")
    )
    assert page.text_content("#similarity") == f"{expected.similarity * 100:.1f}%"
    assert not watched.errors and not watched.dialogs
    # A bad submission is an error page, not a traceback.
    page.goto(live_server + "/")
    page.fill("#suspicious_text", spun)
    with page.expect_navigation():
        page.click("#compare button[type=submit]")
    assert "source: paste a text or upload a file" in (page.text_content("#error") or "")


def test_the_search_form_gives_the_report_of_the_source_found(
    watched: _Watched, live_server: str, index_dir: Path
) -> None:
    spun = (EXAMPLES / "spun.txt").read_text(encoding="utf-8")
    page = watched.page
    page.goto(live_server + "/")
    page.fill("#search_suspicious_text", spun)
    with page.expect_navigation():
        page.click("#search button[type=submit]")
    assert page.url == live_server + "/search"
    assert page.text_content("#verdict") == "spun copy"
    assert "against 1 source" in (page.text_content(".compared") or "")
    assert (page.text_content(".sources tbody tr td:nth-child(2)") or "") == "original.txt"
    # The passage the library finds, on the right characters of both texts.
    with Index.open(index_dir) as index:
        result = index.search(spun)
        match, original = result.matches[0], index.sources(result)["original.txt"].text
    passage = match.alignment.passages[0]
    for side, text, span in (("s", spun, passage.suspicious), ("r", original, passage.source)):
        shown = page.eval_on_selector_all(
            f"#c0-{side} mark[data-p='1']",
            "marks => marks.map(m => [...m.childNodes].filter(n => !n.classList?.contains('badge'))"
            ".map(n => n.textContent).join('')).join('')",
        )
        assert "".join(shown.split()) == "".join(text[span.start : span.end].split())
    page.click("#c0-s-p1 .badge")
    assert "current" in (page.get_attribute("#c0-r-p1", "class") or "")
    assert not watched.errors and not watched.dialogs
