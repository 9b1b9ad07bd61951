"""The demo clients' QA scorecards, for ``seed_demo``: a published scorecard for each, so the
pilot checklists of ShopRight and Cloudlane are complete (they can go live) and Viajes Sol's
waits only for its catalog. ShopRight also has a second version in draft, to show versions.
Everything goes through the services, so the history shows it.
"""

from __future__ import annotations

from bpo.catalog.models import ServiceLine
from bpo.quality.models import Scorecard
from bpo.quality.services import scorecards as services

VOICE_SECTIONS = [
    {
        "title": "Opening",
        "weight": "1",
        "criteria": [
            {
                "text": "Greets with the brand's name and their own",
                "guidance": "Within the first 10 seconds.",
            },
            {
                "text": "Verifies the caller before any account detail",
                "weight": "0",
                "auto_fail": "evaluation",
                "guidance": "E-mail address and order number; never the full card number.",
            },
        ],
    },
    {
        "title": "Resolution",
        "weight": "3",
        "auto_fail_below_percent": "50",
        "criteria": [
            {
                "text": "Finds the cause of the problem",
                "weight": "2",
                "scale": "one_to_five",
                "guidance": "5: asks the right questions at once; 1: never finds it.",
            },
            {
                "text": "Follows the resolution steps",
                "weight": "2",
                "scale": "points",
                "max_points": 3,
                "guidance": "One point each: opens the order, reads the status, offers a reshipment when late.",
            },
            {
                "text": "Offers the returns label",
                "allows_na": True,
                "guidance": "N/A when the customer keeps the parcel.",
            },
        ],
    },
    {
        "title": "Closing",
        "weight": "1",
        "criteria": [
            {"text": "Asks whether anything else is needed"},
            {
                "text": "Thanks the customer by name",
                "is_bonus": True,
                "guidance": "A bonus: it may lift the score above 100 %.",
            },
        ],
    },
]

CHAT_SECTIONS = [
    {
        "title": "Response",
        "weight": "1",
        "criteria": [
            {"text": "First answer within the chat's greeting time"},
            {
                "text": "Checks the workspace and plan before advising",
                "auto_fail": "section",
            },
        ],
    },
    {
        "title": "Solution",
        "weight": "2",
        "criteria": [
            {"text": "Correct technical answer", "weight": "3", "scale": "one_to_five"},
            {"text": "Links the help-centre article", "allows_na": True},
            {
                "text": "Never shares another customer's data",
                "weight": "0",
                "auto_fail": "evaluation",
            },
        ],
    },
]

TRAVEL_SECTIONS = [
    {
        "title": "Booking",
        "weight": "1",
        "criteria": [
            {"text": "Confirms dates, names and passport details", "weight": "2"},
            {"text": "Reads the cancellation terms", "auto_fail": "evaluation", "weight": "1"},
            {"text": "Offers travel insurance", "allows_na": True},
        ],
    },
]


def _published(*, name, line, sections, actor) -> Scorecard:
    scorecard = services.create_scorecard(
        name=name, service_line=line, sections=sections, actor=actor
    )
    services.publish_scorecard_version(version=scorecard.versions.get(), actor=actor)
    return scorecard


def seed_scorecards(*, client, qa_analyst) -> list[str]:
    """Load the demo scorecards of ``client`` (its schema active); nothing when it has any."""
    if Scorecard.objects.exists():
        return []
    if client.slug == "shopright":
        line = ServiceLine.objects.filter(name="Order support").first()
        scorecard = _published(
            name="Order support calls", line=line, sections=VOICE_SECTIONS, actor=qa_analyst
        )
        services.create_scorecard_version(
            scorecard=scorecard,
            change_summary="Closing: the survey invitation as a criterion.",
            actor=qa_analyst,
        )
        return ["ShopRight scorecard: Order support calls (v1 published, v2 in draft)"]
    if client.slug == "cloudlane":
        line = ServiceLine.objects.order_by("pk").first()
        _published(name="Support chats", line=line, sections=CHAT_SECTIONS, actor=qa_analyst)
        return ["Cloudlane scorecard: Support chats (published)"]
    if client.slug == "viajes-sol":
        _published(name="Reservations", line=None, sections=TRAVEL_SECTIONS, actor=qa_analyst)
        return ["Viajes Sol scorecard: Reservations, every line (published)"]
    return []
