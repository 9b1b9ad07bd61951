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
