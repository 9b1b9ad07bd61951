from django.urls import path

from bpo.portal import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("switch/", views.switch_client, name="switch"),
]
