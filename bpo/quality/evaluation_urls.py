"""Routes of QA evaluations and disputes: ``pages`` under ``/c/<client_slug>/`` and ``api``
under ``/api/v1/clients/<client_slug>/`` (added to ``bpo.quality.urls``)."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from bpo.quality import evaluation_apis as apis
from bpo.quality import evaluation_views as views

EVALUATION = "evaluations/<int:evaluation_id>/"

pages = [
    path("evaluations/", views.evaluations, name="evaluations"),
    path("evaluations/new/", views.evaluation_create, name="evaluation_create"),
    path("evaluations/disputes/", views.disputes, name="disputes"),
    path(EVALUATION, views.evaluation, name="evaluation"),
    path(EVALUATION + "score/", views.evaluation_score, name="evaluation_score"),
    path(EVALUATION + "release/", views.evaluation_release, name="evaluation_release"),
    path(EVALUATION + "acknowledge/", views.evaluation_acknowledge, name="evaluation_acknowledge"),
    path(EVALUATION + "dispute/", views.evaluation_dispute, name="evaluation_dispute"),
    path(
        EVALUATION + "disputes/<int:dispute_id>/decide/",
        views.dispute_decide,
        name="dispute_decide",
    ),
]

router = SimpleRouter()
router.register("evaluations", apis.EvaluationViewSet, basename="evaluation")
router.register("disputes", apis.DisputeViewSet, basename="dispute")
api = router.urls
