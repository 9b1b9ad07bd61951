"""Receivables, provider-side under ``/receivables/`` (the register spans clients)."""

from django.urls import path

from billing.ledger import views

app_name = "receivables"
urlpatterns = [path("", views.ageing, name="ageing")]
