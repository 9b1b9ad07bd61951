"""Account pages: login and passwords, invitations, profile, a client's People page and the
provider's Staff pages. Permission checks go through ``bpo.accounts.permissions``; writes go
through ``bpo.accounts.services``."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from bpo.accounts import selectors, services
from bpo.accounts.decorators import client_page, provider_page
from bpo.accounts.forms import (
    AcceptInvitationForm,
    AssignStaffForm,
    GrantRoleForm,
    InviteForm,
    PortalPasswordChangeForm,
    PortalSetPasswordForm,
    ProfileForm,
    StaffInviteForm,
    ThrottledAuthenticationForm,
)
from bpo.accounts.permissions import can, can_manage_staff, forget_memberships, grantable_roles
from bpo.accounts.roles import (
    ASSIGNABLE_STAFF_ROLES,
    CLIENT_ROLES,
    STAFF_ROLES,
    Action,
    Role,
    ordered_roles,
)
from bpo.errors import DomainError, PermissionDeniedError
from bpo.forms import add_domain_error

PAGE_SIZE = 25


def paginate(request, items, *, per_page: int = PAGE_SIZE):
    """A page of ``items`` and the query string (without ``page``) for the page links."""
    page = Paginator(items, per_page).get_page(request.GET.get("page"))
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    return page, query


# --- login, passwords, profile ------------------------------------------------------------------


class LoginView(auth_views.LoginView):
    form_class = ThrottledAuthenticationForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = PortalPasswordChangeForm
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = PortalSetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, initial={"full_name": request.user.full_name})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_profile(user=request.user, full_name=form.cleaned_data["full_name"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "Your profile is saved.")
            return redirect("accounts:profile")
    memberships = sorted(
        selectors.list_own_memberships(user=request.user),
        key=lambda m: (Role.values.index(m.role), m.client.name if m.client else ""),
    )
    return render(request, "accounts/profile.html", {"form": form, "memberships": memberships})


# --- invitations ---------------------------------------------------------------------------------


def accept_invitation(request, token: str):
    invitation = services.find_invitation(token=token)
    if invitation is None or not invitation.is_usable:
        status = invitation.status if invitation else "invalid"
        return render(request, "accounts/invitation_unusable.html", {"status": status}, status=410)
    account = services.User.objects.filter(email__iexact=invitation.email).first()
    current = request.user if request.user.is_authenticated else None
    wrong_account = current is not None and (account is None or current.pk != account.pk)
    form = AcceptInvitationForm(
        request.POST if request.method == "POST" else None,
        needs_password=account is None,
        initial={"full_name": invitation.full_name},
    )
    if request.method == "POST" and not wrong_account and form.is_valid():
        try:
            user = services.accept_invitation(
                token=token,
                password=form.cleaned_data.get("password"),
                full_name=form.cleaned_data.get("full_name", ""),
                user=current,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            if account is None or current is not None:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, "Welcome! Your access is ready.")
                return redirect("portal:home")
            messages.success(request, "Your new access is ready. Log in to use it.")
            login_url = reverse("accounts:login")
            return redirect(f"{login_url}?{urlencode({'next': reverse('portal:home')})}")
    return render(
        request,
        "accounts/accept_invitation.html",
        {
            "invitation": invitation,
            "form": form,
            "has_account": account is not None,
            "wrong_account": wrong_account,
        },
        status=409 if wrong_account else 200,
    )


# --- a client's People page ------------------------------------------------------------------------


@client_page(Action.VIEW_MEMBERS)
def client_members(request):
    client = request.tenant
    search = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if role not in Role.values:
        role = ""
    memberships = selectors.list_client_memberships(client=client, search=search, role=role)
    page, query = paginate(request, memberships)
    may_manage = can(request.user, client, Action.MANAGE_MEMBERS)
    grantable = grantable_roles(request.user, client) if may_manage else frozenset()
    invitations = (
        list(selectors.list_client_invitations(client=client, status="pending")[:50])
        if may_manage
        else []
    )
    return render(
        request,
        "accounts/client_members.html",
        {
            "client": client,
            "page": page,
            "query": query,
            "search": search,
            "role": role,
            "role_choices": [(r, Role(r).label) for r in ordered_roles(CLIENT_ROLES | STAFF_ROLES)],
            "client_role_values": CLIENT_ROLES,
            "may_manage": may_manage,
            "grantable": grantable,
            "may_assign_staff": bool(grantable & ASSIGNABLE_STAFF_ROLES),
            "invitations": invitations,
            "events": selectors.list_client_account_events(client=client) if may_manage else [],
        },
    )


@client_page(Action.MANAGE_MEMBERS)
def client_member_invite(request):
    client = request.tenant
    roles = grantable_roles(request.user, client)
    form = InviteForm(request.POST or None, roles=roles, initial={"role": Role.CLIENT_VIEWER})
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _ = services.invite_user(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                client=client,
                invited_by=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email} as {invitation.get_role_display()}.",
            )
            return redirect("client:members", client.slug)
    return render(
        request,
        "accounts/client_member_invite.html",
        {"client": client, "form": form, "invitation_days": settings.INVITATION_VALID_DAYS},
    )


@client_page(Action.MANAGE_MEMBERS)
def client_member_assign(request):
    client = request.tenant
    roles = grantable_roles(request.user, client) & ASSIGNABLE_STAFF_ROLES
    if not roles:
        raise PermissionDenied("Only account managers and provider admins assign staff.")
    form = AssignStaffForm(
        request.POST or None, staff=selectors.list_assignable_staff(client=client), roles=roles
    )
    if request.method == "POST" and form.is_valid():
        user = form.cleaned_data["user"]
        try:
            membership = services.grant_membership_by_user_id(
                user_id=user.pk, role=form.cleaned_data["role"], client=client, actor=request.user
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, f"{user} is now {membership.get_role_display()} for {client}."
            )
            return redirect("client:members", client.slug)
    return render(request, "accounts/client_member_assign.html", {"client": client, "form": form})


@client_page(Action.MANAGE_MEMBERS)
@require_POST
def client_member_remove(request, membership_id: int):
    client = request.tenant
    membership = selectors.access_client_membership(client=client, membership_id=membership_id)
    try:
        services.revoke_membership(membership=membership, actor=request.user)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, f"{membership.user} is no longer {membership.get_role_display()}."
        )
    forget_memberships(request.user)
    if not can(request.user, client, Action.VIEW_MEMBERS):
        return redirect("portal:home")  # they removed their own access
    return redirect("client:members", client.slug)


@client_page(Action.MANAGE_MEMBERS)
@require_POST
def client_invitation_revoke(request, invitation_id: int):
    client = request.tenant
    invitation = selectors.access_client_invitation(client=client, invitation_id=invitation_id)
    try:
        services.revoke_invitation(invitation=invitation, actor=request.user)
    except PermissionDeniedError as exc:
        raise PermissionDenied(exc.message) from exc
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The invitation of {invitation.email} is revoked.")
    return redirect("client:members", client.slug)


# --- the provider's Staff pages (provider admins) ---------------------------------------------------

staff_page = provider_page(can_manage_staff)


def _clients_for_picker():
    from tenants.models import Client

    return Client.objects.exclude(schema_name="public").order_by("name")


@staff_page
def staff_list(request):
    search = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if role not in STAFF_ROLES:
        role = ""
    page, query = paginate(
        request, selectors.list_staff(user=request.user, search=search, role=role)
    )
    return render(
        request,
        "accounts/staff_list.html",
        {
            "page": page,
            "query": query,
            "search": search,
            "role": role,
            "role_choices": [(r, Role(r).label) for r in ordered_roles(STAFF_ROLES)],
            "invitations": list(
                selectors.list_staff_invitations(user=request.user, status="pending")[:50]
            ),
        },
    )


@staff_page
def staff_invite(request):
    form = StaffInviteForm(request.POST or None, clients=_clients_for_picker())
    if request.method == "POST" and form.is_valid():
        try:
            invitation, _ = services.invite_user(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                role=form.cleaned_data["role"],
                client=form.cleaned_data["client"],
                invited_by=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"Invitation sent to {invitation.email} as {invitation.get_role_display()}.",
            )
            return redirect("accounts:staff")
    return render(request, "accounts/staff_invite.html", {"form": form})


@staff_page
def staff_detail(request, user_id: int):
    staff_member = selectors.access_staff_user(user=request.user, user_id=user_id)
    form = GrantRoleForm(request.POST or None, clients=_clients_for_picker())
    if request.method == "POST" and form.is_valid():
        try:
            membership = services.grant_membership(
                user=staff_member,
                role=form.cleaned_data["role"],
                client=form.cleaned_data["client"],
                actor=request.user,
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            where = f" for {membership.client}" if membership.client else ""
            messages.success(
                request, f"{staff_member} is now {membership.get_role_display()}{where}."
            )
            return redirect("accounts:staff_detail", staff_member.pk)
    return render(
        request,
        "accounts/staff_detail.html",
        {
            "staff_member": staff_member,
            "memberships": list(staff_member.memberships.all()),
            "form": form,
            "events": selectors.list_staff_account_events(
                user=request.user, staff_member=staff_member
            ),
        },
    )


@staff_page
@require_POST
def staff_membership_revoke(request, user_id: int, membership_id: int):
    staff_member = selectors.access_staff_user(user=request.user, user_id=user_id)
    membership = next((m for m in staff_member.memberships.all() if m.pk == membership_id), None)
    if membership is None:
        raise Http404("No such role")
    try:
        services.revoke_membership(membership=membership, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        where = f" for {membership.client}" if membership.client else ""
        messages.success(
            request, f"{staff_member} is no longer {membership.get_role_display()}{where}."
        )
    return redirect("accounts:staff_detail", staff_member.pk)


@staff_page
@require_POST
def staff_set_active(request, user_id: int):
    staff_member = selectors.access_staff_user(user=request.user, user_id=user_id)
    is_active = request.POST.get("is_active") == "1"
    try:
        services.set_user_active(user=staff_member, is_active=is_active, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        state = "enabled" if is_active else "disabled; their sessions and API token stop working"
        messages.success(request, f"The account of {staff_member} is {state}.")
    return redirect("accounts:staff_detail", staff_member.pk)


@staff_page
@require_POST
def staff_invitation_revoke(request, invitation_id: int):
    invitation = selectors.access_staff_invitation(user=request.user, invitation_id=invitation_id)
    try:
        services.revoke_invitation(invitation=invitation, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"The invitation of {invitation.email} is revoked.")
    return redirect("accounts:staff")
