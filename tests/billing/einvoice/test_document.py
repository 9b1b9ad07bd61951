"""The document's own shape check (billing.einvoice.document.check_document): figures that do
not add up, amounts with more decimals than the currency has and missing references are
refused before any XML is written, with the business term in the message."""

from dataclasses import replace
from decimal import Decimal

import pytest

from billing.einvoice import samples
from billing.einvoice.document import (
    AllowanceCharge,
    DocumentShapeError,
    Totals,
    VatBreakdown,
    VatCategory,
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


MORE = Decimal("0.001")
CHARGE = AllowanceCharge(
    is_charge=True,
    amount=Decimal("10.00"),
    vat_category=VatCategory.STANDARD,
    vat_rate=Decimal("19"),
    reason="Weekend surcharge",
)


def test_every_amount_with_too_many_decimals_is_named_at_once():
    # given every amount of the SLA credit invoice a tenth of a cent off, a charge of 10.005 and
    # a float as the paid amount
    document = samples.sla_credit_invoice()
    totals = document.totals
    broken = replace(
        document,
        lines=(replace(document.lines[0], net_amount=Decimal("38500.001")),),
        allowances_charges=(
            replace(document.allowances_charges[0], amount=Decimal("1925.001")),
            replace(CHARGE, amount=Decimal("10.005")),
        ),
        vat_breakdown=(
            replace(
                document.vat_breakdown[0],
                taxable_amount=Decimal("36575.001"),
                tax_amount=Decimal("6949.251"),
            ),
        ),
        totals=Totals(
            line_total=totals.line_total + MORE,
            allowance_total=totals.allowance_total + MORE,
            charge_total=MORE,
            tax_basis_total=totals.tax_basis_total + MORE,
            tax_total=totals.tax_total + MORE,
            grand_total=totals.grand_total + MORE,
            paid_amount=0.0,
            due_amount=totals.due_amount + MORE,
        ),
    )
    # when
    with pytest.raises(DocumentShapeError) as refused:
        check_document(broken)
    # then each is named with its business term, before any sum is checked
    tail = "has more decimals than EUR has (2)"
    credit = "SLA credit: service level 74.2 % in week 42, target 80 %"
    assert refused.value.problems == [
        f"line 1 net amount (BT-131) 38500.001 {tail}",
        f"allowance '{credit}' amount 1925.001 {tail}",
        f"charge 'Weekend surcharge' amount 10.005 {tail}",
        f"VAT S/19 taxable amount (BT-116) 36575.001 {tail}",
        f"VAT S/19 tax amount (BT-117) 6949.251 {tail}",
        f"sum of lines (BT-106) 38500.001 {tail}",
        f"sum of allowances (BT-107) 1925.001 {tail}",
        f"sum of charges (BT-108) 0.001 {tail}",
        f"total without VAT (BT-109) 36575.001 {tail}",
        f"total VAT (BT-110) 6949.251 {tail}",
        f"total with VAT (BT-112) 43524.251 {tail}",
        "paid amount (BT-113) must be a Decimal, not float",
        f"amount due (BT-115) 43524.251 {tail}",
    ]
    assert str(refused.value) == "; ".join(refused.value.problems)


def _with_charge_paid_and_exempt_row(**totals):
    """The SLA credit invoice with a charge of 10.00, 100.00 paid and an exempt row of 0."""
    document = samples.sla_credit_invoice()
    basis = Decimal("36585.00")
    figures = {
        "line_total": Decimal("38500.00"),
        "allowance_total": Decimal("1925.00"),
        "charge_total": Decimal("10.00"),
        "tax_basis_total": basis,
        "tax_total": Decimal("6951.15"),
        "grand_total": basis + Decimal("6951.15"),
        "paid_amount": Decimal("100.00"),
        "due_amount": basis + Decimal("6951.15") - 100,
    }
    exempt = VatBreakdown(
        VatCategory.EXEMPT, Decimal("0"), Decimal("0.00"), Decimal("0.00"), "Exempt from VAT"
    )
    return replace(
        document,
        allowances_charges=(*document.allowances_charges, CHARGE),
        vat_breakdown=(
            VatBreakdown(VatCategory.STANDARD, Decimal("19"), basis, Decimal("6951.15")),
            exempt,
        ),
        totals=Totals(**(figures | totals)),
    )


def test_charges_payments_and_an_exemption_reason_without_its_code_add_up():
    # given / when / then: no error
    check_document(_with_charge_paid_and_exempt_row())


def test_every_total_that_does_not_add_up_is_named_at_once():
    # given every stated total one unit off the figures, a zero-rated line without its
    # breakdown row and an exempt row without any reason
    document = _with_charge_paid_and_exempt_row(
        line_total=Decimal("38501.00"),
        allowance_total=Decimal("1926.00"),
        charge_total=Decimal("11.00"),
        tax_basis_total=Decimal("36587.00"),
        tax_total=Decimal("6952.15"),
        grand_total=Decimal("43540.15"),
        due_amount=Decimal("43441.15"),
    )
    zero_rated = replace(
        document.lines[0],
        id="2",
        net_amount=Decimal("0.00"),
        vat_category=VatCategory.ZERO_RATED,
        vat_rate=Decimal("0"),
    )
    exempt = replace(document.vat_breakdown[1], exemption_reason="")
    document = replace(
        document,
        lines=(*document.lines, zero_rated),
        vat_breakdown=(document.vat_breakdown[0], exempt),
    )
    # when
    with pytest.raises(DocumentShapeError) as refused:
        check_document(document)
    # then
    assert refused.value.problems == [
        "sum of lines (BT-106): stated 38501.00, the figures give 38500.00",
        "sum of allowances (BT-107): stated 1926.00, the figures give 1925.00",
        "sum of charges (BT-108): stated 11.00, the figures give 10.00",
        "total without VAT (BT-109) = lines - allowances + charges: stated 36587.00, "
        "the figures give 36586.00",
        "total VAT (BT-110) = sum of the breakdown's tax amounts: stated 6952.15, "
        "the figures give 6951.15",
        "total with VAT (BT-112) = total without VAT + VAT: stated 43540.15, "
        "the figures give 43539.15",
        "amount due (BT-115) = total with VAT - paid: stated 43441.15, the figures give 43440.15",
        "the VAT breakdown (BG-23) lacks category Z at 0 %",
        "VAT category E needs an exemption reason (BT-120)",
    ]


def test_no_lines_two_rows_of_one_rate_and_the_references_in_words():
    # given an invoice without lines (every figure zero)
    document = samples.sla_credit_invoice()
    empty = replace(
        document,
        lines=(),
        allowances_charges=(),
        vat_breakdown=(),
        totals=Totals(*[Decimal(0)] * 5),
    )
    with pytest.raises(DocumentShapeError) as refused:
        check_document(empty)
    assert refused.value.problems == ["an invoice has at least one line (BG-25)"]
    # given the breakdown's row twice
    twice = replace(document, vat_breakdown=document.vat_breakdown * 2)
    with pytest.raises(DocumentShapeError) as refused:
        check_document(twice)
    assert "the VAT breakdown (BG-23) has one row per category and rate" in refused.value.problems
    # given no reference
    bare = replace(document, buyer_reference="", purchase_order_reference="")
    with pytest.raises(DocumentShapeError) as refused:
        check_document(bare)
    assert refused.value.problems == [
        "a buyer reference (BT-10) or a purchase order (BT-13) is required (PEPPOL-EN16931-R003)"
    ]
    with pytest.raises(DocumentShapeError) as refused:
        check_document(bare, require_buyer_reference=True)
    assert refused.value.problems == [
        "the buyer reference (BT-10) is required for this buyer (BR-DE-15)"
    ]


def test_a_negative_zero_is_written_as_zero():
    assert format_number(Decimal("-0.000")) == "0"
    assert format_number(Decimal("-0")) == "0"
    assert format_number(Decimal("-1.50")) == "-1.5"
