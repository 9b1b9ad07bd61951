"""Writes of the roster: agents and their reference data, allowances, and the time-off workflow.

Every write is one transaction with its audit row (``RosterEvent``, in public beside the
roster). Time off moves requested -> approved | refused, and requested or approved ->
cancelled; who may take each step is written once, in ``WORKFLOW`` (the right the pages and
the API check before calling); these services check the business rules: the yearly allowance,
the team's cap on agents off at once, no overlap with the agent's own time off. The one right
that depends on the request (an agent acts on their own time off only) is checked here.
"""

from __future__ import annotations

import zoneinfo
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import pycountry
from django.db import transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from bpo.accounts.permissions import can_manage_roster, can_request_time_off
from bpo.accounts.roles import MANAGE_ROSTER, REQUEST_TIME_OFF
from bpo.dates import format_when
from bpo.errors import ConflictError, DomainError, PermissionDeniedError
from scheduling.roster.fields import parse_period
from scheduling.roster.models import (
    KINDS_AGAINST_ALLOWANCE,
    WEEKDAYS,
    Agent,
    AgentPreference,
    AgentServiceLine,
    AgentSkill,
    BreakKind,
    BreakRule,
    RosterEvent,
    RosterEventAction,
    ShiftKind,
    ShiftTemplate,
    Site,
    Skill,
    Team,
    TeamOffCap,
    TimeOffAllowance,
    TimeOffKind,
    TimeOffRequest,
    TimeOffStatus,
)
from scheduling.roster.work_history import shift_kind

if TYPE_CHECKING:
    from bpo.accounts.models import User

Status = TimeOffStatus
REFUSAL_REASON_REQUIRED = "Say why the time off is refused; the agent reads it."
NOTE_MAX = TimeOffRequest._meta.get_field("note").max_length or 500
LONGEST_REQUEST_DAYS = 366

# The roster event each decision on a time-off request records.
DECISION_EVENTS: dict[str, RosterEventAction] = {
    Status.APPROVED: RosterEventAction.TIME_OFF_APPROVED,
    Status.REFUSED: RosterEventAction.TIME_OFF_REFUSED,
    Status.CANCELLED: RosterEventAction.TIME_OFF_CANCELLED,
}


@lru_cache(maxsize=1)
def _time_zones() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_time_zone(name: str) -> bool:
    return name in _time_zones()


def record_roster_event(
    *,
    action: str,
    actor: User | None,
    summary: str,
    agent: Agent | None = None,
    details: dict | None = None,
) -> RosterEvent:
    """Append to the roster's audit trail; call it inside the transaction of the change."""
    return RosterEvent.objects.create(
        action=action,
        actor=actor if actor is not None and actor.pk else None,
        agent=agent,
        summary=summary[:300],
        details=details or {},
    )


def _pk(row) -> int:
    """The row's id, or one no row has (to exclude nothing)."""
    return row.pk if row is not None and row.pk is not None else 0


class _Errors:
    def __init__(self) -> None:
        self.fields: dict[str, list[str]] = {}

    def add(self, name: str, message: str) -> None:
        self.fields.setdefault(name, []).append(message)

    def raise_if_any(self) -> None:
        if self.fields:
            first_field, messages = next(iter(self.fields.items()))
            raise DomainError(messages[0], field=first_field, fields=self.fields)


# --- reference data: sites, teams, skills, shift templates ---------------------------------------


def _clean_name(value: str, errors: _Errors, *, max_length: int = 120) -> str:
    name = " ".join((value or "").split())
    if not name:
        errors.add("name", "Give it a name.")
    elif len(name) > max_length:
        errors.add("name", f"At most {max_length} characters.")
    return name


@transaction.atomic
def save_site(*, site: Site | None = None, name: str, time_zone: str, actor: User | None) -> Site:
    errors = _Errors()
    name = _clean_name(name, errors)
    if not is_time_zone(time_zone):
        errors.add("time_zone", f"“{time_zone}” is not an IANA time zone (e.g. Europe/Lisbon).")
    if name and Site.objects.filter(name__iexact=name).exclude(pk=_pk(site)):
        errors.add("name", f"There is a site called {name} already.")
    errors.raise_if_any()
    site = site or Site()
    site.name, site.time_zone = name, time_zone
    site.save()
    record_roster_event(
        action=RosterEventAction.REFERENCE_CHANGED, actor=actor, summary=f"Site {name} saved"
    )
    return site


@transaction.atomic
def save_skill(*, skill: Skill | None = None, name: str, actor: User | None) -> Skill:
    errors = _Errors()
    name = _clean_name(name, errors, max_length=80)
    if name and Skill.objects.filter(name__iexact=name).exclude(pk=_pk(skill)):
        errors.add("name", f"There is a skill called {name} already.")
    errors.raise_if_any()
    skill = skill or Skill()
    skill.name = name
    skill.save()
    record_roster_event(
        action=RosterEventAction.REFERENCE_CHANGED, actor=actor, summary=f"Skill {name} saved"
    )
    return skill


@transaction.atomic
def save_team(
    *,
    team: Team | None = None,
    name: str,
    lead_agent: Agent | None = None,
    lead_user: User | None = None,
    max_off: int | None = None,
    actor: User | None,
) -> Team:
    """Create or change a team; ``max_off`` None removes its cap on agents off at once."""
    errors = _Errors()
    name = _clean_name(name, errors)
    if name and Team.objects.filter(name__iexact=name).exclude(pk=_pk(team)):
        errors.add("name", f"There is a team called {name} already.")
    if lead_agent is not None and lead_user is not None:
        errors.add("lead_user", "A team has one lead: an agent or a user, not both.")
    if max_off is not None and max_off < 1:
        errors.add("max_off", "At least one agent must be allowed off; leave it empty for no cap.")
    errors.raise_if_any()
    team = team or Team()
    team.name, team.lead_agent, team.lead_user = name, lead_agent, lead_user
    team.save()
    if max_off is None:
        TeamOffCap.objects.filter(team=team).delete()
    else:
        TeamOffCap.objects.update_or_create(team=team, defaults={"max_off": max_off})
    record_roster_event(
        action=RosterEventAction.REFERENCE_CHANGED,
        actor=actor,
        summary=f"Team {name} saved",
        details={"max_off": max_off},
    )
    return team


@transaction.atomic
def save_shift_template(
    *,
    template: ShiftTemplate | None = None,
    name: str,
    length_minutes: int,
    start_times: Sequence,
    paid_break_minutes: int = 0,
    is_active: bool = True,
    kind: str = "",
    breaks: Sequence[tuple[str, int, int, int]] | None = None,
    actor: User | None,
) -> ShiftTemplate:
    """Create or change a template; ``breaks`` (kind, minutes, earliest and latest start minute
    after the shift starts) replace its break rules (None keeps them). An empty ``kind`` is
    the one its first start time gives (``work_history.shift_kind``). Every problem at once."""
    errors = _Errors()
    if not kind and start_times and length_minutes >= 15:
        first = min(start_times)
        kind = shift_kind(first.hour * 60 + first.minute, length_minutes)
    kind = kind or ShiftKind.DAY
    name = _clean_name(name, errors, max_length=80)
    if name and ShiftTemplate.objects.filter(name__iexact=name).exclude(pk=_pk(template)):
        errors.add("name", f"There is a shift template called {name} already.")
    if not 15 <= length_minutes <= 24 * 60:
        errors.add("length_minutes", "A shift lasts from 15 minutes to 24 hours.")
    if not start_times:
        errors.add("start_times", "Give at least one start time.")
    if paid_break_minutes < 0 or paid_break_minutes >= length_minutes:
        errors.add("paid_break_minutes", "The paid break must be shorter than the shift.")
    if kind not in ShiftKind.values:
        errors.add("kind", f"“{kind}” is not a kind of shift (day, evening or night).")
    for message in break_rule_problems(breaks or [], length_minutes):
        errors.add("breaks", message)
    errors.raise_if_any()
    template = template or ShiftTemplate()
    template.name = name
    template.length_minutes = length_minutes
    template.start_times = sorted(set(start_times))
    template.paid_break_minutes = paid_break_minutes
    template.is_active = is_active
    template.kind = kind
    template.save()
    if breaks is not None:
        BreakRule.objects.filter(template=template).delete()
        BreakRule.objects.bulk_create(
            BreakRule(
                template=template,
                kind=rule_kind,
                minutes=minutes,
                earliest_minute=earliest,
                latest_minute=latest,
            )
            for rule_kind, minutes, earliest, latest in breaks
        )
    record_roster_event(
        action=RosterEventAction.REFERENCE_CHANGED,
        actor=actor,
        summary=f"Shift template {name} saved",
    )
    return template


def _duration(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest} min" if rest else f"{hours} h"


def break_rule_problems(breaks: Sequence[tuple[str, int, int, int]], length_minutes: int) -> list:
    """Why each break cannot be a rule of a shift of ``length_minutes``, in words: its window
    must lie inside the shift, the break ending by the shift's end even at its latest start."""
    problems = []
    for kind, minutes, earliest, latest in breaks:
        label = BreakKind(kind).label if kind in BreakKind.values else kind
        if kind not in BreakKind.values:
            problems.append(f"“{kind}” is not a break or a lunch.")
        elif minutes < 5:
            problems.append(f"A {kind} lasts at least 5 minutes, not {minutes}.")
        elif latest < earliest:
            problems.append(f"The {kind}'s window ends before it begins.")
        elif latest + minutes > length_minutes:
            problems.append(
                f"{label} of {minutes} min starting as late as {_duration(latest)} after the "
                f"start would end after the {_duration(length_minutes)} shift; start it by "
                f"{_duration(max(0, length_minutes - minutes))} at the latest."
            )
    if sum(minutes for _, minutes, _, _ in breaks) >= length_minutes > 0 and not problems:
        problems.append("The breaks take the whole shift.")
    return problems


# --- agents ------------------------------------------------------------------------------------


@dataclass
class AgentData:
    """An agent's fields as the page, the API and the CSV import give them (names, not ids)."""

    employee_number: str
    full_name: str
    time_zone: str
    cost_currency: str
    email: str = ""
    team: str = ""
    site: str = ""
    languages: list[str] = field(default_factory=list)
    skills: dict[str, int] = field(default_factory=dict)
    min_hours_per_week: Decimal = Decimal(0)
    max_hours_per_week: Decimal = Decimal(40)
    days_per_week: int = 5
    shift_templates: list[str] = field(default_factory=list)
    hourly_cost: Decimal = Decimal(0)
    availability: dict[str, str] = field(default_factory=dict)
    starts_on: date = field(default_factory=timezone.localdate)
    ends_on: date | None = None
    service_lines: list[tuple[str, int | None]] = field(default_factory=list)
    max_consecutive_days: int | None = None
    min_consecutive_days_off: int | None = None
    max_weekends_per_4_weeks: int | None = None
    preferences: list[tuple[bool, str | None, str | None, int]] = field(default_factory=list)
    """(wanted, weekday "mon".."sun" or None, template name or None, weight)."""


@dataclass
class _Resolved:
    team: Team | None
    site: Site | None
    user: Any
    skills: dict[Skill, int]
    templates: list[ShiftTemplate]
    lines: list[tuple[Any, int | None]]
    preferences: list[AgentPreference] = field(default_factory=list)


class RosterLookups:
    """Teams, sites, skills, templates, clients and users by name, loaded once for a batch
    (an import of hundreds of rows checks them without a query per row)."""

    def __init__(self) -> None:
        from bpo.accounts.models import User
        from tenants.models import Client

        self.teams = {team.name.casefold(): team for team in Team.objects.all()}
        self.sites = {site.name.casefold(): site for site in Site.objects.all()}
        self.skills = {skill.name.casefold(): skill for skill in Skill.objects.all()}
        self.templates = {t.name.casefold(): t for t in ShiftTemplate.objects.all()}
        self.clients = {c.slug: c for c in Client.objects.exclude(schema_name="public")}
        self._user_model = User
        self._users: dict[str, Any] = {}
        self._lines: dict[str, set[int]] = {}

    def user(self, email: str):
        key = email.casefold()
        if key not in self._users:
            self._users[key] = self._user_model.objects.filter(email__iexact=email).first()
        return self._users[key]

    def preload_users(self, emails: Iterable[str]) -> None:
        wanted = {email.casefold() for email in emails if email} - set(self._users)
        if not wanted:
            return
        found = {
            user.email.casefold(): user
            for user in self._user_model.objects.filter(email__in=list(wanted))
        }
        for key in wanted:
            self._users[key] = found.get(key)
        for key in [k for k, v in self._users.items() if v is None]:
            # E-mails differing in case only: one more look, still one query per such address.
            self._users[key] = self._user_model.objects.filter(email__iexact=key).first()

    def service_line_ids(self, client) -> set[int]:
        """The service lines of ``client``, read from its own schema (public cannot point
        there, so the ids are checked now, at write time)."""
        if client.slug not in self._lines:
            from bpo.catalog.models import ServiceLine

            with tenant_context(client):
                self._lines[client.slug] = set(ServiceLine.objects.values_list("id", flat=True))
        return self._lines[client.slug]


def check_agent_data(
    data: AgentData, *, agent: Agent | None, lookups: RosterLookups
) -> tuple[_Resolved, dict[str, list[str]]]:
    """Every problem of ``data`` at once, by field; and the objects its names refer to."""
    errors = _Errors()
    number = (data.employee_number or "").strip()
    if not number:
        errors.add("employee_number", "Give the employee number.")
    elif len(number) > 40:
        errors.add("employee_number", "At most 40 characters.")
    if not (data.full_name or "").strip():
        errors.add("full_name", "Give the agent's name.")
    if not is_time_zone(data.time_zone):
        errors.add(
            "time_zone", f"“{data.time_zone}” is not an IANA time zone (e.g. America/New_York)."
        )
    if pycountry.currencies.get(alpha_3=(data.cost_currency or "").upper()) is None:
        errors.add("cost_currency", f"“{data.cost_currency}” is not an ISO 4217 currency code.")
    team = lookups.teams.get(data.team.casefold()) if data.team else None
    if data.team and team is None:
        errors.add("team", f"There is no team called {data.team}.")
    site = lookups.sites.get(data.site.casefold()) if data.site else None
    if data.site and site is None:
        errors.add("site", f"There is no site called {data.site}.")
    user = None
    if data.email:
        user = lookups.user(data.email)
        if user is None:
            errors.add("email", f"No account has the e-mail {data.email}.")
        else:
            linked = Agent.objects.filter(user=user).exclude(pk=_pk(agent))
            if linked.exists():
                errors.add("email", f"{data.email} is linked to another agent already.")
    for code in data.languages:
        if not _is_language(code):
            errors.add("languages", f"“{code}” is not an ISO 639 language code.")
    skills: dict[Skill, int] = {}
    for name, level in data.skills.items():
        skill = lookups.skills.get(name.casefold())
        if skill is None:
            errors.add("skills", f"There is no skill called {name}.")
        elif not 1 <= level <= 5:
            errors.add("skills", f"The level of {name} must be from 1 to 5.")
        else:
            skills[skill] = level
    templates = []
    for name in data.shift_templates:
        template = lookups.templates.get(name.casefold())
        if template is None:
            errors.add("shift_templates", f"There is no shift template called {name}.")
        else:
            templates.append(template)
    if data.min_hours_per_week < 0 or data.max_hours_per_week > 168:
        errors.add("max_hours_per_week", "Weekly hours lie between 0 and 168.")
    elif data.min_hours_per_week > data.max_hours_per_week:
        errors.add("min_hours_per_week", "The minimum hours are above the maximum.")
    if not 0 <= data.days_per_week <= 7:
        errors.add("days_per_week", "Days per week lie between 0 and 7.")
    for name, value, lowest, highest, words in (
        ("max_consecutive_days", data.max_consecutive_days, 1, 14, "working days in a row"),
        ("min_consecutive_days_off", data.min_consecutive_days_off, 1, 7, "days off in a row"),
        ("max_weekends_per_4_weeks", data.max_weekends_per_4_weeks, 0, 4, "weekends in 4 weeks"),
    ):
        if value is not None and not lowest <= value <= highest:
            errors.add(
                name,
                f"The {words} lie between {lowest} and {highest}; leave it empty for no limit.",
            )
    preferences = []
    for wanted, weekday, template_name, weight in data.preferences:
        template = None
        if template_name:
            template = lookups.templates.get(template_name.casefold())
            if template is None:
                errors.add("preferences", f"There is no shift template called {template_name}.")
                continue
        if weekday is not None and weekday not in WEEKDAYS:
            errors.add("preferences", f"“{weekday}” is not a weekday (mon ... sun).")
            continue
        if not 1 <= weight <= 1000:
            errors.add("preferences", "A preference's weight lies between 1 and 1000.")
            continue
        preferences.append(
            AgentPreference(
                is_wanted=wanted,
                weekday=WEEKDAYS.index(weekday) if weekday is not None else None,
                template=template,
                weight=weight,
            )
        )
    if data.hourly_cost < 0:
        errors.add("hourly_cost", "The hourly cost cannot be negative.")
    elif data.hourly_cost.as_tuple().exponent < -2:  # type: ignore[operator]
        errors.add("hourly_cost", "At most two decimals.")
    for day, period in data.availability.items():
        if day not in WEEKDAYS:
            errors.add("availability", f"“{day}” is not a weekday (mon ... sun).")
            continue
        try:
            parse_period(period)
        except ValueError as error:
            errors.add(f"availability_{day}", str(error))
    if data.ends_on is not None and data.ends_on < data.starts_on:
        errors.add("ends_on", "The end date is before the start date.")
    lines = []
    for slug, line_id in data.service_lines:
        client = lookups.clients.get(slug)
        if client is None:
            errors.add("service_lines", f"There is no client with the address {slug}.")
        elif line_id is not None and line_id not in lookups.service_line_ids(client):
            errors.add("service_lines", f"{client.name} has no service line number {line_id}.")
        else:
            lines.append((client, line_id))
    return _Resolved(team, site, user, skills, templates, lines, preferences), errors.fields


def _is_language(code: str) -> bool:
    from bpo.catalog.services.service_lines import language_of

    return language_of(code) is not None


def _apply(agent: Agent, data: AgentData, resolved: _Resolved) -> None:
    agent.employee_number = data.employee_number.strip()
    agent.full_name = " ".join(data.full_name.split())
    agent.user = resolved.user
    agent.team = resolved.team
    agent.site = resolved.site
    agent.time_zone = data.time_zone
    agent.languages = [code.strip().lower() for code in data.languages]
    agent.min_hours_per_week = data.min_hours_per_week
    agent.max_hours_per_week = data.max_hours_per_week
    agent.days_per_week = data.days_per_week
    agent.max_consecutive_days = data.max_consecutive_days
    agent.min_consecutive_days_off = data.min_consecutive_days_off
    agent.max_weekends_per_4_weeks = data.max_weekends_per_4_weeks
    agent.hourly_cost = data.hourly_cost
    agent.cost_currency = data.cost_currency.upper()
    agent.availability = {
        day: parse_period(period)
        for day, period in sorted(data.availability.items(), key=lambda i: WEEKDAYS.index(i[0]))
        if parse_period(period)
    }
    agent.starts_on = data.starts_on
    agent.ends_on = data.ends_on
    agent.save()
    agent.shift_templates.set(resolved.templates)
    AgentPreference.objects.filter(agent=agent).delete()
    for preference in resolved.preferences:
        preference.agent = agent
    AgentPreference.objects.bulk_create(resolved.preferences)
    AgentSkill.objects.filter(agent=agent).exclude(skill__in=list(resolved.skills)).delete()
    for skill, level in resolved.skills.items():
        AgentSkill.objects.update_or_create(agent=agent, skill=skill, defaults={"level": level})
    wanted = {(client.pk, line) for client, line in resolved.lines}
    for row in list(agent.service_lines.all()):
        if (row.client_id, row.service_line_id) not in wanted:
            row.delete()
        else:
            wanted.discard((row.client_id, row.service_line_id))
    AgentServiceLine.objects.bulk_create(
        AgentServiceLine(agent=agent, client_id=client_id, service_line_id=line)
        for client_id, line in sorted(wanted, key=lambda w: (w[0], w[1] or 0))
    )


def agent_data_of(agent: Agent) -> AgentData:
    """The agent as :class:`AgentData` (what a form starts from, what the export writes)."""
    return AgentData(
        employee_number=agent.employee_number,
        full_name=agent.full_name,
        email=agent.user.email if agent.user_id else "",  # type: ignore[union-attr]
        team=agent.team.name if agent.team_id else "",  # type: ignore[union-attr]
        site=agent.site.name if agent.site_id else "",  # type: ignore[union-attr]
        time_zone=agent.time_zone,
        languages=list(agent.languages),
        skills={row.skill.name: row.level for row in agent.skill_levels.all()},
        min_hours_per_week=agent.min_hours_per_week,
        max_hours_per_week=agent.max_hours_per_week,
        days_per_week=agent.days_per_week,
        shift_templates=[template.name for template in agent.shift_templates.all()],
        hourly_cost=agent.hourly_cost,
        cost_currency=agent.cost_currency,
        availability=dict(agent.availability),
        starts_on=agent.starts_on,
        ends_on=agent.ends_on,
        service_lines=[(row.client.slug, row.service_line_id) for row in agent.service_lines.all()],
        max_consecutive_days=agent.max_consecutive_days,
        min_consecutive_days_off=agent.min_consecutive_days_off,
        max_weekends_per_4_weeks=agent.max_weekends_per_4_weeks,
        preferences=[
            (
                row.is_wanted,
                WEEKDAYS[row.weekday] if row.weekday is not None else None,
                row.template.name if row.template_id else None,  # type: ignore[union-attr]
                row.weight,
            )
            for row in agent.preferences.all()
        ],
    )


@transaction.atomic
def create_agent(*, data: AgentData, actor: User | None) -> Agent:
    """Add an agent; every bad field is reported at once (``DomainError.fields``)."""
    lookups = RosterLookups()
    resolved, problems = check_agent_data(data, agent=None, lookups=lookups)
    number = data.employee_number.strip()
    if number and Agent.objects.filter(employee_number__iexact=number).exists():
        problems.setdefault("employee_number", []).append(
            f"Employee number {number} belongs to another agent."
        )
    _raise(problems)
    agent = Agent()
    _apply(agent, data, resolved)
    record_roster_event(
        action=RosterEventAction.AGENT_CREATED,
        actor=actor,
        agent=agent,
        summary=f"{agent.full_name} ({agent.employee_number}) added",
    )
    return agent


@transaction.atomic
def update_agent(*, agent: Agent, data: AgentData, actor: User | None) -> Agent:
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    before = agent_data_of(agent)
    lookups = RosterLookups()
    resolved, problems = check_agent_data(data, agent=agent, lookups=lookups)
    number = data.employee_number.strip()
    taken = Agent.objects.filter(employee_number__iexact=number).exclude(pk=agent.pk)
    if number and taken.exists():
        problems.setdefault("employee_number", []).append(
            f"Employee number {number} belongs to another agent."
        )
    _raise(problems)
    _apply(agent, data, resolved)
    changed = changed_fields(before, agent_data_of(agent))
    if changed:
        record_roster_event(
            action=RosterEventAction.AGENT_UPDATED,
            actor=actor,
            agent=agent,
            summary=f"{agent.full_name}: {', '.join(changed)} changed",
            details={"fields": changed},
        )
    return agent


def changed_fields(before: AgentData, after: AgentData) -> list[str]:
    return [
        name
        for name in AgentData.__dataclass_fields__
        if _comparable(getattr(before, name)) != _comparable(getattr(after, name))
    ]


def _comparable(value):
    if isinstance(value, str):
        return value.strip().casefold()
    if isinstance(value, dict):
        return {k.casefold() if isinstance(k, str) else k: v for k, v in value.items()}
    if isinstance(value, list):
        return sorted(
            (v.casefold() if isinstance(v, str) else v for v in value),
            key=str,
        )
    return value


@transaction.atomic
def end_agent(*, agent: Agent, ends_on: date, actor: User | None) -> Agent:
    """The agent's last working day. Time off after it that still waits is cancelled."""
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    if ends_on < agent.starts_on:
        raise DomainError("The last day is before the agent's start date.", field="ends_on")
    agent.ends_on = ends_on
    agent.save(update_fields=["ends_on", "updated_at"])
    TimeOffRequest.objects.filter(
        agent=agent, starts_on__gt=ends_on, status__in=[Status.REQUESTED, Status.APPROVED]
    ).update(status=Status.CANCELLED, decided_by=actor, decided_at=timezone.now())
    record_roster_event(
        action=RosterEventAction.AGENT_ENDED,
        actor=actor,
        agent=agent,
        summary=f"{agent.full_name} works until {ends_on.isoformat()}",
    )
    return agent


def _raise(problems: Mapping[str, list[str]]) -> None:
    if problems:
        first_field, messages = next(iter(problems.items()))
        raise DomainError(messages[0], field=first_field, fields=dict(problems))


@transaction.atomic
def set_time_off_allowance(
    *, agent: Agent, year: int, days: Decimal, actor: User | None
) -> TimeOffAllowance:
    if days < 0 or days > 366:
        raise DomainError("An allowance lies between 0 and 366 days.", field="days")
    if not 2000 <= year <= 2100:
        raise DomainError("Give a year from 2000 to 2100.", field="year")
    allowance, _ = TimeOffAllowance.objects.update_or_create(
        agent=agent, year=year, defaults={"days": days}
    )
    record_roster_event(
        action=RosterEventAction.ALLOWANCE_SET,
        actor=actor,
        agent=agent,
        summary=f"{agent.full_name}: {days} days of vacation in {year}",
    )
    return allowance


# --- time off: days, balance and rules -----------------------------------------------------------


def working_days(agent: Agent, starts_on: date, ends_on: date) -> dict[int, Decimal]:
    """Days the period takes per calendar year: the days the agent's pattern has them work
    (a weekday marked ``off`` costs nothing)."""
    per_year: dict[int, Decimal] = {}
    day = starts_on
    while day <= ends_on:
        if agent.availability.get(WEEKDAYS[day.weekday()]) != "off":
            per_year[day.year] = per_year.get(day.year, Decimal(0)) + 1
        day += timedelta(days=1)
    return per_year


@dataclass(frozen=True)
class Balance:
    year: int
    allowance: Decimal | None  # None: no allowance set for the year
    taken: Decimal  # approved vacation days before today
    planned: Decimal  # approved vacation days from today on
    requested: Decimal  # vacation days waiting for a decision

    @property
    def remaining(self) -> Decimal:
        return (self.allowance or Decimal(0)) - self.taken - self.planned


def balance_of(*, agent: Agent, year: int, today: date | None = None) -> Balance:
    today = today or agent_today(agent)
    allowance = TimeOffAllowance.objects.filter(agent=agent, year=year).first()
    taken = planned = requested = Decimal(0)
    rows = TimeOffRequest.objects.filter(
        agent=agent,
        kind__in=KINDS_AGAINST_ALLOWANCE,
        status__in=[Status.APPROVED, Status.REQUESTED],
        starts_on__lte=date(year, 12, 31),
        ends_on__gte=date(year, 1, 1),
    )
    for row in rows:
        if row.status == Status.REQUESTED:
            requested += working_days(agent, row.starts_on, row.ends_on).get(year, Decimal(0))
            continue
        past_end = min(row.ends_on, today - timedelta(days=1))
        if row.starts_on <= past_end:
            taken += working_days(agent, row.starts_on, past_end).get(year, Decimal(0))
        future_start = max(row.starts_on, today)
        if future_start <= row.ends_on:
            planned += working_days(agent, future_start, row.ends_on).get(year, Decimal(0))
    return Balance(
        year=year,
        allowance=allowance.days if allowance else None,
        taken=taken,
        planned=planned,
        requested=requested,
    )


def _overlapping(agent: Agent, starts_on: date, ends_on: date, statuses, exclude=None):
    return (
        TimeOffRequest.objects.filter(
            agent=agent, status__in=statuses, starts_on__lte=ends_on, ends_on__gte=starts_on
        )
        .exclude(pk=_pk(exclude))
        .order_by("starts_on")
    )


def _days_text(days: Decimal) -> str:
    value = f"{days.normalize():f}"
    return f"{value} day" if days == 1 else f"{value} days"


def _check_allowance(request: TimeOffRequest) -> None:
    if request.kind not in KINDS_AGAINST_ALLOWANCE:
        return
    for year, needed in working_days(request.agent, request.starts_on, request.ends_on).items():
        balance = balance_of(agent=request.agent, year=year)
        if balance.allowance is None:
            raise ConflictError(
                f"{request.agent.full_name} has no vacation allowance for {year}; "
                "set one before approving.",
                field="allowance",
            )
        if needed > balance.remaining:
            raise ConflictError(
                f"This takes {_days_text(needed)} of {year}'s allowance, but only "
                f"{_days_text(balance.remaining)} remain ({_days_text(balance.allowance)} "
                f"allowed, {_days_text(balance.taken + balance.planned)} taken or planned).",
                field="allowance",
            )


def _check_team_cap(request: TimeOffRequest) -> None:
    """Refuse when approving would put more of the agent's team off on some day than its cap."""
    agent = request.agent
    if agent.team_id is None:
        return
    cap = TeamOffCap.objects.select_for_update().filter(team_id=agent.team_id).first()
    if cap is None:
        return
    others = TimeOffRequest.objects.filter(
        agent__team_id=agent.team_id,
        status=Status.APPROVED,
        starts_on__lte=request.ends_on,
        ends_on__gte=request.starts_on,
    ).exclude(agent=agent)
    off_per_day: dict[date, int] = {}
    for other in others.only("starts_on", "ends_on"):
        day = max(other.starts_on, request.starts_on)
        while day <= min(other.ends_on, request.ends_on):
            off_per_day[day] = off_per_day.get(day, 0) + 1
            day += timedelta(days=1)
    full = sorted(day for day, count in off_per_day.items() if count + 1 > cap.max_off)
    if full:
        named = ", ".join(format_when(day, "weekday") for day in full[:7])
        more = f" and {len(full) - 7} more" if len(full) > 7 else ""
        raise ConflictError(
            f"Team {agent.team.name} may have at most {cap.max_off} off at once; "  # type: ignore[union-attr]
            f"{cap.max_off} are off already on {named}{more}.",
            field="team",
        )


def _check_period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise DomainError("The last day is before the first.", field="ends_on")
    if (ends_on - starts_on).days >= LONGEST_REQUEST_DAYS:
        raise DomainError("A request covers at most a year; split it.", field="ends_on")


def _check_own(agent: Agent, actor: User | None) -> None:
    """Agents act on their own time off only; the roster's managers on anybody's."""
    if actor is None or can_manage_roster(actor):
        return
    if can_request_time_off(actor) and agent.user_id == actor.pk:
        return
    raise PermissionDeniedError("You can only request your own time off.", field="agent")


@transaction.atomic
def request_time_off(
    *,
    agent: Agent,
    starts_on: date,
    ends_on: date,
    kind: str,
    note: str = "",
    actor: User | None,
) -> TimeOffRequest:
    """A request that waits for the scheduler: by the agent, or by a scheduler for the agent."""
    _check_own(agent, actor)
    agent = Agent.objects.select_for_update().get(pk=agent.pk)
    _check_period(starts_on, ends_on)
    if kind not in TimeOffKind.values:
        raise DomainError("Choose the kind of time off.", field="kind")
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        raise DomainError(f"At most {NOTE_MAX} characters.", field="note")
    if not agent.is_active_on(starts_on) or not agent.is_active_on(ends_on):
        raise DomainError(
            f"{agent.full_name} is not employed on every day of this period.", field="starts_on"
        )
    clash = _overlapping(agent, starts_on, ends_on, [Status.APPROVED, Status.REQUESTED]).first()
    if clash is not None:
        raise ConflictError(
            f"It overlaps {clash.get_kind_display().lower()} {clash.period_display} "
            f"({clash.get_status_display().lower()}).",
            field="starts_on",
        )
    days = sum(working_days(agent, starts_on, ends_on).values(), Decimal(0))
    request = TimeOffRequest.objects.create(
        agent=agent,
        starts_on=starts_on,
        ends_on=ends_on,
        kind=kind,
        note=note,
        days=days,
        requested_by=actor,
    )
    record_roster_event(
        action=RosterEventAction.TIME_OFF_REQUESTED,
        actor=actor,
        agent=agent,
        summary=f"{agent.full_name} asks for {request.get_kind_display().lower()} "
        f"{request.period_display}",
        details={"request": request.pk},
    )
    return request


def _begin(request: TimeOffRequest, sources: tuple[str, ...], refusal: str) -> TimeOffRequest:
    locked = (
        TimeOffRequest.objects.select_for_update(of=("self",))
        .select_related("agent", "agent__team")
        .get(pk=request.pk)
    )
    if locked.status not in sources:
        raise ConflictError(
            f"{refusal}; this one is {locked.get_status_display().lower()}.", field="status"
        )
    return locked


@transaction.atomic
def approve_time_off(*, request: TimeOffRequest, actor: User | None) -> TimeOffRequest:
    """Requested -> approved, unless it breaks the allowance, the team cap or overlaps the
    agent's approved time off (``ConflictError`` in words, naming the balance or the days)."""
    request = _begin(request, (Status.REQUESTED,), "Only a request waiting for a decision")
    clash = _overlapping(
        request.agent, request.starts_on, request.ends_on, [Status.APPROVED], exclude=request
    ).first()
    if clash is not None:
        raise ConflictError(
            f"It overlaps approved {clash.get_kind_display().lower()} {clash.period_display}.",
            field="starts_on",
        )
    _check_team_cap(request)
    _check_allowance(request)
    return _decide(request, status=Status.APPROVED, actor=actor, said="approved")


def _decide(
    request: TimeOffRequest,
    *,
    status: str,
    actor: User | None,
    said: str,
    also_saved: tuple[str, ...] = (),
) -> TimeOffRequest:
    """Store a decision on ``request`` (who, when, the new status) and its roster event."""
    request.status = status
    request.decided_by = actor
    request.decided_at = timezone.now()
    request.save(update_fields=["status", "decided_by", "decided_at", *also_saved])
    record_roster_event(
        action=DECISION_EVENTS[status],
        actor=actor,
        agent=request.agent,
        summary=f"{request.get_kind_display()} of {request.agent.full_name} "
        f"{request.period_display} {said}",
        details={"request": request.pk},
    )
    return request


def agent_today(agent: Agent) -> date:
    """Today on the agent's own clock (time off is whole days in the agent's zone)."""
    return timezone.now().astimezone(zoneinfo.ZoneInfo(agent.time_zone)).date()


@transaction.atomic
def refuse_time_off(*, request: TimeOffRequest, reason: str, actor: User | None) -> TimeOffRequest:
    reason = " ".join((reason or "").split())
    if not reason:
        raise DomainError(REFUSAL_REASON_REQUIRED, field="reason")
    if len(reason) > 500:
        raise DomainError("At most 500 characters.", field="reason")
    request = _begin(request, (Status.REQUESTED,), "Only a request waiting for a decision")
    request.refusal_reason = reason
    return _decide(
        request,
        status=Status.REFUSED,
        actor=actor,
        said=f"refused: {reason}",
        also_saved=("refusal_reason",),
    )


@transaction.atomic
def cancel_time_off(*, request: TimeOffRequest, actor: User | None) -> TimeOffRequest:
    """Withdraw a request, or give back approved time off that has not begun (the agent), or
    any approved time off (a scheduler)."""
    _check_own(request.agent, actor)
    request = _begin(
        request, (Status.REQUESTED, Status.APPROVED), "Only waiting or approved time off"
    )
    is_manager = actor is None or can_manage_roster(actor)
    if (
        request.status == Status.APPROVED
        and not is_manager
        and request.starts_on <= agent_today(request.agent)
    ):
        raise ConflictError(
            "Time off that has begun can only be cancelled by a scheduler.", field="status"
        )
    return _decide(request, status=Status.CANCELLED, actor=actor, said="cancelled")


@dataclass(frozen=True)
class WorkflowStep:
    sources: tuple[str, ...]
    target: str
    right: frozenset[str]  # the roles that may take this step (pages and API check it)
    service: Callable[..., TimeOffRequest]  # called with request=, actor= (and reason=)
    needs_reason: bool = False
    own_only: bool = False  # an agent takes it on their own time off only (service checks)


# Every time-off step, by the name the pages and the API use.
WORKFLOW: dict[str, WorkflowStep] = {
    "approve": WorkflowStep((Status.REQUESTED,), Status.APPROVED, MANAGE_ROSTER, approve_time_off),
    "refuse": WorkflowStep(
        (Status.REQUESTED,), Status.REFUSED, MANAGE_ROSTER, refuse_time_off, needs_reason=True
    ),
    "cancel": WorkflowStep(
        (Status.REQUESTED, Status.APPROVED),
        Status.CANCELLED,
        MANAGE_ROSTER | REQUEST_TIME_OFF,
        cancel_time_off,
        own_only=True,
    ),
}


def run_time_off_step(
    *, name: str, request: TimeOffRequest, actor: User, reason: str = ""
) -> TimeOffRequest:
    step = WORKFLOW[name]
    if step.needs_reason:
        return step.service(request=request, reason=reason, actor=actor)
    return step.service(request=request, actor=actor)


def allowed_steps(request: TimeOffRequest) -> list[str]:
    return [name for name, step in WORKFLOW.items() if request.status in step.sources]


# --- the roster's CSV import: all or nothing ----------------------------------------------------


@dataclass(frozen=True)
class RowChange:
    row: int
    employee_number: str
    full_name: str
    action: str  # "new", "changed", "unchanged"
    changed: tuple[str, ...] = ()


@dataclass
class ImportPlan:
    """What an import would do: a change per row, or the problems (then it stores nothing)."""

    changes: list[RowChange]
    problems: list  # of roster_csv.RowProblem
    rows: list[tuple[int, AgentData]]

    @property
    def counts(self) -> dict[str, int]:
        counts = {"new": 0, "changed": 0, "unchanged": 0}
        for change in self.changes:
            counts[change.action] += 1
        return counts


class RosterImportError(DomainError):
    """The file has problems; ``problems`` names each one's row, column and reason."""

    def __init__(self, problems: list) -> None:
        super().__init__(
            f"Nothing was imported: {len(problems)} problem{'s' if len(problems) != 1 else ''} "
            f"in the file. First: {problems[0]}",
            field="file",
            row=problems[0].row or None,
        )
        self.problems = problems


def plan_roster_import(*, content: bytes) -> ImportPlan:
    """Read and check a roster file without writing: the preview the page shows."""
    from scheduling.roster import roster_csv

    raw_rows, problems = roster_csv.read_rows(content)
    plan = ImportPlan(changes=[], problems=list(problems), rows=[])
    if problems:
        return plan
    lookups = RosterLookups()
    lookups.preload_users(values.get("email", "") for _, values in raw_rows)
    existing = {agent.employee_number.casefold(): agent for agent in list_agents_for_import()}
    seen: dict[str, int] = {}
    claimed_emails: dict[str, int] = {}
    for number, values in raw_rows:
        data, row_problems = roster_csv.parse_row(number, values)
        plan.problems.extend(row_problems)
        if data is None:
            continue
        key = data.employee_number.strip().casefold()
        if key in seen:
            plan.problems.append(
                roster_csv.RowProblem(
                    number,
                    "employee_number",
                    f"Employee number {data.employee_number} is on row {seen[key]} already.",
                )
            )
            continue
        seen[key] = number
        if data.email:
            email_key = data.email.casefold()
            if email_key in claimed_emails:
                plan.problems.append(
                    roster_csv.RowProblem(
                        number,
                        "email",
                        f"{data.email} is on row {claimed_emails[email_key]} already.",
                    )
                )
            claimed_emails[email_key] = number
        agent = existing.get(key)
        _, field_problems = check_agent_data(data, agent=agent, lookups=lookups)
        for field_name, messages in field_problems.items():
            for message in messages:
                plan.problems.append(
                    roster_csv.RowProblem(number, roster_csv.column_of(field_name), message)
                )
        if field_problems:
            continue
        plan.rows.append((number, data))
        if agent is None:
            plan.changes.append(RowChange(number, data.employee_number, data.full_name, "new"))
        else:
            changed = tuple(changed_fields(agent_data_of(agent), data))
            plan.changes.append(
                RowChange(
                    number,
                    data.employee_number,
                    data.full_name,
                    "changed" if changed else "unchanged",
                    tuple(roster_csv.column_of(name) for name in changed),
                )
            )
    return plan


def list_agents_for_import():
    from scheduling.roster.selectors import agent_queryset

    return agent_queryset()


@transaction.atomic
def import_roster(*, content: bytes, actor: User | None) -> ImportPlan:
    """Add and update the file's agents (by employee number), all or nothing.

    Raises :class:`RosterImportError` naming every problem's row, column and reason; then
    nothing is stored. Agents missing from the file are left as they are."""
    plan = plan_roster_import(content=content)
    if plan.problems:
        raise RosterImportError(plan.problems)
    lookups = RosterLookups()
    existing = {agent.employee_number.casefold(): agent for agent in Agent.objects.all()}
    for (_, data), change in zip(plan.rows, plan.changes, strict=True):
        if change.action == "unchanged":
            continue
        agent = existing.get(data.employee_number.strip().casefold())
        resolved, problems = check_agent_data(data, agent=agent, lookups=lookups)
        if problems:  # changed between the preview and now (another import)
            from scheduling.roster.roster_csv import RowProblem, column_of

            raise RosterImportError(
                [RowProblem(change.row, column_of(f), m[0]) for f, m in problems.items()]
            )
        _apply(agent or Agent(), data, resolved)
    counts = plan.counts
    record_roster_event(
        action=RosterEventAction.ROSTER_IMPORTED,
        actor=actor,
        summary=f"Roster imported: {counts['new']} new, {counts['changed']} changed, "
        f"{counts['unchanged']} unchanged",
        details=counts,
    )
    return plan
