"""The report in a real browser: headless Chromium, offline, every chart drawn, no console errors."""

from __future__ import annotations

import os
import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from turntoward.analysis.engine import Analysis
from turntoward.api.analysis import analyze_conversations
from turntoward.model import Conversation, Message
from turntoward.report import Report, build_report
from turntoward.report._export import CHROMIUM_ARGS

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS_ENV = "TURNTOWARD_ARTIFACTS"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"needs Chromium at {CHROMIUM}"),
]
sync_api = pytest.importorskip("playwright.sync_api")


def _keep(path: Path) -> None:
    """Copy an artifact to TURNTOWARD_ARTIFACTS, when CI asks for them."""
    folder = os.environ.get(ARTIFACTS_ENV)
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(folder) / path.name)


def _open(report: Report, tmp_path: Path, name: str) -> dict[str, object]:
    """Load the written page in Chromium with every network request refused; what happened."""
    page_path = report.write_html(tmp_path / f"{name}.html")
    requests: list[str] = []
    problems: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1100, "height": 1400})
            page.on("console", lambda m: problems.append(m.text) if m.type in ("error", "warning") else None)
            page.on("pageerror", lambda e: problems.append(str(e)))

            def route(r: sync_api.Route) -> None:
                requests.append(r.request.url)
                if r.request.url == page_path.as_uri():
                    r.continue_()
                else:
                    r.abort()

            page.route("**/*", route)
            page.goto(page_path.as_uri(), wait_until="load")
            page.wait_for_function("document.documentElement.dataset.charts === 'ready'", timeout=60_000)
            drawn = page.eval_on_selector_all(
                "[data-chart]", "els => els.map(e => [e.id, !!e.querySelector('svg, canvas')])")
            for shot, full in ((tmp_path / f"{name}.png", True), (tmp_path / f"{name}-top.png", False)):
                page.screenshot(path=str(shot), full_page=full)
                _keep(shot)
        finally:
            browser.close()
    return {"requests": requests, "problems": problems, "drawn": drawn, "page": page_path}


def test_report_opens_offline_with_every_chart_drawn_and_no_console_errors(
    examples_report: Report, tmp_path: Path
) -> None:
    seen = _open(examples_report, tmp_path, "report-examples")
    assert seen["problems"] == []
    assert seen["requests"] == [Path(seen["page"]).as_uri()]  # type: ignore[arg-type]
    drawn = dict(seen["drawn"])  # type: ignore[call-overload]
    assert sorted(drawn) == sorted(c.id for c in examples_report.all_charts())
    assert all(drawn.values()), [k for k, v in drawn.items() if not v]


def test_a_redacted_report_with_one_conversation_draws_too(examples_analysis: Analysis, tmp_path: Path) -> None:
    report = build_report(Analysis(examples_analysis.conversations[2:], [], "Maya"), redact=True)
    seen = _open(report, tmp_path, "report-redacted-family")
    assert seen["problems"] == []
    assert all(ok for _, ok in seen["drawn"])  # type: ignore[attr-defined]


def test_the_report_prints_to_pdf(examples_report: Report, tmp_path: Path) -> None:
    pdf = examples_report.write_pdf(tmp_path / "report.pdf")
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF-") and len(data) > 100_000
    assert data.count(b"/Type /Page") - data.count(b"/Type /Pages") >= 5
    if os.name == "posix":
        assert pdf.stat().st_mode & 0o777 == 0o600  # it quotes the chat: for its owner's eyes
    assert [p.name for p in tmp_path.iterdir()] == ["report.pdf"]  # printed beside it, then renamed
    _keep(pdf)


def test_a_chat_of_a_few_messages_draws_its_nearly_empty_charts_without_errors(tmp_path: Path) -> None:
    start = datetime(2024, 5, 2, 18, 0)
    lines = [("Sam", "how was the dentist?"), ("Alex", "fine, no fillings"), ("Sam", "yay")]
    conv = Conversation("short.txt", "test", "Sam and Alex",
                        [Message(i, start + timedelta(minutes=3 * i), a, t) for i, (a, t) in enumerate(lines)])
    seen = _open(build_report(analyze_conversations([conv])), tmp_path, "report-short-chat")
    assert seen["problems"] == []
    assert all(ok for _, ok in seen["drawn"])  # type: ignore[attr-defined]
