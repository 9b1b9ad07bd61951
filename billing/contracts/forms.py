"""The form of a new contract version: its terms, and its rate card as rows (copied from the
version in force). Rules (multipliers, SLA credits, committed FTE) are copied unchanged; the
API sets them."""

from __future__ import annotations

from django import forms

from billing.contracts.models import Basis, EInvoiceFormat, TaxMode, TrueUpRule
from billing.ledger.models import LegalEntity
from bpo.catalog.models import ServiceLine

TERM_FIELDS = (
    "seller",
    "buyer_legal_name",
    "buyer_address",
    "buyer_city",
    "buyer_postcode",
    "buyer_country",
    "buyer_vat_id",
    "buyer_reference",
    "purchase_order",
    "currency",
    "payment_terms_days",
    "language",
    "tax_mode",
    "default_tax_rate",
    "e_invoice_format",
    "minimum_monthly_amount",
    "fte_true_up_rule",
    "hours_per_fte_month",
)


class ContractVersionForm(forms.Form):
    effective_from = forms.DateField(
        label="In force from", widget=forms.DateInput(attrs={"type": "date"})
    )
    seller = forms.ModelChoiceField(
        queryset=LegalEntity.objects.all(), label="Seller (the provider's company)"
    )
    buyer_legal_name = forms.CharField(max_length=200, label="Buyer's legal name")
    buyer_address = forms.CharField(
        required=False, label="Street and number", widget=forms.Textarea(attrs={"rows": 2})
    )
    buyer_city = forms.CharField(max_length=100, required=False, label="City")
    buyer_postcode = forms.CharField(max_length=20, required=False, label="Postcode")
    buyer_country = forms.CharField(max_length=2, label="Country (ISO code)")
    buyer_vat_id = forms.CharField(max_length=20, required=False, label="Buyer VAT id")
    buyer_reference = forms.CharField(max_length=100, required=False, label="Buyer reference")
    purchase_order = forms.CharField(max_length=100, required=False, label="Purchase-order number")
    currency = forms.CharField(max_length=3)
    payment_terms_days = forms.IntegerField(
        min_value=0, max_value=365, label="Payment terms (days)"
    )
    language = forms.CharField(max_length=16, label="Language of documents", initial="en")
    tax_mode = forms.ChoiceField(choices=TaxMode.choices, label="Tax")
    default_tax_rate = forms.DecimalField(max_digits=5, decimal_places=2, label="Tax rate (%)")
    e_invoice_format = forms.ChoiceField(choices=EInvoiceFormat.choices, label="E-invoice")
    minimum_monthly_amount = forms.DecimalField(
        max_digits=14, decimal_places=3, required=False, label="Minimum a month"
    )
    fte_true_up_rule = forms.ChoiceField(
        choices=TrueUpRule.choices, label="Committed FTE not delivered"
    )
    hours_per_fte_month = forms.DecimalField(
        max_digits=6, decimal_places=2, label="Hours per FTE month"
    )
    note = forms.CharField(max_length=300, required=False, label="Why (for the history)")

    def terms(self) -> dict:
        data = {name: self.cleaned_data.get(name) for name in TERM_FIELDS}
        seller = data.pop("seller")
        data["seller_id"] = seller.pk if seller else None
        return data


class RateLineForm(forms.Form):
    basis = forms.ChoiceField(choices=[("", "—"), *Basis.choices], required=False)
    service_line = forms.ModelChoiceField(
        queryset=ServiceLine.objects.order_by("name"), required=False, empty_label="All lines"
    )
    role = forms.CharField(max_length=80, required=False, label="Skill")
    unit_price = forms.DecimalField(max_digits=18, decimal_places=6, required=False)
    quantity = forms.DecimalField(max_digits=10, decimal_places=4, required=False, initial=1)
    tax_rate = forms.DecimalField(max_digits=5, decimal_places=2, required=False, label="Tax %")
    description = forms.CharField(max_length=200, required=False)
    bill_on = forms.DateField(
        required=False, label="Fee due", widget=forms.DateInput(attrs={"type": "date"})
    )

    def is_blank(self) -> bool:
        return not self.cleaned_data.get("basis")

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        line = data.pop("service_line", None)
        data["service_line"] = line.pk if line else None
        if data.get("quantity") is None:
            data["quantity"] = 1
        data.pop("DELETE", None)
        return data


RateLineFormSet = forms.formset_factory(RateLineForm, extra=2, can_delete=True)
