"""Invoices over the API (``/api/v1/clients/<slug>/invoices/``, ``invoice-lines/``,
``invoice-disputes/``): list and read documents and their lines with evidence (the client's
admin: issued ones only, never a draft); finance issues, voids, credits, records payments and
edits drafts; the client's admin disputes a line, finance resolves the dispute.

Rights per action are in ``action_rights`` (``bpo.accounts.roles``), the statuses are the
services' checks (409), the workflow's steps ``services.WORKFLOW``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import cast

import django_filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status
from rest_framework.decorators import action
from rest_framework.response import Response

from billing.invoices import selectors, services
from billing.invoices.models import (
    DocumentType,
    Invoice,
    InvoiceLine,
    InvoiceStatus,
    LineDispute,
    LineDisputeStatus,
)
from billing.invoices.serializers import (
    CreditNoteInputSerializer,
    InvoiceDetailSerializer,
    InvoiceLineDetailSerializer,
    InvoiceLineSerializer,
    InvoiceSerializer,
    IssueInputSerializer,
    LineDisputeSerializer,
    ManualLineInputSerializer,
    PaymentInputSerializer,
    PaymentSerializer,
    ReasonInputSerializer,
    ResolveInputSerializer,
)
from bpo.accounts.models import User
from bpo.accounts.permissions import can
from bpo.accounts.roles import Action
from bpo.api.base import ClientScopedViewSet
from bpo.api.schema import error_response, invalid_response

ID = OpenApiParameter("id", OpenApiTypes.INT, OpenApiParameter.PATH, description="The id.")


def _conflict(message: str):
    return error_response("The document's status does not allow this.", "conflict", message)


class InvoiceFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=InvoiceStatus.choices)
    document_type = django_filters.ChoiceFilter(choices=DocumentType.choices)
    period_from = django_filters.DateFilter(
        field_name="period_end", lookup_expr="gte", help_text="Periods ending on or after."
    )
    period_to = django_filters.DateFilter(
        field_name="period_start", lookup_expr="lte", help_text="Periods starting on or before."
    )

    class Meta:
        model = Invoice
        fields = ["status", "document_type", "period_from", "period_to"]


class LineFilter(django_filters.FilterSet):
    invoice = django_filters.NumberFilter(field_name="invoice_id")

    class Meta:
        model = InvoiceLine
        fields = ["invoice"]


class DisputeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=LineDisputeStatus.choices)
    invoice = django_filters.NumberFilter(field_name="invoice_id")

    class Meta:
        model = LineDispute
        fields = ["status", "invoice"]


def _step(summary: str, description: str, conflict: str, request=None, extra=None, ok=None):
    return extend_schema(
        summary=summary,
        description=description,
        parameters=[ID],
        request=request,
        responses={
            (ok or 200): InvoiceDetailSerializer,
            409: _conflict(conflict),
            **(extra or {}),
        },
    )


@extend_schema_view(
    list=extend_schema(
        summary="List invoices and credit notes",
        description="Newest period first. Finance, account managers and provider admins see "
        "drafts too; the client's admin issued documents only.",
        responses={200: InvoiceSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One invoice or credit note",
        description="With its lines (their evidence: `invoice-lines/{id}/`), VAT breakdown, "
        "payments, disputes, credit notes, the seller, buyer and terms frozen at issue, and "
        "the workflow steps the caller may take now.",
        parameters=[ID],
        responses={200: InvoiceDetailSerializer},
    ),
    issue=_step(
        "Issue a draft",
        "Draft -> issued: the next number of the legal entity's gap-free series, seller, "
        "buyer and terms frozen, the register row written; from then on the invoice is final.",
        "Only a draft can be issued; this one is issued.",
        request=IssueInputSerializer,
    ),
    void=_step(
        "Void an invoice",
        "Issued -> void, with a `reason`, only while nothing is paid or credited. The number "
        "stays used.",
        "Only an issued invoice with no payment and no credit note can be voided; this one is "
        "partly paid.",
        request=ReasonInputSerializer,
        extra={400: invalid_response({"reason": ["Say why the invoice is voided."]})},
    ),
    credit_note=_step(
        "Issue a credit note",
        "A credit note of the invoice from its own series, issued at once: `lines` (net "
        "amounts per line, with the line's sign) or, without them, everything that remains. "
        "Never more than remains of a line, a tax group or the invoice (400). The answer is "
        "the credit note.",
        "Only an issued invoice can be credited; this one is void.",
        request=CreditNoteInputSerializer,
        ok=201,
        extra={
            400: invalid_response(
                {"lines": ["Line 31: at most 50.00 EUR of 100.00 EUR remains to be credited."]}
            )
        },
    ),
    payments=extend_schema(
        summary="Record a payment",
        description="Money received (partial payments too): issued -> partly paid -> paid. "
        "More than is due is refused, saying by how much it would overpay.",
        parameters=[ID],
        request=PaymentInputSerializer,
        responses={
            201: PaymentSerializer,
            400: invalid_response(
                {
                    "amount": [
                        "69.00 EUR is due on invoice INV-DE-2026-000001; a payment of 70.00 "
                        "EUR would overpay it by 1.00 EUR."
                    ]
                }
            ),
            409: _conflict("Only an issued invoice with an amount due takes payments."),
        },
    ),
    lines=_step(
        "Add a manual line to a draft",
        "A line finance adds by hand, with its `reason`; the totals are worked out again.",
        "Only a draft takes new lines; this one is issued.",
        request=ManualLineInputSerializer,
        ok=201,
        extra={400: invalid_response({"reason": ["Say why this line is added by hand."]})},
    ),
)
class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientScopedViewSet):
    model = Invoice
    action_rights = {
        "list": Action.VIEW_INVOICES,
        "retrieve": Action.VIEW_INVOICES,
        "issue": Action.MANAGE_INVOICES,
        "void": Action.MANAGE_INVOICES,
        "credit_note": Action.MANAGE_INVOICES,
        "payments": Action.MANAGE_INVOICES,
        "lines": Action.MANAGE_INVOICES,
    }
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilter
    ordering_fields = ["period_start", "issue_date", "due_date", "number"]
    lookup_value_regex = r"\d+"

    @property
    def actor(self) -> User:
        return cast(User, self.request.user)

    def select_rows(self):
        return selectors.list_invoices(user=self.actor)

    def select_row(self):
        return selectors.access_invoice(user=self.actor, invoice_id=self.kwargs["pk"])

    def get_serializer_class(self):
        return InvoiceDetailSerializer if self.action == "retrieve" else InvoiceSerializer

    def _allowed_steps(self, invoice: Invoice) -> list[str]:
        client = self.request.tenant
        return [
            name
            for name in services.allowed_steps(invoice)
            if can(self.actor, client, services.WORKFLOW[name].right)
        ]

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    def _answer(self, invoice: Invoice, http_status=status.HTTP_200_OK) -> Response:
        fresh = selectors.access_invoice(user=self.actor, invoice_id=invoice.pk)
        context = {"request": self.request, "allowed_steps": self._allowed_steps(fresh)}
        return Response(InvoiceDetailSerializer(fresh, context=context).data, status=http_status)

    @action(detail=True, methods=["post"])
    def issue(self, request, client_slug: str, pk=None):
        serializer = IssueInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = services.issue_invoice(
            invoice=self.get_object(),
            actor=self.actor,
            issue_date=serializer.validated_data["issue_date"],
        )
        return self._answer(invoice)

    @action(detail=True, methods=["post"])
    def void(self, request, client_slug: str, pk=None):
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = services.void_invoice(
            invoice=self.get_object(),
            reason=serializer.validated_data["reason"],
            actor=self.actor,
        )
        return self._answer(invoice)

    @action(detail=True, methods=["post"], url_path="credit-note")
    def credit_note(self, request, client_slug: str, pk=None):
        serializer = CreditNoteInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        given = data.get("lines")
        lines: dict[int, Decimal] | None = None
        if given is not None:
            lines = {}
            for item in given:
                lines[item["line"]] = lines.get(item["line"], Decimal(0)) + item["amount"]
        note = services.issue_credit_note(
            invoice=self.get_object(),
            reason=data["reason"],
            actor=self.actor,
            lines=lines,
            issue_date=data["issue_date"],
        )
        return self._answer(note, status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def payments(self, request, client_slug: str, pk=None):
        serializer = PaymentInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        payment = services.record_payment(
            invoice=self.get_object(),
            amount=data["amount"],
            received_on=data["received_on"],
            reference=data["reference"],
            actor=self.actor,
        )
        return Response(PaymentSerializer(payment).data, status=status.HTTP_201_CREATED)

    @action(detail=True, methods=["post"])
    def lines(self, request, client_slug: str, pk=None):
        serializer = ManualLineInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invoice = self.get_object()
        services.add_manual_line(
            invoice=invoice, line=services.ManualLine(**serializer.validated_data), actor=self.actor
        )
        return self._answer(invoice, status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="List invoice lines",
        description="Lines of the documents the caller sees (`invoice` to keep one's).",
        responses={200: InvoiceLineSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One invoice line with its evidence",
        description="Exactly what is behind the line: hours by day, agent and service line, "
        "the rate-card version, the multiplier rule, the SLA figure behind a credit.",
        parameters=[ID],
        responses={200: InvoiceLineDetailSerializer},
    ),
    destroy=extend_schema(
        summary="Remove a line from a draft",
        description="With its evidence; the totals are worked out again. A draft keeps one line.",
        parameters=[ID],
        responses={204: None, 409: _conflict("Only a draft's lines can be removed.")},
    ),
    dispute=extend_schema(
        summary="Dispute a line",
        description="The client's admin objects to a line of an issued invoice with a "
        "`reason`; one open dispute per line (409). Finance resolves it.",
        parameters=[ID],
        request=ReasonInputSerializer,
        responses={
            201: LineDisputeSerializer,
            400: invalid_response({"reason": ["Say why you dispute this line."]}),
            409: _conflict("A dispute of this line waits for finance already."),
        },
    ),
)
class InvoiceLineViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, ClientScopedViewSet
):
    model = InvoiceLine
    action_rights = {
        "list": Action.VIEW_INVOICES,
        "retrieve": Action.VIEW_INVOICES,
        "destroy": Action.MANAGE_INVOICES,
        "dispute": Action.DISPUTE_INVOICE_LINE,
    }
    serializer_class = InvoiceLineSerializer
    filterset_class = LineFilter
    lookup_value_regex = r"\d+"

    @property
    def actor(self) -> User:
        return cast(User, self.request.user)

    def select_rows(self):
        return selectors.list_invoice_lines(user=self.actor)

    def select_row(self):
        return selectors.access_invoice_line(user=self.actor, line_id=self.kwargs["pk"])

    def get_serializer_class(self):
        return InvoiceLineDetailSerializer if self.action == "retrieve" else InvoiceLineSerializer

    def perform_destroy(self, instance: InvoiceLine) -> None:
        services.remove_draft_line(line=instance, actor=self.actor)

    @action(detail=True, methods=["post"])
    def dispute(self, request, client_slug: str, pk=None):
        serializer = ReasonInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        dispute = services.raise_line_dispute(
            line=self.get_object(), reason=serializer.validated_data["reason"], actor=self.actor
        )
        return Response(LineDisputeSerializer(dispute).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    list=extend_schema(
        summary="List line disputes",
        description="Disputes of the documents the caller sees, newest first.",
        responses={200: LineDisputeSerializer(many=True)},
    ),
    retrieve=extend_schema(
        summary="One line dispute", parameters=[ID], responses={200: LineDisputeSerializer}
    ),
    resolve=extend_schema(
        summary="Resolve a line dispute",
        description="`credit` issues a credit note of the line (`amount`, or all that remains "
        "of it); `reject` keeps the invoice. Always with a `reason`.",
        parameters=[ID],
        request=ResolveInputSerializer,
        responses={
            200: LineDisputeSerializer,
            400: invalid_response({"reason": ["Say how the dispute is resolved."]}),
            409: _conflict("This dispute is resolved already (Rejected)."),
        },
    ),
)
class LineDisputeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ClientScopedViewSet):
    model = LineDispute
    action_rights = {
        "list": Action.VIEW_INVOICES,
        "retrieve": Action.VIEW_INVOICES,
        "resolve": Action.MANAGE_INVOICES,
    }
    serializer_class = LineDisputeSerializer
    filterset_class = DisputeFilter
    lookup_value_regex = r"\d+"

    @property
    def actor(self) -> User:
        return cast(User, self.request.user)

    def select_rows(self):
        return selectors.list_line_disputes(user=self.actor)

    def select_row(self):
        return selectors.access_line_dispute(user=self.actor, dispute_id=self.kwargs["pk"])

    @action(detail=True, methods=["post"])
    def resolve(self, request, client_slug: str, pk=None):
        serializer = ResolveInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        dispute = services.resolve_line_dispute(
            dispute=self.get_object(),
            outcome=data["outcome"],
            reason=data["reason"],
            amount=data["amount"],
            actor=self.actor,
        )
        fresh = selectors.access_line_dispute(user=self.actor, dispute_id=dispute.pk)
        return Response(LineDisputeSerializer(fresh).data)
