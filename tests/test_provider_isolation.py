"""Tenant isolation over every provider (public, not client-scoped) page and API route.

``tests/test_isolation.py`` walks the client routes; this walks the rest of the URL
configuration: every route outside ``/c/<slug>/`` and ``/api/v1/clients/<slug>/`` (and the
Django admin, ``tests/test_admin.py``) must be classified in ``ACCESS`` below, or the suite
fails, so a new provider route is picked up and has to say who it serves. Each route is then
its own test, against rows of client B (a member, an invitation, an account manager and a staff
invitation, a finished export with its job, an event, a failed onboarding run) and the
provider's own roster rows (an agent who serves clients A and B, a shift template, a waiting
time-off request):

- anonymous callers are sent to the login page (pages) or get 401 (API), except public routes;
- a client user of A and an account manager assigned to A see nothing of B through any route:
  a route they may not use at all answers a page 404 (an API 403), and the same whatever the
  id; an id of B's rows is not found, with the body of an id that does not exist; no answer
  mentions B; nothing of B changes;
- a roster row is found by those who may read the roster (and shows only their clients), and
  for everyone else answers exactly like an id that does not exist; no roster row changes.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from bpo.accounts import services
from bpo.accounts.roles import Role
from tests.conftest import make_user, token_client
from tests.test_isolation import _done_export

# Prefixes that are not provider routes: the client routes (tests/test_isolation.py) and the
# Django admin (tests/test_admin.py: provider admins only).
NOT_PROVIDER_PREFIXES = ("c/<slug:client_slug>/", "api/v1/clients/<slug:client_slug>/", "admin/")

# Who a provider route serves.
PUBLIC = "public"  # anyone, signed in or not; shows no client's data
SIGNED_IN = "signed in"  # any signed-in user; shows only what that user may see
STAFF = "staff"  # provider staff (a client user gets 404); their clients only
ONBOARDING = "onboarding"  # account managers and provider admins (can_onboard_clients)
STAFF_ADMIN = "staff admin"  # provider admins (can_manage_staff)
# The provider's roster (scheduling.roster): provider rows, no client's rows (an agent's "may
# serve" shows a reader only the clients that reader may open). Readers are the staff who plan
# (VIEW_ROSTER: provider admin, scheduler, account manager, finance); writers the schedulers
# (MANAGE_ROSTER). Anyone with no roster right at all gets not-found from pages and API alike,
# since an agent's existence is the provider's business.
ROSTER_VIEW = "roster readers"
ROSTER_MANAGE = "roster managers"  # a reader who is not a scheduler gets a page 404 too
# The roster's readers and its agents (can_use_roster): only the caller's own agent row and
# requests ("My time off"; a reader with no agent row is told so, 200).
ROSTER_OWN = "roster users, own rows"
# A time-off step (approve, refuse, cancel): opened by the roster's users, each step's right
# from services.WORKFLOW; a roster user whose role never takes the step gets 403 whatever the
# id (page and API: they know the roster exists, and no row is read), everyone else 404.
ROSTER_STEP = "roster time-off steps"
# The roster's API routes a reader may not use (planning runs, swaps): 404 for anyone without
# a roster right, 403 for a roster reader (they know the roster exists; no row is read).
ROSTER_API_MANAGE = "roster API, not for readers"
# The worked-time API's reads: roster routes (404 for anyone without a roster right) that the
# worked-time readers use (a team lead: their teams' agents).
WORKED_VIEW_API = "worked-time readers (API)"
ROSTER = {ROSTER_VIEW, ROSTER_MANAGE, ROSTER_OWN, ROSTER_STEP, ROSTER_API_MANAGE, WORKED_VIEW_API}
# Worked time (scheduling.roster.worked): readers are VIEW_WORKED_TIME (planners, account
# managers, finance; an agent only the teams they lead, the selector's check), writers
# MANAGE_WORKED_TIME; period locks are read by schedulers and finance, written by LOCK_PERIODS
# (unlocking: provider admins only, the service's check). Provider rows only, no client's.
WORKED_VIEW = "worked-time readers"
WORKED_MANAGE = "worked-time managers"
LOCKS = "period locks (finance, schedulers)"
# Invoice runs (billing.runs): finance and provider admins (can_run_invoices); a run shows a
# finance user only the clients it bills. Everyone else gets a page 404.
INVOICE_RUNS = "invoice runs (finance)"

ACCESS = {
    "portal:home": SIGNED_IN,
    "portal:switch": SIGNED_IN,
    # The account side's weekly reports across its clients (only clients it may open).
    "reporting:reports_across_clients": STAFF,
    "accounts:login": PUBLIC,
    "accounts:logout": PUBLIC,
    "accounts:profile": SIGNED_IN,
    "accounts:password_change": SIGNED_IN,
    "accounts:password_change_done": SIGNED_IN,
    "accounts:password_reset": PUBLIC,
    "accounts:password_reset_done": PUBLIC,
    "accounts:password_reset_confirm": PUBLIC,
    "accounts:password_reset_complete": PUBLIC,
    "accounts:accept_invitation": PUBLIC,
    "accounts:staff": STAFF_ADMIN,
    "accounts:staff_invite": STAFF_ADMIN,
    "accounts:staff_detail": STAFF_ADMIN,
    "accounts:staff_set_active": STAFF_ADMIN,
    "accounts:staff_membership_revoke": STAFF_ADMIN,
    "accounts:staff_invitation_revoke": STAFF_ADMIN,
    "tenants:list": STAFF,
    "tenants:onboard": ONBOARDING,
    "tenants:onboard_reset": ONBOARDING,
    "tenants:onboard_address_check": ONBOARDING,
    "tenants:onboard_time_zones": ONBOARDING,
    "tenants:onboard_step": ONBOARDING,
    "tenants:onboarding_run": ONBOARDING,
    "tenants:onboarding_run_progress": ONBOARDING,
    "tenants:onboarding_retry": ONBOARDING,
    "api:auth-token": PUBLIC,
    "api:me": SIGNED_IN,
    "api:membership-list": SIGNED_IN,
    "api:membership-detail": SIGNED_IN,
    "api:invitation-list": STAFF_ADMIN,
    "api:invitation-detail": STAFF_ADMIN,
    "api:invitation-revoke": STAFF_ADMIN,
    "api:client-list": SIGNED_IN,
    "api:onboarding-run-list": ONBOARDING,
    "api:onboarding-run-detail": ONBOARDING,
    "api:onboarding-run-retry": ONBOARDING,
    "api-schema": PUBLIC,
    "api-docs": PUBLIC,
    "favicon": PUBLIC,
    "roster:agents": ROSTER_VIEW,
    "roster:export": ROSTER_VIEW,
    "roster:import": ROSTER_MANAGE,
    "roster:agent_new": ROSTER_MANAGE,
    "roster:agent": ROSTER_VIEW,
    "roster:agent_edit": ROSTER_MANAGE,
    "roster:agent_allowance": ROSTER_MANAGE,
    "roster:agent_end": ROSTER_MANAGE,
    "roster:reference": ROSTER_VIEW,
    "roster:templates": ROSTER_VIEW,
    "roster:template_edit": ROSTER_MANAGE,
    "roster:time_off": ROSTER_VIEW,
    "roster:time_off_new": ROSTER_MANAGE,
    "roster:time_off_step": ROSTER_STEP,
    "roster:my_time_off": ROSTER_OWN,
    "api:roster-agent-list": ROSTER_VIEW,
    "api:roster-agent-detail": ROSTER_VIEW,
    "api:roster-time-off-list": ROSTER_VIEW,
    "api:roster-time-off-detail": ROSTER_VIEW,
    "api:roster-time-off-approve": ROSTER_STEP,
    "api:roster-time-off-cancel": ROSTER_STEP,
    "api:roster-time-off-refuse": ROSTER_STEP,
    "roster:worked": WORKED_VIEW,
    "roster:worked_import": WORKED_MANAGE,
    "roster:productive_import": WORKED_MANAGE,
    "roster:worked_confirm": WORKED_MANAGE,
    "roster:worked_day": WORKED_MANAGE,
    "roster:locks": LOCKS,
    "roster:lock_unlock": LOCKS,
    # Receivables ageing across the reader's clients (issue 12): provider admin, account
    # managers, finance (VIEW_RECEIVABLES), each only their clients' rows.
    "receivables:ageing": STAFF,
    # Invoice runs (issue 12): finance's, across the clients it bills.
    "invoice_runs:runs": INVOICE_RUNS,
    "invoice_runs:run_new": INVOICE_RUNS,
    "invoice_runs:run": INVOICE_RUNS,
    "invoice_runs:run_progress": INVOICE_RUNS,
    "invoice_runs:run_retry": INVOICE_RUNS,
    # Planning runs (issue 10): the schedulers' (RUN_PLANNING), provider-wide.
    "planning_runs:runs": ROSTER_MANAGE,
    "planning_runs:run_new": ROSTER_MANAGE,
    "planning_runs:run": ROSTER_MANAGE,
    "planning_runs:run_progress": ROSTER_MANAGE,
    # My week, its calendar feed (the secret token is the credential), swaps, the team's week
    "roster:my_week": ROSTER_OWN,
    "roster:calendar_rotate": ROSTER_OWN,
    "roster:calendar_feed": PUBLIC,
    "roster:swap_offer": ROSTER_OWN,
    "roster:swaps": ROSTER_MANAGE,
    "roster:swap_step": ROSTER_STEP,
    "roster:team_week": ROSTER_OWN,
    # The API of issue 10's provider side: planning runs, my week, swaps, worked time, locks
    "api:planning-run-list": ROSTER_API_MANAGE,
    "api:planning-run-detail": ROSTER_API_MANAGE,
    "api:roster-my-week": ROSTER_OWN,
    "api:roster-calendar": ROSTER_OWN,
    "api:roster-calendar-rotate": ROSTER_OWN,
    "api:roster-team-week": ROSTER_OWN,
    "api:roster-swap-list": ROSTER_API_MANAGE,
    "api:roster-swap-detail": ROSTER_API_MANAGE,
    "api:roster-swap-offers": ROSTER_API_MANAGE,
    "api:roster-swap-take": ROSTER_STEP,
    "api:roster-swap-withdraw": ROSTER_STEP,
    "api:roster-swap-approve": ROSTER_STEP,
    "api:roster-swap-refuse": ROSTER_STEP,
    "api:roster-worked-time": WORKED_VIEW_API,
    "api:roster-worked-confirm": ROSTER_API_MANAGE,
    "api:roster-worked-day": ROSTER_API_MANAGE,
    "api:roster-worked-import": ROSTER_API_MANAGE,
    "api:roster-productive-import": ROSTER_API_MANAGE,
    "api:roster-period-lock-list": ROSTER_API_MANAGE,
    "api:roster-period-lock-unlock": ROSTER_API_MANAGE,
}
# What each kind of viewer may use.
CLIENT_USER_MAY = {PUBLIC, SIGNED_IN}
ACCOUNT_MANAGER_MAY = {PUBLIC, SIGNED_IN, STAFF, ONBOARDING, ROSTER_VIEW, ROSTER_OWN}
ACCOUNT_MANAGER_MAY |= {WORKED_VIEW, WORKED_VIEW_API}
# A roster reader may open a step's route, but its role takes no step (403, see ROSTER_STEP).
ROSTER_READER_REFUSED_AS_FORBIDDEN = {ROSTER_STEP, ROSTER_API_MANAGE}


def _refused_as(route, access: str, may: set[str], method: str) -> int:
    """The status of a refusal: a page 404, an API 403; the roster's 404 on the API too, but
    403 for a roster reader refused a time-off step (405 for a GET of the step's page)."""
    if access in ROSTER:
        if ROSTER_VIEW in may and access in ROSTER_READER_REFUSED_AS_FORBIDDEN:
            return 405 if method == "get" and not route.is_api else 403
        return 404
    return 403 if route.is_api else 404


# B's row each path parameter names (by route where the name alone is ambiguous).
B_ROW_FOR_PARAMETER = {
    "run_id": "run",
    "user_id": "staff_user",
    "membership_id": "staff_membership",
    "invitation_id": "staff_invitation",
}
B_ROW_FOR_PK = {
    "api:onboarding-run-": "run",
    "api:membership-": "member_membership",
    "api:invitation-": "staff_invitation",
}
# The provider's roster rows each path parameter names (they belong to no client).
ROSTER_ROW_FOR_PARAMETER = {
    "agent_id": "roster_agent",
    "template_id": "roster_template",
    "request_id": "roster_request",
    "planning_run_id": "roster_planning_run",
    "swap_id": "roster_swap",
}
ROSTER_ROW_FOR_PK = {
    "api:roster-agent-": "roster_agent",
    "api:roster-time-off-": "roster_request",
    "api:planning-run-": "roster_planning_run",
    "api:roster-swap-": "roster_swap",
    "api:roster-period-lock-": "roster_lock",
}
FILLERS = {"step": "company", "token": "no-such-token", "uidb64": "MQ", "invoice_run_id": "987654"}
# The one time-off step whose right includes someone other than the schedulers (agents).
ROUTE_FILLERS = {"roster:time_off_step": {"step": "cancel"}, "roster:swap_step": {"step": "take"}}
MISSING = {"run": str(uuid.UUID(int=1)), "default": "987654"}
MARKER = "globex"  # in client B's name, slug and every address of its people


# --- walking the URL configuration --------------------------------------------------------------


@dataclass(frozen=True)
class ProviderRoute:
    route: str
    name: str
    callback: object
    parameters: tuple[str, ...]

    def __str__(self) -> str:
        return self.name or self.route

    @property
    def is_api(self) -> bool:
        return self.route.startswith("api/")

    @property
    def methods(self) -> tuple[str, ...]:
        actions = getattr(self.callback, "actions", None)  # a viewset routes these only
        return tuple(actions) if actions else ("get", "post")


def _parameters(pattern: URLPattern) -> tuple[str, ...]:
    converters = getattr(pattern.pattern, "converters", None)
    if converters:
        return tuple(converters)
    return tuple(pattern.pattern.regex.groupindex)


def _walk(patterns, prefix: str = "", namespace: str = ""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            route = prefix + str(pattern.pattern)
            if route in NOT_PROVIDER_PREFIXES:
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _walk(pattern.url_patterns, route, inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}{pattern.name}" if pattern.name else ""
            yield ProviderRoute(
                prefix + str(pattern.pattern), name, pattern.callback, _parameters(pattern)
            )


PROVIDER_ROUTES = list(_walk(get_resolver().url_patterns))


def test_provider_routes_exist():
    names = {route.name for route in PROVIDER_ROUTES}
    assert {"tenants:list", "api:membership-list", "accounts:staff_detail"} <= names
    assert not any(route.route.startswith(NOT_PROVIDER_PREFIXES) for route in PROVIDER_ROUTES)


def test_every_provider_route_is_classified():
    unnamed = [route.route for route in PROVIDER_ROUTES if not route.name]
    unclassified = [route.name for route in PROVIDER_ROUTES if route.name not in ACCESS]
    stale = sorted(set(ACCESS) - {route.name for route in PROVIDER_ROUTES})
    assert not unnamed, f"Provider routes without a name (name them to classify): {unnamed}"
    assert not unclassified, (
        "Provider routes nobody classified: add each to ACCESS in tests/test_provider_isolation.py"
        f" with who it serves: {unclassified}"
    )
    assert not stale, f"ACCESS names routes that no longer exist: {stale}"


# --- client B's rows ------------------------------------------------------------------------------


def _rows_of_b(client_b) -> dict:
    from bpo.jobs.models import Job
    from tenants import services as tenant_services
    from tenants.models import ClientEvent, OnboardingRun
    from tests.factories import client_answers

    member = make_user(Role.CLIENT_VIEWER, client_b, email="member@globex-b.test")
    staff = make_user(Role.ACCOUNT_MANAGER, client_b, email="am@globex-b.test")
    invitation, _ = services.invite_user(
        email="invitee@globex-b.test", role=Role.CLIENT_VIEWER, client=client_b, invited_by=None
    )
    staff_invitation, _ = services.invite_user(
        email="new-am@globex-b.test", role=Role.ACCOUNT_MANAGER, client=client_b, invited_by=None
    )
    export = _done_export(client_b)
    Job.objects.filter(pk=export.job_id).update(message="Globex export done")
    ClientEvent.objects.create(client=client_b, actor=staff, action="note", note="Globex note")
    run = tenant_services.start_onboarding(data=client_answers("globex-sister"), requested_by=staff)
    OnboardingRun.objects.filter(pk=run.pk).update(client=client_b)
    Job.objects.filter(pk=run.job_id).update(status="failed", error="Globex failure")
    return {
        "run": str(run.pk),
        "run_job": run.job_id,
        "staff_user": str(staff.pk),
        "staff_membership": str(staff.memberships.get().pk),
        "member_membership": str(member.memberships.get().pk),
        "invitation": invitation.pk,
        "staff_invitation": str(staff_invitation.pk),
        "export": export.pk,
    }


def _roster_rows(client_a, client_b) -> dict:
    """An agent serving A and B (so a reader of A's who saw B's name would show it), a shift
    template and a waiting request: the provider's rows, not a client's."""
    from datetime import date

    from scheduling.roster.models import AgentServiceLine, TimeOffRequest
    from tests.roster.factories import AgentFactory, ShiftTemplateFactory

    agent = AgentFactory(full_name="Rosa Roster")
    for client in (client_a, client_b):
        AgentServiceLine.objects.create(agent=agent, client=client)
    template = ShiftTemplateFactory(name="Early roster shift")
    request = TimeOffRequest.objects.create(
        agent=agent, starts_on=date(2031, 1, 6), ends_on=date(2031, 1, 6), kind="sick", days=1
    )
    from scheduling.roster.models import PlanningRun

    planning_run = PlanningRun.objects.create(
        week_starts_on=date(2031, 1, 6), time_zone="UTC", status="failed", error="Globex run"
    )
    planning_run.clients.set([client_a, client_b])
    swap = _offered_shift_of(agent, client_b)
    from scheduling.roster.models import PeriodLock

    lock = PeriodLock.objects.create(
        starts_on=date(2031, 1, 1), ends_on=date(2031, 1, 31), note="Globex January"
    )
    return {
        "roster_agent": str(agent.pk),
        "roster_template": str(template.pk),
        "roster_request": str(request.pk),
        "roster_planning_run": str(planning_run.pk),
        "roster_swap": str(swap.pk),
        "roster_lock": str(lock.pk),
    }


def _offered_shift_of(agent, client):
    """A shift of ``client``'s the agent offers for a swap (a provider row naming a client)."""
    from datetime import UTC, datetime

    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    from scheduling.roster.models import Booking, ShiftSwap

    starts_at = datetime(2031, 1, 7, 8, tzinfo=UTC)
    booking = Booking.objects.create(
        agent=agent,
        client=client,
        during=DateTimeTZRange(starts_at, starts_at.replace(hour=16)),
        plan_id=1,
        shift_id=1,
    )
    return ShiftSwap.objects.create(booking=booking, offered_by=agent)


def _roster_untouched(rows: dict) -> None:
    from scheduling.roster.models import Agent, AgentServiceLine, ShiftTemplate, TimeOffRequest

    agent = Agent.objects.get(pk=rows["roster_agent"])
    assert (agent.full_name, agent.ends_on) == ("Rosa Roster", None)
    assert AgentServiceLine.objects.filter(agent=agent).count() == 2
    assert ShiftTemplate.objects.get(pk=rows["roster_template"]).name == "Early roster shift"
    assert TimeOffRequest.objects.get(pk=rows["roster_request"]).status == "requested"
    assert TimeOffRequest.objects.count() == 1
    from scheduling.roster.models import PlanningRun

    assert PlanningRun.objects.get(pk=rows["roster_planning_run"]).status == "failed"
    from scheduling.roster.models import Booking, ShiftSwap

    assert ShiftSwap.objects.get(pk=rows["roster_swap"]).status == "offered"
    assert Booking.objects.get().agent_id == agent.pk
    from scheduling.roster.models import PeriodLock

    assert PeriodLock.objects.filter(pk=rows["roster_lock"]).exists()


def _b_untouched(rows: dict) -> None:
    from bpo.accounts.models import Invitation, Membership
    from bpo.jobs.models import Job
    from tenants.models import ClientEvent, ClientExport

    assert Membership.objects.filter(pk=rows["member_membership"]).exists()
    assert Membership.objects.filter(pk=rows["staff_membership"]).exists()
    assert Invitation.objects.get(pk=rows["invitation"]).status == "pending"
    assert Invitation.objects.get(pk=rows["staff_invitation"]).status == "pending"
    assert Job.objects.get(pk=rows["run_job"]).status == "failed"
    assert ClientExport.objects.get(pk=rows["export"]).file_path
    assert ClientEvent.objects.filter(note="Globex note").count() == 1


def _row_of(route: ProviderRoute, parameter: str) -> tuple[str | None, bool]:
    """The row a parameter names, and whether it is a roster row (not B's)."""
    if parameter == "pk":
        for prefix, row in ROSTER_ROW_FOR_PK.items():
            if route.name.startswith(prefix):
                return row, True
        return next(row for prefix, row in B_ROW_FOR_PK.items() if route.name.startswith(prefix)), (
            False
        )
    if parameter in ROSTER_ROW_FOR_PARAMETER:
        return ROSTER_ROW_FOR_PARAMETER[parameter], True
    return B_ROW_FOR_PARAMETER.get(parameter), False


def _paths(route: ProviderRoute, rows: dict) -> tuple[str, str, bool, bool]:
    """The path naming B's (or the roster's) rows, the same path with ids that do not exist,
    whether any parameter named a row of B, and whether any named a roster row."""
    with_b, missing, names_b, names_roster = {}, {}, False, False
    fillers = {**FILLERS, **ROUTE_FILLERS.get(route.name, {})}
    for parameter in route.parameters:
        row, is_roster = _row_of(route, parameter)
        if row is None:
            with_b[parameter] = missing[parameter] = fillers[parameter]
        else:
            with_b[parameter] = rows[row]
            missing[parameter] = MISSING.get(row, MISSING["default"])
            names_roster = names_roster or is_roster
            names_b = names_b or not is_roster
    return (
        reverse(route.name, kwargs=with_b),
        reverse(route.name, kwargs=missing),
        names_b,
        names_roster,
    )


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _call(route: ProviderRoute, user, method: str, path: str, django_client):
    if route.is_api:
        api = token_client(user) if user is not None else _anonymous_api()
        return getattr(api, method)(path, {}, format="json")
    django_client.logout()
    if user is not None:
        django_client.force_login(user)
    return getattr(django_client, method)(path)


def _anonymous_api():
    from rest_framework.test import APIClient

    return APIClient()


CSRF_TOKEN = re.compile(rb'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]*')


def _body(response) -> bytes:
    """The answer's body without its per-request CSRF token."""
    return CSRF_TOKEN.sub(rb"\1", response.content)


def _mentions_b(response) -> bool:
    text = response.content.decode(errors="replace") + response.get("Location", "")
    return MARKER in text.lower()


@pytest.mark.django_db
@pytest.mark.parametrize("route", PROVIDER_ROUTES, ids=str)
def test_provider_route_isolation(route, client, client_a, client_b, client_a_admin):
    # given rows of client B, and people of client A only
    rows = {**_rows_of_b(client_b), **_roster_rows(client_a, client_b)}
    account_manager_of_a = make_user(Role.ACCOUNT_MANAGER, client_a, email="am@acme-a.test")
    access = ACCESS[route.name]
    path, missing_path, names_b, names_roster = _paths(route, rows)

    # anonymous: the login page or 401, unless the route is public
    if access != PUBLIC:
        for method in route.methods:
            response = _call(route, None, method, path, client)
            if route.is_api:
                assert response.status_code == 401, f"anonymous {method.upper()} {path}"
            else:
                assert response.status_code == 302, f"anonymous {method.upper()} {path}"
                assert response.url.startswith("/accounts/login/"), response.url

    for viewer, may in (
        (client_a_admin, CLIENT_USER_MAY),
        (account_manager_of_a, ACCOUNT_MANAGER_MAY),
    ):
        for method in route.methods:
            # when
            response = _call(route, viewer, method, path, client)
            missing = _call(route, viewer, method, missing_path, client)
            said = f"{viewer.email} {method.upper()} {path} -> {response.status_code}"
            # then
            assert response.status_code < 500, said
            assert not _mentions_b(response), f"{said} mentions client B"
            if access not in may:
                assert response.status_code == _refused_as(route, access, may, method), said
            elif names_b:
                # not found (or a method the route does not take, whatever the id)
                assert response.status_code in (404, 405), said
            elif names_roster and method == "get":
                # a reader finds the provider's roster row (so the refusals are not vacuous)
                assert (response.status_code, missing.status_code) == (200, 404), said
            if access not in may or names_b:
                # the same answer as for rows that do not exist: nothing about B is leaked
                assert missing.status_code == response.status_code, said
                assert _body(missing) == _body(response), said
    _b_untouched(rows)
    _roster_untouched(rows)


API_LISTS = [
    route
    for route in PROVIDER_ROUTES
    if route.is_api and getattr(route.callback, "actions", {}).get("get") == "list"
]


@pytest.mark.django_db
@pytest.mark.parametrize("route", API_LISTS, ids=str)
@pytest.mark.parametrize("query", ["", "?client=globex-b", "?search=globex", "?role=client_viewer"])
def test_provider_api_lists_hold_nothing_of_another_client(
    route, query, client_a, client_b, client_a_admin
):
    # given
    rows = {**_rows_of_b(client_b), **_roster_rows(client_a, client_b)}
    account_manager_of_a = make_user(Role.ACCOUNT_MANAGER, client_a, email="am@acme-a.test")
    # the roster refuses whoever has no roster right with a 404 (see ROSTER_VIEW), and a
    # reader a route of a right they lack with a 403 (see ROSTER_API_MANAGE)
    access = ACCESS[route.name]
    refused = {404} if access in ROSTER else {403}
    if access in ROSTER_READER_REFUSED_AS_FORBIDDEN:
        refused.add(403)
    for viewer in (client_a_admin, account_manager_of_a):
        # when
        response = token_client(viewer).get(reverse(route.name) + query)
        # then: refused, refused the filter value, or a list without B
        assert response.status_code in {200, 400, *refused}, f"{viewer.email} {route} {query}"
        if response.status_code == 200:
            results = json.dumps(response.json()["results"]).lower()
            assert MARKER not in results, f"{viewer.email} {route}{query} lists client B"
    _b_untouched(rows)
    _roster_untouched(rows)


@pytest.mark.django_db
def test_provider_admin_does_see_b_through_the_same_routes(client_b, provider_admin):
    """The rows of B are really there and reachable: the refusals above are not vacuous."""
    rows = _rows_of_b(client_b)
    api = token_client(provider_admin)
    run = api.get(reverse("api:onboarding-run-detail", kwargs={"pk": rows["run"]}))
    assert run.status_code == 200
    assert run.json()["client"] == "globex-b"
    body = api.get(reverse("api:membership-list") + "?client=globex-b").json()
    assert MARKER in json.dumps(body["results"])
    assert MARKER in json.dumps(api.get(reverse("api:invitation-list")).json()["results"])
