"""PDFs from HTML, with WeasyPrint allowed to read nothing but ``data:`` URLs and our static files.

A letter or report can carry text someone typed (a name, a note). Were that text ever to reach
the HTML as markup, a default WeasyPrint would fetch whatever URL it named: a file on the server
(``file:///etc/...``) or an address inside the council's network. The fetcher here refuses every
URL except ``data:`` and files under ``STATIC_URL``, which it reads from disk, never over HTTP.
"""

from __future__ import annotations

import logging
import mimetypes
from typing import Any
from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

log = logging.getLogger(__name__)

# Relative URLs in a template ("/static/...") resolve against this; it is never fetched.
BASE_URL = "https://rollcall.invalid/"


class RefusedURL(ValueError):
    """A URL the PDF renderer may not fetch."""


def static_file(path: str) -> bytes | None:
    """The bytes of a static file named by its URL path, from the collected files or the finders."""
    prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    if not path.startswith(prefix):
        return None
    name = unquote(path.removeprefix(prefix))
    if not name or ".." in name.split("/"):
        return None
    try:
        if staticfiles_storage.exists(name):
            with staticfiles_storage.open(name) as f:
                data: bytes = f.read()
                return data
    except (OSError, ValueError):  # manifest storage without the manifest: try the finders
        pass
    found = finders.find(name)
    if isinstance(found, str):
        with open(found, "rb") as f:
            return f.read()
    return None


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnlyFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            parts = urlsplit(url)
            if parts.scheme in {"http", "https"} and f"{parts.scheme}://{parts.netloc}/" == BASE_URL:
                body = static_file(parts.path)
                if body is not None:
                    content_type = mimetypes.guess_type(parts.path)[0] or "application/octet-stream"
                    return URLFetcherResponse(url, body, {"Content-Type": content_type})
            log.warning("PDF renderer refused a URL", extra={"scheme": parts.scheme})
            raise RefusedURL(f"refused: {parts.scheme}")

    return StaticOnlyFetcher


def fetch_for_pdf(url: str) -> Any:
    """What the PDF renderer gets for ``url`` (for tests): the response, or ``RefusedURL``."""
    return _fetcher_class()()(url)


def html_to_pdf(html: str) -> bytes:
    """Render ``html`` to PDF bytes with the static-only fetcher. Every PDF Roll Call makes comes
    from here."""
    import weasyprint  # heavy (about 0.5 s to import): only PDF downloads need it

    pdf: bytes = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_fetcher_class()()).write_pdf()
    return pdf
