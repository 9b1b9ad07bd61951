"""Page-side use of the permission layer (the API uses ``bpo.api.base``)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404

from bpo.accounts.permissions import ROLE_REFUSAL, can, can_access_client
from bpo.accounts.roles import Action
from bpo.errors import NotFoundError


def client_page(action: str):
    """Guard a page under ``/c/<client_slug>/``: login, then membership (404, the same as for
    a client that does not exist), then role (403).

    ``action`` is required and must be one of the ``Action`` rights: there is no default, so a
    page that forgets to declare its right is refused when it is defined (``@client_page()``
    or ``@client_page`` on the view itself raise ``ImproperlyConfigured``).

    The view receives ``request.tenant`` (the client) and no ``client_slug`` argument. A
    ``NotFoundError`` from a selector (an id that is not this client's) becomes the 404 page,
    as the API's handler makes it a 404 answer.
    """

    if callable(action) or action not in Action.values:
        raise ImproperlyConfigured(
            f"client_page needs the page's right, one of bpo.accounts.roles.Action; got {action!r}."
        )

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, client_slug: str, **kwargs):
            # Login first: an anonymous visitor is sent to the login page whether or not the
            # client exists (an unknown slug reaches here without ``request.tenant``).
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            client = getattr(request, "tenant", None)
            if (
                client is None
                or client.slug != client_slug
                or not can_access_client(request.user, client)
            ):
                raise Http404("No such client")
            if not can(request.user, client, action):
                raise PermissionDenied(ROLE_REFUSAL)
            try:
                return view(request, *args, **kwargs)
            except NotFoundError as error:
                raise Http404(error.message) from None

        wrapped.client_action = action  # type: ignore[attr-defined]
        return wrapped

    return decorator


def provider_page(predicate):
    """Guard a provider-side page: login, then ``predicate(user)`` or 404."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not predicate(request.user):
                raise Http404()
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
