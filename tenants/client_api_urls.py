"""One client's registry API, mounted at ``/api/v1/clients/<client_slug>/`` (namespace ``api``).

The path middleware runs these in the client's schema; ``bpo.api.base.ClientScopedAPIView``
checks membership (404) and the role (403) on every request.
"""

from django.urls import path

from tenants import apis

urlpatterns = [
    path("", apis.ClientDetailAPI.as_view(), name="client-detail"),
    path("status/", apis.ClientStatusAPI.as_view(), name="client-status"),
    path("events/", apis.ClientEventViewSet.as_view({"get": "list"}), name="client-events"),
    path(
        "exports/",
        apis.ClientExportViewSet.as_view({"get": "list", "post": "create"}),
        name="client-export-list",
    ),
    path(
        "exports/<int:pk>/",
        apis.ClientExportViewSet.as_view({"get": "retrieve"}),
        name="client-export-detail",
    ),
    path(
        "exports/<int:pk>/download/",
        apis.ClientExportViewSet.as_view({"get": "download"}),
        name="client-export-download",
    ),
    path(
        "exports/<int:pk>/retry/",
        apis.ClientExportViewSet.as_view({"post": "retry"}),
        name="client-export-retry",
    ),
]
