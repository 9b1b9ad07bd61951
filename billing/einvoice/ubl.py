"""The OASIS UBL 2.1 Invoice or CreditNote of Peppol BIS Billing 3.0, the downloadable
alternative to the Factur-X PDF.

The ``factur-x`` package writes the EN 16931 UBL from the same business terms as the CII;
this module then sets Peppol's specification identifier (BT-24, ``cbc:CustomizationID``) and
business process (BT-23, ``cbc:ProfileID``), which that package does not offer.
"""

from __future__ import annotations

from lxml import etree

from billing.einvoice import _facturx
from billing.einvoice.document import Document

CUSTOMIZATION_ID = "urn:cen.eu:en16931:2017#compliant#urn:fdc:peppol.eu:2017:poacc:billing:3.0"
PROFILE_ID = "urn:fdc:peppol.eu:2017:poacc:billing:01:1.0"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def build_ubl(document: Document) -> bytes:
    """The UBL XML of ``document``: ``Invoice`` for 380, ``CreditNote`` for 381 (UTF-8 with
    declaration). Deterministic: the same document gives the same bytes."""
    from facturx import generate_ubl_xml

    data = _facturx.to_data_dict(document)
    data["BT-23"] = PROFILE_ID
    xml = generate_ubl_xml(data, level=_facturx.LEVEL, check_xsd=False, check_schematron=False)
    root = etree.fromstring(xml)
    customization = root.find(f"{{{CBC}}}CustomizationID")
    assert customization is not None, "factur-x always writes cbc:CustomizationID"
    customization.text = CUSTOMIZATION_ID
    return etree.tostring(root, pretty_print=True, xml_declaration=True, encoding="UTF-8")
