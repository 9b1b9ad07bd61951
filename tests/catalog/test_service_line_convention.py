"""A line's service-level convention and short-abandon time: set where its SLA targets are set
(service, page, API), refused in words when wrong, shown in words."""

from __future__ import annotations

from datetime import time

import pytest

from bpo.catalog.services import service_lines as services
from bpo.errors import DomainError
from tests.catalog.factories import OpeningHoursFactory, ServiceLineFactory
from tests.conftest import in_schema, token_client

pytestmark = pytest.mark.django_db

CONVENTIONS = (
    "answered_abandoned_less_short, answered_abandoned, answered_only, "
    "abandoned_within_positive, abandoned_after_threshold, offered"
)


@pytest.fixture
def line(in_client_a):
    line = ServiceLineFactory(name="Billing", status="draft")
    OpeningHoursFactory(service_line=line, weekday=0, opens_at=time(9), closes_at=time(17))
    return line


def test_a_new_line_counts_by_the_default_convention(in_client_a, account_manager):
    line = services.create_service_line(
        actor=account_manager, name="Sales", channel="voice", direction="inbound"
    )
    assert line.sla_convention == "answered_abandoned_less_short"
    assert line.short_abandon_seconds == 5


def test_the_convention_and_short_abandons_change_like_a_target(line, account_manager):
    # when
    services.update_service_line(
        service_line=line,
        actor=account_manager,
        sla_convention="answered_only",
        short_abandon_seconds=10,
    )

    # then
    line.refresh_from_db()
    assert (line.sla_convention, line.short_abandon_seconds) == ("answered_only", 10)


def test_a_bad_convention_and_short_abandon_time_are_refused_together(line, account_manager):
    with pytest.raises(DomainError) as error:
        services.update_service_line(
            service_line=line,
            actor=account_manager,
            sla_convention="cisco",
            short_abandon_seconds=-1,
        )
    assert error.value.fields == {
        "sla_convention": [f'"cisco" is not a service-level convention; use one of {CONVENTIONS}.'],
        "short_abandon_seconds": [
            "Short-abandon time must be a whole number of seconds from 0 to 600."
        ],
    }


def test_the_edit_page_sets_the_convention_and_the_detail_says_it_in_words(
    client, client_a, line, account_manager
):
    client.force_login(account_manager)
    edit = f"/c/{client_a.slug}/service-lines/{line.pk}/edit/"
    form = client.get(edit).context["form"]
    assert form["sla_convention"].value() == "answered_abandoned_less_short"

    # when
    data = {
        "name": "Billing",
        "channel": "voice",
        "direction": "inbound",
        "service_level_percent": "80",
        "service_level_seconds": "20",
        "hours_0_1_opens": "09:00",
        "hours_0_1_closes": "17:00",
        "sla_convention": "abandoned_within_positive",
        "short_abandon_seconds": "8",
    }
    response = client.post(edit, data)

    # then
    assert response.status_code == 302
    in_schema(client_a)
    line.refresh_from_db()
    assert (line.sla_convention, line.short_abandon_seconds) == ("abandoned_within_positive", 8)
    detail = client.get(f"/c/{client_a.slug}/service-lines/{line.pk}/").content.decode()
    assert (
        "Early abandons count as met: (answered within threshold + abandoned within threshold)"
        " / (answered + abandoned)"
    ) in detail
    assert "hung up within 8 s" in detail


def test_the_edit_page_shows_a_bad_short_abandon_time_next_to_its_field(
    client, client_a, line, account_manager
):
    client.force_login(account_manager)
    response = client.post(
        f"/c/{client_a.slug}/service-lines/{line.pk}/edit/",
        {
            "name": "Billing",
            "channel": "voice",
            "direction": "inbound",
            "service_level_percent": "80",
            "service_level_seconds": "20",
            "hours_0_1_opens": "09:00",
            "hours_0_1_closes": "17:00",
            "sla_convention": "answered_only",
            "short_abandon_seconds": "900",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["short_abandon_seconds"] == [
        "Short-abandon time must be a whole number of seconds from 0 to 600."
    ]


def test_the_api_reads_and_changes_the_convention(client_a, line, account_manager):
    api = token_client(account_manager)
    url = f"/api/v1/clients/{client_a.slug}/service-lines/{line.pk}/"

    # when
    response = api.patch(url, {"sla_convention": "offered"}, format="json")

    # then
    assert response.status_code == 200, response.content
    assert response.json()["sla_convention"] == "offered"
    assert response.json()["sla_convention_label"] == (
        "All offered contacts (flow-outs count): answered within threshold / offered"
    )
    assert response.json()["short_abandon_seconds"] == 5
    refused = api.patch(url, {"sla_convention": "cisco"}, format="json")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"] == {
        "sla_convention": [f'"cisco" is not a service-level convention; use one of {CONVENTIONS}.']
    }
