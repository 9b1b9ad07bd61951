"""EN 16931 e-invoices without Django: the document as plain data (:mod:`.document`), its
CII (Factur-X) and UBL (Peppol BIS 3) XML (:mod:`.cii`, :mod:`.ubl`), offline XSD and
Schematron validation (:mod:`.validation`) and the PDF/A-3b with the XML embedded
(:mod:`.pdf`). docs/billing-documents.md tells maintainers how it fits together.

Importing this package loads nothing heavy: lxml, saxonche and weasyprint load in the modules
that need them.
"""
