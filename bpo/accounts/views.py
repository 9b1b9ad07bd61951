from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from bpo.accounts import services
from bpo.accounts.forms import AcceptInvitationForm, ThrottledAuthenticationForm
from bpo.accounts.permissions import memberships_of
from bpo.errors import DomainError


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"memberships": memberships_of(request.user)})


def accept_invitation(request, token: str):
    invitation = services.find_invitation(token=token)
    if invitation is None or not invitation.is_usable:
        status = invitation.status if invitation else "invalid"
        return render(request, "accounts/invitation_unusable.html", {"status": status}, status=410)
    has_account = services.User.objects.filter(email__iexact=invitation.email).exists()
    form = AcceptInvitationForm(
        request.POST or None,
        needs_password=not has_account,
        initial={"full_name": invitation.full_name},
    )
    if request.method == "POST" and form.is_valid():
        current = request.user if request.user.is_authenticated else None
        try:
            user = services.accept_invitation(
                token=token,
                password=form.cleaned_data.get("password"),
                full_name=form.cleaned_data.get("full_name", ""),
                user=current,
            )
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if not has_account or current is not None:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, "Welcome! Your access is ready.")
                return redirect("portal:home")
            messages.success(request, "Your new access is ready. Log in to use it.")
            return redirect("accounts:login")
    return render(
        request,
        "accounts/accept_invitation.html",
        {"invitation": invitation, "form": form, "has_account": has_account},
    )
