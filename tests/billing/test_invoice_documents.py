"""An issued invoice's documents: the EN 16931 XML validated at issue (a fatal rule refuses the
issue and nothing is numbered), the PDF rendered by the worker's function into the storage
with its hash, read back (text with pypdf, the Factur-X attachment with pikepdf), and the
downloads, which only the invoice's readers get."""

from __future__ import annotations

import io
from datetime import date
from decimal import Decimal

import pikepdf
import pypdf
import pytest
from django.db import IntegrityError, connection, transaction

from billing.contracts.models import ContractVersion
from billing.einvoice.validation import validate_xml
from billing.invoices import documents, services, workers
from billing.invoices.models import Invoice, IssuedDocument
from bpo import pdf
from bpo.accounts.roles import Role
from bpo.errors import DomainError
from tests.billing.invoices.helpers import hours_line, make_draft, make_legal_entity
from tests.conftest import in_schema, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def entity(db):
    return make_legal_entity()


def _buyer(**values):
    ContractVersion.objects.filter(number=1).update(
        buyer_legal_name="Acme Einkauf GmbH",
        buyer_address="Lindenallee 4",
        buyer_city="Hamburg",
        buyer_postcode="20095",
        buyer_country="DE",
        buyer_vat_id="DE811907980",
        **values,
    )


def _issue(entity):
    draft = make_draft(entity, hours_line("1000.00"), hours_line("500.00", quantity="20"))
    return services.issue_invoice(invoice=draft, actor=None, issue_date=date(2026, 12, 1))


def test_issuing_stores_the_validated_xml_and_the_worker_renders_a_factur_x_pdf(
    in_client_a, entity, django_capture_on_commit_callbacks
):
    # given a client whose contract asks for Factur-X
    _buyer(e_invoice_format="factur_x")
    # when finance issues its draft, and the worker renders the PDF the commit hands it
    with django_capture_on_commit_callbacks() as callbacks:
        invoice = _issue(entity)
    stored = IssuedDocument.objects.get(invoice=invoice)
    assert len(callbacks) >= 1  # the PDF task, sent after commit
    rendered = workers.render_invoice_pdf(invoice_id=invoice.pk)
    # then: both XMLs carry the number and pass EN 16931 with no fatal finding
    for xml in (bytes(stored.cii_xml), bytes(stored.ubl_xml)):
        assert invoice.number.encode() in xml
        assert not [item for item in validate_xml(xml) if item.is_fatal]
    assert rendered.is_ready and len(rendered.pdf_sha256) == 64
    content = workers.read_pdf(rendered)
    assert rendered.pdf_path == f"invoices/{in_client_a.schema_name}/{invoice.number}.pdf"
    # the PDF's text has the number, the buyer and the total in the client's format
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)
    assert invoice.number in text
    assert "Acme Einkauf GmbH" in text
    assert "1,785.00" in text  # 1,500.00 + 19 % VAT (the client's language is English)
    assert "one thousand, seven hundred and eighty-five euro" in text
    # the PDF is PDF/A-3b carrying the stored CII as its associated file
    with pikepdf.open(io.BytesIO(content)) as document:
        files = document.Root.Names.EmbeddedFiles.Names
        assert str(files[0]) == "factur-x.xml"
        spec = files[1]
        assert spec.AFRelationship == pikepdf.Name.Data
        assert spec.EF.F.read_bytes() == bytes(stored.cii_xml)
        meta = document.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
        assert meta["pdfaid:part"] == "3"
        assert meta["{urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#}ConformanceLevel"] == (
            "EN 16931"
        )


def test_the_same_invoice_renders_the_same_pdf_bytes_and_the_ready_files_are_final(
    in_client_a, entity
):
    # given an invoice whose PDF is ready
    _buyer()
    invoice = _issue(entity)
    first = workers.render_invoice_pdf(invoice_id=invoice.pk)
    # when it is rendered again through the same path (a retry after a crash does this)
    html = documents.render_document_html(invoice, client=in_client_a)
    again = pdf.render_pdf(html, title=f"Invoice {invoice.number}")
    # then: the same bytes, the hash the row records
    assert again.sha256 == first.pdf_sha256
    assert again.content == workers.read_pdf(first)
    # and the ready row refuses any change, even back to rendering
    with pytest.raises(IntegrityError, match="final"), transaction.atomic():
        IssuedDocument.objects.filter(pk=first.pk).update(status="rendering")
    # a second run of the worker leaves it as it is
    assert workers.render_invoice_pdf(invoice_id=invoice.pk).rendered_at == first.rendered_at


def test_a_fatal_en_16931_rule_refuses_the_issue_and_nothing_is_numbered(in_client_a, entity):
    # given a buyer whose country is no country (BR-CL-14: ISO 3166 codes only)
    _buyer()
    ContractVersion.objects.filter(number=1).update(buyer_country="ZZ")
    draft = make_draft(entity, hours_line("1000.00"))
    # when
    with pytest.raises(DomainError) as refused:
        services.issue_invoice(invoice=draft, actor=None, issue_date=date(2026, 12, 1))
    # then: the rule's id and words, the draft still a draft, no number used
    assert "BR-CL-14" in refused.value.message
    assert "nothing was numbered" in refused.value.message
    draft.refresh_from_db()
    assert (draft.status, draft.number) == ("draft", None)
    assert not IssuedDocument.objects.exists()
    # when the country is corrected, the invoice takes the first number of the series
    ContractVersion.objects.filter(number=1).update(buyer_country="DE")
    issued = services.issue_invoice(invoice=draft, actor=None, issue_date=date(2026, 12, 1))
    assert issued.number.endswith("-2026-000001")


def test_a_credit_note_has_its_documents_too(in_client_a, entity):
    _buyer()
    invoice = _issue(entity)
    note = services.issue_credit_note(
        invoice=invoice, reason="20 hours billed twice", actor=None, issue_date=date(2026, 12, 3)
    )
    stored = IssuedDocument.objects.get(invoice=note)
    assert b"<cbc:CreditNoteTypeCode>381</cbc:CreditNoteTypeCode>" in bytes(stored.ubl_xml)
    assert invoice.number.encode() in bytes(stored.cii_xml)  # the preceding invoice
    rendered = workers.render_invoice_pdf(invoice_id=note.pk)
    text = pypdf.PdfReader(io.BytesIO(workers.read_pdf(rendered))).pages[0].extract_text()
    assert f"Credits invoice {invoice.number}" in text
    assert Invoice.objects.get(pk=invoice.pk).credited_amount == Decimal("1785.000")


def test_the_clients_admin_downloads_the_pdf_and_the_xml_and_nobody_else_does(
    client, client_a, client_b, entity
):
    # given an issued invoice of client A with its PDF
    in_schema(client_a)
    _buyer()
    invoice = _issue(entity)
    workers.render_invoice_pdf(invoice_id=invoice.pk)
    connection.set_schema_to_public()
    base = f"/c/{client_a.slug}/invoices/{invoice.pk}/"
    admin_a = make_user(Role.CLIENT_ADMIN, client_a, email="admin-a@docs.test")
    admin_b = make_user(Role.CLIENT_ADMIN, client_b, email="admin-b@docs.test")
    # when client A's admin opens the invoice and downloads its files
    client.force_login(admin_a)
    page = client.get(base)
    pdf = client.get(base + "pdf/")
    cii = client.get(base + "factur-x.xml")
    ubl = client.get(base + "ubl.xml")
    # then
    assert b"Download the PDF" in page.content
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"] == f'attachment; filename="{invoice.number}.pdf"'
    assert cii.status_code == 200 and b"CrossIndustryInvoice" in cii.content
    assert ubl.status_code == 200 and b"urn:fdc:peppol.eu:2017:poacc:billing:3.0" in ubl.content
    # and client B's admin finds nothing there, under either client's address
    client.force_login(admin_b)
    assert client.get(base + "pdf/").status_code == 404
    assert client.get(f"/c/{client_b.slug}/invoices/{invoice.pk}/pdf/").status_code == 404
