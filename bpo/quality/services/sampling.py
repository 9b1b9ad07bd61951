"""Writes of QA sampling: the interaction list imported (a CSV file or the API's JSON list, all
or nothing), a line's sampling plan set, and a week's sample drawn and handed out.

A draw picks from the week's interactions of the line (its ISO week in the client's zone)
that have an agent and no evaluation yet, with ``bpo.quality.sampling`` (pure, reproducible:
the seed is stored), and creates one ``assigned`` evaluation per picked interaction with the
line's published scorecard, each due ``QA_SAMPLE_DUE_DAYS`` days after the week's Monday (7:
the Monday after the week). One draw per plan and week.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count

from bpo.catalog.models import Channel, ServiceLine, ServiceLineStatus
from bpo.errors import ConflictError, DomainError
from bpo.quality import interaction_rows, sampling
from bpo.quality.audit import audit_actor
from bpo.quality.models import (
    Evaluation,
    EvaluationStatus,
    Interaction,
    SampleDraw,
    SamplingMode,
    SamplingPlan,
)
from bpo.quality.sampling_selectors import evaluator_ids, published_version_for_line
from bpo.quality.services.evaluations import client_zone, record_interaction, start_evaluation
from scheduling.roster.csv_files import RowProblem
from scheduling.roster.models import Agent
from scheduling.roster.selectors import client_agent_ids_by_number

if TYPE_CHECKING:
    from bpo.accounts.models import User

PER_AGENT_MAX = 1000
OPEN_STATUSES = (EvaluationStatus.ASSIGNED, EvaluationStatus.DRAFT)
DEFAULT_DUE_DAYS = 7


# --- the interaction list ----------------------------------------------------------------------


class InteractionImportError(DomainError):
    """The rows have problems; nothing was stored. ``problems`` names each (row and column);
    ``fields`` keys them ``rows.<row>.<column>`` (``rows.0``: the file as a whole)."""

    def __init__(self, problems: Sequence[RowProblem]) -> None:
        self.problems = list(problems)
        count = len(self.problems)
        first = str(self.problems[0])
        message = (
            f"Nothing was imported: {first}"
            if count == 1
            else f"Nothing was imported: {count} problems. First: {first}"
        )
        fields: dict[str, list[str]] = {}
        for problem in self.problems:
            key = f"rows.{problem.row or 0}" + (f".{problem.column}" if problem.column else "")
            fields.setdefault(key, []).append(problem.message)
        super().__init__(message, fields=fields)


@dataclass(frozen=True)
class ImportResult:
    rows: int
    created: int
    unchanged: int


def _lookups() -> tuple[dict[str, int], dict[str, str]]:
    lines: dict[str, int] = {}
    for pk, name in ServiceLine.objects.values_list("pk", "name"):
        lines[str(pk)] = pk
        lines.setdefault(name.strip().casefold(), pk)
    channels = {value.casefold(): value for value in Channel.values}
    channels.update({str(label).casefold(): value for value, label in Channel.choices})
    return lines, channels


def _is_text(value: str) -> bool:
    """Whether ``value`` can be stored: JSON may carry lone surrogates UTF-8 cannot encode, and
    NUL characters PostgreSQL text cannot hold."""
    if "\x00" in value:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def import_interactions(
    *, rows: Sequence[tuple[int, Mapping[str, object]]], actor: User | None
) -> ImportResult:
    """Record every row's interaction, or none: every problem of every row is named at once
    (``InteractionImportError``). A row already stored with the same facts changes nothing,
    so importing the same list twice is harmless."""
    if not rows:
        raise InteractionImportError([RowProblem(0, "", "There are no interactions to import.")])
    if len(rows) > interaction_rows.MAX_ROWS:
        raise InteractionImportError(
            [RowProblem(0, "", f"At most {interaction_rows.MAX_ROWS} interactions at a time.")]
        )
    lines, channels = _lookups()
    texts = [
        (number, {key: "" if value is None else str(value) for key, value in values.items()})
        for number, values in rows
    ]
    unreadable = [
        RowProblem(number, key, "This is not text: it holds a character no file can store.")
        for number, values in texts
        for key, value in values.items()
        if not _is_text(value)
    ]
    if unreadable:  # nothing else can be checked against the database with such a value
        raise InteractionImportError(unreadable)
    client_id = getattr(getattr(connection, "tenant", None), "pk", 0)
    agents = client_agent_ids_by_number(
        (values.get("agent", "") for _, values in texts), client_id=client_id
    )
    zone = client_zone()
    parsed: list[interaction_rows.InteractionRow] = []
    problems: list[RowProblem] = []
    for number, values in texts:
        row, row_problems = interaction_rows.parse_row(
            number, values, lines=lines, channels=channels, agents=agents, zone=zone
        )
        problems += row_problems
        if row is not None:
            parsed.append(row)
    problems += interaction_rows.repeated_references(parsed)
    if problems:
        raise InteractionImportError(problems)
    return _record_all(parsed)


@transaction.atomic
def _record_all(parsed: Sequence[interaction_rows.InteractionRow]) -> ImportResult:
    stored_before = set(
        Interaction.objects.filter(
            reference__in={row.reference for row in parsed},
            service_line_id__in={row.service_line_id for row in parsed},
        ).values_list("service_line_id", "reference")
    )
    line_of = {line.pk: line for line in ServiceLine.objects.all()}
    agent_of = Agent.objects.in_bulk({row.agent_id for row in parsed})
    problems: list[RowProblem] = []
    seen: set[tuple[int, str]] = set()
    for row in parsed:
        key = (row.service_line_id, row.reference)
        if key in seen:
            continue
        seen.add(key)
        try:
            record_interaction(
                service_line=line_of[row.service_line_id],
                reference=row.reference,
                channel=row.channel,
                occurred_at=row.occurred_at,
                agent=agent_of[row.agent_id],
                link=row.link,
            )
        except DomainError as error:
            for column, messages in (error.fields or {"": [error.message]}).items():
                problems += [RowProblem(row.row, column, message) for message in messages]
    if problems:
        # Leaving the transaction by an exception stores none of the rows.
        raise InteractionImportError(problems)
    created = len(seen - stored_before)
    return ImportResult(rows=len(parsed), created=created, unchanged=len(seen) - created)


# --- sampling plans ----------------------------------------------------------------------------


def _plan_size(
    mode: str, evaluations_per_agent: object, share_percent: object
) -> tuple[int | None, Decimal | None]:
    if mode not in SamplingMode.values:
        raise DomainError(
            "Choose how the sample is sized: n evaluations per agent, or a share.", field="mode"
        )
    if mode == SamplingMode.PER_AGENT:
        text = str(evaluations_per_agent if evaluations_per_agent is not None else "").strip()
        if not text.isdigit() or not 1 <= int(text) <= PER_AGENT_MAX:
            raise DomainError(
                f"Give a whole number of evaluations per agent and week, 1 to {PER_AGENT_MAX}.",
                field="evaluations_per_agent",
            )
        return int(text), None
    text = str(share_percent if share_percent is not None else "").strip().replace(",", ".")
    try:
        share = Decimal(text)
    except InvalidOperation:
        share = Decimal("NaN")
    if not share.is_finite() or not 0 < share <= 100:
        raise DomainError(
            "Give the share as a percentage above 0 and at most 100, e.g. 5 or 2.5.",
            field="share_percent",
        )
    if share != share.quantize(Decimal("0.01")):
        raise DomainError("A share has at most two decimals.", field="share_percent")
    return None, share.quantize(Decimal("0.01"))


@transaction.atomic
def save_sampling_plan(
    *,
    service_line: ServiceLine,
    mode: str,
    evaluations_per_agent: object = None,
    share_percent: object = None,
    is_active: bool = True,
    actor: User | None,
) -> SamplingPlan:
    """Create the line's plan, or change it (a line has one). A change applies to the next
    draw; weeks drawn already keep their sample."""
    per_agent, share = _plan_size(mode, evaluations_per_agent, share_percent)
    plan = SamplingPlan.objects.select_for_update().filter(service_line=service_line).first()
    if plan is None and service_line.status == ServiceLineStatus.RETIRED:
        raise ConflictError(
            f"{service_line.name} is retired: it gets no sampling plan.", field="service_line"
        )
    with audit_actor(actor):
        if plan is None:
            return SamplingPlan.objects.create(
                service_line=service_line,
                mode=mode,
                evaluations_per_agent=per_agent,
                share_percent=share,
                is_active=is_active,
            )
        plan.mode = mode
        plan.evaluations_per_agent = per_agent
        plan.share_percent = share
        plan.is_active = is_active
        plan.save()
    return plan


def create_sampling_plan(*, service_line: ServiceLine, actor: User | None, **size) -> SamplingPlan:
    """A new plan for a line that has none (409 otherwise)."""
    if SamplingPlan.objects.filter(service_line=service_line).exists():
        raise ConflictError(
            f"{service_line.name} has a sampling plan already: change it instead.",
            field="service_line",
        )
    return save_sampling_plan(service_line=service_line, actor=actor, **size)


def update_sampling_plan(*, plan: SamplingPlan, actor: User | None, **size) -> SamplingPlan:
    return save_sampling_plan(service_line=plan.service_line, actor=actor, **size)


def plan_spec(plan: SamplingPlan) -> sampling.Plan:
    if plan.mode == SamplingMode.PER_AGENT:
        return sampling.Plan(per_agent=plan.evaluations_per_agent)
    return sampling.Plan.of_percent(plan.share_percent)


# --- the draw ----------------------------------------------------------------------------------


def week_window(monday: date) -> tuple[datetime, datetime]:
    """[Monday 00:00, next Monday 00:00) in the client's zone."""
    zone = client_zone()
    start = datetime(monday.year, monday.month, monday.day, tzinfo=zone)
    end_day = monday + timedelta(days=7)
    return start, datetime(end_day.year, end_day.month, end_day.day, tzinfo=zone)


def week_population(*, service_line_id: int, monday: date) -> list[tuple[int, int]]:
    """``(interaction id, agent id)`` of the week's interactions of the line that have an
    agent and no evaluation yet (calibration scores aside)."""
    start, end = week_window(monday)
    evaluated = Evaluation.objects.filter(calibration_session__isnull=True).values("interaction_id")
    return list(
        Interaction.objects.filter(
            service_line_id=service_line_id,
            occurred_at__gte=start,
            occurred_at__lt=end,
            agent_id__isnull=False,
        )
        .exclude(pk__in=evaluated)
        .order_by("pk")
        .values_list("pk", "agent_id")
    )


def due_days() -> int:
    return int(getattr(settings, "QA_SAMPLE_DUE_DAYS", DEFAULT_DUE_DAYS))


def open_loads(evaluator_ids: Sequence[int]) -> dict[int, int]:
    """Open (assigned or draft) evaluations per evaluator, calibration scores aside."""
    return dict(
        Evaluation.objects.filter(
            evaluator_id__in=evaluator_ids,
            status__in=OPEN_STATUSES,
            calibration_session__isnull=True,
        )
        .values("evaluator_id")
        .annotate(count=Count("id"))
        .values_list("evaluator_id", "count")
    )


@transaction.atomic
def draw_sample(
    *,
    plan: SamplingPlan,
    week: date,
    evaluators: Sequence[User],
    actor: User | None,
    seed: int | None = None,
) -> SampleDraw:
    """Draw the plan's sample of the week (its Monday) and hand it out: a stored
    ``SampleDraw`` and one assigned evaluation per picked interaction, in one transaction.
    ``evaluators`` must be the client's QA analysts; without ``seed`` a random one is
    chosen (and stored)."""
    plan = SamplingPlan.objects.select_for_update().select_related("service_line").get(pk=plan.pk)
    line = plan.service_line
    if week.weekday() != 0:
        raise DomainError("A week is given by its Monday.", field="week")
    if not plan.is_active:
        raise ConflictError(
            f"The sampling plan of {line.name} is paused: resume it to draw.", field="week"
        )
    done = SampleDraw.objects.filter(sampling_plan=plan, week_starts_on=week).first()
    if done is not None:
        raise ConflictError(
            f"The week of {week:%-d %B %Y} of {line.name} was drawn already "
            f"({done.evaluations.count()} evaluations); a week is drawn once.",
            field="week",
        )
    version = published_version_for_line(service_line_id=line.pk)
    if version is None:
        raise ConflictError(
            f"No published scorecard applies to {line.name}: publish one for this line or "
            "for every line first.",
            field="week",
        )
    chosen = list({user.pk: user for user in evaluators}.values())
    if not chosen:
        raise DomainError("Choose at least one evaluator.", field="evaluators")
    allowed = evaluator_ids()
    strangers = [user for user in chosen if user.pk not in allowed]
    if strangers:
        raise DomainError(
            f"{strangers[0].get_full_name() or strangers[0].email} is not a QA analyst of "
            "this client.",
            field="evaluators",
        )
    if seed is not None and not 0 <= int(seed) < 2**63:
        raise DomainError("A seed is a whole number from 0 to 2^63 - 1.", field="seed")
    population = week_population(service_line_id=line.pk, monday=week)
    if not population:
        raise DomainError(
            f"No interaction of {line.name} in the week of {week:%-d %B %Y} is left to "
            "draw from (with an agent, not yet evaluated): import the week's interactions "
            "first.",
            field="week",
        )
    seed = int(seed) if seed is not None else secrets.randbits(63)
    picked = sampling.draw(population, plan_spec(plan), seed)
    given = sampling.hand_out(
        picked, [user.pk for user in chosen], open_loads([u.pk for u in chosen])
    )
    by_id = {user.pk: user for user in chosen}
    interactions = Interaction.objects.in_bulk(picked)
    due_on = week + timedelta(days=due_days())
    with audit_actor(actor):
        draw = SampleDraw.objects.create(
            sampling_plan=plan,
            week_starts_on=week,
            seed=seed,
            population=len(population),
            drawn_by=actor,
        )
        for interaction_id in picked:
            start_evaluation(
                interaction=interactions[interaction_id],
                scorecard_version=version,
                evaluator=by_id[given[interaction_id]],
                actor=actor,
                draw=draw,
                due_on=due_on,
            )
    return draw
