"""Writing the report out: where it goes, what it needs, and the library code it keeps."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import vl_convert

from turntoward.errors import TurntowardError
from turntoward.report import Report, ReportError, _export, _page


def test_the_charting_javascript_is_bundled_once_then_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(_page.CACHE_ENV, str(tmp_path / "cache"))
    _page.javascript_bundle.cache_clear()
    try:
        first = _page.javascript_bundle()
        cached = list((tmp_path / "cache").glob("vega-bundle-*.js"))
        assert len(cached) == 1 and cached[0].read_text("utf-8") == first
        assert "window.vegaEmbed" in first

        def no_bundling(*args: object, **kwargs: object) -> str:
            raise AssertionError("bundled again")

        monkeypatch.setattr(vl_convert, "javascript_bundle", no_bundling)
        _page.javascript_bundle.cache_clear()
        assert _page.javascript_bundle() == first
    finally:
        _page.javascript_bundle.cache_clear()


def test_a_pdf_without_chromium_says_what_is_missing(
    examples_report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TURNTOWARD_CHROMIUM", str(tmp_path / "no-chromium"))
    with pytest.raises(ReportError, match=r"needs Chromium at .*no-chromium"):
        examples_report.write_pdf(tmp_path / "report.pdf")
    assert not (tmp_path / "report.pdf").exists()
    assert issubclass(ReportError, TurntowardError)


def test_an_unwritable_destination_is_a_clear_error(examples_report: Report, tmp_path: Path) -> None:
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    with pytest.raises(ReportError, match="cannot write the report"):
        examples_report.write_html(blocker / "report.html")


def test_the_page_is_rendered_once_and_written_as_utf8(examples_report: Report, tmp_path: Path) -> None:
    path = examples_report.write_html(tmp_path / "r.html")
    assert path.read_bytes().decode("utf-8") == examples_report.html()
    assert '<meta charset="utf-8">' in examples_report.html()


def test_the_page_and_charts_are_for_their_owner_and_a_failed_write_keeps_the_earlier_page(
    examples_report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    page = examples_report.write_html(tmp_path / "r.html")
    (chart, *_) = _export.write_pngs([("contact", examples_report.all_charts()[0])], tmp_path / "png")
    if os.name == "posix":  # names and quoted messages of an intimate chat
        assert page.stat().st_mode & 0o777 == 0o600 and chart.stat().st_mode & 0o777 == 0o600
    before = page.read_bytes()

    def disk_full(tmp: Path, *, real=Path.open) -> object:
        fh = real(tmp, "w", encoding="utf-8")
        fh.write("<!doctype html><p>half a pa")
        fh.close()
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(Path, "open", lambda self, *a, **k: disk_full(self))
    with pytest.raises(ReportError, match="No space left on device"):
        examples_report.write_html(page)
    monkeypatch.undo()
    assert page.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["png", "r.html"]  # nothing half-written beside it
