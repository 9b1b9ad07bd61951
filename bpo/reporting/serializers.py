from __future__ import annotations

from django.urls import reverse
from rest_framework import serializers

from bpo.reporting.models import WeeklyReport


class WeeklyReportSerializer(serializers.ModelSerializer):
    week = serializers.SerializerMethodField()
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    pdf_url = serializers.SerializerMethodField()
    page_url = serializers.SerializerMethodField()
    job = serializers.SerializerMethodField()

    class Meta:
        model = WeeklyReport
        fields = [
            "id",
            "week",
            "revision",
            "status",
            "status_label",
            "time_zone",
            "sha256",
            "page_count",
            "requested_at",
            "generated_at",
            "pdf_url",
            "page_url",
            "job",
        ]
        read_only_fields = fields

    def get_week(self, report: WeeklyReport) -> str:
        return str(report.week)

    def _slug(self) -> str:
        request = self.context.get("request")
        return request.tenant.slug if request is not None else ""

    def get_pdf_url(self, report: WeeklyReport) -> str | None:
        if not report.is_ready:
            return None
        return reverse("api:weekly-report-pdf", args=[self._slug(), report.pk])

    def get_page_url(self, report: WeeklyReport) -> str:
        return reverse("client:weekly_report", args=[self._slug(), report.pk])

    def get_job(self, report: WeeklyReport) -> str | None:
        return str(report.job_id) if report.job_id else None


class WeeklyReportDetailSerializer(WeeklyReportSerializer):
    snapshot = serializers.JSONField(read_only=True)

    class Meta(WeeklyReportSerializer.Meta):
        fields = [*WeeklyReportSerializer.Meta.fields, "snapshot"]
        read_only_fields = fields


class RegenerateSerializer(serializers.Serializer):
    week = serializers.CharField(help_text="The ISO week, e.g. 2026-W48.")
