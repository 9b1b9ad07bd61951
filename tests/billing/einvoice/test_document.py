"""The document's own shape check (billing.einvoice.document.check_document): figures that do
not add up, amounts with more decimals than the currency has and missing references are
refused before any XML is written, with the business term in the message."""

from dataclasses import replace
from decimal import Decimal

import pytest

from billing.einvoice import samples
from billing.einvoice.document import (
    DocumentShapeError,
    check_document,
    format_amount,
    format_number,
    minor_units,
)


@pytest.mark.parametrize("name", sorted(samples.ALL))
def test_the_sample_documents_add_up(name):
    # given
    document = samples.ALL[name]()

    # when / then: no error
    check_document(document)


def test_a_grand_total_that_is_not_basis_plus_tax_is_refused_naming_bt_112():
    # given
    document = samples.german_invoice()
    totals = replace(document.totals, grand_total=document.totals.grand_total + Decimal("0.01"))
    broken = replace(document, totals=replace(totals, due_amount=totals.grand_total))

    # when
    with pytest.raises(DocumentShapeError) as refused:
        check_document(broken)

    # then
    assert len(refused.value.problems) == 1
    assert "BT-112" in refused.value.problems[0]
    assert "123079.96" in refused.value.problems[0]


def test_a_breakdown_row_that_is_not_the_sum_of_its_lines_is_refused():
    # given
    document = samples.german_invoice()
    row = replace(document.vat_breakdown[0], taxable_amount=Decimal("100000.00"))
    broken = replace(document, vat_breakdown=(row,))

    # when
    with pytest.raises(DocumentShapeError) as refused:
        check_document(broken)

    # then
    assert any("BT-116" in problem for problem in refused.value.problems)


def test_an_allowance_lowers_the_tax_basis_of_its_category():
    # given: the SLA credit of 1925.00 under 38500.00 of hours
    document = samples.sla_credit_invoice()

    # when / then: the breakdown's 36575.00 is the lines less the allowance
    check_document(document)
    assert document.vat_breakdown[0].taxable_amount == Decimal("36575.00")


def test_yen_amounts_with_decimals_are_refused():
    # given
    document = samples.yen_invoice()
    line = replace(document.lines[0], net_amount=Decimal("1620850.50"))
    broken = replace(document, lines=(line,))

    # when
    with pytest.raises(DocumentShapeError) as refused:
        check_document(broken)

    # then
    assert "more decimals than JPY has (0)" in str(refused.value)


def test_reverse_charge_without_an_exemption_reason_is_refused():
    # given
    document = samples.reverse_charge_invoice()
    row = replace(document.vat_breakdown[0], exemption_reason="", exemption_reason_code="")
    broken = replace(document, vat_breakdown=(row,))

    # when
    with pytest.raises(DocumentShapeError) as refused:
        check_document(broken)

    # then
    assert refused.value.problems == ["VAT category AE needs an exemption reason (BT-120)"]


def test_a_buyer_reference_or_a_purchase_order_is_required():
    # given
    document = replace(samples.german_invoice(), buyer_reference="", purchase_order_reference="")

    # when
    with pytest.raises(DocumentShapeError) as refused:
        check_document(document)

    # then
    assert "PEPPOL-EN16931-R003" in str(refused.value)


def test_a_german_public_buyer_needs_its_buyer_reference_even_with_a_purchase_order():
    # given
    document = replace(samples.german_invoice(), buyer_reference="")
    check_document(document)  # a purchase order is enough for anyone else

    # when
    with pytest.raises(DocumentShapeError) as refused:
        check_document(document, require_buyer_reference=True)

    # then
    assert "BR-DE-15" in str(refused.value)


def test_amounts_are_written_with_the_currencys_decimals():
    # given / when / then
    assert minor_units("EUR") == 2
    assert minor_units("JPY") == 0
    assert minor_units("BHD") == 3
    assert format_amount(Decimal("100"), "EUR") == "100.00"
    assert format_amount(Decimal("1620850"), "JPY") == "1620850"
    assert format_amount(Decimal("1.5"), "BHD") == "1.500"
    assert format_number(Decimal("10432.000")) == "10432"
    assert format_number(Decimal("0.4150")) == "0.415"
    assert format_number(Decimal("1E+2")) == "100"
