from django.urls import path

from tenants import views

urlpatterns = [
    path("", views.client_overview, name="overview"),
]
