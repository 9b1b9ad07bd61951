"""Routes of scripts: pages under ``/c/<client_slug>/service-lines/<id>/script/`` and the API's
``scripts/`` and ``script-versions/``."""

from django.urls import path
from rest_framework.routers import SimpleRouter

from bpo.catalog.apis.scripts import ScriptVersionViewSet, ScriptViewSet
from bpo.catalog.views import scripts as views

LINE = "service-lines/<int:service_line_id>/script/"
VERSION = LINE + "versions/<int:version_id>/"

pages = [
    path(LINE, views.script, name="script"),
    path(LINE + "versions/new/", views.script_version_create, name="script_version_create"),
    path(LINE + "rows/section/", views.script_section_row, name="script_section_row"),
    path(LINE + "rows/variable/", views.script_variable_row, name="script_variable_row"),
    path(LINE + "diff/", views.script_diff, name="script_diff"),
    path(LINE + "agent/", views.script_agent_view, name="script_agent_view"),
    path(VERSION, views.script_version, name="script_version"),
    path(VERSION + "edit/", views.script_version_edit, name="script_version_edit"),
    path(VERSION + "submit/", views.script_version_submit, name="script_version_submit"),
    path(VERSION + "approve/", views.script_version_approve, name="script_version_approve"),
    path(VERSION + "return/", views.script_version_return, name="script_version_return"),
    path(VERSION + "publish/", views.script_version_publish, name="script_version_publish"),
    path(VERSION + "retire/", views.script_version_retire, name="script_version_retire"),
    path(VERSION + "delete/", views.script_version_delete, name="script_version_delete"),
]

router = SimpleRouter()
router.register("scripts", ScriptViewSet, basename="script")
router.register("script-versions", ScriptVersionViewSet, basename="script-version")
api = router.urls
