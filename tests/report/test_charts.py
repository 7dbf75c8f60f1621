"""The report's charts: readable, described in words, self-contained, and exported as PNG."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from turntoward.report import Report
from turntoward.report.charts import OKABE_ITO, OUTCOME_COLOURS

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
GREYS = {"#444", "#444444", "#000000"}


def _walk(node: Any, key: str) -> list[Any]:
    found = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                found.append(v)
            found.extend(_walk(v, key))
    elif isinstance(node, list):
        for v in node:
            found.extend(_walk(v, key))
    return found


def test_every_chart_has_a_title_that_says_what_to_see_and_a_text_alternative(examples_report: Report) -> None:
    charts = examples_report.all_charts()
    assert len(charts) >= 3 * 6 + 1
    for chart in charts:
        assert chart.spec["title"]["text"] == chart.title and chart.spec["title"]["subtitle"], chart.id
        assert len(chart.alt) > 20, chart.id
    assert len({c.id for c in charts}) == len(charts)


def test_charts_carry_their_data_inline_and_point_nowhere(examples_report: Report) -> None:
    for chart in examples_report.all_charts():
        text = json.dumps(chart.spec)
        assert "$schema" not in chart.spec
        assert _walk(chart.spec, "url") == []
        assert "http" not in text, chart.id
        assert all("values" in data for data in _walk(chart.spec, "data")), chart.id


def test_chart_colours_stay_distinct_for_colour_blind_readers(examples_report: Report) -> None:
    allowed = {c.lower() for c in (*OKABE_ITO, *OUTCOME_COLOURS.values(), *GREYS)}
    used: set[str] = set()
    for chart in examples_report.all_charts():
        for value in _walk(chart.spec, "range") + _walk(chart.spec, "color"):
            items = value if isinstance(value, list) else [value]
            used |= {v.lower() for v in items if isinstance(v, str) and v.startswith("#")}
    assert used and used <= allowed


def test_the_turn_toward_chart_draws_the_reference_lines_and_labels_them(examples_report: Report) -> None:
    chart = examples_report.conversation_charts[0]["rate"]
    refs = [v for data in _walk(chart.spec, "data") for v in data["values"] if "label" in v]
    assert sorted({r["rate"] for r in refs}) == [0.33, 0.86]
    assert "illustration" in chart.alt


def test_each_chart_is_written_as_a_png(examples_report: Report, tmp_path: Path) -> None:
    pngs = examples_report.write_pngs(tmp_path / "charts")
    assert sorted(p.stem for p in pngs) == sorted(c.id for c in examples_report.all_charts())
    for p in pngs:
        assert p.read_bytes().startswith(PNG_MAGIC) and p.stat().st_size > 2000
