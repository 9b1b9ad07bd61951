"""The roster's fields for the planning rules: an agent's day rules and wishes on the page, in
the CSV file and in the API; a template's kind and its breaks, with a window that must fit
inside the shift."""

from __future__ import annotations

import pytest
from django.test import Client as BrowserClient
from django.urls import reverse

from scheduling.roster import roster_csv, services
from scheduling.roster.fields import parse_breaks, parse_preferences
from scheduling.roster.models import Agent, ShiftTemplate
from tests.conftest import make_user, token_client
from tests.roster.factories import ShiftTemplateFactory

pytestmark = pytest.mark.django_db
AGENTS = "/api/v1/roster/agents/"


@pytest.fixture
def scheduler(client_a):
    return make_user("scheduler", client_a, email="wfm@provider.test")


def signed_in(user) -> BrowserClient:
    browser = BrowserClient()
    browser.force_login(user)
    return browser


AGENT = {
    "employee_number": "E-1",
    "full_name": "Ana Costa",
    "time_zone": "Europe/Lisbon",
    "min_hours_per_week": "10",
    "max_hours_per_week": "40",
    "days_per_week": "5",
    "hourly_cost": "12",
    "cost_currency": "EUR",
    "starts_on": "2024-01-01",
}


def test_the_agent_page_stores_day_rules_and_wishes(scheduler):
    ShiftTemplateFactory(name="Night")
    browser = signed_in(scheduler)
    # given bad values, each is named next to its field
    response = browser.post(
        reverse("roster:agent_new"),
        {
            **AGENT,
            "max_consecutive_days": "0",
            "max_weekends_per_4_weeks": "5",
            "preferences": "hate sat",
        },
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {
        "max_consecutive_days",
        "max_weekends_per_4_weeks",
        "preferences",
    }
    response = browser.post(
        reverse("roster:agent_new"), {**AGENT, "preferences": "avoid sat Dawn:80"}
    )
    assert response.context["form"].errors == {
        "preferences": ["There is no shift template called Dawn."]
    }
    # when the values are good
    response = browser.post(
        reverse("roster:agent_new"),
        {
            **AGENT,
            "max_consecutive_days": "6",
            "min_consecutive_days_off": "2",
            "max_weekends_per_4_weeks": "2",
            "preferences": "avoid sat:80; prefer mon Night; avoid night",
        },
    )
    # then
    assert response.status_code == 302
    agent = Agent.objects.get(employee_number="E-1")
    assert (
        agent.max_consecutive_days,
        agent.min_consecutive_days_off,
        agent.max_weekends_per_4_weeks,
    ) == (6, 2, 2)
    assert [
        (p.is_wanted, p.weekday, p.template.name if p.template else None, p.weight)
        for p in agent.preferences.all()
    ] == [(False, 5, None, 80), (True, 0, "Night", 50), (False, None, "Night", 50)]
    page = browser.get(reverse("roster:agent", args=[agent.pk])).content.decode()
    assert "at most 6 working" in page and "at most 2 in 4 weeks" in page
    assert "avoid sat:80; prefer mon Night:50; avoid Night:50" in page
    form = browser.get(reverse("roster:agent_edit", args=[agent.pk])).context["form"]
    assert form.initial["preferences"] == "avoid sat:80; prefer mon Night:50; avoid Night:50"
    assert form.initial["max_consecutive_days"] == 6


def test_the_csv_file_carries_the_rules_both_ways(client_a):
    ShiftTemplateFactory(name="Night")
    content = (
        b"employee_number,full_name,time_zone,currency,max_consecutive_days,"
        b"min_consecutive_days_off,max_weekends_per_4_weeks,preferences\n"
        b"E-7,Bruno Dias,Europe/Lisbon,EUR,5,2,,avoid sun:30; prefer Night\n"
    )
    services.import_roster(content=content, actor=None)
    agent = Agent.objects.get(employee_number="E-7")
    assert (agent.max_consecutive_days, agent.min_consecutive_days_off) == (5, 2)
    assert agent.max_weekends_per_4_weeks is None
    exported = roster_csv.write_csv([services.agent_data_of(agent)])
    header, row = exported.splitlines()[:2]
    values = dict(zip(header.split(","), row.split(","), strict=True))
    assert values["max_consecutive_days"] == "5"
    assert values["max_weekends_per_4_weeks"] == ""
    assert values["preferences"] == "avoid sun:30; prefer Night:50"
    # reimporting the export changes nothing
    plan = services.import_roster(content=exported.encode(), actor=None)
    assert plan.counts == {"new": 0, "changed": 0, "unchanged": 1}
    bad = (
        b"employee_number,full_name,time_zone,currency,max_consecutive_days,"
        b"max_weekends_per_4_weeks,preferences\n"
        b"E-8,Carla,Europe/Lisbon,EUR,many,9,avoid\n"
    )
    with pytest.raises(services.RosterImportError) as caught:
        services.import_roster(content=bad, actor=None)
    assert sorted((p.row, p.column) for p in caught.value.problems) == [
        (2, "max_consecutive_days"),
        (2, "preferences"),
    ]
    planned = services.plan_roster_import(
        content=bad.replace(b"many", b"3").replace(b",avoid", b",")
    )
    assert [(p.row, p.column) for p in planned.problems] == [(2, "max_weekends_per_4_weeks")]
    assert "between 0 and 4" in planned.problems[0].message
    assert not Agent.objects.filter(employee_number="E-8").exists()


def test_the_api_reads_and_writes_the_rules(scheduler):
    ShiftTemplateFactory(name="Night")
    api = token_client(scheduler)
    created = api.post(
        AGENTS,
        {
            "employee_number": "E-9",
            "full_name": "Dora",
            "time_zone": "Europe/Lisbon",
            "cost_currency": "EUR",
            "max_consecutive_days": 5,
            "max_weekends_per_4_weeks": 0,
            "preferences": [
                {"wanted": False, "weekday": "sun", "weight": 70},
                {"wanted": True, "template": "Night"},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    agent = Agent.objects.get(employee_number="E-9")
    assert (agent.max_consecutive_days, agent.max_weekends_per_4_weeks) == (5, 0)
    body = api.get(f"{AGENTS}{agent.pk}/").json()
    assert body["min_consecutive_days_off"] is None
    assert body["preferences"] == [
        {"wanted": False, "weekday": "sun", "template": None, "weight": 70},
        {"wanted": True, "weekday": None, "template": "Night", "weight": 50},
    ]
    bad = api.patch(
        f"{AGENTS}{agent.pk}/", {"preferences": [{"wanted": True, "weight": 5}]}, format="json"
    )
    assert bad.status_code == 400


def test_a_template_with_breaks_whose_window_leaves_the_shift_is_refused(scheduler):
    browser = signed_in(scheduler)
    template = {
        "name": "Late",
        "length_minutes": "240",
        "start_times": "14:00",
        "paid_break_minutes": "0",
        "is_active": "on",
    }
    response = browser.post(
        reverse("roster:templates"), {**template, "breaks": "lunch 30 3:00-3:45"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors == {
        "breaks": [
            "Lunch of 30 min starting as late as 3 h 45 min after the start would end after "
            "the 4 h shift; start it by 3 h 30 min at the latest."
        ]
    }
    response = browser.post(reverse("roster:templates"), {**template, "breaks": "nap 20 1:00-2:00"})
    assert "breaks" in response.context["form"].errors
    assert not ShiftTemplate.objects.filter(name="Late").exists()
    # when it fits; the kind left empty comes from the start time (evening from 12:00)
    response = browser.post(
        reverse("roster:templates"),
        {**template, "breaks": "break 15 1:00-1:30; lunch 30 2:00-3:30"},
    )
    assert response.status_code == 302
    stored = ShiftTemplate.objects.get(name="Late")
    assert stored.kind == "evening"
    assert [
        (b.kind, b.minutes, b.earliest_minute, b.latest_minute) for b in stored.breaks.all()
    ] == [
        ("break", 15, 60, 90),
        ("lunch", 30, 120, 210),
    ]
    listing = browser.get(reverse("roster:templates")).content.decode()
    assert "Lunch 30 min, starting 2:00 to 3:30 after the shift starts" in listing
    edit = browser.get(reverse("roster:template_edit", args=[stored.pk])).context["form"]
    assert edit.initial["breaks"] == "break 15 1:00-1:30; lunch 30 2:00-3:30"
    # a chosen kind is kept
    browser.post(
        reverse("roster:template_edit", args=[stored.pk]),
        {**template, "kind": "night", "breaks": ""},
    )
    stored.refresh_from_db()
    assert stored.kind == "night" and not stored.breaks.exists()


def test_the_text_formats_read_what_they_write():
    assert parse_preferences("prefer mon Early Bird:10; avoid Late") == [
        (True, "mon", "Early Bird", 10),
        (False, None, "Late", 50),
    ]
    with pytest.raises(ValueError, match="listed twice"):
        parse_preferences("avoid sat; prefer sat")
    with pytest.raises(ValueError, match="from 1 to 1000"):
        parse_preferences("avoid sat:0")
    assert parse_breaks("Lunch 30 min 3:00-5:00") == [("lunch", 30, 180, 300)]
    with pytest.raises(ValueError, match="ends before it begins"):
        parse_breaks("break 15 2:00-1:00")
