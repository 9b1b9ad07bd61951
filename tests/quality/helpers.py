"""Scorecards for tests, made through the services (create them with a client's schema
active)."""

from __future__ import annotations

from bpo.quality.services import scorecards as services

CONTACT_SECTIONS = [
    {
        "title": "Opening",
        "weight": "1",
        "criteria": [
            {"text": "Greets with the brand's name", "weight": "1"},
            {
                "text": "Verifies the caller",
                "weight": "0",
                "auto_fail": "evaluation",
                "guidance": "Name and postcode.",
            },
        ],
    },
    {
        "title": "Resolution",
        "weight": "3",
        "criteria": [
            {"text": "Resolves the issue", "weight": "2", "scale": "one_to_five"},
            {"text": "Follows the steps", "weight": "1", "scale": "points", "max_points": 4},
            {"text": "Offers a survey", "weight": "1", "allows_na": True},
            {"text": "Delights the customer", "weight": "1", "is_bonus": True},
        ],
    },
]


def make_scorecard(actor, *, name="Voice QA", service_line=None, sections=None, publish=False):
    """A scorecard whose first version holds ``sections`` (published if asked).
    Returns ``(scorecard, version)``."""
    scorecard = services.create_scorecard(name=name, service_line=service_line, actor=actor)
    first = scorecard.versions.get()
    for data in sections if sections is not None else CONTACT_SECTIONS:
        section = services.add_scorecard_section(
            version=first,
            data={k: v for k, v in data.items() if k != "criteria"},
            actor=actor,
        )
        for criterion in data.get("criteria", []):
            services.add_scorecard_criterion(section=section, data=criterion, actor=actor)
    if publish:
        services.publish_scorecard_version(version=first, actor=actor)
    first.refresh_from_db()
    return scorecard, first


def make_interaction(service_line, *, reference="CALL-1", agent=None, occurred_at=None, **kw):
    """An interaction of ``service_line`` (defaults: a voice call an hour ago)."""
    from datetime import timedelta

    from django.utils import timezone

    from bpo.quality.services import evaluations

    return evaluations.record_interaction(
        service_line=service_line,
        reference=reference,
        channel=kw.pop("channel", "voice"),
        occurred_at=occurred_at or timezone.now() - timedelta(hours=1),
        agent=agent,
        **kw,
    )


def answers_of(version, texts):
    """``{criterion id: AnswerInput}`` from answer texts in the order of the version's
    criteria (sections by position, then criteria)."""
    from bpo.quality.services.evaluations import AnswerInput

    criteria = [c for s in version.sections.all() for c in s.criteria.all()]
    assert len(criteria) == len(texts), f"{len(criteria)} criteria, {len(texts)} answers"
    return {str(c.pk): AnswerInput(text) for c, text in zip(criteria, texts, strict=True)}


def submit_evaluation(version, interaction, evaluator, texts, *, comment=""):
    """An evaluation of ``interaction`` with ``version``, answered with ``texts`` and
    submitted."""
    from bpo.quality.services import evaluations

    evaluation = evaluations.start_evaluation(
        interaction=interaction, scorecard_version=version, evaluator=evaluator, actor=evaluator
    )
    return evaluations.save_evaluation(
        evaluation=evaluation,
        answers=answers_of(version, texts),
        overall_comment=comment,
        submit=True,
        actor=evaluator,
    )
