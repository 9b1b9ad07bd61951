"""The worked-time API, provider-level at ``/api/v1/roster/``: a week's worked time per agent
and day with adherence and conformance, confirming scheduled time, correcting a day, the
time-clock and productive-time files (all or nothing: every row's problem answers 400), and
finance's period locks.

Rights as on the pages (``worked_views``): reading ``VIEW_WORKED_TIME`` (a team lead only their
teams' agents: ``worked.worked_agents``, which every read and every agent id of a request goes
through), writing ``MANAGE_WORKED_TIME``, locks read by ``LOCK_PERIODS`` and the worked-time
managers and written by ``LOCK_PERIODS`` (reopening: provider admins only, the service's
check). Anyone without a roster right (client users above all) gets 404, as on every roster
route; a roster user whose role lacks the right 403. A locked day refuses every write with 409
(``period_locked``) naming the lock; in a file it is that row's problem (400).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar, cast

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, permissions, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.settings import api_settings

from bpo.accounts.models import User
from bpo.accounts.permissions import ROLE_REFUSAL, can_use_roster, provider_roles
from bpo.accounts.roles import LOCK_PERIODS, MANAGE_WORKED_TIME, VIEW_WORKED_TIME
from bpo.api.base import ProviderAPIView, ProviderViewSet
from bpo.api.schema import REFUSALS, error_response, invalid_response
from bpo.errors import DomainError
from scheduling.roster import worked
from scheduling.roster.models import PeriodLock
from scheduling.roster.serializers_week import (
    ConfirmResultSerializer,
    ConfirmScheduledSerializer,
    CorrectDaySerializer,
    FileImportSerializer,
    LockPeriodSerializer,
    PeriodLockSerializer,
    ProductiveImportSerializer,
    StoredDaySerializer,
    TimeClockImportSerializer,
    UnlockSerializer,
    WorkedWeekSerializer,
    worked_week_data,
)

LOCKED = error_response(
    "A day of the request is in a locked period; nothing changed.",
    "period_locked",
    "Worked time of Monday 23 November 2026 can no longer change: 1 November 2026 to 30 "
    "November 2026 was locked by Fiona Finance on 3 December 2026 (November invoiced).",
    {
        "day": [
            "Worked time of Monday 23 November 2026 can no longer change: 1 November 2026 to "
            "30 November 2026 was locked by Fiona Finance on 3 December 2026 (November invoiced)."
        ]
    },
)
FILE_PROBLEMS = error_response(
    "The file has problems; nothing was stored. `fields` names each one as "
    "`rows.<row>.<column>` (row 1 is the header; `rows.0` the file as a whole).",
    "invalid",
    "Nothing was imported: 2 problems in the file. First: row 3, clock_out: Enter a time as HH:MM.",
    {
        "rows.3.clock_out": ["Enter a time as HH:MM."],
        "rows.5.employee_number": ["No agent has the number E-99."],
    },
)
LOCK_CONFLICT = error_response(
    "The period overlaps a lock.",
    "conflict",
    "It overlaps a lock: 1 November 2026 to 30 November 2026 was locked by Fiona Finance on 3 "
    "December 2026.",
    {
        "starts_on": [
            "It overlaps a lock: 1 November 2026 to 30 November 2026 was locked by Fiona "
            "Finance on 3 December 2026."
        ]
    },
)
_REFUSED = REFUSALS
_LOCK_READERS = LOCK_PERIODS | MANAGE_WORKED_TIME


class WorkedRights(permissions.BasePermission):
    """404 for anyone without a roster right (as every roster route); then the roles of the
    view's action or method (403 otherwise)."""

    message = ROLE_REFUSAL

    def has_permission(self, request, view) -> bool:
        if not can_use_roster(request.user):
            raise NotFound()  # the roster's API: its existence does not show
        key = getattr(view, "action", None) or request.method.upper()
        if key == "HEAD":
            key = "GET"
        roles = provider_roles(request.user)
        allowed = view.worked_rights.get(key)
        if allowed is None and getattr(view, request.method.lower(), None) is None:
            # nothing routed for this method: DRF answers 405 to whoever may use the view
            return any(roles & rights for rights in view.worked_rights.values())
        return allowed is not None and bool(roles & allowed)


def _file_refusal(error: worked.WorkedImportError) -> DomainError:
    fields: dict[str, list[str]] = {}
    for problem in error.problems:
        key = f"rows.{problem.row or 0}" + (f".{problem.column}" if problem.column else "")
        fields.setdefault(key, []).append(problem.message)
    return DomainError(error.message, fields=fields)


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


class WorkedWeekAPI(ProviderAPIView):
    permission_classes = (WorkedRights,)
    worked_rights: ClassVar[dict] = {"GET": VIEW_WORKED_TIME}
    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    @extend_schema(
        operation_id="roster_worked_time_week",
        summary="A week's worked time per agent and day, with adherence and conformance",
        description="Every agent for schedulers, account managers and finance; a team lead "
        "the agents of the teams they lead (an agent leading none: an empty list). Adherence "
        "= time in the scheduled state / scheduled time, conformance = worked / scheduled; a "
        "week adds up the days that have figures.",
        tags=["worked time"],
        parameters=[
            OpenApiParameter(
                "week",
                OpenApiTypes.DATE,
                required=False,
                description="Any day of the week (YYYY-MM-DD); last week if left out.",
            ),
            OpenApiParameter("team", OpenApiTypes.INT, required=False, description="A team."),
        ],
        responses={
            200: WorkedWeekSerializer(many=True),
            400: invalid_response({"week": ["Enter a valid date."]}),
            **_REFUSED,
        },
    )
    def get(self, request):
        asked = request.query_params.get("week", "")
        try:
            day = date.fromisoformat(asked) if asked else timezone.localdate() - timedelta(days=7)
            if not date(1900, 1, 8) <= day <= date(9000, 12, 31):
                raise ValueError(asked)  # no week of those years has worked time
        except ValueError:
            raise DomainError("Enter a valid date.", field="week") from None
        team = request.query_params.get("team", "")
        if team and not team.isdigit():
            raise DomainError("Enter a whole number.", field="team")
        monday = _monday(day)
        the_week = worked.worked_week(
            user=cast(User, request.user), monday=monday, team_id=int(team) if team else None
        )
        paginator = api_settings.DEFAULT_PAGINATION_CLASS()  # type: ignore[operator,misc]
        page = paginator.paginate_queryset(the_week.agents, request, view=self)
        return paginator.get_paginated_response(
            WorkedWeekSerializer([worked_week_data(row, monday) for row in page], many=True).data
        )


def _visible_agents(user, ids) -> list:
    """The agents of ``ids`` the user may read; an id they may not is refused like a missing
    one."""
    agents = list(worked.worked_agents(user=user).filter(pk__in=set(ids)))
    missing = sorted(set(ids) - {agent.pk for agent in agents})
    if missing:
        raise DomainError(f"No such agent: {', '.join(str(pk) for pk in missing)}.", field="agents")
    return agents


class ConfirmScheduledAPI(ProviderAPIView):
    permission_classes = (WorkedRights,)
    worked_rights: ClassVar[dict] = {"POST": MANAGE_WORKED_TIME}

    @extend_schema(
        operation_id="roster_worked_time_confirm",
        summary="Confirm scheduled time as worked",
        description="Worked = scheduled on the agents' booked days of the range that have "
        "begun and hold no clock or hand-entered figures. Refused as a whole when one of "
        "those days is locked.",
        tags=["worked time"],
        request=ConfirmScheduledSerializer,
        responses={
            200: ConfirmResultSerializer,
            400: invalid_response({"agents": ["No such agent: 987654."]}),
            409: LOCKED,
            **_REFUSED,
        },
        examples=[
            OpenApiExample(
                "Last week of two agents",
                request_only=True,
                value={"agents": [12, 14], "first_day": "2026-11-23", "last_day": "2026-11-29"},
            )
        ],
    )
    def post(self, request):
        serializer = ConfirmScheduledSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        written = worked.confirm_scheduled_time(
            agents=_visible_agents(request.user, data["agents"]),
            first_day=data["first_day"],
            last_day=data["last_day"],
            actor=request.user,
        )
        return Response(ConfirmResultSerializer({"days_written": written}).data)


class CorrectDayAPI(ProviderAPIView):
    permission_classes = (WorkedRights,)
    worked_rights: ClassVar[dict] = {"POST": MANAGE_WORKED_TIME}

    @extend_schema(
        operation_id="roster_worked_time_correct_day",
        summary="Correct one agent's day by hand, with a reason",
        tags=["worked time"],
        request=CorrectDaySerializer,
        responses={
            200: StoredDaySerializer,
            400: invalid_response(
                {"reason": ["Say why the day is corrected; the history keeps it."]}
            ),
            409: LOCKED,
            **_REFUSED,
        },
    )
    def post(self, request):
        serializer = CorrectDaySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        try:
            agent = worked.access_worked_agent(user=request.user, agent_id=data["agent"])
        except DomainError:
            raise DomainError(worked.AGENT_NOT_FOUND, field="agent") from None
        row = worked.correct_worked_day(
            agent=agent,
            day=data["day"],
            worked_minutes=data["worked_minutes"],
            in_state_minutes=data.get("in_state_minutes"),
            reason=data["reason"],
            actor=request.user,
        )
        return Response(StoredDaySerializer(row).data)


class TimeClockImportAPI(ProviderAPIView):
    permission_classes = (WorkedRights,)
    worked_rights: ClassVar[dict] = {"POST": MANAGE_WORKED_TIME}

    @extend_schema(
        operation_id="roster_worked_time_import",
        summary="Import a time-clock file (all or nothing)",
        description="Columns `employee_number`, `date` (the local day the punch starts), "
        "`clock_in`, `clock_out` (HH:MM on the agent's clock; a clock-out at or before the "
        "clock-in is the next day) and optionally `in_state_minutes`. The file replaces the "
        "figures of the days it names. Every problem (an unknown agent, overlapping punches, "
        "a locked day, ...) is named by row and column, and then nothing is stored. "
        "`preview: true` checks and answers the changes without storing.",
        tags=["worked time"],
        request=FileImportSerializer,
        responses={200: TimeClockImportSerializer, 400: FILE_PROBLEMS, **_REFUSED},
        examples=[
            OpenApiExample(
                "Two punches",
                request_only=True,
                value={
                    "content": "employee_number,date,clock_in,clock_out\n"
                    "E-1,2026-11-23,08:02,16:00\nE-2,2026-11-23,22:00,06:00\n",
                    "preview": False,
                },
            )
        ],
    )
    def post(self, request):
        preview, plan = _read_file(
            request, check=worked.plan_timeclock_import, store=worked.import_timeclock
        )
        body = {
            "stored": not preview,
            **plan.counts,
            "days": [
                {
                    "row": change.row,
                    "agent": change.agent.pk,
                    "employee_number": change.agent.employee_number,
                    "day": change.day,
                    "scheduled_minutes": change.scheduled_minutes,
                    "worked_minutes": change.worked_minutes,
                    "in_state_minutes": change.in_state_minutes,
                    "action": change.action,
                }
                for change in plan.changes
            ],
        }
        return Response(TimeClockImportSerializer(body).data)


def _read_file(request, *, check, store):
    """An import's file from the request body: with ``preview`` only checked (``check``), else
    stored all or nothing (``store``); any row's problem refuses the whole file (400)."""
    serializer = FileImportSerializer(data=request.data)
    serializer.is_valid(raise_exception=True)
    content = serializer.validated_data["content"].encode("utf-8")
    preview = serializer.validated_data["preview"]
    if preview:
        plan = check(content=content)
        if plan.problems:
            raise _file_refusal(worked.WorkedImportError(plan.problems))
        return preview, plan
    try:
        return preview, store(content=content, actor=request.user)
    except worked.WorkedImportError as error:
        raise _file_refusal(error) from None


class ProductiveImportAPI(ProviderAPIView):
    permission_classes = (WorkedRights,)
    worked_rights: ClassVar[dict] = {"POST": MANAGE_WORKED_TIME}

    @extend_schema(
        operation_id="roster_productive_time_import",
        summary="Import productive time per line (all or nothing)",
        description="Columns `employee_number`, `date`, `client` (its address), `line` (the "
        "service line's name or number in that client), `minutes`; the same rules as the "
        "time clock for locked days.",
        tags=["worked time"],
        request=FileImportSerializer,
        responses={200: ProductiveImportSerializer, 400: FILE_PROBLEMS, **_REFUSED},
    )
    def post(self, request):
        preview, plan = _read_file(
            request, check=worked.plan_productive_import, store=worked.import_productive_time
        )
        body = {
            "stored": not preview,
            "rows": [
                {
                    "row": change.row,
                    "agent": change.agent.pk,
                    "day": change.day,
                    "client": change.client.slug,
                    "service_line_id": change.service_line_id,
                    "minutes": change.minutes,
                }
                for change in plan.changes
            ],
        }
        return Response(ProductiveImportSerializer(body).data)


LOCK_ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The lock.")


@extend_schema_view(
    list=extend_schema(
        summary="Locked periods, latest first",
        tags=["worked time"],
        responses={200: PeriodLockSerializer(many=True), **_REFUSED},
    ),
    create=extend_schema(
        summary="Lock a period (finance)",
        description="Worked and productive time of its days can no longer change; locks do "
        "not overlap.",
        tags=["worked time"],
        request=LockPeriodSerializer,
        responses={
            201: PeriodLockSerializer,
            400: invalid_response({"ends_on": ["The last day is before the first."]}),
            409: LOCK_CONFLICT,
            **_REFUSED,
        },
        examples=[
            OpenApiExample(
                "November",
                request_only=True,
                value={"starts_on": "2026-11-01", "ends_on": "2026-11-30", "note": "Invoiced"},
            )
        ],
    ),
)
class PeriodLockViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, ProviderViewSet):
    permission_classes = (WorkedRights,)
    worked_rights: ClassVar[dict] = {
        "list": _LOCK_READERS,
        "create": LOCK_PERIODS,
        "unlock": LOCK_PERIODS,
    }
    serializer_class = PeriodLockSerializer
    filter_backends: list = []
    lookup_value_regex = r"\d+"
    model = PeriodLock

    def select_rows(self):
        return worked.list_period_locks()

    def select_row(self):
        return worked.get_period_lock(lock_id=self.kwargs["pk"])

    def create(self, request, *args, **kwargs):
        serializer = LockPeriodSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        lock = worked.lock_period(actor=request.user, **serializer.validated_data)
        lock = worked.list_period_locks().get(pk=lock.pk)
        return Response(PeriodLockSerializer(lock).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Reopen a locked period, with a reason (provider admins)",
        description="Invoices may have been issued from it: finance decides with the admin. "
        "Finance gets 403 here.",
        tags=["worked time"],
        parameters=[LOCK_ID],
        request=UnlockSerializer,
        responses={
            204: None,
            400: invalid_response({"reason": ["Say why the period is reopened."]}),
            404: error_response("No such lock.", "not_found", "No such lock."),
            **_REFUSED,
        },
    )
    @action(detail=True, methods=["post"], pagination_class=None, filter_backends=[])
    def unlock(self, request, pk=None):
        lock = self.get_object()
        serializer = UnlockSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # the service refuses finance (403) before it looks at the reason, as on the page
        worked.unlock_period(
            lock=lock, reason=serializer.validated_data.get("reason", ""), actor=request.user
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
