"""Writes to a client's commercial terms. Called with the client's schema active."""

from __future__ import annotations

import zoneinfo

from django.db import transaction
from django.utils import timezone

from billing.contracts.models import BillingContact, Contract


@transaction.atomic
def create_initial_contract(
    *,
    billing_model: str,
    currency: str,
    time_zone: str,
    billing_contact_name: str,
    billing_contact_email: str,
) -> Contract:
    """The contract chosen at onboarding and its primary billing contact, starting today in
    the client's ``time_zone``. The caller (onboarding) has validated the values and made
    the new client's schema the active one."""
    BillingContact.objects.create(
        name=billing_contact_name, email=billing_contact_email, is_primary=True
    )
    return Contract.objects.create(
        billing_model=billing_model,
        currency=currency,
        starts_on=timezone.localdate(timezone=zoneinfo.ZoneInfo(time_zone)),
    )
