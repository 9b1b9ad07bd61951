"""A :class:`~billing.einvoice.document.Document` as the ``data_dict`` of the ``factur-x``
package, whose ``generate_cii_xml`` and ``generate_ubl_xml`` write both syntaxes from it.

The keys are EN 16931's business terms (BT-1, BG-25, ...). Amounts go in as strings with the
currency's decimals, so the package formats nothing itself; its own XSD and Schematron checks
are switched off by the callers (the Schematron one posts to a Saxon HTTP server):
:mod:`billing.einvoice.validation` runs both offline.
"""

from __future__ import annotations

from typing import Any

from billing.einvoice.document import (
    AllowanceCharge,
    Document,
    Line,
    Party,
    VatBreakdown,
    VatCategory,
    format_amount,
    format_number,
)

LEVEL = "en16931"


def to_data_dict(document: Document) -> dict[str, Any]:
    currency = document.currency_code

    def money(value) -> str:
        return format_amount(value, currency)

    totals = document.totals
    data: dict[str, Any] = {
        "BT-1": document.number,
        "BT-2": document.issue_date,
        "BT-3": str(document.document_type),
        "BT-5": currency,
        "BG-4": _party(document.seller),
        "BG-7": _party(document.buyer),
        "BG-25": [_line(line, money) for line in document.lines],
        "BG-23": [_vat_row(row, money) for row in document.vat_breakdown],
        "BT-106": money(totals.line_total),
        "BT-109": money(totals.tax_basis_total),
        "BT-110": money(totals.tax_total),
        "BT-112": money(totals.grand_total),
        "BT-115": money(totals.due_amount),
    }
    if document.allowances:
        data["BG-20"] = [_allowance_charge(item, money) for item in document.allowances]
        data["BT-107"] = money(totals.allowance_total)
    if document.charges:
        data["BG-21"] = [_allowance_charge(item, money) for item in document.charges]
        data["BT-108"] = money(totals.charge_total)
    if totals.paid_amount:
        data["BT-113"] = money(totals.paid_amount)
    optional = {
        "BT-9": document.due_date,
        "BT-10": document.buyer_reference,
        "BT-13": document.purchase_order_reference,
        "BT-20": document.payment_terms,
        "BT-73": document.period_start,
        "BT-74": document.period_end,
    }
    data.update({key: value for key, value in optional.items() if value})
    if document.notes:
        data["BG-1"] = [{"BT-22": note} for note in document.notes]
    if document.preceding_invoice is not None:
        reference: dict[str, Any] = {"BT-25": document.preceding_invoice.number}
        if document.preceding_invoice.issue_date:
            reference["BT-26"] = document.preceding_invoice.issue_date
        data["BG-3"] = [reference]
    means = document.payment_means
    if means is not None:
        data["BT-81"] = str(means.code)
        data["BT-84"] = means.iban
        if means.bic:
            data["BT-86"] = means.bic
        if means.account_name:
            data["BT-85"] = means.account_name
        if means.remittance_information:
            data["BT-83"] = means.remittance_information
    return data


def _party(party: Party) -> dict[str, Any]:
    result: dict[str, Any] = {"name": party.name, "country_code": party.country_code}
    for key, value in (
        ("city", party.city),
        ("postcode", party.postcode),
        ("vat_identifier", party.vat_id),
        ("legal_identifier", party.legal_registration_id),
    ):
        if value:
            result[key] = value
    for key, value in zip(("addr_l1", "addr_l2", "addr_l3"), party.address_lines, strict=False):
        result[key] = value
    if party.electronic_address:
        result["einvoicing_addr"] = party.electronic_address
        result["einvoicing_addr_schemeid"] = "EM"
    if party.contact_email:
        result["contacts"] = [{"email": party.contact_email}]
    return result


def _line(line: Line, money) -> dict[str, Any]:
    result: dict[str, Any] = {
        "BT-126": line.id,
        "BT-129": format_number(line.quantity),
        "BT-130": str(line.unit_code),
        "BT-131": money(line.net_amount),
        "BT-146": format_number(line.unit_net_price),
        "BT-151": str(line.vat_category),
        "BT-153": line.name,
    }
    if line.vat_category != VatCategory.OUT_OF_SCOPE:
        result["BT-152"] = format_number(line.vat_rate)
    if line.description:
        result["BT-154"] = line.description
    if line.period_start:
        result["BT-134"] = line.period_start
    if line.period_end:
        result["BT-135"] = line.period_end
    return result


def _allowance_charge(item: AllowanceCharge, money) -> dict[str, Any]:
    result: dict[str, Any] = {
        "amount": money(item.amount),
        "reason": item.reason,
        "vat_category_code": str(item.vat_category),
    }
    if item.vat_category != VatCategory.OUT_OF_SCOPE:
        result["vat_rate"] = format_number(item.vat_rate)
    if item.reason_code:
        result["reason_code"] = item.reason_code
    if item.base_amount is not None:
        result["base_amount"] = money(item.base_amount)
    if item.percent is not None:
        result["rate"] = format_number(item.percent)
    return result


def _vat_row(row: VatBreakdown, money) -> dict[str, Any]:
    result: dict[str, Any] = {
        "BT-116": money(row.taxable_amount),
        "BT-117": money(row.tax_amount),
        "BT-118": str(row.category),
    }
    if row.category != VatCategory.OUT_OF_SCOPE:
        result["BT-119"] = format_number(row.rate)
    if row.exemption_reason:
        result["BT-120"] = row.exemption_reason
    if row.exemption_reason_code:
        result["BT-121"] = row.exemption_reason_code
    return result
