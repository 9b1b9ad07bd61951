"""QA scorecards of one client, in the client's own schema: a scorecard (per client, optionally
per service line) and its versions; a version's sections and criteria are what an evaluation is
scored against (``bpo.quality.scoring``).

A version moves draft -> published -> retired. Published and retired versions never change
(the services refuse, and a database trigger, migration ``0002_scorecard_immutability``, is the
backstop), so an evaluation can keep the version it was scored with by pointing at it: a change
of scoring is a new version, copied from the last one.

Every model here is registered with django-auditlog (``bpo.quality.audit``); child rows name
their scorecard in ``get_additional_data`` so a scorecard's page shows its whole history.
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower

from bpo.catalog.models import Channel
from bpo.quality import scoring


class Scorecard(models.Model):
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    # Empty: the scorecard applies to every line of the client.
    service_line = models.ForeignKey(
        "catalog.ServiceLine",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scorecards",
    )
    # Not scoring: it changes without a new version.
    dispute_window_days = models.PositiveSmallIntegerField(
        default=7,
        help_text="Days after release in which the agent or the client may dispute an evaluation.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(Lower("name"), name="scorecard_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_additional_data(self) -> dict:
        return {"scorecard": self.pk}


class ScorecardVersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    PUBLISHED = "published", "Published"
    RETIRED = "retired", "Retired"


IMMUTABLE_SCORECARD_STATUSES = frozenset(
    {ScorecardVersionStatus.PUBLISHED, ScorecardVersionStatus.RETIRED}
)

# A reference from a client's schema to a user of the public schema (see bpo/catalog/models.py).
_PUBLIC_USER: dict = {"on_delete": models.DO_NOTHING, "db_constraint": False}


class ScorecardVersion(models.Model):
    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10,
        choices=ScorecardVersionStatus.choices,
        default=ScorecardVersionStatus.DRAFT,
    )
    change_summary = models.CharField(max_length=500)
    pass_mark_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("80"),
        help_text="An evaluation passes at or above this overall score (and without auto-fail).",
    )
    based_on = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, **_PUBLIC_USER
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, **_PUBLIC_USER
    )
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["scorecard", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "number"], name="scorecard_version_number"
            ),
            # One published version per scorecard at a time.
            models.UniqueConstraint(
                fields=["scorecard"],
                condition=models.Q(status="published"),
                name="scorecard_one_published_version",
            ),
            # One draft at a time: the next change of scoring is written in one place.
            models.UniqueConstraint(
                fields=["scorecard"],
                condition=models.Q(status="draft"),
                name="scorecard_one_draft_version",
            ),
            models.CheckConstraint(
                condition=models.Q(pass_mark_percent__gte=0, pass_mark_percent__lte=100),
                name="scorecard_version_pass_mark_0_100",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} v{self.number}"

    @property
    def is_immutable(self) -> bool:
        return self.status in IMMUTABLE_SCORECARD_STATUSES

    def get_additional_data(self) -> dict:
        return {"scorecard": self.scorecard_id, "scorecard_version": self.pk}


class ScorecardSection(models.Model):
    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120)
    weight = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("1"))
    auto_fail_below_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Below this score the section fails the whole evaluation; empty: never.",
    )

    class Meta:
        ordering = ["version", "position"]
        constraints = [
            # Deferred, so reordering can swap two positions inside one transaction.
            models.UniqueConstraint(
                fields=["version", "position"],
                name="scorecard_section_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="scorecard_section_weight"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_additional_data(self) -> dict:
        return {"scorecard": self.version.scorecard_id, "scorecard_version": self.version_id}


class Scale(models.TextChoices):
    YES_NO = scoring.Scale.YES_NO.value, "Yes / no"
    ONE_TO_FIVE = scoring.Scale.ONE_TO_FIVE.value, "1 to 5"
    POINTS = scoring.Scale.POINTS.value, "Points"


class AutoFail(models.TextChoices):
    NONE = scoring.AutoFail.NONE.value, "No"
    SECTION = scoring.AutoFail.SECTION.value, "Fails its section"
    EVALUATION = scoring.AutoFail.EVALUATION.value, "Fails the whole evaluation"


class ScorecardCriterion(models.Model):
    section = models.ForeignKey(ScorecardSection, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300, help_text="What the evaluator checks.")
    guidance = models.TextField(blank=True, help_text="How to judge it, for evaluators.")
    weight = models.DecimalField(max_digits=7, decimal_places=2, default=Decimal("1"))
    scale = models.CharField(max_length=12, choices=Scale.choices, default=Scale.YES_NO)
    max_points = models.PositiveIntegerField(null=True, blank=True)
    allows_na = models.BooleanField(default=False, verbose_name="N/A allowed")
    auto_fail = models.CharField(max_length=10, choices=AutoFail.choices, default=AutoFail.NONE)
    is_bonus = models.BooleanField(default=False, verbose_name="bonus")

    class Meta:
        ordering = ["section", "position"]
        verbose_name_plural = "scorecard criteria"
        constraints = [
            models.UniqueConstraint(
                fields=["section", "position"],
                name="scorecard_criterion_position",
                deferrable=models.Deferrable.DEFERRED,
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0), name="scorecard_criterion_weight"
            ),
            models.CheckConstraint(
                condition=models.Q(scale="points", max_points__gte=1)
                | (~models.Q(scale="points") & models.Q(max_points__isnull=True)),
                name="scorecard_criterion_points",
            ),
            models.CheckConstraint(
                condition=models.Q(is_bonus=False) | models.Q(auto_fail="none"),
                name="scorecard_criterion_bonus_not_auto_fail",
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def get_additional_data(self) -> dict:
        version = self.section.version
        return {"scorecard": version.scorecard_id, "scorecard_version": version.pk}

    def as_spec(self) -> scoring.CriterionSpec:
        return scoring.CriterionSpec(
            key=str(self.pk),
            weight=Fraction(self.weight),
            scale=scoring.Scale(self.scale),
            max_points=self.max_points,
            allows_na=self.allows_na,
            auto_fail=scoring.AutoFail(self.auto_fail),
            is_bonus=self.is_bonus,
            label=self.text,
        )


# --- evaluations -------------------------------------------------------------------------------
#
# An interaction is one contact that may be evaluated (imported from a CSV or the API, or typed
# in with an evaluation). A sampling plan per line says how many to evaluate; a draw picks them
# at random (reproducibly: its seed is stored) and creates one evaluation per picked interaction,
# assigned to an evaluator. An evaluation keeps the scorecard version it is scored with (which
# never changes) and its answers; its score is stored when it is submitted, so lists and weekly
# figures read one column. Calibration evaluations (``calibration_session`` set) never count in
# the QA score.


class Interaction(models.Model):
    service_line = models.ForeignKey(
        "catalog.ServiceLine", on_delete=models.PROTECT, related_name="qa_interactions"
    )
    reference = models.CharField(
        max_length=120, help_text="The interaction's id in the client's system."
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    occurred_at = models.DateTimeField()
    link = models.URLField(max_length=500, blank=True)
    agent = models.ForeignKey("roster.Agent", related_name="+", null=True, **_PUBLIC_USER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-occurred_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["service_line", "reference"], name="qa_interaction_unique_reference"
            ),
        ]
        indexes = [models.Index(fields=["service_line", "occurred_at"])]

    def __str__(self) -> str:
        return self.reference


class SamplingMode(models.TextChoices):
    PER_AGENT = "per_agent", "Evaluations per agent per week"
    SHARE = "share", "A share of the week's interactions"


class SamplingPlan(models.Model):
    """How many interactions of a line are evaluated each week (one plan per line)."""

    service_line = models.OneToOneField(
        "catalog.ServiceLine", on_delete=models.PROTECT, related_name="sampling_plan"
    )
    mode = models.CharField(
        max_length=10, choices=SamplingMode.choices, default=SamplingMode.PER_AGENT
    )
    evaluations_per_agent = models.PositiveSmallIntegerField(null=True, blank=True)
    share_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(
                        mode="per_agent",
                        evaluations_per_agent__gte=1,
                        share_percent__isnull=True,
                    )
                    | models.Q(
                        mode="share",
                        share_percent__gt=0,
                        share_percent__lte=100,
                        evaluations_per_agent__isnull=True,
                    )
                ),
                name="qa_sampling_plan_size",
            ),
        ]

    def __str__(self) -> str:
        return f"Sampling plan of {self.service_line}"

    def get_additional_data(self) -> dict:
        return {"service_line": self.service_line_id}


class SampleDraw(models.Model):
    """One draw of a plan for one week: the seed makes it reproducible (the same interactions
    and the same seed pick the same sample)."""

    sampling_plan = models.ForeignKey(SamplingPlan, on_delete=models.PROTECT, related_name="draws")
    week_starts_on = models.DateField(help_text="The Monday of the ISO week, in the client's zone.")
    seed = models.BigIntegerField()
    population = models.PositiveIntegerField()
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, **_PUBLIC_USER
    )
    drawn_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-week_starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sampling_plan", "week_starts_on"], name="qa_one_draw_per_plan_week"
            ),
        ]

    def __str__(self) -> str:
        return f"Sample of the week of {self.week_starts_on}"


class CalibrationStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class CalibrationSession(models.Model):
    """Several evaluators score the same interactions with the same version; their agreement
    is measured per criterion and per evaluator. Its evaluations never count in QA scores."""

    title = models.CharField(max_length=160)
    scorecard_version = models.ForeignKey(
        ScorecardVersion, on_delete=models.PROTECT, related_name="calibration_sessions"
    )
    status = models.CharField(
        max_length=8, choices=CalibrationStatus.choices, default=CalibrationStatus.OPEN
    )
    # The expert's answers are the reference of the alignment score.
    expert = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, **_PUBLIC_USER
    )
    participants = models.JSONField(
        default=list, blank=True, help_text="Ids of the users invited to score."
    )
    # What every participant scores (migration 0005_calibration_interactions_and_figures).
    interactions = models.ManyToManyField(
        Interaction, related_name="calibration_sessions", blank=True
    )
    # ``bpo.quality.agreement.Agreement.as_dict()`` of the submitted scores, with the ``key``
    # of the scores it was computed from: refreshed on each submitted score, frozen on close.
    agreement = models.JSONField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, **_PUBLIC_USER
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class EvaluationStatus(models.TextChoices):
    ASSIGNED = "assigned", "Assigned"  # drawn and handed out, not yet started
    DRAFT = "draft", "Draft"  # answers being entered
    SUBMITTED = "submitted", "Submitted"  # scored, not yet shown to the agent
    RELEASED = "released", "Released"  # shown to the agent, waiting for acknowledgement
    ACKNOWLEDGED = "acknowledged", "Acknowledged"
    DISPUTED = "disputed", "Disputed"  # a dispute waits for a decision


# Statuses whose score counts in the week's QA figures.
SCORED_EVALUATION_STATUSES = frozenset(
    {
        EvaluationStatus.SUBMITTED,
        EvaluationStatus.RELEASED,
        EvaluationStatus.ACKNOWLEDGED,
        EvaluationStatus.DISPUTED,
    }
)


class Evaluation(models.Model):
    scorecard_version = models.ForeignKey(
        ScorecardVersion, on_delete=models.PROTECT, related_name="evaluations"
    )
    service_line = models.ForeignKey(
        "catalog.ServiceLine", on_delete=models.PROTECT, related_name="qa_evaluations"
    )
    interaction = models.ForeignKey(
        Interaction, on_delete=models.PROTECT, related_name="evaluations"
    )
    agent = models.ForeignKey("roster.Agent", related_name="+", null=True, **_PUBLIC_USER)
    evaluator = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, **_PUBLIC_USER
    )
    status = models.CharField(
        max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT
    )
    draw = models.ForeignKey(
        SampleDraw, on_delete=models.PROTECT, null=True, blank=True, related_name="evaluations"
    )
    calibration_session = models.ForeignKey(
        CalibrationSession,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
    )
    # The week it counts in: the interaction's ISO week in the client's zone (its Monday).
    week_starts_on = models.DateField()
    due_on = models.DateField(null=True, blank=True)
    overall_comment = models.TextField(blank=True)
    # Stored when submitted (and again after a dispute decision): two decimals, as shown.
    score_percent = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    is_passed = models.BooleanField(null=True, blank=True)
    is_auto_failed = models.BooleanField(default=False)
    auto_fail_reasons = models.JSONField(default=list, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    released_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-week_starts_on", "-id"]
        constraints = [
            # One evaluation of an interaction per evaluator and session (or outside one).
            models.UniqueConstraint(
                fields=["interaction", "evaluator"],
                condition=models.Q(calibration_session__isnull=True),
                name="qa_one_evaluation_per_interaction_evaluator",
            ),
            models.UniqueConstraint(
                fields=["calibration_session", "interaction", "evaluator"],
                condition=models.Q(calibration_session__isnull=False),
                name="qa_one_calibration_score_per_evaluator",
            ),
        ]
        indexes = [
            models.Index(fields=["service_line", "week_starts_on", "status"]),
            models.Index(fields=["evaluator", "status"]),
            models.Index(fields=["agent", "status"]),
        ]

    def __str__(self) -> str:
        return f"Evaluation of {self.interaction}"

    @property
    def counts_in_qa(self) -> bool:
        return self.calibration_session_id is None and self.status in SCORED_EVALUATION_STATUSES

    def get_additional_data(self) -> dict:
        return {"evaluation": self.pk}


class EvaluationAnswer(models.Model):
    """The answer to one criterion: ``value`` is 1/0 for yes/no, the number for 1-5 and points,
    empty with ``is_na`` for N/A (and empty while a draft is unanswered)."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey(
        ScorecardCriterion, on_delete=models.PROTECT, related_name="answers"
    )
    value = models.PositiveIntegerField(null=True, blank=True)
    is_na = models.BooleanField(default=False)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["evaluation", "criterion__section__position", "criterion__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "criterion"], name="qa_one_answer_per_criterion"
            ),
            models.CheckConstraint(
                condition=models.Q(is_na=False) | models.Q(value__isnull=True),
                name="qa_answer_na_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return "N/A" if self.is_na else str(self.value)

    def get_additional_data(self) -> dict:
        return {"evaluation": self.evaluation_id}

    def as_answer(self, criterion: scoring.CriterionSpec) -> object:
        """The value ``scoring.score`` takes: NA, a bool (yes/no), an int, or None."""
        if self.is_na:
            return scoring.NA
        if self.value is None:
            return None
        if criterion.scale == scoring.Scale.YES_NO:
            return bool(self.value)
        return self.value


class DisputeStatus(models.TextChoices):
    OPEN = "open", "Waiting for a decision"
    ACCEPTED = "accepted", "Accepted"
    PARTIAL = "partial", "Partly accepted"
    REJECTED = "rejected", "Rejected"


class Dispute(models.Model):
    """An agent or client admin disputes an evaluation (or one criterion of it) with a reason;
    a QA analyst decides with a reason. The scores before and after are kept."""

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="disputes")
    criterion = models.ForeignKey(
        ScorecardCriterion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, **_PUBLIC_USER
    )
    reason = models.TextField()
    status = models.CharField(
        max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, related_name="+", null=True, blank=True, **_PUBLIC_USER
    )
    decision_reason = models.TextField(blank=True)
    score_before = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    score_after = models.DecimalField(max_digits=7, decimal_places=2, null=True, blank=True)
    # The answers the decision changed, as shown: [{"criterion": id, "text": "Resolves the
    # issue", "before": "2", "after": "4"}, ...] (answers as typed: "yes", "no", "na", "3").
    answer_changes = models.JSONField(default=list, blank=True)
    raised_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            # One open dispute per evaluation at a time.
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=models.Q(status="open"),
                name="qa_one_open_dispute_per_evaluation",
            ),
        ]

    def __str__(self) -> str:
        return f"Dispute of {self.evaluation}"

    def get_additional_data(self) -> dict:
        return {"evaluation": self.evaluation_id}
