"""The API shapes of a client's shift plans: a plan with its figures, its shifts (each naming
its agent in public), its revisions, what publishing would change, and the edit requests.

Times are ISO 8601 instants: the answers in the client's zone with its offset (as every client
API answers), a request with any offset, or none (then the client's zone). The figures are the ones the pages show, as last computed (by the planning
run, then by every edit)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scheduling.planning.models import ActivityKind, Plan, PlanRevision, PlanShift


class PlanFiguresSerializer(serializers.Serializer):
    """What the plan's figures hold (a key is absent until something computed it)."""

    coverage_pct = serializers.FloatField(
        required=False, help_text="Share of the required agent hours covered, in %."
    )
    required_hours = serializers.FloatField(required=False)
    covered_hours = serializers.FloatField(required=False)
    shortfall_hours = serializers.FloatField(required=False, help_text="Short, in agent hours.")
    over_hours = serializers.FloatField(required=False, help_text="Over, in agent hours.")
    planned_hours = serializers.FloatField(required=False)
    shifts = serializers.IntegerField(required=False)
    agents = serializers.IntegerField(required=False)
    cost = serializers.FloatField(required=False, help_text="In the agents' cost currency.")
    run_objective = serializers.FloatField(required=False)
    run_lower_bound = serializers.FloatField(required=False)
    run_gap_pct = serializers.FloatField(
        required=False, help_text="Gap of the planning run to its lower bound, in %."
    )
    edited = serializers.BooleanField(required=False, help_text="Changed by hand since the run.")


class PlanSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    shift_count = serializers.SerializerMethodField()
    agent_count = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()
    planning_run = serializers.IntegerField(source="planning_run_id", allow_null=True)

    class Meta:
        model = Plan
        fields = [
            "id",
            "week_starts_on",
            "time_zone",
            "status",
            "status_label",
            "revision",
            "has_unpublished_changes",
            "planning_run",
            "shift_count",
            "agent_count",
            "figures",
            "created_at",
            "updated_at",
            "published_at",
        ]
        read_only_fields = fields

    def _counts(self, plan: Plan) -> tuple[int, int]:
        if hasattr(plan, "shift_count"):
            return plan.shift_count, plan.agent_count  # type: ignore[attr-defined]
        agents = list(PlanShift.objects.filter(plan=plan).values_list("agent_id", flat=True))
        return len(agents), len(set(agents))

    def get_shift_count(self, plan: Plan) -> int:
        return self._counts(plan)[0]

    def get_agent_count(self, plan: Plan) -> int:
        return self._counts(plan)[1]

    @extend_schema_field(PlanFiguresSerializer)
    def get_figures(self, plan: Plan) -> dict:
        return PlanFiguresSerializer(plan.figures or {}).data


class ActivitySerializer(serializers.Serializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    kind = serializers.ChoiceField(choices=ActivityKind.choices)
    line = serializers.IntegerField(allow_null=True, help_text="The service line worked.")


class PlanShiftSerializer(serializers.ModelSerializer):
    agent = serializers.IntegerField(source="agent_id", help_text="The roster agent's id.")
    agent_name = serializers.SerializerMethodField()
    service_line = serializers.IntegerField(source="service_line_id")
    service_line_name = serializers.CharField(source="service_line.name")
    activities = serializers.SerializerMethodField()
    hours = serializers.SerializerMethodField()

    class Meta:
        model = PlanShift
        fields = [
            "id",
            "agent",
            "agent_name",
            "service_line",
            "service_line_name",
            "starts_at",
            "ends_at",
            "hours",
            "template_name",
            "activities",
            "is_manual",
            "updated_at",
        ]
        read_only_fields = fields

    def get_agent_name(self, shift: PlanShift) -> str:
        return self.context.get("agent_names", {}).get(shift.agent_id, "")

    @extend_schema_field(ActivitySerializer(many=True))
    def get_activities(self, shift: PlanShift) -> list[dict]:
        from scheduling.planning.selectors.plans import shift_parts

        return [
            {"start": p.starts_at, "end": p.ends_at, "kind": p.kind, "line": p.line_id}
            for p in shift_parts(shift)
        ]

    def get_hours(self, shift: PlanShift) -> float:
        return round((shift.ends_at - shift.starts_at).total_seconds() / 3600, 2)


class ChangedShiftSerializer(serializers.Serializer):
    agent_id = serializers.IntegerField()
    agent = serializers.CharField(help_text="The agent's name.")
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    line_id = serializers.IntegerField(allow_null=True)
    shift_id = serializers.IntegerField(required=False)


class MovedShiftSerializer(ChangedShiftSerializer):
    before = ChangedShiftSerializer(help_text="The shift as it was last published.")


class PlanChangesSerializer(serializers.Serializer):
    """A publication's changes against the week's bookings (before it, or what the next would
    change)."""

    added = ChangedShiftSerializer(many=True)
    removed = ChangedShiftSerializer(many=True)
    moved = MovedShiftSerializer(many=True)
    unchanged = serializers.IntegerField(required=False)


class PlanRevisionSerializer(serializers.ModelSerializer):
    published_by = serializers.SerializerMethodField()
    changes = serializers.SerializerMethodField()
    figures = serializers.SerializerMethodField()

    class Meta:
        model = PlanRevision
        fields = [
            "id",
            "number",
            "published_at",
            "published_by",
            "reason",
            "shift_count",
            "changes",
            "figures",
        ]
        read_only_fields = fields

    def get_published_by(self, revision: PlanRevision) -> str:
        user = revision.published_by if revision.published_by_id else None
        return (user.get_full_name() or user.email) if user is not None else ""

    @extend_schema_field(PlanChangesSerializer)
    def get_changes(self, revision: PlanRevision) -> dict:
        changes = revision.changes or {}
        return {
            "added": changes.get("added", []),
            "removed": changes.get("removed", []),
            "moved": changes.get("moved", []),
            **({"unchanged": changes["unchanged"]} if "unchanged" in changes else {}),
        }

    @extend_schema_field(PlanFiguresSerializer)
    def get_figures(self, revision: PlanRevision) -> dict:
        return PlanFiguresSerializer(revision.figures or {}).data


class PlanEditResultSerializer(serializers.Serializer):
    """An accepted edit: what it did in words, the plan with its recomputed figures, and the
    shift as it now is (``null`` once removed)."""

    summary = serializers.CharField()
    plan = PlanSerializer()
    shift = PlanShiftSerializer(allow_null=True)


class AddShiftSerializer(serializers.Serializer):
    agent = serializers.IntegerField(help_text="The roster agent's id.")
    service_line = serializers.IntegerField(help_text="One of the client's service lines.")
    starts_at = serializers.DateTimeField(help_text="Within the plan's week.")
    ends_at = serializers.DateTimeField(help_text="After the start; a shift lasts at most 16 h.")


class MoveShiftSerializer(serializers.Serializer):
    """Other times, day, agent or line; an agent or line left out stays as it is."""

    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    agent = serializers.IntegerField(required=False, allow_null=True)
    service_line = serializers.IntegerField(required=False, allow_null=True)


class ChangeLineSerializer(serializers.Serializer):
    """The work of ``starts_at`` to ``ends_at`` (within the shift) moved to another line."""

    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    service_line = serializers.IntegerField()


class PublishSerializer(serializers.Serializer):
    reason = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=300,
        help_text="Why a published week changes (an amendment: a sick call); required to "
        "publish a plan again or a new plan for a published week.",
    )
