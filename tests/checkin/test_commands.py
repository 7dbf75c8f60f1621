"""The check-in commands as a person types them: answering, stopping, resuming, sharing, logging time, reminders."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from turntoward.cli import _load_commands, app
from turntoward.errors import TurntowardError
from turntoward.store import Store

_load_commands()
runner = CliRunner()


@pytest.fixture
def db(store: Store) -> str:
    return store.url


def run(db: str, *args: str, answers: str = "") -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--db", db], input=answers)
    if isinstance(result.exception, TurntowardError):  # what `main` prints as one line, with its exit code
        return result.exception.exit_code, result.output + str(result.exception)
    return result.exit_code, result.output


def listed(db: str, *who: str) -> list[dict[str, object]]:
    code, out = run(db, "checkin", "list", "--json", *who)
    assert code == 0, out
    return json.loads(out)


def test_a_check_in_stopped_halfway_is_resumed_next_time(db: str) -> None:
    code, out = run(db, "checkin", "--instrument", "loneliness3", answers="2\nq\n")
    assert code == 0 and "Saved as a draft" in out
    assert listed(db) == []  # a draft is not a check-in yet
    code, out = run(db, "checkin", "--instrument", "loneliness3", answers="3\n1\n")
    assert code == 0, out
    assert "Resuming" in out and "(1 of 3 answered)" in out
    [done] = listed(db)
    assert done["answers"] == {"companionship": 2, "left_out": 3, "isolated": 1}
    assert done["scores"] == {"total": 6.0} and done["author"] == "Alex" and not done["shared"]


def test_skipping_and_a_wrong_key_are_handled_at_the_prompt(db: str) -> None:
    code, out = run(db, "checkin", "--about", "Sam", answers="7\n3\ns\n2\n4\n1\n")
    assert code == 0, out
    assert "Type a number 1-5" in out
    [done] = listed(db)
    assert done["answers"] == {"talk_rarer": 3, "time_together": None, "guard_up": 2, "lonely": 4, "needs_unmet": 1}
    assert done["about"] == "Sam"


def test_the_end_of_input_keeps_a_draft(db: str) -> None:
    code, out = run(db, "checkin", "-i", "reflection", answers="I noticed when Sam showed me the photo.\n")
    assert code == 0 and "Saved as a draft" in out
    code, out = run(db, "checkin", "-i", "reflection", answers="\n\n\nI was tired.\n")
    assert code == 0 and "journal" in out
    [entry] = listed(db)
    assert entry["answers"]["noticed"] == "I noticed when Sam showed me the photo."
    assert entry["answers"]["toward"] is None and entry["answers"]["influences"] == "I was tired."


def test_only_shared_check_ins_reach_the_partner(db: str) -> None:
    run(db, "checkin", "-i", "loneliness3", answers="3\n3\n3\n")
    run(db, "checkin", "-i", "loneliness3", "--about", "Sam", "--share", answers="1\n1\n2\n")
    seen_by_sam = listed(db, "--as", "Sam")
    assert [c["answers"] for c in seen_by_sam] == [{"companionship": 1, "left_out": 1, "isolated": 2}]
    private = next(c for c in listed(db) if not c["shared"])
    code, out = run(db, "checkin", "share", str(private["id"]), "--as", "Sam")
    assert code == 1 and "no check-in" in out
    code, out = run(db, "checkin", "share", str(private["id"]))
    assert code == 0 and "now shared" in out
    assert len(listed(db, "--as", "Sam")) == 2


def test_control_answers_point_to_help(db: str) -> None:
    code, out = run(db, "checkin", "-i", "connection_killers", answers="1\n1\n4\n3\n3\n4\n")
    assert code == 0, out
    assert "helpline" in out


def test_time_together_shows_the_in_person_online_balance(db: str) -> None:
    code, out = run(
        db, "together", "--minutes", "90", "--what", "dinner", "--in-person", "--with", "Sam", "--when", "today"
    )
    assert code == 0, out
    assert "logged 90 min in person with Sam" in out and "(dinner)" in out
    code, out = run(db, "together", "--minutes", "30", "--online", "--with", "Sam", "--when", "yesterday")
    assert "90 min in person, 30 min online (75% in person)" in out
    code, out = run(db, "together", "--minutes", "30", "--with", "Sam")
    assert code == 2 and "--in-person or --online" in out
    code, out = run(db, "together", "--minutes", "30", "--online", "--when", "last tuesday")
    assert code == 2 and "--when" in out


def test_remind_writes_a_calendar_file(tmp_path: Path) -> None:
    target = tmp_path / "checkin.ics"
    result = runner.invoke(app, ["remind", "--every", "week", "--instrument", "csi4", "--out", str(target)])
    assert result.exit_code == 0, result.output
    text = target.read_bytes().decode("utf-8")
    assert text.startswith("BEGIN:VCALENDAR\r\n") and "RRULE:FREQ=WEEKLY;BYDAY=SU\r\n" in text
    assert "turntoward checkin --instrument csi4" in text.replace("\r\n ", "")
