"""Provisioning: the template replay gives the same schema as migrations, fast and atomically."""

from __future__ import annotations

import pytest
from django.db import connection
from django_tenants.utils import schema_context, schema_exists

from tenants import onboarding_rules, provisioning, services, workers
from tenants.models import Client
from tests.factories import client_answers


def _columns(schema: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name, data_type, is_nullable, column_default "
            "FROM information_schema.columns WHERE table_schema = %s "
            "ORDER BY table_name, column_name",
            [schema],
        )
        rows = cursor.fetchall()
    return [
        (t, c, d, n, (default or "").replace(schema, "<schema>")) for t, c, d, n, default in rows
    ]


def _constraints(schema: str) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
            "FROM pg_constraint WHERE connamespace = %s::regnamespace ORDER BY 1, 2",
            [schema],
        )
        # A reference inside the schema names it: compare it as "<schema>".
        return [
            (t.split(".")[-1], n, d.replace(f"{schema}.", "<schema>."))
            for t, n, d in cursor.fetchall()
        ]


@pytest.mark.django_db
def test_cloned_schema_matches_the_template_exactly(client_a):
    # given the session client, provisioned by replaying the template
    template = provisioning.template_schema()
    # then columns, defaults and constraint names are those of the migrated template
    assert _columns(client_a.schema_name) == _columns(template)
    assert _constraints(client_a.schema_name) == _constraints(template)
    assert provisioning.applied_migrations(client_a.schema_name) == (
        provisioning.migrations_on_disk()
    )


@pytest.mark.django_db
def test_provisioning_writes_initial_client_data(client_a):
    from billing.contracts.models import BillingContact, Contract

    with schema_context(client_a.schema_name):
        assert BillingContact.objects.get().email == "billing@acme-a.example"
        assert Contract.objects.get().billing_model == "per_hour"


@pytest.mark.django_db
def test_failure_inside_provisioning_leaves_no_row_and_no_schema(monkeypatch):
    # given a fault injected after the schema was created
    def explode(**kwargs):
        raise RuntimeError("injected fault")

    monkeypatch.setattr(workers, "_create_initial_client_data", explode)
    # when
    with pytest.raises(RuntimeError, match="injected fault"):
        services.create_client_now(data=client_answers("broken-co"), requested_by=None)
    connection.set_schema_to_public()
    # then
    assert not Client.objects.filter(slug="broken-co").exists()
    assert not schema_exists(onboarding_rules.schema_name_for("broken-co"))


@pytest.mark.django_db
def test_drifted_template_falls_back_to_migrations(monkeypatch):
    # given code that knows a migration the template has not applied
    on_disk = provisioning.migrations_on_disk()
    monkeypatch.setattr(
        provisioning,
        "migrations_on_disk",
        lambda: on_disk | {("contracts", "9999_not_applied_to_template")},
    )
    # then no snapshot is offered, and provisioning runs real migrations
    assert provisioning.current_snapshot() is None


@pytest.mark.django_db
def test_every_schema_numbers_its_content_types_alike(client_a, client_b):
    """Django caches content type ids per process, not per schema, and the change history
    stores them: every client schema must number them as the public schema does."""

    def content_types(schema: str) -> list[tuple]:
        with connection.cursor() as cursor:
            cursor.execute(
                f'SELECT id, app_label, model FROM "{schema}".django_content_type ORDER BY id'
            )
            return cursor.fetchall()

    public = content_types("public")
    catalog = [row for row in public if row[1] in {"catalog", "audit"}]
    assert catalog, "the catalog's content types are missing from public"
    for schema in (client_a.schema_name, client_b.schema_name, provisioning.template_schema()):
        assert content_types(schema) == public, schema
