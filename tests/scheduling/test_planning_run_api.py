"""The planning run API: start a run (202, the run to poll in ``Location``), its progress, then
its figures and each client's draft plan; refusals in words; who may see which run."""

from __future__ import annotations

import pytest

from bpo.accounts.roles import Role
from scheduling.planning.workers.planning_runs import run_planning
from scheduling.roster.models import PlanningRun
from tests.conftest import make_user, token_client
from tests.factories import MembershipFactory
from tests.scheduling.run_helpers import MONDAY, day_template, make_two_clients, planning_agent

pytestmark = pytest.mark.django_db
RUNS = "/api/v1/planning-runs/"


@pytest.fixture
def planner(client_a, client_b):
    user = make_user(Role.SCHEDULER, client_a, email="api-planner@provider.test")
    MembershipFactory(user=user, role=Role.SCHEDULER, client=client_b)
    return user


def _body(client_a, client_b, **extra):
    return {
        "week_starts_on": MONDAY.isoformat(),
        "clients": [client_a.slug, client_b.slug],
        "time_limit_seconds": 5,
        **extra,
    }


def test_start_poll_and_read_the_drafts(
    planner, client_a, client_b, django_capture_on_commit_callbacks
):
    # given
    make_two_clients(client_a, client_b)
    template = day_template()
    for _ in range(2):
        planning_agent([client_a, client_b], templates=[template])
    api = token_client(planner)
    # when the run is asked for (the worker has not run yet)
    with django_capture_on_commit_callbacks(execute=False):
        response = api.post(RUNS, _body(client_a, client_b), format="json")
    # then: 202, the run to poll
    assert response.status_code == 202, response.json()
    run = PlanningRun.objects.get()
    assert response["Location"] == f"{RUNS}{run.pk}/" == response.json()["url"]
    queued = api.get(response["Location"]).json()
    assert (queued["status"], queued["job"]["status"], queued["results"]) == (
        "queued",
        "queued",
        [],
    )
    names = sorted([(client_a.name, client_a.slug), (client_b.name, client_b.slug)])
    assert [c["slug"] for c in queued["clients"]] == [slug for _, slug in names]
    # when the worker has run
    run_planning(run_id=run.pk)
    ready = api.get(response["Location"]).json()
    # then: the figures, and a draft per client in that client's plan API
    assert ready["status"] == "ready" and ready["job"]["progress"] == 100
    assert ready["total"]["gap_pct"] is not None
    by_client = {row["client"]["slug"]: row for row in ready["results"]}
    assert set(by_client) == {client_a.slug, client_b.slug}
    plan_url = by_client[client_a.slug]["plan_url"]
    assert (
        plan_url == f"/api/v1/clients/{client_a.slug}/plans/{by_client[client_a.slug]['plan_id']}/"
    )
    plan = api.get(plan_url)
    assert plan.status_code == 200 and plan.json()["status"] == "draft"
    assert plan.json()["planning_run"] == run.pk
    assert [row["id"] for row in api.get(RUNS).json()["results"]] == [run.pk]


def test_refusals_in_words(planner, client_a, client_b):
    api = token_client(planner)
    tuesday = api.post(RUNS, _body(client_a, client_b, week_starts_on="2026-12-08"), format="json")
    assert tuesday.status_code == 400
    assert tuesday.json()["error"]["fields"]["week_starts_on"] == [
        "A planning week starts on a Monday."
    ]
    # nothing to plan: the client is named
    missing = api.post(RUNS, _body(client_a, client_b), format="json")
    assert missing.status_code == 400
    assert (
        missing.json()["error"]["message"] == f"{client_a.name} has no active service line to plan."
    )
    # a client that does not exist reads like one the planner may not plan
    unknown = api.post(RUNS, _body(client_a, client_b, clients=["no-such-client"]), format="json")
    assert unknown.json()["error"]["fields"]["clients"] == ["You may not plan no-such-client."]
    assert not PlanningRun.objects.exists()


def test_who_sees_which_run(planner, client_a, client_b, client_a_admin, account_manager):
    run = PlanningRun.objects.create(week_starts_on=MONDAY, time_zone="UTC", status="failed")
    run.clients.set([client_a, client_b])
    scheduler_of_a = make_user(Role.SCHEDULER, client_a, email="only-a@provider.test")
    # the planner of both clients sees it
    assert token_client(planner).get(f"{RUNS}{run.pk}/").status_code == 200
    # a scheduler of A only: the run of A and B does not exist for them
    only_a = token_client(scheduler_of_a)
    assert only_a.get(f"{RUNS}{run.pk}/").status_code == 404
    assert only_a.get(RUNS).json()["results"] == []
    refused = only_a.post(RUNS, _body(client_a, client_b), format="json")
    assert refused.json()["error"]["fields"]["clients"] == [f"You may not plan {client_b.slug}."]
    # a roster reader without the right: 403; a client user: 404
    assert token_client(account_manager).get(RUNS).status_code == 403
    assert token_client(client_a_admin).get(f"{RUNS}{run.pk}/").status_code == 404
