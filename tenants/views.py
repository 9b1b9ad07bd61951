"""Pages of the tenant registry: client list, onboarding wizard and progress, client overview."""

from __future__ import annotations

from django.shortcuts import render

from bpo.accounts.decorators import client_page
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from tenants.pilot import pilot_checklist


@client_page(Action.VIEW_CLIENT)
def client_overview(request):
    client = request.tenant
    return render(
        request,
        "tenants/client_overview.html",
        {
            "client": client,
            "checklist": pilot_checklist(client=client),
            "can_manage": can(request.user, client, Action.MANAGE_CLIENT),
        },
    )
