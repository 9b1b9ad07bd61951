"""``/api/docs/`` works on a machine without internet: Swagger UI comes from the portal's own
static files (drf-spectacular-sidecar), never from a CDN."""

from __future__ import annotations

import re
from urllib.parse import urlparse

from django.contrib.staticfiles import finders

ASSET = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|["'](https?://[^"']+)["']""")


def _urls(html: str) -> list[str]:
    return [a or b for a, b in ASSET.findall(html)]


def test_the_docs_page_references_only_local_static_files(client, db):
    # when anyone opens the API docs
    response = client.get("/api/docs/")
    html = response.content.decode()
    # then the page loads Swagger UI from /static/, and nothing from another host
    assert response.status_code == 200
    urls = _urls(html)
    assets = [url for url in urls if url.endswith((".js", ".css", ".png", ".svg", ".ico"))]
    assert any(url.endswith("swagger-ui-bundle.js") for url in assets), urls
    assert any(url.endswith("swagger-ui.css") for url in assets), urls
    for url in urls:
        assert not urlparse(url).netloc, f"{url} is loaded from another host"
    for url in assets:
        assert url.startswith("/static/"), url
        # and each of those files is there to serve
        assert finders.find(url.removeprefix("/static/")), f"{url} does not exist"


def test_the_docs_page_reads_the_portals_schema(client, db):
    html = client.get("/api/docs/").content.decode()
    assert "/api/schema/" in html
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"BPO Portal API" in schema.content
