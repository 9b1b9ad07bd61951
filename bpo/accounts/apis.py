"""The accounts API: tokens, the current user, memberships and invitations.

Provider-side endpoints sit at ``/api/v1/``; one client's people at
``/api/v1/clients/<slug>/``. Every view derives from ``bpo.api.base``; who may do what is
asked of ``bpo.accounts.permissions``; writes go through ``bpo.accounts.services``.
"""

from __future__ import annotations

from typing import ClassVar, cast

import django_filters
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiExample,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from bpo.accounts import selectors, services
from bpo.accounts.client_address import client_ip
from bpo.accounts.models import Invitation, Membership, User
from bpo.accounts.permissions import (
    accessible_clients,
    can_manage_staff,
    is_provider_admin,
    is_provider_staff,
    roles_for,
)
from bpo.accounts.roles import Action, Role, ordered_roles
from bpo.accounts.serializers import (
    ClientMembershipInputSerializer,
    InvitationInputSerializer,
    InvitationSerializer,
    MembershipSerializer,
    MeSerializer,
    ProviderMembershipInputSerializer,
    StaffInvitationInputSerializer,
    TokenRequestSerializer,
    TokenSerializer,
)
from bpo.api.base import ClientScopedViewSet, ProviderAPIView, ProviderViewSet
from bpo.api.errors import error_body
from bpo.api.schema import (
    CLIENT_SLUG,
    FORBIDDEN,
    NOT_AUTHENTICATED,
    NOT_FOUND,
    REFUSALS,
    error_response,
    invalid_response,
    page_of,
)

# --- shared schema pieces ------------------------------------------------------------------------


CONFLICT = error_response(
    "Refused by a business rule.",
    "conflict",
    "An invitation for this person is already pending.",
    {"email": ["An invitation for this person is already pending."]},
)


MEMBERSHIP_EXAMPLE = {
    "id": 42,
    "user": {
        "id": 7,
        "email": "maria@viajes-sol.example",
        "full_name": "María López",
        "is_active": True,
    },
    "role": "client_viewer",
    "role_label": "Client viewer",
    "client": "viajes-sol",
    "created_at": "2026-11-23T09:30:00Z",
    "created_by": "admin@viajes-sol.example",
}
INVITATION_EXAMPLE = {
    "id": 12,
    "email": "jonas@cloudlane.example",
    "full_name": "Jonas Weber",
    "role": "client_admin",
    "role_label": "Client admin",
    "client": "cloudlane",
    "status": "pending",
    "invited_by": "am@bpo.example",
    "created_at": "2026-11-23T09:30:00Z",
    "expires_at": "2026-11-30T09:30:00Z",
    "accepted_at": None,
    "revoked_at": None,
}


def _raise_for_refusal(error: services.SignInRefused) -> Response:
    http_status = {
        "throttled": status.HTTP_429_TOO_MANY_REQUESTS,
        "account_disabled": status.HTTP_403_FORBIDDEN,
        "account_locked": status.HTTP_403_FORBIDDEN,
    }.get(error.code, status.HTTP_400_BAD_REQUEST)
    fields = (
        {} if http_status != status.HTTP_400_BAD_REQUEST else {"non_field_errors": [error.message]}
    )
    response = Response(error_body(error.code, error.message, fields), status=http_status)
    if error.retry_after_seconds:
        response["Retry-After"] = str(error.retry_after_seconds)
    return response


# --- tokens and the current user -----------------------------------------------------------------


class _PostAnonymouslyOrAuthenticated(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return request.method == "POST" or bool(request.user and request.user.is_authenticated)


class AuthTokenAPI(ProviderAPIView):
    """Obtain (POST, anonymous) or drop (DELETE) the API token of a user."""

    def fixed_permissions(self) -> tuple:
        # The one endpoint an anonymous caller may use: obtaining a token. Throttling and
        # the account checks are those of the login page (services.authenticate_user).
        return (_PostAnonymouslyOrAuthenticated,)

    @extend_schema(
        operation_id="auth_token_create",
        summary="Obtain an API token",
        description=(
            "Exchange an e-mail address and password for the user's API token; send it as "
            "`Authorization: Token <token>`. Failed attempts are throttled like the login page: "
            "after too many failures every attempt answers 429 (with `Retry-After`) until the "
            "window passes, even with the right password. Disabled accounts and users of a "
            "suspended or offboarded client get no token (403)."
        ),
        request=TokenRequestSerializer,
        responses={
            200: TokenSerializer,
            400: error_response(
                "Wrong e-mail or password, or bad input.",
                "invalid_credentials",
                "The e-mail address and password do not match an account.",
                {"non_field_errors": ["The e-mail address and password do not match an account."]},
            ),
            403: error_response(
                "The account is disabled, or its client is suspended.",
                "account_locked",
                "The portal of ShopRight Online is suspended; contact your account manager.",
            ),
            429: error_response(
                "Too many failed attempts.",
                "throttled",
                "Too many failed attempts. Try again in about 15 minute(s).",
            ),
        },
        examples=[
            OpenApiExample(
                "Credentials",
                request_only=True,
                value={"email": "admin@shopright.example", "password": "demo-portal-2026"},
            ),
            OpenApiExample(
                "Token",
                response_only=True,
                value={
                    "token": "9944b09199c62bcf9418ad846dd0e4bbdfc6ee4b",
                    "user": {
                        "id": 7,
                        "email": "admin@shopright.example",
                        "full_name": "Olivia Carter",
                        "is_active": True,
                    },
                },
            ),
        ],
        auth=[],
    )
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = services.authenticate_user(
                email=serializer.validated_data["email"],
                password=serializer.validated_data["password"],
                ip_address=client_ip(request._request),
                request=request._request,
            )
        except services.SignInRefused as exc:
            return _raise_for_refusal(exc)
        token = services.issue_api_token(user=user)
        return Response(TokenSerializer({"token": token.key, "user": user}).data)

    @extend_schema(
        operation_id="auth_token_destroy",
        summary="Log out the API token",
        description="Deletes the caller's token; every API client using it must log in again.",
        request=None,
        responses={204: None, 401: NOT_AUTHENTICATED},
    )
    def delete(self, request):
        services.revoke_api_token(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeAPI(ProviderAPIView):
    """The signed-in user, their roles and the clients they may open."""

    @extend_schema(
        operation_id="me_retrieve",
        summary="The current user",
        responses={200: MeSerializer, 401: NOT_AUTHENTICATED},
        examples=[
            OpenApiExample(
                "An account manager",
                value={
                    "id": 3,
                    "email": "am@bpo.example",
                    "full_name": "Sam Rivera",
                    "is_provider_staff": True,
                    "is_provider_admin": False,
                    "memberships": [
                        {
                            "id": 5,
                            "role": "account_manager",
                            "role_label": "Account manager",
                            "client": "shopright",
                        }
                    ],
                    "clients": [
                        {
                            "slug": "shopright",
                            "name": "ShopRight Online",
                            "status": "onboarding",
                            "roles": ["account_manager"],
                            "portal_url": "/c/shopright/",
                            "api_url": "/api/v1/clients/shopright/",
                        }
                    ],
                },
            )
        ],
    )
    def get(self, request):
        user = request.user
        memberships = sorted(
            selectors.list_own_memberships(user=user),
            key=lambda m: (Role.values.index(m.role), m.client.slug if m.client else ""),
        )
        clients = list(accessible_clients(user).order_by("name"))
        data = {
            "id": user.pk,
            "email": user.email,
            "full_name": user.full_name,
            "is_provider_staff": is_provider_staff(user),
            "is_provider_admin": is_provider_admin(user),
            "memberships": [
                {
                    "id": m.pk,
                    "role": m.role,
                    "role_label": m.get_role_display(),
                    "client": m.client.slug if m.client else None,
                }
                for m in memberships
            ],
            "clients": [
                {
                    "slug": client.slug,
                    "name": client.name,
                    "status": client.status,
                    "roles": ordered_roles(roles_for(user, client)),
                    "portal_url": reverse("client:overview", args=[client.slug]),
                    "api_url": f"/api/v1/clients/{client.slug}/",
                }
                for client in clients
            ],
        }
        return Response(MeSerializer(data).data)


# --- filters -----------------------------------------------------------------------------------


class MembershipFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    client = django_filters.CharFilter(field_name="client__slug", help_text="A client's slug.")
    user = django_filters.NumberFilter(field_name="user_id", help_text="A user's id.")

    class Meta:
        model = Membership
        fields = ["role", "client", "user"]


class ClientMembershipFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)

    class Meta:
        model = Membership
        fields = ["role"]


INVITATION_STATUS_CHOICES = [(s, s) for s in selectors.INVITATION_STATUSES]


class InvitationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(
        choices=INVITATION_STATUS_CHOICES, method="filter_status", help_text="Computed status."
    )
    role = django_filters.ChoiceFilter(choices=Role.choices)

    class Meta:
        model = Invitation
        fields = ["status", "role"]

    def filter_status(self, queryset, name, value):
        return selectors.filter_invitations_by_status(queryset, value)


class StaffInvitationFilter(InvitationFilter):
    client = django_filters.CharFilter(field_name="client__slug", help_text="A client's slug.")

    class Meta(InvitationFilter.Meta):
        fields = ["status", "role", "client"]


# --- provider side: memberships and staff invitations ---------------------------------------------


class _CanManageStaff(permissions.BasePermission):
    message = "Only provider admins manage staff invitations."

    def has_permission(self, request, view) -> bool:
        return can_manage_staff(request.user)


@extend_schema_view(
    list=extend_schema(
        summary="List memberships",
        description="Provider admins see every membership; everyone else sees their own.",
        responses={200: MembershipSerializer(many=True), 401: NOT_AUTHENTICATED},
        examples=[OpenApiExample("A page", value=page_of(MEMBERSHIP_EXAMPLE), response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One membership",
        responses={200: MembershipSerializer, 401: NOT_AUTHENTICATED, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Grant a role (provider admins)",
        request=ProviderMembershipInputSerializer,
        responses={
            201: MembershipSerializer,
            400: invalid_response({"client": ["This role needs a client."]}),
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            409: CONFLICT,
        },
        examples=[
            OpenApiExample(
                "Assign a scheduler",
                request_only=True,
                value={"user": 9, "role": "scheduler", "client": "shopright"},
            ),
            OpenApiExample("Granted", response_only=True, value=MEMBERSHIP_EXAMPLE),
        ],
    ),
    destroy=extend_schema(
        summary="Remove a role (provider admins)",
        description="The last provider admin, and the last client admin of a client, stay (409).",
        responses={
            204: None,
            **REFUSALS,
            409: CONFLICT,
        },
    ),
)
class MembershipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderViewSet):
    serializer_class = MembershipSerializer
    filterset_class = MembershipFilter
    search_fields = ["user__email", "user__full_name"]
    ordering_fields = ["created_at", "role", "user__email"]
    ordering = ["pk"]
    lookup_value_regex = r"\d+"

    model = Membership

    def select_rows(self):
        return selectors.list_memberships(user=cast(User, self.request.user))

    def select_row(self):
        return selectors.access_membership(
            user=cast(User, self.request.user), membership_id=self.kwargs["pk"]
        )

    def create(self, request):
        if not can_manage_staff(request.user):
            raise PermissionDenied(
                "Only provider admins grant roles here; a client's people are managed at "
                "/api/v1/clients/<slug>/memberships/."
            )
        serializer = ProviderMembershipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        membership = services.grant_membership(
            user=serializer.validated_data["user"],
            role=serializer.validated_data["role"],
            client=serializer.validated_data.get("client"),
            actor=request.user,
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, pk=None):
        membership = self.get_object()
        if not can_manage_staff(request.user):
            raise PermissionDenied("Only provider admins remove roles here.")
        services.revoke_membership(membership=membership, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="List staff invitations (provider admins)",
        responses={200: InvitationSerializer(many=True), 401: NOT_AUTHENTICATED, 403: FORBIDDEN},
        examples=[
            OpenApiExample(
                "A page",
                response_only=True,
                value=page_of(
                    {**INVITATION_EXAMPLE, "role": "scheduler", "role_label": "Scheduler"}
                ),
            )
        ],
    ),
    retrieve=extend_schema(
        summary="One staff invitation",
        responses={
            200: InvitationSerializer,
            **REFUSALS,
        },
    ),
    create=extend_schema(
        summary="Invite a staff member (provider admins)",
        description=(
            "Sends an e-mail with a single-use link that expires. The provider admin role is "
            "global (no client); every other staff role is held for one client. Client users "
            "are invited at `/api/v1/clients/<slug>/invitations/`."
        ),
        request=StaffInvitationInputSerializer,
        responses={
            201: InvitationSerializer,
            400: invalid_response({"client": ["This role needs a client."]}),
            401: NOT_AUTHENTICATED,
            403: FORBIDDEN,
            409: CONFLICT,
        },
        examples=[
            OpenApiExample(
                "Invite a QA analyst",
                request_only=True,
                value={
                    "email": "kim@bpo.example",
                    "full_name": "Kim Park",
                    "role": "qa_analyst",
                    "client": "cloudlane",
                },
            ),
        ],
    ),
    revoke=extend_schema(
        summary="Revoke a staff invitation",
        request=None,
        responses={
            200: InvitationSerializer,
            **REFUSALS,
            409: CONFLICT,
        },
    ),
)
class InvitationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ProviderViewSet):
    permission_classes = (_CanManageStaff,)
    serializer_class = InvitationSerializer
    filterset_class = StaffInvitationFilter
    search_fields = ["email", "full_name"]
    ordering_fields = ["created_at", "expires_at", "email"]
    ordering = ["-created_at"]
    lookup_value_regex = r"\d+"

    def select_rows(self):
        return selectors.list_staff_invitations(user=cast(User, self.request.user))

    def select_row(self):
        return selectors.access_staff_invitation(
            user=cast(User, self.request.user), invitation_id=self.kwargs["pk"]
        )

    def create(self, request):
        serializer = StaffInvitationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        invitation, _ = services.invite_user(
            email=data["email"],
            full_name=data.get("full_name", ""),
            role=data["role"],
            client=data.get("client"),
            invited_by=request.user,
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        invitation = services.revoke_invitation(invitation=self.get_object(), actor=request.user)
        return Response(InvitationSerializer(invitation).data)


# --- one client's people ----------------------------------------------------------------------------


class _ClientPeopleViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientScopedViewSet):
    # The action's right only; which role may be granted or removed is the services' check.
    action_rights: ClassVar[dict] = {
        "list": Action.VIEW_MEMBERS,
        "retrieve": Action.VIEW_MEMBERS,
    }
    lookup_value_regex = r"\d+"


@extend_schema_view(
    list=extend_schema(
        summary="List the client's people",
        description="Client users and the provider staff assigned to this client.",
        parameters=[CLIENT_SLUG],
        responses={200: MembershipSerializer(many=True), 401: NOT_AUTHENTICATED, 404: NOT_FOUND},
        examples=[OpenApiExample("A page", value=page_of(MEMBERSHIP_EXAMPLE), response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One membership of the client",
        parameters=[CLIENT_SLUG],
        responses={200: MembershipSerializer, 401: NOT_AUTHENTICATED, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Give someone a role in the client",
        description=(
            "`user` must already belong to this client or (for account managers and provider "
            "admins) be provider staff; any other id answers 400. Client admins grant client "
            "roles; account managers and provider admins also staff roles."
        ),
        parameters=[CLIENT_SLUG],
        request=ClientMembershipInputSerializer,
        responses={
            201: MembershipSerializer,
            400: invalid_response({"user": [services.NO_SUCH_USER]}),
            **REFUSALS,
            409: CONFLICT,
        },
        examples=[
            OpenApiExample(
                "Make a viewer an admin",
                request_only=True,
                value={"user": 7, "role": "client_admin"},
            ),
            OpenApiExample("Granted", response_only=True, value=MEMBERSHIP_EXAMPLE),
        ],
    ),
    destroy=extend_schema(
        summary="Remove someone's role in the client",
        description="The last client admin stays (409): invite another admin first.",
        parameters=[CLIENT_SLUG],
        responses={
            204: None,
            **REFUSALS,
            409: CONFLICT,
        },
    ),
)
class ClientMembershipViewSet(_ClientPeopleViewSet):
    serializer_class = MembershipSerializer
    filterset_class = ClientMembershipFilter
    search_fields = ["user__email", "user__full_name"]
    ordering_fields = ["created_at", "role", "user__email"]

    model = Membership
    action_rights = {
        **_ClientPeopleViewSet.action_rights,
        "create": Action.MANAGE_MEMBERS,
        "destroy": Action.MANAGE_MEMBERS,
    }

    def select_rows(self):
        return selectors.list_client_memberships(client=self.client)

    def select_row(self):
        return selectors.access_client_membership(
            client=self.client, membership_id=self.kwargs["pk"]
        )

    def create(self, request, client_slug: str):
        serializer = ClientMembershipInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # Which ids the caller may name is the service's check (permissions.can_name_user).
        membership = services.grant_membership_by_user_id(
            user_id=serializer.validated_data["user"],
            role=serializer.validated_data["role"],
            client=self.client,
            actor=request.user,
        )
        return Response(MembershipSerializer(membership).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, client_slug: str, pk=None):
        membership = self.get_object()
        services.revoke_membership(membership=membership, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@extend_schema_view(
    list=extend_schema(
        summary="List the client's invitations",
        parameters=[CLIENT_SLUG],
        responses={200: InvitationSerializer(many=True), 401: NOT_AUTHENTICATED, 404: NOT_FOUND},
        examples=[OpenApiExample("A page", value=page_of(INVITATION_EXAMPLE), response_only=True)],
    ),
    retrieve=extend_schema(
        summary="One invitation of the client",
        parameters=[CLIENT_SLUG],
        responses={200: InvitationSerializer, 401: NOT_AUTHENTICATED, 404: NOT_FOUND},
    ),
    create=extend_schema(
        summary="Invite a person to the client",
        description=(
            "Sends an e-mail with a single-use link that expires after `INVITATION_VALID_DAYS` "
            "days. Client admins invite client admins and viewers; account managers and "
            "provider admins also staff roles for this client."
        ),
        parameters=[CLIENT_SLUG],
        request=InvitationInputSerializer,
        responses={
            201: InvitationSerializer,
            400: invalid_response({"email": ["Enter a valid email address."]}),
            **REFUSALS,
            409: CONFLICT,
        },
        examples=[
            OpenApiExample(
                "Invite a client admin",
                request_only=True,
                value={
                    "email": "jonas@cloudlane.example",
                    "full_name": "Jonas Weber",
                    "role": "client_admin",
                },
            ),
            OpenApiExample("Invited", response_only=True, value=INVITATION_EXAMPLE),
        ],
    ),
    revoke=extend_schema(
        summary="Revoke a pending invitation",
        parameters=[CLIENT_SLUG],
        request=None,
        responses={
            200: InvitationSerializer,
            **REFUSALS,
            409: CONFLICT,
        },
    ),
)
class ClientInvitationViewSet(_ClientPeopleViewSet):
    serializer_class = InvitationSerializer
    filterset_class = InvitationFilter
    search_fields = ["email", "full_name"]
    ordering_fields = ["created_at", "expires_at", "email"]

    model = Invitation
    action_rights = {
        **_ClientPeopleViewSet.action_rights,
        "create": Action.MANAGE_MEMBERS,
        "revoke": Action.MANAGE_MEMBERS,
    }

    def select_rows(self):
        return selectors.list_client_invitations(client=self.client)

    def select_row(self):
        return selectors.access_client_invitation(
            client=self.client, invitation_id=self.kwargs["pk"]
        )

    def create(self, request, client_slug: str):
        serializer = InvitationInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        invitation, _ = services.invite_user(
            email=data["email"],
            full_name=data.get("full_name", ""),
            role=data["role"],
            client=self.client,
            invited_by=request.user,
        )
        return Response(InvitationSerializer(invitation).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def revoke(self, request, client_slug: str, pk=None):
        invitation = self.get_object()
        invitation = services.revoke_invitation(invitation=invitation, actor=request.user)
        return Response(InvitationSerializer(invitation).data)
