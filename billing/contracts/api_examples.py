"""Examples of the contract API's documentation (checked against the schema)."""

from __future__ import annotations

VERSION = {
    "id": 4,
    "number": 2,
    "effective_from": "2026-12-01",
    "seller": 1,
    "seller_name": "BPO Portal Services B.V.",
    "buyer_legal_name": "ShopRight GmbH",
    "buyer_address": "Hauptstrasse 5",
    "buyer_city": "Berlin",
    "buyer_postcode": "10115",
    "buyer_country": "DE",
    "buyer_vat_id": "DE136695976",
    "buyer_reference": "04011000-12345-34",
    "purchase_order": "PO-2026-118",
    "currency": "EUR",
    "payment_terms_days": 30,
    "language": "de-DE",
    "tax_mode": "per_line",
    "tax_mode_label": "Tax on each line",
    "default_tax_rate": "19.00",
    "reverse_charge": True,
    "e_invoice_format": "factur_x",
    "e_invoice_format_label": "Factur-X / ZUGFeRD (EN 16931 in the PDF)",
    "minimum_monthly_amount": "20000.000",
    "fte_true_up_rule": "bill_shortfall",
    "fte_true_up_rule_label": "The client pays for committed FTE not used",
    "hours_per_fte_month": "160.00",
    "note": "2027 prices.",
    "invoiced_through": None,
    "created_at": "2026-11-20T10:00:00Z",
    "rates": [
        {
            "id": 9,
            "basis": "fte_month",
            "basis_label": "Per FTE per month",
            "service_line": 3,
            "service_line_name": "Order support",
            "role": "",
            "unit_price": "4200.000000",
            "quantity": "12.0000",
            "tax_rate": None,
            "description": "",
            "bill_on": None,
        }
    ],
    "multipliers": [
        {
            "id": 2,
            "kind": "holiday",
            "kind_label": "Public holidays",
            "factor": "1.5000",
            "threshold_hours": None,
            "night_starts": None,
            "night_ends": None,
            "subdivision": "BE",
        }
    ],
    "sla_credits": [
        {
            "id": 1,
            "service_line": 3,
            "points_per_step": "1.00",
            "credit_percent_per_step": "2.00",
            "cap_percent": "10.00",
            "bonus_points_per_step": None,
            "bonus_percent_per_step": None,
            "bonus_cap_percent": None,
        }
    ],
    "committed_fte": [
        {
            "id": 1,
            "service_line": 3,
            "fte": "12.00",
            "weekdays": [0, 1, 2, 3, 4],
            "window_starts": "08:00",
            "window_ends": "18:00",
        }
    ],
    "rules_in_words": [
        "12 FTE on Order support at €4,200.00 each a month, prorated by the days live.",
        "Reverse charge: the buyer accounts for the VAT (EU B2B).",
        "Payment within 30 days.",
    ],
}

NEW_VERSION = {
    "effective_from": "2027-01-01",
    "payment_terms_days": 45,
    "rates": [
        {"basis": "fte_month", "service_line": 3, "unit_price": "4350.00", "quantity": "12"},
        {"basis": "one_off_fee", "unit_price": "1500.00", "description": "New IVR flows"},
    ],
    "note": "2027 prices.",
}
