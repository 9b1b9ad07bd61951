"""The provider's side of billing, in the public schema: the legal entities that issue invoices
(each with its own gap-free number series), read by finance across clients."""

from __future__ import annotations

from django.db import models


class LegalEntity(models.Model):
    """A company of the provider that issues invoices: the seller on every invoice it numbers.

    Invoice numbers are gap-free per legal entity, document type and year."""

    name = models.CharField(max_length=200, unique=True)
    address_lines = models.TextField(help_text="Street and number, one line each.")
    city = models.CharField(max_length=100)
    postcode = models.CharField(max_length=20)
    country = models.CharField(max_length=2, help_text="ISO 3166 alpha-2 code.")
    vat_id = models.CharField(max_length=20, help_text="VAT identifier with its country prefix.")
    registration_id = models.CharField(max_length=60, blank=True)
    email = models.EmailField()
    iban = models.CharField(max_length=34, blank=True)
    bic = models.CharField(max_length=11, blank=True)
    # The first characters of every number it issues: INV-DE-2026-000001.
    number_prefix = models.CharField(max_length=12, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "legal entities"

    def __str__(self) -> str:
        return self.name


class DocumentType(models.TextChoices):
    """Each type has its own gap-free series."""

    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class NumberSeries(models.Model):
    """The counter of one gap-free series: a legal entity's invoices (or credit notes) of one
    year. ``next_number`` is taken under ``SELECT ... FOR UPDATE`` in the transaction that
    issues the document (``services.take_number``), never at draft time: a rollback of that
    transaction gives the number back, and a second issuer waits for the first to finish. A
    PostgreSQL sequence would leave gaps on rollback."""

    legal_entity = models.ForeignKey(
        LegalEntity, on_delete=models.PROTECT, related_name="number_series"
    )
    document_type = models.CharField(max_length=16, choices=DocumentType.choices)
    year = models.PositiveSmallIntegerField()
    next_number = models.PositiveIntegerField(default=1)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["legal_entity", "document_type", "year"]
        verbose_name_plural = "number series"
        constraints = [
            models.UniqueConstraint(
                fields=["legal_entity", "document_type", "year"], name="number_series_one_per_year"
            ),
            models.CheckConstraint(
                condition=models.Q(next_number__gte=1), name="number_series_next_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.legal_entity} {self.get_document_type_display()} {self.year}"


class RegisterStatus(models.TextChoices):
    """The register's copy of an issued document's status (drafts are never registered)."""

    ISSUED = "issued", "Issued"
    PARTLY_PAID = "partly_paid", "Partly paid"
    PAID = "paid", "Paid"
    VOID = "void", "Void"
    CREDITED = "credited", "Credited"


class InvoiceRegister(models.Model):
    """One issued invoice or credit note of a client, in public, for finance's views across
    clients (receivables, ageing). Written in the same transaction as the document itself
    (issue, payment, credit, void) by ``billing.invoices.services``; read only through
    ``billing.ledger.selectors`` with the reading user (rows of one client: see
    ``tests/test_selector_rule.py``). ``invoice_id`` is the document's id in the client's
    schema: public never points into a client schema."""

    client = models.ForeignKey(
        "tenants.Client", on_delete=models.PROTECT, related_name="invoice_register"
    )
    legal_entity = models.ForeignKey(
        LegalEntity, on_delete=models.PROTECT, related_name="invoice_register"
    )
    invoice_id = models.PositiveBigIntegerField()
    number = models.CharField(max_length=40, unique=True)
    document_type = models.CharField(max_length=16, choices=DocumentType.choices)
    # For a credit note: the number of the invoice it credits.
    credited_number = models.CharField(max_length=40, blank=True)
    period_start = models.DateField()
    period_end = models.DateField()
    currency = models.CharField(max_length=3)
    net_amount = models.DecimalField(max_digits=18, decimal_places=3)
    tax_amount = models.DecimalField(max_digits=18, decimal_places=3)
    total_amount = models.DecimalField(max_digits=18, decimal_places=3)
    paid_amount = models.DecimalField(max_digits=18, decimal_places=3, default=0)
    credited_amount = models.DecimalField(max_digits=18, decimal_places=3, default=0)
    due_amount = models.DecimalField(max_digits=18, decimal_places=3)
    status = models.CharField(max_length=16, choices=RegisterStatus.choices)
    issue_date = models.DateField()
    due_date = models.DateField()
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-issue_date", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["client", "invoice_id"], name="invoice_register_one_row_per_document"
            ),
            models.CheckConstraint(
                condition=models.Q(total_amount=models.F("net_amount") + models.F("tax_amount")),
                name="invoice_register_total_is_net_plus_tax",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="invoice_register_open")]

    def __str__(self) -> str:
        return self.number
