"""API shapes of accounts. Input serializers only validate; the APIs call services."""

from __future__ import annotations

from rest_framework import serializers

from bpo.accounts.models import Invitation, Membership, User
from bpo.accounts.roles import STAFF_ROLES, Role, ordered_roles
from tenants.models import Client

CLIENTS = Client.objects.exclude(schema_name="public")


class UserSummarySerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "email", "full_name", "is_active"]
        read_only_fields = fields


class MembershipSerializer(serializers.ModelSerializer):
    user = UserSummarySerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    client: serializers.SlugRelatedField[Client] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    created_by = serializers.EmailField(
        source="created_by.email", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Membership
        fields = ["id", "user", "role", "role_label", "client", "created_at", "created_by"]
        read_only_fields = fields


class InvitationSerializer(serializers.ModelSerializer):
    role_label = serializers.CharField(source="get_role_display", read_only=True)
    client: serializers.SlugRelatedField[Client] = serializers.SlugRelatedField(
        slug_field="slug", read_only=True
    )
    status = serializers.ChoiceField(
        choices=["pending", "accepted", "revoked", "expired"], read_only=True
    )
    invited_by = serializers.EmailField(
        source="invited_by.email", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Invitation
        fields = [
            "id",
            "email",
            "full_name",
            "role",
            "role_label",
            "client",
            "status",
            "invited_by",
            "created_at",
            "expires_at",
            "accepted_at",
            "revoked_at",
        ]
        read_only_fields = fields


class ProviderMembershipInputSerializer(serializers.Serializer):
    """A provider admin grants any role to an existing user."""

    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    role = serializers.ChoiceField(choices=Role.choices)
    client = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=CLIENTS,
        required=False,
        allow_null=True,
        help_text="The client's slug; empty for the provider admin role.",
    )


class ClientMembershipInputSerializer(serializers.Serializer):
    """Give a role in this client to someone who is already in it, or (account managers and
    provider admins) to a provider staff member."""

    user = serializers.IntegerField(min_value=1, help_text="The user's id.")
    role = serializers.ChoiceField(choices=Role.choices)


class InvitationInputSerializer(serializers.Serializer):
    email = serializers.EmailField()
    full_name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    role = serializers.ChoiceField(choices=Role.choices)


class StaffInvitationInputSerializer(InvitationInputSerializer):
    role = serializers.ChoiceField(
        choices=Role.choices, help_text="A staff role: " + ", ".join(ordered_roles(STAFF_ROLES))
    )
    client = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=CLIENTS,
        required=False,
        allow_null=True,
        help_text="The client's slug. Required for every role except provider admin.",
    )

    def validate_role(self, role: str) -> str:
        if role not in STAFF_ROLES:
            raise serializers.ValidationError(
                "Invite client users at /api/v1/clients/<slug>/invitations/."
            )
        return role


class TokenRequestSerializer(serializers.Serializer):
    email = serializers.EmailField()
    password = serializers.CharField(trim_whitespace=False, style={"input_type": "password"})


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
    user = UserSummarySerializer(read_only=True)


class MeClientSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()
    status = serializers.CharField()
    roles = serializers.ListField(child=serializers.CharField())
    portal_url = serializers.CharField()
    api_url = serializers.CharField()


class MeMembershipSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    role = serializers.CharField()
    role_label = serializers.CharField()
    client = serializers.CharField(allow_null=True)


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    email = serializers.EmailField()
    full_name = serializers.CharField()
    is_provider_staff = serializers.BooleanField()
    is_provider_admin = serializers.BooleanField()
    memberships = MeMembershipSerializer(many=True)
    clients = MeClientSerializer(many=True)
