"""``manage.py seed_demo``: every role, three clients, one password, idempotent.

Runs inside the test's transaction: the three client schemas it creates are rolled back with
it (PostgreSQL DDL is transactional), so nothing is left for the other tests.
"""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tenants.utils import schema_context

from bpo.accounts.models import Invitation, Membership, User
from bpo.accounts.roles import STAFF_ROLES, Role
from bpo.portal.management.commands import seed_demo
from tenants.models import Client

pytestmark = pytest.mark.django_db


def _run(**kwargs) -> str:
    out = StringIO()
    call_command("seed_demo", stdout=out, **kwargs)
    return out.getvalue()


def _catalog_size(slug: str) -> int:
    from bpo.audit.models import LogEntry

    with schema_context(Client.objects.get(slug=slug).schema_name):
        return LogEntry.objects.count()


def _quality_of(slug: str) -> dict:
    from bpo.quality.models import CalibrationSession, Dispute, Evaluation, SampleDraw
    from bpo.reporting.models import WeeklyReport

    with schema_context(Client.objects.get(slug=slug).schema_name):
        regular = Evaluation.objects.filter(calibration_session__isnull=True)
        return {
            "statuses": sorted(set(regular.values_list("status", flat=True))),
            "weeks": regular.values("week_starts_on").distinct().count(),
            "evaluations": Evaluation.objects.count(),
            "assigned_due": regular.filter(status="assigned", due_on__isnull=False).count(),
            "draws": SampleDraw.objects.count(),
            "calibration": [
                (len(s.participants), s.evaluations.filter(status="submitted").count())
                for s in CalibrationSession.objects.filter(status="open")
            ],
            "open_disputes": list(
                Dispute.objects.filter(status="open").values_list("raised_by_id", flat=True)
            ),
            "reports": list(WeeklyReport.objects.values_list("status", "page_count")),
        }


def _billing_of(slug: str) -> dict:
    from billing.contracts.models import ContractVersion
    from billing.invoices.models import Invoice, IssuedDocument, LineDispute, Payment

    with schema_context(Client.objects.get(slug=slug).schema_name):
        return {
            "versions": list(
                ContractVersion.objects.order_by("number").values_list(
                    "number", "effective_from", "e_invoice_format", "buyer_vat_id"
                )
            ),
            "rates": sorted(
                ContractVersion.objects.get(number=2).rates.values_list("basis", flat=True)
            ),
            "invoices": list(
                Invoice.objects.order_by("period_start", "document_type").values_list(
                    "document_type", "status", "period_start", "number", "total_amount"
                )
            ),
            "lines": list(
                Invoice.objects.filter(document_type="invoice")
                .order_by("period_start")
                .values_list("lines__kind", "lines__amount")
            ),
            "documents": list(
                IssuedDocument.objects.order_by("pk").values_list(
                    "status", "e_invoice_format", "pdf_path", "pdf_bytes"
                )
            ),
            "payments": list(Payment.objects.values_list("amount", "currency")),
            "disputes": list(LineDispute.objects.values_list("status", "raised_by__email")),
        }


def _snapshot():
    return (
        [_billing_of(slug) for slug in ("shopright", "cloudlane", "viajes-sol")],
        [_quality_of(slug) for slug in ("shopright", "cloudlane", "viajes-sol")],
        [_catalog_size(slug) for slug in ("shopright", "cloudlane", "viajes-sol")],
        sorted(User.objects.values_list("email", "password", "full_name", "is_active")),
        sorted(Membership.objects.values_list("user__email", "role", "client__slug")),
        sorted(Client.objects.values_list("slug", "status")),
        Invitation.objects.count(),
    )


def test_seed_demo_loads_everything_once(monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    # when
    first = _run()
    # then: three clients in three countries, zones and currencies, each with its schema
    clients = {
        c.slug: c for c in Client.objects.filter(slug__in=["shopright", "cloudlane", "viajes-sol"])
    }
    assert {(c.industry, c.country, c.time_zone, c.currency) for c in clients.values()} == {
        ("ecommerce", "US", "America/New_York", "USD"),
        ("saas", "DE", "Europe/Berlin", "EUR"),
        ("travel", "MX", "America/Mexico_City", "MXN"),
    }
    for client in clients.values():
        with schema_context(client.schema_name):
            from billing.contracts.models import Contract

            assert Contract.objects.get().currency == client.currency
    # provider staff for every staff role
    demo_users = User.objects.filter(email__in=seed_demo.DEMO_EMAILS)
    assert demo_users.count() == len(seed_demo.DEMO_EMAILS) == 12
    staff_roles = set(
        Membership.objects.filter(user__in=demo_users, role__in=STAFF_ROLES).values_list(
            "role", flat=True
        )
    )
    assert staff_roles == set(STAFF_ROLES)
    # each client: one admin and one viewer, who are real users with memberships
    for client in clients.values():
        client_roles = sorted(
            Membership.objects.filter(
                client=client, role__in=[Role.CLIENT_ADMIN, Role.CLIENT_VIEWER]
            ).values_list("role", flat=True)
        )
        assert client_roles == [Role.CLIENT_ADMIN, Role.CLIENT_VIEWER]
        # the onboarding invitation of the first admin is accepted, not left pending
        assert not Invitation.objects.filter(client=client, accepted_at__isnull=True).exists()
    # staff assigned sensibly: the account manager to all three, the agent to two
    am = User.objects.get(email="am@bpo.example")
    assert set(am.memberships.values_list("client__slug", flat=True)) == set(clients)
    assert Membership.objects.filter(user__email="agent@bpo.example").count() == 2
    # catalogs at three stages: ShopRight's pilot is complete (with a script version waiting for
    # the client's approval), Cloudlane's too, Viajes Sol has a draft line only; each client
    # has a published QA scorecard, so ShopRight and Cloudlane can go live
    from bpo.catalog.models import ScriptVersion, ServiceLine
    from tenants.pilot import pilot_checklist

    def catalog_of(slug):
        with schema_context(clients[slug].schema_name):
            done = {item.key for item in pilot_checklist(client=clients[slug]) if item.is_done}
            versions = sorted(ScriptVersion.objects.values_list("status", flat=True))
            return ServiceLine.objects.count(), versions, done

    complete = {"service_line", "published_script", "escalation_path", "qa_scorecard"}
    assert catalog_of("shopright") == (2, ["draft", "in_review", "published"], complete)
    assert catalog_of("cloudlane") == (1, ["published"], complete)
    assert catalog_of("viajes-sol") == (1, [], {"service_line", "qa_scorecard"})
    from bpo.quality.models import ScorecardVersion

    with schema_context(clients["shopright"].schema_name):
        assert sorted(ScorecardVersion.objects.values_list("number", "status")) == [
            (1, "published"),
            (2, "draft"),
        ]
    # QA: last week's and this week's evaluations of the agents, submitted, released and
    # acknowledged; this week's draw assigned to the QA analyst (due); an open calibration of
    # two with one score in; the demo agent's dispute waiting; last week's report rendered
    shopright = _quality_of("shopright")
    assert {"submitted", "released", "acknowledged", "disputed", "assigned"} <= set(
        shopright["statuses"]
    )
    assert shopright["weeks"] == 2
    assert shopright["assigned_due"] > 0 and shopright["draws"] == 1
    assert shopright["calibration"] == [(2, 1)]
    assert shopright["open_disputes"] == [User.objects.get(email="agent@bpo.example").pk]
    for slug in clients:
        quality = _quality_of(slug)
        assert quality["draws"] == 1 and quality["calibration"] == [(2, 1)], slug
        assert [status for status, _ in quality["reports"]] == ["ready"], slug
        assert quality["reports"][0][1] >= 1
    # billing: a rate card from the first of last month (version 2; onboarding's version 1
    # moved before it), last month's invoice issued with its PDF in the storage, this month's
    # draft; a partial payment, a credit note and a disputed line waiting for finance
    from django.core.files.storage import default_storage

    from billing.ledger.models import InvoiceRegister

    this_month = timezone.localdate().replace(day=1)
    last_month = (this_month - timedelta(days=1)).replace(day=1)
    billing = {slug: _billing_of(slug) for slug in clients}
    for slug, facts in billing.items():
        assert [number for number, *_ in facts["versions"]] == [1, 2], slug
        assert facts["versions"][1][1] == last_month, slug
        invoices = [row for row in facts["invoices"] if row[0] == "invoice"]
        assert [(row[2].replace(day=1), row[1] != "draft") for row in invoices] == [
            (last_month, True),
            (this_month.replace(day=1), False),
        ], slug
        assert invoices[0][3] and invoices[0][4] > 0, slug  # numbered, something billed
        assert all(kind is not None for kind, _ in facts["lines"]), slug
        for status, _, path, size in facts["documents"]:
            assert status == "ready" and size > 0 and default_storage.exists(path), slug
    assert billing["cloudlane"]["versions"][1][2:] == ("factur_x", "DE136695976")
    assert billing["cloudlane"]["documents"][0][1] == "factur_x"
    assert billing["cloudlane"]["disputes"] == [("open", "admin@cloudlane.example")]
    assert billing["shopright"]["rates"] == ["seat_month", "worked_hour"]
    assert billing["viajes-sol"]["rates"] == ["contact", "seat_month"]
    shopright_invoice = billing["shopright"]["invoices"][0]
    assert shopright_invoice[1] == "partly_paid"
    assert 0 < billing["shopright"]["payments"][0][0] < shopright_invoice[4]
    assert [row[:2] for row in billing["viajes-sol"]["invoices"] if row[0] == "credit_note"] == [
        ("credit_note", "issued")
    ]
    assert sorted(InvoiceRegister.objects.values_list("currency", flat=True)) == [
        "EUR",
        "MXN",
        "MXN",
        "USD",
    ]
    # one password for everyone
    assert all(user.check_password(seed_demo.DEMO_PASSWORD) for user in demo_users)
    # and the logins are printed
    assert "Demo data loaded" in first
    for email in seed_demo.DEMO_EMAILS:
        assert email in first
    assert f"password for all: {seed_demo.DEMO_PASSWORD}" in first

    # when run again
    before = _snapshot()
    second = _run()
    # then nothing changes, and it says so
    assert _snapshot() == before
    assert "Nothing to do: the demo data is loaded already." in second
    assert "+ " not in second


def test_demo_password_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "another-demo-secret")
    out = _run(no_table=True)
    assert "Demo data loaded" in out and "E-mail" not in out
    assert User.objects.get(email="admin@bpo.example").check_password("another-demo-secret")


def test_the_demo_logins_work(client):
    _run(no_table=True)
    for email, landing in [
        ("admin@bpo.example", "/"),
        ("admin@cloudlane.example", "/c/cloudlane/"),
    ]:
        response = client.post(
            "/accounts/login/",
            {"username": email, "password": seed_demo.DEMO_PASSWORD},
            follow=True,
        )
        assert response.redirect_chain[-1][0] == landing, email
        client.logout()
