"""An issued invoice's documents: its EN 16931 XML and its PDF.

At issue (inside the issuing transaction, after the number is taken) the invoice becomes an
EN 16931 document (``billing.einvoice``), its Factur-X CII and Peppol UBL XML are written and
validated offline against the XSD and the EN 16931 Schematron; a fatal rule refuses the issue
with the rule's id and text, the transaction rolls back and nothing is numbered. The validated
XML is stored with the invoice (``IssuedDocument``) and the PDF is rendered by a worker after
commit (weasyprint keeps whole documents in memory: never in a request): a Factur-X PDF/A-3b
carrying the CII as ``factur-x.xml`` for clients whose contract asks for e-invoices, a plain
PDF otherwise, stored in the default storage under ``invoices/<schema>/`` with its SHA-256.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.template.loader import render_to_string

from billing.einvoice import document as en
from billing.einvoice.bundle import prepare_e_invoice
from billing.einvoice.document import DocumentShapeError
from billing.einvoice.validation import EInvoiceRejected
from billing.invoices.models import DocumentType, Invoice, IssuedDocument
from billing.lines import UNIT_WORDS
from billing.money import amount_in_words, format_money
from bpo.dates import format_when
from bpo.errors import DomainError

EXEMPTION = {
    "AE": ("Reverse charge", "VATEX-EU-AE"),
    "E": ("Exempt from VAT", ""),
    "O": ("Not subject to VAT", "VATEX-EU-O"),
    "Z": ("", ""),
    "S": ("", ""),
}


def _lines(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in (text or "").splitlines() if part.strip())


def _party(data: dict) -> en.Party:
    return en.Party(
        name=data.get("name", ""),
        country_code=(data.get("country") or "").upper(),
        city=data.get("city", ""),
        postcode=data.get("postcode", ""),
        address_lines=_lines(data.get("address_lines") or data.get("address", "")),
        vat_id=data.get("vat_id", ""),
        legal_registration_id=data.get("registration_id", ""),
        electronic_address=data.get("email", ""),
        contact_email=data.get("email", ""),
    )


def buyer_of_version(*, version, contact_email: str = "") -> dict[str, str]:
    """The buyer's legal data as the contract version states it, frozen on the invoice."""
    return {
        "name": version.buyer_legal_name,
        "address_lines": version.buyer_address,
        "city": version.buyer_city,
        "postcode": version.buyer_postcode,
        "country": version.buyer_country,
        "vat_id": version.buyer_vat_id,
        "purchase_order": version.purchase_order,
        "email": contact_email,
    }


def _en_line(line) -> en.Line:
    quantity, price = line.quantity, line.unit_price
    if price < 0:  # BR-27: a price is never negative; a credit line has a negative quantity
        quantity, price = -quantity, -price
    return en.Line(
        id=str(line.position),
        name=line.description,
        quantity=quantity,
        unit_code=line.unit,
        unit_net_price=price,
        net_amount=line.amount,
        vat_category=en.VatCategory(line.tax_category),
        vat_rate=line.tax_rate,
    )


def _breakdown(invoice: Invoice) -> tuple[en.VatBreakdown, ...]:
    rows = []
    for group in invoice.tax_breakdown:
        reason, code = EXEMPTION.get(group["tax_category"], ("", ""))
        rows.append(
            en.VatBreakdown(
                category=en.VatCategory(group["tax_category"]),
                rate=Decimal(group["tax_rate"]),
                taxable_amount=Decimal(group["taxable"]),
                tax_amount=Decimal(group["tax"]),
                exemption_reason=reason,
                exemption_reason_code=code,
            )
        )
    return tuple(rows)


def payment_terms_text(invoice: Invoice) -> str:
    if invoice.document_type == DocumentType.CREDIT_NOTE:
        return "The amount is credited to your account."
    return f"Payable within {invoice.payment_terms_days} days, by {format_when(invoice.due_date)}."


def einvoice_document(invoice: Invoice, *, client_slug: str = "") -> en.Document:
    """The issued (numbered) invoice or credit note as EN 16931 sees it."""
    assert invoice.number and invoice.issue_date, "only a numbered document has an e-invoice"
    currency = invoice.currency
    net = invoice.net_amount
    seller = invoice.seller or {}
    buyer = invoice.buyer or {}
    payment = None
    if seller.get("iban"):
        payment = en.PaymentMeans(
            iban=seller["iban"],
            bic=seller.get("bic", ""),
            account_name=seller.get("name", ""),
            remittance_information=invoice.number,
        )
    preceding = None
    if invoice.credited_invoice_id:
        credited = invoice.credited_invoice
        assert credited is not None
        preceding = en.PrecedingInvoice(credited.number or "", credited.issue_date)
    is_credit = invoice.document_type == DocumentType.CREDIT_NOTE
    due = Decimal(0) if is_credit else invoice.total_amount - invoice.paid_amount
    return en.Document(
        document_type=en.DocumentType.CREDIT_NOTE if is_credit else en.DocumentType.INVOICE,
        number=invoice.number,
        issue_date=invoice.issue_date,
        due_date=None if is_credit else invoice.due_date,
        currency_code=currency,
        seller=_party(seller),
        buyer=_party(buyer),
        # Peppol needs a buyer reference or an order: the contract's, else the client's account.
        buyer_reference=invoice.buyer_reference or buyer.get("purchase_order", "") or client_slug,
        purchase_order_reference=buyer.get("purchase_order", ""),
        payment_terms=payment_terms_text(invoice),
        payment_means=payment,
        notes=tuple(str(note) for note in invoice.notes)
        + ((invoice.credit_reason,) if is_credit and invoice.credit_reason else ()),
        preceding_invoice=preceding,
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        lines=tuple(_en_line(line) for line in invoice.lines.order_by("position")),
        vat_breakdown=_breakdown(invoice),
        totals=en.Totals(
            line_total=net,
            tax_basis_total=net,
            tax_total=invoice.tax_amount,
            grand_total=invoice.total_amount,
            paid_amount=Decimal(0) if is_credit else invoice.paid_amount,
            due_amount=invoice.total_amount if is_credit else due,
        ),
    )


def _rule_message(error: EInvoiceRejected) -> str:
    first = [f"{item.rule_id}: {item.text}" for item in error.findings[:3]]
    more = len(error.findings) - len(first)
    return (
        "The e-invoice breaks EN 16931, so the invoice was not issued (nothing was numbered): "
        + "; ".join(first)
        + (f"; and {more} more." if more > 0 else ".")
    )


def prepare_issued_document(
    invoice: Invoice, *, e_invoice_format: str, client_slug: str = ""
) -> IssuedDocument:
    """Inside the issuing transaction: build and validate the XML, store it, and hand the PDF
    to a worker on commit. Raises ``DomainError`` (with the rule ids) on a fatal finding."""
    from billing.invoices import tasks

    try:
        files = prepare_e_invoice(einvoice_document(invoice, client_slug=client_slug))
    except DocumentShapeError as error:
        raise DomainError(
            "The invoice's figures do not add up as EN 16931 requires, so it was not issued: "
            + "; ".join(error.problems)
        ) from None
    except EInvoiceRejected as error:
        raise DomainError(_rule_message(error), field="e_invoice") from None
    stored = IssuedDocument.objects.create(
        invoice=invoice,
        cii_xml=files.cii_xml,
        ubl_xml=files.ubl_xml,
        e_invoice_format=e_invoice_format,
        warnings=[f"{item.rule_id}: {item.text}" for item in files.warnings],
    )
    invoice_id = invoice.pk
    transaction.on_commit(lambda: tasks.render_invoice_pdf_task.delay(invoice_id))
    return stored


def _locale(language: str) -> str:
    return (language or "en").replace("-", "_")


def document_context(invoice: Invoice, *, client) -> dict:
    """What the invoice's one template shows, in the client's language and currency format."""
    locale = _locale(invoice.language)
    currency = invoice.currency

    def money(value: Decimal) -> str:
        return format_money(value, currency, locale)

    lines = [
        {
            "line": line,
            "unit_name": UNIT_WORDS.get(line.unit, line.unit),
            "unit_price": format_money(line.unit_price, currency, locale)
            if line.unit_price == round(line.unit_price, 2)
            else f"{line.unit_price.normalize():f} {currency}",
            "amount": money(line.amount),
        }
        for line in invoice.lines.order_by("position")
    ]
    breakdown = [
        {
            "category": group["tax_category"],
            "rate": group["tax_rate"],
            "taxable": money(Decimal(group["taxable"])),
            "tax": money(Decimal(group["tax"])),
            "reason": EXEMPTION.get(group["tax_category"], ("", ""))[0],
        }
        for group in invoice.tax_breakdown
    ]
    is_credit = invoice.document_type == DocumentType.CREDIT_NOTE
    return {
        "invoice": invoice,
        "client": client,
        "is_credit": is_credit,
        "title": "Credit note" if is_credit else "Invoice",
        "seller": invoice.seller or {},
        "buyer": invoice.buyer or {},
        "seller_address": _lines((invoice.seller or {}).get("address_lines", "")),
        "buyer_address": _lines(
            (invoice.buyer or {}).get("address_lines") or (invoice.buyer or {}).get("address", "")
        ),
        "lines": lines,
        "breakdown": breakdown,
        "net": money(invoice.net_amount),
        "tax": money(invoice.tax_amount),
        "total": money(invoice.total_amount),
        "total_in_words": amount_in_words(invoice.total_amount, currency, invoice.language),
        "payment_terms": payment_terms_text(invoice),
        "issue_date": invoice.issue_date,
        "period": (invoice.period_start, invoice.period_end),
    }


def render_document_html(invoice: Invoice, *, client) -> str:
    return render_to_string(
        "billing/invoice_document.html", document_context(invoice, client=client)
    )


def pdf_name(invoice: Invoice, *, schema_name: str) -> str:
    return f"invoices/{schema_name}/{invoice.number}.pdf"
