"""The roster's page forms. Text fields use the CSV file's formats (``scheduling.roster.fields``),
so what a scheduler types in the page is what the spreadsheet holds."""

from __future__ import annotations

from django import forms

from scheduling.roster import fields as text
from scheduling.roster import selectors
from scheduling.roster.models import WEEKDAY_NAMES, WEEKDAYS, ShiftKind, TimeOffKind
from scheduling.roster.services import AgentData

DATE_INPUT = forms.DateInput(attrs={"type": "date"})


def _parsed(parser, value):
    try:
        return parser(value)
    except ValueError as error:
        raise forms.ValidationError(str(error)) from None


class AgentFilterForm(forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": "Name or employee number"}),
    )
    team: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All teams"
    )
    site: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All sites"
    )
    skill: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All skills"
    )
    client: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All clients"
    )
    week = forms.ChoiceField(
        label="This week",
        required=False,
        choices=[("", "Any"), ("unplanned", "No shift and no time off")],
    )

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = selectors.list_teams()  # type: ignore[attr-defined]
        self.fields["site"].queryset = selectors.list_sites()  # type: ignore[attr-defined]
        self.fields["skill"].queryset = selectors.list_skills()  # type: ignore[attr-defined]
        self.fields["client"].queryset = clients  # type: ignore[attr-defined]


class AgentForm(forms.Form):
    employee_number = forms.CharField(max_length=40)
    full_name = forms.CharField(label="Name", max_length=160)
    email = forms.EmailField(
        label="Login e-mail", required=False, help_text="The account the agent signs in with."
    )
    team = forms.ChoiceField(required=False)
    site = forms.ChoiceField(label="Home site", required=False)
    time_zone = forms.CharField(max_length=64, help_text="IANA name, e.g. America/New_York.")
    languages = forms.CharField(required=False, help_text="ISO 639 codes: en, es")
    skills = forms.CharField(required=False, help_text="Skill:level (1-5): Billing:4; Returns:2")
    min_hours_per_week = forms.DecimalField(label="Minimum hours a week", min_value=0)
    max_hours_per_week = forms.DecimalField(label="Maximum hours a week", min_value=0)
    days_per_week = forms.IntegerField(min_value=0, max_value=7)
    shift_templates = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    max_consecutive_days = forms.IntegerField(
        label="Most working days in a row",
        required=False,
        min_value=1,
        max_value=14,
        help_text="Empty: no limit. Counts the days before the week too.",
    )
    min_consecutive_days_off = forms.IntegerField(
        label="Fewest days off in a row",
        required=False,
        min_value=1,
        max_value=7,
        help_text="Empty: no limit. Between two working days.",
    )
    max_weekends_per_4_weeks = forms.IntegerField(
        label="Most weekends worked in 4 weeks",
        required=False,
        min_value=0,
        max_value=4,
        help_text="Empty: no limit. A weekend with any shift on Saturday or Sunday counts.",
    )
    preferences = forms.CharField(
        label="Wishes",
        required=False,
        help_text="prefer or avoid a weekday, a template or both, :weight (1-1000, 50 if left "
        "out): avoid sat:80; prefer mon Early",
    )
    hourly_cost = forms.DecimalField(min_value=0, decimal_places=2)
    cost_currency = forms.CharField(label="Currency", max_length=3, help_text="ISO 4217: EUR")
    starts_on = forms.DateField(label="Start date", widget=DATE_INPUT)
    ends_on = forms.DateField(label="End date", required=False, widget=DATE_INPUT)
    service_lines = forms.CharField(
        label="May serve",
        required=False,
        help_text="Client addresses, with a line number for one line only: shopright; cloudlane:12",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", "No team")] + [  # type: ignore[attr-defined]
            (team.name, team.name) for team in selectors.list_teams()
        ]
        self.fields["site"].choices = [("", "No site")] + [  # type: ignore[attr-defined]
            (site.name, site.name) for site in selectors.list_sites()
        ]
        self.fields["shift_templates"].choices = [  # type: ignore[attr-defined]
            (template.name, template.name) for template in selectors.list_shift_templates()
        ]
        for day, name in zip(WEEKDAYS, WEEKDAY_NAMES, strict=True):
            self.fields[f"availability_{day}"] = forms.CharField(
                label=name, required=False, help_text="08:00-18:00, off, or empty: any time"
            )

    @property
    def availability_fields(self):
        return [self[f"availability_{day}"] for day in WEEKDAYS]

    @property
    def main_fields(self):
        return [field for field in self if not field.name.startswith("availability_")]

    def clean_languages(self):
        return text.parse_list(self.cleaned_data["languages"])

    def clean_skills(self):
        return _parsed(text.parse_skills, self.cleaned_data["skills"])

    def clean_service_lines(self):
        return _parsed(text.parse_service_lines, self.cleaned_data["service_lines"])

    def clean_preferences(self):
        return _parsed(text.parse_preferences, self.cleaned_data["preferences"])

    def clean(self):
        cleaned = super().clean() or {}
        for day in WEEKDAYS:
            name = f"availability_{day}"
            if name in cleaned:
                try:
                    cleaned[name] = text.parse_period(cleaned[name])
                except ValueError as error:
                    self.add_error(name, str(error))
        return cleaned

    def agent_data(self) -> AgentData:
        data = self.cleaned_data
        return AgentData(
            employee_number=data["employee_number"],
            full_name=data["full_name"],
            email=data.get("email") or "",
            team=data.get("team") or "",
            site=data.get("site") or "",
            time_zone=data["time_zone"].strip(),
            languages=data["languages"],
            skills=data["skills"],
            min_hours_per_week=data["min_hours_per_week"],
            max_hours_per_week=data["max_hours_per_week"],
            days_per_week=data["days_per_week"],
            shift_templates=list(data["shift_templates"]),
            hourly_cost=data["hourly_cost"],
            cost_currency=data["cost_currency"].strip(),
            availability={
                day: data[f"availability_{day}"]
                for day in WEEKDAYS
                if data.get(f"availability_{day}")
            },
            starts_on=data["starts_on"],
            ends_on=data.get("ends_on"),
            service_lines=data["service_lines"],
            max_consecutive_days=data.get("max_consecutive_days"),
            min_consecutive_days_off=data.get("min_consecutive_days_off"),
            max_weekends_per_4_weeks=data.get("max_weekends_per_4_weeks"),
            preferences=data["preferences"],
        )

    @classmethod
    def initial_of(cls, data: AgentData) -> dict:
        initial = {
            "employee_number": data.employee_number,
            "full_name": data.full_name,
            "email": data.email,
            "team": data.team,
            "site": data.site,
            "time_zone": data.time_zone,
            "languages": ", ".join(data.languages),
            "skills": text.format_skills(data.skills),
            "min_hours_per_week": data.min_hours_per_week,
            "max_hours_per_week": data.max_hours_per_week,
            "days_per_week": data.days_per_week,
            "shift_templates": data.shift_templates,
            "hourly_cost": data.hourly_cost,
            "cost_currency": data.cost_currency,
            "starts_on": data.starts_on,
            "ends_on": data.ends_on,
            "service_lines": text.format_service_lines(data.service_lines),
            "max_consecutive_days": data.max_consecutive_days,
            "min_consecutive_days_off": data.min_consecutive_days_off,
            "max_weekends_per_4_weeks": data.max_weekends_per_4_weeks,
            "preferences": text.format_preferences(data.preferences),
        }
        for day in WEEKDAYS:
            initial[f"availability_{day}"] = data.availability.get(day, "")
        return initial


class ShiftTemplateForm(forms.Form):
    name = forms.CharField(max_length=80)
    length_minutes = forms.IntegerField(label="Length (minutes)", min_value=15, max_value=1440)
    start_times = forms.CharField(help_text="Times of day it may start: 06:00, 08:00, 10:30")
    paid_break_minutes = forms.IntegerField(label="Paid break (minutes)", min_value=0, initial=0)
    kind = forms.ChoiceField(
        choices=[("", "From its first start time"), *ShiftKind.choices],
        required=False,
        help_text="Night when it runs into 00:00-05:00, evening from a 12:00 start, day "
        "otherwise. A day shift may not follow a night shift the day before.",
    )
    breaks = forms.CharField(
        label="Breaks and lunches",
        required=False,
        help_text="Kind, minutes and the window its start lies in after the shift starts: "
        "lunch 30 3:00-5:00; break 15 1:30-2:30",
    )
    is_active = forms.BooleanField(label="In use", required=False, initial=True)

    def clean_start_times(self):
        return _parsed(text.parse_start_times, self.cleaned_data["start_times"])

    def clean_breaks(self):
        return _parsed(text.parse_breaks, self.cleaned_data["breaks"])

    @staticmethod
    def initial_of(template) -> dict:
        return {
            "name": template.name,
            "length_minutes": template.length_minutes,
            "start_times": template.start_times_display,
            "paid_break_minutes": template.paid_break_minutes,
            "kind": template.kind,
            "breaks": text.format_breaks(
                (rule.kind, rule.minutes, rule.earliest_minute, rule.latest_minute)
                for rule in template.breaks.all()
            ),
            "is_active": template.is_active,
        }


class TimeOffForm(forms.Form):
    agent: forms.ModelChoiceField = forms.ModelChoiceField(queryset=None, required=False)
    starts_on = forms.DateField(label="First day", widget=DATE_INPUT)
    ends_on = forms.DateField(label="Last day", widget=DATE_INPUT)
    kind = forms.ChoiceField(choices=TimeOffKind.choices, initial=TimeOffKind.VACATION)
    note = forms.CharField(
        required=False, max_length=500, widget=forms.TextInput(), help_text="Optional."
    )

    def __init__(self, *args, agents=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agents is None:
            del self.fields["agent"]
        else:
            self.fields["agent"].queryset = agents  # type: ignore[attr-defined]
            self.fields["agent"].required = True


class AllowanceForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    days = forms.DecimalField(label="Vacation days", min_value=0, max_value=366, decimal_places=1)


class EndAgentForm(forms.Form):
    ends_on = forms.DateField(label="Last working day", widget=DATE_INPUT)


class RosterImportForm(forms.Form):
    file = forms.FileField(label="Roster file (CSV)", help_text="The columns of docs/roster.md.")


class TeamForm(forms.Form):
    name = forms.CharField(max_length=120)
    lead_agent: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, label="Team lead", empty_label="No lead"
    )
    max_off = forms.IntegerField(
        label="At most off at once",
        min_value=1,
        required=False,
        help_text="Agents of the team with approved time off on one day; empty: no cap.",
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "team")
        super().__init__(*args, **kwargs)
        self.fields["lead_agent"].queryset = selectors.list_all_agents()  # type: ignore[attr-defined]


class SiteForm(forms.Form):
    name = forms.CharField(max_length=120)
    time_zone = forms.CharField(max_length=64, help_text="IANA name, e.g. Europe/Lisbon.")

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "site")
        super().__init__(*args, **kwargs)


class SkillForm(forms.Form):
    name = forms.CharField(max_length=80)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "skill")
        super().__init__(*args, **kwargs)


# --- worked time and period locks (issue 10) -----------------------------------------------------


class WorkedImportForm(forms.Form):
    file = forms.FileField(
        label="Time-clock file (CSV)",
        help_text="employee_number, date, clock_in, clock_out, and optionally in_state_minutes.",
    )


class ProductiveImportForm(forms.Form):
    file = forms.FileField(
        label="Productive time file (CSV)",
        help_text="employee_number, date, client (its address), line (name or number), minutes.",
    )


class WorkedWeekForm(forms.Form):
    week = forms.DateField(label="Week of", required=False, widget=DATE_INPUT)
    team: forms.ModelChoiceField = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="All my teams"
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = teams  # type: ignore[attr-defined]


class WorkedDayForm(forms.Form):
    worked = forms.CharField(
        label="Worked time", max_length=6, help_text="Hours and minutes, e.g. 7:45."
    )
    in_state = forms.CharField(
        label="In the scheduled state",
        max_length=6,
        required=False,
        help_text="Hours and minutes; empty: the worked part of the scheduled time.",
    )
    reason = forms.CharField(max_length=300, help_text="Kept in the agent's history.")

    @staticmethod
    def _minutes(value: str) -> int:
        hours, _, minutes = value.strip().partition(":")
        if not hours.isdigit() or (minutes and (not minutes.isdigit() or int(minutes) > 59)):
            raise forms.ValidationError("Write hours and minutes, e.g. 7:45.")
        return int(hours) * 60 + int(minutes or 0)

    def clean_worked(self) -> int:
        return self._minutes(self.cleaned_data["worked"])

    def clean_in_state(self) -> int | None:
        value = self.cleaned_data["in_state"]
        return self._minutes(value) if value.strip() else None


class PeriodLockForm(forms.Form):
    starts_on = forms.DateField(label="First day", widget=DATE_INPUT)
    ends_on = forms.DateField(label="Last day", widget=DATE_INPUT)
    note = forms.CharField(max_length=300, required=False, help_text="e.g. November invoiced.")
