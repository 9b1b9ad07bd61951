"""Services of service lines: every rule with its exact message, status moves, date overrides
and the audit entry of a change."""

from __future__ import annotations

from datetime import date, time
from decimal import Decimal

import pytest

from bpo.catalog import audit
from bpo.catalog.hours import Span
from bpo.catalog.models import DateOverride, OpeningHours, ServiceLine, ServiceLineStatus
from bpo.catalog.services import service_lines as services
from bpo.errors import ConflictError, DomainError, NotFoundError
from tests.catalog.factories import (
    DateOverrideFactory,
    OpeningHoursFactory,
    ServiceLineFactory,
)

pytestmark = pytest.mark.django_db

MONDAY_9_TO_5 = Span(0, time(9), time(17))


def create(actor, **overrides):
    arguments = {"name": "Billing", "channel": "voice", "direction": "inbound"}
    arguments.update(overrides)
    return services.create_service_line(actor=actor, **arguments)


# --- create ---------------------------------------------------------------------------------------


def test_create_makes_a_draft_with_its_hours_and_targets(in_client_a, account_manager):
    # when
    line = create(
        account_manager,
        name="  Billing hotline ",
        languages=["EN", "es", "deu", "ger"],
        required_skills=[" billing ", "refunds"],
        opening_hours=[MONDAY_9_TO_5, Span(4, time(22), time(6))],
        service_level_percent=Decimal("80"),
        service_level_seconds=20,
        max_abandon_percent=Decimal("5.5"),
        asa_seconds=30,
        fcr_percent=Decimal("75"),
        csat_percent=Decimal("90"),
        qa_score_percent=Decimal("85.25"),
    )
    # then
    line.refresh_from_db()
    assert line.status == ServiceLineStatus.DRAFT
    assert line.name == "Billing hotline"
    assert line.languages == ["en", "es", "deu", "ger"]
    assert line.required_skills == ["billing", "refunds"]
    assert line.service_level_percent == Decimal("80")
    assert line.qa_score_percent == Decimal("85.25")
    assert [(h.weekday, h.opens_at, h.closes_at) for h in line.opening_hours.all()] == [
        (0, time(9), time(17)),
        (4, time(22), time(6)),
    ]
    entry = audit.history_of_object(line).first()
    assert entry.actor == account_manager


def test_a_deferred_line_takes_first_response_targets(in_client_a, account_manager):
    line = create(
        account_manager,
        channel="email",
        first_response_percent=Decimal("90"),
        first_response_hours=Decimal("4.5"),
        csat_percent=Decimal("88"),
    )
    assert line.first_response_hours == Decimal("4.5")


M = services.Messages

CREATE_REFUSALS = [
    # name
    ({"name": ""}, "name", "Name is required."),
    ({"name": "   "}, "name", "Name is required."),
    ({"name": "x" * 121}, "name", "Name is at most 120 characters."),
    # channel, direction
    (
        {"channel": "fax"},
        "channel",
        '"fax" is not a channel; use one of voice, chat, email, sms, social, video.',
    ),
    (
        {"direction": "sideways"},
        "direction",
        '"sideways" is not a direction; use one of inbound, outbound, blended.',
    ),
    # languages
    ({"languages": ["en", "xx"]}, "languages", '"xx" is not an ISO 639 language code.'),
    ({"languages": ["english"]}, "languages", '"english" is not an ISO 639 language code.'),
    ({"languages": [""]}, "languages", '"" is not an ISO 639 language code.'),
    ({"languages": ["en", "EN"]}, "languages", 'Language "en" is listed twice.'),
    # skills
    ({"required_skills": ["billing", ""]}, "required_skills", M.SKILL_EMPTY),
    (
        {"required_skills": ["   "]},
        "required_skills",
        "Each required skill must be non-empty text.",
    ),
    ({"required_skills": [5]}, "required_skills", "Each required skill must be non-empty text."),
    (
        {"required_skills": ["x" * 61]},
        "required_skills",
        "A required skill is at most 60 characters.",
    ),
    (
        {"required_skills": ["Billing", "billing"]},
        "required_skills",
        'Skill "billing" is listed twice.',
    ),
    # percentages
    (
        {"service_level_percent": Decimal("100.01"), "service_level_seconds": 20},
        "service_level_percent",
        "Service level percentage must be between 0 and 100.",
    ),
    (
        {"service_level_percent": Decimal("-1"), "service_level_seconds": 20},
        "service_level_percent",
        "Service level percentage must be between 0 and 100.",
    ),
    (
        {"max_abandon_percent": Decimal("101")},
        "max_abandon_percent",
        "Maximum abandon rate must be between 0 and 100.",
    ),
    (
        {"channel": "email", "first_response_percent": 150, "first_response_hours": 4},
        "first_response_percent",
        "First-response percentage must be between 0 and 100.",
    ),
    (
        {"fcr_percent": Decimal("-0.5")},
        "fcr_percent",
        "First-contact resolution target must be between 0 and 100.",
    ),
    ({"csat_percent": 200}, "csat_percent", "CSAT target must be between 0 and 100."),
    ({"qa_score_percent": -3}, "qa_score_percent", "QA score target must be between 0 and 100."),
    (
        {"qa_score_percent": Decimal("85.125")},
        "qa_score_percent",
        "QA score target takes at most two decimals.",
    ),
    ({"csat_percent": "lots"}, "csat_percent", "CSAT target must be a number."),
    ({"csat_percent": Decimal("NaN")}, "csat_percent", "CSAT target must be a number."),
    # seconds and hours
    (
        {"service_level_percent": 80, "service_level_seconds": 0},
        "service_level_seconds",
        "Service level time must be more than 0 seconds.",
    ),
    (
        {"service_level_percent": 80, "service_level_seconds": -20},
        "service_level_seconds",
        "Service level time must be more than 0 seconds.",
    ),
    (
        {"service_level_percent": 80, "service_level_seconds": 86_401},
        "service_level_seconds",
        "Service level time must be at most 86400 seconds (a day).",
    ),
    (
        {"service_level_percent": 80, "service_level_seconds": 2.5},
        "service_level_seconds",
        "Service level time must be a whole number of seconds.",
    ),
    ({"asa_seconds": 0}, "asa_seconds", "ASA target must be more than 0 seconds."),
    (
        {"channel": "email", "first_response_percent": 90, "first_response_hours": 0},
        "first_response_hours",
        "First-response time must be more than 0 hours.",
    ),
    (
        {"channel": "email", "first_response_percent": 90, "first_response_hours": 10_000},
        "first_response_hours",
        "First-response time must be at most 9999.99 hours.",
    ),
    (
        {
            "channel": "email",
            "first_response_percent": 90,
            "first_response_hours": Decimal("1.001"),
        },
        "first_response_hours",
        "First-response time takes at most two decimals.",
    ),
    # pairs
    (
        {"service_level_percent": 80},
        "service_level_seconds",
        "A service level needs both a percentage and a time in seconds.",
    ),
    (
        {"service_level_seconds": 20},
        "service_level_percent",
        "A service level needs both a percentage and a time in seconds.",
    ),
    (
        {"channel": "sms", "first_response_percent": 90},
        "first_response_hours",
        "A first-response target needs both a percentage and a time in hours.",
    ),
    (
        {"channel": "social", "first_response_hours": 4},
        "first_response_percent",
        "A first-response target needs both a percentage and a time in hours.",
    ),
    # targets of the other channel group
    (
        {"channel": "voice", "first_response_hours": 4},
        "first_response_hours",
        "A voice line takes no first-response target; use service level instead.",
    ),
    (
        {"channel": "chat", "first_response_percent": 90},
        "first_response_percent",
        "A chat line takes no first-response target; use service level instead.",
    ),
    (
        {"channel": "video", "first_response_hours": 2},
        "first_response_hours",
        "A video line takes no first-response target; use service level instead.",
    ),
    (
        {"channel": "email", "service_level_seconds": 20},
        "service_level_seconds",
        "An e-mail line takes no service level target; use first response instead.",
    ),
    (
        {"channel": "sms", "max_abandon_percent": 5},
        "max_abandon_percent",
        "An SMS line takes no abandon rate target; use first response instead.",
    ),
    (
        {"channel": "social", "asa_seconds": 30},
        "asa_seconds",
        "A social line takes no ASA target; use first response instead.",
    ),
    # opening hours
    (
        {"opening_hours": [Span(7, time(9), time(17))]},
        "opening_hours",
        "Weekday 7 does not exist; use 0 (Monday) to 6 (Sunday).",
    ),
    (
        {"opening_hours": [{"weekday": -1, "opens_at": time(9), "closes_at": time(17)}]},
        "opening_hours",
        "Weekday -1 does not exist; use 0 (Monday) to 6 (Sunday).",
    ),
    (
        {"opening_hours": [{"weekday": 1, "opens_at": time(9), "closes_at": None}]},
        "opening_hours",
        "Each opening span needs an opening and a closing time.",
    ),
    (
        {"opening_hours": [MONDAY_9_TO_5, Span(0, time(12), time(20))]},
        "opening_hours",
        "Opening hours overlap: Monday 09:00-17:00 and Monday 12:00-20:00.",
    ),
    (
        {"opening_hours": [Span(6, time(22), time(6)), Span(0, time(5), time(9))]},
        "opening_hours",
        "Opening hours overlap: Monday 05:00-09:00 and Sunday 22:00-06:00.",
    ),
    (
        {"opening_hours": [MONDAY_9_TO_5], "is_open_24_7": True},
        "opening_hours",
        "A 24/7 line has no opening hours; remove them or untick 24/7.",
    ),
]


@pytest.mark.parametrize(
    ("arguments", "field", "message"), CREATE_REFUSALS, ids=[c[2][:60] for c in CREATE_REFUSALS]
)
def test_create_refuses_with_the_exact_message(
    in_client_a, account_manager, arguments, field, message
):
    # when
    with pytest.raises(DomainError) as refused:
        create(account_manager, **arguments)
    # then
    assert refused.value.message == message
    assert refused.value.fields == {field: [message]}
    assert not ServiceLine.objects.exists()


def test_a_name_is_unique_whatever_its_case(in_client_a, account_manager):
    # given
    create(account_manager, name="Billing")
    # when
    with pytest.raises(DomainError) as refused:
        create(account_manager, name="BILLING ")
    # then
    assert refused.value.fields == {"name": ['A service line named "BILLING" already exists.']}


def test_every_fault_comes_at_once_the_first_as_the_message(in_client_a, account_manager):
    with pytest.raises(DomainError) as refused:
        create(account_manager, name="", channel="fax", csat_percent=101)
    assert refused.value.message == "Name is required."
    assert set(refused.value.fields) == {"name", "channel", "csat_percent"}


# --- update ---------------------------------------------------------------------------------------


def test_update_replaces_the_weeks_hours(in_client_a, account_manager):
    # given
    line = ServiceLineFactory(status=ServiceLineStatus.ACTIVE)
    kept = OpeningHoursFactory(service_line=line, weekday=0)
    OpeningHoursFactory(service_line=line, weekday=1)
    # when
    services.update_service_line(
        service_line=line,
        actor=account_manager,
        opening_hours=[MONDAY_9_TO_5, Span(2, time(8), time(12)), Span(2, time(13), time(18))],
    )
    # then the unchanged span stays (same row), the others are replaced
    rows = list(OpeningHours.objects.filter(service_line=line))
    assert [(r.weekday, r.opens_at, r.closes_at) for r in rows] == [
        (0, time(9), time(17)),
        (2, time(8), time(12)),
        (2, time(13), time(18)),
    ]
    assert rows[0].pk == kept.pk


def test_update_to_24_7_clears_the_spans_when_sent_empty(in_client_a, account_manager):
    line = ServiceLineFactory()
    OpeningHoursFactory(service_line=line)
    # 24/7 while spans stay is refused ...
    with pytest.raises(DomainError) as refused:
        services.update_service_line(service_line=line, actor=account_manager, is_open_24_7=True)
    assert refused.value.fields == {
        "opening_hours": ["A 24/7 line has no opening hours; remove them or untick 24/7."]
    }
    # ... with the spans removed in the same request it is fine
    line = services.update_service_line(
        service_line=line, actor=account_manager, is_open_24_7=True, opening_hours=[]
    )
    assert line.is_open_24_7 and not line.opening_hours.exists()


def test_an_active_line_keeps_hours(in_client_a, account_manager):
    line = ServiceLineFactory(status=ServiceLineStatus.ACTIVE)
    OpeningHoursFactory(service_line=line)
    with pytest.raises(DomainError) as refused:
        services.update_service_line(service_line=line, actor=account_manager, opening_hours=[])
    assert refused.value.fields == {
        "opening_hours": ["An active line needs opening hours or 24/7."]
    }
    assert line.opening_hours.count() == 1
    # a draft may have none
    draft = ServiceLineFactory(status=ServiceLineStatus.DRAFT)
    OpeningHoursFactory(service_line=draft)
    services.update_service_line(service_line=draft, actor=account_manager, opening_hours=[])
    assert not draft.opening_hours.exists()


def test_changing_the_channel_checks_the_targets_kept_from_before(in_client_a, account_manager):
    # given a voice line with a service level (80 % in 20 s) and an abandon rate
    line = ServiceLineFactory(status=ServiceLineStatus.DRAFT, max_abandon_percent=Decimal("5"))
    # when it becomes an e-mail line and keeps them
    with pytest.raises(DomainError) as refused:
        services.update_service_line(service_line=line, actor=account_manager, channel="email")
    # then the change of channel is at fault
    assert refused.value.message == (
        "An e-mail line takes no service level target; use first response instead."
    )
    assert refused.value.fields == {
        "channel": [
            "An e-mail line takes no service level target; use first response instead.",
            "An e-mail line takes no abandon rate target; use first response instead.",
        ]
    }
    # and a target sent with the new channel is blamed itself
    with pytest.raises(DomainError) as refused:
        services.update_service_line(
            service_line=line,
            actor=account_manager,
            channel="email",
            max_abandon_percent=Decimal("4"),
            service_level_percent=None,
            service_level_seconds=None,
        )
    assert refused.value.fields == {
        "max_abandon_percent": [
            "An e-mail line takes no abandon rate target; use first response instead."
        ]
    }
    # when the old targets go and the new ones come, it is fine
    line = services.update_service_line(
        service_line=line,
        actor=account_manager,
        channel="email",
        service_level_percent=None,
        service_level_seconds=None,
        max_abandon_percent=None,
        first_response_percent=Decimal("90"),
        first_response_hours=Decimal("24"),
    )
    line.refresh_from_db()
    assert (line.channel, line.service_level_percent, line.first_response_hours) == (
        "email",
        None,
        Decimal("24"),
    )


def test_update_checks_the_name_against_the_others_only(in_client_a, account_manager):
    line = ServiceLineFactory(name="Billing")
    ServiceLineFactory(name="Sales")
    services.update_service_line(service_line=line, actor=account_manager, name="BILLING")
    with pytest.raises(DomainError) as refused:
        services.update_service_line(service_line=line, actor=account_manager, name="sales")
    assert refused.value.fields == {"name": ['A service line named "sales" already exists.']}


def test_a_retired_line_cannot_be_changed(in_client_a, account_manager):
    line = ServiceLineFactory(status=ServiceLineStatus.RETIRED)
    with pytest.raises(ConflictError, match=r"^A retired line cannot be changed\.$"):
        services.update_service_line(service_line=line, actor=account_manager, name="New")
    with pytest.raises(ConflictError, match=r"^A retired line cannot be changed\.$"):
        services.add_date_override(service_line=line, actor=account_manager, date=date(2027, 1, 1))


def test_the_audit_entry_of_an_update_names_actor_and_before_and_after(
    in_client_a, account_manager
):
    # given
    with audit.audit_actor(account_manager):
        line = ServiceLineFactory(name="Billing", service_level_percent=Decimal("80"))
    # when
    services.update_service_line(
        service_line=line,
        actor=account_manager,
        name="Billing hotline",
        service_level_percent=Decimal("90"),
        opening_hours=[MONDAY_9_TO_5],
    )
    # then
    entries = [audit.describe_entry(e) for e in audit.history_of_object(line)]
    assert entries[0]["action"] == "updated"
    assert entries[0]["actor"] == "am@provider.test"
    assert entries[0]["changes"] == {
        "name": {"before": "Billing", "after": "Billing hotline"},
        "service_level_percent": {"before": "80.00", "after": "90"},
    }
    hours_entry = audit.describe_entry(audit.history_of_service_line(line.pk).first())
    assert (hours_entry["object_type"], hours_entry["action"], hours_entry["actor"]) == (
        "openinghours",
        "created",
        "am@provider.test",
    )


def test_an_update_that_changes_nothing_writes_no_entry(in_client_a, account_manager):
    with audit.audit_actor(account_manager):
        line = ServiceLineFactory(name="Billing")
    services.update_service_line(service_line=line, actor=account_manager, name="Billing")
    assert audit.history_of_object(line).count() == 1


# --- status ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("draft", "active"),
        ("active", "paused"),
        ("paused", "active"),
        ("draft", "retired"),
        ("active", "retired"),
        ("paused", "retired"),
    ],
)
def test_allowed_status_moves(in_client_a, account_manager, before, after):
    # given a line with hours
    line = ServiceLineFactory(status=before)
    OpeningHoursFactory(service_line=line)
    # when
    line = services.change_service_line_status(
        service_line=line, status=after, actor=account_manager
    )
    # then
    line.refresh_from_db()
    assert line.status == after
    entry = audit.describe_entry(audit.history_of_object(line).first())
    assert entry["changes"] == {"status": {"before": before, "after": after}}
    assert entry["actor"] == "am@provider.test"


@pytest.mark.parametrize(
    ("before", "after", "error", "message"),
    [
        ("draft", "paused", DomainError, "A draft line cannot become paused."),
        ("active", "draft", DomainError, "An active line cannot become draft."),
        ("paused", "draft", DomainError, "A paused line cannot become draft."),
        ("retired", "active", DomainError, "A retired line cannot change; it stays retired."),
        ("retired", "paused", DomainError, "A retired line cannot change; it stays retired."),
        ("retired", "draft", DomainError, "A retired line cannot change; it stays retired."),
        ("active", "active", ConflictError, "The line is already active."),
        ("retired", "retired", ConflictError, "The line is already retired."),
        (
            "draft",
            "frozen",
            DomainError,
            '"frozen" is not a status; use one of draft, active, paused, retired.',
        ),
    ],
)
def test_forbidden_status_moves(in_client_a, account_manager, before, after, error, message):
    line = ServiceLineFactory(status=before)
    OpeningHoursFactory(service_line=line)
    with pytest.raises(error) as refused:
        services.change_service_line_status(service_line=line, status=after, actor=account_manager)
    assert type(refused.value) is error
    assert refused.value.fields == {"status": [message]}
    line.refresh_from_db()
    assert line.status == before


def test_a_line_goes_active_only_with_hours_or_24_7(in_client_a, account_manager):
    line = ServiceLineFactory(status=ServiceLineStatus.DRAFT)
    with pytest.raises(DomainError) as refused:
        services.change_service_line_status(
            service_line=line, status="active", actor=account_manager
        )
    assert refused.value.fields == {"status": ["An active line needs opening hours or 24/7."]}
    always = ServiceLineFactory(status=ServiceLineStatus.DRAFT, is_open_24_7=True)
    services.change_service_line_status(service_line=always, status="active", actor=account_manager)


# --- date overrides -------------------------------------------------------------------------------

XMAS_EVE = date(2026, 12, 24)


def test_add_update_and_remove_a_date_override(in_client_a, account_manager):
    line = ServiceLineFactory()
    # add
    override = services.add_date_override(
        service_line=line, actor=account_manager, date=XMAS_EVE, note=" Closed "
    )
    assert (override.is_closed, override.note) == (True, "Closed")
    # open it in the morning
    override = services.update_date_override(
        override=override,
        actor=account_manager,
        is_closed=False,
        opens_at=time(8),
        closes_at=time(12),
    )
    override.refresh_from_db()
    assert (override.is_closed, override.opens_at, override.closes_at) == (False, time(8), time(12))
    # closing it again drops its times
    override = services.update_date_override(
        override=override, actor=account_manager, is_closed=True
    )
    assert (override.opens_at, override.closes_at) == (None, None)
    # remove
    services.remove_date_override(override=override, actor=account_manager)
    assert not DateOverride.objects.filter(pk=override.pk).exists()
    actions = [
        (e["object_type"], e["action"], e["actor"])
        for e in map(audit.describe_entry, audit.history_of_service_line(line.pk))
        if e["object_type"] == "dateoverride"
    ]
    assert actions == [
        ("dateoverride", action, "am@provider.test")
        for action in ("deleted", "updated", "updated", "created")
    ]


@pytest.mark.parametrize(
    ("arguments", "fields"),
    [
        ({"date": None}, {"date": ["Give the date of the override."]}),
        (
            {"is_closed": True, "opens_at": time(9)},
            {"opens_at": ["A closed day takes no opening or closing time."]},
        ),
        (
            {"is_closed": True, "opens_at": time(9), "closes_at": time(12)},
            {
                "opens_at": ["A closed day takes no opening or closing time."],
                "closes_at": ["A closed day takes no opening or closing time."],
            },
        ),
        (
            {"is_closed": False},
            {
                "opens_at": ["An open day needs both an opening and a closing time."],
                "closes_at": ["An open day needs both an opening and a closing time."],
            },
        ),
        (
            {"is_closed": False, "opens_at": time(9)},
            {"closes_at": ["An open day needs both an opening and a closing time."]},
        ),
        ({"note": "x" * 201}, {"note": ["A note is at most 200 characters."]}),
    ],
)
def test_date_override_refusals(in_client_a, account_manager, arguments, fields):
    line = ServiceLineFactory()
    arguments = {"date": XMAS_EVE, **arguments}
    with pytest.raises(DomainError) as refused:
        services.add_date_override(service_line=line, actor=account_manager, **arguments)
    assert refused.value.fields == fields
    assert refused.value.message == next(iter(fields.values()))[0]


def test_one_override_per_date(in_client_a, account_manager):
    line = ServiceLineFactory()
    DateOverrideFactory(service_line=line, date=XMAS_EVE)
    other = DateOverrideFactory(service_line=line, date=date(2026, 12, 31))
    with pytest.raises(DomainError) as refused:
        services.add_date_override(service_line=line, actor=account_manager, date=XMAS_EVE)
    assert refused.value.fields == {"date": ["There is already an override for 2026-12-24."]}
    with pytest.raises(DomainError) as refused:
        services.update_date_override(override=other, actor=account_manager, date=XMAS_EVE)
    assert refused.value.fields == {"date": ["There is already an override for 2026-12-24."]}
    # another line may have the same date
    services.add_date_override(
        service_line=ServiceLineFactory(), actor=account_manager, date=XMAS_EVE
    )


# --- review fixes ------------------------------------------------------------------------------------


def test_the_name_check_compares_as_the_unique_constraint_does(in_client_a, account_manager):
    # given a line; "\u212a" (Kelvin sign) lower-cases to "k" but upper-cases to itself
    create(account_manager, name="Kelvin")
    # when another fault comes along, the taken name is named with it (not left to the database)
    with pytest.raises(DomainError) as refused:
        create(account_manager, name="\u212aelvin", csat_percent=101)
    # then
    assert refused.value.fields == {
        "name": ['A service line named "\u212aelvin" already exists.'],
        "csat_percent": ["CSAT target must be between 0 and 100."],
    }


def test_a_name_equal_only_in_upper_case_is_free(in_client_a, account_manager):
    # "\u017f" (long s) upper-cases to "S" but lower-cases to itself: the constraint allows it
    create(account_manager, name="Sales")
    line = create(account_manager, name="\u017fales")
    assert line.pk is not None


def test_a_day_has_at_most_six_spans(in_client_a, account_manager):
    six = [Span(0, time(hour), time(hour, 30)) for hour in range(8, 14)]
    line = create(account_manager, opening_hours=six)
    assert line.opening_hours.count() == 6
    with pytest.raises(DomainError) as refused:
        create(account_manager, name="Sales", opening_hours=[*six, Span(0, time(15), time(16))])
    assert refused.value.fields == {"opening_hours": ["A day has at most 6 opening spans."]}


def test_a_week_of_minute_spans_is_refused_by_the_daily_cap(in_client_a, account_manager):
    week = [
        Span(day, time(hour, minute), time((hour + (minute + 1) // 60) % 24, (minute + 1) % 60))
        for day in range(7)
        for hour in range(24)
        for minute in range(60)
    ]
    with pytest.raises(DomainError) as refused:
        create(account_manager, opening_hours=week)
    assert refused.value.fields == {"opening_hours": ["A day has at most 6 opening spans."]}


def test_changing_an_override_removed_meanwhile_is_not_found(in_client_a, account_manager):
    # given an override another request removes
    line = ServiceLineFactory()
    override = DateOverrideFactory(service_line=line, date=date(2026, 12, 24))
    DateOverride.objects.filter(pk=override.pk).delete()
    # when / then
    with pytest.raises(NotFoundError) as refused:
        services.update_date_override(override=override, actor=account_manager, note="Eve")
    assert refused.value.message == "No such date override."


def test_language_of_reads_every_iso_639_form():
    assert services.language_of(" EN ").name == "English"
    assert services.language_of("deu").name == "German"
    assert services.language_of("ger").name == "German"  # 639-2/B
    assert services.language_of("english") is None
    assert services.language_of(None) is None
