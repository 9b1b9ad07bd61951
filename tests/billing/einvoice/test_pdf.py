"""The Factur-X PDF (billing.einvoice.pdf): a PDF/A-3b whose associated file factur-x.xml is
the CII byte for byte (AFRelationship /Data), with the Factur-X XMP properties beside the
PDF/A identification, and the same bytes for the same inputs."""

import io

import pikepdf
import pytest

from billing.einvoice import samples
from billing.einvoice.cii import build_cii
from billing.einvoice.pdf import render_factur_x
from billing.einvoice.validation import check_xml

HTML = """<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Rechnung {number}</title>
<style>@page {{ size: A4; margin: 20mm }} body {{ font-family: sans-serif }}</style></head>
<body><h1>Rechnung {number}</h1><p>Leistungszeitraum Oktober 2026</p>
<table><tr><td>Gesamtbetrag</td><td>{total} EUR</td></tr></table></body></html>"""


@pytest.fixture(scope="module")
def rendered():
    document = samples.german_invoice()
    xml = build_cii(document)
    html = HTML.format(number=document.number, total=document.totals.grand_total)
    pdf = render_factur_x(html, cii_xml=xml, issue_date=document.issue_date)
    return html, xml, pdf


def test_the_xml_is_an_associated_file_named_factur_x_xml_with_relationship_data(rendered):
    # given
    _, xml, pdf = rendered

    # when
    with pikepdf.open(io.BytesIO(pdf.content)) as opened:
        associated = list(opened.Root.AF)
        names = list(opened.Root.Names.EmbeddedFiles.Names)
        filespec = associated[0]
        embedded = filespec.EF.F

        # then
        assert {str(item.UF) for item in associated} == {"factur-x.xml"}
        assert str(filespec.F) == "factur-x.xml"
        assert filespec.AFRelationship == pikepdf.Name.Data
        assert str(names[0]) == "factur-x.xml"
        assert embedded.Subtype == pikepdf.Name("/text/xml")
        assert str(embedded.Params.ModDate) == "D:20261102000000Z"
        assert embedded.read_bytes() == xml


def test_the_xml_taken_from_the_pdf_validates(rendered):
    # given
    _, xml, pdf = rendered
    with pikepdf.open(io.BytesIO(pdf.content)) as opened:
        extracted = opened.attachments["factur-x.xml"].get_file().read_bytes()

    # when
    findings = check_xml(extracted)

    # then
    assert extracted == xml
    assert all(not item.is_fatal for item in findings)


def test_the_pdf_is_pdf_a_3b_with_the_factur_x_xmp_properties(rendered):
    # given
    _, _, pdf = rendered

    # when
    with pikepdf.open(io.BytesIO(pdf.content)) as opened:
        metadata = opened.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        output_intent = opened.Root.OutputIntents[0]

        # then
        assert opened.pdf_version == "1.7"
        assert metadata["pdfaid:part"] == "3"
        assert metadata["pdfaid:conformance"] == "B"
        fx = "{urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#}"
        assert metadata[f"{fx}DocumentType"] == "INVOICE"
        assert metadata[f"{fx}DocumentFileName"] == "factur-x.xml"
        assert metadata[f"{fx}Version"] == "1.0"
        assert metadata[f"{fx}ConformanceLevel"] == "EN 16931"
        assert output_intent.S == pikepdf.Name.GTS_PDFA1
        assert "/DestOutputProfile" in output_intent
        # PDF/A-3 needs the extension schema that declares the fx properties
        xmp = opened.Root.Metadata.read_bytes()
        assert b"<pdfaSchema:prefix>fx</pdfaSchema:prefix>" in xmp
        assert (
            b"<pdfaSchema:namespaceURI>urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#" in xmp
        )
        # the XMP and the document information agree on the dates (the invoice's issue date)
        assert str(opened.docinfo.CreationDate) == "D:20261102000000Z"
        assert metadata["xmp:CreateDate"] == "2026-11-02T00:00:00Z"


def test_the_same_inputs_give_the_same_bytes(rendered):
    # given
    html, xml, pdf = rendered

    # when
    again = render_factur_x(html, cii_xml=xml, issue_date=samples.german_invoice().issue_date)

    # then
    assert again.content == pdf.content
    assert again.sha256 == pdf.sha256


def test_another_xml_gives_another_file_identifier(rendered):
    # given
    html, _, pdf = rendered
    other = build_cii(samples.sla_credit_invoice())

    # when
    again = render_factur_x(html, cii_xml=other, issue_date=samples.german_invoice().issue_date)

    # then
    with (
        pikepdf.open(io.BytesIO(pdf.content)) as first,
        pikepdf.open(io.BytesIO(again.content)) as second,
    ):
        assert bytes(first.trailer.ID[0]) != bytes(second.trailer.ID[0])


def test_a_credit_note_is_embedded_as_well():
    # given
    document = samples.credit_note()
    xml = build_cii(document)

    # when
    pdf = render_factur_x(
        HTML.format(number=document.number, total=document.totals.grand_total),
        cii_xml=xml,
        issue_date=document.issue_date,
        title=f"Gutschrift {document.number}",
    )

    # then
    with pikepdf.open(io.BytesIO(pdf.content)) as opened:
        assert opened.attachments["factur-x.xml"].get_file().read_bytes() == xml
        assert str(opened.docinfo.Title) == "Gutschrift GS-2026-0001"
    assert pdf.pages == 1
