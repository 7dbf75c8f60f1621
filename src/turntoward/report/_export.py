"""Writing the report's other forms: one PNG per chart (vl-convert) and a PDF of the page (Chromium).

The PDF is the HTML page printed by headless Chromium through Playwright, with every request
refused: the page needs nothing from outside, and the browser gets no chance to ask for it.
"""

from __future__ import annotations

import os
from operator import methodcaller
from pathlib import Path

import vl_convert

from turntoward._runtime import replace_whole
from turntoward.errors import TurntowardError
from turntoward.report.charts import Chart

CHROMIUM_ENV = "TURNTOWARD_CHROMIUM"
DEFAULT_CHROMIUM = "/usr/bin/chromium"
# Flags for a quiet, offline browser: no sandbox (containers), no GPU, no background traffic.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
_CHARTS_TIMEOUT_MS = 60_000


class ReportError(TurntowardError):
    """A report output could not be written (no browser for the PDF, an unwritable folder)."""


def chromium_path() -> str:
    """The Chromium executable used for PDFs (``TURNTOWARD_CHROMIUM``, else Debian's)."""
    return os.environ.get(CHROMIUM_ENV) or DEFAULT_CHROMIUM


def write_pngs(charts: list[tuple[str, Chart]], directory: Path, *, scale: float = 2.0) -> list[Path]:
    """One PNG per chart, named ``<name>.png``; returns the files written."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"{directory}: cannot create the folder for the charts ({exc.strerror})") from exc
    out = []
    for name, chart in charts:
        path = directory / f"{name}.png"
        png = vl_convert.vegalite_to_png(chart.spec, scale=scale)
        try:
            replace_whole(path, methodcaller("write_bytes", png))
        except OSError as exc:
            raise ReportError(f"{path}: cannot write the chart ({exc.strerror})") from exc
        out.append(path)
    return out


def write_pdf(html: str, path: Path) -> Path:
    """Print the page to `path` with headless Chromium once every chart is drawn."""
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise ReportError("writing a PDF needs Playwright: pip install playwright") from exc
    executable = chromium_path()
    if not Path(executable).exists():
        raise ReportError(f"writing a PDF needs Chromium at {executable} (install it, e.g. apt-get install "
                          f"chromium, or set {CHROMIUM_ENV})")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                page.route("**/*", lambda route: route.abort())
                page.set_content(html, wait_until="load")
                page.wait_for_function("document.documentElement.dataset.charts === 'ready'",
                                       timeout=_CHARTS_TIMEOUT_MS)
                page.emulate_media(media="print")
                replace_whole(path, lambda tmp: page.pdf(
                    path=str(tmp), format="A4", print_background=True,
                    margin={"top": "14mm", "bottom": "14mm", "left": "12mm", "right": "12mm"}))
            finally:
                browser.close()
    except PlaywrightError as exc:
        raise ReportError(f"{path}: Chromium could not print the report ({str(exc).splitlines()[0]})") from exc
    except OSError as exc:
        raise ReportError(f"{path}: cannot write the report ({exc.strerror})") from exc
    return path
