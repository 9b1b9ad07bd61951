"""The roster's pages: who may open which (client users get 404 everywhere), the forms'
errors next to their fields, the scheduler's queue and the agent's own page."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import Client as BrowserClient
from django.urls import reverse
from django.utils import timezone

from scheduling.roster.models import Agent, ShiftTemplate, TimeOffRequest
from tests.conftest import make_user
from tests.roster.factories import AgentFactory, ShiftTemplateFactory, TeamFactory, allowance

pytestmark = pytest.mark.django_db


def signed_in(user) -> BrowserClient:
    browser = BrowserClient()
    browser.force_login(user)
    return browser


@pytest.fixture
def scheduler(client_a):
    return make_user("scheduler", client_a, email="wfm@provider.test")


@pytest.fixture
def agent_user(client_a):
    return make_user("agent", client_a, email="ana@provider.test")


def page_urls(agent, template, request):
    return [
        reverse("roster:agents"),
        reverse("roster:export"),
        reverse("roster:import"),
        reverse("roster:agent_new"),
        reverse("roster:agent", args=[agent.pk]),
        reverse("roster:agent_edit", args=[agent.pk]),
        reverse("roster:templates"),
        reverse("roster:template_edit", args=[template.pk]),
        reverse("roster:time_off"),
        reverse("roster:my_time_off"),
    ]


def test_client_users_get_404_on_every_roster_page(client_a_admin, client_a_viewer):
    agent, template = AgentFactory(), ShiftTemplateFactory()
    request = TimeOffRequest.objects.create(
        agent=agent, starts_on=date(2031, 1, 5), ends_on=date(2031, 1, 5), kind="sick", days=1
    )
    for user in (client_a_admin, client_a_viewer):
        browser = signed_in(user)
        for url in page_urls(agent, template, request):
            assert browser.get(url).status_code == 404, (user.email, url)
        step = reverse("roster:time_off_step", args=[request.pk, "approve"])
        assert browser.post(step).status_code == 404


def test_anonymous_is_sent_to_login():
    response = BrowserClient().get(reverse("roster:agents"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_scheduler_opens_every_page(scheduler):
    agent, template = AgentFactory(), ShiftTemplateFactory()
    request = TimeOffRequest.objects.create(
        agent=agent, starts_on=date(2031, 1, 5), ends_on=date(2031, 1, 5), kind="sick", days=1
    )
    browser = signed_in(scheduler)
    for url in page_urls(agent, template, request):
        assert browser.get(url).status_code == 200, url


def test_an_agent_opens_only_their_own_page(agent_user):
    own, other = AgentFactory(user=agent_user), AgentFactory()
    template = ShiftTemplateFactory()
    browser = signed_in(agent_user)
    assert browser.get(reverse("roster:my_time_off")).status_code == 200
    for url in [
        reverse("roster:agents"),
        reverse("roster:agent", args=[own.pk]),
        reverse("roster:agent", args=[other.pk]),
        reverse("roster:time_off"),
        reverse("roster:templates"),
        reverse("roster:template_edit", args=[template.pk]),
        reverse("roster:import"),
    ]:
        assert browser.get(url).status_code == 404, url


def test_navigation_shows_the_entries_of_each_role(scheduler, agent_user):
    AgentFactory(user=agent_user)
    scheduler_home = signed_in(scheduler).get(reverse("roster:agents")).content.decode()
    agent_page = signed_in(agent_user).get(reverse("roster:my_time_off")).content.decode()
    assert 'href="/roster/time-off/"' in scheduler_home
    assert 'href="/roster/my-time-off/"' not in scheduler_home
    assert 'href="/roster/my-time-off/"' in agent_page and 'href="/roster/"' not in agent_page


def test_roster_list_filters_by_team_and_paginates(scheduler):
    blue, green = TeamFactory(name="Blue"), TeamFactory(name="Green")
    for n in range(30):
        AgentFactory(team=blue if n % 2 else green, full_name=f"Agent {n:02d}")
    browser = signed_in(scheduler)
    page = browser.get(reverse("roster:agents"), {"team": blue.pk}).content.decode()
    assert "15 agents found" in page and "Agent 01" in page and "Agent 00" not in page
    first = browser.get(reverse("roster:agents")).content.decode()
    assert "page 1 of 2" in first


def test_the_agent_form_reports_every_error_next_to_its_field(scheduler):
    browser = signed_in(scheduler)
    response = browser.post(
        reverse("roster:agent_new"),
        {
            "employee_number": "E-1",
            "full_name": "Ana",
            "time_zone": "Mars/Olympus",
            "min_hours_per_week": "10",
            "max_hours_per_week": "40",
            "days_per_week": "5",
            "hourly_cost": "12",
            "cost_currency": "ABC",
            "starts_on": "2024-01-01",
            "skills": "Cooking:9",
            "availability_mon": "late",
        },
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"skills", "availability_mon"}  # the form's own checks first
    response = browser.post(
        reverse("roster:agent_new"),
        {
            "employee_number": "E-1",
            "full_name": "Ana",
            "time_zone": "Mars/Olympus",
            "min_hours_per_week": "10",
            "max_hours_per_week": "40",
            "days_per_week": "5",
            "hourly_cost": "12",
            "cost_currency": "ABC",
            "starts_on": "2024-01-01",
        },
    )
    assert set(response.context["form"].errors) == {"time_zone", "cost_currency"}
    assert not Agent.objects.exists()


def test_scheduler_adds_a_shift_template(scheduler):
    browser = signed_in(scheduler)
    response = browser.post(
        reverse("roster:templates"),
        {
            "name": "Late",
            "length_minutes": "480",
            "start_times": "14:00, 15:30",
            "paid_break_minutes": "30",
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    template = ShiftTemplate.objects.get(name="Late")
    assert template.start_times_display == "14:00, 15:30"


def test_scheduler_refuses_with_a_reason_and_the_agent_reads_it(scheduler, agent_user):
    agent = AgentFactory(user=agent_user)
    request = TimeOffRequest.objects.create(
        agent=agent, starts_on=date(2031, 1, 5), ends_on=date(2031, 1, 5), kind="sick", days=1
    )
    browser = signed_in(scheduler)
    step = reverse("roster:time_off_step", args=[request.pk, "refuse"])
    no_reason = browser.post(step, {"reason": ""}, HTTP_HX_REQUEST="true")
    assert "Say why the time off is refused" in no_reason.content.decode()
    request.refresh_from_db()
    assert request.status == "requested"
    browser.post(step, {"reason": "Peak week"})
    request.refresh_from_db()
    assert (request.status, request.refusal_reason) == ("refused", "Peak week")
    mine = signed_in(agent_user).get(reverse("roster:my_time_off")).content.decode()
    assert "Reason: Peak week" in mine


def test_the_agent_requests_time_off_and_sees_the_balance(agent_user):
    agent = AgentFactory(user=agent_user)
    year = timezone.localdate().year
    allowance(agent, year, 20)
    browser = signed_in(agent_user)
    bad = browser.post(
        reverse("roster:my_time_off"),
        {"starts_on": f"{year}-12-20", "ends_on": f"{year}-12-10", "kind": "vacation"},
    )
    assert bad.status_code == 400 and "ends_on" in bad.context["form"].errors
    response = browser.post(
        reverse("roster:my_time_off"),
        {"starts_on": f"{year}-12-29", "ends_on": f"{year}-12-29", "kind": "vacation"},
    )
    assert response.status_code == 302
    page = browser.get(reverse("roster:my_time_off")).content.decode()
    assert "20 days" in page and "1 day waiting for a decision" in page


def test_import_page_previews_then_commits(scheduler, client_a):
    TeamFactory(name="Blue")
    browser = signed_in(scheduler)
    content = (
        b"employee_number,full_name,team,time_zone,currency\n"
        b"E-1,Ana Costa,Blue,Europe/Lisbon,EUR\nE-2,Bruno,Blue,UTC,EUR\n"
    )
    from django.core.files.uploadedfile import SimpleUploadedFile

    preview = browser.post(reverse("roster:import"), {"file": SimpleUploadedFile("r.csv", content)})
    assert preview.status_code == 200 and "2 new, 0 changed" in preview.content.decode()
    assert not Agent.objects.exists()
    commit = browser.post(
        reverse("roster:import"), {"commit": "1", "digest": preview.context["digest"]}
    )
    assert commit.status_code == 302 and Agent.objects.count() == 2
    bad = browser.post(
        reverse("roster:import"),
        {"file": SimpleUploadedFile("r.csv", content.replace(b"Blue,UTC", b"Red,UTC"))},
    )
    assert bad.status_code == 400
    assert "There is no team called Red." in bad.content.decode()


def test_scheduler_adds_a_team_with_its_cap_and_a_bad_site_is_refused_by_field(scheduler):
    from scheduling.roster.models import Site, Team

    lead = AgentFactory(full_name="Lee Lead")
    browser = signed_in(scheduler)
    added = browser.post(
        reverse("roster:reference"),
        {"kind": "team", "team-name": "Blue", "team-lead_agent": lead.pk, "team-max_off": "2"},
    )
    assert added.status_code == 302
    team = Team.objects.get(name="Blue")
    assert (team.lead_agent, team.off_cap.max_off) == (lead, 2)
    bad = browser.post(
        reverse("roster:reference"),
        {"kind": "site", "site-name": "Lisbon", "site-time_zone": "Lisbon"},
    )
    assert bad.status_code == 400
    assert "time_zone" in bad.context["forms"]["site"].errors
    assert not Site.objects.exists()


def test_readers_see_teams_but_do_not_change_them(client_a):
    manager = make_user("account_manager", client_a, email="am2@provider.test")
    browser = signed_in(manager)
    assert browser.get(reverse("roster:reference")).status_code == 200
    refused = browser.post(reverse("roster:reference"), {"kind": "skill", "skill-name": "X"})
    assert refused.status_code == 403


def test_the_roster_page_costs_the_same_for_5_and_25_agents(scheduler):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    browser = signed_in(scheduler)
    counts = []
    for total in (5, 25):
        while Agent.objects.count() < total:
            agent = AgentFactory(team=TeamFactory())
            agent.shift_templates.add(ShiftTemplateFactory())
        with CaptureQueriesContext(connection) as queries:
            assert browser.get(reverse("roster:agents")).status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1]


def test_a_decision_goes_back_only_to_a_page_of_this_site(scheduler):
    # given two waiting requests
    agent = AgentFactory()
    requests = [
        TimeOffRequest.objects.create(
            agent=agent, starts_on=date(2031, 1, d), ends_on=date(2031, 1, d), kind="sick", days=1
        )
        for d in (6, 8)
    ]
    browser = signed_in(scheduler)
    # when each is decided with a "next" that leaves the site, and one that does not
    away = browser.post(
        reverse("roster:time_off_step", args=[requests[0].pk, "approve"]),
        {"next": "//elsewhere.example/phish"},
    )
    home = browser.post(
        reverse("roster:time_off_step", args=[requests[1].pk, "approve"]),
        {"next": reverse("roster:agent", args=[agent.pk])},
    )
    # then the first lands on the queue, the second where it asked
    assert away.status_code == 302 and away["Location"] == reverse("roster:time_off")
    assert home["Location"] == reverse("roster:agent", args=[agent.pk])
