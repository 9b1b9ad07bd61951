"""The portal has an icon: linked from every page, served at /favicon.ico too."""

from __future__ import annotations

from django.contrib.staticfiles import finders


def test_every_page_links_the_icon_and_the_file_exists(client, db):
    # given the sign-in page (any page extends base.html)
    html = client.get("/accounts/login/").content.decode()
    # then it links the SVG icon, which is a static file
    assert '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">' in html
    path = finders.find("img/favicon.svg")
    assert path is not None
    with open(path, encoding="utf-8") as icon:
        assert icon.read().lstrip().startswith("<svg")


def test_favicon_ico_leads_to_the_icon(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/img/favicon.svg"
