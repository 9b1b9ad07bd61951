"""The planning run pages: start a run (errors next to their field), its progress fragment,
its result per client, the list; a scheduler sees only runs of clients they plan."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from bpo.accounts.roles import Role
from scheduling.planning.workers.planning_runs import run_planning
from scheduling.roster.models import PlanningRun
from tests.conftest import make_user
from tests.factories import MembershipFactory
from tests.scheduling.run_helpers import MONDAY, day_template, make_two_clients, planning_agent

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_clients(client_a, client_b):
    return make_two_clients(client_a, client_b)


@pytest.fixture
def planner(client_a, client_b):
    user = make_user(Role.SCHEDULER, client_a, email="page-planner@provider.test")
    MembershipFactory(user=user, role=Role.SCHEDULER, client=client_b)
    return user


def _start(client, client_a, client_b, week=MONDAY, limit=5):
    return client.post(
        reverse("planning_runs:run_new"),
        {
            "week_starts_on": week.isoformat(),
            "clients": [str(client_a.pk), str(client_b.pk)],
            "time_limit": str(limit),
        },
    )


def test_start_a_run_see_its_progress_and_its_result(
    client, planner, client_a, client_b, two_clients, django_capture_on_commit_callbacks
):
    # given
    template = day_template()
    for _ in range(2):
        planning_agent([client_a, client_b], templates=[template])
    client.force_login(planner)

    # when the form is sent (the worker is not run yet)
    with django_capture_on_commit_callbacks(execute=False):
        response = _start(client, client_a, client_b)

    # then: to the run's page, with a progress bar that polls
    run = PlanningRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("planning_runs:run", args=[run.pk])
    page = client.get(response.url)
    assert b"hx-get" in page.content and b"progressbar" in page.content
    fragment = client.get(reverse("planning_runs:run_progress", args=[run.pk]))
    assert fragment.status_code == 200 and b"Queued" in fragment.content

    # when the worker has run
    run_planning(run_id=run.pk)
    fragment = client.get(
        reverse("planning_runs:run_progress", args=[run.pk]), HTTP_HX_REQUEST="true"
    )
    page = client.get(reverse("planning_runs:run", args=[run.pk]))

    # then: the page reloads, and shows each client's figures and the run's bound and gap
    assert fragment.status_code == 204 and fragment["HX-Refresh"] == "true"
    text = page.content.decode()
    assert client_a.name in text and client_b.name in text
    assert "Gap to the bound" in text and "Lower bound" in text
    assert 'id="run-figures"' in text
    listed = client.get(reverse("planning_runs:runs")).content.decode()
    assert reverse("planning_runs:run", args=[run.pk]) in listed


def test_form_errors_stand_next_to_their_field(client, planner, client_a, client_b, two_clients):
    client.force_login(planner)

    response = _start(client, client_a, client_b, week=date(2026, 12, 8))

    assert response.status_code == 200
    assert "A planning week starts on a Monday." in response.content.decode()
    assert not PlanningRun.objects.exists()


def test_a_run_with_a_client_the_scheduler_does_not_plan_is_not_found(
    client, planner, client_a, client_b
):
    # given a run of A and B, and a scheduler of A only
    run = PlanningRun.objects.create(week_starts_on=MONDAY, time_zone="UTC")
    run.clients.set([client_a, client_b])
    only_a = make_user(Role.SCHEDULER, client_a, email="only-a-page@provider.test")
    client.force_login(only_a)

    # then
    assert client.get(reverse("planning_runs:run", args=[run.pk])).status_code == 404
    assert client.get(reverse("planning_runs:run_progress", args=[run.pk])).status_code == 404
    listed = client.get(reverse("planning_runs:runs")).content.decode()
    assert reverse("planning_runs:run", args=[run.pk]) not in listed
    form = client.get(reverse("planning_runs:run_new")).content.decode()
    assert client_a.name in form and client_b.name not in form

    # and the scheduler of both finds it
    client.force_login(planner)
    assert client.get(reverse("planning_runs:run", args=[run.pk])).status_code == 200


def test_a_failed_run_is_a_to_do_until_the_week_is_planned(planner, client_a, client_b):
    from django.utils import timezone

    from bpo.portal.todos import todos_for

    # given a run of the planner's that failed
    failed = PlanningRun.objects.create(
        week_starts_on=MONDAY,
        time_zone="UTC",
        status="failed",
        error="No agent",
        created_by=planner,
    )

    def kinds():
        return [t.kind for t in todos_for(user=planner, clients=[client_a, client_b])]

    # then
    assert kinds().count("planning_run_failed") == 1
    (todo,) = [t for t in todos_for(user=planner, clients=[]) if t.kind == "planning_run_failed"]
    assert todo.url == reverse("planning_runs:run", args=[failed.pk])
    assert "No agent" in todo.detail

    # when a later run of the week is ready, the to-do is gone
    PlanningRun.objects.create(
        week_starts_on=MONDAY,
        time_zone="UTC",
        status="ready",
        created_by=planner,
        created_at=timezone.now() + timedelta(seconds=1),
    )
    assert "planning_run_failed" not in kinds()
