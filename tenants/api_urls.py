"""The tenant registry's provider-side API, mounted at ``/api/v1/`` (namespace ``api``).

One client's endpoints (``clients/<client_slug>/...``) are in ``tenants.client_api_urls``.
"""

from django.urls import path

from tenants import apis

urlpatterns = [
    path("clients/", apis.ClientViewSet.as_view({"get": "list"}), name="client-list"),
    path(
        "onboarding-runs/",
        apis.OnboardingRunViewSet.as_view({"get": "list", "post": "create"}),
        name="onboarding-run-list",
    ),
    path(
        "onboarding-runs/<uuid:pk>/",
        apis.OnboardingRunViewSet.as_view({"get": "retrieve"}),
        name="onboarding-run-detail",
    ),
    path(
        "onboarding-runs/<uuid:pk>/retry/",
        apis.OnboardingRunViewSet.as_view({"post": "retry"}),
        name="onboarding-run-retry",
    ),
]
