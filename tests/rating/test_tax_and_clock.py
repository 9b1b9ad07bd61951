"""VAT ids, the reverse charge and wall-clock splitting across DST (pure)."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from billing.rating.clock import seconds_in_daily_window, window_seconds_in_days
from billing.rating.tax import VatIdError, is_reverse_charge, normalise_vat_id

BERLIN = ZoneInfo("Europe/Berlin")


def test_an_eu_vat_id_is_checked_and_compacted():
    assert normalise_vat_id("DE 136 695 976", "DE") == "DE136695976"
    assert normalise_vat_id("", "DE") == ""
    with pytest.raises(VatIdError, match="not a valid EU VAT id"):
        normalise_vat_id("DE136695977", "DE")
    with pytest.raises(VatIdError, match="must start with FR"):
        normalise_vat_id("DE136695976", "FR")
    with pytest.raises(VatIdError, match="not an EU country"):
        normalise_vat_id("123456789", "US")


def test_the_reverse_charge_needs_two_eu_countries_and_a_valid_buyer_id():
    assert is_reverse_charge(seller_country="NL", buyer_country="DE", buyer_vat_id="DE136695976")
    assert not is_reverse_charge(
        seller_country="DE", buyer_country="DE", buyer_vat_id="DE136695976"
    )
    assert not is_reverse_charge(seller_country="NL", buyer_country="DE", buyer_vat_id="")
    assert not is_reverse_charge(
        seller_country="US", buyer_country="DE", buyer_vat_id="DE136695976"
    )


def test_a_night_across_the_autumn_dst_change_has_nine_hours():
    # 24/25 October 2026: clocks go back at 03:00, so 22:00-06:00 lasts nine hours
    start = datetime(2026, 10, 24, 20, 0, tzinfo=BERLIN)
    end = datetime(2026, 10, 25, 8, 0, tzinfo=BERLIN)
    assert seconds_in_daily_window(start, end, time(22), time(6), BERLIN) == 9 * 3600
    assert (
        window_seconds_in_days(date(2026, 10, 24), date(2026, 10, 24), time(22), time(6), BERLIN)
        == 9 * 3600
    )
