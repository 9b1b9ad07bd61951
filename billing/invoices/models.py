"""A client's invoices and credit notes, their lines and each line's evidence, payments and
line disputes: the client's own data, in its schema (exported and deleted with it).

Once issued, a document is history: a database trigger (migration ``0002_issued_documents_are_final``)
refuses to change or delete its lines and evidence, and lets only its payment and credit
columns change (``MUTABLE_ONCE_ISSUED``). The services refuse first, in words.

References to public rows (the legal entity, users) are foreign keys without a database
constraint (``db_constraint=False``): a constraint from a client schema onto a public table
forbids ``TRUNCATE`` of that table while any client schema exists (docs/architecture.md,
"Change history"). Legal entities and users are never deleted.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models

from billing.ledger.models import DocumentType as DocumentType
from billing.lines import LineKind, TaxCategory


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    ISSUED = "issued", "Issued"
    PARTLY_PAID = "partly_paid", "Partly paid"
    PAID = "paid", "Paid"
    VOID = "void", "Void"
    CREDITED = "credited", "Credited"


# Statuses of a numbered document: the trigger guards them.
ISSUED_STATUSES = frozenset(
    {
        InvoiceStatus.ISSUED,
        InvoiceStatus.PARTLY_PAID,
        InvoiceStatus.PAID,
        InvoiceStatus.VOID,
        InvoiceStatus.CREDITED,
    }
)
# The columns of an issued document that still change: its payment and credit state, a void.
MUTABLE_ONCE_ISSUED = (
    "status",
    "paid_amount",
    "credited_amount",
    "due_amount",
    "void_reason",
    "voided_at",
    "voided_by_id",
    "updated_at",
)

LINE_KIND_CHOICES = [(kind.value, kind.value.replace("_", " ").capitalize()) for kind in LineKind]
TAX_CATEGORY_CHOICES = [
    (TaxCategory.STANDARD.value, "Standard rate"),
    (TaxCategory.REVERSE_CHARGE.value, "Reverse charge"),
    (TaxCategory.EXEMPT.value, "Exempt"),
    (TaxCategory.ZERO.value, "Zero rated"),
    (TaxCategory.OUT_OF_SCOPE.value, "Outside the scope of VAT"),
]


class Invoice(models.Model):
    """An invoice or a credit note of the client, draft or issued.

    Totals are stored (``net + tax = total``, a check constraint) with the currency beside
    them; ``due = total - paid - credited``. A credit note points to the invoice it credits
    and has its own number series."""

    document_type = models.CharField(
        max_length=16, choices=DocumentType.choices, default=DocumentType.INVOICE
    )
    status = models.CharField(
        max_length=16, choices=InvoiceStatus.choices, default=InvoiceStatus.DRAFT
    )
    # Null until issued; then the series' next number (billing.ledger.NumberSeries).
    number = models.CharField(max_length=40, null=True, blank=True, unique=True)
    legal_entity = models.ForeignKey(
        "ledger.LegalEntity",
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    # The contract version the invoice was rated under (past invoices keep theirs).
    contract_version = models.ForeignKey(
        "contracts.ContractVersion", on_delete=models.PROTECT, related_name="invoices"
    )
    period_start = models.DateField()
    period_end = models.DateField()
    currency = models.CharField(max_length=3)
    tax_per_invoice = models.BooleanField(default=False)
    reverse_charge = models.BooleanField(default=False)
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    buyer_reference = models.CharField(max_length=100, blank=True)
    language = models.CharField(max_length=10, default="en")
    notes = models.JSONField(default=list, blank=True)
    # Frozen at issue: the seller's and buyer's legal data and the terms, as printed.
    seller = models.JSONField(default=dict, blank=True)
    buyer = models.JSONField(default=dict, blank=True)
    terms = models.JSONField(default=dict, blank=True)
    # The VAT breakdown: [{"tax_category", "tax_rate", "taxable", "tax"}], as strings.
    tax_breakdown = models.JSONField(default=list, blank=True)
    issue_date = models.DateField(null=True, blank=True)
    due_date = models.DateField(null=True, blank=True)
    net_amount = models.DecimalField(max_digits=18, decimal_places=3, default=Decimal(0))
    tax_amount = models.DecimalField(max_digits=18, decimal_places=3, default=Decimal(0))
    total_amount = models.DecimalField(max_digits=18, decimal_places=3, default=Decimal(0))
    paid_amount = models.DecimalField(max_digits=18, decimal_places=3, default=Decimal(0))
    credited_amount = models.DecimalField(max_digits=18, decimal_places=3, default=Decimal(0))
    due_amount = models.DecimalField(max_digits=18, decimal_places=3, default=Decimal(0))
    credited_invoice = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_notes",
    )
    credit_reason = models.TextField(blank=True)
    void_reason = models.TextField(blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(total_amount=models.F("net_amount") + models.F("tax_amount")),
                name="invoice_total_is_net_plus_tax",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="invoice_period_ends_after_start",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(document_type=DocumentType.INVOICE, credited_invoice__isnull=True)
                    | models.Q(
                        document_type=DocumentType.CREDIT_NOTE, credited_invoice__isnull=False
                    )
                ),
                name="invoice_credit_note_credits_an_invoice",
            ),
            models.CheckConstraint(
                condition=models.Q(status=InvoiceStatus.DRAFT, number__isnull=True)
                | (~models.Q(status=InvoiceStatus.DRAFT) & models.Q(number__isnull=False)),
                name="invoice_numbered_once_issued",
            ),
            models.CheckConstraint(
                condition=models.Q(paid_amount__gte=0) & models.Q(credited_amount__gte=0),
                name="invoice_paid_and_credited_not_negative",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="invoice_open_by_due")]

    def __str__(self) -> str:
        label = self.get_document_type_display()
        return f"{label} {self.number}" if self.number else f"Draft {label.lower()} {self.pk}"

    @property
    def is_draft(self) -> bool:
        return self.status == InvoiceStatus.DRAFT

    @property
    def is_credit_note(self) -> bool:
        return self.document_type == DocumentType.CREDIT_NOTE

    def get_additional_data(self) -> dict:
        return {"invoice": self.pk}


class InvoiceLine(models.Model):
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=16, choices=LINE_KIND_CHOICES)
    description = models.CharField(max_length=300)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit = models.CharField(max_length=3, help_text="UN/ECE recommendation 20 code.")
    unit_price = models.DecimalField(max_digits=18, decimal_places=6)
    amount = models.DecimalField(max_digits=18, decimal_places=3)
    tax_category = models.CharField(max_length=2, choices=TAX_CATEGORY_CHOICES)
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2)
    # Per line tax mode: this line's tax; per invoice mode: null (the breakdown has it).
    tax_amount = models.DecimalField(max_digits=18, decimal_places=3, null=True, blank=True)
    service_line_id = models.PositiveBigIntegerField(null=True, blank=True)
    service_line_name = models.CharField(max_length=200, blank=True)
    rate_line_id = models.PositiveBigIntegerField(null=True, blank=True)
    rule = models.CharField(max_length=300, blank=True)
    manual_reason = models.TextField(blank=True)
    # A credit note's line: the invoice line it credits.
    credited_line = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="credits"
    )

    class Meta:
        ordering = ["invoice", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["invoice", "position"], name="invoice_line_position_unique"
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=LineKind.MANUAL) | ~models.Q(manual_reason=""),
                name="invoice_line_manual_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.description

    def get_additional_data(self) -> dict:
        return {"invoice": self.invoice_id}


class LineEvidence(models.Model):
    """One fact behind a line (``billing.lines.EvidenceRow``): the hours of a day and agent,
    the rate-card version, the multiplier rule, the SLA figure behind a credit. ``invoice`` is
    the line's invoice, kept beside it so the immutability trigger reads one row."""

    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="+")
    line = models.ForeignKey(InvoiceLine, on_delete=models.CASCADE, related_name="evidence")
    position = models.PositiveIntegerField()
    source = models.CharField(max_length=40)
    quantity = models.DecimalField(max_digits=18, decimal_places=4)
    unit = models.CharField(max_length=20)
    day = models.DateField(null=True, blank=True)
    week = models.CharField(max_length=8, blank=True)
    agent_id = models.PositiveBigIntegerField(null=True, blank=True)
    agent_name = models.CharField(max_length=200, blank=True)
    service_line_id = models.PositiveBigIntegerField(null=True, blank=True)
    detail = models.CharField(max_length=500, blank=True)
    reference = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["line", "position"]
        verbose_name_plural = "line evidence"

    def __str__(self) -> str:
        return f"{self.source} {self.day or self.week} {self.quantity} {self.unit}"


class Payment(models.Model):
    """Money received against an issued invoice; several make a partial payment."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(max_digits=18, decimal_places=3)
    currency = models.CharField(max_length=3)
    received_on = models.DateField()
    reference = models.CharField(max_length=140, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["received_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive")
        ]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} on {self.received_on}"

    def get_additional_data(self) -> dict:
        return {"invoice": self.invoice_id}


class LineDisputeStatus(models.TextChoices):
    OPEN = "open", "Open"
    CREDITED = "credited", "Resolved by a credit note"
    REJECTED = "rejected", "Rejected"


class LineDispute(models.Model):
    """A client admin's objection to one line of an issued invoice, with a reason; finance
    resolves it with a credit note or a reasoned rejection."""

    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="disputes")
    line = models.ForeignKey(InvoiceLine, on_delete=models.PROTECT, related_name="disputes")
    status = models.CharField(
        max_length=16, choices=LineDisputeStatus.choices, default=LineDisputeStatus.OPEN
    )
    reason = models.TextField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        related_name="+",
    )
    raised_at = models.DateTimeField(auto_now_add=True)
    resolution_reason = models.TextField(blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    resolved_at = models.DateTimeField(null=True, blank=True)
    credit_note = models.ForeignKey(
        Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["line"],
                condition=models.Q(status="open"),
                name="line_dispute_one_open_per_line",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="credited") | models.Q(credit_note__isnull=False),
                name="line_dispute_credited_names_its_credit_note",
            ),
        ]

    def __str__(self) -> str:
        return f"Dispute of line {self.line_id}"

    def get_additional_data(self) -> dict:
        return {"invoice": self.invoice_id}


class IssuedDocumentStatus(models.TextChoices):
    RENDERING = "rendering", "Being rendered"
    READY = "ready", "Ready"
    FAILED = "failed", "Rendering failed"


class IssuedDocument(models.Model):
    """The files of an issued invoice or credit note: its EN 16931 XML (Factur-X CII and
    Peppol UBL), validated and stored in the issuing transaction, and its PDF, rendered by a
    worker after commit into the default storage with its SHA-256.

    Once ready the row is final (a database trigger), so the hash proves the file."""

    # The issued invoice itself is final (its trigger refuses a delete), so this cascades only
    # when a client's invoices are purged on purpose.
    invoice = models.OneToOneField(Invoice, on_delete=models.CASCADE, related_name="document")
    cii_xml = models.BinaryField(editable=False)
    ubl_xml = models.BinaryField(editable=False)
    e_invoice_format = models.CharField(
        max_length=16, help_text="The contract's e-invoice format at issue (none, factur_x, ubl)."
    )
    warnings = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16,
        choices=IssuedDocumentStatus.choices,
        default=IssuedDocumentStatus.RENDERING,
    )
    pdf_path = models.CharField(max_length=300, blank=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)
    pdf_bytes = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(status="ready") | models.Q(pdf_sha256__regex=r"^[0-9a-f]{64}$"),
                name="issued_document_ready_has_hash",
            )
        ]

    def __str__(self) -> str:
        return f"Files of {self.invoice}"

    @property
    def is_ready(self) -> bool:
        return self.status == IssuedDocumentStatus.READY
