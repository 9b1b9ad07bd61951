"""Small helpers shared by the tenant registry's tests."""

from __future__ import annotations

import re

from django.db import connection

from bpo.jobs.models import Job
from tenants.models import Client, ClientEvent, OnboardingRun


def registry_counts() -> dict[str, int]:
    """Row counts of everything onboarding writes, to prove that nothing was written."""
    from bpo.accounts.models import Invitation, Membership

    return {
        "clients": Client.objects.count(),
        "runs": OnboardingRun.objects.count(),
        "jobs": Job.objects.count(),
        "events": ClientEvent.objects.count(),
        "invitations": Invitation.objects.count(),
        "memberships": Membership.objects.count(),
    }


def client_schemas() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'c\\_%%'")
        return {row[0] for row in cursor.fetchall()}


def field_block(html: str, field: str) -> str:
    """The HTML of one wizard field: its input, help and errors (see _field.html)."""
    match = re.search(
        rf'<div class="[^"]*" id="field-{field}">(.*?)</div>\s*(?=<div class="[^"]*" id="field-|<div class="toolbar)',
        html,
        re.S,
    )
    assert match, f"field {field} not on the page"
    return match.group(1)
