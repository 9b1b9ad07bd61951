"""The portal shell: home pages, the client switcher and friendly error pages."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect, HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.urls import reverse

from bpo.accounts.permissions import accessible_clients, is_provider_staff
from bpo.api.errors import json_error_response
from bpo.portal.todos import todos_for


@login_required
def home(request):
    """Staff see what waits for them, then their clients; a client user goes straight to its
    client's portal, whose overview starts with the same to-do list."""
    clients = accessible_clients(request.user)
    if not is_provider_staff(request.user):
        client = clients.first()
        if client is None:
            return render(request, "portal/no_access.html", status=403)
        return HttpResponseRedirect(reverse("client:overview", args=[client.slug]))
    counts = {status: 0 for status in ("onboarding", "live", "suspended", "offboarded")}
    for status in clients.values_list("status", flat=True):
        counts[status] += 1
    return render(
        request,
        "portal/provider_home.html",
        {
            "todos": todos_for(user=request.user, clients=clients),
            "clients": clients.order_by("name")[:20],
            "counts": counts,
            "total": sum(counts.values()),
        },
    )


def _error(request, template: str, status: int, code: str, message: str):
    if request.path.startswith("/api/"):
        return json_error_response(code, message, status)
    return render(request, template, {"message": message}, status=status)


def not_found(request, exception=None):
    return _error(request, "errors/404.html", 404, "not_found", "Not found.")


def permission_denied(request, exception=None):
    message = str(exception) if exception and str(exception) else "You do not have access."
    return _error(request, "errors/403.html", 403, "permission_denied", message)


def server_error(request):
    """Rendered without the request context: its context processor reads the database, which
    may be exactly what failed."""
    message = "Something went wrong. It has been logged; please try again."
    if request.path.startswith("/api/"):
        return json_error_response("server_error", message, 500)
    html = loader.get_template("errors/500.html").render({"message": message})
    return HttpResponseServerError(html)


def bad_request(request, exception=None):
    return _error(request, "errors/400.html", 400, "bad_request", "Bad request.")


@login_required
def switch_client(request):
    """Staff move between their clients without logging in again (one session, path-routed)."""
    slug = request.GET.get("client", "")
    client = accessible_clients(request.user).filter(slug=slug).first()
    if client is None:
        return HttpResponseRedirect(reverse("portal:home"))
    return HttpResponseRedirect(reverse("client:overview", args=[client.slug]))


def next_url(request, default: str) -> str:
    """The ``next`` a form posted when it is a path of this site, else ``default``: never a
    way off the portal (``//elsewhere.example`` starts with a slash too)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    wanted = request.POST.get("next") or request.GET.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return default
