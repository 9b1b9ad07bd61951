"""The demo clients' service catalogs, for ``seed_demo``.

ShopRight gets a complete pilot catalog (a voice line with a published script, a newer version
waiting for the client's approval, and an escalation path) plus an e-mail line with a draft
script; Cloudlane a 24/7 chat line; Viajes Sol one line still in draft, so the demo shows a
client at every stage. Everything goes through the services, so the history shows it.
"""

from __future__ import annotations

from datetime import time
from decimal import Decimal

from bpo.catalog import hours
from bpo.catalog.models import ServiceLine
from bpo.catalog.services import escalations, scripts, service_lines


def _week(days: range, opens: time, closes: time) -> list[hours.Span]:
    return [hours.Span(weekday=day, opens_at=opens, closes_at=closes) for day in days]


ORDER_SCRIPT = [
    {
        "title": "Greeting",
        "body": "Thank you for calling **ShopRight**, this is {{agent_name}}. "
        "Am I speaking with {{customer_name}}?",
    },
    {
        "title": "Verification",
        "body": "For your security, may I have the e-mail address on the account and the "
        "order number?\n\n- Order number: {{order_number}}\n- Never ask for the full card "
        "number.",
    },
    {
        "title": "Resolution",
        "body": "1. Open the order in the back office.\n2. Read the delivery status to the "
        "customer.\n3. If the parcel is late by more than 5 days, offer a reshipment.",
    },
    {
        "title": "Closing",
        "body": "Is there anything else I can help you with today, {{customer_name}}? "
        "Thank you for shopping with ShopRight.",
    },
]
ORDER_VARIABLES = [
    {"name": "agent_name", "description": "the agent's first name", "sample_value": "Diego"},
    {"name": "customer_name", "description": "the caller's name", "sample_value": "Jane Doe"},
    {"name": "order_number", "description": "the order number", "sample_value": "SR-104233"},
]


def seed_catalog(*, client, account_manager, client_admin) -> list[str]:
    """Load the demo catalog of ``client`` (its schema active); nothing when it has lines."""
    if ServiceLine.objects.exists():
        return []
    seed = {
        "shopright": _shopright,
        "cloudlane": _cloudlane,
        "viajes-sol": _viajes_sol,
    }.get(client.slug)
    if seed is None:
        return []
    return seed(client=client, account_manager=account_manager, client_admin=client_admin)


def _shopright(*, client, account_manager, client_admin) -> list[str]:
    orders = service_lines.create_service_line(
        actor=account_manager,
        name="Order support",
        description="Where is my order, delivery problems, reshipments.",
        channel="voice",
        direction="inbound",
        languages=["en", "es"],
        required_skills=["orders", "returns"],
        opening_hours=[
            *_week(range(0, 5), time(8), time(20)),
            *_week(range(5, 6), time(9), time(17)),
        ],
        service_level_percent=Decimal("80"),
        service_level_seconds=20,
        max_abandon_percent=Decimal("5"),
        asa_seconds=30,
        fcr_percent=Decimal("75"),
        csat_percent=Decimal("85"),
        qa_score_percent=Decimal("90"),
    )
    service_lines.change_service_line_status(
        service_line=orders, status="active", actor=account_manager
    )
    first = scripts.start_script(
        service_line=orders,
        title="Order support call script",
        change_summary="First version, agreed in the kick-off workshop.",
        sections=ORDER_SCRIPT,
        variables=ORDER_VARIABLES,
        actor=account_manager,
    )
    scripts.submit_script_version(version=first, actor=account_manager)
    scripts.approve_script_version(version=first, actor=client_admin)
    scripts.publish_script_version(version=first, actor=client_admin)
    second = scripts.create_script_version(
        script=first.script,
        change_summary="Remind callers of the 30-day return window before closing.",
        sections=[
            *ORDER_SCRIPT[:3],
            {
                "title": "Closing",
                "body": "Remember: every order can be returned within **30 days**. "
                "Is there anything else I can help you with today, {{customer_name}}?",
            },
        ],
        variables=ORDER_VARIABLES,
        based_on=first,
        actor=account_manager,
    )
    scripts.submit_script_version(version=second, actor=account_manager)
    escalations.create_escalation_path(
        service_line=orders,
        name="Order support escalations",
        notes="Severity follows the client's incident matrix.",
        tiers=[
            {
                "level": 1,
                "trigger_kind": "severity",
                "min_severity": 1,
                "contact_name": "Priya Shah",
                "contact_role": "Team lead",
                "channel": "phone",
                "phone": "+12015550123",
                "respond_within_minutes": 15,
                "coverage": "business_hours",
            },
            {
                "level": 2,
                "trigger_kind": "severity",
                "min_severity": 3,
                "contact_name": "Marcus Bell",
                "contact_role": "Operations manager",
                "channel": "email",
                "email": "ops@shopright.example",
                "respond_within_minutes": 30,
                "coverage": "always",
            },
            {
                "level": 3,
                "trigger_kind": "unresolved",
                "unresolved_minutes": 120,
                "contact_name": "On-call duty manager",
                "contact_role": "Duty manager",
                "channel": "pager",
                "phone": "+12015550199",
                "respond_within_minutes": 60,
                "coverage": "always",
            },
        ],
        actor=account_manager,
        client=client,
    )
    returns = service_lines.create_service_line(
        actor=account_manager,
        name="Returns by e-mail",
        channel="email",
        direction="inbound",
        languages=["en"],
        required_skills=["returns"],
        opening_hours=_week(range(0, 6), time(7), time(22)),
        first_response_percent=Decimal("90"),
        first_response_hours=Decimal("24"),
        fcr_percent=Decimal("70"),
        csat_percent=Decimal("80"),
    )
    scripts.start_script(
        service_line=returns,
        title="Returns reply templates",
        change_summary="First draft.",
        sections=[
            {
                "title": "Greeting",
                "body": "Dear {{customer_name}},\n\nthank you for writing to us.",
            }
        ],
        variables=[{"name": "customer_name", "sample_value": "Jane Doe"}],
        actor=account_manager,
    )
    return [
        "ShopRight catalog: Order support (published script v1, v2 in review, 3 escalation "
        "tiers), Returns by e-mail (draft script)"
    ]


def _cloudlane(*, client, account_manager, client_admin) -> list[str]:
    support = service_lines.create_service_line(
        actor=account_manager,
        name="Technical support chat",
        channel="chat",
        direction="inbound",
        languages=["de", "en"],
        required_skills=["technical support"],
        is_open_24_7=True,
        closed_on_public_holidays=False,
        service_level_percent=Decimal("85"),
        service_level_seconds=60,
        max_abandon_percent=Decimal("3"),
        asa_seconds=45,
        fcr_percent=Decimal("70"),
        csat_percent=Decimal("88"),
        qa_score_percent=Decimal("92"),
    )
    service_lines.change_service_line_status(
        service_line=support, status="active", actor=account_manager
    )
    version = scripts.start_script(
        service_line=support,
        title="Chat support script",
        change_summary="First version.",
        sections=[
            {"title": "Greeting", "body": "Hallo {{customer_name}}, wie kann ich helfen?"},
            {
                "title": "Diagnosis",
                "body": "Ask for the workspace URL ({{workspace_url}}) and the time the "
                "problem started.",
            },
        ],
        variables=[
            {"name": "customer_name", "sample_value": "Lena Fischer"},
            {"name": "workspace_url", "sample_value": "acme.cloudlane.example"},
        ],
        actor=account_manager,
    )
    scripts.submit_script_version(version=version, actor=account_manager)
    scripts.approve_script_version(version=version, actor=client_admin)
    scripts.publish_script_version(version=version, actor=account_manager)
    escalations.create_escalation_path(
        service_line=support,
        name="Chat escalations",
        tiers=[
            {
                "level": 1,
                "trigger_kind": "severity",
                "min_severity": 1,
                "contact_name": "Second-level support",
                "contact_role": "L2 engineer on shift",
                "channel": "chat",
                "email": "l2@cloudlane.example",
                "respond_within_minutes": 20,
                "coverage": "always",
            },
            {
                "level": 2,
                "trigger_kind": "severity",
                "min_severity": 4,
                "contact_name": "Jonas Weber",
                "contact_role": "Head of support",
                "channel": "phone",
                "phone": "+4930123456",
                "respond_within_minutes": 30,
                "coverage": "always",
            },
        ],
        actor=account_manager,
        client=client,
    )
    return ["Cloudlane catalog: Technical support chat (published script, 2 escalation tiers)"]


def _viajes_sol(*, client, account_manager, client_admin) -> list[str]:
    service_lines.create_service_line(
        actor=account_manager,
        name="Reservaciones",
        channel="voice",
        direction="inbound",
        languages=["es"],
        required_skills=["reservations"],
        opening_hours=_week(range(0, 7), time(7), time(23)),
        service_level_percent=Decimal("80"),
        service_level_seconds=30,
    )
    return ["Viajes Sol catalog: Reservaciones (draft line)"]
