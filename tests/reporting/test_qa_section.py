"""The report's QA section: the quality app's figures of the week (never scored here), by line
and criterion with their intervals, the most failed criteria and disputes, on the cover as each
line's QA score against its target, and in the PDF's text."""

from __future__ import annotations

import io
import math
from datetime import UTC, datetime
from decimal import Decimal

import pypdf
import pytest
from django.db import connection

from bpo.accounts.roles import Role
from bpo.reporting import content, qa, services, workers
from scheduling.planning.selectors.sla import IsoWeek
from tests.catalog.factories import ServiceLineFactory
from tests.conftest import make_user
from tests.quality.helpers import make_interaction, make_scorecard, submit_evaluation
from tests.reporting.helpers import line_targets

pytestmark = pytest.mark.django_db

WEEK = IsoWeek(2026, 48)  # Monday 23 November 2026
TUESDAY = datetime(2026, 11, 24, 15, tzinfo=UTC)
PERFECT = ["yes", "yes", "5", "4", "yes", "no"]


@pytest.fixture
def evaluated(client_a):
    analyst = make_user(Role.QA_ANALYST, client_a, email="qa@report.test")
    connection.set_tenant(client_a)
    line = ServiceLineFactory(name="Orders", qa_score_percent=Decimal("80"), **line_targets())
    version = make_scorecard(analyst, service_line=line, publish=True)[1]
    for number, texts in enumerate(
        [PERFECT, ["no", "yes", "5", "4", "yes", "no"], ["yes", "yes", "1", "0", "no", "no"]]
    ):
        interaction = make_interaction(line, reference=f"R-{number}", occurred_at=TUESDAY)
        submit_evaluation(version, interaction, analyst, texts)
    yield line
    connection.set_schema_to_public()


def test_the_qa_section_carries_the_quality_figures(client_a, evaluated):
    # when
    section = qa.week_qa_section(client=client_a, week=WEEK)

    # then: scores 100, 75, 25 (the quality app's scoring); mean with its t interval
    [line] = section["lines"]
    values = [100.0, 75.0, 25.0]
    mean = sum(values) / 3
    half = 4.302652729911275 * math.sqrt(sum((v - mean) ** 2 for v in values) / 2) / math.sqrt(3)
    assert line["score"] == round(mean, 2)
    assert line["score_text"] == (
        f"{mean:.1f} % (95 % interval {mean - half:.1f} to {mean + half:.1f} %)"
    )
    assert line["pass_rate_text"].startswith("1 of 3 passed: 33.3 % (95 % Wilson interval")
    assert section["most_failed"][0]["text"] == "Delights the customer"
    assert section["disputes"] == {"raised": 0, "open": 0, "decided": 0}


def test_the_cover_says_the_qa_score_against_target_and_the_pdf_holds_it(client_a, evaluated):
    # when
    snapshot = content.build_snapshot(
        client=client_a, week=WEEK, qa=qa.week_qa_section(client=client_a, week=WEEK)
    )
    report = workers.render_weekly_report(report_id=services.ensure_weekly_report(week=WEEK)[0].pk)

    # then
    figure = next(f for f in snapshot["lines"][0]["kpis"] if f["key"] == "qa_score")
    assert figure["value"] == "66.7 %" and figure["outcome_label"] == "Missed"
    assert figure["target"] == "at least 80 %"
    text = " ".join(
        "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(report.pdf)).pages).split()
    )
    assert "66.7 %" in text and "Most failed criteria" in text
    assert "Delights the customer" in text
    assert report.snapshot["qa"]["lines"][0]["evaluated"] == 3


def test_a_week_without_evaluations_says_so(in_a):
    ServiceLineFactory(name="Quiet")
    assert qa.week_qa_section(client=in_a, week=WEEK) is None
    snapshot = content.build_snapshot(client=in_a, week=WEEK)
    figure = next(f for f in snapshot["lines"][0]["kpis"] if f["key"] == "qa_score")
    assert figure["value"] == "No evaluations"
