"""``python manage.py bench_invoice_run --clients N [--workers W] [--keep]``: N throwaway
clients, each with a contract (rate cards per worked hour, per FTE and per contact in turn;
every fourth client's contract asks for Factur-X) and last month of worked time (three agents
booked 8 hours each weekday, their worked days, and for the per-contact cards a day of
contacts per weekday). Then, timed, the month's invoice run through the run's own tasks
(``run_invoice_run_task`` hands out ``draft_run_item_task`` per client), every draft issued
through ``issue_invoice_task`` (the EN 16931 XML built and validated) and every PDF rendered
through ``render_invoice_pdf_task`` (handed on by the issue's commit). It ends with one line:

    clients=<N> invoices=<n> seconds=<s> per_invoice_s=<p> peak_mb=<m>

``seconds`` is the run + issue + PDF wall time, not making the data; ``per_invoice_s`` is
``seconds / invoices``; ``peak_mb`` the peak resident memory of a process that rendered.

Without ``--workers`` every task runs eagerly in this process. With ``--workers W`` a real
Celery worker (``--pool=prefork --concurrency=W``) is started on its own queue with the
portal's settings and broker; ``seconds`` then runs from the worker picking the run up to the
last PDF stored (its start-up left out; the line before gives the wall time with it).

The clients, their agents and the run are removed at the end unless ``--keep`` is given.
"""

from __future__ import annotations

import logging
import os
import resource
import secrets
import signal
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.backends.postgresql.psycopg_any import DateTimeTZRange
from django.test.utils import override_settings
from django.utils import timezone
from django_tenants.utils import tenant_context

from bpo.embedded_db import database_url_of
from tenants import provisioning
from tenants.db import use_public_schema
from tenants.models import Client, ClientStatus

ZONE = "Europe/Berlin"
AGENTS_PER_CLIENT = 3
CARDS = ("per_hour", "per_fte", "per_contact")


def last_month(today: date) -> tuple[date, date]:
    end = today.replace(day=1) - timedelta(days=1)
    return end.replace(day=1), end


class Command(BaseCommand):
    help = (
        "Benchmark the invoice run (draft, issue, PDF); ends with "
        "clients=<N> invoices=<n> seconds=<s> per_invoice_s=<p> peak_mb=<m>."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=5)
        parser.add_argument(
            "--workers",
            type=int,
            default=0,
            help="run the tasks in a real Celery worker of this concurrency (0: in this process)",
        )
        parser.add_argument("--keep", action="store_true", help="keep the clients afterwards")

    def handle(self, *args, clients: int, workers: int, keep: bool, **options):
        if not 1 <= clients <= 2000:
            raise CommandError("--clients must be between 1 and 2000.")
        if workers < 0:
            raise CommandError("--workers must be 0 or more.")
        for name in ("weasyprint", "weasyprint.progress", "fontTools", "celery"):
            logging.getLogger(name).setLevel(logging.WARNING)
        use_public_schema()
        if provisioning.current_snapshot(capture=True) is None:
            raise CommandError(
                "The template schema is missing or behind the code; run "
                "`python manage.py migrate_schemas --noinput` first."
            )
        tag = secrets.token_hex(3)
        period_start, period_end = last_month(timezone.localdate())
        made: list[Client] = []
        agents: list[int] = []
        runs: list[int] = []
        setup = time.perf_counter()
        seller = self._seller(tag)
        try:
            with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
                for number in range(1, clients + 1):
                    client = self._client(tag, number)
                    made.append(client)
                    agents += self._month_of_work(
                        client, number, period_start, period_end, seller_id=seller.pk
                    )
            self.stdout.write(
                f"made {clients} clients and their month in {time.perf_counter() - setup:.1f} s"
            )
            if workers:
                invoices, seconds, peak_mb = self._with_workers(made, period_start, workers, runs)
            else:
                invoices, seconds, peak_mb = self._here(made, period_start, runs)
        finally:
            if not keep:
                self._remove(made, agents, runs, seller_id=seller.pk)
        per_invoice = seconds / invoices if invoices else 0.0
        self.stdout.write(
            f"clients={clients} invoices={invoices} seconds={seconds:.2f} "
            f"per_invoice_s={per_invoice:.3f} peak_mb={peak_mb:.0f}"
        )

    # --- the timed part ---------------------------------------------------------------------

    def _here(self, made, period_start, runs) -> tuple[int, float, float]:
        from billing.invoices import tasks as invoice_tasks
        from billing.runs import services as run_services
        from billing.runs import tasks as run_tasks
        from bpo.celery import app

        eager = app.conf.task_always_eager
        app.conf.task_always_eager = True
        try:
            started = time.perf_counter()
            run, _ = run_services.prepare_invoice_run(month=period_start, clients=made)
            runs.append(run.pk)
            run_tasks.run_invoice_run_task.apply(args=[run.pk], throw=True)
            drafts = self._drafts(run.pk)
            for client, invoice_id in drafts:
                with tenant_context(client):
                    invoice_tasks.issue_invoice_task.apply(args=[invoice_id], throw=True)
                    # Rendered already by the issue's commit, unless this runs inside an outer
                    # transaction (a test): the task leaves a ready PDF as it is.
                    invoice_tasks.render_invoice_pdf_task.apply(args=[invoice_id], throw=True)
            seconds = time.perf_counter() - started
        finally:
            app.conf.task_always_eager = eager
        self._check_ready(drafts)
        return len(drafts), seconds, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    def _with_workers(self, made, period_start, workers: int, runs) -> tuple[int, float, float]:
        from billing.invoices import tasks as invoice_tasks
        from billing.runs import services as run_services
        from billing.runs import tasks as run_tasks
        from billing.runs.models import InvoiceRun
        from bpo.celery import app
        from bpo.jobs.models import Job

        queue = f"bench-invoice-run-{os.getpid()}"
        with app.connection_for_write() as broker:
            broker.default_channel.queue_declare(queue=queue, durable=True, auto_delete=False)
            broker.default_channel.queue_purge(queue)
        self.stdout.write(f"starting a Celery worker, concurrency {workers}, queue {queue} ...")
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "bpo",
                "worker",
                "--pool=prefork",
                f"--concurrency={workers}",
                "-Q",
                queue,
                "--hostname",
                f"bench-invoices-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            # The worker's own sends (a draft per client, a PDF per issue) go to its queue.
            env={
                **os.environ,
                "DATABASE_URL": database_url_of(connection.settings_dict),
                "CELERY_QUEUE": queue,
                "PYTHONUNBUFFERED": "1",
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wall = time.perf_counter()
            run, _ = run_services.prepare_invoice_run(month=period_start, clients=made)
            runs.append(run.pk)
            run_tasks.run_invoice_run_task.apply_async(args=[run.pk], queue=queue)
            self._wait(
                lambda: InvoiceRun.objects.get(pk=run.pk).finished_at is not None, worker, "run"
            )
            drafts = self._drafts(run.pk)
            for client, invoice_id in drafts:
                with tenant_context(client):
                    invoice_tasks.issue_invoice_task.apply_async(args=[invoice_id], queue=queue)
            last = self._wait_rendered(drafts, worker)
            wall = time.perf_counter() - wall
        finally:
            worker.send_signal(signal.SIGTERM)  # warm shutdown: the pool's children are reaped
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        job = Job.objects.filter(pk=run.job_id).first() if run.job_id else None
        first = job.started_at if job is not None else None
        seconds = (last - first).total_seconds() if first else wall
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        self.stdout.write(
            f"workers={workers} wall_with_start_s={wall:.2f} "
            f"cpu_per_invoice_s={(usage.ru_utime + usage.ru_stime) / max(len(drafts), 1):.3f}"
        )
        return len(drafts), seconds, usage.ru_maxrss / 1024

    def _drafts(self, run_id: int) -> list[tuple[Client, int]]:
        from billing.runs.models import InvoiceRunItem, InvoiceRunItemStatus

        items = list(InvoiceRunItem.objects.filter(run_id=run_id).select_related("client"))
        failed = [f"{i.client.slug}: {i.error}" for i in items if i.status != "drafted"]
        if failed:
            raise CommandError("Not drafted: " + "; ".join(failed[:5]))
        return [
            (item.client, item.invoice_id)
            for item in items
            if item.status == InvoiceRunItemStatus.DRAFTED and item.invoice_id
        ]

    @staticmethod
    def _wait(done, worker: subprocess.Popen, what: str) -> None:
        while not done():
            if worker.poll() is not None:
                raise CommandError(
                    f"The worker stopped (exit {worker.returncode}) before the {what}."
                )
            time.sleep(0.25)

    def _wait_rendered(self, drafts, worker: subprocess.Popen) -> datetime:
        """Wait until every PDF is stored; the last one's time. The PDFs come roughly in the
        order the issues were sent, so each look goes down the list only as far as the first
        one not ready: this process stays off the two cores the worker needs."""
        from billing.invoices.models import IssuedDocument, IssuedDocumentStatus

        waiting = list(drafts)
        last: datetime | None = None
        while waiting:
            client, invoice_id = waiting[0]
            with tenant_context(client):
                row = (
                    IssuedDocument.objects.filter(invoice_id=invoice_id)
                    .values("status", "rendered_at", "error")
                    .first()
                )
            if row is not None and row["status"] == IssuedDocumentStatus.READY:
                at = row["rendered_at"]
                assert at is not None, "a ready PDF has its time"
                if last is None or at > last:
                    last = at
                waiting.pop(0)
                continue
            if row is not None and row["status"] == IssuedDocumentStatus.FAILED:
                raise CommandError(f"The PDF of {client.slug} failed: {row['error']}")
            if worker.poll() is not None:
                raise CommandError(f"The worker stopped (exit {worker.returncode}).")
            time.sleep(0.5)
        assert last is not None
        return last

    def _check_ready(self, drafts) -> None:
        from billing.invoices.models import IssuedDocument

        for client, invoice_id in drafts:
            with tenant_context(client):
                stored = IssuedDocument.objects.get(invoice_id=invoice_id)
            if not stored.is_ready:
                raise CommandError(f"The PDF of {client.slug} is {stored.status}: {stored.error}")

    # --- the data ---------------------------------------------------------------------------

    @staticmethod
    def _seller(tag: str):
        """A seller of the benchmark's own, so its invoices take no number of a real series."""
        from billing.ledger.models import LegalEntity

        return LegalEntity.objects.create(
            name=f"Bench Seller {tag} GmbH",
            address_lines="Hauptstrasse 1",
            city="Berlin",
            postcode="10115",
            country="DE",
            vat_id="DE123456789",
            email="billing@bench.example",
            iban="DE89370400440532013000",
            bic="COBADEFFXXX",
            number_prefix=f"BENCH{tag.upper()}",
        )

    def _client(self, tag: str, number: int) -> Client:
        from tenants.services import create_client_now

        slug = f"bench-invoice-{tag}-{number}"
        client = create_client_now(
            data={
                "name": f"Bench invoice {tag} {number}",
                "legal_name": f"Bench Invoice {number} GmbH",
                "slug": slug,
                "industry": "ecommerce",
                "country": "DE",
                "time_zone": ZONE,
                "currency": "EUR",
                "billing_model": "per_hour",
                "billing_contact_name": "Bench Payer",
                "billing_contact_email": f"billing@{slug}.example",
                "admin_full_name": "Bench Admin",
                "admin_email": f"admin@{slug}.example",
            },
            requested_by=None,
        )
        # Benchmark data written directly, as the billing fixtures do: live, and the first
        # contract version in force over the whole month.
        Client.objects.filter(pk=client.pk).update(status=ClientStatus.LIVE)
        client.refresh_from_db()
        return client

    def _month_of_work(
        self, client: Client, number: int, first: date, last: date, *, seller_id: int
    ) -> list[int]:
        from billing.contracts.models import Contract, ContractVersion, RateLine
        from bpo.catalog.models import Channel, Direction, ServiceLine, ServiceLineStatus
        from scheduling.planning.models import IntervalStatistic
        from scheduling.roster.models import Agent, Booking, WorkedDay

        card = CARDS[(number - 1) % len(CARDS)]
        zone = ZoneInfo(ZONE)
        weekdays = [
            first + timedelta(days=offset)
            for offset in range((last - first).days + 1)
            if (first + timedelta(days=offset)).weekday() < 5
        ]
        with tenant_context(client):
            line = ServiceLine.objects.create(
                name="Order support",
                channel=Channel.VOICE,
                direction=Direction.INBOUND,
                status=ServiceLineStatus.ACTIVE,
                languages=["de"],
                required_skills=[],
                service_level_percent=80,
                service_level_seconds=20,
                asa_seconds=30,
                max_abandon_percent=5,
            )
            Contract.objects.update(starts_on=first)
            version = ContractVersion.objects.get(number=1)
            ContractVersion.objects.filter(pk=version.pk).update(
                effective_from=first,
                seller_id=seller_id,
                buyer_legal_name=f"Bench Invoice {number} GmbH",
                buyer_address="Lindenallee 4",
                buyer_city="Hamburg",
                buyer_postcode="20095",
                buyer_country="DE",
                buyer_vat_id="DE811907980",
                default_tax_rate=Decimal(19),
                e_invoice_format="factur_x" if number % 4 == 0 else "none",
            )
            if card == "per_hour":
                rates = [
                    RateLine(version=version, basis="worked_hour", unit_price=Decimal("28.50"))
                ]
            elif card == "per_fte":
                rates = [
                    RateLine(
                        version=version, basis="fte_month", unit_price=Decimal("3900"), quantity=3
                    )
                ]
            else:
                rates = [
                    RateLine(
                        version=version,
                        basis="contact",
                        unit_price=Decimal("0.85"),
                        service_line=line,
                    ),
                    RateLine(
                        version=version,
                        basis="seat_month",
                        unit_price=Decimal("450"),
                        quantity=2,
                        position=1,
                    ),
                ]
            for rate in rates:
                rate.tax_rate = Decimal(19)
            RateLine.objects.bulk_create(rates)
            if card == "per_contact":
                IntervalStatistic.objects.bulk_create(
                    IntervalStatistic(
                        service_line=line,
                        starts_at=datetime.combine(day, clock(10), tzinfo=zone),
                        interval_minutes=15,
                        offered=120 + number % 7,
                        answered=115 + number % 7,
                        abandoned=5,
                        answered_within_threshold=98,
                        answered_wait_seconds=115 * 14,
                        talk_seconds=115 * 260,
                        acw_seconds=115 * 40,
                    )
                    for day in weekdays
                )
            line_id = line.pk
        agents = Agent.objects.bulk_create(
            Agent(
                employee_number=f"{client.slug}-{index}",
                full_name=f"Bench Agent {number}.{index}",
                time_zone=ZONE,
                cost_currency="EUR",
            )
            for index in range(1, AGENTS_PER_CLIENT + 1)
        )
        bookings: list[Booking] = []
        worked: list[WorkedDay] = []
        for index, agent in enumerate(agents):
            for day in weekdays:
                start = datetime.combine(day, clock(8 + index), tzinfo=zone).astimezone(UTC)
                bookings.append(
                    Booking(
                        agent=agent,
                        client=client,
                        service_line_id=line_id,
                        during=DateTimeTZRange(start, start + timedelta(hours=8)),
                        plan_id=1,
                        shift_id=len(bookings) + 1,
                    )
                )
                worked.append(
                    WorkedDay(
                        agent=agent,
                        day=day,
                        scheduled_minutes=480,
                        worked_minutes=465 - 5 * index,
                        in_state_minutes=440,
                        source="confirmed",
                    )
                )
        Booking.objects.bulk_create(bookings)
        WorkedDay.objects.bulk_create(worked)
        return [agent.pk for agent in agents]

    def _remove(self, made: list[Client], agents: list[int], runs: list[int], *, seller_id) -> None:
        from billing.ledger.models import InvoiceRegister, LegalEntity, NumberSeries
        from billing.runs.models import InvoiceRun
        from scheduling.roster.models import Agent, Booking

        use_public_schema()
        InvoiceRun.objects.filter(pk__in=runs).delete()
        Booking.objects.filter(agent_id__in=agents).delete()
        Agent.objects.filter(pk__in=agents).delete()
        # Only the benchmark's own seller's register and series: no real number is touched.
        InvoiceRegister.objects.filter(legal_entity_id=seller_id, client__in=made).delete()
        left_over = []
        for client in made:
            try:
                Client.objects.filter(pk=client.pk).delete()
                provisioning.drop_schema(schema_name=client.schema_name)
            except Exception as exc:
                left_over.append(f"{client.slug} ({type(exc).__name__}: {exc})")
        if not left_over:
            NumberSeries.objects.filter(legal_entity_id=seller_id).delete()
            # Raw: the ORM's cascade would look for the contract versions in public; the
            # versions that named it went with their schemas.
            with connection.cursor() as cursor:
                cursor.execute(
                    f"DELETE FROM {LegalEntity._meta.db_table} WHERE id = %s",
                    [seller_id],
                )
        if left_over:
            raise CommandError("Could not remove these benchmark clients: " + "; ".join(left_over))
        if made:
            self.stderr.write(f"Removed {len(made)} benchmark clients and their schemas.")
