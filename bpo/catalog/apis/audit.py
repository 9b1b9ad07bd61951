"""The catalog's change history over the API (read-only)."""

from __future__ import annotations

from datetime import UTC

import django_filters
from django import forms
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins

from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedViewSet
from bpo.audit.models import LogEntry
from bpo.catalog import audit
from bpo.catalog.api_examples import audit as docs
from bpo.catalog.serializers.audit import AuditEntrySerializer

ACTION_CODES = {name: code for code, name in audit.ACTION_NAMES.items()}


class InstantFilter(django_filters.IsoDateTimeFilter):
    """An ISO 8601 instant, compared in UTC: Python accepts offsets up to a day, PostgreSQL
    only up to 15:59, so an offset such as +20:51 must not reach the database as written."""

    def filter(self, qs, value):
        return super().filter(qs, value.astimezone(UTC) if value else value)


class IdFilter(django_filters.NumberFilter):
    """A row id: a whole number (``NumberFilter`` alone takes 1.5 and passes a Decimal)."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**63 - 1)
        super().__init__(*args, **kwargs)


class AuditEntryFilter(django_filters.FilterSet):
    service_line = IdFilter(
        method="filter_service_line",
        help_text="Changes of this service line and of everything on it (hours, script, tiers).",
    )
    object_type = django_filters.ChoiceFilter(
        field_name="content_type__model", choices=[(name, name) for name in audit.OBJECT_TYPES]
    )
    object_id = IdFilter(field_name="object_id")
    action = django_filters.ChoiceFilter(
        method="filter_action", choices=[(name, name) for name in ACTION_CODES]
    )
    actor = django_filters.CharFilter(
        field_name="actor__email", lookup_expr="iexact", help_text="The e-mail of who changed it."
    )
    since = InstantFilter(field_name="timestamp", lookup_expr="gte")
    until = InstantFilter(field_name="timestamp", lookup_expr="lt")

    class Meta:
        model = LogEntry
        fields: list[str] = []

    def filter_service_line(self, queryset, name, value):
        return queryset.filter(audit.of_service_line(value))

    def filter_action(self, queryset, name, value):
        return queryset.filter(action=ACTION_CODES[value])


@extend_schema_view(
    list=extend_schema(
        summary="The catalog's change history",
        description=(
            "Every change to service lines, hours, date overrides, scripts and their versions, "
            "escalation paths and tiers: who, when, and each field's value before and after. "
            "Newest first."
        ),
        responses={200: AuditEntrySerializer(many=True)},
        examples=docs.AUDIT_ENTRY_LIST_EXAMPLES,
    ),
    retrieve=extend_schema(
        summary="One change of the catalog",
        responses={200: AuditEntrySerializer},
        examples=docs.AUDIT_ENTRY_RETRIEVE_EXAMPLES,
    ),
)
class AuditEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientScopedViewSet):
    action_rights = {"list": Action.VIEW_AUDIT, "retrieve": Action.VIEW_AUDIT}
    serializer_class = AuditEntrySerializer
    filterset_class = AuditEntryFilter
    ordering_fields = ["timestamp"]

    def select_rows(self):
        return audit.history_queryset()
