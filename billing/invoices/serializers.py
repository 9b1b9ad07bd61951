"""API shapes of invoices, lines with their evidence, payments and line disputes. Money is a
string with the currency's own decimal places ("1190.00", "1200" in JPY, "1.250" in BHD)
beside its currency. Input serializers check types only; the services check the rules (their
messages are the ones the API returns)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.invoices.models import (
    TAX_CATEGORY_CHOICES,
    Invoice,
    InvoiceLine,
    LineDispute,
    LineEvidence,
    Payment,
)
from billing.invoices.services import DisputeOutcome
from billing.money import round_money

MONEY_SCHEMA = {"type": "string", "pattern": r"^-?\d+(\.\d{1,3})?$", "example": "1190.00"}


@extend_schema_field(MONEY_SCHEMA)
class MoneyField(serializers.Field):
    """An amount of the object, shown with its currency's minor units (read only)."""

    def __init__(self, amount: str, currency: str = "currency", **kwargs) -> None:
        self.amount_path = amount.split(".")
        self.currency_path = currency.split(".")
        kwargs.update(source="*", read_only=True)
        super().__init__(**kwargs)

    @staticmethod
    def _follow(instance, path: list[str]):
        for name in path:
            if instance is None:
                return None
            instance = getattr(instance, name)
        return instance

    def to_representation(self, value):
        amount = self._follow(value, self.amount_path)
        if amount is None:
            return None
        return str(round_money(amount, self._follow(value, self.currency_path)))


class EvidenceSerializer(serializers.ModelSerializer):
    quantity = serializers.DecimalField(max_digits=18, decimal_places=4, read_only=True)

    class Meta:
        model = LineEvidence
        fields = [
            "position",
            "source",
            "quantity",
            "unit",
            "day",
            "week",
            "agent_id",
            "agent_name",
            "service_line_id",
            "detail",
            "reference",
        ]
        read_only_fields = fields


class InvoiceLineSerializer(serializers.ModelSerializer):
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=6, read_only=True)
    amount = MoneyField("amount", "invoice.currency")
    tax_amount = MoneyField("tax_amount", "invoice.currency", allow_null=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    invoice_number = serializers.CharField(source="invoice.number", read_only=True, allow_null=True)

    class Meta:
        model = InvoiceLine
        fields = [
            "id",
            "invoice",
            "invoice_number",
            "position",
            "kind",
            "kind_label",
            "description",
            "quantity",
            "unit",
            "unit_price",
            "amount",
            "tax_category",
            "tax_rate",
            "tax_amount",
            "service_line_id",
            "service_line_name",
            "rate_line_id",
            "rule",
            "manual_reason",
            "credited_line",
        ]
        read_only_fields = fields


class InvoiceLineDetailSerializer(InvoiceLineSerializer):
    evidence = EvidenceSerializer(many=True, read_only=True)

    class Meta(InvoiceLineSerializer.Meta):
        fields = [*InvoiceLineSerializer.Meta.fields, "evidence"]
        read_only_fields = fields


class PaymentSerializer(serializers.ModelSerializer):
    amount = MoneyField("amount")

    class Meta:
        model = Payment
        fields = ["id", "amount", "currency", "received_on", "reference", "created_at"]
        read_only_fields = fields


class LineDisputeSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    credit_note_number = serializers.CharField(
        source="credit_note.number", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = LineDispute
        fields = [
            "id",
            "invoice",
            "line",
            "status",
            "status_label",
            "reason",
            "raised_at",
            "resolution_reason",
            "resolved_at",
            "credit_note",
            "credit_note_number",
        ]
        read_only_fields = fields


class TaxGroupSerializer(serializers.Serializer):
    tax_category = serializers.CharField()
    tax_rate = serializers.CharField()
    taxable = serializers.CharField()
    tax = serializers.CharField()


class InvoiceSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    document_type_label = serializers.CharField(source="get_document_type_display", read_only=True)
    net_amount = MoneyField("net_amount")
    tax_amount = MoneyField("tax_amount")
    total_amount = MoneyField("total_amount")
    paid_amount = MoneyField("paid_amount")
    credited_amount = MoneyField("credited_amount")
    due_amount = MoneyField("due_amount")
    credited_invoice_number = serializers.CharField(
        source="credited_invoice.number", read_only=True, default=None, allow_null=True
    )

    class Meta:
        model = Invoice
        fields = [
            "id",
            "document_type",
            "document_type_label",
            "status",
            "status_label",
            "number",
            "period_start",
            "period_end",
            "currency",
            "net_amount",
            "tax_amount",
            "total_amount",
            "paid_amount",
            "credited_amount",
            "due_amount",
            "issue_date",
            "due_date",
            "credited_invoice",
            "credited_invoice_number",
        ]
        read_only_fields = fields


class InvoiceDetailSerializer(InvoiceSerializer):
    lines = InvoiceLineSerializer(many=True, read_only=True)
    payments = PaymentSerializer(many=True, read_only=True)
    disputes = LineDisputeSerializer(many=True, read_only=True)
    credit_notes = InvoiceSerializer(many=True, read_only=True)
    tax_breakdown = TaxGroupSerializer(many=True, read_only=True)
    seller = serializers.DictField(read_only=True, help_text="Frozen at issue; {} for a draft.")
    buyer = serializers.DictField(read_only=True, help_text="Frozen at issue; {} for a draft.")
    terms = serializers.DictField(read_only=True, help_text="Frozen at issue; {} for a draft.")
    allowed_steps = serializers.SerializerMethodField(
        help_text="The workflow steps the caller may take on this document now."
    )

    class Meta(InvoiceSerializer.Meta):
        fields = [
            *InvoiceSerializer.Meta.fields,
            "legal_entity",
            "contract_version_id",
            "tax_per_invoice",
            "reverse_charge",
            "payment_terms_days",
            "buyer_reference",
            "language",
            "notes",
            "seller",
            "buyer",
            "terms",
            "tax_breakdown",
            "credit_reason",
            "void_reason",
            "voided_at",
            "issued_at",
            "lines",
            "payments",
            "disputes",
            "credit_notes",
            "allowed_steps",
        ]
        read_only_fields = fields

    def get_allowed_steps(self, invoice: Invoice) -> list[str]:
        return self.context.get("allowed_steps", [])


# --- input -------------------------------------------------------------------------------------


class IssueInputSerializer(serializers.Serializer):
    issue_date = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Today (client's zone) if empty."
    )


class ReasonInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=4000)


class ManualLineInputSerializer(serializers.Serializer):
    description = serializers.CharField(allow_blank=True, max_length=1000)
    quantity = serializers.DecimalField(max_digits=18, decimal_places=4)
    unit = serializers.CharField(max_length=10, help_text="UN/ECE code: HUR, MON, C62 ...")
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=6)
    tax_category = serializers.ChoiceField(choices=TAX_CATEGORY_CHOICES)
    tax_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    reason = serializers.CharField(allow_blank=True, max_length=4000)


class PaymentInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=18, decimal_places=3)
    received_on = serializers.DateField()
    reference = serializers.CharField(required=False, allow_blank=True, default="", max_length=140)


class CreditLineInputSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="A line of the credited invoice.")
    amount = serializers.DecimalField(
        max_digits=18, decimal_places=3, help_text="Net amount credited, with the line's sign."
    )


class CreditNoteInputSerializer(serializers.Serializer):
    reason = serializers.CharField(allow_blank=True, max_length=4000)
    lines = CreditLineInputSerializer(
        many=True, required=False, help_text="Omit to credit everything that remains."
    )
    issue_date = serializers.DateField(required=False, allow_null=True, default=None)


class ResolveInputSerializer(serializers.Serializer):
    outcome = serializers.ChoiceField(choices=[(c, c) for c in DisputeOutcome.CHOICES])
    reason = serializers.CharField(allow_blank=True, max_length=4000)
    amount = serializers.DecimalField(
        max_digits=18,
        decimal_places=3,
        required=False,
        allow_null=True,
        default=None,
        help_text="With `credit`: the net amount credited; all that remains of the line if empty.",
    )
