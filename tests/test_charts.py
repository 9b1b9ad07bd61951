"""bpo.charts: server-rendered SVG, deterministic, inline-ready and titled."""

from bpo.charts import Series, line_chart


def _chart(title="Contacts <per> interval"):
    return line_chart(
        series=[
            Series("Forecast", [1, 3, 2, None, 4]),
            Series("Agents", [1, 1, 2, 2, 1], kind="step"),
        ],
        title=title,
        y_label="Contacts",
        x_ticks=[(0, "Mon"), (3, "Tue")],
        separators=[2.5],
    )


def test_the_same_data_gives_the_same_bytes():
    assert _chart() == _chart()


def test_the_svg_is_inline_ready_scalable_and_titled():
    svg = str(_chart())
    assert svg.startswith(
        '<svg role="img" aria-label="Contacts &lt;per&gt; interval" class="chart"'
    )
    assert "<?xml" not in svg and "<!DOCTYPE" not in svg
    assert 'width="100%"' in svg and "viewBox=" in svg
    # no timestamp, and text stays text (searchable, read by screen readers)
    assert "<dc:date>" not in svg
    assert ">Mon<" in svg or "Mon</text>" in svg
