from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm

from bpo.accounts import services


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") if request else None


class ThrottledAuthenticationForm(AuthenticationForm):
    """Login by e-mail; after too many failures the form refuses for a while."""

    username = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean(self):
        email = (self.data.get("username") or "").strip().lower()
        ip_address = client_ip(self.request)
        wait = services.login_throttle_remaining_seconds(email=email, ip_address=ip_address)
        if wait:
            minutes = max(1, round(wait / 60))
            raise forms.ValidationError(
                f"Too many failed attempts. Try again in about {minutes} minute(s).",
                code="throttled",
            )
        try:
            cleaned = super().clean()
        except forms.ValidationError:
            services.record_failed_login(email=email, ip_address=ip_address)
            raise
        services.clear_failed_logins(email=email)
        return cleaned


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(max_length=200, required=False)
    password = forms.CharField(widget=forms.PasswordInput, required=False)
    password_again = forms.CharField(widget=forms.PasswordInput, required=False, label="Repeat the password")

    def __init__(self, *args, needs_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_password = needs_password
        if not needs_password:
            for name in ("password", "password_again"):
                del self.fields[name]
        else:
            self.fields["password"].required = True
            self.fields["password_again"].required = True

    def clean(self):
        cleaned = super().clean()
        if self.needs_password and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return cleaned
