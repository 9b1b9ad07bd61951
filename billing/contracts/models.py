"""A client's commercial terms, in the client's own schema (exported and deleted with it)."""

from __future__ import annotations

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
