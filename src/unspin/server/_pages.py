"""The web app's own pages: the forms and the error page. No script; every value that
comes from a request is escaped."""

from __future__ import annotations

import base64
import hashlib
import html
from importlib import resources

from unspin import __version__

__all__ = ["PAGE_POLICY", "error_page", "form_page"]

_STYLE = (
    resources.files("unspin.server").joinpath("assets", "pages.css").read_text(encoding="utf-8")
)


def _hash(content: str) -> str:
    digest = hashlib.sha256(content.encode("utf-8")).digest()
    return "'sha256-" + base64.b64encode(digest).decode("ascii") + "'"


# The pages load nothing and run nothing; forms post back to this server only.
PAGE_POLICY = (
    f"default-src 'none'; style-src {_hash(_STYLE)}; form-action 'self'; base-uri 'none'; "
    "frame-ancestors 'none'"
)


def _page(title: str, body: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{PAGE_POLICY}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head>\n<body>\n{body}\n"
        f"<footer>unspin {html.escape(__version__)} · JSON API under <code>/api/</code> "
        "(<code>/api/compare</code>, <code>/api/search</code>), schema: "
        "<code>/openapi.json</code></footer>\n</body></html>\n"
    )


def _document_fields(prefix: str, legend: str) -> str:
    return (
        f"<fieldset><legend>{legend}</legend>"
        f'<label for="{prefix}_text">paste the text (plain text or HTML)</label>'
        f'<textarea id="{prefix}_text" name="{prefix}_text" spellcheck="false"></textarea>'
        f'<label for="{prefix}_file">or upload a file (.txt, .html)</label>'
        f'<input type="file" id="{prefix}_file" name="{prefix}_file" '
        'accept=".txt,.text,.html,.htm,.xhtml,text/plain,text/html">'
        "</fieldset>"
    )


def _format_select() -> str:
    return (
        '<label for="format">get</label><select id="format" name="format">'
        '<option value="html" selected>the report (HTML)</option>'
        '<option value="json">JSON</option><option value="csv">CSV</option></select>'
    )


def _token_field(token_required: bool) -> str:
    if not token_required:
        return ""
    return (
        '<label for="token">access token</label>'
        '<input type="password" id="token" name="token" autocomplete="current-password" required>'
    )


def form_page(*, search: bool, token_required: bool, max_request_bytes: int) -> str:
    """The start page: compare two texts; with an index, search one."""
    limit = f"{max_request_bytes / 2**20:.0f} MiB"
    body = [
        "<h1>unspin</h1>",
        '<p class="lead">Find spun (synonym-rewritten, paraphrased) copies: paste or upload a '
        "suspicious text and its possible source, and see side by side which passages were "
        f"copied and which words rewritten. Requests up to {limit}.</p>",
        '<form id="compare" method="post" action="/compare" enctype="multipart/form-data">',
        "<h2>Compare two texts</h2>",
        '<div class="pair">',
        _document_fields("suspicious", "suspicious text"),
        _document_fields("source", "possible source"),
        "</div>",
        '<div class="actions">',
        _format_select(),
        _token_field(token_required),
        '<button type="submit">Compare</button></div></form>',
    ]
    if search:
        body += [
            '<form id="search" method="post" action="/search" enctype="multipart/form-data">',
            "<h2>Search the index for the sources of a text</h2>",
            _document_fields("suspicious", "suspicious text")
            .replace('id="suspicious_', 'id="search_suspicious_')
            .replace('for="suspicious_', 'for="search_suspicious_'),
            '<div class="actions"><label for="top">sources at most</label>'
            '<input type="number" id="top" name="top" value="10" min="1" max="100">',
            _format_select()
            .replace('id="format"', 'id="search_format"')
            .replace('for="format"', 'for="search_format"'),
            _token_field(token_required)
            .replace('id="token"', 'id="search_token"')
            .replace('for="token"', 'for="search_token"'),
            '<button type="submit">Search</button></div></form>',
        ]
    return _page("unspin", "\n".join(body))


def error_page(status: int, message: str) -> str:
    """A page for a failed form post: the status and the one-line message."""
    return _page(
        f"unspin: error {status}",
        f'<h1>unspin</h1><p class="error" id="error"><b>Error {status}</b>: '
        f'{html.escape(message)}</p><p><a href="/">Back to the form</a></p>',
    )
