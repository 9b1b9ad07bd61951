"""Resolves a request to its client before any view runs.

Clients are addressed by path, so one host, one session cookie and a browser on a fresh
machine suffice: ``/c/<slug>/...`` for pages and ``/api/v1/clients/<slug>/...`` for the API.
Every other path runs in the public schema and has no ``request.tenant`` (django-tenants'
admin templates read its presence as "inside a client").

Whether a client exists must not show: a client path that matches no route is the 404 here
for everyone, and a route of an unknown slug runs without ``request.tenant``, so the view's
guard (``client_page``, ``bpo.api.base.ClientScopedPermission``) answers it exactly as it
answers a client the caller may not see: the login page or 401 when anonymous, else 404
(the API authenticates tokens only there).
"""

from __future__ import annotations

import re
import zoneinfo

from django.urls import Resolver404, resolve
from django.utils import timezone

from bpo.portal.views import not_found
from tenants.db import tenant_connection, use_public_schema
from tenants.selectors import get_client_by_slug

CLIENT_PATH = re.compile(r"^/(?:c|api/v1/clients)/(?P<slug>[a-z0-9][a-z0-9-]*)(?:/|$)")


class ClientFromPathMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        use_public_schema()
        match = CLIENT_PATH.match(request.path_info)
        if match:
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404:
                # Before the client is looked up: the same 404, in any DEBUG mode.
                return not_found(request)
            client = get_client_by_slug(slug=match["slug"])
            if client is not None:
                request.tenant = client
                tenant_connection().set_tenant(client)
                # Pages of a client show times in the client's zone; the database stays in UTC.
                timezone.activate(zoneinfo.ZoneInfo(client.time_zone))
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
            use_public_schema()
