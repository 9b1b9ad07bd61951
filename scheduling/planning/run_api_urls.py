"""The planning run API, provider-side, mounted at ``/api/v1/`` (namespace ``api``)."""

from rest_framework.routers import SimpleRouter

from scheduling.planning.apis import planning_runs

router = SimpleRouter()
router.register("planning-runs", planning_runs.PlanningRunViewSet, basename="planning-run")

urlpatterns = router.urls
