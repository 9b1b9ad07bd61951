"""Contract versions over the API: what is answered (the version with its rate card and
rules, in codes and in words) and what a new version's request carries."""

from __future__ import annotations

from decimal import Decimal

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from billing.contracts.models import (
    Basis,
    CommittedFte,
    ContractVersion,
    EInvoiceFormat,
    MultiplierKind,
    MultiplierRule,
    RateLine,
    SlaCreditRule,
    TaxMode,
    TrueUpRule,
)
from billing.contracts.wording import describe_version_rules


@extend_schema_field(
    {"type": "string", "pattern": r"^\d{2}:\d{2}(:\d{2})?$", "example": "22:00", "nullable": True}
)
class WallTimeField(serializers.TimeField):
    """A local wall time, answered as ``HH:MM``."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


class RateLineSerializer(serializers.ModelSerializer):
    basis_label = serializers.CharField(source="get_basis_display", read_only=True)
    service_line_name = serializers.SerializerMethodField()

    class Meta:
        model = RateLine
        fields = [
            "id",
            "basis",
            "basis_label",
            "service_line",
            "service_line_name",
            "role",
            "unit_price",
            "quantity",
            "tax_rate",
            "description",
            "bill_on",
        ]
        read_only_fields = fields

    def get_service_line_name(self, rate: RateLine) -> str:
        return rate.service_line.name if rate.service_line is not None else "All lines"


class MultiplierRuleSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    night_starts = WallTimeField(read_only=True, allow_null=True)
    night_ends = WallTimeField(read_only=True, allow_null=True)

    class Meta:
        model = MultiplierRule
        fields = [
            "id",
            "kind",
            "kind_label",
            "factor",
            "threshold_hours",
            "night_starts",
            "night_ends",
            "subdivision",
        ]
        read_only_fields = fields


class SlaCreditRuleSerializer(serializers.ModelSerializer):
    class Meta:
        model = SlaCreditRule
        fields = [
            "id",
            "service_line",
            "points_per_step",
            "credit_percent_per_step",
            "cap_percent",
            "bonus_points_per_step",
            "bonus_percent_per_step",
            "bonus_cap_percent",
        ]
        read_only_fields = fields


class CommittedFteSerializer(serializers.ModelSerializer):
    window_starts = WallTimeField(read_only=True, allow_null=True)
    window_ends = WallTimeField(read_only=True, allow_null=True)
    weekdays = serializers.ListField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = CommittedFte
        fields = ["id", "service_line", "fte", "weekdays", "window_starts", "window_ends"]
        read_only_fields = fields


class ContractVersionSerializer(serializers.ModelSerializer):
    seller_name = serializers.CharField(source="seller.name", read_only=True)
    tax_mode_label = serializers.CharField(source="get_tax_mode_display", read_only=True)
    e_invoice_format_label = serializers.CharField(
        source="get_e_invoice_format_display", read_only=True
    )
    fte_true_up_rule_label = serializers.CharField(
        source="get_fte_true_up_rule_display", read_only=True
    )
    rates = RateLineSerializer(many=True, read_only=True)
    multipliers = MultiplierRuleSerializer(many=True, read_only=True)
    sla_credits = SlaCreditRuleSerializer(many=True, read_only=True)
    committed_fte = CommittedFteSerializer(many=True, read_only=True)
    rules_in_words = serializers.SerializerMethodField()

    class Meta:
        model = ContractVersion
        fields = [
            "id",
            "number",
            "effective_from",
            "seller",
            "seller_name",
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
            "tax_mode_label",
            "default_tax_rate",
            "reverse_charge",
            "e_invoice_format",
            "e_invoice_format_label",
            "minimum_monthly_amount",
            "fte_true_up_rule",
            "fte_true_up_rule_label",
            "hours_per_fte_month",
            "note",
            "invoiced_through",
            "created_at",
            "rates",
            "multipliers",
            "sla_credits",
            "committed_fte",
            "rules_in_words",
        ]
        read_only_fields = fields

    def get_rules_in_words(self, version: ContractVersion) -> list[str]:
        return describe_version_rules(version)


# --- input -------------------------------------------------------------------------------------


class RateLineInputSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(choices=Basis.choices)
    service_line = serializers.IntegerField(required=False, allow_null=True, default=None)
    role = serializers.CharField(required=False, allow_blank=True, default="", max_length=80)
    unit_price = serializers.DecimalField(max_digits=18, decimal_places=6)
    quantity = serializers.DecimalField(
        max_digits=10, decimal_places=4, required=False, default=Decimal(1)
    )
    tax_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
    )
    description = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    bill_on = serializers.DateField(required=False, allow_null=True, default=None)


class MultiplierRuleInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=MultiplierKind.choices)
    factor = serializers.DecimalField(max_digits=6, decimal_places=4)
    threshold_hours = serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, default=None
    )
    night_starts = WallTimeField(required=False, allow_null=True, default=None)
    night_ends = WallTimeField(required=False, allow_null=True, default=None)
    subdivision = serializers.CharField(required=False, allow_blank=True, default="", max_length=10)


def _percent(**kwargs):
    return serializers.DecimalField(max_digits=5, decimal_places=2, **kwargs)


class SlaCreditRuleInputSerializer(serializers.Serializer):
    service_line = serializers.IntegerField()
    points_per_step = _percent()
    credit_percent_per_step = _percent()
    cap_percent = _percent()
    bonus_points_per_step = _percent(required=False, allow_null=True, default=None)
    bonus_percent_per_step = _percent(required=False, allow_null=True, default=None)
    bonus_cap_percent = _percent(required=False, allow_null=True, default=None)


class CommittedFteInputSerializer(serializers.Serializer):
    service_line = serializers.IntegerField(required=False, allow_null=True, default=None)
    fte = serializers.DecimalField(max_digits=8, decimal_places=2)
    weekdays = serializers.ListField(
        child=serializers.IntegerField(min_value=0, max_value=6), required=False, default=list
    )
    window_starts = WallTimeField(required=False, allow_null=True, default=None)
    window_ends = WallTimeField(required=False, allow_null=True, default=None)


class ContractVersionInputSerializer(serializers.Serializer):
    """A new version from ``effective_from``. A field left out keeps the latest version's
    value; a list left out (``rates``, ``multipliers``, ...) copies the latest version's."""

    effective_from = serializers.DateField()
    seller = serializers.IntegerField(required=False)
    buyer_legal_name = serializers.CharField(required=False, max_length=200)
    buyer_address = serializers.CharField(required=False, allow_blank=True)
    buyer_city = serializers.CharField(required=False, allow_blank=True, max_length=100)
    buyer_postcode = serializers.CharField(required=False, allow_blank=True, max_length=20)
    buyer_country = serializers.CharField(required=False, max_length=2)
    buyer_vat_id = serializers.CharField(required=False, allow_blank=True, max_length=20)
    buyer_reference = serializers.CharField(required=False, allow_blank=True, max_length=100)
    purchase_order = serializers.CharField(required=False, allow_blank=True, max_length=100)
    currency = serializers.CharField(required=False, max_length=3)
    payment_terms_days = serializers.IntegerField(required=False)
    language = serializers.CharField(required=False, max_length=16)
    tax_mode = serializers.ChoiceField(choices=TaxMode.choices, required=False)
    default_tax_rate = _percent(required=False)
    e_invoice_format = serializers.ChoiceField(choices=EInvoiceFormat.choices, required=False)
    minimum_monthly_amount = serializers.DecimalField(
        max_digits=14, decimal_places=3, required=False, allow_null=True
    )
    fte_true_up_rule = serializers.ChoiceField(choices=TrueUpRule.choices, required=False)
    hours_per_fte_month = serializers.DecimalField(max_digits=6, decimal_places=2, required=False)
    note = serializers.CharField(required=False, allow_blank=True, max_length=300, default="")
    rates = RateLineInputSerializer(many=True, required=False)
    multipliers = MultiplierRuleInputSerializer(many=True, required=False)
    sla_credits = SlaCreditRuleInputSerializer(many=True, required=False)
    committed_fte = CommittedFteInputSerializer(many=True, required=False)

    LISTS = ("rates", "multipliers", "sla_credits", "committed_fte")

    def service_arguments(self) -> dict:
        data = dict(self.validated_data)
        lists = {name: data.pop(name, None) for name in self.LISTS}
        effective_from = data.pop("effective_from")
        note = data.pop("note", "")
        if "seller" in data:
            data["seller_id"] = data.pop("seller")
        return {"effective_from": effective_from, "terms": data, "note": note, **lists}
