"""The worked-time pages: who opens which, the week's figures and empty states, the import's
preview and commit, confirming, correcting a day, and locked periods refusing each of them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.test import Client as BrowserClient
from django.urls import reverse

from bpo.accounts.roles import Role
from scheduling.roster import worked
from scheduling.roster.models import Booking, PeriodLock, WorkedDay
from tests.conftest import make_user
from tests.roster.factories import AgentFactory, TeamFactory

pytestmark = pytest.mark.django_db
MONDAY = date(2026, 11, 23)
WEEK = f"?week={MONDAY}"


def signed_in(user) -> BrowserClient:
    browser = BrowserClient()
    browser.force_login(user)
    return browser


def book(agent, client, day, start_hour, end_hour, shift_id):
    Booking.objects.create(
        agent=agent,
        client=client,
        during=DateTimeTZRange(
            datetime(day.year, day.month, day.day, start_hour, tzinfo=UTC),
            datetime(day.year, day.month, day.day, end_hour, tzinfo=UTC),
        ),
        plan_id=1,
        shift_id=shift_id,
    )


@pytest.fixture
def scheduler(client_a):
    return make_user(Role.SCHEDULER, client_a, email="wfm@provider.test")


@pytest.fixture
def finance(client_a):
    return make_user(Role.FINANCE, client_a, email="fin@provider.test", full_name="Fiona Finance")


@pytest.fixture
def team_week(client_a, client_b):
    """Ana (team Blue, clocked Monday) and Rui (team Red, booked Monday, no figures)."""
    blue, red = TeamFactory(name="Blue"), TeamFactory(name="Red")
    ana = AgentFactory(full_name="Ana Costa", employee_number="E-1", team=blue)
    rui = AgentFactory(full_name="Rui Lopes", employee_number="E-2", team=red)
    book(ana, client_a, MONDAY, 8, 16, 1)
    book(rui, client_b, MONDAY, 8, 16, 2)
    WorkedDay.objects.create(
        agent=ana,
        day=MONDAY,
        scheduled_minutes=480,
        worked_minutes=450,
        in_state_minutes=420,
        source="clock",
    )
    return {"blue": blue, "red": red, "ana": ana, "rui": rui}


def urls(agent) -> list[str]:
    return [
        reverse("roster:worked"),
        reverse("roster:worked_import"),
        reverse("roster:productive_import"),
        reverse("roster:worked_day") + f"?agent={agent.pk}&day={MONDAY}",
        reverse("roster:locks"),
    ]


def test_client_users_and_plain_staff_get_404(client_a_admin, client_a, team_week):
    qa = make_user(Role.QA_ANALYST, client_a, email="qa@provider.test")
    for user in (client_a_admin, qa):
        browser = signed_in(user)
        for url in urls(team_week["ana"]):
            assert browser.get(url).status_code == 404, (user.email, url)
        for url in ("roster:worked_confirm", "roster:lock_unlock"):
            assert browser.post(reverse(url)).status_code == 404


def test_the_scheduler_sees_the_week_with_percentages(scheduler, team_week):
    response = signed_in(scheduler).get(reverse("roster:worked") + WEEK)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Ana Costa" in html and "Rui Lopes" in html
    assert "Adh. 87.5\u00a0%" in html and "Conf. 93.8\u00a0%" in html
    assert "1 booked day without figures" in html  # Rui's Monday
    assert "Confirm scheduled time for the chosen agents" in html


def test_a_team_lead_sees_only_their_team_on_the_page(client_a, team_week):
    lead_user = make_user(Role.AGENT, client_a, email="lead@provider.test")
    team_week["blue"].lead_user = lead_user
    team_week["blue"].save()
    browser = signed_in(lead_user)
    html = browser.get(reverse("roster:worked") + WEEK).content.decode()
    assert "Ana Costa" in html and "Rui Lopes" not in html
    assert "You see the agents of the teams you lead." in html
    assert "Confirm scheduled time" not in html  # reading only
    # asking for the other team by id shows nothing of it
    other = browser.get(reverse("roster:worked") + WEEK + f"&team={team_week['red'].pk}")
    assert "Rui Lopes" not in other.content.decode()
    # and the writes stay closed to a team lead
    assert browser.get(reverse("roster:worked_import")).status_code == 404
    assert browser.post(reverse("roster:worked_confirm"), {"week": MONDAY}).status_code == 404


def test_empty_states(client_a, scheduler):
    plain = make_user(Role.AGENT, client_a, email="plain@provider.test")
    assert "You lead no team" in signed_in(plain).get(reverse("roster:worked")).content.decode()
    AgentFactory(full_name="Ana Costa")
    html = signed_in(scheduler).get(reverse("roster:worked") + WEEK).content.decode()
    assert "No worked time is stored for this week yet" in html


def test_the_import_previews_then_stores(scheduler, team_week):
    browser = signed_in(scheduler)
    url = reverse("roster:worked_import")
    content = b"employee_number,date,clock_in,clock_out\nE-2,2026-11-23,08:15,16:00\n"
    # when the file is checked
    preview = browser.post(url, {"file": SimpleUploadedFile("clock.csv", content)})
    # then nothing is stored yet, and the preview names the day
    assert preview.status_code == 200
    assert "Preview: nothing is stored yet" in preview.content.decode()
    assert not WorkedDay.objects.filter(agent=team_week["rui"]).exists()
    # when it is imported
    digest = preview.context["digest"]
    done = browser.post(url, {"commit": "1", "digest": digest})
    assert done.status_code == 302
    row = WorkedDay.objects.get(agent=team_week["rui"])
    assert (row.worked_minutes, row.in_state_minutes) == (465, 465)


def test_a_bad_file_shows_every_problem(scheduler, team_week):
    content = b"employee_number,date,clock_in,clock_out\nE-9,2026-11-23,08:15,16:00\n"
    response = signed_in(scheduler).post(
        reverse("roster:worked_import"), {"file": SimpleUploadedFile("clock.csv", content)}
    )
    assert response.status_code == 400
    assert "No agent has the number E-9." in response.content.decode()


def test_locked_days_refuse_the_pages_writes(scheduler, finance, team_week):
    worked.lock_period(
        starts_on=date(2026, 11, 1), ends_on=date(2026, 11, 30), note="Invoiced", actor=finance
    )
    browser = signed_in(scheduler)
    # the import names the lock
    content = b"employee_number,date,clock_in,clock_out\nE-2,2026-11-23,08:15,16:00\n"
    response = browser.post(
        reverse("roster:worked_import"), {"file": SimpleUploadedFile("clock.csv", content)}
    )
    assert response.status_code == 400
    assert "was locked by Fiona Finance" in response.content.decode()
    # confirming says so
    confirm = browser.post(
        reverse("roster:worked_confirm"),
        {"week": MONDAY, "agent": [team_week["rui"].pk]},
        follow=True,
    )
    assert "can no longer change" in confirm.content.decode()
    # the day's page shows the lock instead of the form, and a post is refused
    day_url = reverse("roster:worked_day") + f"?agent={team_week['ana'].pk}&day={MONDAY}"
    page = browser.get(day_url).content.decode()
    assert "was locked by Fiona Finance" in page and "Save the day" not in page
    posted = browser.post(day_url, {"worked": "1:00", "reason": "Late"})
    assert posted.status_code == 400
    assert WorkedDay.objects.get(agent=team_week["ana"]).worked_minutes == 450
    assert not WorkedDay.objects.filter(agent=team_week["rui"]).exists()


def test_confirm_and_correct_from_the_pages(scheduler, team_week):
    browser = signed_in(scheduler)
    browser.post(reverse("roster:worked_confirm"), {"week": MONDAY, "agent": [team_week["rui"].pk]})
    assert WorkedDay.objects.get(agent=team_week["rui"]).source == "confirmed"
    day_url = reverse("roster:worked_day") + f"?agent={team_week['ana'].pk}&day={MONDAY}"
    missing_reason = browser.post(day_url, {"worked": "7:45", "reason": ""})
    assert missing_reason.status_code == 400
    assert browser.post(day_url, {"worked": "7:45", "reason": "Badge broke"}).status_code == 302
    assert WorkedDay.objects.get(agent=team_week["ana"]).worked_minutes == 465


def test_finance_locks_and_a_provider_admin_reopens(scheduler, finance, provider_admin):
    url = reverse("roster:locks")
    response = signed_in(finance).post(
        url, {"starts_on": "2026-11-01", "ends_on": "2026-11-30", "note": "November invoiced"}
    )
    assert response.status_code == 302
    lock = PeriodLock.objects.get()
    # a scheduler reads the locks but may not lock
    assert "November invoiced" in signed_in(scheduler).get(url).content.decode()
    assert (
        signed_in(scheduler).post(url, {"starts_on": "2026-12-01", "ends_on": "2026-12-02"})
    ).status_code == 403
    # finance may not reopen; a provider admin may, with a reason
    unlock = reverse("roster:lock_unlock")
    assert signed_in(finance).post(unlock, {"lock": lock.pk, "reason": "x"}).status_code == 403
    signed_in(provider_admin).post(unlock, {"lock": lock.pk, "reason": ""})
    assert PeriodLock.objects.exists()
    signed_in(provider_admin).post(unlock, {"lock": lock.pk, "reason": "Credit note"})
    assert not PeriodLock.objects.exists()


def test_the_week_page_reads_a_fixed_number_of_queries(
    scheduler, team_week, django_assert_max_num_queries
):
    for _ in range(10):
        agent = AgentFactory(team=team_week["blue"])
        WorkedDay.objects.create(
            agent=agent, day=MONDAY + timedelta(days=1), worked_minutes=60, source="manual"
        )
    browser = signed_in(scheduler)
    # 8 reads, each after a SET search_path, whatever the number of agents
    with django_assert_max_num_queries(18):
        assert browser.get(reverse("roster:worked") + WEEK).status_code == 200
