"""The UN/CEFACT Cross Industry Invoice (CII D16B) of profile Factur-X / ZUGFeRD EN 16931
(guideline ``urn:cen.eu:en16931:2017``): the XML embedded in the PDF as ``factur-x.xml``.

Written by the ``factur-x`` package's generator from the document's business terms; this
module checks nothing itself (:mod:`billing.einvoice.validation` does, offline).
"""

from __future__ import annotations

from lxml import etree

from billing.einvoice import _facturx
from billing.einvoice.document import Document

GUIDELINE_ID = "urn:cen.eu:en16931:2017"
XSI_NIL = "{http://www.w3.org/2001/XMLSchema-instance}nil"


def build_cii(document: Document) -> bytes:
    """The CII XML of ``document`` (UTF-8 with declaration). Deterministic: the same document
    gives the same bytes."""
    from facturx import generate_cii_xml

    xml = generate_cii_xml(
        _facturx.to_data_dict(document),
        level=_facturx.LEVEL,
        check_xsd=False,
        check_schematron=False,
    )
    # lxml's objectify marks an empty element xsi:nil="true" (factur-x 7.8 with lxml 6), which
    # the CII schema refuses for the mandatory, often empty ram:ApplicableHeaderTradeDelivery.
    root = etree.fromstring(xml)
    for element in root.iter():
        element.attrib.pop(XSI_NIL, None)
    etree.cleanup_namespaces(root)
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")
