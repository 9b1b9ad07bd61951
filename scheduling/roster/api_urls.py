"""The roster's API, mounted at ``/api/v1/`` (namespace ``api``): agents and time off
(``apis``), my week, the calendar feed and swaps (``apis_week``), worked time and period locks
(``apis_worked``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from scheduling.roster import apis, apis_week, apis_worked

router = SimpleRouter()
router.register("roster/agents", apis.AgentViewSet, basename="roster-agent")
router.register("roster/time-off-requests", apis.TimeOffRequestViewSet, basename="roster-time-off")
router.register("roster/swaps", apis_week.ShiftSwapViewSet, basename="roster-swap")
router.register("roster/period-locks", apis_worked.PeriodLockViewSet, basename="roster-period-lock")

urlpatterns = [
    path("roster/my-week/", apis_week.MyWeekAPI.as_view(), name="roster-my-week"),
    path("roster/my-week/calendar/", apis_week.CalendarFeedAPI.as_view(), name="roster-calendar"),
    path(
        "roster/my-week/calendar/rotate/",
        apis_week.CalendarRotateAPI.as_view(),
        name="roster-calendar-rotate",
    ),
    path("roster/team-week/", apis_week.TeamWeekAPI.as_view(), name="roster-team-week"),
    path("roster/worked-time/", apis_worked.WorkedWeekAPI.as_view(), name="roster-worked-time"),
    path(
        "roster/worked-time/confirm/",
        apis_worked.ConfirmScheduledAPI.as_view(),
        name="roster-worked-confirm",
    ),
    path("roster/worked-time/days/", apis_worked.CorrectDayAPI.as_view(), name="roster-worked-day"),
    path(
        "roster/worked-time/imports/",
        apis_worked.TimeClockImportAPI.as_view(),
        name="roster-worked-import",
    ),
    path(
        "roster/productive-time/imports/",
        apis_worked.ProductiveImportAPI.as_view(),
        name="roster-productive-import",
    ),
    *router.urls,
]
