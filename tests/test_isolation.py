"""Tenant isolation over every client-scoped page and API route.

Generated from the URL configuration (pages under ``/c/<slug>/``) and the OpenAPI schema (API
under ``/api/v1/clients/{client_slug}/``): a route added without the rule fails here, each route
being its own test. The rule: the client's own users are served (or refused for their role,
403), users of another client and staff not assigned to the client get 404 (existence is not
leaked, even with a valid API token issued elsewhere), anonymous callers are sent to the login
page (pages) or get 401 (API).
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from drf_spectacular.generators import SchemaGenerator

from bpo.accounts import services
from bpo.accounts.roles import Role
from bpo.api import base as api_base
from tests.conftest import make_user, token_client

CLIENT_PAGE_PREFIX = "c/<slug:client_slug>/"
CLIENT_API_PREFIX = "api/v1/clients/<slug:client_slug>/"
SCHEMA_CLIENT_PREFIX = "/api/v1/clients/{client_slug}/"
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")
DUMMY_BY_CONVERTER = {
    "int": "987654",
    "slug": "no-such-thing",
    "str": "no-such-thing",
    "uuid": str(uuid.UUID(int=1)),
    "path": "no/such/thing",
}


# --- walking the URL configuration --------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    route: str  # below the client prefix, e.g. "members/<int:membership_id>/remove/"
    callback: object
    name: str

    def __str__(self) -> str:
        return self.route or "(client home)"


def _walk(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def _routes_under(prefix: str) -> list[Route]:
    """Every URL pattern mounted below the resolver whose route is ``prefix``."""
    for pattern in get_resolver().url_patterns:
        if isinstance(pattern, URLResolver) and str(pattern.pattern) == prefix:
            return [
                Route(route, p.callback, p.name or "") for route, p in _walk(pattern.url_patterns)
            ]
    for pattern in get_resolver().url_patterns:  # nested includes, e.g. api/v1/ -> clients/
        if isinstance(pattern, URLResolver) and prefix.startswith(str(pattern.pattern)):
            rest = prefix[len(str(pattern.pattern)) :]
            for inner in pattern.url_patterns:
                if isinstance(inner, URLResolver) and str(inner.pattern) == rest:
                    return [
                        Route(route, p.callback, p.name or "")
                        for route, p in _walk(inner.url_patterns)
                    ]
    raise AssertionError(f"No URL resolver mounted at {prefix!r}")


CLIENT_PAGES = _routes_under(CLIENT_PAGE_PREFIX)
CLIENT_API_ROUTES = _routes_under(CLIENT_API_PREFIX)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Export files written for these tests go to a throwaway MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path / "media"


def _done_export(client):
    """A finished data export of ``client`` with its file (set up directly, not produced)."""
    from django.core.files.base import ContentFile
    from django.core.files.storage import default_storage
    from django.utils import timezone

    from bpo.jobs.models import Job
    from tenants.models import ClientExport

    job = Job.objects.create(kind="client_export", client=client, status="succeeded", progress=100)
    name = default_storage.save(f"exports/{client.slug}/iso.zip", ContentFile(b"PK iso"))
    return ClientExport.objects.create(
        client=client,
        job=job,
        reason="on_request",
        file_path=name,
        size_bytes=6,
        sha256="0" * 64,
        generated_at=timezone.now(),
    )


def _client_objects(client) -> dict[str, str]:
    """Objects of ``client`` for the path parameters this suite knows how to fill."""
    member = make_user(Role.CLIENT_VIEWER, client, email=f"member-{uuid.uuid4().hex[:8]}@iso.test")
    invitation, _ = services.invite_user(
        email=f"invitee-{uuid.uuid4().hex[:8]}@iso.test",
        role=Role.CLIENT_VIEWER,
        client=client,
        invited_by=None,
    )
    return {
        "membership_id": str(member.memberships.get().pk),
        "invitation_id": str(invitation.pk),
        "export_id": str(_done_export(client).pk),
        **_catalog_objects(client),
        **_forecast_objects(client),
        **_statistics_objects(client),
        **_plan_objects(client),
        **_scorecard_objects(client),
        **_evaluation_objects(client),
        **_report_objects(client),
        **_sampling_objects(client),
        **_calibration_objects(client),
        **_contract_objects(client),
        **_invoice_objects(client),
    }


def _contract_objects(client) -> dict[str, str]:
    """The contract version onboarding made (version 1)."""
    from django.db import connection

    from billing.contracts.models import ContractVersion

    connection.set_tenant(client)
    try:
        return {"contract_version_id": str(ContractVersion.objects.get(number=1).pk)}
    finally:
        connection.set_schema_to_public()


def _invoice_objects(client) -> dict[str, str]:
    """An issued invoice of ``client`` (the client's admin reads issued ones only) with a
    disputed line."""
    from django.db import connection

    from billing.invoices import services
    from billing.invoices import workers as invoice_workers
    from tests.billing.invoices.helpers import hours_line, make_issued, make_legal_entity

    admin = make_user(Role.CLIENT_ADMIN, client, email=f"ca-{uuid.uuid4().hex[:8]}@iso.test")
    entity = make_legal_entity()
    connection.set_tenant(client)
    try:
        invoice = make_issued(entity, hours_line("100.00"), hours_line("50.00"))
        # its PDF, as the worker renders it after the commit (so the owner finds it)
        invoice_workers.render_invoice_pdf(invoice_id=invoice.pk)
        line = invoice.lines.order_by("position").first()
        dispute = services.raise_line_dispute(line=line, reason="Isolation", actor=admin)
        return {
            "invoice_id": str(invoice.pk),
            "invoice_line_id": str(line.pk),
            "invoice_dispute_id": str(dispute.pk),
        }
    finally:
        connection.set_schema_to_public()


def _invoices_untouched(objects: dict[str, str]) -> None:
    """Called with the client's schema active."""
    from billing.invoices.models import Invoice, InvoiceLine, LineDispute, Payment

    invoice = Invoice.objects.get(pk=objects["invoice_id"])
    assert (invoice.status, str(invoice.credited_amount), str(invoice.paid_amount)) == (
        "issued",
        "0.000",
        "0.000",
    )
    assert Invoice.objects.count() == 1
    assert InvoiceLine.objects.filter(invoice=invoice).count() == 2
    assert not Payment.objects.exists()
    assert LineDispute.objects.get(pk=objects["invoice_dispute_id"]).status == "open"
    assert LineDispute.objects.count() == 1


def _evaluation_objects(client) -> dict[str, str]:
    """A released evaluation of ``client`` with an open dispute (so the client's admin reads
    it), scored with a published scorecard of its own."""
    from django.db import connection

    from bpo.quality.services import disputes, releases
    from tests.catalog.factories import ServiceLineFactory
    from tests.quality.helpers import make_interaction, make_scorecard, submit_evaluation

    qa = make_user(Role.QA_ANALYST, client, email=f"qa-{uuid.uuid4().hex[:8]}@iso.test")
    admin = make_user(Role.CLIENT_ADMIN, client, email=f"ca-{uuid.uuid4().hex[:8]}@iso.test")
    connection.set_tenant(client)
    try:
        line = ServiceLineFactory(name="Evaluation isolation line")
        _card, version = make_scorecard(
            qa, name="Isolation evaluations", service_line=line, publish=True
        )
        evaluation = submit_evaluation(
            version,
            make_interaction(line, reference="ISO-1"),
            qa,
            ["yes", "yes", "5", "4", "yes", "no"],
        )
        releases.release_evaluation(evaluation=evaluation, actor=qa)
        dispute = disputes.raise_dispute(
            evaluation=evaluation, reason="Isolation", actor=admin, client=client
        )
        return {"evaluation_id": str(evaluation.pk), "dispute_id": str(dispute.pk)}
    finally:
        connection.set_schema_to_public()


def _report_objects(client) -> dict[str, str]:
    """A stored weekly report of ``client`` (its snapshot built, its PDF bytes made up)."""
    import hashlib

    from django.db import connection
    from django.utils import timezone

    from bpo.reporting.content import build_snapshot
    from bpo.reporting.models import WeeklyReport
    from scheduling.planning.selectors.sla import IsoWeek

    connection.set_tenant(client)
    try:
        week = IsoWeek(2026, 40)
        content = b"%PDF-1.7 isolation"
        report = WeeklyReport.objects.create(
            iso_year=week.year,
            iso_week=week.week,
            revision=1,
            time_zone=client.time_zone,
            status="ready",
            snapshot=build_snapshot(client=client, week=week),
            pdf=content,
            sha256=hashlib.sha256(content).hexdigest(),
            page_count=1,
            generated_at=timezone.now(),
        )
        return {"report_id": str(report.pk)}
    finally:
        connection.set_schema_to_public()


def _sampling_objects(client) -> dict[str, str]:
    """An interaction and a sampling plan of ``client`` (of a line of their own)."""
    from django.db import connection

    from bpo.quality.services import sampling
    from tests.catalog.factories import ServiceLineFactory
    from tests.quality.helpers import make_interaction

    connection.set_tenant(client)
    try:
        line = ServiceLineFactory(name="Sampling isolation line", status="active")
        interaction = make_interaction(line, reference="ISO-1")
        plan = sampling.create_sampling_plan(
            service_line=line, mode="per_agent", evaluations_per_agent=3, actor=None
        )
        return {"interaction_id": str(interaction.pk), "sampling_plan_id": str(plan.pk)}
    finally:
        connection.set_schema_to_public()


def _scorecard_objects(client) -> dict[str, str]:
    """A scorecard of ``client`` with a draft version, a section and a criterion."""
    from django.db import connection

    from tests.conftest import make_user
    from tests.quality.helpers import make_scorecard

    author = make_user(Role.QA_ANALYST, client, email=f"qa-{uuid.uuid4().hex[:8]}@iso.test")
    connection.set_tenant(client)
    try:
        scorecard, version = make_scorecard(author, name="Isolation scorecard")
        section = version.sections.first()
        return {
            "scorecard_id": str(scorecard.pk),
            "scorecard_version_id": str(version.pk),
            "section_id": str(section.pk),
            "criterion_id": str(section.criteria.first().pk),
        }
    finally:
        connection.set_schema_to_public()


def _calibration_objects(client) -> dict[str, str]:
    """An open calibration session of ``client`` with one interaction; the client's admins
    take part (a client admin sees only the sessions they are in)."""
    from django.db import connection

    from bpo.accounts.models import Membership
    from bpo.quality.services import calibration
    from tests.catalog.factories import ServiceLineFactory
    from tests.conftest import make_user
    from tests.quality.helpers import make_interaction, make_scorecard

    runner = make_user(Role.QA_ANALYST, client, email=f"qa-{uuid.uuid4().hex[:8]}@iso.test")
    second = make_user(Role.QA_ANALYST, client, email=f"qa-{uuid.uuid4().hex[:8]}@iso.test")
    admins = list(
        Membership.objects.filter(client=client, role=Role.CLIENT_ADMIN).values_list(
            "user_id", flat=True
        )
    )
    connection.set_tenant(client)
    try:
        line = ServiceLineFactory(name="Calibration line")
        _, version = make_scorecard(
            runner, name="Calibration scorecard", service_line=line, publish=True
        )
        interaction = make_interaction(line, reference="ISO-CAL-1")
        session = calibration.create_calibration_session(
            client=client,
            title="Isolation calibration",
            scorecard_version=version,
            interactions=[interaction],
            participant_ids=[runner.pk, second.pk, *admins],
            expert_id=runner.pk,
            actor=runner,
        )
        return {
            "calibration_session_id": str(session.pk),
            "interaction_id": str(interaction.pk),
        }
    finally:
        connection.set_schema_to_public()


def _plan_objects(client) -> dict[str, str]:
    """A plan of ``client`` with one shift (made directly), in the client's schema."""
    from django.db import connection

    from tests.catalog.factories import ServiceLineFactory
    from tests.roster.factories import AgentFactory
    from tests.scheduling.plan_helpers import add_shift, make_plan

    connection.set_tenant(client)
    try:
        plan = make_plan()
        shift = add_shift(
            plan, AgentFactory(), ServiceLineFactory(name="Plan isolation line"), 0, 8
        )
        return {"plan_id": str(plan.pk), "shift_id": str(shift.pk)}
    finally:
        connection.set_schema_to_public()


def _forecast_objects(client) -> dict[str, str]:
    """A ready forecast version of ``client`` (made directly), in the client's schema."""
    from django.db import connection

    from tests.catalog.factories import ServiceLineFactory
    from tests.scheduling.forecast_helpers import make_ready_forecast

    connection.set_tenant(client)
    try:
        forecast = make_ready_forecast(
            ServiceLineFactory(name="Forecast isolation line"), time_zone=client.time_zone, days=1
        )
        return {"forecast_id": str(forecast.pk)}
    finally:
        connection.set_schema_to_public()


def _statistics_objects(client) -> dict[str, str]:
    """A statistics import and a customer experience import of ``client``, in its schema."""
    from django.db import connection

    from scheduling.planning.models import CustomerExperienceImport, StatisticsImport

    connection.set_tenant(client)
    try:
        statistics = StatisticsImport.objects.create(
            file_name="iso.csv", format="neutral", time_zone="UTC", status="failed"
        )
        experience = CustomerExperienceImport.objects.create(
            file_name="iso.csv", kind="contacts", status="failed"
        )
        return {
            "import_id": str(statistics.pk),
            "statistics_import_id": str(statistics.pk),
            "experience_import_id": str(experience.pk),
        }
    finally:
        connection.set_schema_to_public()


def _catalog_objects(client) -> dict[str, str]:
    """A service line of ``client`` with everything on it, made in the client's schema."""
    from django.db import connection

    from bpo.audit.models import LogEntry
    from tests.catalog import factories

    connection.set_tenant(client)
    try:
        line = factories.ServiceLineFactory(name="Isolation line")
        override = factories.DateOverrideFactory(service_line=line)
        version = factories.ScriptVersionFactory(script__service_line=line, status="in_review")
        factories.ScriptSectionFactory(version=version)
        factories.ScriptVariableFactory(version=version)
        tier = factories.EscalationTierFactory(path__service_line=line)
        entry = LogEntry.objects.latest("pk")
        return {
            "service_line_id": str(line.pk),
            "override_id": str(override.pk),
            "script_id": str(version.script_id),
            "version_id": str(version.pk),
            "path_id": str(tier.path_id),
            "tier_id": str(tier.pk),
            "entry_id": str(entry.pk),
        }
    finally:
        connection.set_schema_to_public()


def _catalog_untouched(client, objects: dict[str, str]) -> None:
    from django.db import connection

    from bpo.catalog import models

    connection.set_tenant(client)
    try:
        assert models.ServiceLine.objects.get(pk=objects["service_line_id"]).name == (
            "Isolation line"
        )
        assert models.DateOverride.objects.filter(pk=objects["override_id"]).exists()
        version = models.ScriptVersion.objects.get(pk=objects["version_id"])
        assert version.status == "in_review"
        assert version.sections.count() == 1
        assert models.EscalationTier.objects.filter(pk=objects["tier_id"]).exists()
        from billing.contracts.models import ContractVersion

        assert list(ContractVersion.objects.values_list("pk", flat=True)) == [
            int(objects["contract_version_id"])
        ]
        from scheduling.planning.models import Forecast, ForecastAdjustment

        assert list(Forecast.objects.values_list("pk", flat=True)) == [int(objects["forecast_id"])]
        assert not ForecastAdjustment.objects.exists()
        from scheduling.planning.models import Plan, PlanShift

        plan = Plan.objects.get(pk=objects["plan_id"])
        assert (plan.status, plan.revision, plan.has_unpublished_changes) == ("draft", 0, True)
        assert list(PlanShift.objects.values_list("pk", flat=True)) == [int(objects["shift_id"])]
        from bpo.quality.models import Scorecard, ScorecardCriterion, ScorecardVersion

        assert list(Scorecard.objects.values_list("name", flat=True)) == [
            "Calibration scorecard",
            "Isolation evaluations",
            "Isolation scorecard",
        ]
        version = ScorecardVersion.objects.get(pk=objects["scorecard_version_id"])
        assert (version.status, version.sections.count()) == ("draft", 2)
        assert ScorecardCriterion.objects.filter(section__version=version).count() == 6
        from bpo.quality.models import (
            CalibrationSession,
            Dispute,
            Evaluation,
            Interaction,
            SampleDraw,
            SamplingPlan,
        )

        evaluation = Evaluation.objects.get(pk=objects["evaluation_id"])
        assert (evaluation.status, str(evaluation.score_percent)) == ("disputed", "100.00")
        assert Dispute.objects.get(pk=objects["dispute_id"]).status == "open"
        assert Evaluation.objects.count() == 1
        assert Interaction.objects.filter(
            reference="ISO-1", service_line__name="Sampling isolation line"
        ).exists()
        plan = SamplingPlan.objects.get(pk=objects["sampling_plan_id"])
        assert (plan.mode, plan.evaluations_per_agent) == ("per_agent", 3)
        assert not SampleDraw.objects.exists()
        for session in CalibrationSession.objects.all():
            assert (session.status, session.title) == ("open", "Isolation calibration")
            assert len(session.participants) >= 2
            assert not session.evaluations.exists()
        _invoices_untouched(objects)
    finally:
        connection.set_schema_to_public()


def _page_path(route: Route, client, objects: dict[str, str]) -> tuple[str, bool]:
    """The concrete path, and whether every parameter was filled with a real object."""
    all_real = True

    def fill(match: re.Match) -> str:
        nonlocal all_real
        name, converter = match["name"], match["converter"] or "str"
        if name in objects:
            return objects[name]
        all_real = False
        return DUMMY_BY_CONVERTER.get(converter, "x")

    return f"/c/{client.slug}/" + PARAMETER.sub(fill, route.route), all_real


# --- (a) pages -----------------------------------------------------------------------------------


def test_client_pages_exist():
    assert CLIENT_PAGES, "no page under /c/<slug>/ found: the walk is broken"


def test_every_client_page_carries_an_access_rule():
    offenders = [
        f"/c/<slug>/{route} ({route.name or 'unnamed'})"
        for route in CLIENT_PAGES
        if not hasattr(route.callback, "client_action")
    ]
    assert not offenders, (
        "Pages under /c/<slug>/ without bpo.accounts.decorators.client_page: "
        + ", ".join(offenders)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("route", CLIENT_PAGES, ids=str)
def test_client_page_isolation(
    route, client, client_a, client_b, client_a_admin, client_b_admin, account_manager
):
    objects = _client_objects(client_a)
    path, all_real = _page_path(route, client_a, objects)
    staff_of_b = make_user(Role.ACCOUNT_MANAGER, client_b, email="am-b@provider.test")

    # anonymous -> the login page, for reading and writing alike
    for method in ("get", "post"):
        response = getattr(client, method)(path)
        assert response.status_code == 302, f"anonymous {method.upper()} {path}"
        assert response.url.startswith("/accounts/login/"), response.url

    # another client's user, and staff not assigned to this client -> 404, and the page says
    # nothing about the client (not even its name in the navigation)
    for outsider in (client_b_admin, staff_of_b):
        client.force_login(outsider)
        for method in ("get", "post"):
            response = getattr(client, method)(path)
            assert response.status_code == 404, f"{outsider.email} {method.upper()} {path}"
            assert client_a.name not in response.content.decode(), f"{path} leaks the name"
        client.logout()
    _catalog_untouched(client_a, objects)

    # the client's own people -> served or refused for their role, never 404 or 500
    if all_real:
        for insider in (client_a_admin, account_manager):
            client.force_login(insider)
            response = client.get(path)
            assert response.status_code < 500 and response.status_code != 404, (
                f"{insider.email} GET {path} -> {response.status_code}"
            )
            client.logout()


@pytest.mark.django_db
def test_an_unknown_client_is_404_for_pages_and_api(client, client_a, provider_admin):
    # an unknown page of a real client tells an anonymous visitor nothing either
    response = client.get(f"/c/{client_a.slug}/no-such-page/")
    assert response.status_code == 404
    assert client_a.name not in response.content.decode()
    client.force_login(provider_admin)
    assert client.get("/c/no-such-client/members/").status_code == 404
    response = token_client(provider_admin).get("/api/v1/clients/no-such-client/memberships/")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


# --- (b) API, from the OpenAPI schema -------------------------------------------------------------


def _client_api_operations() -> list[tuple[str, str]]:
    schema = SchemaGenerator().get_schema(request=None, public=True)
    operations = []
    for path, item in schema["paths"].items():
        if path.startswith(SCHEMA_CLIENT_PREFIX):
            for method in item:
                if method in {"get", "post", "put", "patch", "delete"}:
                    operations.append((method.upper(), path))
    return sorted(operations)


CLIENT_API_OPERATIONS = _client_api_operations()
SCHEMA_PARAMETER = re.compile(r"\{(?P<name>[^}]+)\}")
OBJECT_FOR_COLLECTION = {
    "memberships": "membership_id",
    "invitations": "invitation_id",
    "exports": "export_id",
    "service-lines": "service_line_id",
    "date-overrides": "override_id",
    "scripts": "script_id",
    "script-versions": "version_id",
    "escalation-paths": "path_id",
    "escalation-tiers": "tier_id",
    "audit-entries": "entry_id",
    "forecasts": "forecast_id",
    "statistics-imports": "statistics_import_id",
    "plans": "plan_id",
    "shifts": "shift_id",
    "scorecards": "scorecard_id",
    "scorecard-versions": "scorecard_version_id",
    "evaluations": "evaluation_id",
    "disputes": "dispute_id",
    "reports": "report_id",
    "interactions": "interaction_id",
    "sampling-plans": "sampling_plan_id",
    "calibration-sessions": "calibration_session_id",
    "contract-versions": "contract_version_id",
    "invoices": "invoice_id",
    "invoice-lines": "invoice_line_id",
    "invoice-disputes": "invoice_dispute_id",
}


def _api_path(template: str, client, objects: dict[str, str]) -> tuple[str, bool]:
    all_real = True

    def fill(match: re.Match) -> str:
        nonlocal all_real
        name = match["name"]
        if name == "client_slug":
            return client.slug
        collection = template[: match.start()].rstrip("/").rsplit("/", 1)[-1]
        key = OBJECT_FOR_COLLECTION.get(collection)
        if key and key in objects:
            return objects[key]
        all_real = False
        return "987654"

    return SCHEMA_PARAMETER.sub(fill, template), all_real


def test_client_api_routes_exist_and_are_all_in_the_schema():
    from django.urls import resolve

    assert CLIENT_API_OPERATIONS, "no API route under /api/v1/clients/{client_slug}/"
    documented = set()
    for _, template in CLIENT_API_OPERATIONS:
        path = SCHEMA_PARAMETER.sub(
            lambda m: "any-client" if m["name"] == "client_slug" else "1", template
        )
        documented.add(resolve(path).func)
    hidden = [str(route) for route in CLIENT_API_ROUTES if route.callback not in documented]
    assert not hidden, "Client API routes missing from the OpenAPI schema: " + ", ".join(hidden)


def test_every_client_api_view_derives_from_the_client_scoped_bases():
    offenders = []
    for route in CLIENT_API_ROUTES:
        view_class = getattr(route.callback, "cls", None) or getattr(
            route.callback, "view_class", None
        )
        if view_class is None or not issubclass(
            view_class, (api_base.ClientScopedAPIView, api_base.ClientScopedViewSet)
        ):
            offenders.append(f"{route} ({view_class or route.callback})")
            continue
        # and it keeps the fixed security of the base classes
        for attribute in ("get_permissions", "get_authenticators", "fixed_permissions"):
            if getattr(view_class, attribute) is not getattr(api_base._ClientScoped, attribute):
                offenders.append(f"{route} overrides {attribute}")
    assert not offenders, "Client API views outside the client-scoped base classes: " + ", ".join(
        offenders
    )


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "template"), CLIENT_API_OPERATIONS, ids=lambda v: v)
def test_client_api_isolation(
    method, template, api_client, client_a, client_b, client_a_admin, client_b_admin
):
    objects = _client_objects(client_a)
    path, all_real = _api_path(template, client_a, objects)
    call = method.lower()

    # anonymous -> 401
    response = getattr(api_client, call)(path, {}, format="json")
    assert response.status_code == 401, f"anonymous {method} {path}"
    assert response.json()["error"]["code"] == "not_authenticated"

    # a valid token issued elsewhere (client B's admin, staff of B) -> 404, for every method
    staff_of_b = make_user(Role.ACCOUNT_MANAGER, client_b, email="am-b@provider.test")
    for outsider in (client_b_admin, staff_of_b):
        response = getattr(token_client(outsider), call)(path, {}, format="json")
        assert response.status_code == 404, f"{outsider.email} {method} {path}"
        assert response.json()["error"]["code"] == "not_found"

    # the client's own admin with a token -> not 404 when reading
    if method == "GET" and all_real:
        response = token_client(client_a_admin).get(path)
        assert response.status_code < 500 and response.status_code != 404, (
            f"{client_a_admin.email} GET {path} -> {response.status_code}"
        )

    # nothing of A was touched by the refused writes
    if method in {"POST", "DELETE", "PUT", "PATCH"}:
        from bpo.accounts.models import Invitation, Membership
        from tenants.models import ClientExport

        assert Membership.objects.filter(pk=objects["membership_id"]).exists()
        assert Invitation.objects.get(pk=objects["invitation_id"]).status == "pending"
        assert [export.pk for export in ClientExport.objects.filter(client=client_a)] == [
            int(objects["export_id"])
        ]
        assert ClientExport.objects.get(pk=objects["export_id"]).job.status == "succeeded"
        _catalog_untouched(client_a, objects)
