from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from bpo.accounts import views

app_name = "accounts"
urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password_reset_done"),
            email_template_name="registration/password_reset_email.txt",
            subject_template_name="registration/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("invitations/<str:token>/", views.accept_invitation, name="accept_invitation"),
    # The provider's staff administration (provider admins).
    path("staff/", views.staff_list, name="staff"),
    path("staff/invite/", views.staff_invite, name="staff_invite"),
    path("staff/<int:user_id>/", views.staff_detail, name="staff_detail"),
    path("staff/<int:user_id>/active/", views.staff_set_active, name="staff_set_active"),
    path(
        "staff/<int:user_id>/roles/<int:membership_id>/revoke/",
        views.staff_membership_revoke,
        name="staff_membership_revoke",
    ),
    path(
        "staff/invitations/<int:invitation_id>/revoke/",
        views.staff_invitation_revoke,
        name="staff_invitation_revoke",
    ),
]
