"""The roster's API shapes. Agents are read and written with names (team, site, skills,
templates) and client slugs, as the page and the CSV file write them."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from scheduling.roster.models import WEEKDAYS, Agent, TimeOffKind, TimeOffRequest
from scheduling.roster.services import AgentData


class SkillLevelSerializer(serializers.Serializer):
    skill = serializers.CharField(max_length=80)
    level = serializers.IntegerField(min_value=1, max_value=5)


class AgentServiceLineSerializer(serializers.Serializer):
    client = serializers.SlugField(help_text="The client's slug.")
    service_line_id = serializers.IntegerField(
        required=False, allow_null=True, help_text="One of its service lines; null: all lines."
    )


class PreferenceSerializer(serializers.Serializer):
    """A soft wish: to work (``wanted``) or not a weekday, a shift template, or both."""

    wanted = serializers.BooleanField(default=False)
    weekday = serializers.ChoiceField(choices=WEEKDAYS, required=False, allow_null=True)
    template = serializers.CharField(required=False, allow_null=True, allow_blank=True)
    weight = serializers.IntegerField(min_value=1, max_value=1000, default=50)

    def validate(self, attrs):
        if not attrs.get("weekday") and not attrs.get("template"):
            raise serializers.ValidationError("Name a weekday, a shift template or both.")
        return attrs


class AvailabilitySerializer(serializers.Serializer):
    """Per weekday ``HH:MM-HH:MM`` in the agent's zone, ``off``, or absent (any time)."""

    mon = serializers.CharField(required=False, allow_blank=True)
    tue = serializers.CharField(required=False, allow_blank=True)
    wed = serializers.CharField(required=False, allow_blank=True)
    thu = serializers.CharField(required=False, allow_blank=True)
    fri = serializers.CharField(required=False, allow_blank=True)
    sat = serializers.CharField(required=False, allow_blank=True)
    sun = serializers.CharField(required=False, allow_blank=True)


class AgentSerializer(serializers.ModelSerializer):
    email = serializers.SerializerMethodField()
    team = serializers.CharField(source="team.name", default="", read_only=True)
    site = serializers.CharField(source="site.name", default="", read_only=True)
    skills = serializers.SerializerMethodField()
    shift_templates = serializers.SerializerMethodField()
    service_lines = serializers.SerializerMethodField()
    preferences = serializers.SerializerMethodField()
    availability = AvailabilitySerializer()

    class Meta:
        model = Agent
        fields = [
            "id",
            "employee_number",
            "full_name",
            "email",
            "team",
            "site",
            "time_zone",
            "languages",
            "skills",
            "min_hours_per_week",
            "max_hours_per_week",
            "days_per_week",
            "shift_templates",
            "hourly_cost",
            "cost_currency",
            "availability",
            "starts_on",
            "ends_on",
            "service_lines",
            "max_consecutive_days",
            "min_consecutive_days_off",
            "max_weekends_per_4_weeks",
            "preferences",
        ]

    def get_email(self, agent: Agent) -> str:
        return agent.user.email if agent.user_id else ""  # type: ignore[union-attr]

    @extend_schema_field(SkillLevelSerializer(many=True))
    def get_skills(self, agent: Agent) -> list[dict]:
        return [{"skill": row.skill.name, "level": row.level} for row in agent.skill_levels.all()]

    def get_shift_templates(self, agent: Agent) -> list[str]:
        return [template.name for template in agent.shift_templates.all()]

    @extend_schema_field(AgentServiceLineSerializer(many=True))
    def get_service_lines(self, agent: Agent) -> list[dict]:
        return [
            {"client": row.client.slug, "service_line_id": row.service_line_id}
            for row in agent.service_lines.all()
        ]

    @extend_schema_field(PreferenceSerializer(many=True))
    def get_preferences(self, agent: Agent) -> list[dict]:
        return [
            {
                "wanted": row.is_wanted,
                "weekday": WEEKDAYS[row.weekday] if row.weekday is not None else None,
                "template": row.template.name if row.template_id else None,  # type: ignore[union-attr]
                "weight": row.weight,
            }
            for row in agent.preferences.all()
        ]


class AgentInputSerializer(serializers.Serializer):
    """Every field of an agent; on PATCH only the fields given change."""

    employee_number = serializers.CharField(max_length=40)
    full_name = serializers.CharField(max_length=160)
    email = serializers.EmailField(required=False, allow_blank=True)
    team = serializers.CharField(required=False, allow_blank=True)
    site = serializers.CharField(required=False, allow_blank=True)
    time_zone = serializers.CharField(max_length=64)
    languages = serializers.ListField(child=serializers.CharField(max_length=3), required=False)
    skills = SkillLevelSerializer(many=True, required=False)
    min_hours_per_week = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    max_hours_per_week = serializers.DecimalField(max_digits=5, decimal_places=2, required=False)
    days_per_week = serializers.IntegerField(min_value=0, max_value=7, required=False)
    shift_templates = serializers.ListField(child=serializers.CharField(), required=False)
    hourly_cost = serializers.DecimalField(max_digits=10, decimal_places=2, required=False)
    cost_currency = serializers.CharField(max_length=3)
    availability = AvailabilitySerializer(required=False)
    starts_on = serializers.DateField(required=False)
    ends_on = serializers.DateField(required=False, allow_null=True)
    service_lines = AgentServiceLineSerializer(many=True, required=False)
    max_consecutive_days = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=14, help_text="null: no limit."
    )
    min_consecutive_days_off = serializers.IntegerField(
        required=False, allow_null=True, min_value=1, max_value=7, help_text="null: no limit."
    )
    max_weekends_per_4_weeks = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=4, help_text="null: no limit."
    )
    preferences = PreferenceSerializer(many=True, required=False)

    def agent_data(self, base: AgentData | None = None) -> AgentData:
        """The validated input over ``base`` (the agent as it is, for a partial update)."""
        values = dict(self.validated_data)
        data = base or AgentData(employee_number="", full_name="", time_zone="", cost_currency="")
        for name, value in values.items():
            if name == "skills":
                value = {row["skill"]: row["level"] for row in value}
            elif name == "service_lines":
                value = [(row["client"], row.get("service_line_id")) for row in value]
            elif name == "availability":
                value = {day: text for day, text in value.items() if day in WEEKDAYS and text}
            elif name == "preferences":
                value = [
                    (row["wanted"], row.get("weekday"), row.get("template") or None, row["weight"])
                    for row in value
                ]
            setattr(data, name, value)
        return data


class TimeOffRequestSerializer(serializers.ModelSerializer):
    agent_name = serializers.CharField(source="agent.full_name", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = TimeOffRequest
        fields = [
            "id",
            "agent",
            "agent_name",
            "starts_on",
            "ends_on",
            "kind",
            "kind_label",
            "status",
            "status_label",
            "days",
            "note",
            "refusal_reason",
            "requested_at",
            "decided_at",
        ]
        read_only_fields = fields


class TimeOffInputSerializer(serializers.Serializer):
    agent = serializers.IntegerField(
        required=False, help_text="The agent's id; an agent leaves it out (their own)."
    )
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    kind = serializers.ChoiceField(choices=TimeOffKind.choices)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class RefusalSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=500)
