"""The invoice PDF as Factur-X: a PDF/A-3b with the CII XML attached as ``factur-x.xml``.

weasyprint renders the caller's HTML as PDF/A-3b (sRGB output intent, fonts embedded, the
XMP with ``pdfaid:part 3`` and ``conformance B``) and attaches the XML as an associated file
(the catalog's ``/AF`` array, ``/AFRelationship /Data``, MIME ``text/xml``). The Factur-X XMP
(``fx:DocumentType`` INVOICE, ``fx:DocumentFileName`` factur-x.xml, ``fx:Version`` 1.0,
``fx:ConformanceLevel`` EN 16931) and its PDF/A extension schema description go into the same
``rdf:RDF`` as weasyprint's own properties: weasyprint's ``xmp_metadata`` hook would put them
in a second ``rdf:RDF`` after it, which XMP readers and PDF/A validators do not expect, so
:class:`_FacturXMetadata` adds them to the one weasyprint writes.

Deterministic: the same HTML and XML give the same bytes. The only dates (the document's and
the attachment's) are the invoice's issue date at midnight UTC, and the file identifier is a
hash of the inputs, as in ``bpo/pdf.py`` (whose conventions this follows: no network, no file
access, fonts and images from the HTML itself). Like that module, call this from a worker:
weasyprint holds the whole document in memory and uses one core.

Importing weasyprint costs ~40 MB and a second: it happens inside :func:`render_factur_x`.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import io
from dataclasses import dataclass
from xml.etree.ElementTree import Element, SubElement, fromstring, register_namespace, tostring

FACTUR_X_FILENAME = "factur-x.xml"
FACTUR_X_NAMESPACE = "urn:factur-x:pdfa:CrossIndustryDocument:invoice:1p0#"
FACTUR_X_VERSION = "1.0"
FACTUR_X_CONFORMANCE_LEVEL = "EN 16931"
BASE_URL = "file:///nonexistent/"

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFA_EXTENSION = "http://www.aiim.org/pdfa/ns/extension/"
PDFA_SCHEMA = "http://www.aiim.org/pdfa/ns/schema#"
PDFA_PROPERTY = "http://www.aiim.org/pdfa/ns/property#"
FACTUR_X_PROPERTIES = {
    "DocumentFileName": "The name of the embedded XML document",
    "DocumentType": "The type of the hybrid document in capital letters, e.g. INVOICE or ORDER",
    "Version": "The actual version of the standard applying to the embedded XML document",
    "ConformanceLevel": "The conformance level of the embedded XML document",
}
# The prefixes the extension schema declares (pdfaSchema:prefix "fx"); ElementTree would
# otherwise write ns0, ns1, ...
for _prefix, _uri in (
    ("fx", FACTUR_X_NAMESPACE),
    ("pdfaExtension", PDFA_EXTENSION),
    ("pdfaSchema", PDFA_SCHEMA),
    ("pdfaProperty", PDFA_PROPERTY),
):
    register_namespace(_prefix, _uri)


@dataclass(frozen=True)
class FacturXPdf:
    content: bytes
    pages: int
    sha256: str


def render_factur_x(
    html: str,
    *,
    cii_xml: bytes,
    issue_date: datetime.date,
    title: str = "",
    document_type: str = "INVOICE",
) -> FacturXPdf:
    """``html`` (a whole document, self-contained) as a Factur-X PDF/A-3b carrying
    ``cii_xml`` byte for byte as ``factur-x.xml``.

    ``document_type`` is the XMP's ``fx:DocumentType``; Factur-X 1.0 names INVOICE for
    invoices and credit notes alike (the XML's TypeCode tells them apart)."""
    import weasyprint

    instant = datetime.datetime.combine(issue_date, datetime.time(), tzinfo=datetime.UTC)
    attachment = weasyprint.Attachment(
        file_obj=io.BytesIO(cii_xml),
        name=FACTUR_X_FILENAME,
        description="Factur-X / ZUGFeRD invoice (EN 16931)",
        created=instant,
        modified=instant,
        relationship="Data",
    )
    document = weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=_no_fetch).render()
    metadata = _factur_x_metadata(document.metadata, document_type=document_type)
    stamp = instant.strftime("%Y-%m-%dT%H:%M:%SZ")
    metadata.created = stamp
    metadata.modified = stamp
    if title:
        metadata.title = title
    document.metadata = metadata
    identifier = hashlib.sha256(html.encode("utf-8") + b"\0" + cii_xml).hexdigest()[:32]
    content = document.write_pdf(
        pdf_variant="pdf/a-3b",
        attachments=[attachment],
        pdf_identifier=identifier.encode("ascii"),
    )
    return FacturXPdf(
        content=content,
        pages=len(document.pages),
        sha256=hashlib.sha256(content).hexdigest(),
    )


@functools.cache
def _metadata_class():
    """A weasyprint ``DocumentMetadata`` that adds the Factur-X properties to its ``rdf:RDF``
    (built on first use, so importing this module does not load weasyprint)."""
    from weasyprint.document import DocumentMetadata

    class FacturXMetadata(DocumentMetadata):
        document_type = "INVOICE"

        def generate_rdf_metadata(self, variant, version, conformance):
            rdf = fromstring(super().generate_rdf_metadata(variant, version, conformance))
            rdf.append(_extension_schema_description())
            rdf.append(_factur_x_description(self.document_type))
            return tostring(rdf, encoding="utf-8")

    return FacturXMetadata


def _factur_x_metadata(metadata, *, document_type: str):
    copy = _metadata_class()()
    copy.__dict__.update(metadata.__dict__)
    copy.document_type = document_type
    return copy


def _factur_x_description(document_type: str) -> Element:
    description = Element(f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
    for name, value in (
        ("DocumentType", document_type),
        ("DocumentFileName", FACTUR_X_FILENAME),
        ("Version", FACTUR_X_VERSION),
        ("ConformanceLevel", FACTUR_X_CONFORMANCE_LEVEL),
    ):
        SubElement(description, f"{{{FACTUR_X_NAMESPACE}}}{name}").text = value
    return description


def _extension_schema_description() -> Element:
    """PDF/A-3 allows XMP properties outside its predefined schemas only when the XMP
    describes their schema (ISO 19005-3, 6.6.2.3): this is Factur-X 1.0's description."""
    description = Element(f"{{{RDF}}}Description", {f"{{{RDF}}}about": ""})
    schemas = SubElement(description, f"{{{PDFA_EXTENSION}}}schemas")
    bag = SubElement(schemas, f"{{{RDF}}}Bag")
    schema = SubElement(bag, f"{{{RDF}}}li", {f"{{{RDF}}}parseType": "Resource"})
    SubElement(schema, f"{{{PDFA_SCHEMA}}}schema").text = "Factur-X PDFA Extension Schema"
    SubElement(schema, f"{{{PDFA_SCHEMA}}}namespaceURI").text = FACTUR_X_NAMESPACE
    SubElement(schema, f"{{{PDFA_SCHEMA}}}prefix").text = "fx"
    properties = SubElement(SubElement(schema, f"{{{PDFA_SCHEMA}}}property"), f"{{{RDF}}}Seq")
    for name, text in FACTUR_X_PROPERTIES.items():
        item = SubElement(properties, f"{{{RDF}}}li", {f"{{{RDF}}}parseType": "Resource"})
        SubElement(item, f"{{{PDFA_PROPERTY}}}name").text = name
        SubElement(item, f"{{{PDFA_PROPERTY}}}valueType").text = "Text"
        SubElement(item, f"{{{PDFA_PROPERTY}}}category").text = "external"
        SubElement(item, f"{{{PDFA_PROPERTY}}}description").text = text
    return description


def _no_fetch(url: str, *args, **kwargs):
    """Invoices are self-contained; a stray link to a file or a host fetches nothing."""
    raise ValueError(f"Invoices do not load {url}")
