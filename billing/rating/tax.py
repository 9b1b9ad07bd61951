"""VAT ids and the EU B2B reverse charge (python-stdnum; no Django)."""

from __future__ import annotations

from stdnum.eu import vat
from stdnum.exceptions import ValidationError

# ISO country code -> the VAT id's prefix where the two differ.
VAT_PREFIX = {"GR": "EL"}
EU_COUNTRIES = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)


class VatIdError(ValueError):
    pass


def normalise_vat_id(vat_id: str, country: str) -> str:
    """``vat_id`` in its compact form, checked: an EU id by its country's check digits
    (``stdnum.eu.vat``) and with the prefix of ``country``; any other country's id is refused
    (the portal checks only EU VAT ids), so the caller names the field."""
    text = (vat_id or "").strip()
    if not text:
        return ""
    country = country.upper()
    if country not in EU_COUNTRIES:
        raise VatIdError(
            f"Only EU VAT ids can be checked; {country} is not an EU country. Leave it empty "
            "and put the buyer's tax number in the buyer reference."
        )
    try:
        compact = vat.validate(text)
    except ValidationError as error:
        raise VatIdError(f"{text} is not a valid EU VAT id ({error}).") from error
    prefix = VAT_PREFIX.get(country, country)
    if not compact.upper().startswith(prefix):
        raise VatIdError(f"{text} is not a VAT id of {country}: it must start with {prefix}.")
    return compact.upper()


def is_reverse_charge(*, seller_country: str, buyer_country: str, buyer_vat_id: str) -> bool:
    """EU B2B services across a border: the buyer accounts for the VAT (Article 196 of the
    VAT directive) when seller and buyer are in different EU countries and the buyer has a
    valid VAT id."""
    seller, buyer = seller_country.upper(), buyer_country.upper()
    if seller == buyer or seller not in EU_COUNTRIES or buyer not in EU_COUNTRIES:
        return False
    try:
        return bool(normalise_vat_id(buyer_vat_id, buyer))
    except VatIdError:
        return False
