"""The contract over the API and in the portal: who reads and who adds a version, a new
version through the API (stored as sent, copied where left out), field errors, and the pages
(the versions in words, the form copying the current card, errors next to their fields)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from billing.contracts.models import ContractVersion
from bpo.accounts.roles import Role
from tests.conftest import make_user, token_client

pytestmark = pytest.mark.django_db


def _url(client, tail: str = "") -> str:
    return f"/api/v1/clients/{client.slug}/contract-versions/{tail}"


@pytest.fixture
def finance(client_a):
    return make_user(Role.FINANCE, client_a, email="fin@provider.test")


def test_rights_to_read_and_to_add_a_version(client_a, client_a_admin, account_manager, finance):
    viewer = make_user(Role.CLIENT_VIEWER, client_a, email="viewer@acme-a.test")
    body = {"effective_from": "2030-01-01"}
    assert token_client(client_a_admin).get(_url(client_a)).status_code == 200
    assert token_client(account_manager).get(_url(client_a)).status_code == 200
    assert token_client(viewer).get(_url(client_a)).status_code == 403
    assert token_client(client_a_admin).post(_url(client_a), body, format="json").status_code == 403
    assert (
        token_client(account_manager).post(_url(client_a), body, format="json").status_code == 403
    )
    assert token_client(finance).post(_url(client_a), body, format="json").status_code == 201


def test_finance_adds_a_version_through_the_api(client_a, finance):
    # given
    body = {
        "effective_from": "2030-01-01",
        "payment_terms_days": 45,
        "buyer_reference": "PO-9",
        "rates": [
            {"basis": "worked_hour", "unit_price": "31.50"},
            {"basis": "one_off_fee", "unit_price": "1500.00", "description": "New IVR flows"},
        ],
        "multipliers": [
            {"kind": "night", "factor": "1.25", "night_starts": "22:00", "night_ends": "06:00"}
        ],
    }
    # when
    response = token_client(finance).post(_url(client_a), body, format="json")
    # then
    assert response.status_code == 201, response.json()
    answer = response.json()
    assert (answer["number"], answer["payment_terms_days"], answer["currency"]) == (2, 45, "USD")
    assert answer["multipliers"][0]["night_starts"] == "22:00"
    assert "Per worked hour on every line: $31.50." in answer["rules_in_words"]
    connection.set_tenant(client_a)
    stored = ContractVersion.objects.get(number=2)
    assert (stored.buyer_reference, stored.effective_from) == ("PO-9", date(2030, 1, 1))
    assert stored.created_by == finance
    assert stored.rates.count() == 2
    connection.set_schema_to_public()
    # and reading them costs the same queries whatever the number of versions
    api = token_client(finance)
    with CaptureQueriesContext(connection) as two:
        listed = api.get(_url(client_a))
    assert [v["number"] for v in listed.json()] == [1, 2]
    body["effective_from"] = "2031-01-01"
    assert api.post(_url(client_a), body, format="json").status_code == 201
    with CaptureQueriesContext(connection) as three:
        assert len(api.get(_url(client_a)).json()) == 3
    assert len(two) == len(three) == 16


def test_field_errors_and_conflicts_over_the_api(client_a, finance):
    api = token_client(finance)
    response = api.post(
        _url(client_a),
        {
            "effective_from": "2030-01-01",
            "buyer_country": "DE",
            "buyer_vat_id": "DE136695977",
            "rates": [{"basis": "contact", "unit_price": "-1"}],
        },
        format="json",
    )
    assert response.status_code == 400
    fields = response.json()["error"]["fields"]
    assert "buyer_vat_id" in fields and "rates.0.unit_price" in fields
    response = api.post(_url(client_a), {"effective_from": "2020-01-01"}, format="json")
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"


def test_the_contract_page_shows_the_versions_in_words(client, client_a, client_a_admin):
    client.force_login(client_a_admin)
    response = client.get(f"/c/{client_a.slug}/contract/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Version 1, from" in page and "In force" in page
    assert "Payment within 30 days." in page
    assert "Add a version from a day" not in page  # the client admin only reads
    assert client.get(f"/c/{client_a.slug}/contract/new-version/").status_code == 403


def test_the_form_copies_the_card_and_shows_errors_next_to_fields(client, client_a, finance):
    client.force_login(finance)
    page = client.get(f"/c/{client_a.slug}/contract/new-version/")
    assert page.status_code == 200
    assert 'value="Acme A Ltd."' in page.content.decode()
    data = {
        "effective_from": "2030-02-01",
        "seller": str(page.context["form"].initial["seller_id"])
        if "seller_id" in page.context["form"].initial
        else "",
        "buyer_legal_name": "Acme A Ltd.",
        "buyer_country": "DE",
        "buyer_vat_id": "DE136695977",
        "currency": "EUR",
        "payment_terms_days": "30",
        "language": "de-DE",
        "tax_mode": "per_line",
        "default_tax_rate": "19",
        "e_invoice_format": "factur_x",
        "fte_true_up_rule": "report_only",
        "hours_per_fte_month": "160",
        "rates-TOTAL_FORMS": "2",
        "rates-INITIAL_FORMS": "0",
        "rates-MIN_NUM_FORMS": "0",
        "rates-MAX_NUM_FORMS": "1000",
        "rates-0-basis": "worked_hour",
        "rates-0-unit_price": "-3",
        "rates-1-basis": "",
    }
    connection.set_tenant(client_a)
    data["seller"] = str(ContractVersion.objects.get(number=1).seller_id)
    connection.set_schema_to_public()
    response = client.post(f"/c/{client_a.slug}/contract/new-version/", data)
    assert response.status_code == 400
    body = response.content.decode()
    assert 'id="id_buyer_vat_id-errors"' in body
    assert 'id="id_rates-0-unit_price-errors"' in body
    # corrected, it is stored and the page shows it
    data.update({"buyer_vat_id": "DE136695976", "rates-0-unit_price": "33"})
    response = client.post(f"/c/{client_a.slug}/contract/new-version/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    connection.set_tenant(client_a)
    version = ContractVersion.objects.get(number=2)
    assert (version.reverse_charge, version.currency, version.rates.get().unit_price) == (
        True,
        "EUR",
        33,
    )
    connection.set_schema_to_public()
