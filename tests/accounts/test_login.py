"""Login (throttled), logout, password change and reset, profile."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bpo.accounts.models import AccountEvent, FailedLogin
from tests.conftest import make_user
from tests.factories import DEMO_TEST_PASSWORD

pytestmark = pytest.mark.django_db
LOGIN = reverse("accounts:login")


def _login(client, email, password, **extra):
    return client.post(LOGIN, {"username": email, "password": password}, **extra)


def test_login_with_the_right_password_lands_on_home(client, provider_admin):
    response = _login(client, provider_admin.email, DEMO_TEST_PASSWORD)
    assert response.status_code == 302
    assert response.url == reverse("portal:home")
    assert client.session["_auth_user_id"] == str(provider_admin.pk)


def test_login_email_is_case_insensitive(client, provider_admin):
    response = _login(client, provider_admin.email.upper(), DEMO_TEST_PASSWORD)
    assert response.status_code == 302


def test_wrong_password_is_refused_with_a_clear_message_and_counted(client, provider_admin):
    response = _login(client, provider_admin.email, "wrong")
    assert response.status_code == 200
    assert "do not match an account" in response.content.decode()
    assert FailedLogin.objects.filter(email=provider_admin.email).count() == 1
    assert "_auth_user_id" not in client.session


def test_empty_form_names_the_missing_fields(client):
    response = client.post(LOGIN, {"username": "", "password": ""})
    assert response.status_code == 200
    assert response.context["form"].errors.keys() == {"username", "password"}
    assert FailedLogin.objects.count() == 0


def test_too_many_failures_refuse_even_the_right_password_until_the_window_passes(
    client, provider_admin, settings
):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.LOGIN_FAILURE_WINDOW_SECONDS = 600
    # given three failures
    for _ in range(3):
        _login(client, provider_admin.email, "wrong")
    # when the right password comes next
    response = _login(client, provider_admin.email, DEMO_TEST_PASSWORD)
    # then it is refused, and the message says why and for how long
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session
    body = response.content.decode()
    assert "Too many failed attempts. Try again in about 10 minute(s)." in body
    # when the window has passed
    FailedLogin.objects.update(attempted_at=timezone.now() - timedelta(seconds=601))
    response = _login(client, provider_admin.email, DEMO_TEST_PASSWORD)
    # then the right password works again, and the failures are forgotten
    assert response.status_code == 302
    assert not FailedLogin.objects.filter(email=provider_admin.email).exists()


def test_throttle_is_per_account_not_for_everyone(client, provider_admin, client_a_admin, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for _ in range(2):
        _login(client, provider_admin.email, "wrong")
    assert _login(client, client_a_admin.email, DEMO_TEST_PASSWORD).status_code == 302


def test_one_address_hammering_many_accounts_is_throttled(client, provider_admin, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    for n in range(8):  # LIMIT * 4 failures from one IP on different e-mails
        _login(client, f"nobody{n}@example.test", "wrong")
    response = _login(client, provider_admin.email, DEMO_TEST_PASSWORD)
    assert "Too many failed attempts" in response.content.decode()


def test_disabled_account_is_told_so(client, client_a):
    user = make_user("scheduler", client_a, email="off@provider.test")
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = _login(client, user.email, DEMO_TEST_PASSWORD)
    assert "This account is disabled" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_users_of_a_suspended_client_are_locked_out(client, client_a, client_a_admin):
    client_a.status = "suspended"
    client_a.save(update_fields=["status"])
    response = _login(client, client_a_admin.email, DEMO_TEST_PASSWORD)
    assert response.status_code == 200
    assert "is suspended; contact your account manager" in response.content.decode()


def test_logout_needs_post_and_ends_the_session(client, provider_admin):
    client.force_login(provider_admin)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response.url == LOGIN
    assert "_auth_user_id" not in client.session


def test_password_change_uses_the_portal_template_and_is_audited(client, client_a_admin):
    client.force_login(client_a_admin)
    page = client.get(reverse("accounts:password_change"))
    assert page.status_code == 200
    assert "registration/password_change_form.html" in [t.name for t in page.templates]
    assert "Django administration" not in page.content.decode()
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": DEMO_TEST_PASSWORD,
            "new_password1": "a much better secret 42",
            "new_password2": "a much better secret 42",
        },
    )
    assert response.status_code == 302
    client_a_admin.refresh_from_db()
    assert client_a_admin.check_password("a much better secret 42")
    assert AccountEvent.objects.filter(user=client_a_admin, action="password_changed").exists()


def test_password_change_with_a_wrong_old_password_changes_nothing(client, client_a_admin):
    client.force_login(client_a_admin)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": "nope", "new_password1": "x" * 3, "new_password2": "y" * 3},
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "old_password" in errors and "new_password2" in errors
    client_a_admin.refresh_from_db()
    assert client_a_admin.check_password(DEMO_TEST_PASSWORD)


def test_password_reset_end_to_end(client, client_a_admin):
    # given a reset request
    page = client.get(reverse("accounts:password_reset"))
    assert "registration/password_reset_form.html" in [t.name for t in page.templates]
    response = client.post(reverse("accounts:password_reset"), {"email": client_a_admin.email})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    # then one e-mail with a link
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "Reset your BPO Portal password"
    link = re.search(r"https?://[^/]+(/accounts/password/reset/\S+)", mail.outbox[0].body)[1]
    # when the link is opened and a new password chosen
    form_page = client.get(link, follow=True)
    assert form_page.context["validlink"] is True
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "brand new secret 77", "new_password2": "brand new secret 77"},
    )
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_complete")
    client_a_admin.refresh_from_db()
    assert client_a_admin.check_password("brand new secret 77")
    # and the link works only once
    again = client.get(link, follow=True)
    assert again.context["validlink"] is False
    assert "This link cannot be used" in again.content.decode()


def test_password_reset_for_an_unknown_address_sends_nothing_and_tells_nothing(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "ghost@example.test"})
    assert response.status_code == 302
    assert response.url == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_profile_shows_roles_and_saves_the_name(client, account_manager, client_a):
    client.force_login(account_manager)
    page = client.get(reverse("accounts:profile"))
    body = page.content.decode()
    assert "Account manager" in body and client_a.name in body
    response = client.post(reverse("accounts:profile"), {"full_name": "  Sam Rivera "})
    assert response.status_code == 302
    account_manager.refresh_from_db()
    assert account_manager.full_name == "Sam Rivera"
    assert AccountEvent.objects.filter(user=account_manager, action="profile_updated").exists()


def test_profile_refuses_a_too_long_name(client, account_manager):
    client.force_login(account_manager)
    before = account_manager.full_name
    response = client.post(reverse("accounts:profile"), {"full_name": "x" * 201})
    assert response.status_code == 200
    assert "full_name" in response.context["form"].errors
    account_manager.refresh_from_db()
    assert account_manager.full_name == before


def test_pages_need_login(client):
    for name in ("accounts:profile", "accounts:password_change"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response.url.startswith(LOGIN)


def test_profile_refuses_an_empty_name(client, account_manager):
    # given a signed-in user with a name
    client.force_login(account_manager)
    before = account_manager.full_name
    # when they save a blank name
    response = client.post(reverse("accounts:profile"), {"full_name": "   "})
    # then it is refused next to the field and nothing changes
    assert response.status_code == 200
    assert response.context["form"].errors["full_name"] == ["Enter your name."]
    account_manager.refresh_from_db()
    assert account_manager.full_name == before


def test_profile_refuses_a_300_character_name_with_the_models_limit(client, account_manager):
    client.force_login(account_manager)
    response = client.post(reverse("accounts:profile"), {"full_name": "x" * 300})
    assert response.context["form"].errors["full_name"] == [
        "The name is longer than 200 characters."
    ]
    account_manager.refresh_from_db()
    assert account_manager.full_name != "x" * 300


def test_the_service_refuses_an_empty_name(account_manager):
    from bpo.accounts import services
    from bpo.errors import DomainError

    with pytest.raises(DomainError, match="Enter your name") as refused:
        services.update_profile(user=account_manager, full_name="")
    assert refused.value.field == "full_name"


def test_a_long_name_is_cut_by_the_header_not_the_layout(client, account_manager):
    # given a name at the model's limit with no space to wrap at
    account_manager.full_name = "W" * 200
    account_manager.save(update_fields=["full_name"])
    client.force_login(account_manager)
    # then the header shows it in the ellipsis box, with the whole name as its title
    body = client.get(reverse("accounts:profile")).content.decode()
    assert f'class="userbox-name" href="{reverse("accounts:profile")}" title="{"W" * 200}"' in body
