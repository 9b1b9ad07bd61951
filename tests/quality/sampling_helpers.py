"""Interactions, agents and plans for the sampling tests (with a client's schema active)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from django.db import connection

from scheduling.roster.models import AgentServiceLine
from tests.quality.helpers import make_interaction
from tests.roster.factories import AgentFactory

# A past week (Monday 23 November 2026), in America/New_York like the test clients.
MONDAY = date(2026, 11, 23)


def client_agent(**kwargs):
    """An agent who serves the active client (every line)."""
    agent = AgentFactory(**kwargs)
    AgentServiceLine.objects.create(agent=agent, client=connection.tenant)
    return agent


def week_interactions(line, agents_and_counts, *, monday=MONDAY, prefix="W"):
    """``count`` interactions of each agent on the week's Tuesday (15:00 UTC + i minutes)."""
    made = []
    start = datetime(monday.year, monday.month, monday.day, 15, tzinfo=UTC) + timedelta(days=1)
    for agent, count in agents_and_counts:
        for i in range(count):
            made.append(
                make_interaction(
                    line,
                    reference=f"{prefix}-{agent.employee_number}-{i}",
                    agent=agent,
                    occurred_at=start + timedelta(minutes=len(made)),
                )
            )
    return made
