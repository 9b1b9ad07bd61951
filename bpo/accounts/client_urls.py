"""The People page of one client, under ``/c/<client_slug>/`` (namespace ``client``)."""

from django.urls import path

from bpo.accounts import views

urlpatterns = [
    path("members/", views.client_members, name="members"),
    path("members/invite/", views.client_member_invite, name="member_invite"),
    path("members/assign/", views.client_member_assign, name="member_assign"),
    path(
        "members/<int:membership_id>/remove/",
        views.client_member_remove,
        name="member_remove",
    ),
    path(
        "invitations/<int:invitation_id>/revoke/",
        views.client_invitation_revoke,
        name="invitation_revoke",
    ),
]
