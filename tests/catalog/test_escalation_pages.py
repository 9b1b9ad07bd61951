"""The escalation pages: the path with its tiers and history, the create and edit forms (inline
errors, add and remove rows), the contacts form, the resolver, and who may open what."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from bpo.catalog import models
from bpo.catalog.models import EscalationPath, EscalationTier
from bpo.catalog.services import escalations as services
from tests.catalog.factories import EscalationTierFactory
from tests.catalog.roles import CONTACT_EDITORS, MANAGERS, ROLES
from tests.catalog.test_escalation_services import office_line, tier
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

# A row added with "Add a tier" and left as it came (the form's defaults).
UNUSED_ROW = {
    "level": 2,
    "trigger_kind": "severity",
    "min_severity": 1,
    "channel": "phone",
    "coverage": "always",
}

TIER_FIELDS = ("id", *models.TIER_FIELDS)


def url(name, client, line, **query) -> str:
    address = reverse(f"client:{name}", args=[client.slug, line.pk])
    if query:
        from urllib.parse import urlencode

        address += "?" + urlencode(query)
    return address


def formset_data(rows, *, initial=0, **extra) -> dict:
    data = {
        "form-TOTAL_FORMS": str(len(rows)),
        "form-INITIAL_FORMS": str(initial),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for index, row in enumerate(rows):
        for field, value in row.items():
            if value is None:
                value = ""
            if field == "DELETE":
                if value:
                    data[f"form-{index}-DELETE"] = "on"
                continue
            data[f"form-{index}-{field}"] = str(value)
    return data


def row_cell(html: str, row: int, field: str) -> str:
    """The HTML of one field's cell in a tier card (or a contacts row)."""
    match = re.search(
        rf'<(?:tr|li) [^>]*?id="(?:tier|contact)-row-{row}">.*?'
        rf'<(td|div) class="[^"]*" data-field="{field}">(.*?)</\1>',
        html,
        re.S,
    )
    assert match, f"no cell {field} in row {row}"
    return match.group(2)


@pytest.fixture
def line(in_client_a):
    return office_line()


@pytest.fixture
def path(line, account_manager, client_a):
    return services.create_escalation_path(
        service_line=line,
        name="Billing escalations",
        tiers=[
            tier(level=1, contact_name="Desk", respond_within_minutes=15),
            tier(
                level=2,
                contact_name="Lead",
                contact_role="Head of care",
                category="Billing",
                min_severity=3,
                channel="email",
                phone="",
                email="lead@acme.example",
                respond_within_minutes=30,
            ),
        ],
        actor=account_manager,
        client=client_a,
    )


def rows_of(path) -> list[dict]:
    return [
        {field: getattr(t, field) for field in TIER_FIELDS} for t in path.tiers.order_by("level")
    ]


def as_role(client, role, client_a):
    user = make_user(role, client_a, email=f"{role}@escalation-pages.test")
    client.force_login(user)
    return user


# --- the path page ----------------------------------------------------------------------------------


def test_a_line_without_a_path_offers_managers_to_create_it(
    client, client_a, line, account_manager
):
    # when
    client.force_login(account_manager)
    html = client.get(url("escalation_path", client_a, line)).content.decode()
    # then
    assert "has no escalation path yet" in html
    assert "Create the escalation path" in html
    assert url("escalation_path_create", client_a, line) in html
    assert 'aria-current="page">Escalation path</a>' in html


def test_a_client_admin_sees_the_empty_state_without_the_button(
    client, client_a, line, client_a_admin
):
    client.force_login(client_a_admin)
    html = client.get(url("escalation_path", client_a, line)).content.decode()
    assert "has no escalation path yet" in html
    assert "Create the escalation path" not in html


def test_the_path_page_shows_tiers_and_history(client, client_a, path, client_a_admin):
    # given a contact change by the client admin
    services.update_escalation_tier(
        tier=path.tiers.get(level=1),
        changes={"contact_name": "Carla Diaz"},
        actor=client_a_admin,
        client=client_a,
    )
    # when
    client.force_login(client_a_admin)
    html = client.get(url("escalation_path", client_a, path.service_line)).content.decode()
    # then the tiers
    assert "Billing escalations" in html
    assert 'id="tier-1"' in html and 'id="tier-2"' in html
    assert "Severity High or higher, category “Billing”" in html
    assert 'href="mailto:lead@acme.example"' in html
    assert 'href="tel:+14155550100"' in html
    # and the history names who changed what, before and after
    assert 'id="audit-trail"' in html
    assert "admin@acme-a.test" in html
    assert "<del>Desk</del> → <ins>Carla Diaz</ins>" in html
    # and the client admin gets the contacts form, not the structure form
    assert url("escalation_contacts_edit", client_a, path.service_line) in html
    assert url("escalation_path_edit", client_a, path.service_line) not in html


def test_agents_see_no_history(client, client_a, path):
    as_role(client, "agent", client_a)
    html = client.get(url("escalation_path", client_a, path.service_line)).content.decode()
    assert 'id="escalation-tiers"' in html
    assert 'id="audit-trail"' not in html


def test_the_path_page_keeps_a_constant_query_count(client, client_a, path, account_manager):
    # given
    client.force_login(account_manager)
    address = url("escalation_path", client_a, path.service_line)
    with CaptureQueriesContext(connection) as few:
        assert client.get(address).status_code == 200
    # when the path has many more tiers
    connection.set_tenant(client_a)
    for level in range(3, 12):
        EscalationTierFactory(path=path, level=level, respond_within_minutes=30 + level)
    with CaptureQueriesContext(connection) as many:
        assert client.get(address).status_code == 200
    # then
    assert len(many.captured_queries) == len(few.captured_queries)


# --- creating --------------------------------------------------------------------------------------


def test_a_manager_creates_the_path(client, client_a, line, account_manager):
    # given
    client.force_login(account_manager)
    assert client.get(url("escalation_path_create", client_a, line)).status_code == 200
    # when
    response = client.post(
        url("escalation_path_create", client_a, line),
        {
            "name": "Billing escalations",
            "notes": "",
            **formset_data([tier(phone="(415) 555-0100"), UNUSED_ROW]),
        },
    )
    # then (the untouched second row is ignored)
    assert response.status_code == 302
    assert response.url == url("escalation_path", client_a, line)
    connection.set_tenant(client_a)
    created = EscalationPath.objects.get(service_line=line)
    assert list(created.tiers.values_list("level", "phone")) == [(1, "+14155550100")]


def test_errors_show_next_to_the_field_and_path_wide_on_top(
    client, client_a, line, account_manager
):
    # given
    client.force_login(account_manager)
    # when tier 2 has a bad phone and levels jump to 3
    response = client.post(
        url("escalation_path_create", client_a, line),
        {
            "name": "Billing escalations",
            **formset_data([tier(level=1), tier(level=3, phone="12345")]),
        },
    )
    # then
    assert response.status_code == 400
    html = response.content.decode()
    assert "“12345” is not a valid phone number." in row_cell(html, 1, "phone")
    top = re.search(r'<ul class="errorlist" role="alert" id="path-errors">(.*?)</ul>', html, re.S)
    assert top and "Tier levels must run 1, 2, 3 … without gaps; level 2 is missing." in top[1]
    connection.set_tenant(client_a)
    assert not EscalationPath.objects.filter(service_line=line).exists()


def test_the_name_error_shows_next_to_the_name(client, client_a, line, account_manager):
    client.force_login(account_manager)
    response = client.post(
        url("escalation_path_create", client_a, line), {"name": "", **formset_data([tier()])}
    )
    html = response.content.decode()
    field = re.search(r'id="field-name">(.*?)</div>', html, re.S)
    assert field and "Name is required." in field[1]


def test_create_redirects_to_edit_when_the_path_exists(client, client_a, path, account_manager):
    client.force_login(account_manager)
    response = client.get(url("escalation_path_create", client_a, path.service_line))
    assert response.url == url("escalation_path_edit", client_a, path.service_line)


# --- editing ---------------------------------------------------------------------------------------


def test_add_a_row_then_save_it(client, client_a, path, account_manager):
    # given
    client.force_login(account_manager)
    rows = rows_of(path)
    # when "Add a tier" is pressed
    response = client.post(
        url("escalation_path_edit", client_a, path.service_line),
        {"name": path.name, "add_tier": "1", **formset_data(rows, initial=2)},
    )
    # then a third row is there, with level 3, and nothing is saved yet
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="tier-row-2"' in html
    assert 'name="form-2-level" value="3"' in html
    # when it is filled in and saved
    new = tier(level=3, contact_name="Director", respond_within_minutes=60)
    response = client.post(
        url("escalation_path_edit", client_a, path.service_line),
        {"name": path.name, "save": "1", **formset_data([*rows, new], initial=2)},
    )
    # then
    assert response.status_code == 302
    connection.set_tenant(client_a)
    assert list(path.tiers.order_by("level").values_list("contact_name", flat=True)) == [
        "Desk",
        "Lead",
        "Director",
    ]


def test_remove_a_row_and_swap_levels(client, client_a, path, account_manager):
    # given three tiers
    EscalationTierFactory(path=path, level=3, contact_name="Director", respond_within_minutes=60)
    client.force_login(account_manager)
    desk, lead, director = rows_of(path)
    # when Desk is removed and Director and Lead swap places
    response = client.post(
        url("escalation_path_edit", client_a, path.service_line),
        {
            "name": "Billing escalations",
            **formset_data(
                [
                    {**desk, "DELETE": True},
                    {**lead, "level": 2, "respond_within_minutes": 60},
                    {**director, "level": 1, "respond_within_minutes": 30},
                ],
                initial=3,
            ),
        },
    )
    # then
    assert response.status_code == 302
    connection.set_tenant(client_a)
    assert list(path.tiers.order_by("level").values_list("level", "contact_name")) == [
        (1, "Director"),
        (2, "Lead"),
    ]
    assert not EscalationTier.objects.filter(pk=desk["id"]).exists()


def test_edit_errors_show_inline_and_change_nothing(client, client_a, path, account_manager):
    client.force_login(account_manager)
    desk, lead = rows_of(path)
    response = client.post(
        url("escalation_path_edit", client_a, path.service_line),
        {
            "name": "Billing escalations",
            **formset_data([desk, {**lead, "respond_within_minutes": 5}], initial=2),
        },
    )
    assert response.status_code == 400
    cell = row_cell(response.content.decode(), 1, "respond_within_minutes")
    assert "Tier 2 must allow at least as long to respond as tier 1 (15 minutes)." in cell
    connection.set_tenant(client_a)
    assert path.tiers.get(level=2).respond_within_minutes == 30


def test_edit_without_a_path_goes_to_create(client, client_a, line, account_manager):
    client.force_login(account_manager)
    response = client.get(url("escalation_path_edit", client_a, line))
    assert response.url == url("escalation_path_create", client_a, line)


@pytest.mark.parametrize("total", ["abc", "", "-3", "1.5"])
def test_add_a_row_with_a_mangled_form_count(client, client_a, path, account_manager, total):
    client.force_login(account_manager)
    data = {"name": "Billing escalations", **formset_data([], initial=0), "add_tier": "1"}
    data["form-TOTAL_FORMS"] = total
    response = client.post(url("escalation_path_edit", client_a, path.service_line), data)
    assert response.status_code == 200
    assert 'id="tier-row-0"' in response.content.decode()


def test_save_with_a_mangled_form_count_is_refused(client, client_a, path, account_manager):
    client.force_login(account_manager)
    data = {"name": "Billing escalations", **formset_data(rows_of(path), initial=2)}
    data["form-TOTAL_FORMS"] = "abc"
    response = client.post(url("escalation_path_edit", client_a, path.service_line), data)
    assert response.status_code == 400
    connection.set_tenant(client_a)
    assert path.tiers.count() == 2


def test_the_tier_formset_takes_at_most_twenty_tiers(client, client_a, path, account_manager):
    client.force_login(account_manager)
    rows = [tier(level=level, contact_name=f"T{level}") for level in range(1, 22)]
    response = client.post(
        url("escalation_path_edit", client_a, path.service_line),
        {"name": "Billing escalations", **formset_data(rows)},
    )
    assert response.status_code == 400
    top = re.search(
        r'<ul class="errorlist" role="alert" id="path-errors">(.*?)</ul>',
        response.content.decode(),
        re.S,
    )
    assert top and "An escalation path has at most 20 tiers." in top[1]
    connection.set_tenant(client_a)
    assert path.tiers.count() == 2


def test_edit_shows_name_and_tier_errors_together(client, client_a, path, account_manager):
    client.force_login(account_manager)
    desk, lead = rows_of(path)
    response = client.post(
        url("escalation_path_edit", client_a, path.service_line),
        {"name": "", **formset_data([desk, {**lead, "phone": "12345"}], initial=2)},
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = re.search(r'id="field-name">(.*?)</div>', html, re.S)
    assert field and "Name is required." in field[1]
    assert "“12345” is not a valid phone number." in row_cell(html, 1, "phone")
    connection.set_tenant(client_a)
    path.refresh_from_db()
    assert path.name == "Billing escalations"


def test_create_shows_name_and_tier_errors_together(client, client_a, line, account_manager):
    client.force_login(account_manager)
    response = client.post(
        url("escalation_path_create", client_a, line),
        {"name": "", **formset_data([tier(phone="12345")])},
    )
    assert response.status_code == 400
    html = response.content.decode()
    field = re.search(r'id="field-name">(.*?)</div>', html, re.S)
    assert field and "Name is required." in field[1]
    assert "“12345” is not a valid phone number." in row_cell(html, 0, "phone")


# --- contacts --------------------------------------------------------------------------------------


def _contacts(path, **changes_by_level) -> dict:
    rows = []
    for t in path.tiers.order_by("level"):
        row = {"id": t.pk, **{f: getattr(t, f) for f in TIER_FIELDS if f in CONTACT_ROW}}
        row.update(changes_by_level.get(f"level_{t.level}", {}))
        rows.append(row)
    return formset_data(rows, initial=len(rows))


CONTACT_ROW = ("contact_name", "contact_role", "channel", "phone", "email")


def test_the_contacts_form_has_only_contact_fields(client, client_a, path, client_a_admin):
    client.force_login(client_a_admin)
    html = client.get(url("escalation_contacts_edit", client_a, path.service_line)).content.decode()
    assert 'name="form-0-contact_name"' in html
    assert 'name="form-0-phone"' in html
    for field in ("level", "coverage", "respond_within_minutes", "min_severity", "category"):
        assert f'name="form-0-{field}"' not in html


def test_a_client_admin_changes_the_contacts(client, client_a, path, client_a_admin):
    # given
    client.force_login(client_a_admin)
    # when
    response = client.post(
        url("escalation_contacts_edit", client_a, path.service_line),
        _contacts(path, level_1={"contact_name": "Carla Diaz", "phone": "415 555 0142"}),
    )
    # then
    assert response.status_code == 302
    connection.set_tenant(client_a)
    desk = path.tiers.get(level=1)
    assert (desk.contact_name, desk.phone) == ("Carla Diaz", "+14155550142")


def test_contact_errors_show_next_to_the_field(client, client_a, path, client_a_admin):
    client.force_login(client_a_admin)
    response = client.post(
        url("escalation_contacts_edit", client_a, path.service_line),
        _contacts(path, level_2={"email": ""}),
    )
    assert response.status_code == 400
    cell = row_cell(response.content.decode(), 1, "email")
    assert "An e-mail contact needs an e-mail address." in cell


def test_the_contacts_form_without_a_path_goes_back(client, client_a, line, client_a_admin):
    client.force_login(client_a_admin)
    response = client.get(url("escalation_contacts_edit", client_a, line))
    assert response.url == url("escalation_path", client_a, line)


# --- the resolver ------------------------------------------------------------------------------------


def test_the_resolver_answers_in_the_clients_zone(client, client_a, path, client_a_viewer):
    # given
    client.force_login(client_a_viewer)
    # when a high billing issue on Tuesday 9 June 2026 at 16:50 New York time
    response = client.get(
        url(
            "escalation_resolver",
            client_a,
            path.service_line,
            severity=3,
            category="billing",
            date="2026-06-09",
            time="16:50",
        )
    )
    # then
    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'id="resolver-period">business hours<', html)
    now = re.search(r'id="resolver-now">(.*?)</p>', html, re.S)
    assert now and "Tier 1" in now[1] and "Desk" in now[1] and "tel:+14155550100" in now[1]
    following = re.search(r'id="resolver-next">(.*?)</p>', html, re.S)
    assert following and "Tier 2" in following[1] and "Lead" in following[1]
    assert "Tuesday 9 June 2026, 17:05 EDT" in following[1]
    assert "after hours" in following[1]


def test_the_resolver_says_when_nothing_matches(client, client_a, path, client_a_viewer):
    client.force_login(client_a_viewer)
    # a business-hours line's desk covers always, so ask about a line whose tiers don't
    connection.set_tenant(client_a)
    services.update_escalation_tier(
        tier=path.tiers.get(level=1),
        changes={"min_severity": 2},
        actor=make_user("account_manager", client_a, email="am2@escalation-pages.test"),
        client=client_a,
    )
    html = client.get(
        url(
            "escalation_resolver",
            client_a,
            path.service_line,
            severity=1,
            category="Billing",
            date="2026-06-09",
            time="20:00",
        )
    ).content.decode()
    assert "No tier covers severity Low in category “Billing” after hours." in html
    assert "No higher tier applies to this issue." in html


def test_the_resolver_form_defaults_to_now(client, client_a, path, client_a_viewer):
    from django.utils import timezone

    client.force_login(client_a_viewer)
    html = client.get(url("escalation_resolver", client_a, path.service_line)).content.decode()
    today = timezone.localtime(timezone.now(), timezone=client_a_zone(client_a)).date()
    assert f'value="{today:%Y-%m-%d}"' in html
    assert 'id="resolver-answer"' not in html


def client_a_zone(client_a):
    from zoneinfo import ZoneInfo

    return ZoneInfo(client_a.time_zone)


def test_the_resolver_refuses_a_bad_date(client, client_a, path, client_a_viewer):
    client.force_login(client_a_viewer)
    response = client.get(
        url("escalation_resolver", client_a, path.service_line, severity=2, date="x", time="10:00")
    )
    assert response.status_code == 400
    field = re.search(r'id="field-date">(.*?)</div>', response.content.decode(), re.S)
    assert field and "Enter a valid date." in field[1]


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1969-12-31", "2101-01-01"])
def test_the_resolver_refuses_a_date_outside_the_planned_years(
    client, client_a, path, client_a_viewer, day
):
    client.force_login(client_a_viewer)
    response = client.get(
        url("escalation_resolver", client_a, path.service_line, severity=2, date=day, time="23:00")
    )
    assert response.status_code == 400
    field = re.search(r'id="field-date">(.*?)</div>', response.content.decode(), re.S)
    assert field and "Choose a date between 1970 and 2100." in field[1]


def test_the_resolver_without_a_path_says_so(client, client_a, line, client_a_viewer):
    client.force_login(client_a_viewer)
    html = client.get(url("escalation_resolver", client_a, line)).content.decode()
    assert "has no escalation path yet" in html


# --- role x action ---------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ROLES)
def test_every_role_reads_the_path_and_the_resolver(client, client_a, path, role):
    as_role(client, role, client_a)
    line = path.service_line
    assert client.get(url("escalation_path", client_a, line)).status_code == 200
    answer = client.get(
        url("escalation_resolver", client_a, line, severity=2, date="2026-06-09", time="10:00")
    )
    assert answer.status_code == 200
    assert 'id="resolver-answer"' in answer.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_the_buttons_follow_the_role(client, client_a, path, role):
    as_role(client, role, client_a)
    line = path.service_line
    html = client.get(url("escalation_path", client_a, line)).content.decode()
    assert (url("escalation_path_edit", client_a, line) in html) is (role in MANAGERS)
    assert (url("escalation_contacts_edit", client_a, line) in html) is (role in CONTACT_EDITORS)


@pytest.mark.parametrize("role", ROLES)
def test_structural_pages_need_a_manager(client, client_a, path, role):
    # given
    as_role(client, role, client_a)
    line = path.service_line
    connection.set_tenant(client_a)
    other = office_line("Sales")
    rows = rows_of(path)
    # when
    edit_get = client.get(url("escalation_path_edit", client_a, line))
    edit_post = client.post(
        url("escalation_path_edit", client_a, line),
        {"name": "Renamed", **formset_data(rows[:1], initial=1)},
    )
    create_get = client.get(url("escalation_path_create", client_a, other))
    create_post = client.post(
        url("escalation_path_create", client_a, other),
        {"name": "Sales escalations", **formset_data([tier()])},
    )
    # then
    if role in MANAGERS:
        assert (edit_get.status_code, edit_post.status_code) == (200, 302)
        assert (create_get.status_code, create_post.status_code) == (200, 302)
    else:
        assert {r.status_code for r in (edit_get, edit_post, create_get, create_post)} == {403}
        connection.set_tenant(client_a)
        assert EscalationPath.objects.get(pk=path.pk).name == "Billing escalations"
        assert path.tiers.count() == 2
        assert not EscalationPath.objects.filter(service_line=other).exists()


@pytest.mark.parametrize("role", ROLES)
def test_the_contacts_page_needs_a_manager_or_the_client_admin(client, client_a, path, role):
    # given
    as_role(client, role, client_a)
    line = path.service_line
    connection.set_tenant(client_a)
    data = _contacts(path, level_1={"contact_name": "Changed"})
    # when
    get = client.get(url("escalation_contacts_edit", client_a, line))
    post = client.post(url("escalation_contacts_edit", client_a, line), data)
    # then
    allowed = role in CONTACT_EDITORS
    assert (get.status_code, post.status_code) == ((200, 302) if allowed else (403, 403))
    connection.set_tenant(client_a)
    assert path.tiers.get(level=1).contact_name == ("Changed" if allowed else "Desk")


def test_another_clients_line_is_404(client, client_a, client_b_admin, path):
    client.force_login(client_b_admin)
    response = client.get(url("escalation_path", client_a, path.service_line))
    assert response.status_code == 404
    assert "Billing" not in response.content.decode()


def test_an_unknown_line_is_404(client, client_a, account_manager, in_client_a):
    client.force_login(account_manager)
    response = client.get(reverse("client:escalation_path", args=[client_a.slug, 987654]))
    assert response.status_code == 404


# --- coverage gaps and the resolver's alert --------------------------------------------------------


def _path_with(line, tiers, actor, client):
    return services.create_escalation_path(
        service_line=line, name="Gappy", tiers=tiers, actor=actor, client=client
    )


def test_the_path_page_warns_about_severities_nobody_covers(
    client, client_a, line, account_manager, client_a_viewer
):
    # given an office line whose tiers work business hours only, on-call from high up
    _path_with(
        line,
        [
            tier(level=1, coverage="business_hours"),
            tier(level=2, coverage="after_hours", min_severity=3, contact_name="On call"),
        ],
        account_manager,
        client_a,
    )
    client.force_login(client_a_viewer)
    # when the path is read
    html = client.get(url("escalation_path", client_a, line)).content.decode()
    # then an alert says, in words, who has nobody
    warning = re.search(
        r'<div class="alert alert-warning" role="alert" id="coverage-gaps">(.*?)</div>', html, re.S
    )
    assert warning, html
    assert "<li>After hours nobody covers severities 1 (Low) or 2 (Medium).</li>" in warning[1]
    assert "During business hours" not in warning[1]
    # a viewer is not offered the editor
    assert "edit the path" not in warning[1]


def test_the_path_page_has_no_warning_when_every_severity_is_covered(
    client, client_a, path, client_a_viewer
):
    client.force_login(client_a_viewer)
    html = client.get(url("escalation_path", client_a, path.service_line)).content.decode()
    assert 'id="coverage-gaps"' not in html


def test_a_24_7_line_is_not_warned_about_after_hours(
    client, client_a, in_client_a, account_manager
):
    # given a 24/7 line (client A's country has holidays: it stays open on them)
    from tests.catalog.factories import ServiceLineFactory

    always = ServiceLineFactory(name="Always", is_open_24_7=True, closed_on_public_holidays=False)
    _path_with(always, [tier(level=1, coverage="business_hours")], account_manager, client_a)
    connection.set_schema_to_public()
    client.force_login(account_manager)
    # when / then
    html = client.get(url("escalation_path", client_a, always)).content.decode()
    assert 'id="coverage-gaps"' not in html


def test_the_resolvers_nobody_answer_is_an_alert(client, client_a, path, client_a_viewer):
    # given Tuesday 20:00 (after hours) and a low issue: the office tiers cover always, so
    # restrict the desk to business hours
    connection.set_tenant(client_a)
    services.update_escalation_tier(
        tier=path.tiers.get(level=1),
        changes={"coverage": "business_hours"},
        actor=make_user("account_manager", client_a, email="am3@escalation-pages.test"),
        client=client_a,
    )
    connection.set_schema_to_public()
    client.force_login(client_a_viewer)
    # when
    html = client.get(
        url(
            "escalation_resolver",
            client_a,
            path.service_line,
            severity=1,
            date="2026-06-09",
            time="20:00",
        )
    ).content.decode()
    # then the answer is an alert, not muted text
    assert (
        '<p id="resolver-now" class="alert alert-warning" role="alert">'
        "No tier covers severity Low after hours.</p>"
    ) in html
