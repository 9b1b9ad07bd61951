from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm, SetPasswordForm

from bpo.accounts import services
from bpo.accounts.client_address import client_ip
from bpo.accounts.roles import ASSIGNABLE_STAFF_ROLES, STAFF_ROLES, Role, ordered_roles


def role_choices(roles) -> list[tuple[str, str]]:
    return [(role, Role(role).label) for role in ordered_roles(roles)]


class ThrottledAuthenticationForm(AuthenticationForm):
    """Login by e-mail through ``services.authenticate_user`` (the API token uses it too):
    after too many failures the form refuses for a while, even the right password."""

    username = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )

    def clean(self):
        email = (self.data.get("username") or "").strip().lower()
        password = self.cleaned_data.get("password")
        if email and password:
            try:
                self.user_cache = services.authenticate_user(
                    email=email,
                    password=password,
                    ip_address=client_ip(self.request),
                    request=self.request,
                )
            except services.SignInRefused as exc:
                raise forms.ValidationError(exc.message, code=exc.code) from exc
        return self.cleaned_data


class PortalPasswordChangeForm(PasswordChangeForm):
    def save(self, commit: bool = True):
        return services.set_password(
            user=self.user, password=self.cleaned_data["new_password1"], actor=self.user
        )


class PortalSetPasswordForm(SetPasswordForm):
    """The last step of a password reset."""

    def save(self, commit: bool = True):
        return services.set_password(
            user=self.user, password=self.cleaned_data["new_password1"], actor=None
        )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(label="Your name", max_length=200, required=False)
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}), required=False
    )
    password_again = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        required=False,
        label="Repeat the password",
    )

    def __init__(self, *args, needs_password: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_password = needs_password
        if not needs_password:
            for name in ("full_name", "password", "password_again"):
                del self.fields[name]
        else:
            self.fields["password"].required = True
            self.fields["password_again"].required = True

    def clean(self):
        cleaned = super().clean() or {}
        if self.needs_password and cleaned.get("password") != cleaned.get("password_again"):
            self.add_error("password_again", "The two passwords differ.")
        return cleaned


class ProfileForm(forms.Form):
    full_name = forms.CharField(
        label="Name",
        max_length=services.FULL_NAME_MAX_LENGTH,
        error_messages={
            "required": "Enter your name.",
            "max_length": "The name is longer than %(limit_value)d characters.",
        },
    )


class InviteForm(forms.Form):
    """Invite someone by e-mail to one role; the roles offered are those the inviter may grant."""

    email = forms.EmailField(label="E-mail")
    full_name = forms.CharField(label="Name", max_length=200, required=False)

    def __init__(self, *args, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"] = forms.ChoiceField(label="Role", choices=role_choices(roles))


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} ({obj.email})" if obj.full_name else obj.email


class AssignStaffForm(forms.Form):
    """Give an existing staff member a role in this client."""

    def __init__(self, *args, staff, roles, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["user"] = StaffChoiceField(
            label="Staff member", queryset=staff, empty_label="Choose…"
        )
        self.fields["role"] = forms.ChoiceField(
            label="Role", choices=role_choices(set(roles) & ASSIGNABLE_STAFF_ROLES)
        )


class StaffInviteForm(forms.Form):
    """A provider admin invites a staff member: the admin role (global) or a staff role for
    one client."""

    email = forms.EmailField(label="E-mail")
    full_name = forms.CharField(label="Name", max_length=200, required=False)
    role = forms.ChoiceField(label="Role", choices=role_choices(STAFF_ROLES))

    def __init__(self, *args, clients, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["client"] = forms.ModelChoiceField(
            label="Client",
            queryset=clients,
            required=False,
            empty_label="— none: provider level",
            help_text=(
                "A staff role for one client opens that client. Without a client it is held at "
                "provider level (an account manager can then onboard new clients) and opens none."
            ),
        )

    def clean(self):
        cleaned = super().clean() or {}
        role, client = cleaned.get("role"), cleaned.get("client")
        if role == Role.PROVIDER_ADMIN and client is not None:
            self.add_error("client", "A provider admin is not tied to one client; leave it empty.")
        return cleaned


class GrantRoleForm(StaffInviteForm):
    """A provider admin grants an existing staff member one more role."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["email"]
        del self.fields["full_name"]
