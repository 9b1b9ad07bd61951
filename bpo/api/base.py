"""The base classes every API view builds on. They fix authentication, permissions and rights.

Client-scoped views read the client from ``request.tenant`` (set by the path middleware) and
check membership through ``bpo.accounts.permissions`` for every request, so a token issued
to a user of client A opens nothing of client B (404). The rule is kept by construction:
defining a subclass (``__init_subclass__``) raises ``ImproperlyConfigured`` when it

- overrides ``get_authenticators``, ``get_permissions``, ``check_permissions``,
  ``fixed_permissions``, ``required_action`` or sets ``authentication_classes`` (the one named
  exception: ``TOKEN_ENDPOINT``, which must accept an anonymous POST);
- lists ``AllowAny`` or a non-permission in ``permission_classes`` (extra permissions are
  added after the fixed ones and can only narrow them);
- overrides ``get_queryset``/``get_object`` of a viewset: it implements the hooks
  ``select_rows()`` / ``select_row()`` instead, and declares ``model`` so the schema
  generation (``swagger_fake_view``) gets ``model.objects.none()`` without reading anything;
- is client-scoped and routes an action (viewset, keyed by DRF action) or a method (APIView,
  keyed by HTTP method) for which ``action_rights`` declares no right, or declares a right for
  something it does not route. There is no default right: an undeclared action is refused
  (403) at request time too, e.g. ``OPTIONS`` unless declared. A viewset action routing several
  methods may map each method to its own right: ``{"GET": ..., "POST": ...}``.

DRF's ``DEFAULT_PERMISSION_CLASSES`` refuses everything (``bpo.api.permissions.DenyAll``), so a plain ``APIView``
that forgets these bases serves nobody.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from django.core.exceptions import ImproperlyConfigured
from rest_framework import permissions, viewsets
from rest_framework.authentication import SessionAuthentication, TokenAuthentication
from rest_framework.exceptions import NotFound
from rest_framework.views import APIView

from bpo.accounts.permissions import ROLE_REFUSAL, can, can_access_client
from bpo.accounts.roles import Action

# Token first: an anonymous request then gets 401 with ``WWW-Authenticate: Token``.
AUTHENTICATION_CLASSES = (TokenAuthentication, SessionAuthentication)

# The one view that may replace the fixed permissions: obtaining a token is anonymous.
TOKEN_ENDPOINT = "bpo.accounts.apis.AuthTokenAPI"

# Attributes no subclass may define; they are the security of every endpoint.
FIXED_ATTRIBUTES = (
    "get_authenticators",
    "authentication_classes",
    "get_permissions",
    "check_permissions",
    "fixed_permissions",
    "required_action",
)
# Replaced by the hooks ``select_rows`` / ``select_row`` on viewsets.
QUERYSET_ATTRIBUTES = ("get_queryset", "get_object")
STANDARD_ACTIONS: dict[str, tuple[str, ...]] = {
    "list": ("get",),
    "create": ("post",),
    "retrieve": ("get",),
    "update": ("put",),
    "partial_update": ("patch",),
    "destroy": ("delete",),
}

Rights = Mapping[str, "str | Mapping[str, str]"]


class ClientScopedPermission(permissions.BasePermission):
    """Membership in the path's client (404 otherwise), then the action's role rule (403)."""

    message = ROLE_REFUSAL

    def has_permission(self, request, view) -> bool:
        # Authentication first: 401 whether or not the client exists (no ``request.tenant``).
        if not request.user or not request.user.is_authenticated:
            return False
        client = getattr(request, "tenant", None)
        if client is None or not can_access_client(request.user, client):
            raise NotFound()
        if getattr(view, request.method.lower(), None) is None:
            return True  # nothing routed for this method: DRF answers 405
        right = view.required_action(request)
        return right is not None and can(request.user, client, right)


def _refuse(cls: type, why: str) -> None:
    raise ImproperlyConfigured(f"{cls.__module__}.{cls.__qualname__}: {why}")


class _FixedSecurity:
    # Extra permissions a subclass may add; they can only narrow what the fixed ones allow.
    permission_classes: Any = ()

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if cls.__module__ == __name__:
            return  # the bases themselves
        own = vars(cls)
        dotted = f"{cls.__module__}.{cls.__qualname__}"
        for name in FIXED_ATTRIBUTES:
            if name in own and not (name == "fixed_permissions" and dotted == TOKEN_ENDPOINT):
                _refuse(cls, f"`{name}` is fixed by bpo.api.base and cannot be overridden.")
        for permission in own.get("permission_classes", ()):
            if permission is permissions.AllowAny or not (
                isinstance(permission, type) and issubclass(permission, permissions.BasePermission)
            ):
                _refuse(cls, f"`permission_classes` may only narrow; {permission!r} does not.")
        if issubclass(cls, viewsets.GenericViewSet):
            for name in QUERYSET_ATTRIBUTES:
                if name in own:
                    hook = "select_rows" if name == "get_queryset" else "select_row"
                    _refuse(cls, f"implement `{hook}()` instead of overriding `{name}`.")

    def get_authenticators(self):
        return [auth() for auth in AUTHENTICATION_CLASSES]

    def get_permissions(self):
        return [permission() for permission in self.fixed_permissions()] + [
            permission() for permission in self.permission_classes
        ]

    def fixed_permissions(self) -> tuple:
        return (permissions.IsAuthenticated,)


class _SelectedRows:
    """The queryset hooks of a viewset: rows come from a selector, never unfiltered."""

    # The model of the rows; the schema generation gets ``model.objects.none()``.
    model: ClassVar[Any] = None

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False) and self.model is not None:
            return self.model._default_manager.none()
        return self.select_rows()

    def select_rows(self):
        """The rows this request may list, from a selector. By default: none."""
        if self.model is None:
            return []
        return self.model._default_manager.none()

    def get_object(self):
        row = self.select_row()
        self.check_object_permissions(self.request, row)  # type: ignore[attr-defined]
        return row

    def select_row(self):
        """The row of ``self.kwargs["pk"]`` this request may see (404 otherwise)."""
        return super().get_object()  # type: ignore[misc]


class ProviderAPIView(_FixedSecurity, APIView):
    """An endpoint of the public (provider) side; any signed-in user, filtered by selectors."""


class ProviderViewSet(_FixedSecurity, _SelectedRows, viewsets.GenericViewSet):
    """A viewset of the public side. Querysets must come from access-checking selectors."""


def _routed_viewset_actions(cls: type) -> dict[str, tuple[str, ...]]:
    routed: dict[str, tuple[str, ...]] = {
        name: verbs for name, verbs in STANDARD_ACTIONS.items() if hasattr(cls, name)
    }
    for extra in cls.get_extra_actions():  # type: ignore[attr-defined]
        for verb, name in extra.mapping.items():
            routed[name] = (*routed.get(name, ()), verb)
    return routed


def _check_rights(cls: type, routed: dict[str, tuple[str, ...]], rights: Rights) -> None:
    valid = set(Action.values)
    for key in rights:
        if key not in routed:
            _refuse(cls, f"`action_rights` names {key!r}, which this view does not route.")
    for key, verbs in routed.items():
        right = rights.get(key)
        if right is None:
            _refuse(cls, f"`action_rights` declares no right for {key!r} (there is no default).")
        by_verb = right if isinstance(right, Mapping) else {verb.upper(): right for verb in verbs}
        for verb in verbs:
            if by_verb.get(verb.upper()) not in valid:
                _refuse(cls, f"`action_rights` gives {key!r} ({verb.upper()}) no valid right.")


class _ClientScoped(_FixedSecurity):
    # The right each routed action (viewset) or HTTP method (APIView) requires; no default.
    action_rights: ClassVar[Rights] = {}

    def __init_subclass__(cls, **kwargs) -> None:
        super().__init_subclass__(**kwargs)
        if issubclass(cls, viewsets.GenericViewSet):
            routed = _routed_viewset_actions(cls)
        else:
            names = getattr(cls, "http_method_names", ())
            routed = {
                verb.upper(): (verb,)
                for verb in names
                if verb not in ("head", "options") and hasattr(cls, verb)
            }
        _check_rights(cls, routed, cls.action_rights)

    def fixed_permissions(self) -> tuple:
        return (ClientScopedPermission,)

    def required_action(self, request) -> str | None:
        """The declared right of this request's action (viewset) or method; None refuses."""
        method = "GET" if request.method == "HEAD" else request.method
        if isinstance(self, viewsets.GenericViewSet):
            right = self.action_rights.get(self.action or "")
        else:
            right = self.action_rights.get(method)
        if isinstance(right, Mapping):
            return right.get(method)
        return right

    @property
    def client(self):
        return self.request.tenant  # type: ignore[attr-defined]


class ClientScopedAPIView(_ClientScoped, APIView):
    """An endpoint under ``/api/v1/clients/<slug>/``."""


class ClientScopedViewSet(_ClientScoped, _SelectedRows, viewsets.GenericViewSet):
    """A viewset under ``/api/v1/clients/<slug>/``."""
