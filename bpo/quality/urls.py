"""Routes of QA scorecards: ``pages`` under ``/c/<client_slug>/`` (namespace ``client``) and
``api`` under ``/api/v1/clients/<client_slug>/`` (namespace ``api``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from bpo.quality import (
    apis,
    calibration_apis,
    calibration_urls,
    evaluation_urls,
    sampling_apis,
    sampling_views,
    views,
)

CARD = "scorecards/<int:scorecard_id>/"
VERSION = CARD + "versions/<int:scorecard_version_id>/"
SECTION = VERSION + "sections/<int:section_id>/"
CRITERION = SECTION + "criteria/<int:criterion_id>/"

pages = [
    path("scorecards/", views.scorecards, name="scorecards"),
    path("scorecards/new/", views.scorecard_create, name="scorecard_create"),
    path(CARD, views.scorecard, name="scorecard"),
    path(CARD + "edit/", views.scorecard_edit, name="scorecard_edit"),
    path(CARD + "versions/new/", views.scorecard_version_create, name="scorecard_version_create"),
    path(VERSION, views.scorecard_version, name="scorecard_version"),
    path(
        VERSION + "settings/", views.scorecard_version_settings, name="scorecard_version_settings"
    ),
    path(VERSION + "preview/", views.scorecard_version_preview, name="scorecard_version_preview"),
    path(VERSION + "publish/", views.scorecard_version_publish, name="scorecard_version_publish"),
    path(VERSION + "retire/", views.scorecard_version_retire, name="scorecard_version_retire"),
    path(VERSION + "delete/", views.scorecard_version_delete, name="scorecard_version_delete"),
    path(
        VERSION + "sections/new/", views.scorecard_section_create, name="scorecard_section_create"
    ),
    path(SECTION + "edit/", views.scorecard_section_edit, name="scorecard_section_edit"),
    path(SECTION + "move/", views.scorecard_section_move, name="scorecard_section_move"),
    path(SECTION + "delete/", views.scorecard_section_delete, name="scorecard_section_delete"),
    path(
        SECTION + "criteria/new/",
        views.scorecard_criterion_create,
        name="scorecard_criterion_create",
    ),
    path(CRITERION + "edit/", views.scorecard_criterion_edit, name="scorecard_criterion_edit"),
    path(CRITERION + "move/", views.scorecard_criterion_move, name="scorecard_criterion_move"),
    path(
        CRITERION + "delete/", views.scorecard_criterion_delete, name="scorecard_criterion_delete"
    ),
    *evaluation_urls.pages,
]

# QA sampling and the week's QA score (bpo/quality/sampling_views.py)
LINE = "qa/sampling/lines/<int:service_line_id>/"
pages += [
    path("qa/interactions/", sampling_views.interactions, name="qa_interactions"),
    path(
        "qa/interactions/import/", sampling_views.interaction_import, name="qa_interaction_import"
    ),
    path("qa/sampling/", sampling_views.sampling, name="qa_sampling"),
    path(LINE + "plan/", sampling_views.sampling_plan_edit, name="qa_sampling_plan"),
    path(LINE + "draw/", sampling_views.sample_draw, name="qa_sample_draw"),
    path("qa/due/", sampling_views.due, name="qa_due"),
    path("qa/scores/", sampling_views.qa_scores, name="qa_scores"),
]
pages += calibration_urls.pages

# SimpleRouter: no API root view, which would not derive from the client-scoped base classes.
router = SimpleRouter()
router.register("scorecards", apis.ScorecardViewSet, basename="scorecard")
router.register("scorecard-versions", apis.ScorecardVersionViewSet, basename="scorecard-version")
router.register("interactions", sampling_apis.InteractionViewSet, basename="interaction")
router.register("sampling-plans", sampling_apis.SamplingPlanViewSet, basename="sampling-plan")
router.register(
    "calibration-sessions",
    calibration_apis.CalibrationSessionViewSet,
    basename="calibration-session",
)
api = [
    *router.urls,
    path("qa-scores/", sampling_apis.QaScoresApi.as_view(), name="qa-scores"),
    *evaluation_urls.api,
]
