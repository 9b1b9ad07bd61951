"""Offline validation (billing.einvoice.validation): a deliberately broken document is refused
by the EN 16931 Schematron with the rule it breaks, read from the SVRL; an XML that breaks the
schema is refused by the XSD; the compiled rules are shared across calls and threads."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from decimal import Decimal

import pytest

from billing.einvoice import samples, validation
from billing.einvoice.bundle import prepare_e_invoice
from billing.einvoice.cii import build_cii
from billing.einvoice.ubl import build_ubl
from billing.einvoice.validation import EInvoiceRejected, check_xml, validate_xml

BUILDERS = pytest.mark.parametrize("build", [build_cii, build_ubl], ids=["cii", "ubl"])


def _grand_total_off_by_a_cent():
    document = samples.german_invoice()
    grand_total = document.totals.grand_total + Decimal("0.01")
    totals = replace(document.totals, grand_total=grand_total, due_amount=grand_total)
    return replace(document, totals=totals)


@BUILDERS
def test_a_grand_total_that_is_not_basis_plus_tax_breaks_br_co_15(build):
    # given: the builders write what they are given (check_document is not asked)
    xml = build(_grand_total_off_by_a_cent())

    # when
    with pytest.raises(EInvoiceRejected) as refused:
        check_xml(xml)

    # then: the rule and its text come from the Schematron's report
    finding = next(item for item in refused.value.findings if item.rule_id == "BR-CO-15")
    assert finding.is_fatal
    assert "(BT-112)" in finding.text
    assert "BR-CO-15" in str(refused.value)


@BUILDERS
def test_a_breakdown_whose_taxable_amount_is_not_its_lines_breaks_br_s_08(build):
    # given
    document = samples.german_invoice()
    row = replace(document.vat_breakdown[0], taxable_amount=Decimal("100000.00"))
    xml = build(replace(document, vat_breakdown=(row,)))

    # when
    with pytest.raises(EInvoiceRejected) as refused:
        check_xml(xml)

    # then
    assert "BR-S-08" in refused.value.rule_ids
    finding = next(item for item in refused.value.findings if item.rule_id == "BR-S-08")
    assert "(BT-116)" in finding.text


@BUILDERS
def test_reverse_charge_without_an_exemption_reason_breaks_br_ae_10(build):
    # given
    document = samples.reverse_charge_invoice()
    row = replace(document.vat_breakdown[0], exemption_reason="", exemption_reason_code="")
    xml = build(replace(document, vat_breakdown=(row,)))

    # when
    with pytest.raises(EInvoiceRejected) as refused:
        check_xml(xml)

    # then
    assert "BR-AE-10" in refused.value.rule_ids


def test_out_of_scope_lines_with_a_seller_vat_id_break_br_o_02():
    # given: the yen invoice's seller with its German VAT id
    document = replace(samples.yen_invoice(), seller=samples.SELLER)

    # when
    with pytest.raises(EInvoiceRejected) as refused:
        prepare_e_invoice(document)

    # then: both syntaxes report it, together
    syntaxes = {item.syntax for item in refused.value.findings if item.rule_id == "BR-O-02"}
    assert syntaxes == {"cii", "ubl-invoice"}


def test_an_xml_that_breaks_the_schema_is_refused_by_the_xsd():
    # given: an element the CII schema does not know
    xml = build_cii(samples.german_invoice()).replace(
        b"<ram:BuyerReference>", b"<ram:Buyer>x</ram:Buyer><ram:BuyerReference>"
    )

    # when
    findings = validate_xml(xml)

    # then
    schema_errors = [item for item in findings if item.rule_id == "XSD"]
    assert schema_errors and all(item.is_fatal for item in schema_errors)
    assert "Buyer" in schema_errors[0].text
    assert schema_errors[0].location.startswith("line ")


def test_warnings_do_not_refuse():
    # given: the Factur-X EN 16931 rules warn about the empty header delivery element
    xml = build_cii(samples.german_invoice())

    # when
    warnings = check_xml(xml)

    # then
    assert warnings and all(item.flag == "warning" for item in warnings)


def test_a_document_that_is_neither_cii_nor_ubl_is_refused():
    # given / when / then
    with pytest.raises(ValueError, match="Not a CII or UBL invoice"):
        validate_xml(b"<order/>")


def test_the_svrl_reader_takes_ids_flags_texts_and_locations():
    # given
    svrl = b"""<svrl:schematron-output xmlns:svrl="http://purl.oclc.org/dsdl/svrl">
      <svrl:failed-assert id="BR-01" flag="fatal" location="/Invoice[1]">
        <svrl:text>[BR-01]-An Invoice shall have a Specification identifier (BT-24).</svrl:text>
      </svrl:failed-assert>
      <svrl:failed-assert id="UBL-CR-001" flag="warning" location="/Invoice[1]">
        <svrl:text>[UBL-CR-001]-A UBL invoice should not include extensions</svrl:text>
      </svrl:failed-assert>
      <svrl:successful-report location="/x[1]">
        <svrl:text>Attribute @schemeID' marked as not used in the given context.</svrl:text>
      </svrl:successful-report>
    </svrl:schematron-output>"""

    # when
    findings = validation.read_svrl(svrl)

    # then
    assert [(item.rule_id, item.flag) for item in findings] == [
        ("BR-01", "fatal"),
        ("UBL-CR-001", "warning"),
        ("", "fatal"),
    ]
    assert findings[0].text == "An Invoice shall have a Specification identifier (BT-24)."
    assert findings[0].location == "/Invoice[1]"


def test_validation_runs_in_several_threads_at_once():
    # given
    good = build_ubl(samples.german_invoice())
    broken = build_ubl(_grand_total_off_by_a_cent())

    # when
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(validate_xml, [good, broken] * 4))

    # then: each thread gives the same answer as the main thread
    assert [sorted(item.rule_id for item in result if item.is_fatal) for result in results] == [
        [],
        sorted(item.rule_id for item in validate_xml(broken) if item.is_fatal),
    ] * 4


def test_each_stylesheet_is_compiled_once_per_process():
    # given
    validation.warm_up()
    compiled = {key: value for key, value in validation._shared.items() if key.startswith("xslt")}

    # when
    validate_xml(build_cii(samples.german_invoice()))
    validate_xml(build_ubl(samples.credit_note()))

    # then
    assert len(compiled) == 2
    assert all(validation._shared[key] is value for key, value in compiled.items())


def test_the_benchmark_prints_one_line_of_per_document_figures():
    # given
    from billing.einvoice.benchmark import run_benchmark

    # when
    result = run_benchmark(documents=2)

    # then
    assert result.line().startswith("documents=2 build_s=")
    assert result.build_s > 0 and result.validate_s > 0 and result.pdf_s > 0
    assert result.per_document_s == result.build_s + result.validate_s + result.pdf_s
