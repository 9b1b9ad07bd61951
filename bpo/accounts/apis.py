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
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from bpo.accounts import api_examples as docs
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
    FORBIDDEN,
)

# --- shared schema pieces ------------------------------------------------------------------------


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
            400: docs.AUTH_TOKEN_POST_400,
            403: docs.AUTH_TOKEN_POST_403,
            429: docs.AUTH_TOKEN_POST_429,
        },
        examples=docs.AUTH_TOKEN_POST_EXAMPLES,
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
        responses={204: None},
    )
    def delete(self, request):
        services.revoke_api_token(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeAPI(ProviderAPIView):
    """The signed-in user, their roles and the clients they may open."""

    @extend_schema(
        operation_id="me_retrieve",
        summary="The current user",
        responses={200: MeSerializer},
        examples=docs.ME_GET_EXAMPLES,
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
        responses={200: MembershipSerializer(many=True)},
        examples=docs.MEMBERSHIP_LIST_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="One membership",
        responses={200: MembershipSerializer},
    ),
    create=extend_schema(
        summary="Grant a role (provider admins)",
        request=ProviderMembershipInputSerializer,
        responses={
            201: MembershipSerializer,
            400: docs.MEMBERSHIP_CREATE_400,
            403: FORBIDDEN,  # refused in the method: only provider admins grant here
            409: docs.CONFLICT,
        },
        examples=docs.MEMBERSHIP_CREATE_EXAMPLES,
    ),
    destroy=extend_schema(
        summary="Remove a role (provider admins)",
        description="The last provider admin, and the last client admin of a client, stay (409).",
        responses={
            204: None,
            403: FORBIDDEN,  # refused in the method: only provider admins remove here
            409: docs.CONFLICT,
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
        responses={200: InvitationSerializer(many=True)},
        examples=docs.INVITATION_LIST_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="One staff invitation",
        responses={200: InvitationSerializer},
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
            400: docs.INVITATION_CREATE_400,
            409: docs.CONFLICT,
        },
        examples=docs.INVITATION_CREATE_EXAMPLES,
    ),
    revoke=extend_schema(
        summary="Revoke a staff invitation",
        request=None,
        responses={
            200: InvitationSerializer,
            409: docs.CONFLICT,
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
        responses={200: MembershipSerializer(many=True)},
        examples=docs.CLIENT_MEMBERSHIP_LIST_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="One membership of the client",
        responses={200: MembershipSerializer},
    ),
    create=extend_schema(
        summary="Give someone a role in the client",
        description=(
            "`user` must already belong to this client or (for account managers and provider "
            "admins) be provider staff; any other id answers 400. Client admins grant client "
            "roles; account managers and provider admins also staff roles."
        ),
        request=ClientMembershipInputSerializer,
        responses={
            201: MembershipSerializer,
            400: docs.CLIENT_MEMBERSHIP_CREATE_400,
            409: docs.CONFLICT,
        },
        examples=docs.CLIENT_MEMBERSHIP_CREATE_EXAMPLES,
    ),
    destroy=extend_schema(
        summary="Remove someone's role in the client",
        description="The last client admin stays (409): invite another admin first.",
        responses={
            204: None,
            409: docs.CONFLICT,
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
        responses={200: InvitationSerializer(many=True)},
        examples=docs.CLIENT_INVITATION_LIST_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="One invitation of the client",
        responses={200: InvitationSerializer},
    ),
    create=extend_schema(
        summary="Invite a person to the client",
        description=(
            "Sends an e-mail with a single-use link that expires after `INVITATION_VALID_DAYS` "
            "days. Client admins invite client admins and viewers; account managers and "
            "provider admins also staff roles for this client."
        ),
        request=InvitationInputSerializer,
        responses={
            201: InvitationSerializer,
            400: docs.CLIENT_INVITATION_CREATE_400,
            409: docs.CONFLICT,
        },
        examples=docs.CLIENT_INVITATION_CREATE_EXAMPLES,
    ),
    revoke=extend_schema(
        summary="Revoke a pending invitation",
        request=None,
        responses={
            200: InvitationSerializer,
            409: docs.CONFLICT,
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
