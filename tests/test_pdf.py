"""bpo.pdf: charts embedded as data URLs are drawn; a link to a file is never fetched."""

from __future__ import annotations

import io

import pypdf

from bpo.charts import svg_image
from bpo.pdf import render_pdf


def _text(content: bytes) -> str:
    return " ".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(content)).pages)


def test_a_data_url_chart_is_drawn_and_a_file_is_not_fetched(tmp_path):
    # given a chart as a data URL and, beside it, an image in a file the document links to
    chart = (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 40">'
        '<text x="4" y="20" font-size="12">Drawn-7</text></svg>'
    )
    secret = tmp_path / "secret.svg"
    secret.write_text(chart.replace("Drawn-7", "Secret-9"))
    html = (
        f"<html><body><p>Report</p>{svg_image(chart, alt='chart')}"
        f'<img src="file://{secret}" alt="x"></body></html>'
    )

    # when
    rendered = render_pdf(html)

    # then the chart's text is in the PDF, the file's is not, and the same HTML gives the same bytes
    text = _text(rendered.content)
    assert "Drawn-7" in text
    assert "Secret-9" not in text
    assert render_pdf(html).content == rendered.content
