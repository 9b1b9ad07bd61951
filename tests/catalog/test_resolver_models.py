"""The resolver against the models: its values agree with the model choices, and the selector
adapts an escalation path's rows to it (database tests; the resolver's own tests in
``test_resolver.py`` are pure, so mutation testing runs them without Django)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bpo.catalog import resolver


def test_the_resolvers_values_agree_with_the_models():
    from bpo.catalog.models import Coverage, Severity, TriggerKind

    assert dict(Severity.choices) == resolver.SEVERITY_LABELS
    assert {resolver.TRIGGER_SEVERITY, resolver.TRIGGER_UNRESOLVED} == set(TriggerKind.values)
    assert set(resolver.COVERAGE_PERIODS) == set(Coverage.values)


# --- the adapter over the models ---------------------------------------------------------------------


@pytest.mark.django_db
def test_the_selector_resolves_a_paths_tiers_in_the_clients_zone(in_client_a):
    from bpo.catalog.selectors.escalations import get_escalation_path, resolve_escalation
    from tests.catalog.factories import EscalationTierFactory, OpeningHoursFactory

    # given client A (America/New_York) and a line open Tuesdays 09:00-17:00
    tier = EscalationTierFactory(coverage="business_hours", contact_name="Desk")
    OpeningHoursFactory(service_line=tier.path.service_line, weekday=1)
    path = get_escalation_path(path_id=tier.path_id)
    # when Tuesday 09:30 New York time (13:30 UTC in June)
    answer = resolve_escalation(
        path=path,
        client=in_client_a,
        severity=2,
        category="",
        at=datetime(2026, 6, 9, 13, 30, tzinfo=UTC),
    )
    # then
    assert answer.period == "business_hours"
    assert answer.tier is not None
    assert (answer.tier.id, answer.tier.contact_name) == (tier.pk, "Desk")
