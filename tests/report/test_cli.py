"""`turntoward report` as a user types it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from tests._cli import run

from .conftest import COUPLE, FRIENDS


@pytest.fixture(autouse=True)
def _own_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TURNTOWARD_DB", str(tmp_path / "data" / "turntoward.db"))
    monkeypatch.delenv("TURNTOWARD_PASSPHRASE", raising=False)


def test_report_writes_the_page_and_the_charts_where_told_and_prints_its_path(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "for me" / "report.html"
    code, stdout, stderr = run(capsys, "report", str(COUPLE), "--out", str(out), "--png", str(tmp_path / "png"))
    assert code == 0, stderr
    assert stdout.strip() == str(out)
    assert "1,502 messages" in stderr
    assert "Jonah" in out.read_text("utf-8")
    assert len(list((tmp_path / "png").glob("*.png"))) >= 6
    assert sorted(p.name for p in tmp_path.iterdir()) == ["for me", "png"]  # nothing written elsewhere


def test_report_redact_leaves_out_names(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "shared.html"
    code, _, stderr = run(capsys, "report", str(FRIENDS), "--out", str(out), "--redact")
    assert code == 0, stderr
    html = out.read_text("utf-8")
    assert not re.search(r"\b(Priya|Maya)\b", html)
    assert "Person A" in html


def test_report_needs_somewhere_to_write(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, stderr = run(capsys, "report", str(COUPLE))
    assert code == 2 and "--out" in stderr


def test_report_needs_something_to_report_on(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, _, stderr = run(capsys, "report", "--out", str(tmp_path / "r.html"))
    assert code == 2 and "give export files" in stderr
    assert not (tmp_path / "r.html").exists()


def test_report_of_every_stored_conversation(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(capsys, "import", str(FRIENDS))[0] == 0
    out = tmp_path / "all.html"
    code, stdout, stderr = run(capsys, "report", "--all", "--me", "Maya", "--out", str(out))
    assert code == 0, stderr
    assert "706 messages" in stderr and stdout.strip() == str(out)
    assert "db:" in out.read_text("utf-8")


def test_the_report_of_stored_chats_shows_my_check_ins_but_not_others_private_ones(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from turntoward import api
    from turntoward.api import checkin

    code, _, err = run(capsys, "import", str(COUPLE), "--relationship", "partner")
    assert code == 0, err
    store = api.open_store(None)
    try:
        api.set_me(store, "Jonah")
        checkin.log_time_together(store, 45, in_person=True, with_person="Maya", what="a private walk to Kinder")
        api.set_me(store, "Maya")
        checkin.record_checkin(store, "loneliness3", {"companionship": 3, "left_out": 3, "isolated": 2}, about="Jonah")
    finally:
        store.close()
    out = tmp_path / "report.html"
    code, _, err = run(capsys, "report", "--all", "--me", "Maya", "--out", str(out))
    assert code == 0, err
    page = out.read_text("utf-8")
    assert 'id="checkins"' in page
    assert "private walk to Kinder" not in page
    from turntoward.api.report import stored_checkins

    store = api.open_store(None)
    try:
        (mine,) = stored_checkins(store, "Maya") or []
    finally:
        store.close()
    assert [r.sign for r in mine.readings] == ["lonely"]
    assert mine.together == []  # Jonah's walk was not shared with Maya
