"""The onboarding wizard: step by step through the pages, errors next to their fields, nothing
written until the review is submitted, and provisioning run in-process."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from django_tenants.utils import schema_context, schema_exists

from bpo.accounts.models import Invitation, Membership
from bpo.accounts.roles import Role
from tenants import services, workers
from tenants.models import Client, ClientEvent, OnboardingRun
from tests.factories import client_answers
from tests.tenants.helpers import client_schemas, field_block, registry_counts

COMPANY = ("name", "legal_name", "slug", "industry", "country", "time_zone", "currency")
BILLING = ("billing_model", "billing_contact_name", "billing_contact_email")
ADMIN = ("admin_full_name", "admin_email")


def step_url(step: str) -> str:
    return reverse("tenants:onboard_step", args=[step])


WIZARD_ANSWERS = client_answers(
    "nordwind-reisen",
    name="Nordwind Reisen",
    legal_name="Nordwind Reisen GmbH",
    industry="travel",
    country="DE",
    time_zone="Europe/Berlin",
    currency="EUR",
)


def step_data(fields, **overrides) -> dict:
    answers = {**WIZARD_ANSWERS, **overrides}
    return {field: answers[field] for field in fields}


def pass_steps(web, *steps) -> None:
    for step, fields in steps:
        response = web.post(step_url(step), {**step_data(fields), "action": "next"})
        assert response.status_code == 302, response.content.decode()[:2000]


@pytest.mark.django_db
def test_wizard_happy_path_onboards_the_client(
    signed_in, account_manager, django_capture_on_commit_callbacks
):
    web = signed_in(account_manager)
    # given the wizard opened at its first step
    response = web.get(reverse("tenants:onboard"))
    assert response.status_code == 302
    assert response["Location"] == step_url("company")
    page = web.get(step_url("company"))
    assert page.status_code == 200
    assert b"Step 1 of 4: Company" in page.content

    # when every step is answered
    response = web.post(step_url("company"), {**step_data(COMPANY), "action": "next"})
    assert response["Location"] == step_url("billing")
    response = web.post(step_url("billing"), {**step_data(BILLING), "action": "next"})
    assert response["Location"] == step_url("admin")
    response = web.post(step_url("admin"), {**step_data(ADMIN), "action": "next"})
    assert response["Location"] == step_url("review")
    review = web.get(step_url("review"))
    assert review.status_code == 200
    for shown in ("Nordwind Reisen GmbH", "/c/nordwind-reisen/", "Germany (DE)", "EUR — Euro"):
        assert shown in review.content.decode()
    # then nothing is written before the review is submitted
    assert not OnboardingRun.objects.exists()

    # when the review is submitted
    response = web.post(step_url("review"), {"action": "submit"})
    run = OnboardingRun.objects.get(slug="nordwind-reisen")
    assert response.status_code == 302
    assert response["Location"] == reverse("tenants:onboarding_run", args=[run.pk])
    progress = web.get(response["Location"])
    assert progress.status_code == 200
    assert b'hx-trigger="every 500ms"' in progress.content  # polling while queued

    # and the background task runs (in-process here; its commit sends the invitation e-mail)
    with django_capture_on_commit_callbacks(execute=True):
        client = workers.run_provisioning(run_id=run.pk)

    # then the client exists with its schema, contract data, staff assignment and invitation
    assert client.slug == "nordwind-reisen"
    assert client.time_zone == "Europe/Berlin"
    assert client.currency == "EUR"
    assert client.created_by == account_manager
    assert schema_exists(client.schema_name)
    with schema_context(client.schema_name):
        from billing.contracts.models import BillingContact, Contract

        assert BillingContact.objects.get().email == "billing@nordwind-reisen.example"
        assert Contract.objects.get().currency == "EUR"
    assert Membership.objects.filter(
        user=account_manager, client=client, role=Role.ACCOUNT_MANAGER
    ).exists()
    invitation = Invitation.objects.get(client=client)
    assert (invitation.email, invitation.role) == ("admin@nordwind-reisen.example", "client_admin")
    assert [message.to for message in mail.outbox] == [["admin@nordwind-reisen.example"]]
    assert ClientEvent.objects.filter(client=client, action="onboarded").exists()
    # and the progress page says so, without polling any more, with a link to the client
    fragment = web.get(reverse("tenants:onboarding_run_progress", args=[run.pk]))
    assert b"hx-trigger" not in fragment.content
    assert reverse("client:overview", args=[client.slug]).encode() in fragment.content
    assert b"100 %" in fragment.content
    # and the wizard starts afresh
    assert web.get(reverse("tenants:onboard"))["Location"] == step_url("company")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        ({"name": ""}, "name", "Company name is required."),
        ({"legal_name": "x" * 201}, "legal_name", "Legal name is longer than 200 characters."),
        (
            {"slug": "-Bad_Slug"},
            "slug",
            "Use 3 to 40 lowercase letters, digits and hyphens, starting and ending with a "
            "letter or digit.",
        ),
        ({"slug": "admin"}, "slug", "'admin' is reserved."),
        ({"slug": "acme-a"}, "slug", "The address 'acme-a' is taken by another client."),
        ({"industry": "mining"}, "industry", "Unknown industry 'mining'."),
        ({"country": "XX"}, "country", "'XX' is not an ISO 3166 country code (e.g. US, DE, MX)."),
        ({"country": ""}, "country", "Country is required."),
        (
            {"time_zone": "Europe/Berlln"},
            "time_zone",
            "'Europe/Berlln' is not an IANA time zone (e.g. Europe/Berlin).",
        ),
        (
            {"currency": "EUX"},
            "currency",
            "'EUX' is not an ISO 4217 currency code (e.g. USD, EUR, MXN).",
        ),
    ],
)
def test_company_step_refuses_bad_input_next_to_the_field(
    signed_in, account_manager, override, field, message
):
    web = signed_in(account_manager)
    before = registry_counts()
    # when
    response = web.post(step_url("company"), {**step_data(COMPANY, **override), "action": "next"})
    # then the step is shown again with exactly that error, next to its field
    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    html = response.content.decode()
    from django.utils.html import escape

    assert escape(message) in field_block(html, field)
    # and nothing was written, and the wizard did not move on
    assert registry_counts() == before
    assert web.get(step_url("billing"))["Location"] == step_url("company")


@pytest.mark.django_db
def test_company_step_reports_every_bad_field_at_once(signed_in, account_manager):
    web = signed_in(account_manager)
    # when
    response = web.post(step_url("company"), {"action": "next"})
    # then
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "name": ["Company name is required."],
        "legal_name": ["Legal name is required."],
        # the address is suggested from the (missing) name: nothing to check yet
        "country": ["Country is required."],
        "time_zone": ["Time zone is required."],
        "currency": ["Currency is required."],
    }


@pytest.mark.django_db
def test_company_step_suggests_the_address_from_the_name(signed_in, account_manager):
    web = signed_in(account_manager)
    # when the address is left blank
    web.post(step_url("company"), {**step_data(COMPANY, slug=""), "action": "next"})
    # then the suggestion is kept and shown on the review
    pass_steps(web, ("billing", BILLING), ("admin", ADMIN))
    assert "/c/nordwind-reisen/" in web.get(step_url("review")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("override", "field", "message"),
    [
        (
            {"billing_model": ""},
            "billing_model",
            "Choose a billing model: Per hour, Per agent (FTE / seat per month).",
        ),
        (
            {"billing_model": "per_minute"},
            "billing_model",
            "Choose a billing model: Per hour, Per agent (FTE / seat per month).",
        ),
        (
            {"billing_contact_name": "  "},
            "billing_contact_name",
            "Billing contact name is required.",
        ),
        (
            {"billing_contact_email": "billing-at-example"},
            "billing_contact_email",
            "Billing contact e-mail 'billing-at-example' is not a valid e-mail address.",
        ),
    ],
)
def test_billing_step_refuses_bad_input_next_to_the_field(
    signed_in, account_manager, override, field, message
):
    web = signed_in(account_manager)
    pass_steps(web, ("company", COMPANY))
    before = registry_counts()
    # when
    response = web.post(step_url("billing"), {**step_data(BILLING, **override), "action": "next"})
    # then
    assert response.status_code == 400
    assert response.context["form"].errors == {field: [message]}
    from django.utils.html import escape

    assert escape(message) in field_block(response.content.decode(), field)
    assert registry_counts() == before
    assert web.get(step_url("admin"))["Location"] == step_url("billing")


@pytest.mark.django_db
def test_admin_step_refuses_a_provider_staff_address(signed_in, account_manager, scheduler_a):
    web = signed_in(account_manager)
    pass_steps(web, ("company", COMPANY), ("billing", BILLING))
    before = registry_counts()
    # when the first client admin would be a member of the provider's staff
    response = web.post(
        step_url("admin"),
        {**step_data(ADMIN, admin_email="Scheduler@Provider.test"), "action": "next"},
    )
    # then
    message = (
        "scheduler@provider.test belongs to provider staff; a client admin needs their own account."
    )
    assert response.status_code == 400
    assert response.context["form"].errors == {"admin_email": [message]}
    assert registry_counts() == before


@pytest.mark.django_db
def test_admin_step_refuses_a_missing_name_and_a_bad_address(signed_in, account_manager):
    web = signed_in(account_manager)
    pass_steps(web, ("company", COMPANY), ("billing", BILLING))
    # when
    response = web.post(
        step_url("admin"), {"admin_full_name": "", "admin_email": "nobody@", "action": "next"}
    )
    # then
    assert response.context["form"].errors == {
        "admin_full_name": ["Client admin name is required."],
        "admin_email": ["Client admin e-mail 'nobody@' is not a valid e-mail address."],
    }


@pytest.mark.django_db
def test_back_keeps_the_typed_answers_and_reopens_the_step(signed_in, account_manager):
    web = signed_in(account_manager)
    pass_steps(web, ("company", COMPANY))
    # when going back from billing with half an answer
    response = web.post(
        step_url("billing"), {"billing_contact_name": "Half Typed", "action": "back"}
    )
    # then the company step shows, and the typed answer comes back on billing
    assert response["Location"] == step_url("company")
    pass_steps(web, ("company", COMPANY))
    assert b'value="Half Typed"' in web.get(step_url("billing")).content
    # and the review cannot be reached before billing is passed again
    assert web.get(step_url("review"))["Location"] == step_url("billing")


@pytest.mark.django_db
def test_steps_cannot_be_skipped(signed_in, account_manager):
    web = signed_in(account_manager)
    # when
    response = web.get(step_url("review"))
    # then
    assert response["Location"] == step_url("company")
    assert web.get(step_url("nonsense")).status_code == 404


@pytest.mark.django_db
def test_review_sends_back_to_the_step_whose_answer_became_wrong(signed_in, account_manager):
    web = signed_in(account_manager)
    pass_steps(web, ("company", COMPANY), ("billing", BILLING), ("admin", ADMIN))
    # given another client took the address meanwhile
    services.create_client_now(data=client_answers("nordwind-reisen"), requested_by=None)
    before = registry_counts()
    # when the review is submitted
    response = web.post(step_url("review"), {"action": "submit"}, follow=True)
    # then the company step shows the error next to the address, and nothing was written
    message = "The address 'nordwind-reisen' is taken by another client."
    assert response.redirect_chain[-1][0] == step_url("company") + "?check=1"
    assert response.context["form"].errors == {"slug": [message]}
    assert registry_counts() == before


@pytest.mark.django_db
def test_clearing_the_wizard_starts_over(signed_in, account_manager):
    web = signed_in(account_manager)
    pass_steps(web, ("company", COMPANY))
    # when
    web.post(reverse("tenants:onboard_reset"))
    # then
    assert web.get(reverse("tenants:onboard"))["Location"] == step_url("company")
    assert b"Nordwind" not in web.get(step_url("company")).content


@pytest.mark.django_db
def test_only_account_managers_and_provider_admins_see_the_wizard(
    client, signed_in, provider_admin, scheduler_a, client_a_admin
):
    # anonymous: to the login page
    response = client.get(step_url("company"))
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    # other roles: not found
    for user in (scheduler_a, client_a_admin):
        assert signed_in(user).get(step_url("company")).status_code == 404
        assert signed_in(user).post(step_url("review"), {"action": "submit"}).status_code == 404
    # provider admin: yes
    assert signed_in(provider_admin).get(step_url("company")).status_code == 200


@pytest.mark.django_db
def test_address_check_answers_with_the_service_rules(signed_in, account_manager):
    web = signed_in(account_manager)
    url = reverse("tenants:onboard_address_check")
    # a name suggests an address
    assert b"/c/nordwind-reisen/" in web.get(url, {"name": "Nordwind Reisen"}).content
    # a typed address that is taken says so
    taken = web.get(url, {"name": "Whatever", "slug": "acme-a"}).content.decode()
    assert "The address &#x27;acme-a&#x27; is taken by another client." in taken


@pytest.mark.django_db
def test_time_zone_options_put_the_country_first(signed_in, account_manager):
    web = signed_in(account_manager)
    # when Germany is chosen (one zone)
    html = web.get(reverse("tenants:onboard_time_zones"), {"country": "DE"}).content.decode()
    # then its zone comes first and is selected
    assert html.index('<optgroup label="Time zones of Germany">') < html.index("America/")
    assert '<option value="Europe/Berlin" selected>' in html


@pytest.mark.django_db
def test_wizard_writes_no_schema_before_submission(signed_in, account_manager):
    web = signed_in(account_manager)
    schemas = client_schemas()
    pass_steps(web, ("company", COMPANY), ("billing", BILLING), ("admin", ADMIN))
    assert client_schemas() == schemas
    assert not Client.objects.filter(slug="nordwind-reisen").exists()


@pytest.mark.django_db
def test_company_step_shows_the_industry_default_and_the_live_helpers(signed_in, account_manager):
    html = signed_in(account_manager).get(step_url("company")).content.decode()
    # the service's default industry is shown, not implied
    assert '<option value="other" selected>Other</option>' in html
    # typing the name asks for the address; choosing a country narrows the time zones
    assert f'hx-get="{reverse("tenants:onboard_address_check")}"' in html
    assert f'hx-get="{reverse("tenants:onboard_time_zones")}"' in html


@pytest.mark.django_db
def test_company_step_reports_type_and_range_errors_together_and_keeps_the_typed_values(
    signed_in, account_manager
):
    from django.utils.html import escape

    web = signed_in(account_manager)
    typed = step_data(
        COMPANY,
        name="Nordwind\x00Reisen",  # refused by the field itself
        legal_name="L" * 201,  # too long
        slug="Bad Slug!",  # wrong shape
        country="XX",
        time_zone="Europe/Berlln",
        currency="EUX",
    )
    # when one submit carries six bad fields
    response = web.post(step_url("company"), {**typed, "action": "next"})
    # then every field's problem is reported in that submit, each next to its field
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors == {
        "name": ["Null characters are not allowed."],
        "legal_name": ["Legal name is longer than 200 characters."],
        "slug": [
            "Use 3 to 40 lowercase letters, digits and hyphens, starting and ending with a "
            "letter or digit."
        ],
        "country": ["'XX' is not an ISO 3166 country code (e.g. US, DE, MX)."],
        "time_zone": ["'Europe/Berlln' is not an IANA time zone (e.g. Europe/Berlin)."],
        "currency": ["'EUX' is not an ISO 4217 currency code (e.g. USD, EUR, MXN)."],
    }
    html = response.content.decode()
    for field, messages in errors.items():
        assert escape(messages[0]) in field_block(html, field)
    # and what was typed is still in the fields
    assert f'value="{"L" * 201}"' in field_block(html, "legal_name")
    assert 'value="Bad Slug!"' in field_block(html, "slug")


@pytest.mark.django_db
def test_billing_step_reports_every_field_in_words(signed_in, account_manager):
    web = signed_in(account_manager)
    pass_steps(web, ("company", COMPANY))
    # when all three billing answers are wrong
    response = web.post(
        step_url("billing"),
        {
            "billing_model": "per_minute",
            "billing_contact_name": "",
            "billing_contact_email": "billing-at-example",
            "action": "next",
        },
    )
    # then all three are reported at once, the models by their names, not their codes
    assert response.status_code == 400
    assert response.context["form"].errors == {
        "billing_model": ["Choose a billing model: Per hour, Per agent (FTE / seat per month)."],
        "billing_contact_name": ["Billing contact name is required."],
        "billing_contact_email": [
            "Billing contact e-mail 'billing-at-example' is not a valid e-mail address."
        ],
    }
    html = response.content.decode()
    assert (
        "per_hour"
        not in field_block(html, "billing_model").split("</label>", 1)[-1].split("errorlist", 1)[-1]
    )
    # and the typed address is kept
    assert 'value="billing-at-example"' in field_block(html, "billing_contact_email")


@pytest.mark.django_db
def test_review_reports_the_problems_of_every_step_at_once(signed_in, account_manager, client_b):
    from tests.conftest import make_user

    web = signed_in(account_manager)
    pass_steps(web, ("company", COMPANY), ("billing", BILLING), ("admin", ADMIN))
    # given meanwhile the address was taken and the admin's address became another client's user
    services.create_client_now(data=client_answers("nordwind-reisen"), requested_by=None)
    make_user("client_viewer", client_b, email="admin@nordwind-reisen.example")
    # when the review is submitted
    response = web.post(step_url("review"), {"action": "submit"}, follow=True)
    # then one message names both problems, not one per round
    [message] = [str(message) for message in response.context["messages"]]
    assert "The address 'nordwind-reisen' is taken by another client." in message
    assert (
        "admin@nordwind-reisen.example belongs to a user of another client; a client admin "
        "needs their own account."
    ) in message
