"""A client's commercial terms, in the client's own schema (exported and deleted with it)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models


class BillingContact(models.Model):
    name = models.CharField(max_length=200)
    email = models.EmailField()
    phone = models.CharField(max_length=40, blank=True)
    address = models.TextField(blank=True)
    is_primary = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_primary", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_primary"],
                condition=models.Q(is_primary=True),
                name="billing_contact_one_primary",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"


class Contract(models.Model):
    """The contract chosen at onboarding. Rates and multipliers come with the billing issue."""

    billing_model = models.CharField(max_length=16)
    currency = models.CharField(max_length=3)
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    starts_on = models.DateField()
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="contract_ends_after_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.billing_model} contract from {self.starts_on}"


# --- effective-dated versions and the rate card ------------------------------------------------
# Money is a DecimalField with its currency beside it: the version's ``currency`` prices every
# amount of the version, its rate lines and rules. Rounding happens in ``billing.money`` only.


class TaxMode(models.TextChoices):
    PER_LINE = "per_line", "Tax on each line"
    PER_INVOICE = "per_invoice", "Tax once per rate on the invoice's total"


class EInvoiceFormat(models.TextChoices):
    NONE = "none", "PDF only"
    FACTUR_X = "factur_x", "Factur-X / ZUGFeRD (EN 16931 in the PDF)"
    UBL = "ubl", "UBL (Peppol BIS 3)"


class TrueUpRule(models.TextChoices):
    REPORT_ONLY = "report_only", "Shown on the invoice, nothing billed"
    BILL_SHORTFALL = "bill_shortfall", "The client pays for committed FTE not used"
    CREDIT_SHORTFALL = "credit_shortfall", "The provider credits committed FTE not delivered"


class ContractVersion(models.Model):
    """The contract's terms from ``effective_from`` until the next version's first day.

    A version is never edited once in force: a change is a new version from a later date
    (``billing.contracts.services``). ``invoiced_through`` is the last day an issued invoice
    billed under it (the ledger records it); no new version may start on or before it."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    effective_from = models.DateField()
    # The provider's company that issues the invoices (public; no constraint across schemas,
    # as for users: legal entities are never deleted, and public tables are truncated in tests).
    seller = models.ForeignKey(
        "ledger.LegalEntity", on_delete=models.PROTECT, db_constraint=False, related_name="+"
    )
    buyer_legal_name = models.CharField(max_length=200)
    buyer_address = models.TextField(blank=True, help_text="Street and number, one line each.")
    buyer_city = models.CharField(max_length=100, blank=True)
    buyer_postcode = models.CharField(max_length=20, blank=True)
    buyer_country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code.")
    buyer_vat_id = models.CharField(max_length=20, blank=True)
    buyer_reference = models.CharField(max_length=100, blank=True)
    purchase_order = models.CharField(max_length=100, blank=True)
    currency = models.CharField(max_length=3)
    payment_terms_days = models.PositiveSmallIntegerField(default=30)
    language = models.CharField(max_length=16, default="en", help_text="Locale, e.g. de-DE.")
    tax_mode = models.CharField(max_length=16, choices=TaxMode.choices, default=TaxMode.PER_LINE)
    default_tax_rate = models.DecimalField(max_digits=5, decimal_places=2, default=0)
    reverse_charge = models.BooleanField(default=False)
    e_invoice_format = models.CharField(
        max_length=16, choices=EInvoiceFormat.choices, default=EInvoiceFormat.NONE
    )
    minimum_monthly_amount = models.DecimalField(
        max_digits=14, decimal_places=3, null=True, blank=True
    )
    fte_true_up_rule = models.CharField(
        max_length=20, choices=TrueUpRule.choices, default=TrueUpRule.REPORT_ONLY
    )
    hours_per_fte_month = models.DecimalField(max_digits=6, decimal_places=2, default=160)
    note = models.CharField(max_length=300, blank=True)
    invoiced_through = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "effective_from"], name="contract_version_one_per_day"
            ),
            models.UniqueConstraint(fields=["contract", "number"], name="contract_version_number"),
            models.CheckConstraint(
                condition=models.Q(default_tax_rate__gte=0, default_tax_rate__lt=100),
                name="contract_version_tax_rate",
            ),
            models.CheckConstraint(
                condition=models.Q(hours_per_fte_month__gt=0), name="contract_version_fte_hours"
            ),
        ]

    def __str__(self) -> str:
        return f"Contract version {self.number} from {self.effective_from}"

    @property
    def tax_per_invoice(self) -> bool:
        return self.tax_mode == TaxMode.PER_INVOICE


class Basis(models.TextChoices):
    PRODUCTIVE_HOUR = "productive_hour", "Per productive hour"
    SCHEDULED_HOUR = "scheduled_hour", "Per scheduled hour"
    WORKED_HOUR = "worked_hour", "Per worked hour"
    FTE_MONTH = "fte_month", "Per FTE per month"
    SEAT_MONTH = "seat_month", "Per seat per month"
    CONTACT = "contact", "Per contact handled"
    HANDLED_MINUTE = "handled_minute", "Per minute handled"
    ONE_OFF_FEE = "one_off_fee", "One-off fee"


class RateLine(models.Model):
    """One price of the rate card: per ``basis``, on one service line (empty: every line)
    and/or for agents with one skill (``role``; empty: every agent)."""

    version = models.ForeignKey(ContractVersion, on_delete=models.CASCADE, related_name="rates")
    basis = models.CharField(max_length=20, choices=Basis.choices)
    service_line = models.ForeignKey(
        "catalog.ServiceLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    role = models.CharField(max_length=80, blank=True)
    unit_price = models.DecimalField(max_digits=18, decimal_places=6)
    quantity = models.DecimalField(
        max_digits=10, decimal_places=4, default=1, help_text="Seats or FTE; a fee's count."
    )
    tax_rate = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    description = models.CharField(max_length=200, blank=True)
    bill_on = models.DateField(null=True, blank=True, help_text="A one-off fee's due day.")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(unit_price__gte=0), name="rate_line_price_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=0), name="rate_line_quantity_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_basis_display()} at {self.unit_price}"


class MultiplierKind(models.TextChoices):
    OVERTIME_DAY = "overtime_day", "Overtime over N hours a day"
    OVERTIME_WEEK = "overtime_week", "Overtime over N hours a week"
    NIGHT = "night", "Night hours"
    HOLIDAY = "holiday", "Public holidays"


class MultiplierRule(models.Model):
    version = models.ForeignKey(
        ContractVersion, on_delete=models.CASCADE, related_name="multipliers"
    )
    kind = models.CharField(max_length=16, choices=MultiplierKind.choices)
    factor = models.DecimalField(max_digits=6, decimal_places=4)
    threshold_hours = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    night_starts = models.TimeField(null=True, blank=True)
    night_ends = models.TimeField(null=True, blank=True)
    subdivision = models.CharField(max_length=10, blank=True)

    class Meta:
        ordering = ["version", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(factor__gt=1), name="multiplier_above_one"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} x {self.factor}"


class SlaCreditRule(models.Model):
    version = models.ForeignKey(
        ContractVersion, on_delete=models.CASCADE, related_name="sla_credits"
    )
    service_line = models.ForeignKey(
        "catalog.ServiceLine", on_delete=models.PROTECT, related_name="+"
    )
    points_per_step = models.DecimalField(max_digits=5, decimal_places=2)
    credit_percent_per_step = models.DecimalField(max_digits=5, decimal_places=2)
    cap_percent = models.DecimalField(max_digits=5, decimal_places=2)
    bonus_points_per_step = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    bonus_percent_per_step = models.DecimalField(
        max_digits=5, decimal_places=2, null=True, blank=True
    )
    bonus_cap_percent = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)

    class Meta:
        ordering = ["version", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "service_line"], name="sla_credit_one_per_line"
            ),
            models.CheckConstraint(
                condition=models.Q(points_per_step__gt=0, cap_percent__gte=0, cap_percent__lte=100),
                name="sla_credit_steps_and_cap",
            ),
        ]

    def __str__(self) -> str:
        return f"SLA credit {self.credit_percent_per_step} % per {self.points_per_step} points"


class CommittedFte(models.Model):
    version = models.ForeignKey(
        ContractVersion, on_delete=models.CASCADE, related_name="committed_fte"
    )
    service_line = models.ForeignKey(
        "catalog.ServiceLine", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    fte = models.DecimalField(max_digits=8, decimal_places=2)
    weekdays = ArrayField(models.PositiveSmallIntegerField(), default=list, blank=True)
    window_starts = models.TimeField(null=True, blank=True)
    window_ends = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["version", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(fte__gt=0), name="committed_fte_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.fte} FTE committed"
