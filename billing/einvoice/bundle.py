"""From a document to its validated XML in one call: what issuing an invoice runs before it
takes a number.

    e_invoice = prepare_e_invoice(document)   # DocumentShapeError or EInvoiceRejected
    pdf = render_factur_x(html, cii_xml=e_invoice.cii_xml, issue_date=document.issue_date)

Both XMLs are built and validated, and every fatal finding of either is reported together, so
one refusal tells finance everything to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from billing.einvoice.cii import build_cii
from billing.einvoice.document import Document, check_document
from billing.einvoice.ubl import build_ubl
from billing.einvoice.validation import EInvoiceRejected, Finding, validate_xml


@dataclass(frozen=True)
class EInvoice:
    cii_xml: bytes
    """Factur-X EN 16931 (CII): embed it in the PDF as factur-x.xml."""
    ubl_xml: bytes
    """Peppol BIS Billing 3.0 (UBL): the downloadable alternative."""
    warnings: tuple[Finding, ...]
    """The non-fatal findings of both, for the log or the draft's review page."""


def prepare_e_invoice(document: Document, *, require_buyer_reference: bool = False) -> EInvoice:
    """Check ``document``'s figures, write its CII and UBL XML and validate both offline.

    Raises :class:`~billing.einvoice.document.DocumentShapeError` when the figures do not add
    up (before any XML is written) and :class:`~billing.einvoice.validation.EInvoiceRejected`
    with the fatal findings of both XMLs when EN 16931 refuses them.
    ``require_buyer_reference``: the buyer needs BT-10 (German public buyers, BR-DE-15)."""
    check_document(document, require_buyer_reference=require_buyer_reference)
    cii_xml = build_cii(document)
    ubl_xml = build_ubl(document)
    findings = validate_xml(cii_xml) + validate_xml(ubl_xml)
    fatal = [item for item in findings if item.is_fatal]
    if fatal:
        raise EInvoiceRejected(fatal)
    return EInvoice(cii_xml=cii_xml, ubl_xml=ubl_xml, warnings=tuple(findings))
