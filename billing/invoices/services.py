"""Writes of a client's invoices: drafts, issue, void, credit notes, payments, line disputes.

The life cycle (docs/invoices.md): a draft (stored from the rating's ``InvoiceDraftData``,
editable: manual lines with a reason, lines removed) is issued: checked, numbered from its
legal entity's gap-free series (``billing.ledger.services.take_number``, a locked counter row
taken in this very transaction), its seller, buyer and terms frozen, its register row written
in public; from then on a database trigger (migration ``0002_issued_documents_are_final``)
refuses any change but its payment and credit state. Issued -> partly paid -> paid by payments;
void only while nothing is paid or credited; corrected only by credit notes (their own series,
never more than remains creditable: ``billing.invoices.totals``).

Every write runs in one transaction with the client's schema active, writes its audit entries
inside ``audit_actor(actor)`` (the client's ``LogEntry``) and the public register row in the
same transaction. Who may take each step is ``WORKFLOW`` (the right the pages and the API
check); these services check the business rules and raise ``DomainError`` (``ConflictError``
for a step the document's status does not allow).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from billing.contracts import selectors as contract_selectors
from billing.contracts import services as contract_services
from billing.contracts.models import BillingContact
from billing.invoices import documents
from billing.invoices import totals as money_totals
from billing.invoices.audit import audit_actor
from billing.invoices.models import (
    DocumentType,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineDispute,
    LineDisputeStatus,
    LineEvidence,
    Payment,
)
from billing.ledger import services as ledger
from billing.ledger.models import LegalEntity
from billing.lines import InvoiceDraftData, LineDraft, LineKind, TaxCategory
from billing.money import MoneyError, minor_units, round_money, round_quantity, round_rate
from bpo.accounts.roles import Action
from bpo.errors import ConflictError, DomainError
from tenants.db import tenant_connection

if TYPE_CHECKING:
    from bpo.accounts.models import User
    from tenants.models import Client

Status = InvoiceStatus
# A hook of the issue step (the e-invoice's XSD and Schematron checks): called with the
# invoice; raises ``DomainError`` (the rule's id and text) to refuse. ``before_number`` runs
# before the series is locked (the invoice has no number yet), ``validate`` after the number,
# snapshot and register row are written, inside the same transaction: a refusal there rolls it
# all back and gives the number back.
Validator = Callable[[Invoice], None]

REASON_MAX = 2000
DESCRIPTION_MAX = InvoiceLine._meta.get_field("description").max_length or 300
PAYABLE_STATUSES = frozenset({Status.ISSUED, Status.PARTLY_PAID})
CREDITABLE_STATUSES = frozenset({Status.ISSUED, Status.PARTLY_PAID, Status.PAID})
DISPUTABLE_STATUSES = frozenset({Status.ISSUED, Status.PARTLY_PAID, Status.PAID})
STATUS_PHRASES = {
    Status.DRAFT: "a draft",
    Status.ISSUED: "issued",
    Status.PARTLY_PAID: "partly paid",
    Status.PAID: "paid",
    Status.VOID: "void",
    Status.CREDITED: "credited in full",
}


def _refusal(refusal: str, invoice: Invoice) -> ConflictError:
    return ConflictError(f"{refusal}; this one is {STATUS_PHRASES[Status(invoice.status)]}.")


def _client() -> Client:
    return tenant_connection().tenant  # type: ignore[return-value]


def _today(client: Client) -> date:
    return timezone.localdate(timezone=ZoneInfo(client.time_zone))


def _reason(reason: str, *, field: str, missing: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(missing, field=field)
    if len(reason) > REASON_MAX:
        raise DomainError(f"A reason has at most {REASON_MAX} characters.", field=field)
    return reason


def _lock(invoice: Invoice | int) -> Invoice:
    """The invoice's current row, locked for the rest of the transaction."""
    pk = invoice if isinstance(invoice, int) else invoice.pk
    return Invoice.objects.select_for_update().get(pk=pk)


def _taxed(lines: Iterable[InvoiceLine]) -> list[money_totals.TaxedAmount]:
    return [
        money_totals.TaxedAmount(line.pk, line.amount, line.tax_category, line.tax_rate)
        for line in lines
    ]


def _breakdown(groups: Iterable[money_totals.TaxGroup]) -> list[dict[str, str]]:
    return [
        {
            "tax_category": group.tax_category,
            "tax_rate": f"{group.tax_rate:.2f}",
            "taxable": str(group.taxable),
            "tax": str(group.tax),
        }
        for group in groups
    ]


def _store_totals(invoice: Invoice) -> None:
    """Work out a draft invoice's totals from its lines (tax per line or per invoice) and
    store them, with each line's tax in per line mode."""
    lines = list(invoice.lines.order_by("position"))
    result = money_totals.invoice_totals(
        _taxed(lines), currency=invoice.currency, tax_per_invoice=invoice.tax_per_invoice
    )
    for line in lines:
        tax = result.line_taxes.get(line.pk)
        if line.tax_amount != tax:
            line.tax_amount = tax
            line.save(update_fields=["tax_amount"])
    invoice.net_amount, invoice.tax_amount, invoice.total_amount = (
        result.net,
        result.tax,
        result.total,
    )
    invoice.due_amount = result.total
    invoice.tax_breakdown = _breakdown(result.groups)
    invoice.save(
        update_fields=[
            "net_amount",
            "tax_amount",
            "total_amount",
            "due_amount",
            "tax_breakdown",
            "updated_at",
        ]
    )


# --- drafts ---------------------------------------------------------------------------------


def _line_errors(line: LineDraft, currency: str, key: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    try:
        if round_money(line.amount, currency) != line.amount:
            errors[f"{key}.amount"] = [f"The amount {line.amount} is not rounded to {currency}."]
    except MoneyError as error:
        errors[f"{key}.amount"] = [str(error)]
    if line.kind == LineKind.MANUAL:
        errors[f"{key}.kind"] = ["Manual lines are added to a draft with a reason."]
    if not line.description.strip():
        errors[f"{key}.description"] = ["A line needs a description."]
    if line.tax_rate < 0 or line.tax_rate >= 100:
        errors[f"{key}.tax_rate"] = ["A tax rate is a percentage from 0 to below 100."]
    return errors


@transaction.atomic
def create_draft_invoice(
    *, draft: InvoiceDraftData, legal_entity: LegalEntity, actor: User | None
) -> Invoice:
    """Store the rating's draft for the active client: the invoice, its lines with their
    evidence, and its totals (tax per line or per invoice, as ``draft`` says). Nothing is
    numbered. ``actor=None`` is the portal itself (the invoice run)."""
    try:
        minor_units(draft.currency)
    except MoneyError as error:
        raise DomainError(str(error), field="currency") from None
    errors: dict[str, list[str]] = {}
    if draft.period_end < draft.period_start:
        errors["period_end"] = ["The period ends before it starts."]
    if not draft.lines:
        errors["lines"] = ["An invoice needs at least one line."]
    for index, line in enumerate(draft.lines):
        errors.update(_line_errors(line, draft.currency, f"lines.{index}"))
    if errors:
        raise DomainError(next(iter(errors.values()))[0], fields=errors)
    with audit_actor(actor):
        invoice = Invoice.objects.create(
            legal_entity=legal_entity,
            contract_version_id=draft.contract_version_id,
            period_start=draft.period_start,
            period_end=draft.period_end,
            currency=draft.currency.upper(),
            tax_per_invoice=draft.tax_per_invoice,
            reverse_charge=draft.reverse_charge,
            payment_terms_days=draft.payment_terms_days,
            buyer_reference=draft.buyer_reference,
            language=draft.language,
            notes=list(draft.notes),
            created_by=actor,
        )
        evidence: list[LineEvidence] = []
        for position, line in enumerate(draft.lines, start=1):
            stored = InvoiceLine.objects.create(
                invoice=invoice,
                position=position,
                kind=LineKind(line.kind).value,
                description=line.description.strip()[:DESCRIPTION_MAX],
                quantity=round_quantity(line.quantity),
                unit=line.unit,
                unit_price=round_rate(line.unit_price),
                amount=line.amount,
                tax_category=TaxCategory(line.tax_category).value,
                tax_rate=line.tax_rate,
                service_line_id=line.service_line_id,
                service_line_name=line.service_line_name,
                rate_line_id=line.rate_line_id,
                rule=line.rule,
            )
            evidence.extend(
                LineEvidence(
                    invoice=invoice,
                    line=stored,
                    position=number,
                    source=row.source,
                    quantity=round_quantity(row.quantity),
                    unit=row.unit,
                    day=row.day,
                    week=row.week or "",
                    agent_id=row.agent_id,
                    agent_name=row.agent_name,
                    service_line_id=row.service_line_id,
                    detail=row.detail,
                    reference=dict(row.reference),
                )
                for number, row in enumerate(line.evidence, start=1)
            )
        LineEvidence.objects.bulk_create(evidence, batch_size=1000)
        _store_totals(invoice)
    return invoice


@dataclass(frozen=True)
class ManualLine:
    description: str
    quantity: Decimal
    unit: str
    unit_price: Decimal
    tax_category: str
    tax_rate: Decimal
    reason: str


def _manual_line_errors(line: ManualLine) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if not line.description.strip():
        errors["description"] = ["Say what the line bills."]
    elif len(line.description.strip()) > DESCRIPTION_MAX:
        errors["description"] = [f"A description has at most {DESCRIPTION_MAX} characters."]
    if not line.reason.strip():
        errors["reason"] = ["Say why this line is added by hand."]
    elif len(line.reason) > REASON_MAX:
        errors["reason"] = [f"A reason has at most {REASON_MAX} characters."]
    if line.quantity == 0:
        errors["quantity"] = ["A line bills a quantity other than zero."]
    if not line.unit.strip() or len(line.unit) > 3:
        errors["unit"] = ["Give the unit's UN/ECE code (HUR, MON, C62 ...)."]
    if line.tax_category not in {category.value for category in TaxCategory}:
        errors["tax_category"] = ["Choose a tax category."]
    if line.tax_rate < 0 or line.tax_rate >= 100:
        errors["tax_rate"] = ["A tax rate is a percentage from 0 to below 100."]
    return errors


@transaction.atomic
def add_manual_line(*, invoice: Invoice, line: ManualLine, actor: User) -> InvoiceLine:
    """A line added to a draft by hand (kind ``manual``), with its reason; its amount is the
    quantity at the unit price, rounded to the currency. The totals are worked out again."""
    invoice = _lock(invoice)
    if not invoice.is_draft:
        raise _refusal("Only a draft takes new lines", invoice)
    if invoice.is_credit_note:
        raise ConflictError("A credit note's lines are the credited ones.")
    errors = _manual_line_errors(line)
    if errors:
        raise DomainError(next(iter(errors.values()))[0], fields=errors)
    last = invoice.lines.order_by("-position").values_list("position", flat=True).first() or 0
    with audit_actor(actor):
        stored = InvoiceLine.objects.create(
            invoice=invoice,
            position=last + 1,
            kind=LineKind.MANUAL.value,
            description=line.description.strip(),
            quantity=round_quantity(line.quantity),
            unit=line.unit.strip().upper(),
            unit_price=round_rate(line.unit_price),
            amount=round_money(
                round_quantity(line.quantity) * round_rate(line.unit_price), invoice.currency
            ),
            tax_category=line.tax_category,
            tax_rate=line.tax_rate,
            manual_reason=line.reason.strip(),
        )
        _store_totals(invoice)
    return stored


@transaction.atomic
def remove_draft_line(*, line: InvoiceLine, actor: User) -> Invoice:
    """Remove a line (and its evidence) from a draft; the totals are worked out again. A draft
    keeps at least one line."""
    invoice = _lock(line.invoice_id)
    if not invoice.is_draft:
        raise _refusal("Only a draft's lines can be removed", invoice)
    if invoice.lines.count() <= 1:
        raise ConflictError("A draft keeps at least one line.")
    with audit_actor(actor):
        LineEvidence.objects.filter(line_id=line.pk).delete()
        InvoiceLine.objects.filter(pk=line.pk).get().delete()
        _store_totals(invoice)
    return invoice


# --- issuing ----------------------------------------------------------------------------------


def seller_snapshot(legal_entity: LegalEntity) -> dict[str, str]:
    return {
        "name": legal_entity.name,
        "address_lines": legal_entity.address_lines,
        "city": legal_entity.city,
        "postcode": legal_entity.postcode,
        "country": legal_entity.country,
        "vat_id": legal_entity.vat_id,
        "registration_id": legal_entity.registration_id,
        "email": legal_entity.email,
        "iban": legal_entity.iban,
        "bic": legal_entity.bic,
    }


def buyer_snapshot(client: Client, *, version_id: int) -> dict[str, str]:
    """The buyer's legal data as the invoice's contract version states it, with the client's
    primary billing contact."""
    contact = BillingContact.objects.filter(is_primary=True).first()
    version = contract_selectors.access_contract_version(version_id=version_id)
    buyer = documents.buyer_of_version(
        version=version, contact_email=contact.email if contact else ""
    )
    buyer["name"] = buyer["name"] or client.legal_name or client.name
    buyer["country"] = buyer["country"] or client.country
    buyer["contact_name"] = contact.name if contact else ""
    return buyer


def _terms(invoice: Invoice) -> dict[str, object]:
    return {
        "payment_terms_days": invoice.payment_terms_days,
        "tax_per_invoice": invoice.tax_per_invoice,
        "reverse_charge": invoice.reverse_charge,
        "buyer_reference": invoice.buyer_reference,
        "contract_version_id": invoice.contract_version_id,
        "currency": invoice.currency,
        "language": invoice.language,
        "notes": list(invoice.notes),
    }


def _register_facts(invoice: Invoice) -> ledger.RegisterFacts:
    assert invoice.number and invoice.issue_date and invoice.due_date
    return ledger.RegisterFacts(
        invoice_id=invoice.pk,
        number=invoice.number,
        document_type=invoice.document_type,
        credited_number=(
            invoice.credited_invoice.number or "" if invoice.credited_invoice is not None else ""
        ),
        period_start=invoice.period_start,
        period_end=invoice.period_end,
        currency=invoice.currency,
        net_amount=invoice.net_amount,
        tax_amount=invoice.tax_amount,
        total_amount=invoice.total_amount,
        paid_amount=invoice.paid_amount,
        credited_amount=invoice.credited_amount,
        due_amount=invoice.due_amount,
        status=invoice.status,
        issue_date=invoice.issue_date,
        due_date=invoice.due_date,
    )


def _number_and_freeze(
    invoice: Invoice,
    *,
    actor: User | None,
    issue_date: date | None,
    buyer: Mapping[str, str] | None,
    before_number: Validator | None,
    validate: Validator | None,
) -> Invoice:
    """The issue itself, for an invoice or a credit note locked by the caller."""
    client = _client()
    legal_entity = LegalEntity.objects.filter(pk=invoice.legal_entity_id).first()
    if legal_entity is None:
        raise DomainError("The legal entity issuing this invoice no longer exists.")
    issued_on = issue_date or _today(client)
    if before_number is not None:
        before_number(invoice)
    taken = ledger.take_number(
        legal_entity=legal_entity, document_type=invoice.document_type, year=issued_on.year
    )
    with audit_actor(actor):
        invoice.number = taken.number
        invoice.status = Status.ISSUED
        invoice.issue_date = issued_on
        invoice.due_date = (
            issued_on
            if invoice.is_credit_note
            else issued_on + timedelta(days=invoice.payment_terms_days)
        )
        invoice.seller = seller_snapshot(legal_entity)
        invoice.buyer = (
            dict(buyer)
            if buyer is not None
            else buyer_snapshot(client, version_id=invoice.contract_version_id)
        )
        invoice.terms = _terms(invoice)
        invoice.due_amount = Decimal(0) if invoice.is_credit_note else invoice.total_amount
        invoice.issued_at = timezone.now()
        invoice.issued_by = actor
        invoice.save(
            update_fields=[
                "number",
                "status",
                "issue_date",
                "due_date",
                "seller",
                "buyer",
                "terms",
                "due_amount",
                "issued_at",
                "issued_by",
                "updated_at",
            ]
        )
    ledger.register_document(
        client=client, legal_entity=legal_entity, facts=_register_facts(invoice)
    )
    if validate is not None:
        validate(invoice)
    # The e-invoice step: the XML written and validated with the number (a fatal EN 16931 rule
    # refuses the issue and rolls the number back), the PDF rendered by a worker on commit.
    version = contract_selectors.access_contract_version(version_id=invoice.contract_version_id)
    documents.prepare_issued_document(
        invoice, e_invoice_format=version.e_invoice_format, client_slug=client.slug
    )
    if not invoice.is_credit_note:
        contract_services.record_invoiced_period(version=version, period_end=invoice.period_end)
    return invoice


@transaction.atomic
def issue_invoice(
    *,
    invoice: Invoice,
    actor: User | None,
    issue_date: date | None = None,
    buyer: Mapping[str, str] | None = None,
    before_number: Validator | None = None,
    validate: Validator | None = None,
) -> Invoice:
    """Draft -> issued: checks, the next number of the legal entity's invoice series for the
    issue date's year (locked in this transaction), the seller, buyer (``buyer`` or the
    client's current legal data) and terms frozen on the invoice, the register row in public.

    ``issue_date`` defaults to today in the client's zone; the due date is the payment terms
    later. ``before_number`` and ``validate`` are the e-invoice step's hooks (``Validator``):
    a ``DomainError`` from either refuses the issue and nothing is numbered."""
    invoice = _lock(invoice)
    if not invoice.is_draft:
        raise _refusal("Only a draft can be issued", invoice)
    if invoice.is_credit_note:
        raise ConflictError("A credit note is issued with issue_credit_note.")
    if not invoice.lines.exists():
        raise ConflictError("An invoice without lines cannot be issued.")
    if invoice.total_amount < 0:
        raise ConflictError(
            f"This invoice comes to {round_money(invoice.total_amount, invoice.currency)} "
            f"{invoice.currency}; an amount owed "
            "to the client is a credit note, not an invoice."
        )
    return _number_and_freeze(
        invoice,
        actor=actor,
        issue_date=issue_date,
        buyer=buyer,
        before_number=before_number,
        validate=validate,
    )


# --- after the issue: payments, credits, void -------------------------------------------------


def _settle(invoice: Invoice) -> None:
    """The invoice's due amount and status from its total, payments and credits, stored on
    the invoice and its register row."""
    invoice.due_amount = invoice.total_amount - invoice.paid_amount - invoice.credited_amount
    if invoice.due_amount <= 0:
        invoice.status = Status.PAID if invoice.paid_amount > 0 else Status.CREDITED
    elif invoice.paid_amount > 0:
        invoice.status = Status.PARTLY_PAID
    else:
        invoice.status = Status.ISSUED
    invoice.save(
        update_fields=["paid_amount", "credited_amount", "due_amount", "status", "updated_at"]
    )
    ledger.update_register_row(
        client=_client(),
        invoice_id=invoice.pk,
        status=invoice.status,
        paid_amount=invoice.paid_amount,
        credited_amount=invoice.credited_amount,
        due_amount=invoice.due_amount,
    )


@transaction.atomic
def record_payment(
    *, invoice: Invoice, amount: Decimal, received_on: date, reference: str = "", actor: User
) -> Payment:
    """Money received against an issued invoice (partial payments too): issued -> partly paid
    -> paid. A payment above what is still due is refused, saying by how much it overpays."""
    invoice = _lock(invoice)
    if invoice.is_credit_note:
        raise ConflictError("A credit note is not paid; it reduces what its invoice asks.")
    if invoice.status not in PAYABLE_STATUSES:
        raise _refusal("Only an issued invoice with an amount due takes payments", invoice)
    currency = invoice.currency
    if amount <= 0:
        raise DomainError("A payment is an amount above zero.", field="amount")
    if round_money(amount, currency) != amount:
        raise DomainError(
            f"{currency} has {minor_units(currency)} decimal places; {amount} has more.",
            field="amount",
        )
    amount = round_money(amount, currency)  # the same value, with the currency's places
    if amount > invoice.due_amount:
        due = round_money(invoice.due_amount, currency)
        raise DomainError(
            f"{due} {currency} is due on invoice {invoice.number}; a payment of "
            f"{amount} {currency} would overpay it by {amount - due} {currency}.",
            field="amount",
        )
    with audit_actor(actor):
        payment = Payment.objects.create(
            invoice=invoice,
            amount=amount,
            currency=currency,
            received_on=received_on,
            reference=(reference or "").strip()[:140],
            recorded_by=actor,
        )
        invoice.paid_amount += amount
        _settle(invoice)
    return payment


@transaction.atomic
def void_invoice(*, invoice: Invoice, reason: str, actor: User) -> Invoice:
    """Issued -> void, with a reason, only while nothing is paid or credited (then corrections
    are credit notes). Its number stays used: the series has no gap."""
    invoice = _lock(invoice)
    if invoice.is_credit_note:
        raise ConflictError("A credit note cannot be voided.")
    if invoice.status != Status.ISSUED or invoice.paid_amount or invoice.credited_amount:
        raise _refusal(
            "Only an issued invoice with no payment and no credit note can be voided", invoice
        )
    reason = _reason(reason, field="reason", missing="Say why the invoice is voided.")
    with audit_actor(actor):
        invoice.status = Status.VOID
        invoice.due_amount = Decimal(0)
        invoice.void_reason = reason
        invoice.voided_at = timezone.now()
        invoice.voided_by = actor
        invoice.save(
            update_fields=[
                "status",
                "due_amount",
                "void_reason",
                "voided_at",
                "voided_by",
                "updated_at",
            ]
        )
    ledger.update_register_row(
        client=_client(),
        invoice_id=invoice.pk,
        status=invoice.status,
        paid_amount=invoice.paid_amount,
        credited_amount=invoice.credited_amount,
        due_amount=invoice.due_amount,
    )
    return invoice


def credited_by_line(invoice: Invoice) -> dict[int, Decimal]:
    """How much of each line of ``invoice`` issued credit notes credited so far."""
    rows = (
        InvoiceLine.objects.filter(credited_line__invoice=invoice)
        .exclude(invoice__status=Status.DRAFT)
        .values("credited_line_id")
        .annotate(credited=Sum("amount"))
    )
    return {row["credited_line_id"]: row["credited"] for row in rows}


def _credit_line(original: InvoiceLine, amount: Decimal, credit_note: Invoice, position: int):
    whole = amount == original.amount
    return InvoiceLine(
        invoice=credit_note,
        position=position,
        kind=original.kind,
        description=original.description,
        quantity=original.quantity if whole else Decimal(1),
        unit=original.unit if whole else "C62",
        unit_price=original.unit_price if whole else round_rate(amount),
        amount=amount,
        tax_category=original.tax_category,
        tax_rate=original.tax_rate,
        service_line_id=original.service_line_id,
        service_line_name=original.service_line_name,
        rate_line_id=original.rate_line_id,
        rule=original.rule,
        credited_line=original,
    )


@transaction.atomic
def issue_credit_note(
    *,
    invoice: Invoice,
    reason: str,
    actor: User | None,
    lines: Mapping[int, Decimal] | None = None,
    issue_date: date | None = None,
    before_number: Validator | None = None,
    validate: Validator | None = None,
) -> Invoice:
    """A credit note of ``invoice``, issued at once from its own series: ``lines`` maps line
    ids to the net amount credited (with the line's sign); ``None`` credits everything that
    remains. Never more than remains creditable of a line, a tax group or the invoice
    (``totals.credit_note_totals``: tax by difference, so rounding never over-credits). The
    invoice's credited and due amounts and status follow, on the invoice and its register row.
    The invoice's row is locked first, so two credit notes of one invoice queue."""
    invoice = _lock(invoice)
    if invoice.is_credit_note:
        raise ConflictError("A credit note is not credited; issue an invoice instead.")
    if invoice.status not in CREDITABLE_STATUSES:
        raise _refusal("Only an issued invoice can be credited", invoice)
    reason = _reason(reason, field="reason", missing="Say why the invoice is credited.")
    originals = list(invoice.lines.order_by("position"))
    before = credited_by_line(invoice)
    taxed = _taxed(originals)
    requested = (
        money_totals.remaining_to_credit(taxed, before)
        if lines is None
        else {int(key): amount for key, amount in lines.items()}
    )
    try:
        result = money_totals.credit_note_totals(
            lines=taxed,
            credited_before=before,
            requested=requested,
            currency=invoice.currency,
            tax_per_invoice=invoice.tax_per_invoice,
            credited_total_before=invoice.credited_amount,
        )
    except money_totals.TotalsError as error:
        raise DomainError(error.message, field=error.field) from None
    with audit_actor(actor):
        credit_note = Invoice.objects.create(
            document_type=DocumentType.CREDIT_NOTE,
            legal_entity_id=invoice.legal_entity_id,
            contract_version_id=invoice.contract_version_id,
            period_start=invoice.period_start,
            period_end=invoice.period_end,
            currency=invoice.currency,
            tax_per_invoice=invoice.tax_per_invoice,
            reverse_charge=invoice.reverse_charge,
            payment_terms_days=0,
            buyer_reference=invoice.buyer_reference,
            language=invoice.language,
            credited_invoice=invoice,
            credit_reason=reason,
            net_amount=result.net,
            tax_amount=result.tax,
            total_amount=result.total,
            tax_breakdown=_breakdown(result.groups),
            created_by=actor,
        )
        position = 0
        for original in originals:
            if original.pk in requested:
                position += 1
                line = _credit_line(original, requested[original.pk], credit_note, position)
                line.tax_amount = result.line_taxes.get(original.pk)
                line.save()
    _number_and_freeze(
        credit_note,
        actor=actor,
        issue_date=issue_date,
        buyer=invoice.buyer,
        before_number=before_number,
        validate=validate,
    )
    with audit_actor(actor):
        invoice.credited_amount += result.total
        _settle(invoice)
    return credit_note


# --- line disputes ----------------------------------------------------------------------------


@transaction.atomic
def raise_line_dispute(*, line: InvoiceLine, reason: str, actor: User) -> LineDispute:
    """The client admin disputes one line of an issued invoice, with a reason; one open
    dispute per line. Finance answers with ``resolve_line_dispute``."""
    invoice = _lock(line.invoice_id)
    if invoice.is_credit_note:
        raise ConflictError("A credit note's lines are not disputed; dispute the invoice's.")
    if invoice.status not in DISPUTABLE_STATUSES:
        raise _refusal("Only an issued invoice's lines can be disputed", invoice)
    reason = _reason(reason, field="reason", missing="Say why you dispute this line.")
    if LineDispute.objects.filter(line_id=line.pk, status=LineDisputeStatus.OPEN).exists():
        raise ConflictError("A dispute of this line waits for finance already.")
    with audit_actor(actor):
        return LineDispute.objects.create(
            invoice=invoice, line_id=line.pk, reason=reason, raised_by=actor
        )


class DisputeOutcome:
    CREDIT = "credit"
    REJECT = "reject"
    CHOICES = (CREDIT, REJECT)


@transaction.atomic
def resolve_line_dispute(
    *,
    dispute: LineDispute,
    outcome: str,
    reason: str,
    actor: User,
    amount: Decimal | None = None,
    validate: Validator | None = None,
) -> LineDispute:
    """Finance's answer to an open dispute, with a reason: ``credit`` issues a credit note of
    the disputed line (``amount``, or all that remains of it) and links it; ``reject`` keeps
    the invoice as it is."""
    dispute = LineDispute.objects.select_for_update().select_related("line").get(pk=dispute.pk)
    if dispute.status != LineDisputeStatus.OPEN:
        raise ConflictError(f"This dispute is resolved already ({dispute.get_status_display()}).")
    if outcome not in DisputeOutcome.CHOICES:
        raise DomainError("Resolve by a credit note or a rejection.", field="outcome")
    reason = _reason(reason, field="reason", missing="Say how the dispute is resolved.")
    credit_note = None
    if outcome == DisputeOutcome.CREDIT:
        line = dispute.line
        remaining = line.amount - credited_by_line(line.invoice).get(line.pk, Decimal(0))
        credit_note = issue_credit_note(
            invoice=line.invoice,
            reason=reason,
            actor=actor,
            lines={line.pk: remaining if amount is None else amount},
            validate=validate,
        )
    with audit_actor(actor):
        dispute.status = (
            LineDisputeStatus.CREDITED if credit_note is not None else LineDisputeStatus.REJECTED
        )
        dispute.resolution_reason = reason
        dispute.resolved_by = actor
        dispute.resolved_at = timezone.now()
        dispute.credit_note = credit_note
        dispute.save(
            update_fields=[
                "status",
                "resolution_reason",
                "resolved_by",
                "resolved_at",
                "credit_note",
            ]
        )
    return dispute


# --- the workflow table -----------------------------------------------------------------------


@dataclass(frozen=True)
class WorkflowStep:
    sources: frozenset[str]  # the invoice statuses this step starts from
    right: str  # the ``Action`` a user needs (pages and API check it)
    service: Callable[..., object]
    document_types: frozenset[str] = frozenset({DocumentType.INVOICE})


# Every step of an invoice's life, by the name the pages and the API use: who may take it,
# from which status, and what runs it. Disputes are raised by the client's admin on a line.
WORKFLOW: dict[str, WorkflowStep] = {
    "add_line": WorkflowStep(frozenset({Status.DRAFT}), Action.MANAGE_INVOICES, add_manual_line),
    "remove_line": WorkflowStep(
        frozenset({Status.DRAFT}), Action.MANAGE_INVOICES, remove_draft_line
    ),
    "issue": WorkflowStep(frozenset({Status.DRAFT}), Action.MANAGE_INVOICES, issue_invoice),
    "pay": WorkflowStep(PAYABLE_STATUSES, Action.MANAGE_INVOICES, record_payment),
    "void": WorkflowStep(frozenset({Status.ISSUED}), Action.MANAGE_INVOICES, void_invoice),
    "credit": WorkflowStep(CREDITABLE_STATUSES, Action.MANAGE_INVOICES, issue_credit_note),
    "dispute_line": WorkflowStep(
        DISPUTABLE_STATUSES, Action.DISPUTE_INVOICE_LINE, raise_line_dispute
    ),
    "resolve_dispute": WorkflowStep(
        DISPUTABLE_STATUSES | {Status.CREDITED}, Action.MANAGE_INVOICES, resolve_line_dispute
    ),
}


def allowed_steps(invoice: Invoice) -> list[str]:
    """The workflow steps (keys of ``WORKFLOW``) the invoice's status and type accept; the
    caller keeps those whose right the user holds."""
    steps = [
        name
        for name, step in WORKFLOW.items()
        if invoice.status in step.sources and invoice.document_type in step.document_types
    ]
    if "void" in steps and (invoice.paid_amount or invoice.credited_amount):
        steps.remove("void")
    return steps
