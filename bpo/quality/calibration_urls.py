"""Routes of calibration sessions: pages under ``/c/<client_slug>/calibrations/`` (joined to
``bpo.quality.urls.pages``) and the API's ``calibration-sessions`` (registered on its router)."""

from django.urls import path

from bpo.quality import calibration_views as views

SESSION = "calibrations/<int:calibration_session_id>/"

pages = [
    path("calibrations/", views.calibration_sessions, name="calibration_sessions"),
    path("calibrations/new/", views.calibration_session_create, name="calibration_session_create"),
    path(SESSION, views.calibration_session, name="calibration_session"),
    path(
        SESSION + "participants/add/",
        views.calibration_participant_add,
        name="calibration_participant_add",
    ),
    path(
        SESSION + "participants/remove/",
        views.calibration_participant_remove,
        name="calibration_participant_remove",
    ),
    path(SESSION + "expert/", views.calibration_expert_set, name="calibration_expert_set"),
    path(
        SESSION + "interactions/add/",
        views.calibration_interaction_add,
        name="calibration_interaction_add",
    ),
    path(
        SESSION + "interactions/<int:interaction_id>/score/",
        views.calibration_score,
        name="calibration_score",
    ),
    path(SESSION + "close/", views.calibration_session_close, name="calibration_session_close"),
]
