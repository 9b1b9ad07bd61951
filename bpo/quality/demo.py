"""The demo clients' QA scorecards, for ``seed_demo``: a published scorecard for each, so the
pilot checklists of ShopRight and Cloudlane are complete (they can go live) and Viajes Sol's
waits only for its catalog. ShopRight also has a second version in draft, to show versions.
Everything goes through the services, so the history shows it.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from bpo.catalog.models import ServiceLine
from bpo.quality import scoring
from bpo.quality.models import Interaction, SamplingMode, Scorecard
from bpo.quality.sampling_selectors import published_version_for_line
from bpo.quality.services import calibration, disputes, evaluations, releases, sampling
from bpo.quality.services import scorecards as services
from bpo.quality.services.evaluations import AnswerInput, week_starts_on
from bpo.quality.services.scorecards import version_spec
from scheduling.roster.models import Agent
from scheduling.roster.selectors import agent_of_user, client_agent_choices

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


# --- evaluations, sampling, calibration and a dispute --------------------------------------

DEMO_REFERENCE = "DEMO-"  # the demo's interactions' references start so: their marker
DEMO_SEED = 20261130  # the demo's sample draw and answers are the same on every machine
AGENTS_PER_CLIENT = 6


def _answers(version, rng: random.Random, *, good: bool) -> dict[str, AnswerInput]:
    """Fitting answers for every criterion of ``version``: mostly right, a miss now and then
    (``good=False``: more misses). Auto-fail criteria are always met, so scores vary."""
    spec = version_spec(version)
    answers = {}
    for section in spec.sections:
        for criterion in section.criteria:
            hit = criterion.auto_fail != scoring.AutoFail.NONE or rng.random() < (
                0.9 if good else 0.6
            )
            if criterion.allows_na and rng.random() < 0.25:
                text = "na"
            elif criterion.scale == scoring.Scale.ONE_TO_FIVE:
                text = str(rng.randint(4, 5) if hit else rng.randint(2, 3))
            elif criterion.scale == scoring.Scale.POINTS:
                top = criterion.max_points or 1
                text = str(top if hit else rng.randint(0, top - 1))
            else:
                text = "yes" if hit else "no"
            comment = "" if hit else "Missed on this contact; see the recording at 02:10."
            answers[criterion.key] = AnswerInput(text=text, comment=comment)
    return answers


def _week_times(monday_start: datetime, end: datetime, count: int) -> list[datetime]:
    """``count`` instants spread evenly over [monday_start, end)."""
    span = max((end - monday_start).total_seconds(), 1.0)
    step = span / (count + 1)
    return [monday_start + timedelta(seconds=step * (i + 1)) for i in range(count)]


def seed_evaluations(
    *, client, qa_analyst, account_manager, agent_user, now: datetime | None = None
) -> list[str]:
    """Evaluations of the client's demo agents (its schema active): last week's submitted,
    mostly released and some acknowledged by the demo agent; this week's, some submitted and
    the rest drawn by a sampling plan on the line (assigned to the QA analyst, due); an open
    calibration session of the QA analyst and the account manager, the analyst's score in;
    and, when the demo agent serves the client, a dispute of theirs waiting for a decision.
    Nothing when the demo's interactions exist already."""
    if Interaction.objects.filter(reference__startswith=DEMO_REFERENCE).exists():
        return []
    line = version = None
    for candidate in ServiceLine.objects.order_by("pk"):
        version = published_version_for_line(service_line_id=candidate.pk)
        if version is not None:
            line = candidate
            break
    if line is None or version is None:
        return []
    demo_agent = agent_of_user(agent_user) if agent_user is not None else None
    agent_ids = [pk for pk, _ in client_agent_choices(client_id=client.pk)]
    others = [pk for pk in agent_ids if demo_agent is None or pk != demo_agent.pk]
    chosen = ([demo_agent.pk] if demo_agent and demo_agent.pk in agent_ids else []) + others[
        : AGENTS_PER_CLIENT - 1
    ]
    agents = Agent.objects.in_bulk(chosen)
    if not agents:
        return []
    rng = random.Random(f"{DEMO_SEED}-{client.slug}")
    now = now or timezone.now()
    zone = ZoneInfo(client.time_zone)
    this_monday = week_starts_on(now, zone)
    last_monday = this_monday - timedelta(days=7)
    this_start, _ = sampling.week_window(this_monday)
    last_start, last_end = sampling.week_window(last_monday)
    channel = line.channel

    def interactions(week_start, week_end, per_agent, tag):
        times = iter(_week_times(week_start, week_end, per_agent * len(chosen)))
        made = []
        for index in range(per_agent):
            for agent_id in chosen:
                made.append(
                    evaluations.record_interaction(
                        service_line=line,
                        reference=f"{DEMO_REFERENCE}{tag}-{agent_id}-{index + 1}",
                        channel=channel,
                        occurred_at=next(times),
                        agent=agents[agent_id],
                    )
                )
        return made

    def evaluate(interaction, *, good=True):
        evaluation = evaluations.start_evaluation(
            interaction=interaction,
            scorecard_version=version,
            evaluator=qa_analyst,
            actor=qa_analyst,
        )
        return evaluations.save_evaluation(
            evaluation=evaluation,
            answers=_answers(version, rng, good=good),
            overall_comment="Clear call; keep the verification first.",
            submit=True,
            actor=qa_analyst,
        )

    # Last week: two evaluated contacts per agent, all submitted, most released; the demo
    # agent acknowledges one and disputes the other.
    last_week = interactions(last_start, last_end, 2, "LW")
    released = acknowledged = disputed = 0
    for index, interaction in enumerate(last_week):
        evaluation = evaluate(interaction, good=index % 3 != 2)
        if index % 4 == 3 and interaction.agent_id != getattr(demo_agent, "pk", None):
            continue  # submitted, waiting for release
        evaluation = releases.release_evaluation(evaluation=evaluation, actor=qa_analyst)
        released += 1
        if demo_agent is None or interaction.agent_id != demo_agent.pk:
            continue
        if index < len(chosen):
            releases.acknowledge_evaluation(evaluation=evaluation, actor=agent_user)
            acknowledged += 1
        else:
            disputes.raise_dispute(
                evaluation=evaluation,
                reason="The caller verified with the order number before I opened the account; "
                "the recording shows it at 00:40.",
                actor=agent_user,
                client=client,
            )
            disputed += 1
    # This week: one evaluated contact per agent so far, three more each for the draw.
    this_week = interactions(this_start, now - timedelta(minutes=1), 4, "TW")
    for interaction in this_week[: len(chosen)]:
        evaluate(interaction)
    plan = sampling.save_sampling_plan(
        service_line=line, mode=SamplingMode.PER_AGENT, evaluations_per_agent=2, actor=qa_analyst
    )
    draw = sampling.draw_sample(
        plan=plan, week=this_monday, evaluators=[qa_analyst], actor=qa_analyst, seed=DEMO_SEED
    )
    # A calibration session on two of last week's contacts: the analyst has scored one.
    session = calibration.create_calibration_session(
        client=client,
        title=f"{line.name}: week {last_monday:%-d %b} calibration",
        scorecard_version=version,
        interactions=last_week[:2],
        participant_ids=[qa_analyst.pk, account_manager.pk],
        expert_id=qa_analyst.pk,
        actor=qa_analyst,
    )
    score = calibration.calibration_evaluation(
        session=session, interaction_id=last_week[0].pk, actor=qa_analyst
    )
    calibration.save_calibration_score(
        session=session,
        evaluation=score,
        answers=_answers(version, rng, good=True),
        overall_comment="",
        submit=True,
        actor=qa_analyst,
    )
    changes = [
        f"{client.name} QA: {len(last_week) + len(chosen)} evaluations scored ({released} released, "
        f"{acknowledged} acknowledged), {draw.evaluations.count()} drawn for this week on "
        f"{line.name}, calibration session “{session.title}” open"
    ]
    if disputed:
        changes.append(f"{client.name} QA: a dispute of {agent_user.email} waits for a decision")
    return changes
