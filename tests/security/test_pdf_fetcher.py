"""WeasyPrint may read data: URLs and our own static files, nothing else."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from rollcall.pdf import BASE_URL, RefusedURL, fetch_for_pdf, html_to_pdf


class _Recorder(BaseHTTPRequestHandler):
    seen: list[str] = []

    def do_GET(self) -> None:
        _Recorder.seen.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "text/css")
        self.end_headers()
        self.wfile.write(b"body { color: red }")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def outside_server() -> Iterator[str]:
    _Recorder.seen = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_a_data_url_is_read() -> None:
    response = fetch_for_pdf("data:text/plain;base64,aGVsbG8=")
    assert response.read() == b"hello"


def test_our_static_file_is_read_from_disk() -> None:
    response = fetch_for_pdf(f"{BASE_URL}static/rollcall/init.js")
    on_disk = (Path(__file__).resolve().parents[2] / "rollcall/static/rollcall/init.js").read_bytes()
    assert response.read() == on_disk
    assert response.headers.get_content_type() in {"text/javascript", "application/javascript"}


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://169.254.169.254/latest/meta-data/",
        "https://attacker.example/static/rollcall/init.js",
        f"{BASE_URL}media/policies/secret.pdf",
        f"{BASE_URL}static/../settings.py",
        f"{BASE_URL}static/rollcall/%2e%2e/%2e%2e/settings.py",
        "ftp://127.0.0.1/x",
    ],
)
def test_anything_else_is_refused(url: str) -> None:
    with pytest.raises(RefusedURL):
        fetch_for_pdf(url)


def test_a_pdf_naming_an_outside_address_never_reaches_it(outside_server: str) -> None:
    html = (
        f'<html><head><link rel="stylesheet" href="{outside_server}/style.css"></head>'
        f'<body><p>Letter</p><img src="{outside_server}/pixel.png"><img src="file:///etc/hostname"></body></html>'
    )
    pdf = html_to_pdf(html)
    assert pdf.startswith(b"%PDF")
    assert _Recorder.seen == []


def test_the_outside_server_in_this_test_does_answer(outside_server: str) -> None:
    """The check above could pass with a server that never answers; this one shows it answers."""
    import urllib.request

    with urllib.request.urlopen(f"{outside_server}/style.css") as r:  # noqa: S310 - loopback test server
        assert r.read() == b"body { color: red }"
    assert _Recorder.seen == ["/style.css"]


def test_every_pdf_goes_through_rollcall_pdf() -> None:
    """WeasyPrint is imported in one module only, so no PDF is made without the fetcher."""
    import ast

    root = Path(__file__).resolve().parents[2] / "rollcall"
    importers = []
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            names = (
                [a.name for a in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if any(n.split(".")[0] == "weasyprint" for n in names):
                importers.append(str(path.relative_to(root)))
    assert sorted(set(importers)) == ["pdf.py"]
