"""The API shapes of planning runs (provider side): the run, its job's progress and, once
ready, its figures per client with the draft plan each client got."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from bpo.jobs.models import JobStatus
from scheduling.roster.models import PlanningRun


class RunClientSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    name = serializers.CharField()


class RunJobSerializer(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.ChoiceField(choices=JobStatus.choices)
    progress = serializers.IntegerField(help_text="0 to 100.")
    message = serializers.CharField(allow_blank=True)
    error = serializers.CharField(allow_blank=True)


class RunTotalSerializer(serializers.Serializer):
    """The run's figures over all its clients (the optimiser's)."""

    coverage_pct = serializers.FloatField(required=False)
    shortfall_hours = serializers.FloatField(required=False)
    over_hours = serializers.FloatField(required=False)
    required_hours = serializers.FloatField(required=False)
    cost = serializers.FloatField(required=False)
    objective = serializers.FloatField(required=False)
    lower_bound = serializers.FloatField(required=False)
    gap_pct = serializers.FloatField(required=False, help_text="Gap to the lower bound, in %.")
    shifts = serializers.IntegerField(required=False)
    agents = serializers.IntegerField(required=False)
    method = serializers.CharField(required=False)
    status = serializers.CharField(required=False, help_text="The optimiser's status.")
    solve_seconds = serializers.FloatField(required=False)


class RunResultSerializer(serializers.Serializer):
    """One client's draft plan of the run and its figures."""

    client = RunClientSerializer()
    plan_id = serializers.IntegerField()
    plan_url = serializers.CharField(help_text="The draft in the client's plan API.")
    coverage_pct = serializers.FloatField(required=False)
    shortfall_hours = serializers.FloatField(required=False)
    over_hours = serializers.FloatField(required=False)
    required_hours = serializers.FloatField(required=False)
    cost = serializers.FloatField(required=False)
    shifts = serializers.IntegerField(required=False)


class PlanningRunSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    clients = serializers.SerializerMethodField()
    job = serializers.SerializerMethodField()
    total = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField(help_text="This run: poll it for its progress.")

    class Meta:
        model = PlanningRun
        fields = [
            "id",
            "week_starts_on",
            "time_zone",
            "time_limit_seconds",
            "clients",
            "status",
            "status_label",
            "error",
            "job",
            "total",
            "results",
            "created_at",
            "finished_at",
            "url",
        ]
        read_only_fields = fields

    def _clients(self, run: PlanningRun) -> list:
        return sorted(run.clients.all(), key=lambda client: client.name)

    @extend_schema_field(RunClientSerializer(many=True))
    def get_clients(self, run: PlanningRun) -> list[dict]:
        return [{"slug": c.slug, "name": c.name} for c in self._clients(run)]

    @extend_schema_field(RunJobSerializer(allow_null=True))
    def get_job(self, run: PlanningRun) -> dict | None:
        job = run.job if run.job_id else None
        if job is None:
            return None
        return {
            "id": str(job.pk),
            "status": job.status,
            "progress": job.progress,
            "message": job.message,
            "error": job.error,
        }

    @extend_schema_field(RunTotalSerializer(allow_null=True))
    def get_total(self, run: PlanningRun) -> dict | None:
        total = (run.figures or {}).get("total")
        return RunTotalSerializer(total).data if total else None

    @extend_schema_field(RunResultSerializer(many=True))
    def get_results(self, run: PlanningRun) -> list[dict]:
        per_client = (run.figures or {}).get("clients") or {}
        results: list[dict] = []
        for client in self._clients(run):
            figures = per_client.get(str(client.pk))
            if not figures:
                continue
            results.append(
                dict(
                    RunResultSerializer(
                        {
                            **figures,
                            "client": {"slug": client.slug, "name": client.name},
                            "plan_url": reverse(
                                "api:plan-detail",
                                kwargs={"client_slug": client.slug, "pk": figures["plan_id"]},
                            ),
                        }
                    ).data
                )
            )
        return results

    def get_url(self, run: PlanningRun) -> str:
        return reverse("api:planning-run-detail", kwargs={"pk": run.pk})


class StartPlanningRunSerializer(serializers.Serializer):
    week_starts_on = serializers.DateField(help_text="A Monday.")
    clients = serializers.ListField(
        child=serializers.SlugField(),
        min_length=1,
        help_text="The slugs of the clients to plan together (clients that share agents).",
    )
    time_limit_seconds = serializers.IntegerField(
        default=60, help_text="The optimiser stops at this limit with the best plan found."
    )
    time_zone = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=64,
        help_text="The IANA zone whose clock the week is planned on (the first client's).",
    )
