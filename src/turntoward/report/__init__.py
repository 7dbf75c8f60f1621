"""The connection report: one self-contained, offline HTML page, plus a PNG per chart and a PDF.

    report = build_report(analysis, redact=False, checkins=None)
    report.write_html("report.html"); report.write_pngs("charts/"); report.write_pdf("report.pdf")

A pure view of an `Analysis`: it aggregates, quotes a few examples and draws; the only I/O is
writing the outputs where the caller says (and caching the charting library's JavaScript).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from turntoward._runtime import paused_gc, write_whole
from turntoward.analysis.checkin_signs import CheckinSeries
from turntoward.analysis.engine import Analysis
from turntoward.report import _export, charts
from turntoward.report._content import build_view
from turntoward.report._export import ReportError
from turntoward.report._page import javascript_bundle, render_html
from turntoward.report.charts import Chart
from turntoward.report.view import ReportView

__all__ = ["Chart", "CheckinSeries", "Report", "ReportError", "ReportView", "build_report", "javascript_bundle"]


@dataclass(slots=True)
class Report:
    """A built report: its content (`view`), its charts, and ways to write it out."""

    view: ReportView
    charts: dict[str, Chart]
    conversation_charts: list[dict[str, Chart]] = field(default_factory=list)
    _html: str | None = None

    def all_charts(self) -> list[Chart]:
        """Every chart, in page order."""
        out = [c for group in self.conversation_charts for c in group.values()]
        return out + list(self.charts.values())

    def html(self) -> str:
        """The complete page (rendered once)."""
        if self._html is None:
            self._html = render_html(self.view, self.charts, self.conversation_charts)
        return self._html

    def write_html(self, path: str | Path) -> Path:
        """Write the page to `path` (UTF-8); returns the path."""
        return _write_text(Path(path), self.html())

    def write_pngs(self, directory: str | Path) -> list[Path]:
        """Write each chart as ``<chart id>.png`` into `directory`; returns the files."""
        return _export.write_pngs([(c.id, c) for c in self.all_charts()], Path(directory))

    def write_pdf(self, path: str | Path) -> Path:
        """Print the page to a PDF with headless Chromium (needs Playwright and Chromium)."""
        return _export.write_pdf(self.html(), Path(path))


def build_report(
    analysis: Analysis,
    *,
    redact: bool = False,
    checkins: list[CheckinSeries] | None = None,
    generated: datetime | None = None,
) -> Report:
    """The report of `analysis`. With `redact`, names and quoted messages become placeholders.

    `checkins` are check-in series to draw; without them the report says plainly which signs
    are not measured yet instead of showing anything made up.
    """
    with paused_gc():
        view = build_view(analysis, redact=redact, checkins=checkins, generated=generated)
        per_conversation = [charts.conversation_charts(v, view.reference) for v in view.conversations]
        across: dict[str, Chart] = {}
        if view.contact:
            across["contact"] = charts.contact(view)
        if view.checkins:
            across["checkins"] = charts.checkins(view)
    return Report(view, across, per_conversation)


def _write_text(path: Path, text: str) -> Path:
    """The page at `path`, whole and for its owner's eyes only (`write_whole`): it quotes an intimate chat."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        write_whole(path, lambda fh: fh.write(text))
    except OSError as exc:
        raise ReportError(f"{path}: cannot write the report ({exc.strerror})") from exc
    return path
