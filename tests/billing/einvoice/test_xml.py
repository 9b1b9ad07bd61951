"""The CII (Factur-X EN 16931) and UBL (Peppol BIS 3) of the sample documents: each validates
with no fatal finding against the bundled XSD and EN 16931 Schematron, and carries what the
document says where EN 16931 puts it."""

from decimal import Decimal

import pytest
from lxml import etree

from billing.einvoice import samples
from billing.einvoice.bundle import prepare_e_invoice
from billing.einvoice.cii import GUIDELINE_ID, build_cii
from billing.einvoice.ubl import CUSTOMIZATION_ID, PROFILE_ID, build_ubl
from billing.einvoice.validation import validate_xml

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
SETTLEMENT = "//ram:ApplicableHeaderTradeSettlement"


@pytest.mark.parametrize("build", [build_cii, build_ubl], ids=["cii", "ubl"])
@pytest.mark.parametrize("name", sorted(samples.ALL))
def test_every_sample_validates_without_a_fatal_finding(name, build):
    # given
    xml = build(samples.ALL[name]())

    # when
    findings = validate_xml(xml)

    # then
    assert [str(item) for item in findings if item.is_fatal] == []


@pytest.mark.parametrize("name", sorted(samples.ALL))
def test_prepare_gives_both_xmls_and_only_warnings(name):
    # given
    document = samples.ALL[name]()

    # when
    e_invoice = prepare_e_invoice(document)

    # then
    assert e_invoice.cii_xml == build_cii(document)
    assert e_invoice.ubl_xml == build_ubl(document)
    assert all(not item.is_fatal for item in e_invoice.warnings)


def test_the_cii_names_the_en16931_guideline_and_the_german_invoices_figures():
    # given
    document = samples.german_invoice()

    # when
    root = etree.fromstring(build_cii(document))

    # then
    assert _text(root, "//ram:GuidelineSpecifiedDocumentContextParameter/ram:ID") == GUIDELINE_ID
    assert _text(root, "//rsm:ExchangedDocument/ram:TypeCode") == "380"
    assert _text(root, "//rsm:ExchangedDocument/ram:ID") == "RE-2026-0001"
    assert _text(root, "//ram:BuyerReference") == "04011000-12345-34"
    assert _text(root, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == "PO-4711"
    assert _text(root, f"{SETTLEMENT}/ram:InvoiceCurrencyCode") == "EUR"
    assert _text(root, "//ram:PayeePartyCreditorFinancialAccount/ram:IBANID") == (
        "DE02120300000000202051"
    )
    assert _text(root, "//ram:BICID") == "BYLADEM1001"
    assert _text(root, "//ram:GrandTotalAmount") == "123079.95"
    assert _text(root, "//ram:DuePayableAmount") == "123079.95"
    assert root.xpath("//ram:BilledQuantity/@unitCode", namespaces=NS) == ["HUR", "MON", "MIN"]
    assert _text(root, f"{SETTLEMENT}/ram:ApplicableTradeTax/ram:RateApplicablePercent") == "19"
    assert _text(root, "//ram:SellerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == (
        "DE123456789"
    )


def test_the_ubl_is_peppol_bis_3():
    # given
    document = samples.german_invoice()

    # when
    root = etree.fromstring(build_ubl(document))

    # then
    assert etree.QName(root).localname == "Invoice"
    assert _text(root, "/*/cbc:CustomizationID") == CUSTOMIZATION_ID
    assert _text(root, "/*/cbc:ProfileID") == PROFILE_ID
    assert _text(root, "/*/cbc:InvoiceTypeCode") == "380"
    assert _text(root, "/*/cac:LegalMonetaryTotal/cbc:PayableAmount") == "123079.95"
    assert root.xpath("/*/cac:LegalMonetaryTotal/cbc:PayableAmount/@currencyID", namespaces=NS) == [
        "EUR"
    ]


def test_reverse_charge_carries_category_ae_and_its_exemption_reason_in_both():
    # given
    document = samples.reverse_charge_invoice()

    # when
    cii = etree.fromstring(build_cii(document))
    ubl = etree.fromstring(build_ubl(document))

    # then
    tax = f"{SETTLEMENT}/ram:ApplicableTradeTax"
    assert _text(cii, f"{tax}/ram:CategoryCode") == "AE"
    assert _text(cii, f"{tax}/ram:ExemptionReason") == "Reverse charge"
    assert _text(cii, f"{tax}/ram:ExemptionReasonCode") == "VATEX-EU-AE"
    assert _text(cii, "//ram:BuyerTradeParty/ram:SpecifiedTaxRegistration/ram:ID") == (
        "FR40303265045"
    )
    category = "/*/cac:TaxTotal/cac:TaxSubtotal/cac:TaxCategory"
    assert _text(ubl, f"{category}/cbc:ID") == "AE"
    assert _text(ubl, f"{category}/cbc:TaxExemptionReason") == "Reverse charge"


def test_the_credit_note_is_381_and_references_the_invoice():
    # given
    document = samples.credit_note()

    # when
    cii = etree.fromstring(build_cii(document))
    ubl = etree.fromstring(build_ubl(document))

    # then
    assert _text(cii, "//rsm:ExchangedDocument/ram:TypeCode") == "381"
    assert _text(cii, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == "RE-2026-0001"
    assert etree.QName(ubl).localname == "CreditNote"
    assert _text(ubl, "/*/cbc:CreditNoteTypeCode") == "381"
    assert _text(ubl, "/*/cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID") == (
        "RE-2026-0001"
    )
    assert _text(ubl, "/*/cac:BillingReference/cac:InvoiceDocumentReference/cbc:IssueDate") == (
        "2026-11-02"
    )


def test_the_sla_credit_is_a_document_level_allowance_with_its_reason():
    # given
    document = samples.sla_credit_invoice()

    # when
    cii = etree.fromstring(build_cii(document))
    ubl = etree.fromstring(build_ubl(document))

    # then
    allowance = f"{SETTLEMENT}/ram:SpecifiedTradeAllowanceCharge"
    assert _text(cii, f"{allowance}/ram:ChargeIndicator/udt:Indicator") == "false"
    assert _text(cii, f"{allowance}/ram:ActualAmount") == "1925.00"
    assert _text(cii, f"{allowance}/ram:Reason").startswith("SLA credit")
    assert _text(cii, "//ram:AllowanceTotalAmount") == "1925.00"
    assert _text(cii, "//ram:TaxBasisTotalAmount") == "36575.00"
    assert _text(ubl, "/*/cac:AllowanceCharge/cbc:ChargeIndicator") == "false"
    assert _text(ubl, "/*/cac:AllowanceCharge/cbc:AllowanceChargeReasonCode") == "95"
    assert _text(ubl, "/*/cac:LegalMonetaryTotal/cbc:AllowanceTotalAmount") == "1925.00"


def test_yen_amounts_have_no_decimals():
    # given
    document = samples.yen_invoice()

    # when
    cii = etree.fromstring(build_cii(document))
    ubl = etree.fromstring(build_ubl(document))

    # then
    assert _text(cii, "//ram:GrandTotalAmount") == "1620850"
    assert _text(cii, "//ram:TaxTotalAmount") == "0"
    assert _text(ubl, "/*/cac:LegalMonetaryTotal/cbc:PayableAmount") == "1620850"
    assert Decimal(_text(cii, "//ram:NetPriceProductTradePrice/ram:ChargeAmount")) == 385


@pytest.mark.parametrize("build", [build_cii, build_ubl], ids=["cii", "ubl"])
def test_the_same_document_gives_the_same_bytes(build):
    # given / when
    first = build(samples.german_invoice())
    second = build(samples.german_invoice())

    # then
    assert first == second


def _text(root, path: str) -> str:
    found = root.xpath(path, namespaces=NS)
    assert found, f"{path} not in the XML"
    return found[0].text
