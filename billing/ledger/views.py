"""Finance's receivables page, provider-side under ``/receivables/``: the open invoices of the
user's clients aged by their due date, per client and currency, with totals per currency
(amounts of different currencies never add up)."""

from __future__ import annotations

from django.shortcuts import render
from django.utils import timezone

from billing.ledger import selectors
from bpo.accounts.decorators import provider_page
from bpo.accounts.permissions import can_view_receivables


def _cells(row: selectors.AgeingRow) -> dict:
    return {
        "name": row.client_name,
        "currency": row.currency,
        "amounts": [row.buckets[key] for key in selectors.AGEING_BUCKETS],
        "total": row.total,
        "documents": row.documents,
    }


@provider_page(can_view_receivables)
def ageing(request):
    ageing = selectors.receivables_ageing(user=request.user, as_of=timezone.localdate())
    return render(
        request,
        "billing/receivables.html",
        {
            "as_of": ageing.as_of,
            "columns": [selectors.AGEING_LABELS[key] for key in selectors.AGEING_BUCKETS],
            "rows": [_cells(row) for row in ageing.rows],
            "totals": [_cells(row) for row in ageing.totals.values()],
        },
    )
