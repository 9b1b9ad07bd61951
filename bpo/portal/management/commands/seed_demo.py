"""``python manage.py seed_demo``: demo staff, three demo clients, their users and catalogs,
the roster and plans, QA (evaluations, a sampling draw, a calibration session, a dispute),
last week's report in each client's archive, and billing (rate cards, last month's issued
invoices with their PDFs, this month's drafts, a payment, a credit note, a disputed line).

The portal owns the demo because it spans every app; each app keeps its own part in its
``demo`` module (``bpo.catalog.demo``, ``bpo.quality.demo``) and this command calls them in order.

Idempotent: what exists is left alone (passwords included); a second run changes nothing and
says so. Every demo account uses one password, :data:`DEMO_PASSWORD` (or ``$DEMO_PASSWORD``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from bpo.accounts import services
from bpo.accounts.models import Invitation, Membership, User
from bpo.accounts.roles import Role
from bpo.errors import DomainError

DEMO_PASSWORD = "demo-portal-2026"


def demo_password() -> str:
    return os.environ.get("DEMO_PASSWORD") or DEMO_PASSWORD


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    role: str
    clients: tuple[str, ...] = ()  # client slugs; empty for the provider admin


@dataclass(frozen=True)
class DemoClient:
    answers: dict


DEMO_STAFF = (
    DemoPerson("admin@bpo.example", "Alex Morgan", Role.PROVIDER_ADMIN),
    DemoPerson(
        "am@bpo.example",
        "Sam Rivera",
        Role.ACCOUNT_MANAGER,
        ("shopright", "cloudlane", "viajes-sol"),
    ),
    DemoPerson("scheduler@bpo.example", "Jordan Lee", Role.SCHEDULER, ("shopright", "cloudlane")),
    DemoPerson(
        "finance@bpo.example",
        "Taylor Brooks",
        Role.FINANCE,
        ("shopright", "cloudlane", "viajes-sol"),
    ),
    DemoPerson(
        "qa@bpo.example", "Casey Nguyen", Role.QA_ANALYST, ("shopright", "cloudlane", "viajes-sol")
    ),
    DemoPerson("agent@bpo.example", "Diego Hernández", Role.AGENT, ("shopright", "viajes-sol")),
)

DEMO_CLIENTS = (
    DemoClient(
        {
            "name": "ShopRight Online",
            "legal_name": "ShopRight Online Inc.",
            "slug": "shopright",
            "industry": "ecommerce",
            "country": "US",
            "time_zone": "America/New_York",
            "currency": "USD",
            "billing_model": "per_hour",
            "billing_contact_name": "Rachel Green",
            "billing_contact_email": "billing@shopright.example",
            "admin_full_name": "Olivia Carter",
            "admin_email": "admin@shopright.example",
        }
    ),
    DemoClient(
        {
            "name": "Cloudlane Software",
            "legal_name": "Cloudlane Software GmbH",
            "slug": "cloudlane",
            "industry": "saas",
            "country": "DE",
            "time_zone": "Europe/Berlin",
            "currency": "EUR",
            "billing_model": "per_agent",
            "billing_contact_name": "Katrin Schulz",
            "billing_contact_email": "rechnungen@cloudlane.example",
            "admin_full_name": "Jonas Weber",
            "admin_email": "admin@cloudlane.example",
        }
    ),
    DemoClient(
        {
            "name": "Viajes Sol",
            "legal_name": "Viajes Sol S.A. de C.V.",
            "slug": "viajes-sol",
            "industry": "travel",
            "country": "MX",
            "time_zone": "America/Mexico_City",
            "currency": "MXN",
            "billing_model": "per_hour",
            "billing_contact_name": "Fernanda Ruiz",
            "billing_contact_email": "facturacion@viajes-sol.example",
            "admin_full_name": "María López",
            "admin_email": "admin@viajes-sol.example",
        }
    ),
)

DEMO_CLIENT_USERS = (
    DemoPerson("admin@shopright.example", "Olivia Carter", Role.CLIENT_ADMIN, ("shopright",)),
    DemoPerson("viewer@shopright.example", "Ethan Walker", Role.CLIENT_VIEWER, ("shopright",)),
    DemoPerson("admin@cloudlane.example", "Jonas Weber", Role.CLIENT_ADMIN, ("cloudlane",)),
    DemoPerson("viewer@cloudlane.example", "Lena Fischer", Role.CLIENT_VIEWER, ("cloudlane",)),
    DemoPerson("admin@viajes-sol.example", "María López", Role.CLIENT_ADMIN, ("viajes-sol",)),
    DemoPerson("viewer@viajes-sol.example", "Carlos Ramírez", Role.CLIENT_VIEWER, ("viajes-sol",)),
)

# Every demo login, for the README and the launcher.
DEMO_EMAILS = [person.email for person in DEMO_STAFF + DEMO_CLIENT_USERS]


class Command(BaseCommand):
    help = "Load the demo staff, clients and client users (idempotent) and print the logins."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-table", action="store_true", help="Do not print the table of demo logins."
        )
        parser.add_argument(
            "--logins-only", action="store_true", help="Only print the table of demo logins."
        )

    def handle(self, *args, no_table: bool = False, logins_only: bool = False, **options):
        if logins_only:
            self._print_logins()
            return
        self.changes: list[str] = []
        try:
            with transaction.atomic():
                clients, scheduler = self._seed()
        except DomainError as exc:
            raise CommandError(
                f"Demo data not loaded (nothing was written): {exc.message}"
            ) from exc
        # The planning runs report their progress as jobs do, outside any transaction; each
        # week's run and publication is its own (a week already planned is left alone).
        self._plans(clients, scheduler)
        self._quality(clients)
        # Last week's reports are rendered as the weekly task does, outside any transaction
        # (the job reports its progress); they read the week's statistics and evaluations.
        self._reports(clients)
        # Billing last: last month's invoices rate the roster's worked time, the statistics
        # and the SLA figures loaded above; each issue is its own transaction (the number is
        # taken in it) and its PDF is rendered after it, as the worker does.
        self._billing(clients)
        if self.changes:
            for change in self.changes:
                self.stdout.write(f"  + {change}")
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {len(self.changes)} changes."))
        else:
            self.stdout.write(self.style.SUCCESS("Nothing to do: the demo data is loaded already."))
        if not no_table:
            self._print_logins()

    # --- steps -----------------------------------------------------------------------------

    def _seed(self) -> tuple[dict, User]:
        from tenants.models import Client

        password = demo_password()
        staff = {person.email: self._user(person, password) for person in DEMO_STAFF}
        admin_person = DEMO_STAFF[0]
        self._role(staff[admin_person.email], Role.PROVIDER_ADMIN, None, actor=None)
        account_manager = staff["am@bpo.example"]
        clients = {}
        for demo in DEMO_CLIENTS:
            slug = demo.answers["slug"]
            client = Client.objects.filter(slug=slug).first()
            if client is None:
                from tenants.services import create_client_now

                client = create_client_now(data=demo.answers, requested_by=account_manager)
                self.changes.append(f"client {client.name} ({slug}, schema {client.schema_name})")
            clients[slug] = client
        actor = staff[admin_person.email]
        for person in DEMO_STAFF[1:]:
            for slug in person.clients:
                self._role(staff[person.email], person.role, clients[slug], actor=actor)
        client_admins = {}
        for person in DEMO_CLIENT_USERS:
            user = self._user(person, password)
            self._role(user, person.role, clients[person.clients[0]], actor=account_manager)
            if person.role == Role.CLIENT_ADMIN:
                client_admins[person.clients[0]] = user
        for slug, client in clients.items():
            self._catalog(client, account_manager, client_admins[slug])
            self._scorecards(client, staff["qa@bpo.example"])
        from scheduling.roster.demo import seed_roster  # the provider's roster (public)

        self.changes.extend(seed_roster(staff=staff, clients=clients))

        for client in clients.values():
            self._forecasts(client, staff["scheduler@bpo.example"])
        return clients, staff["scheduler@bpo.example"]

    def _catalog(self, client, account_manager: User, client_admin: User) -> None:
        from django_tenants.utils import tenant_context

        from bpo.catalog.demo import seed_catalog
        from scheduling.planning.demo_statistics import seed_statistics

        with tenant_context(client):
            self.changes.extend(
                seed_catalog(
                    client=client, account_manager=account_manager, client_admin=client_admin
                )
            )
            self.changes.extend(seed_statistics(client=client))

    def _scorecards(self, client, qa_analyst: User) -> None:
        from django_tenants.utils import tenant_context

        from bpo.quality.demo import seed_scorecards

        with tenant_context(client):
            self.changes.extend(seed_scorecards(client=client, qa_analyst=qa_analyst))

    def _forecasts(self, client, scheduler: User) -> None:
        from django_tenants.utils import tenant_context

        from scheduling.planning.demo_forecasts import seed_forecasts

        with tenant_context(client):
            # Last week and this week too: the demo plans them (``_plans``).
            self.changes.extend(seed_forecasts(client=client, scheduler=scheduler, weeks_back=2))

    def _plans(self, clients: dict, scheduler: User) -> None:
        from scheduling.planning.demo_plans import seed_plans
        from scheduling.roster.demo import DEMO_AGENT_EMAIL, seed_agent_extras

        self.changes.extend(seed_plans(clients=clients, scheduler=scheduler))
        self.changes.extend(seed_agent_extras(agent_email=DEMO_AGENT_EMAIL))

    def _quality(self, clients: dict) -> None:
        from django_tenants.utils import tenant_context

        from bpo.quality.demo import seed_evaluations
        from scheduling.roster.demo import DEMO_AGENT_EMAIL

        users = {
            user.email: user
            for user in User.objects.filter(
                email__in=["qa@bpo.example", "am@bpo.example", DEMO_AGENT_EMAIL]
            )
        }
        for client in clients.values():
            with transaction.atomic(), tenant_context(client):
                self.changes.extend(
                    seed_evaluations(
                        client=client,
                        qa_analyst=users["qa@bpo.example"],
                        account_manager=users["am@bpo.example"],
                        agent_user=users.get(DEMO_AGENT_EMAIL),
                    )
                )

    def _reports(self, clients: dict) -> None:
        from django_tenants.utils import tenant_context

        from bpo.reporting.demo import seed_last_week_report

        for client in clients.values():
            with tenant_context(client):
                self.changes.extend(seed_last_week_report(client=client))

    def _billing(self, clients: dict) -> None:
        from django_tenants.utils import tenant_context

        from billing.demo import seed_invoices

        finance = User.objects.get(email="finance@bpo.example")
        admins = {
            membership.client_id: membership.user
            for membership in Membership.objects.filter(
                role=Role.CLIENT_ADMIN, user__email__in=[p.email for p in DEMO_CLIENT_USERS]
            ).select_related("user")
        }
        for client in clients.values():
            with tenant_context(client):
                self.changes.extend(
                    seed_invoices(client=client, finance=finance, client_admin=admins[client.pk])
                )

    def _user(self, person: DemoPerson, password: str) -> User:
        user = User.objects.filter(email__iexact=person.email).first()
        if user is None:
            user = services.create_user(
                email=person.email, password=password, full_name=person.full_name
            )
            self.changes.append(f"account {person.email}")
        return user

    def _role(self, user: User, role: str, client, *, actor: User | None) -> None:
        if Membership.objects.filter(user=user, role=role, client=client).exists():
            return
        # Onboarding invited the client's first admin: redeem that invitation, so the demo
        # shows it accepted instead of pending for someone who has the role.
        invitation = Invitation.objects.filter(
            email__iexact=user.email,
            role=role,
            client=client,
            accepted_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).first()
        if invitation is not None:
            services.accept_invitation_for(invitation=invitation, user=user)
        else:
            services.grant_membership(user=user, role=role, client=client, actor=actor)
        where = f" for {client.slug}" if client else ""
        self.changes.append(f"{user.email} is {Role(role).label}{where}")

    def _print_logins(self) -> None:
        base = settings.PORTAL_BASE_URL.rstrip("/")
        rows = []
        for person in DEMO_STAFF + DEMO_CLIENT_USERS:
            where = ", ".join(person.clients) if person.clients else "all clients"
            rows.append((person.email, Role(person.role).label, where))
        width_email = max(len(r[0]) for r in rows)
        width_role = max(len(r[1]) for r in rows)
        self.stdout.write("")
        self.stdout.write(
            f"Demo logins at {base}/accounts/login/ — password for all: {demo_password()}"
        )
        self.stdout.write(f"  {'E-mail'.ljust(width_email)}  {'Role'.ljust(width_role)}  Clients")
        for email, role, where in rows:
            self.stdout.write(f"  {email.ljust(width_email)}  {role.ljust(width_role)}  {where}")
