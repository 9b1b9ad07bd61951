"""Pages of service lines: every role against every page and action, the forms with inline
errors, the detail page's content, and the list page's query count."""

from __future__ import annotations

import re
from datetime import date, time, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from bpo.catalog.models import DateOverride, ServiceLine, ServiceLineStatus
from tests.catalog.factories import (
    DateOverrideFactory,
    EscalationTierFactory,
    OpeningHoursFactory,
    ScriptVersionFactory,
    ServiceLineFactory,
)
from tests.catalog.roles import MANAGERS, ROLES
from tests.conftest import in_schema, make_user

pytestmark = pytest.mark.django_db

SLUG = "acme-a"


def url(name: str, *args) -> str:
    return reverse(f"client:{name}", args=[SLUG, *args])


def user_with(role: str, client):
    return make_user(role, client, email=f"{role}@pages.test")


@pytest.fixture
def line(in_client_a):
    line = ServiceLineFactory(name="Billing", status=ServiceLineStatus.DRAFT)
    OpeningHoursFactory(service_line=line, weekday=0, opens_at=time(9), closes_at=time(17))
    return line


def form_data(**changes) -> dict:
    data = {
        "name": "Billing",
        "description": "",
        "channel": "voice",
        "direction": "inbound",
        "languages": "en, es",
        "required_skills": "billing",
        "service_level_percent": "80",
        "service_level_seconds": "20",
        "closed_on_public_holidays": "on",
        "hours_0_1_opens": "09:00",
        "hours_0_1_closes": "17:00",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# --- role x page -------------------------------------------------------------------------------------

READ_PAGES = [
    ("list", lambda line: url("service_lines")),
    ("detail", lambda line: url("service_line", line.pk)),
]
MANAGER_PAGES = [
    ("create form", lambda line: url("service_line_create")),
    ("edit form", lambda line: url("service_line_edit", line.pk)),
]
WRITE_ACTIONS = [
    ("create", lambda line, override: (url("service_line_create"), form_data(name="Sales")), 302),
    (
        "edit",
        lambda line, override: (url("service_line_edit", line.pk), form_data(name="Billing 2")),
        302,
    ),
    (
        "status",
        lambda line, override: (url("service_line_status", line.pk), {"status": "active"}),
        302,
    ),
    (
        "add override",
        lambda line, override: (
            url("service_line_override_add", line.pk),
            {"date": "2026-12-31", "is_closed": "on"},
        ),
        302,
    ),
    (
        "remove override",
        lambda line, override: (url("service_line_override_remove", line.pk, override.pk), {}),
        302,
    ),
]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "url_of"), READ_PAGES, ids=[p[0] for p in READ_PAGES])
def test_every_role_reads_the_pages(client, client_a, line, role, name, url_of):
    client.force_login(user_with(role, client_a))
    response = client.get(url_of(line))
    assert response.status_code == 200, (role, name)
    assert "Billing" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("name", "url_of"), MANAGER_PAGES, ids=[p[0] for p in MANAGER_PAGES])
def test_only_managers_open_the_forms(client, client_a, line, role, name, url_of):
    client.force_login(user_with(role, client_a))
    response = client.get(url_of(line))
    assert response.status_code == (200 if role in MANAGERS else 403), (role, name)


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(
    ("name", "request_of", "success"), WRITE_ACTIONS, ids=[w[0] for w in WRITE_ACTIONS]
)
def test_only_managers_change_through_the_pages(
    client, client_a, line, role, name, request_of, success
):
    # given
    override = DateOverrideFactory(service_line=line, date=date(2026, 12, 24))
    path, data = request_of(line, override)
    client.force_login(user_with(role, client_a))
    # when
    response = client.post(path, data)
    # then
    in_schema(client_a)
    if role in MANAGERS:
        assert response.status_code == success, (role, name, response.content.decode()[:2000])
    else:
        assert response.status_code == 403, (role, name)
        line.refresh_from_db()
        assert (line.name, line.status) == ("Billing", "draft")
        assert ServiceLine.objects.count() == 1
        assert list(DateOverride.objects.values_list("date", flat=True)) == [date(2026, 12, 24)]


@pytest.mark.parametrize("role", ROLES)
def test_buttons_show_only_to_managers(client, client_a, line, role):
    client.force_login(user_with(role, client_a))
    listing = client.get(url("service_lines")).content.decode()
    detail = client.get(url("service_line", line.pk)).content.decode()
    is_manager = role in MANAGERS
    assert (url("service_line_create") in listing) is is_manager
    assert (url("service_line_edit", line.pk) in detail) is is_manager
    assert (url("service_line_status", line.pk) in detail) is is_manager
    assert ('id="override-form"' in detail) is is_manager
    # the history shows to everyone who may read the audit trail (not agents)
    assert ('id="audit-trail"' in detail) is (role != "agent")


# --- list ----------------------------------------------------------------------------------------------


def test_the_list_filters_and_searches(client, in_client_a, account_manager):
    # given
    ServiceLineFactory(name="Billing", channel="voice", status="active")
    ServiceLineFactory(
        name="Refunds",
        channel="email",
        status="draft",
        service_level_percent=None,
        service_level_seconds=None,
    )
    client.force_login(account_manager)

    def names(query: dict) -> list[str]:
        response = client.get(url("service_lines"), query)
        assert response.status_code == 200
        return [row["line"].name for row in response.context["rows"]]

    # then
    assert names({}) == ["Billing", "Refunds"]
    assert names({"status": "draft"}) == ["Refunds"]
    assert names({"channel": "voice"}) == ["Billing"]
    assert names({"q": "REF"}) == ["Refunds"]


def test_the_list_says_when_nothing_matches_and_offers_the_first_line(
    client, client_a, account_manager, client_a_viewer
):
    # empty client, a manager: the empty state with the button
    client.force_login(account_manager)
    page = client.get(url("service_lines")).content.decode()
    assert 'id="service-lines-empty"' in page
    assert "has no service line yet" in page
    assert "New service line" in page
    # a filter that matches nothing
    page = client.get(url("service_lines"), {"q": "nothing"}).content.decode()
    assert "No service line matches this filter." in page
    # a viewer sees the empty state without the button
    client.force_login(client_a_viewer)
    page = client.get(url("service_lines")).content.decode()
    assert "has no service line yet" in page and "New service line" not in page


def test_the_list_paginates(client, in_client_a, client_a_viewer):
    for index in range(30):
        ServiceLineFactory(name=f"Line {index:02d}")
    client.force_login(client_a_viewer)
    first = client.get(url("service_lines"))
    second = client.get(url("service_lines"), {"page": 2})
    assert len(first.context["rows"]) == 25
    assert [row["line"].name for row in second.context["rows"]] == [
        f"Line {index}" for index in range(25, 30)
    ]
    assert "Page 1 of 2" in first.content.decode()


def test_the_list_page_keeps_a_constant_query_count(client, client_a, in_client_a, client_a_viewer):
    def add_line(index: int) -> None:
        line = ServiceLineFactory(name=f"Line {index:02d}")
        OpeningHoursFactory(service_line=line, weekday=0)
        OpeningHoursFactory(service_line=line, weekday=2, opens_at=time(22), closes_at=time(6))
        DateOverrideFactory(service_line=line, date=date(2026, 12, 24))

    client.force_login(client_a_viewer)
    add_line(0)
    client.get(url("service_lines"))  # warm the caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(url("service_lines")).status_code == 200
    in_schema(client_a)
    for index in range(1, 15):
        add_line(index)
    with CaptureQueriesContext(connection) as many:
        response = client.get(url("service_lines"))
    assert len(response.context["rows"]) == 15
    assert len(many) == len(one), [q["sql"] for q in many.captured_queries]


# --- detail ---------------------------------------------------------------------------------------------


def test_the_detail_page_shows_the_line(client, client_a, in_client_a, client_a_viewer):
    # given a line with hours, targets, an override on a holiday; no script, no escalation path
    line = ServiceLineFactory(
        name="Billing",
        languages=["en", "deu"],
        required_skills=["billing", "refunds"],
        service_level_percent=Decimal("80"),
        service_level_seconds=20,
        csat_percent=Decimal("92.5"),
    )
    OpeningHoursFactory(service_line=line, weekday=4, opens_at=time(22), closes_at=time(6))
    today = timezone.localdate()
    holiday_override = DateOverrideFactory(
        service_line=line,
        date=date(today.year + 1, 1, 1),
        is_closed=False,
        opens_at=time(10),
        closes_at=time(14),
        note="New Year special",
    )
    client.force_login(client_a_viewer)
    # when
    response = client.get(url("service_line", line.pk))
    page = response.content.decode()
    # then
    assert response.status_code == 200
    assert "English" in page and "German" in page
    assert "billing, refunds" in page
    assert "80 % answered within 20 s" in page
    assert "92.5 %" in page
    assert "22:00\N{EN DASH}06:00" in page and "(next day)" in page
    assert "No published script" in page
    assert "No escalation path" in page
    assert "America/New_York" in page
    assert "New Year&#x27;s Day" in page or "New Year's Day" in page
    assert "Open 10:00\N{EN DASH}14:00 (override)" in page
    assert holiday_override.note in page
    assert response.context["tab"] == "overview"
    assert min(row.date for row in response.context["holidays"]) >= today
    assert all(row.date < today + timedelta(days=366) for row in response.context["holidays"])


def test_the_detail_page_summarises_script_and_escalation(client, in_client_a, client_a_viewer):
    line = ServiceLineFactory()
    ScriptVersionFactory(script__service_line=line, number=1, status="retired")
    ScriptVersionFactory(script=line.script, number=3, status="published")
    tier = EscalationTierFactory(path__service_line=line, level=1)
    EscalationTierFactory(path=tier.path, level=2, respond_within_minutes=30)
    client.force_login(client_a_viewer)
    page = client.get(url("service_line", line.pk)).content.decode()
    assert "version 3 published" in page
    assert "2 tiers" in page


def test_open_now_follows_the_hours(client, in_client_a, client_a_viewer):
    always = ServiceLineFactory(name="Always", is_open_24_7=True, closed_on_public_holidays=False)
    never = ServiceLineFactory(name="Never")
    client.force_login(client_a_viewer)
    assert client.get(url("service_line", always.pk)).context["open_state"].is_open
    state = client.get(url("service_line", never.pk)).context["open_state"]
    assert (state.is_open, state.changes_at) == (False, None)
    assert (
        "Not open within the next week."
        in client.get(url("service_line", never.pk)).content.decode()
    )


def test_an_unknown_line_is_404(client, client_a, client_a_viewer):
    client.force_login(client_a_viewer)
    assert client.get(url("service_line", 987654)).status_code == 404


def test_a_line_of_another_client_is_404(client, client_b, line, client_b_admin):
    client.force_login(client_b_admin)
    response = client.get(reverse("client:service_line", args=["globex-b", line.pk]))
    assert response.status_code == 404


# --- create and edit -------------------------------------------------------------------------------


def test_create_through_the_form(client, client_a, account_manager):
    client.force_login(account_manager)
    response = client.post(
        url("service_line_create"),
        form_data(
            name="Billing hotline",
            hours_4_1_opens="22:00",
            hours_4_1_closes="06:00",
            hours_0_2_opens="18:00",
            hours_0_2_closes="20:00",
        ),
    )
    in_schema(client_a)
    line = ServiceLine.objects.get()
    assert response.status_code == 302
    assert response.url == url("service_line", line.pk)
    assert (line.name, line.status, line.languages) == ("Billing hotline", "draft", ["en", "es"])
    assert [(h.weekday, h.opens_at, h.closes_at) for h in line.opening_hours.all()] == [
        (0, time(9), time(17)),
        (0, time(18), time(20)),
        (4, time(22), time(6)),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Name is required."),
        ({"languages": "en, xx"}, "languages", '"xx" is not an ISO 639 language code.'),
        (
            {"service_level_seconds": ""},
            "service_level_seconds",
            "A service level needs both a percentage and a time in seconds.",
        ),
        ({"csat_percent": "120"}, "csat_percent", "CSAT target must be between 0 and 100."),
        (
            {"first_response_percent": "90", "first_response_hours": "4"},
            "first_response_percent",
            "A voice line takes no first-response target; use service level instead.",
        ),
        (
            {"hours_2_1_opens": "09:00"},
            "hours_2_1_closes",
            "Give both an opening and a closing time.",
        ),
    ],
)
def test_the_form_shows_each_error_next_to_its_field(
    client, client_a, account_manager, changes, field, message
):
    client.force_login(account_manager)
    response = client.post(url("service_line_create"), form_data(**changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors[field] == [message]
    page = response.content.decode()
    field_block = page[page.index(f'id="id_{field}"') :][:600]
    assert message.replace('"', "&quot;") in field_block
    in_schema(client_a)
    assert not ServiceLine.objects.exists()


def test_the_form_shows_hour_rules_at_the_grid(client, account_manager):
    client.force_login(account_manager)
    response = client.post(
        url("service_line_create"),
        form_data(hours_0_2_opens="12:00", hours_0_2_closes="20:00"),
    )
    assert response.status_code == 400
    message = "Opening hours overlap: Monday 09:00-17:00 and Monday 12:00-20:00."
    assert response.context["form"].hours_errors == [message]
    assert 'id="opening-hours-errors"' in response.content.decode()
    response = client.post(url("service_line_create"), form_data(is_open_24_7="on"))
    assert response.context["form"].hours_errors == [
        "A 24/7 line has no opening hours; remove them or untick 24/7."
    ]


def test_edit_shows_the_line_and_saves_it(client, client_a, line, account_manager):
    OpeningHoursFactory(service_line=line, weekday=0, opens_at=time(18), closes_at=time(19))
    OpeningHoursFactory(service_line=line, weekday=0, opens_at=time(20), closes_at=time(21))
    client.force_login(account_manager)
    # the form starts from the line, with a third span row for Monday's third span
    form = client.get(url("service_line_edit", line.pk)).context["form"]
    assert form["name"].value() == "Billing"
    assert form["service_level_percent"].value() == "80"
    assert form["hours_0_3_opens"].value() == time(20)
    # saving changes what changed
    data = form_data(
        name="Billing 2",
        hours_0_2_opens="18:00",
        hours_0_2_closes="19:00",
        hours_0_3_opens="",
        hours_0_3_closes="",
        hours_6_1_opens="10:00",
        hours_6_1_closes="14:00",
    )
    response = client.post(url("service_line_edit", line.pk), data)
    assert response.status_code == 302
    in_schema(client_a)
    line.refresh_from_db()
    assert line.name == "Billing 2"
    assert [(h.weekday, h.opens_at) for h in line.opening_hours.all()] == [
        (0, time(9)),
        (0, time(18)),
        (6, time(10)),
    ]


def test_edit_refuses_a_channel_that_does_not_fit_the_targets(client, line, account_manager):
    client.force_login(account_manager)
    response = client.post(url("service_line_edit", line.pk), form_data(channel="email"))
    assert response.status_code == 400
    assert response.context["form"].errors["channel"] == [
        "An e-mail line takes no service level target; use first response instead."
    ]


# --- status and overrides -----------------------------------------------------------------------------


def test_status_buttons_move_the_line(client, client_a, line, account_manager):
    client.force_login(account_manager)
    detail = client.get(url("service_line", line.pk)).content.decode()
    assert 'value="active">Activate' in detail
    response = client.post(url("service_line_status", line.pk), {"status": "active"}, follow=True)
    assert "Billing is now active." in response.content.decode()
    assert 'value="paused">Pause' in response.content.decode()
    response = client.post(url("service_line_status", line.pk), {"status": "draft"}, follow=True)
    assert "An active line cannot become draft." in response.content.decode()
    in_schema(client_a)
    line.refresh_from_db()
    assert line.status == "active"


def test_override_add_shows_errors_inline_and_remove_works(client, client_a, line, account_manager):
    client.force_login(account_manager)
    refused = client.post(
        url("service_line_override_add", line.pk),
        {"date": "2026-12-24", "is_closed": "on", "opens_at": "09:00"},
    )
    assert refused.status_code == 400
    assert refused.context["override_form"].errors["opens_at"] == [
        "A closed day takes no opening or closing time."
    ]
    added = client.post(
        url("service_line_override_add", line.pk),
        {"date": (timezone.localdate() + timedelta(days=3)).isoformat(), "is_closed": "on"},
        follow=True,
    )
    assert "added" in added.content.decode()
    in_schema(client_a)
    override = DateOverride.objects.get()
    removed = client.post(url("service_line_override_remove", line.pk, override.pk), follow=True)
    assert "removed" in removed.content.decode()
    in_schema(client_a)
    assert not DateOverride.objects.exists()


# --- review fixes ------------------------------------------------------------------------------------


def test_the_hours_grid_has_a_header_column_for_every_slot(client, line, account_manager):
    # given a Monday of three spans (the grid shows three slots that day, two on the others)
    OpeningHoursFactory(service_line=line, weekday=0, opens_at=time(18), closes_at=time(19))
    OpeningHoursFactory(service_line=line, weekday=0, opens_at=time(20), closes_at=time(21))
    client.force_login(account_manager)
    # when
    page = client.get(url("service_line_edit", line.pk)).content.decode()
    # then the header has three pairs and every row as many cells
    grid = page[page.index('<table class="hours-grid">') : page.index("</table>")]
    assert grid.count("<th>Opens</th>") == 3
    assert grid.count("<th>Closes</th>") == 3
    rows = grid.split("<tbody>")[1].split("</tr>")[:-1]
    assert len(rows) == 7
    assert all(row.count("<td") == 6 for row in rows)


def _buttons(html: str) -> dict[str, str]:
    """The line's actions: label -> the class of its button or link ("" for primary)."""
    actions = html[html.index('id="line-actions"') :]
    actions = actions[: actions.index("</div>")]
    found = {}
    for match in re.finditer(r"<(?:button|a)( [^>]*)>([^<]+)</(?:button|a)>", actions):
        classes = re.search(r'class="([^"]*)"', match.group(1))
        found[match.group(2).strip()] = " ".join(
            c for c in (classes.group(1) if classes else "").split() if c != "button"
        )
    return found


def test_pause_is_never_the_primary_action(client, client_a, line, account_manager):
    # given an active line
    client.force_login(account_manager)
    client.post(url("service_line_status", line.pk), {"status": "active"})
    # when its page is read
    buttons = _buttons(client.get(url("service_line", line.pk)).content.decode())
    # then editing is the main action; pausing and retiring are secondary
    assert buttons["Edit"] == ""
    assert buttons["Pause"] == "secondary"
    assert buttons["Retire"] == "secondary"
    # and on a paused line, resuming is the main action
    client.post(url("service_line_status", line.pk), {"status": "paused"})
    buttons = _buttons(client.get(url("service_line", line.pk)).content.decode())
    assert (buttons["Resume"], buttons["Edit"]) == ("", "secondary")


def test_the_status_buttons_follow_the_services_moves():
    from bpo.catalog.services.service_lines import STATUS_MOVES
    from bpo.catalog.views.service_lines import STATUS_ACTIONS

    assert STATUS_ACTIONS == {
        ServiceLineStatus.DRAFT: [("active", "Activate")],
        ServiceLineStatus.ACTIVE: [("paused", "Pause")],
        ServiceLineStatus.PAUSED: [("active", "Resume")],
        ServiceLineStatus.RETIRED: [],
    }
    for status, actions in STATUS_ACTIONS.items():
        assert {target for target, _ in actions} == set(STATUS_MOVES[status]) - {"retired"}


def test_a_service_error_goes_to_the_grid_and_the_fields():
    from bpo.catalog.forms.service_lines import ServiceLineForm
    from bpo.errors import DomainError

    form = ServiceLineForm(form_data())
    assert form.is_valid()
    form.add_service_error(
        DomainError(
            "Opening hours overlap.",
            fields={"opening_hours": ["Opening hours overlap."], "name": ["Name is required."]},
        )
    )
    assert form.hours_errors == ["Opening hours overlap."]
    assert form.errors == {"name": ["Name is required."]}
    # only the hours: nothing above the form
    form = ServiceLineForm(form_data())
    assert form.is_valid()
    form.add_service_error(DomainError("A 24/7 line.", field="opening_hours"))
    assert (form.hours_errors, form.non_field_errors()) == (["A 24/7 line."], [])
    # a field the form lacks: above the form
    form = ServiceLineForm(form_data())
    assert form.is_valid()
    form.add_service_error(DomainError("The line is retired.", field="status"))
    assert form.non_field_errors() == ["The line is retired."]


def test_plain_numbers_drop_trailing_zeros():
    from bpo.catalog.forms.service_lines import plain_number

    assert [plain_number(Decimal(v)) for v in ("80.00", "92.50", "100.00", "0.05")] == [
        "80",
        "92.5",
        "100",
        "0.05",
    ]
    assert plain_number(20) == "20"


def test_checkboxes_keep_their_label_around_them(client, line, account_manager):
    client.force_login(account_manager)
    page = client.get(url("service_line_edit", line.pk)).content.decode()
    assert '<label for="id_is_open_24_7"><input type="checkbox" name="is_open_24_7"' in page
    detail = client.get(url("service_line", line.pk)).content.decode()
    assert '<label for="id_is_closed"><input type="checkbox" name="is_closed"' in detail


def test_removing_an_override_of_another_line_is_404(client, client_a, line, account_manager):
    other = ServiceLineFactory(name="Sales")
    override = DateOverrideFactory(service_line=other, date=date(2026, 12, 24))
    client.force_login(account_manager)
    response = client.post(url("service_line_override_remove", line.pk, override.pk))
    assert response.status_code == 404
    in_schema(client_a)
    assert DateOverride.objects.filter(pk=override.pk).exists()
