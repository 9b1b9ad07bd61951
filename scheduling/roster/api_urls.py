"""The roster's API, mounted at ``/api/v1/`` (namespace ``api``)."""

from rest_framework.routers import SimpleRouter

from scheduling.roster import apis

router = SimpleRouter()
router.register("roster/agents", apis.AgentViewSet, basename="roster-agent")
router.register("roster/time-off-requests", apis.TimeOffRequestViewSet, basename="roster-time-off")

urlpatterns = router.urls
