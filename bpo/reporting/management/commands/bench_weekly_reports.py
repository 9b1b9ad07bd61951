"""``python manage.py bench_weekly_reports --clients N``: N clients, each with a week of interval
statistics for three lines (voice, chat, e-mail; 15-minute intervals, the week before too, for
the comparison) and 40 submitted QA evaluations, then every client's report rendered through
the worker's own task (``render_weekly_report_task``, run in this process), ending with one line
``reports=<N> seconds=<s> median_report_s=<r> pages=<p> peak_mb=<m>``.

``seconds`` and ``median_report_s`` count the rendering task only (snapshot, charts, PDF, store),
not making the data. ``pages`` is the most pages a report had. ``peak_mb`` is this process's peak
resident memory: it renders every report, as one worker child would without its memory limit.
A line before it gives ``median_report_cpu_s``, the task's CPU time in this process: on a
machine shared with other work, wall-clock seconds say as much about the neighbours.

``--workers N`` renders through a real Celery worker instead (``celery worker --pool=prefork
--concurrency=N`` started here on its own queue, the portal's settings and broker): every
report is enqueued at once, as the Monday beat does. Then ``seconds`` runs from the first
report started to the last stored (the worker's start-up left out; the line before gives the
wall time with it), ``median_report_s`` is the median of the stored ``render_seconds``,
``peak_mb`` the largest worker process's peak resident memory, and ``cpu_per_report_s`` the
worker processes' CPU time over the reports.

Clients are ``bench-report-1`` ... and kept between runs (their data is made once); each run
removes their earlier reports first (the trigger's purge switch) so every run renders anew.
"""

from __future__ import annotations

import logging
import os
import random
import resource
import signal
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from bpo.accounts.models import Membership, User
from bpo.accounts.roles import Role
from bpo.catalog.models import Channel, Direction, ServiceLine, ServiceLineStatus
from bpo.embedded_db import database_url_of
from bpo.quality.models import Evaluation, ScorecardVersion
from bpo.quality.services import evaluations, scorecards
from bpo.reporting import services, tasks
from bpo.reporting.models import WeeklyReport
from scheduling.planning.models import IntervalStatistic
from scheduling.planning.selectors.sla import IsoWeek, week_bounds

SLUG = "bench-report-{}"
ZONE = "America/New_York"
USER_EMAIL = "bench-reports@bench.invalid"
EVALUATIONS = 40
LINES = (
    ("Orders (voice)", Channel.VOICE, 160),
    ("Orders (chat)", Channel.CHAT, 90),
    ("Orders (e-mail)", Channel.EMAIL, 60),
)
SECTIONS: list[dict[str, Any]] = [
    {
        "title": "Opening",
        "weight": "1",
        "criteria": [
            {"text": "Greets with the brand's name", "weight": "1"},
            {"text": "Verifies the customer", "weight": "1"},
        ],
    },
    {
        "title": "Resolution",
        "weight": "3",
        "criteria": [
            {"text": "Resolves the issue", "weight": "2", "scale": "one_to_five"},
            {"text": "Follows the steps", "weight": "1", "scale": "points", "max_points": 4},
            {"text": "Offers a survey", "weight": "1", "allows_na": True},
        ],
    },
]


class Command(BaseCommand):
    help = (
        "Benchmark the weekly report; ends with "
        "reports=<N> seconds=<s> median_report_s=<r> pages=<p> peak_mb=<m>."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=5)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--workers",
            type=int,
            default=0,
            help="render through a real Celery worker with this concurrency (0: in this process)",
        )

    def handle(self, *args, clients: int, seed: int, workers: int, **options):
        if clients < 1:
            raise CommandError("--clients must be at least 1.")
        if workers < 0:
            raise CommandError("--workers must be 0 or more.")
        for name in ("weasyprint", "weasyprint.progress", "celery"):
            logging.getLogger(name).setLevel(logging.WARNING)
        user = self._user()
        zone = ZoneInfo(ZONE)
        week = IsoWeek.containing(timezone.now(), zone).previous
        targets = []
        for number in range(1, clients + 1):
            client = self._client(number)
            with tenant_context(client):
                self._prepare(client=client, week=week, user=user, rng=random.Random(seed + number))
            targets.append(client)
        if workers:
            self._render_with_workers(targets, week=week, workers=workers)
        else:
            self._render_here(targets, week=week)

    def _render_here(self, targets, *, week: IsoWeek) -> None:
        durations, cpu, pages = [], [], []
        started = time.perf_counter()
        for client in targets:
            with tenant_context(client):
                report, _ = services.ensure_weekly_report(week=week)
                began, began_cpu = time.perf_counter(), time.process_time()
                tasks.render_weekly_report_task.apply(args=[report.pk], throw=True)
                durations.append(time.perf_counter() - began)
                cpu.append(time.process_time() - began_cpu)
                pages.append(self._ready(client, report.pk).page_count)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(f"median_report_cpu_s={statistics.median(cpu):.3f}")
        self._figures(len(durations), seconds, statistics.median(durations), max(pages), peak_mb)

    def _render_with_workers(self, targets, *, week: IsoWeek, workers: int) -> None:
        from bpo.celery import app

        queue = f"bench-weekly-reports-{os.getpid()}"
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
                f"bench-{os.getpid()}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=WARNING",
            ],
            env={
                **os.environ,
                "DATABASE_URL": database_url_of(connection.settings_dict),
                "PYTHONUNBUFFERED": "1",
            },
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            started = time.perf_counter()
            ids = []
            for client in targets:
                with tenant_context(client):
                    report, _ = services.ensure_weekly_report(week=week)
                    tasks.render_weekly_report_task.apply_async(args=[report.pk], queue=queue)
                    ids.append(report.pk)
            reports = [
                self._wait_ready(client, report_id, worker)
                for client, report_id in zip(targets, ids, strict=True)
            ]
            wall = time.perf_counter() - started
        finally:
            worker.send_signal(signal.SIGTERM)  # warm shutdown: the pool's children are reaped
            try:
                worker.wait(timeout=60)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        stored = [
            (r.generated_at, r.render_seconds or 0.0, r.page_count or 0)
            for r in reports
            if r.generated_at is not None
        ]
        first = min(at - timedelta(seconds=spent) for at, spent, _ in stored)
        seconds = (max(at for at, _, _ in stored) - first).total_seconds()
        self.stdout.write(
            f"workers={workers} wall_with_start_s={wall:.2f} "
            f"cpu_per_report_s={(usage.ru_utime + usage.ru_stime) / len(reports):.3f}"
        )
        self._figures(
            len(reports),
            seconds,
            statistics.median(spent for _, spent, _ in stored),
            max(pages for _, _, pages in stored),
            usage.ru_maxrss / 1024,
        )

    def _figures(self, reports: int, seconds: float, median: float, pages: int, peak_mb: float):
        self.stdout.write(
            f"reports={reports} seconds={seconds:.2f} median_report_s={median:.3f} "
            f"pages={pages} peak_mb={peak_mb:.0f}"
        )

    @staticmethod
    def _ready(client, report_id: int) -> WeeklyReport:
        report = WeeklyReport.objects.only(
            "status", "page_count", "generated_at", "render_seconds", "error"
        ).get(pk=report_id)
        if report.status != "ready":
            raise CommandError(f"The report of {client.slug} is {report.status}: {report.error}")
        return report

    def _wait_ready(self, client, report_id: int, worker: subprocess.Popen) -> WeeklyReport:
        with tenant_context(client):
            while True:
                status = WeeklyReport.objects.values_list("status", flat=True).get(pk=report_id)
                if status in {"ready", "failed"}:
                    return self._ready(client, report_id)
                if worker.poll() is not None:
                    raise CommandError(f"The worker stopped (exit {worker.returncode}).")
                time.sleep(0.2)

    # --- the data ---------------------------------------------------------------------------

    def _user(self) -> User:
        user = User.objects.filter(email=USER_EMAIL).first()
        if user is None:
            user = User.objects.create_user(email=USER_EMAIL, full_name="Bench QA")
            Membership.objects.create(user=user, role=Role.PROVIDER_ADMIN)
        return user

    def _client(self, number: int):
        from tenants.models import Client

        slug = SLUG.format(number)
        client = Client.objects.filter(slug=slug).first()
        if client is None:
            from tenants.services import create_client_now

            self.stdout.write(f"creating client {slug} ...")
            client = create_client_now(
                data={
                    "name": f"Bench report {number}",
                    "legal_name": f"Bench report {number} Ltd.",
                    "slug": slug,
                    "industry": "ecommerce",
                    "country": "US",
                    "time_zone": ZONE,
                    "currency": "USD",
                    "billing_model": "per_hour",
                    "billing_contact_name": "Bench Payer",
                    "billing_contact_email": f"billing@{slug}.invalid",
                    "admin_full_name": "Bench Admin",
                    "admin_email": f"admin@{slug}.invalid",
                },
                requested_by=None,
            )
        return client

    def _prepare(self, *, client, week: IsoWeek, user: User, rng: random.Random) -> None:
        with transaction.atomic():
            connection.cursor().execute("SET LOCAL bpo.purge_report_history = 'on'")
            WeeklyReport.objects.all().delete()
        lines = self._lines()
        zone = ZoneInfo(client.time_zone)
        for one in (week.previous, week):
            start, end = week_bounds(one, zone)
            if not IntervalStatistic.objects.filter(
                starts_at__gte=start, starts_at__lt=end
            ).exists():
                self._statistics(lines, start, end, zone, rng)
        version = self._scorecard(user)
        start, _ = week_bounds(week, zone)
        have = Evaluation.objects.filter(week_starts_on=week.monday).count()
        criteria = [c for s in version.sections.all() for c in s.criteria.all()]
        for number in range(have, EVALUATIONS):
            line = lines[number % len(lines)]
            interaction = evaluations.record_interaction(
                service_line=line,
                reference=f"BENCH-{week}-{number}",
                channel=line.channel,
                occurred_at=start + timedelta(hours=9 + number * 3),
                agent=None,
            )
            evaluation = evaluations.start_evaluation(
                interaction=interaction, scorecard_version=version, evaluator=user, actor=user
            )
            texts = [
                rng.choice(["yes", "yes", "yes", "no"]),
                rng.choice(["yes", "yes", "no"]),
                str(rng.randint(2, 5)),
                str(rng.randint(1, 4)),
                rng.choice(["yes", "no", "na"]),
            ]
            evaluations.save_evaluation(
                evaluation=evaluation,
                answers={
                    str(c.pk): evaluations.AnswerInput(t)
                    for c, t in zip(criteria, texts, strict=True)
                },
                overall_comment="",
                submit=True,
                actor=user,
            )

    def _lines(self) -> list[ServiceLine]:
        lines = []
        for name, channel, _ in LINES:
            line = ServiceLine.objects.filter(name=name).first()
            if line is None:
                is_async = channel == Channel.EMAIL
                line = ServiceLine.objects.create(
                    name=name,
                    channel=channel,
                    direction=Direction.INBOUND,
                    status=ServiceLineStatus.ACTIVE,
                    languages=["en"],
                    required_skills=["orders"],
                    service_level_percent=None if is_async else 80,
                    service_level_seconds=None if is_async else 20,
                    asa_seconds=None if is_async else 30,
                    max_abandon_percent=None if is_async else 5,
                    first_response_percent=90 if is_async else None,
                    first_response_hours=4 if is_async else None,
                    qa_score_percent=85,
                )
            lines.append(line)
        return lines

    def _statistics(self, lines, start, end, zone, rng: random.Random) -> None:
        rows = []
        for line, (_, channel, peak) in zip(lines, LINES, strict=True):
            moment = start
            while moment < end:
                hour = moment.astimezone(zone).hour
                mean = peak / 4 * (1.0 if 8 <= hour < 20 else 0.08)
                offered = max(0, round(rng.gauss(mean, mean**0.5 + 0.5)))
                rows.append(self._interval(line, channel, moment, offered, rng))
                moment += timedelta(minutes=15)
        IntervalStatistic.objects.bulk_create(rows, batch_size=2000)

    @staticmethod
    def _interval(line, channel, moment, offered: int, rng: random.Random) -> IntervalStatistic:
        if channel == Channel.EMAIL:
            within = sum(1 for _ in range(offered) if rng.random() < 0.88)
            return IntervalStatistic(
                service_line=line,
                starts_at=moment,
                interval_minutes=15,
                offered=offered,
                answered=offered,
                first_responses=offered,
                first_responses_within_target=within,
                first_response_seconds=offered * rng.randint(3000, 15000),
                talk_seconds=offered * 420,
            )
        abandoned = sum(1 for _ in range(offered) if rng.random() < 0.05)
        answered = offered - abandoned
        return IntervalStatistic(
            service_line=line,
            starts_at=moment,
            interval_minutes=15,
            offered=offered,
            answered=answered,
            abandoned=abandoned,
            short_abandoned=abandoned // 3,
            answered_within_threshold=sum(1 for _ in range(answered) if rng.random() < 0.82),
            abandoned_within_threshold=abandoned // 2,
            answered_wait_seconds=answered * rng.randint(8, 30),
            talk_seconds=answered * rng.randint(240, 330),
            hold_seconds=answered * 20,
            acw_seconds=answered * 40,
        )

    def _scorecard(self, user: User) -> ScorecardVersion:
        version = ScorecardVersion.objects.filter(
            status="published", scorecard__name="Bench QA"
        ).first()
        if version is not None:
            return version
        scorecard = scorecards.create_scorecard(name="Bench QA", service_line=None, actor=user)
        draft = scorecard.versions.get()
        for data in SECTIONS:
            section = scorecards.add_scorecard_section(
                version=draft, data={k: v for k, v in data.items() if k != "criteria"}, actor=user
            )
            for criterion in data["criteria"]:
                scorecards.add_scorecard_criterion(section=section, data=criterion, actor=user)
        return scorecards.publish_scorecard_version(version=draft, actor=user)
