"""The home page's to-dos read every client in one query per provider, not one per client:
the pilot checklists and the scripts waiting are each one ``UNION ALL`` across the clients'
schemas (``tenants.db.qualified_sql``)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from bpo.accounts.roles import Role
from bpo.catalog.models import ScriptVersionStatus as Status
from bpo.portal.todos import todos_for
from scheduling.planning.models import StatisticsImport
from scheduling.planning.todos import statistics_todos
from tenants.db import qualified_sql
from tests.catalog.factories import EscalationPathFactory, ServiceLineFactory
from tests.conftest import make_user
from tests.portal.test_todos import _in_schema, _versions
from tests.quality.helpers import make_scorecard

pytestmark = pytest.mark.django_db

# Failed onboardings, the pilot checklists, the scripts waiting, the time-off requests
# waiting (provider-wide), the stale forecasts, the agents this week leaves out (provider-wide),
# the user's failed planning runs, the swaps waiting for approval (provider-wide), last
# month's period locks (finance and provider admins, provider-wide), the open calibration
# sessions the user has interactions left to score in, the invoice runs with failed clients
# (provider-wide), the invoices' drafts, overdue invoices and line disputes (one row per
# client): one read each, and django-tenants' ``SET search_path`` before each (one per
# cursor). (The statistics to-dos are a scheduler's, not a provider admin's: no query here.)
QUERIES_WHATEVER_THE_CLIENTS = 24


def _clients(client_a, client_b, count: int) -> list:
    """``count`` clients in onboarding over the two session schemas (unsaved copies beyond
    the two: the query count is what is measured, and provisioning 30 schemas is slow)."""
    from tenants.models import Client

    clients = []
    for index in range(count):
        real = (client_a, client_b)[index % 2]
        clients.append(
            real
            if index < 2
            else Client(
                pk=100_000 + index,
                schema_name=real.schema_name,
                slug=f"copy-{index}",
                name=f"Copy {index}",
                time_zone=real.time_zone,
                status=real.status,
                created_at=real.created_at,
            )
        )
    return clients


@pytest.fixture
def waiting(client_a, client_b):
    for client in (client_a, client_b):
        _versions(client, "Billing support", [Status.APPROVED, Status.IN_REVIEW])
        _versions(client, "Returns", [Status.DRAFT], review_comment="Shorter, please.")


@pytest.mark.parametrize("count", [3, 30])
def test_the_to_dos_of_many_clients_cost_the_same_queries(
    count, client_a, client_b, waiting, django_assert_max_num_queries
):
    # given a provider admin (every right everywhere) and clients in onboarding
    admin = make_user(Role.PROVIDER_ADMIN, email="admin-todos@provider.test")
    clients = _clients(client_a, client_b, count)
    todos_for(user=admin, clients=clients[:1])  # the admin's roles are read once per request
    # when / then
    with django_assert_max_num_queries(QUERIES_WHATEVER_THE_CLIENTS):
        todos = todos_for(user=admin, clients=clients)
    kinds = [todo.kind for todo in todos]
    assert kinds.count("pilot_incomplete") == count
    assert kinds.count("script_publish") == count
    assert kinds.count("script_rework") == count
    assert "script_review" not in kinds  # the client admin's, not the provider's


def test_three_and_thirty_clients_read_the_same_number_of_queries(client_a, client_b, waiting):
    admin = make_user(Role.PROVIDER_ADMIN, email="admin-todos@provider.test")
    todos_for(user=admin, clients=[client_a])
    counts = []
    for count in (3, 30):
        with CaptureQueriesContext(connection) as queries:
            todos_for(user=admin, clients=_clients(client_a, client_b, count))
        counts.append(len(queries))
    assert counts[0] == counts[1] == QUERIES_WHATEVER_THE_CLIENTS


def test_the_pilot_to_do_names_what_each_client_still_misses(client_a, client_b, provider_admin):
    # given A has a service line, an escalation path and a published scorecard (B only a
    # scorecard still in draft)
    _in_schema(client_a, lambda: EscalationPathFactory(service_line=ServiceLineFactory()))
    _in_schema(client_a, lambda: make_scorecard(provider_admin, publish=True))
    _in_schema(client_b, lambda: make_scorecard(provider_admin))
    # when
    todos = {
        todo.client.slug: todo
        for todo in todos_for(user=provider_admin, clients=[client_a, client_b])
        if todo.kind == "pilot_incomplete"
    }
    # then each client's own items, read in its own schema (a draft scorecard does not count)
    assert todos[client_a.slug].detail == "Missing: a published script."
    assert todos[client_b.slug].detail == (
        "Missing: a service line, a published script, an escalation path, a QA scorecard."
    )
    assert todos[client_a.slug].url == f"/c/{client_a.slug}/"


def test_the_scripts_waiting_come_from_each_clients_own_schema(client_a, client_b, provider_admin):
    # given a version to publish in A only
    _versions(client_a, "Only in A", [Status.APPROVED])
    # when
    todos = [
        todo
        for todo in todos_for(user=provider_admin, clients=[client_a, client_b])
        if todo.kind == "script_publish"
    ]
    # then
    assert [(todo.client, todo.title) for todo in todos] == [
        (client_a, "Publish the Only in A script, version 1")
    ]
    assert todos[0].url.startswith(f"/c/{client_a.slug}/")


def test_qualified_sql_names_the_schema_of_every_table_and_refuses_other_names():
    from bpo.catalog.models import ScriptVersion

    rows = ScriptVersion.objects.filter(status="approved").values_list(
        "pk", "script__service_line__name"
    )
    sql, params = qualified_sql(rows, schema_name="acme_a")
    assert '"acme_a"."catalog_scriptversion"' in sql
    assert '"acme_a"."catalog_script"' in sql
    assert '"acme_a"."catalog_serviceline"' in sql
    assert ' "catalog_' not in sql.replace('"acme_a"."catalog_', "")
    assert params == ("approved",)
    with pytest.raises(ValueError, match="Not a schema name"):
        qualified_sql(rows, schema_name='acme"; drop table x; --')


def test_a_schedulers_statistics_to_dos_come_from_each_schema_in_one_query(client_a, client_b):
    # given a scheduler of A and B; A has a failed import, B a line without last week
    from tests.factories import MembershipFactory

    scheduler = make_user(Role.SCHEDULER, client_a, email="scheduler-todos@provider.test")
    MembershipFactory(user=scheduler, role=Role.SCHEDULER, client=client_b)
    _in_schema(
        client_a,
        lambda: StatisticsImport.objects.create(
            file_name="broken.csv", format="neutral", time_zone="UTC", status="failed"
        ),
    )
    _in_schema(client_b, lambda: ServiceLineFactory(name="Only in B"))
    statistics_todos(scheduler, [client_a])  # the scheduler's roles are read once per request
    # when
    with CaptureQueriesContext(connection) as queries:
        todos = statistics_todos(scheduler, [client_a, client_b])
    with CaptureQueriesContext(connection) as many:
        statistics_todos(scheduler, _clients(client_a, client_b, 30))
    # then
    assert sorted((todo.client.slug, todo.kind, todo.detail) for todo in todos) == [
        (client_a.slug, "statistics_import_failed", "It failed and stored nothing."),
        (client_b.slug, "statistics_missing", "No intervals stored for Only in B."),
    ]
    reads = [query for query in queries if not query["sql"].startswith("SET ")]
    assert len(reads) == 1
    # the tables of the NOT EXISTS subqueries are the client's too, not the search path's
    assert f'"{client_b.schema_name}"."planning_intervalstatistic"' in reads[0]["sql"]
    assert ' "planning_' not in reads[0]["sql"]
    assert len(many) == len(queries)


def test_a_schedulers_plan_to_dos_come_from_each_schema_in_one_query(client_a, client_b):
    # given a scheduler of A and B; A has a draft for next week, B a published week short
    from datetime import timedelta

    from scheduling.planning.models import Plan
    from scheduling.planning.todos import plan_todos, this_monday
    from tests.factories import MembershipFactory

    scheduler = make_user(Role.SCHEDULER, client_a, email="scheduler-plans@provider.test")
    MembershipFactory(user=scheduler, role=Role.SCHEDULER, client=client_b)
    _in_schema(
        client_a,
        lambda: Plan.objects.create(
            week_starts_on=this_monday(client_a) + timedelta(days=7), time_zone="UTC"
        ),
    )
    _in_schema(
        client_b,
        lambda: Plan.objects.create(
            week_starts_on=this_monday(client_b),
            time_zone="UTC",
            status="published",
            revision=1,
            has_unpublished_changes=False,
            figures={"shortfall_hours": 12.5, "coverage_pct": 91.0},
        ),
    )
    plan_todos(scheduler, [client_a])  # the scheduler's roles are read once per request
    # when
    with CaptureQueriesContext(connection) as queries:
        todos = plan_todos(scheduler, [client_a, client_b])
    with CaptureQueriesContext(connection) as many:
        plan_todos(scheduler, _clients(client_a, client_b, 30))
    # then
    found = sorted((todo.client.slug, todo.kind, todo.title) for todo in todos)
    assert [(slug, kind) for slug, kind, _ in found] == [
        (client_a.slug, "plan_publish"),
        (client_b.slug, "plan_shortfall"),
    ]
    assert found[0][2].startswith("Publish the plan for the week of ")
    assert found[1][2] == "Shortfall this week: 12.5 agent hours"
    reads = [query for query in queries if not query["sql"].startswith("SET ")]
    assert len(reads) == 1
    assert f'"{client_b.schema_name}"."planning_plan"' in reads[0]["sql"]
    assert len(many) == len(queries)
