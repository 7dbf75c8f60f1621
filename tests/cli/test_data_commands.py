"""The data commands as a user types them: import, conversations, people, forget."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from tests._cli import run

START = datetime(2024, 6, 1, 9, 0)
# A short friendship chat, written for these tests.
CHAT = (
    ("Priya", "coffee on saturday?"),
    ("Lena", "yes please, the usual place?"),
    ("Priya", "10am, I'll grab a table"),
    ("Lena", "ok"),
    ("Lena", "ok"),
    ("Priya", "how did the interview go??"),
    ("Lena", "really well I think! tell you everything saturday"),
)


def export(folder: Path, count: int, title: str = "Priya") -> Path:
    lines = [
        f"{START + timedelta(minutes=2 * i):%d/%m/%Y, %H:%M} - {author}: {text}"
        for i, (author, text) in ((i, CHAT[i % len(CHAT)]) for i in range(count))
    ]
    path = folder / f"WhatsApp Chat with {title}.txt"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data" / "turntoward.db"
    monkeypatch.setenv("TURNTOWARD_DB", str(path))
    monkeypatch.delenv("TURNTOWARD_PASSPHRASE", raising=False)
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that tables do not wrap paths
    return path


def as_json(capsys: pytest.CaptureFixture[str], *args: str) -> object:
    code, out, err = run(capsys, *args, "--json")
    assert code == 0, err
    return json.loads(out)


def test_import_prints_a_summary_per_file(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, "import", str(export(tmp_path, 14)), "--relationship", "friend")

    assert code == 0
    assert str(tmp_path / "WhatsApp Chat with Priya.txt") in out
    assert "2024-06-01" in out and "Priya, Lena" in out


def test_import_shows_how_many_lines_were_app_notices(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Lines with no sender are notices ("Sam joined"): a file whose senders were cut out reads as
    # nearly all notices, and the table says so instead of showing one message and nothing more.
    path = tmp_path / "WhatsApp Chat with Team.txt"
    path.write_text("01/06/2024, 09:00 - Sam joined using this group's invite link\n"
                    "01/06/2024, 09:01 - good morning all, agenda below\n"
                    "01/06/2024, 09:02 - Priya: morning!\n", encoding="utf-8")
    code, out, _ = run(capsys, "import", str(path))
    header, row = out.splitlines()[:2]
    assert code == 0 and "notices" in header.split()
    assert header.split()[-6:-3] == ["added", "skipped", "notices"]
    assert row.split()[-6:-3] == ["1", "0", "2"]  # counted from the right: the path has spaces in it


def test_import_shows_an_export_of_many_files_as_a_row_per_chat(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    channel = tmp_path / "slack" / "general"
    channel.mkdir(parents=True)
    for day in range(1, 4):  # a channel's day files: the first reads them all
        ts = datetime(2024, 6, day, 9, 0).timestamp()
        (channel / f"2024-06-0{day}.json").write_text(json.dumps([
            {"type": "message", "user": "U01PRIYA", "text": f"day {day}: coffee?", "ts": f"{ts:.6f}",
             "user_profile": {"display_name": "Priya"}}]), encoding="utf-8")
    code, out, _ = run(capsys, "import", str(tmp_path / "slack"))
    rows = [line for line in out.splitlines() if "2024-06-0" in line]
    assert code == 0 and len(rows) == 1 and "2024-06-01.json" in rows[0]
    assert "2 more file(s) held no chat of their own" in out
    listed = as_json(capsys, "import", str(tmp_path / "slack"))  # --json keeps every file
    assert isinstance(listed, list) and len(listed) == 3


def test_importing_the_same_export_twice_skips_every_message(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = export(tmp_path, 14)
    first = as_json(capsys, "import", str(path))
    again = as_json(capsys, "import", str(path))

    assert [(s["added"], s["skipped"]) for s in first] == [(14, 0)]  # type: ignore[union-attr]
    assert [(s["added"], s["skipped"]) for s in again] == [(0, 14)]  # type: ignore[union-attr]


def test_conversations_lists_and_sets_the_relationship(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import", str(export(tmp_path, 14)))

    code, out, _ = run(capsys, "conversations", "set", "Priya", "--relationship", "friend")
    listed = as_json(capsys, "conversations")

    assert code == 0 and "friend" in out
    assert listed == [
        {
            "id": 1,
            "title": "Priya",
            "source_format": "whatsapp",
            "chat_id": None,
            "relationship": "friend",
            "messages": 14,
            "people": ["Priya", "Lena"],
            "first": "2024-06-01T09:00:00",
            "last": "2024-06-01T09:26:00",
            "updated_at": listed[0]["updated_at"],  # type: ignore[index]
        }
    ]


def test_people_merge_and_me(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(export(tmp_path / "a", 7)))
    run(capsys, "import", str(export(tmp_path / "b", 7, title="Lena")))

    assert run(capsys, "people", "me", "Lena")[0] == 0
    code, out, _ = run(capsys, "people")

    assert code == 0 and "yes" in out
    people = as_json(capsys, "people")
    assert [(p["name"], p["is_me"], p["conversations"]) for p in people] == [  # type: ignore[index,union-attr]
        ("Lena", True, 2),
        ("Priya", False, 2),
    ]


def test_people_merge_joins_two_names(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(export(tmp_path, 7)))
    code, out, _ = run(capsys, "people", "merge", "Lena", "Priya")

    assert code == 0 and "Priya" in out
    assert [p["aliases"] for p in as_json(capsys, "people")] == [["Priya", "Lena"]]  # type: ignore[index,union-attr]


def test_forget_asks_first_and_does_nothing_when_declined(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import", str(export(tmp_path, 7)))

    code, _, err = run(capsys, "forget", "Priya", stdin="n\n")

    assert code == 1 and "Nothing forgotten" in err
    assert len(as_json(capsys, "conversations")) == 1  # type: ignore[arg-type]


def test_forget_with_yes_deletes_the_conversation(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import", str(export(tmp_path, 7)))

    code, out, _ = run(capsys, "forget", "1", "--yes")

    assert code == 0 and "forgot Priya" in out
    assert as_json(capsys, "conversations") == []
    assert as_json(capsys, "people") == []


def test_forget_all_after_confirmation(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "import", str(export(tmp_path / "a", 7)), str(export(tmp_path / "b", 7, title="Lena")))

    code, _, _ = run(capsys, "forget", "--all", stdin="y\n")

    assert code == 0
    assert as_json(capsys, "conversations") == []


def test_a_broken_export_is_one_error_line_exit_2_and_writes_nothing(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run(capsys, "import", str(export(tmp_path, 7)))
    broken = tmp_path / "WhatsApp Chat with Sam.txt"
    broken.write_text("shopping list\neggs\n", encoding="utf-8")

    code, _, err = run(capsys, "import", str(broken), "--format", "whatsapp")

    assert code == 2
    assert err.count("\n") == 1 and str(broken) in err and "Traceback" not in err
    assert [c["title"] for c in as_json(capsys, "conversations")] == ["Priya"]  # type: ignore[index,union-attr]


def test_unknown_conversation_and_bad_options_are_clear_errors(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "conversations", "set", "Robin", "--relationship", "friend")
    assert code == 1 and "Robin" in err

    code, _, err = run(capsys, "import", str(export(tmp_path, 7)), "--date-order", "dym")
    assert code == 2 and "dmy, mdy" in err

    code, _, err = run(capsys, "import", str(export(tmp_path, 7)), "--map", "ts")
    assert code == 2 and "field=column" in err


def test_an_encrypted_store_needs_its_passphrase(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = export(tmp_path, 7)
    assert run(capsys, "import", str(path), "--passphrase", "blue kettle")[0] == 0

    code, _, err = run(capsys, "conversations")
    assert code == 2 and "encrypted" in err
    assert run(capsys, "conversations", "--passphrase", "blue kettle")[0] == 0


def test_the_installed_command_reports_errors_without_a_traceback(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.txt"
    result = subprocess.run(
        [sys.executable, "-m", "turntoward.cli", "import", str(missing), "--db", str(tmp_path / "t.db")],
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {missing}: expected an existing file or folder, found 'no such file'"
    ]


def test_a_list_of_hundreds_of_chats_prints_a_plain_row_each(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = tmp_path / "dialogues.jsonl"  # a research corpus: a dialogue a row, long ids for titles
    corpus.write_text("".join(json.dumps({"dialogue_id": f"weekend-plans-between-two-old-friends-number-{k:03d}",
                                          "turns": ["are you free saturday?", "yes, all afternoon"]}) + "\n"
                              for k in range(260)), encoding="utf-8")
    run(capsys, "import", str(corpus))

    code, out, _ = run(capsys, "conversations")

    lines = out.splitlines()
    assert code == 0 and len(lines) == 261  # the header, then one line a chat: no cell wrapped
    assert lines[0].split() == ["id", "title", "format", "relationship", "messages", "people", "from", "to"]
    assert lines[260].split()[:3] == ["260", "weekend-plans-between-two-old-friends-n…", "tabular"]
