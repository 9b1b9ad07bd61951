"""The rating of a client's month: contract terms and usage in, ``InvoiceDraftData`` out.

Pure (no Django, under the import-linter "pure" contract): ``terms`` and ``usage`` are the
plain data, ``engine`` the rules, ``clock`` the wall-clock splitting, ``calendar`` the public
holidays, ``tax`` VAT ids and the reverse charge."""

from billing.rating.engine import RatingError, VersionPart, rate_month, rate_period, split_usage

__all__ = ["RatingError", "VersionPart", "rate_month", "rate_period", "split_usage"]
