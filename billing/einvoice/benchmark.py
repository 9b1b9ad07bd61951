"""How long one e-invoice takes, after warm-up: building both XMLs, validating both, rendering
the Factur-X PDF. ``python -m billing.einvoice.benchmark --documents 50`` prints one line

    documents=<n> build_s=<s> validate_s=<s> pdf_s=<s> per_document_s=<s>

where each ``*_s`` is seconds per document (the mean over ``n``); a management command can call
:func:`run_benchmark` and print :meth:`BenchmarkResult.line` the same way.

Warm-up (compiling the two Schematron stylesheets, loading the XSDs, importing weasyprint and
rendering a first page) is measured apart: a worker pays it once per process.
"""

from __future__ import annotations

import argparse
import html as html_escape
import itertools
import time
from dataclasses import dataclass, replace

from billing.einvoice import samples, validation
from billing.einvoice.cii import build_cii
from billing.einvoice.document import Document, check_document, format_amount
from billing.einvoice.pdf import render_factur_x
from billing.einvoice.ubl import build_ubl


@dataclass(frozen=True)
class BenchmarkResult:
    documents: int
    warm_up_s: float
    build_s: float
    validate_s: float
    pdf_s: float

    @property
    def per_document_s(self) -> float:
        return self.build_s + self.validate_s + self.pdf_s

    def line(self) -> str:
        return (
            f"documents={self.documents} build_s={self.build_s:.4f} "
            f"validate_s={self.validate_s:.4f} pdf_s={self.pdf_s:.4f} "
            f"per_document_s={self.per_document_s:.4f}"
        )


def run_benchmark(*, documents: int = 50) -> BenchmarkResult:
    """Build, validate and render ``documents`` invoices (the samples in turn, each with its
    own number) after one warm-up round; the means per document."""
    started = time.perf_counter()
    validation.warm_up()
    for make in samples.ALL.values():
        _one(make())
    warm_up_s = time.perf_counter() - started

    totals = {"build": 0.0, "validate": 0.0, "pdf": 0.0}
    makers = itertools.cycle(samples.ALL.values())
    for index in range(documents):
        document = replace(next(makers)(), number=f"BENCH-{index + 1:05d}")
        for phase, seconds in _one(document).items():
            totals[phase] += seconds
    return BenchmarkResult(
        documents=documents,
        warm_up_s=warm_up_s,
        build_s=totals["build"] / documents,
        validate_s=totals["validate"] / documents,
        pdf_s=totals["pdf"] / documents,
    )


def _one(document: Document) -> dict[str, float]:
    started = time.perf_counter()
    check_document(document)
    cii_xml = build_cii(document)
    ubl_xml = build_ubl(document)
    built = time.perf_counter()
    validation.check_xml(cii_xml)
    validation.check_xml(ubl_xml)
    validated = time.perf_counter()
    render_factur_x(invoice_html(document), cii_xml=cii_xml, issue_date=document.issue_date)
    rendered = time.perf_counter()
    return {"build": built - started, "validate": validated - built, "pdf": rendered - validated}


def invoice_html(document: Document) -> str:
    """A plain one-page invoice layout, standing in for the portal's template."""
    currency = document.currency_code

    def money(value) -> str:
        return f"{format_amount(value, currency)} {currency}"

    rows = "".join(
        f"<tr><td>{html_escape.escape(line.name)}</td><td>{line.quantity} {line.unit_code}</td>"
        f"<td>{line.unit_net_price}</td><td>{money(line.net_amount)}</td></tr>"
        for line in document.lines
    )
    totals = document.totals
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html_escape.escape(document.number)}</title>
<style>@page {{ size: A4; margin: 20mm }} body {{ font: 10pt sans-serif }}
table {{ width: 100%; border-collapse: collapse }} td {{ border-bottom: 1px solid #ccc }}</style>
</head><body><h1>Invoice {html_escape.escape(document.number)}</h1>
<p>{html_escape.escape(document.seller.name)} to {html_escape.escape(document.buyer.name)},
issued {document.issue_date.isoformat()}</p>
<table>{rows}</table>
<p>Total without VAT {money(totals.tax_basis_total)}; VAT {money(totals.tax_total)};
total {money(totals.grand_total)}; due {money(totals.due_amount)}</p></body></html>"""


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=50)
    arguments = parser.parse_args(argv)
    result = run_benchmark(documents=arguments.documents)
    print(f"warm_up_s={result.warm_up_s:.2f}")
    print(result.line())


if __name__ == "__main__":
    main()
