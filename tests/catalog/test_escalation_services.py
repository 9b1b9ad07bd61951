"""Escalation path services: every validation rule with its exact message, the tier set
replacement, single-tier changes, the client-admin contact rule and the audit trail."""

from __future__ import annotations

from datetime import time

import pytest

from bpo.catalog import audit
from bpo.catalog.models import EscalationPath, EscalationTier
from bpo.catalog.services import escalations as services
from bpo.errors import ConflictError, DomainError, NotFoundError, PermissionDeniedError
from tests.catalog.factories import (
    DateOverrideFactory,
    EscalationPathFactory,
    EscalationTierFactory,
    OpeningHoursFactory,
    ServiceLineFactory,
)

pytestmark = pytest.mark.django_db


def office_line(name: str = "Billing", **kwargs):
    """A line open Monday to Friday, 09:00-17:00 in the client's zone."""
    line = ServiceLineFactory(name=name, **kwargs)
    for weekday in range(5):
        OpeningHoursFactory(
            service_line=line, weekday=weekday, opens_at=time(9), closes_at=time(17)
        )
    return line


def tier(**overrides) -> dict:
    values = {
        "level": 1,
        "trigger_kind": "severity",
        "category": "",
        "min_severity": 1,
        "contact_name": "Tina Lead",
        "contact_role": "Team lead",
        "channel": "phone",
        "phone": "+14155550100",
        "email": "",
        "respond_within_minutes": 15,
        "coverage": "always",
    }
    values.update(overrides)
    return values


def create(line, tiers, actor, client, name="Billing escalations"):
    return services.create_escalation_path(
        service_line=line, name=name, tiers=tiers, actor=actor, client=client
    )


def fields_of(excinfo) -> dict:
    return excinfo.value.fields


# --- creating a path ---------------------------------------------------------------------------


def test_a_manager_creates_a_path_with_its_tiers(in_client_a, account_manager):
    # given
    line = office_line()
    # when
    path = create(
        line,
        [
            tier(level=2, respond_within_minutes=30, phone="(415) 555-0101"),
            tier(level=1, channel="email", phone="", email="lead@acme.example"),
        ],
        account_manager,
        in_client_a,
    )
    # then
    rows = list(path.tiers.order_by("level").values_list("level", "channel", "phone"))
    assert rows == [(1, "email", ""), (2, "phone", "+14155550101")]
    assert path.name == "Billing escalations"


def test_a_line_has_one_path(in_client_a, account_manager):
    # given
    line = office_line()
    create(line, [tier()], account_manager, in_client_a)
    # when
    with pytest.raises(ConflictError) as excinfo:
        create(line, [tier()], account_manager, in_client_a)
    # then
    assert excinfo.value.message == "“Billing” has an escalation path already."
    assert fields_of(excinfo) == {"service_line": ["“Billing” has an escalation path already."]}


def test_a_path_needs_a_name(in_client_a, account_manager):
    with pytest.raises(DomainError) as excinfo:
        create(office_line(), [tier()], account_manager, in_client_a, name="  ")
    assert fields_of(excinfo) == {"name": ["Name is required."]}


def test_a_path_needs_a_tier(in_client_a, account_manager):
    with pytest.raises(DomainError) as excinfo:
        create(office_line(), [], account_manager, in_client_a)
    assert fields_of(excinfo) == {"tiers": ["An escalation path needs at least one tier."]}
    assert not EscalationPath.objects.exists()


# --- every rule, with its exact message --------------------------------------------------------

RULES = [
    pytest.param(
        [tier(level=1), tier(level=2), tier(level=4)],
        {"tiers": ["Tier levels must run 1, 2, 3 … without gaps; level 3 is missing."]},
        id="level-gap",
    ),
    pytest.param(
        [tier(level=2), tier(level=3)],
        {"tiers": ["Tier levels must run 1, 2, 3 … without gaps; level 1 is missing."]},
        id="level-1-missing",
    ),
    pytest.param(
        [tier(level=1), tier(level=1)],
        {"tiers": ["Tier levels must run 1, 2, 3 … without gaps; level 1 is used twice."]},
        id="level-duplicate",
    ),
    pytest.param(
        [tier(level=0)],
        {"tiers.0.level": ["Level must be 1 or more."]},
        id="level-zero",
    ),
    pytest.param(
        [tier(level=None)],
        {"tiers.0.level": ["Level is required."]},
        id="level-required",
    ),
    pytest.param(
        [tier(level=1, respond_within_minutes=30), tier(level=2, respond_within_minutes=20)],
        {
            "tiers.1.respond_within_minutes": [
                "Tier 2 must allow at least as long to respond as tier 1 (30 minutes)."
            ]
        },
        id="respond-within-decreasing",
    ),
    pytest.param(
        [tier(respond_within_minutes=0)],
        {"tiers.0.respond_within_minutes": ["Respond within must be at least 1 minute."]},
        id="respond-within-positive",
    ),
    pytest.param(
        [tier(respond_within_minutes=None)],
        {"tiers.0.respond_within_minutes": ["Respond within is required."]},
        id="respond-within-required",
    ),
    pytest.param(
        [tier(phone="12345")],
        {"tiers.0.phone": ["“12345” is not a valid phone number."]},
        id="phone-invalid",
    ),
    pytest.param(
        [tier(phone="call me")],
        {"tiers.0.phone": ["“call me” is not a valid phone number."]},
        id="phone-unparseable",
    ),
    pytest.param(
        [tier(channel="email", phone="", email="lead@")],
        {"tiers.0.email": ["“lead@” is not a valid e-mail address."]},
        id="email-invalid",
    ),
    pytest.param(
        [tier(channel="phone", phone="", email="lead@acme.example")],
        {"tiers.0.phone": ["A phone contact needs a phone number."]},
        id="phone-channel-needs-phone",
    ),
    pytest.param(
        [tier(channel="pager", phone="")],
        {"tiers.0.phone": ["A pager contact needs a phone number."]},
        id="pager-channel-needs-phone",
    ),
    pytest.param(
        [tier(channel="email", phone="+14155550100", email="")],
        {"tiers.0.email": ["An e-mail contact needs an e-mail address."]},
        id="email-channel-needs-email",
    ),
    pytest.param(
        [tier(channel="chat", phone="", email="")],
        {"tiers.0.channel": ["A chat contact needs a phone number or an e-mail address."]},
        id="chat-needs-one",
    ),
    pytest.param(
        [tier(channel="fax")],
        {"tiers.0.channel": ["Choose a channel: phone, email, chat or pager."]},
        id="channel-unknown",
    ),
    pytest.param(
        [tier(contact_name=" ", contact_role="")],
        {
            "tiers.0.contact_name": ["Contact name is required."],
            "tiers.0.contact_role": ["Contact role is required."],
        },
        id="contact-required",
    ),
    pytest.param(
        [tier(trigger_kind="severity", min_severity=None)],
        {"tiers.0.min_severity": ["A severity trigger needs a minimum severity."]},
        id="severity-needs-min-severity",
    ),
    pytest.param(
        [tier(trigger_kind="severity", min_severity=5)],
        {"tiers.0.min_severity": ["Minimum severity must be 1 (low) to 4 (critical)."]},
        id="min-severity-range",
    ),
    pytest.param(
        [tier(trigger_kind="severity", unresolved_minutes=60)],
        {
            "tiers.0.unresolved_minutes": [
                "A severity trigger takes no time without resolution; leave it empty."
            ]
        },
        id="severity-takes-no-minutes",
    ),
    pytest.param(
        [tier(), tier(level=2, trigger_kind="unresolved", min_severity=None)],
        {"tiers.1.unresolved_minutes": ["A time trigger needs the minutes without resolution."]},
        id="unresolved-needs-minutes",
    ),
    pytest.param(
        [tier(), tier(level=2, trigger_kind="unresolved", min_severity=None, unresolved_minutes=0)],
        {"tiers.1.unresolved_minutes": ["Minutes without resolution must be at least 1."]},
        id="unresolved-minutes-positive",
    ),
    pytest.param(
        [
            tier(),
            tier(
                level=2,
                trigger_kind="unresolved",
                min_severity=3,
                category="Billing",
                unresolved_minutes=60,
            ),
        ],
        {
            "tiers.1.min_severity": ["A time trigger takes no minimum severity; leave it empty."],
            "tiers.1.category": ["A time trigger takes no category; leave it empty."],
        },
        id="unresolved-takes-no-severity-or-category",
    ),
    pytest.param(
        [tier(trigger_kind="whenever")],
        {"tiers.0.trigger_kind": ["Choose a trigger: “severity” or “unresolved”."]},
        id="trigger-unknown",
    ),
    pytest.param(
        [tier(coverage="weekends")],
        {
            "tiers.0.coverage": [
                "Choose a coverage: business hours, after hours, or business and after."
            ]
        },
        id="coverage-unknown",
    ),
    pytest.param(
        [tier(coverage="after_hours")],
        {
            "tiers": [
                "No tier is reachable while “Billing” is open: at least one tier must cover "
                "business hours."
            ]
        },
        id="business-hours-unreachable",
    ),
]


@pytest.mark.parametrize(("tiers", "expected"), RULES)
def test_each_rule_refuses_with_its_exact_message(in_client_a, account_manager, tiers, expected):
    # given
    line = office_line()
    # when
    with pytest.raises(DomainError) as excinfo:
        create(line, tiers, account_manager, in_client_a)
    # then
    assert fields_of(excinfo) == expected
    assert excinfo.value.message == next(iter(expected.values()))[0]
    assert not EscalationPath.objects.filter(service_line=line).exists()


def test_chat_with_either_phone_or_email_is_fine(in_client_a, account_manager):
    path = create(
        office_line(),
        [tier(channel="chat"), tier(level=2, channel="chat", phone="", email="a@b.example")],
        account_manager,
        in_client_a,
    )
    assert path.tiers.count() == 2


def test_a_phone_number_is_read_in_the_clients_country_and_stored_as_e164(
    in_client_a, account_manager
):
    # given client A is in the US
    assert in_client_a.country == "US"
    # when
    path = create(office_line(), [tier(phone="415.555.0123")], account_manager, in_client_a)
    # then
    assert path.tiers.get().phone == "+14155550123"


def test_respond_within_may_stay_equal(in_client_a, account_manager):
    path = create(
        office_line(),
        [tier(respond_within_minutes=30), tier(level=2, respond_within_minutes=30)],
        account_manager,
        in_client_a,
    )
    assert path.tiers.count() == 2


def test_a_line_that_is_never_open_needs_an_after_hours_tier(in_client_a, account_manager):
    # given a line with no opening hours at all
    line = ServiceLineFactory(name="Back office")
    # when
    with pytest.raises(DomainError) as excinfo:
        create(line, [tier(coverage="business_hours")], account_manager, in_client_a)
    # then
    assert fields_of(excinfo) == {
        "tiers": [
            "“Back office” has no opening hours, so every hour is after hours: at least one "
            "tier must cover after hours."
        ],
        "tiers.0.coverage": [
            "Tier 1 covers business hours only, but “Back office” has no opening hours: it "
            "could never be reached."
        ],
    }


def test_a_line_that_is_never_open_takes_an_always_tier(in_client_a, account_manager):
    path = create(ServiceLineFactory(name="Back office"), [tier()], account_manager, in_client_a)
    assert path.tiers.count() == 1


def test_an_after_hours_tier_on_a_24_7_line_is_unreachable(in_client_a, account_manager):
    # given a line open around the clock with no holidays off
    line = ServiceLineFactory(name="Hotline", is_open_24_7=True, closed_on_public_holidays=False)
    # when
    with pytest.raises(DomainError) as excinfo:
        create(
            line,
            [tier(), tier(level=2, coverage="after_hours", respond_within_minutes=30)],
            account_manager,
            in_client_a,
        )
    # then
    assert fields_of(excinfo) == {
        "tiers.1.coverage": [
            "Tier 2 covers after hours only, but “Hotline” is open around the clock: it could "
            "never be reached."
        ]
    }


def test_an_after_hours_tier_on_a_24_7_line_closed_on_holidays_is_reachable(
    in_client_a, account_manager
):
    # given a 24/7 line that closes on US public holidays: those are after hours
    line = ServiceLineFactory(name="Hotline", is_open_24_7=True, closed_on_public_holidays=True)
    # when
    path = create(
        line,
        [tier(), tier(level=2, coverage="after_hours", respond_within_minutes=30)],
        account_manager,
        in_client_a,
    )
    # then
    assert path.tiers.count() == 2


def test_a_24_7_line_with_a_closed_date_has_after_hours(in_client_a, account_manager):
    line = ServiceLineFactory(name="Hotline", is_open_24_7=True, closed_on_public_holidays=False)
    DateOverrideFactory(service_line=line, is_closed=True)
    path = create(
        line,
        [tier(), tier(level=2, coverage="after_hours", respond_within_minutes=30)],
        account_manager,
        in_client_a,
    )
    assert path.tiers.count() == 2


# --- the tier set --------------------------------------------------------------------------------


@pytest.fixture
def two_tier_path(in_client_a, account_manager):
    return create(
        office_line(),
        [
            tier(level=1, contact_name="First", respond_within_minutes=15),
            tier(level=2, contact_name="Second", respond_within_minutes=15),
        ],
        account_manager,
        in_client_a,
    )


def _rows(path):
    return list(path.tiers.order_by("level").values_list("level", "contact_name"))


def test_saving_the_tier_set_swaps_levels_updates_creates_and_deletes(
    two_tier_path, account_manager, in_client_a
):
    # given
    first, second = two_tier_path.tiers.order_by("level")
    # when second moves to level 1, first to level 2 and a new tier 3 is added
    saved = services.save_escalation_tiers(
        path=two_tier_path,
        tiers=[
            {**tier(level=2, contact_name="First"), "id": first.pk},
            {**tier(level=1, contact_name="Second"), "id": second.pk},
            tier(level=3, contact_name="Third", respond_within_minutes=60),
        ],
        actor=account_manager,
        client=in_client_a,
    )
    # then
    assert [(t.level, t.contact_name) for t in saved] == [(1, "Second"), (2, "First"), (3, "Third")]
    assert _rows(two_tier_path) == [(1, "Second"), (2, "First"), (3, "Third")]
    # when the set leaves First out
    services.save_escalation_tiers(
        path=two_tier_path,
        tiers=[{**tier(level=1, contact_name="Second"), "id": second.pk}],
        actor=account_manager,
        client=in_client_a,
    )
    # then it is deleted
    assert _rows(two_tier_path) == [(1, "Second")]
    assert not EscalationTier.objects.filter(pk=first.pk).exists()


def test_saving_the_tier_set_refuses_a_foreign_or_repeated_id(
    two_tier_path, account_manager, in_client_a
):
    # given a tier of another path
    foreign = EscalationTierFactory(path=EscalationPathFactory(service_line=office_line("Sales")))
    first = two_tier_path.tiers.get(level=1)
    # when
    with pytest.raises(DomainError) as excinfo:
        services.save_escalation_tiers(
            path=two_tier_path,
            tiers=[
                {**tier(level=1), "id": first.pk},
                {**tier(level=2), "id": first.pk},
                {**tier(level=3), "id": foreign.pk},
            ],
            actor=account_manager,
            client=in_client_a,
        )
    # then
    assert fields_of(excinfo) == {
        "tiers.1.id": [f"Tier id {first.pk} appears twice."],
        "tiers.2.id": [f"No tier with id {foreign.pk} on this escalation path."],
    }
    assert _rows(two_tier_path) == [(1, "First"), (2, "Second")]


def test_a_refused_tier_set_changes_nothing(two_tier_path, account_manager, in_client_a):
    first = two_tier_path.tiers.get(level=1)
    with pytest.raises(DomainError):
        services.save_escalation_tiers(
            path=two_tier_path,
            tiers=[{**tier(level=1, contact_name="Changed"), "id": first.pk}, tier(level=3)],
            actor=account_manager,
            client=in_client_a,
        )
    assert _rows(two_tier_path) == [(1, "First"), (2, "Second")]


# --- single tiers --------------------------------------------------------------------------------


def test_adding_a_tier_appends_it(two_tier_path, account_manager, in_client_a):
    created = services.add_escalation_tier(
        path=two_tier_path,
        tier={**tier(contact_name="Third", respond_within_minutes=60), "level": None},
        actor=account_manager,
        client=in_client_a,
    )
    assert created.level == 3
    assert _rows(two_tier_path) == [(1, "First"), (2, "Second"), (3, "Third")]


def test_adding_a_tier_at_a_taken_level_moves_the_others_up(
    two_tier_path, account_manager, in_client_a
):
    services.add_escalation_tier(
        path=two_tier_path,
        tier=tier(level=1, contact_name="New first", respond_within_minutes=5),
        actor=account_manager,
        client=in_client_a,
    )
    assert _rows(two_tier_path) == [(1, "New first"), (2, "First"), (3, "Second")]


def test_adding_a_tier_revalidates_the_path(two_tier_path, account_manager, in_client_a):
    # given tiers 1 and 2 respond within 15 minutes
    # when a tier 3 would answer faster
    with pytest.raises(DomainError) as excinfo:
        services.add_escalation_tier(
            path=two_tier_path,
            tier=tier(level=3, respond_within_minutes=5),
            actor=account_manager,
            client=in_client_a,
        )
    # then the error is the new tier's own
    assert fields_of(excinfo) == {
        "respond_within_minutes": [
            "Tier 3 must allow at least as long to respond as tier 2 (15 minutes)."
        ]
    }


def test_adding_a_tier_after_a_gap_is_refused(two_tier_path, account_manager, in_client_a):
    with pytest.raises(DomainError) as excinfo:
        services.add_escalation_tier(
            path=two_tier_path, tier=tier(level=5), actor=account_manager, client=in_client_a
        )
    assert fields_of(excinfo) == {
        "tiers": ["Tier levels must run 1, 2, 3 … without gaps; level 3 is missing."]
    }


def test_updating_a_tier_revalidates_the_path(two_tier_path, account_manager, in_client_a):
    # given
    first = two_tier_path.tiers.get(level=1)
    # when tier 1 would give longer than tier 2
    with pytest.raises(DomainError) as excinfo:
        services.update_escalation_tier(
            tier=first,
            changes={"respond_within_minutes": 60},
            actor=account_manager,
            client=in_client_a,
        )
    # then the message lands on the edited tier's field
    assert fields_of(excinfo) == {
        "respond_within_minutes": [
            "Tier 2 must allow at least as long to respond as tier 1 (60 minutes)."
        ]
    }


def test_a_manager_updates_any_field_of_a_tier(two_tier_path, account_manager, in_client_a):
    first = two_tier_path.tiers.get(level=1)
    services.update_escalation_tier(
        tier=first,
        changes={"coverage": "business_hours", "category": "Billing", "min_severity": 3},
        actor=account_manager,
        client=in_client_a,
    )
    first.refresh_from_db()
    assert (first.coverage, first.category, first.min_severity) == ("business_hours", "Billing", 3)


def test_removing_a_tier_moves_the_ones_above_down(two_tier_path, account_manager, in_client_a):
    # given
    services.add_escalation_tier(
        path=two_tier_path,
        tier=tier(level=3, contact_name="Third", respond_within_minutes=30),
        actor=account_manager,
        client=in_client_a,
    )
    # when
    services.remove_escalation_tier(
        tier=two_tier_path.tiers.get(level=2), actor=account_manager, client=in_client_a
    )
    # then
    assert _rows(two_tier_path) == [(1, "First"), (2, "Third")]


def test_removing_the_last_tier_is_refused(in_client_a, account_manager):
    path = create(office_line(), [tier()], account_manager, in_client_a)
    with pytest.raises(DomainError) as excinfo:
        services.remove_escalation_tier(
            tier=path.tiers.get(), actor=account_manager, client=in_client_a
        )
    assert fields_of(excinfo) == {"tiers": ["An escalation path needs at least one tier."]}


def test_removing_the_only_business_hours_tier_is_refused(in_client_a, account_manager):
    path = create(
        office_line(),
        [tier(coverage="business_hours"), tier(level=2, coverage="after_hours")],
        account_manager,
        in_client_a,
    )
    with pytest.raises(DomainError) as excinfo:
        services.remove_escalation_tier(
            tier=path.tiers.get(level=1), actor=account_manager, client=in_client_a
        )
    assert excinfo.value.message == (
        "No tier is reachable while “Billing” is open: at least one tier must cover business hours."
    )
    assert path.tiers.count() == 2


def test_updating_the_path_renames_it(two_tier_path, account_manager, in_client_a):
    services.update_escalation_path(
        path=two_tier_path,
        name="Billing 24/7",
        notes="Ask for the ticket",
        actor=account_manager,
        client=in_client_a,
    )
    two_tier_path.refresh_from_db()
    assert (two_tier_path.name, two_tier_path.notes) == ("Billing 24/7", "Ask for the ticket")


# --- the client admin's contact rule ----------------------------------------------------------------


def test_a_client_admin_changes_a_tiers_contact(two_tier_path, client_a_admin, in_client_a):
    first = two_tier_path.tiers.get(level=1)
    services.update_escalation_tier(
        tier=first,
        changes={
            "contact_name": "Carla Client",
            "contact_role": "Head of support",
            "channel": "email",
            "email": "carla@acme.example",
            "phone": "",
            "level": 1,  # unchanged values of other fields are fine
        },
        actor=client_a_admin,
        client=in_client_a,
    )
    first.refresh_from_db()
    assert (first.contact_name, first.channel, first.email) == (
        "Carla Client",
        "email",
        "carla@acme.example",
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("level", 2),
        ("respond_within_minutes", 5),
        ("coverage", "business_hours"),
        ("min_severity", 4),
        ("category", "Billing"),
    ],
)
def test_a_client_admin_may_not_change_anything_else(
    two_tier_path, client_a_admin, in_client_a, field, value
):
    first = two_tier_path.tiers.get(level=1)
    with pytest.raises(PermissionDeniedError) as excinfo:
        services.update_escalation_tier(
            tier=first,
            changes={"contact_name": "Carla", field: value},
            actor=client_a_admin,
            client=in_client_a,
        )
    assert excinfo.value.message == (
        "Your role may change only a tier's contact fields (contact_name, contact_role, "
        f"channel, phone, email), not “{field}”."
    )
    assert excinfo.value.fields == {field: [excinfo.value.message]}
    first.refresh_from_db()
    assert first.contact_name == "First"


@pytest.mark.parametrize(
    "call",
    [
        lambda path, actor, client: services.save_escalation_tiers(
            path=path, tiers=[tier()], actor=actor, client=client
        ),
        lambda path, actor, client: services.add_escalation_tier(
            path=path, tier=tier(level=3, respond_within_minutes=99), actor=actor, client=client
        ),
        lambda path, actor, client: services.remove_escalation_tier(
            tier=path.tiers.get(level=2), actor=actor, client=client
        ),
        lambda path, actor, client: services.update_escalation_path(
            path=path, name="Mine", actor=actor, client=client
        ),
    ],
    ids=["save-set", "add", "remove", "rename"],
)
def test_a_client_admin_makes_no_structural_change(
    two_tier_path, client_a_admin, in_client_a, call
):
    with pytest.raises(PermissionDeniedError) as excinfo:
        call(two_tier_path, client_a_admin, in_client_a)
    assert excinfo.value.message == "Your role in this client does not allow this."
    assert _rows(two_tier_path) == [(1, "First"), (2, "Second")]


def test_a_viewer_changes_no_contact(two_tier_path, client_a_viewer, in_client_a):
    with pytest.raises(PermissionDeniedError):
        services.update_escalation_tier(
            tier=two_tier_path.tiers.get(level=1),
            changes={"contact_name": "Vic"},
            actor=client_a_viewer,
            client=in_client_a,
        )


def test_contacts_of_several_tiers_change_at_once(two_tier_path, client_a_admin, in_client_a):
    # given
    first, second = two_tier_path.tiers.order_by("level")
    # when
    services.update_escalation_contacts(
        path=two_tier_path,
        contacts=[
            {"id": second.pk, "contact_name": "Zed", "phone": "+1 415 555 0199"},
            {"id": first.pk, "contact_name": "Ann"},
        ],
        actor=client_a_admin,
        client=in_client_a,
    )
    # then
    assert _rows(two_tier_path) == [(1, "Ann"), (2, "Zed")]
    assert two_tier_path.tiers.get(level=2).phone == "+14155550199"


def test_contacts_errors_are_named_by_position(two_tier_path, client_a_admin, in_client_a):
    first, second = two_tier_path.tiers.order_by("level")
    with pytest.raises(DomainError) as excinfo:
        services.update_escalation_contacts(
            path=two_tier_path,
            contacts=[{"id": second.pk, "phone": "12"}, {"id": first.pk, "contact_name": ""}],
            actor=client_a_admin,
            client=in_client_a,
        )
    assert fields_of(excinfo) == {
        "tiers.0.phone": ["“12” is not a valid phone number."],
        "tiers.1.contact_name": ["Contact name is required."],
    }


def test_contacts_refuse_other_fields(two_tier_path, client_a_admin, in_client_a):
    first = two_tier_path.tiers.get(level=1)
    with pytest.raises(PermissionDeniedError) as excinfo:
        services.update_escalation_contacts(
            path=two_tier_path,
            contacts=[{"id": first.pk, "coverage": "after_hours"}],
            actor=client_a_admin,
            client=in_client_a,
        )
    assert excinfo.value.fields == {
        "tiers.0.coverage": [
            "Your role may change only a tier's contact fields (contact_name, contact_role, "
            "channel, phone, email), not “coverage”."
        ]
    }


# --- audit ---------------------------------------------------------------------------------------


def test_a_contact_change_is_audited_with_actor_and_before_after(
    two_tier_path, client_a_admin, in_client_a
):
    # given
    first = two_tier_path.tiers.get(level=1)
    # when
    services.update_escalation_tier(
        tier=first,
        changes={"contact_name": "Carla Client", "phone": "+1 415 555 0177"},
        actor=client_a_admin,
        client=in_client_a,
    )
    # then
    entry = audit.describe_entry(audit.history_of_object(first).first())
    assert entry["actor"] == "admin@acme-a.test"
    assert entry["action"] == "updated"
    assert entry["changes"] == {
        "contact_name": {"before": "First", "after": "Carla Client"},
        "phone": {"before": "+14155550100", "after": "+14155550177"},
    }


def test_creating_a_path_is_audited_for_the_path_and_each_tier(two_tier_path, account_manager):
    from bpo.catalog.selectors.audit import escalation_history_page

    page = escalation_history_page(path=two_tier_path, page_number=1)
    assert sorted((e["object_type"], e["action"], e["actor"]) for e in page.object_list) == [
        ("escalationpath", "created", "am@provider.test"),
        ("escalationtier", "created", "am@provider.test"),
        ("escalationtier", "created", "am@provider.test"),
    ]


# --- limits, shared id checks and the path saved as a whole ---------------------------------------

LIMITS = [
    pytest.param(
        [tier(respond_within_minutes=2**31)],
        {
            "tiers.0.respond_within_minutes": [
                "Respond within must be at most 10080 minutes (7 days)."
            ]
        },
        id="respond-within-ceiling",
    ),
    pytest.param(
        [
            tier(),
            tier(level=2, trigger_kind="unresolved", min_severity=None, unresolved_minutes=2**31),
        ],
        {
            "tiers.1.unresolved_minutes": [
                "Minutes without resolution must be at most 10080 minutes (7 days)."
            ]
        },
        id="unresolved-minutes-ceiling",
    ),
    pytest.param(
        [tier(channel="email", phone="", email=f"{'x' * 250}@acme.example")],
        {"tiers.0.email": ["E-mail is longer than 254 characters."]},
        id="email-too-long",
    ),
    pytest.param(
        [tier(level=level, respond_within_minutes=15) for level in range(1, 22)],
        {"tiers": ["An escalation path has at most 20 tiers."]},
        id="too-many-tiers",
    ),
]


@pytest.mark.parametrize(("tiers", "expected"), LIMITS)
def test_each_limit_refuses_with_its_exact_message(in_client_a, account_manager, tiers, expected):
    line = office_line()
    with pytest.raises(DomainError) as excinfo:
        create(line, tiers, account_manager, in_client_a)
    assert fields_of(excinfo) == expected
    assert not EscalationPath.objects.filter(service_line=line).exists()


def test_the_ceilings_themselves_are_accepted(in_client_a, account_manager):
    path = create(
        office_line(),
        [
            tier(respond_within_minutes=10080),
            *(tier(level=level, respond_within_minutes=10080) for level in range(2, 20)),
            tier(
                level=20,
                trigger_kind="unresolved",
                min_severity=None,
                unresolved_minutes=10080,
                respond_within_minutes=10080,
            ),
        ],
        account_manager,
        in_client_a,
    )
    assert path.tiers.count() == 20


def test_a_name_longer_than_the_column_is_refused(in_client_a, account_manager):
    with pytest.raises(DomainError) as excinfo:
        create(office_line(), [tier()], account_manager, in_client_a, name="n" * 161)
    assert fields_of(excinfo) == {"name": ["Name is longer than 160 characters."]}


def test_contacts_refuse_a_repeated_id(two_tier_path, client_a_admin, in_client_a):
    first = two_tier_path.tiers.get(level=1)
    with pytest.raises(DomainError) as excinfo:
        services.update_escalation_contacts(
            path=two_tier_path,
            contacts=[
                {"id": first.pk, "contact_name": "Ann"},
                {"id": first.pk, "contact_name": "Bob"},
            ],
            actor=client_a_admin,
            client=in_client_a,
        )
    assert fields_of(excinfo) == {"tiers.1.id": [f"Tier id {first.pk} appears twice."]}
    assert _rows(two_tier_path) == [(1, "First"), (2, "Second")]


def test_creating_reports_name_and_tier_errors_together(in_client_a, account_manager):
    line = office_line()
    with pytest.raises(DomainError) as excinfo:
        create(line, [tier(phone="12345")], account_manager, in_client_a, name=" ")
    assert fields_of(excinfo) == {
        "name": ["Name is required."],
        "tiers.0.phone": ["“12345” is not a valid phone number."],
    }
    assert excinfo.value.message == "Name is required."
    assert not EscalationPath.objects.filter(service_line=line).exists()


def test_saving_the_path_changes_name_notes_and_tiers_at_once(
    two_tier_path, account_manager, in_client_a
):
    first, second = two_tier_path.tiers.order_by("level")
    services.save_escalation_path(
        path=two_tier_path,
        name="  Renamed  ",
        notes="Night desk from 20:00.",
        tiers=[
            {**tier(level=1, contact_name="Second"), "id": second.pk},
            tier(level=2, contact_name="New", respond_within_minutes=30),
        ],
        actor=account_manager,
        client=in_client_a,
    )
    two_tier_path.refresh_from_db()
    assert (two_tier_path.name, two_tier_path.notes) == ("Renamed", "Night desk from 20:00.")
    assert _rows(two_tier_path) == [(1, "Second"), (2, "New")]
    assert not EscalationTier.objects.filter(pk=first.pk).exists()


def test_saving_the_path_reports_every_error_and_changes_nothing(
    two_tier_path, account_manager, in_client_a
):
    first = two_tier_path.tiers.get(level=1)
    with pytest.raises(DomainError) as excinfo:
        services.save_escalation_path(
            path=two_tier_path,
            name="",
            notes="Changed",
            tiers=[
                {**tier(level=1, contact_name="Changed"), "id": first.pk},
                {**tier(level=2, phone="12345"), "id": first.pk},
            ],
            actor=account_manager,
            client=in_client_a,
        )
    assert fields_of(excinfo) == {
        "name": ["Name is required."],
        "tiers.1.id": [f"Tier id {first.pk} appears twice."],
        "tiers.1.phone": ["“12345” is not a valid phone number."],
    }
    two_tier_path.refresh_from_db()
    assert (two_tier_path.name, two_tier_path.notes) == ("Billing escalations", "")
    assert _rows(two_tier_path) == [(1, "First"), (2, "Second")]


def test_saving_the_path_needs_a_manager(two_tier_path, client_a_admin, in_client_a):
    with pytest.raises(PermissionDeniedError):
        services.save_escalation_path(
            path=two_tier_path,
            name="Renamed",
            notes="",
            tiers=[],
            actor=client_a_admin,
            client=in_client_a,
        )


def test_updating_a_tier_deleted_meanwhile_is_not_found(
    two_tier_path, account_manager, in_client_a
):
    stale = two_tier_path.tiers.get(level=2)
    EscalationTier.objects.filter(pk=stale.pk).delete()
    with pytest.raises(NotFoundError):
        services.update_escalation_tier(
            tier=stale, changes={"contact_name": "Late"}, actor=account_manager, client=in_client_a
        )
