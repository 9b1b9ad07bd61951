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
