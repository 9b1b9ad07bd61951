"""HTML to PDF with weasyprint, for worker tasks only (never in a web request: weasyprint keeps
the whole document in memory and uses one core; workers have a memory limit per child,
``CELERY_WORKER_MAX_MEMORY_PER_CHILD``).

The output is deterministic: the same HTML gives the same bytes. weasyprint writes no dates
unless the document names them, and this module clears them in any case; the file identifier
is derived from the HTML itself, so two renders of the same report are byte-identical and its
SHA-256 identifies its content.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

# Fonts and images come from the HTML itself (CSS, SVG in data URLs): no network, no file access.
BASE_URL = "file:///nonexistent/"


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int
    sha256: str


def render_pdf(html: str, *, title: str = "") -> RenderedPdf:
    """``html`` (a whole document) as a PDF, with its page count and SHA-256."""
    import weasyprint  # imported here: ~40 MB and only the worker that renders needs it

    document = weasyprint.HTML(
        string=html, base_url=BASE_URL, url_fetcher=_data_urls_only()
    ).render()
    metadata = document.metadata
    metadata.created = None
    metadata.modified = None
    if title:
        metadata.title = title
    identifier = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32].encode("ascii")
    content = document.write_pdf(pdf_identifier=identifier)
    return RenderedPdf(
        content=content,
        pages=len(document.pages),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _data_urls_only():
    """Reports are self-contained: the charts are data URLs (``bpo.charts.svg_image``); a
    stray link to a file or a host fetches nothing (weasyprint logs it and goes on)."""
    import weasyprint

    return weasyprint.urls.URLFetcher(allowed_protocols={"data"})
