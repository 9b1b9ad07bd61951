"""Measure provisioning both ways: template replay ("clone") against plain migrations.

    python manage.py bench_onboarding --clients 20

Provisions N clients by replaying the template snapshot and N by running every migration,
interleaved, through the same service the onboarding task uses
(``services.create_client_now``), times each, removes everything it created (registry rows and
schemas) and ends with one line:

    clone_median_s=<x> migrate_median_s=<y> speedup=<y/x>
"""

from __future__ import annotations

import secrets
import statistics
import time

from django.core.management.base import BaseCommand, CommandError
from django.test.utils import override_settings

from tenants import provisioning, services
from tenants.db import use_public_schema
from tenants.models import Client

METHODS = ("clone", "migrate")


class Command(BaseCommand):
    help = "Provision N clients by template replay and N by migrations; print the timings."

    def add_arguments(self, parser):
        parser.add_argument(
            "--clients", type=int, default=20, help="Clients per method (default 20)."
        )

    def handle(self, *args, **options):
        count = options["clients"]
        if not 1 <= count <= 500:
            raise CommandError("--clients must be between 1 and 500.")
        use_public_schema()
        if provisioning.current_snapshot(capture=True) is None:
            raise CommandError(
                "The template schema is missing or behind the code; run "
                "`python manage.py migrate_schemas --noinput` first."
            )
        run_tag = secrets.token_hex(3)
        created: list[Client] = []
        timings: dict[str, list[float]] = {method: [] for method in METHODS}
        # Invitation e-mails of benchmark clients go nowhere (they are deleted at the end).
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
            try:
                # Interleaved (and the order flipped every round) so that both methods see
                # the same machine load; on a shared 2-core machine that load varies.
                rounds = [METHODS if index % 2 else METHODS[::-1] for index in range(1, count + 1)]
                for index, methods in enumerate(rounds, start=1):
                    for method in methods:
                        slug = f"bench-{run_tag}-{method[0]}{index:03d}"
                        started = time.perf_counter()
                        client = services.create_client_now(
                            data=_answers(slug, index), requested_by=None, method=method
                        )
                        timings[method].append(time.perf_counter() - started)
                        created.append(client)
                        if options["verbosity"] >= 2:
                            self.stdout.write(f"{method:8} {slug:28} {timings[method][-1]:.3f} s")
            finally:
                self._remove(created)

        self._print_table(timings)
        clone_median = statistics.median(timings["clone"])
        migrate_median = statistics.median(timings["migrate"])
        self.stdout.write(
            f"clone_median_s={clone_median:.3f} migrate_median_s={migrate_median:.3f} "
            f"speedup={migrate_median / clone_median:.1f}"
        )

    def _remove(self, clients: list[Client]) -> None:
        use_public_schema()
        left_over = []
        for client in clients:
            try:
                # Rows first (memberships, invitations and events cascade), then the schema.
                Client.objects.filter(pk=client.pk).delete()
                provisioning.drop_schema(schema_name=client.schema_name)
            except Exception as exc:
                left_over.append(f"{client.slug} ({type(exc).__name__}: {exc})")
        if left_over:
            raise CommandError("Could not remove these benchmark clients: " + "; ".join(left_over))
        if clients:
            self.stderr.write(f"Removed {len(clients)} benchmark clients and their schemas.")

    def _print_table(self, timings: dict[str, list[float]]) -> None:
        self.stdout.write(
            f"{'method':8} {'n':>4} {'min_s':>7} {'median_s':>9} {'p90_s':>7} {'max_s':>7}"
        )
        for method, values in timings.items():
            ordered = sorted(values)
            p90 = ordered[min(len(ordered) - 1, round(0.9 * (len(ordered) - 1)))]
            self.stdout.write(
                f"{method:8} {len(values):>4} {ordered[0]:>7.3f} "
                f"{statistics.median(ordered):>9.3f} {p90:>7.3f} {ordered[-1]:>7.3f}"
            )


def _answers(slug: str, index: int) -> dict:
    return {
        "name": f"Benchmark client {slug}",
        "legal_name": f"Benchmark client {slug} Ltd.",
        "slug": slug,
        "industry": "other",
        "country": "DE",
        "time_zone": "Europe/Berlin",
        "currency": "EUR",
        "billing_model": "per_hour" if index % 2 else "per_agent",
        "billing_contact_name": "Bench Billing",
        "billing_contact_email": f"billing@{slug}.example",
        "admin_full_name": "Bench Admin",
        "admin_email": f"admin@{slug}.example",
    }
