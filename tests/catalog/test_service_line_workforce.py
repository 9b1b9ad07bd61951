"""A line's patience (seconds a caller waits before hanging up) and concurrency (chats one agent
handles at once): set where its SLA targets are set (service, page, API), refused in words when
wrong or on the wrong channel, every fault at once, shown in words on the line's page."""

from __future__ import annotations

from datetime import time
from decimal import Decimal

import pytest
from django.db import connection

from bpo.catalog.models import ServiceLine
from bpo.catalog.services import service_lines as services
from bpo.errors import DomainError
from tests.catalog.factories import OpeningHoursFactory, ServiceLineFactory
from tests.conftest import in_schema, token_client

pytestmark = pytest.mark.django_db

PATIENCE_RANGE = (
    "Patience must be a whole number of seconds from 1 to 3600; leave it empty when unknown."
)
CONCURRENCY_RANGE = "Concurrency must be a number from 1 to 20 with at most two decimals."


def _chat_only(line: str) -> str:
    return (
        f"{line} handles one contact at a time; concurrency stays 1 (only chat agents "
        "handle several at once)."
    )


def _live_only(line: str) -> str:
    return f"{line} takes no patience; only voice, chat and video callers hang up while waiting."


@pytest.fixture
def chat_line(in_client_a):
    line = ServiceLineFactory(name="Web chat", channel="chat", status="draft")
    OpeningHoursFactory(service_line=line, weekday=0, opens_at=time(9), closes_at=time(17))
    return line


# --- service ---------------------------------------------------------------------------------------


def test_a_new_line_has_unknown_patience_and_one_contact_at_a_time(in_client_a, account_manager):
    line = services.create_service_line(
        actor=account_manager, name="Sales", channel="voice", direction="inbound"
    )
    line.refresh_from_db()
    assert (line.patience_seconds, line.concurrency) == (None, Decimal("1.00"))


def test_a_chat_line_is_created_with_patience_and_concurrency(in_client_a, account_manager):
    line = services.create_service_line(
        actor=account_manager,
        name="Chat",
        channel="chat",
        direction="inbound",
        patience_seconds=120,
        concurrency=Decimal("2.5"),
    )
    line.refresh_from_db()
    assert (line.patience_seconds, line.concurrency) == (120, Decimal("2.50"))


def test_patience_and_concurrency_change_like_a_target(chat_line, account_manager):
    # when
    services.update_service_line(
        service_line=chat_line,
        actor=account_manager,
        patience_seconds=90,
        concurrency=Decimal("3"),
    )

    # then
    chat_line.refresh_from_db()
    assert (chat_line.patience_seconds, chat_line.concurrency) == (90, Decimal("3.00"))
    # and None makes the patience unknown again
    services.update_service_line(
        service_line=chat_line, actor=account_manager, patience_seconds=None
    )
    chat_line.refresh_from_db()
    assert chat_line.patience_seconds is None


@pytest.mark.parametrize("patience", [0, -5, 3601, 1.5, "90", True])
def test_patience_out_of_range_is_refused(chat_line, account_manager, patience):
    with pytest.raises(DomainError) as error:
        services.update_service_line(
            service_line=chat_line, actor=account_manager, patience_seconds=patience
        )
    assert error.value.fields == {"patience_seconds": [PATIENCE_RANGE]}


@pytest.mark.parametrize(
    "concurrency", [Decimal("0.99"), Decimal("0"), Decimal("20.01"), Decimal("2.555"), "abc", None]
)
def test_concurrency_out_of_range_is_refused(chat_line, account_manager, concurrency):
    with pytest.raises(DomainError) as error:
        services.update_service_line(
            service_line=chat_line, actor=account_manager, concurrency=concurrency
        )
    assert error.value.fields == {"concurrency": [CONCURRENCY_RANGE]}


def test_the_bounds_are_allowed(chat_line, account_manager):
    services.update_service_line(
        service_line=chat_line, actor=account_manager, patience_seconds=3600, concurrency="20"
    )
    chat_line.refresh_from_db()
    assert (chat_line.patience_seconds, chat_line.concurrency) == (3600, Decimal("20.00"))


def test_both_faults_come_in_one_refusal(chat_line, account_manager):
    with pytest.raises(DomainError) as error:
        services.update_service_line(
            service_line=chat_line,
            actor=account_manager,
            patience_seconds=0,
            concurrency=Decimal("25"),
        )
    assert error.value.fields == {
        "patience_seconds": [PATIENCE_RANGE],
        "concurrency": [CONCURRENCY_RANGE],
    }


def test_a_voice_line_refuses_a_concurrency_other_than_one(in_client_a, account_manager):
    with pytest.raises(DomainError) as error:
        services.create_service_line(
            actor=account_manager,
            name="Sales",
            channel="voice",
            direction="inbound",
            concurrency=Decimal("2"),
        )
    assert error.value.fields == {"concurrency": [_chat_only("A voice line")]}
    assert not ServiceLine.objects.filter(name="Sales").exists()


def test_an_email_line_refuses_patience_and_concurrency_together(in_client_a, account_manager):
    with pytest.raises(DomainError) as error:
        services.create_service_line(
            actor=account_manager,
            name="Mail",
            channel="email",
            direction="inbound",
            patience_seconds=60,
            concurrency=Decimal("2"),
        )
    assert error.value.fields == {
        "patience_seconds": [_live_only("An e-mail line")],
        "concurrency": [_chat_only("An e-mail line")],
    }


def test_a_chat_line_turned_voice_blames_the_channel_for_the_kept_concurrency(
    chat_line, account_manager
):
    # given a chat line with three chats per agent
    services.update_service_line(
        service_line=chat_line, actor=account_manager, concurrency=Decimal("3")
    )
    # when it becomes a voice line keeping that concurrency
    with pytest.raises(DomainError) as error:
        services.update_service_line(service_line=chat_line, actor=account_manager, channel="voice")
    # then the change of channel is refused
    assert error.value.fields == {"channel": [_chat_only("A voice line")]}
    # and with concurrency back to 1 it goes through, patience kept
    services.update_service_line(
        service_line=chat_line, actor=account_manager, channel="voice", concurrency=Decimal("1")
    )
    chat_line.refresh_from_db()
    assert (chat_line.channel, chat_line.concurrency) == ("voice", Decimal("1.00"))


# --- pages -----------------------------------------------------------------------------------------


def _chat_form(**fields) -> dict:
    return {
        "name": "Web chat",
        "channel": "chat",
        "direction": "inbound",
        "service_level_percent": "80",
        "service_level_seconds": "20",
        "hours_0_1_opens": "09:00",
        "hours_0_1_closes": "17:00",
        "sla_convention": "answered_abandoned_less_short",
        "short_abandon_seconds": "5",
        **fields,
    }


def test_the_edit_page_sets_them_and_the_detail_says_them_in_words(
    client, client_a, chat_line, account_manager
):
    client.force_login(account_manager)
    edit = f"/c/{client_a.slug}/service-lines/{chat_line.pk}/edit/"
    form = client.get(edit).context["form"]
    assert (form["patience_seconds"].value(), form["concurrency"].value()) == (None, "1")
    detail_url = f"/c/{client_a.slug}/service-lines/{chat_line.pk}/"
    assert (
        "Unknown: staffing assumes callers never hang up" in client.get(detail_url).content.decode()
    )

    # when
    response = client.post(edit, _chat_form(patience_seconds="90", concurrency="3"))

    # then
    assert response.status_code == 302
    in_schema(client_a)
    chat_line.refresh_from_db()
    assert (chat_line.patience_seconds, chat_line.concurrency) == (90, Decimal("3.00"))
    detail = client.get(detail_url).content.decode()
    assert "Callers wait 90 seconds on average before hanging up" in detail
    assert "An agent handles 3 chats at once" in detail


def test_an_empty_patience_on_the_page_makes_it_unknown(
    client, client_a, chat_line, account_manager
):
    chat_line.patience_seconds = 60
    chat_line.save()
    client.force_login(account_manager)
    response = client.post(
        f"/c/{client_a.slug}/service-lines/{chat_line.pk}/edit/",
        _chat_form(patience_seconds="", concurrency="1"),
    )
    assert response.status_code == 302
    in_schema(client_a)
    chat_line.refresh_from_db()
    assert chat_line.patience_seconds is None


def test_the_page_shows_both_faults_next_to_their_fields(
    client, client_a, chat_line, account_manager
):
    client.force_login(account_manager)
    response = client.post(
        f"/c/{client_a.slug}/service-lines/{chat_line.pk}/edit/",
        _chat_form(patience_seconds="4000", concurrency="21"),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["patience_seconds"] == [PATIENCE_RANGE]
    assert errors["concurrency"] == [CONCURRENCY_RANGE]
    assert PATIENCE_RANGE in response.content.decode()


def test_a_new_voice_line_on_the_page_refuses_a_concurrency_in_words(
    client, client_a, account_manager
):
    client.force_login(account_manager)
    response = client.post(
        f"/c/{client_a.slug}/service-lines/new/",
        _chat_form(name="Phones", channel="voice", concurrency="2", patience_seconds="45"),
    )
    assert response.status_code == 400
    assert response.context["form"].errors["concurrency"] == [_chat_only("A voice line")]
    connection.set_tenant(client_a)
    assert not ServiceLine.objects.filter(name="Phones").exists()
    connection.set_schema_to_public()


def test_a_voice_line_page_says_one_contact_at_a_time(client, client_a, account_manager):
    in_schema(client_a)
    line = ServiceLineFactory(name="Phones", patience_seconds=1)
    client.force_login(account_manager)
    detail = client.get(f"/c/{client_a.slug}/service-lines/{line.pk}/").content.decode()
    assert "Callers wait 1 second on average before hanging up" in detail
    assert "An agent handles one contact at a time" in detail


# --- API -------------------------------------------------------------------------------------------


def test_the_api_reads_and_changes_them_and_the_row_is_stored(client_a, chat_line, account_manager):
    api = token_client(account_manager)
    url = f"/api/v1/clients/{client_a.slug}/service-lines/{chat_line.pk}/"
    assert api.get(url).json()["concurrency"] == "1.00"

    # when
    response = api.patch(url, {"patience_seconds": 75, "concurrency": "2.5"}, format="json")

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["patience_seconds"], body["concurrency"]) == (75, "2.50")
    in_schema(client_a)
    stored = ServiceLine.objects.values("patience_seconds", "concurrency").get(pk=chat_line.pk)
    assert stored == {"patience_seconds": 75, "concurrency": Decimal("2.50")}
    # and null makes the patience unknown
    assert (
        api.patch(url, {"patience_seconds": None}, format="json").json()["patience_seconds"] is None
    )


def test_the_api_refuses_every_fault_at_once_in_words(client_a, chat_line, account_manager):
    api = token_client(account_manager)
    url = f"/api/v1/clients/{client_a.slug}/service-lines/{chat_line.pk}/"
    response = api.patch(url, {"patience_seconds": 0, "concurrency": "0.5"}, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {
        "patience_seconds": [PATIENCE_RANGE],
        "concurrency": [CONCURRENCY_RANGE],
    }
    not_numbers = api.patch(url, {"patience_seconds": "soon", "concurrency": "many"}, format="json")
    assert not_numbers.status_code == 400
    assert not_numbers.json()["error"]["fields"] == {
        "patience_seconds": [PATIENCE_RANGE],
        "concurrency": [CONCURRENCY_RANGE],
    }
    in_schema(client_a)
    stored = ServiceLine.objects.values("patience_seconds", "concurrency").get(pk=chat_line.pk)
    assert stored == {"patience_seconds": None, "concurrency": Decimal("1.00")}


def test_the_api_refuses_a_concurrency_on_an_email_line(client_a, account_manager):
    api = token_client(account_manager)
    response = api.post(
        f"/api/v1/clients/{client_a.slug}/service-lines/",
        {"name": "Mail", "channel": "email", "direction": "inbound", "concurrency": "2"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"concurrency": [_chat_only("An e-mail line")]}
