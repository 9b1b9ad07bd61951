"""The Django admin: every registered model's list opens for provider admins, read-only where
writes must go through services; nobody else gets in."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.conftest import make_user

pytestmark = pytest.mark.django_db

MODELS = sorted((model._meta.app_label, model._meta.model_name) for model in admin.site._registry)


@pytest.mark.parametrize(("app_label", "model_name"), MODELS)
def test_provider_admin_opens_every_admin_list(client, provider_admin, app_label, model_name):
    client.force_login(provider_admin)
    response = client.get(reverse(f"admin:{app_label}_{model_name}_changelist"))
    assert response.status_code == 200


@pytest.mark.parametrize("role", ["account_manager", "scheduler", "client_admin"])
def test_no_one_else_enters_the_admin(client, client_a, role):
    client.force_login(make_user(role, client_a, email=f"{role}@admin-test.test"))
    # when (the admin sends signed-in outsiders to its login view, which refuses them)
    response = client.get(reverse("admin:index"), follow=True)
    # then
    assert response.status_code == 403
