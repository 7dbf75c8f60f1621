"""`analyze`, `explain` and `evaluate` from the command line, as a user runs them."""

from __future__ import annotations

import csv
import json
import os
import re
import socket
from pathlib import Path

import pytest
from tests._cli import run
from typer.testing import CliRunner

from turntoward.cli import _load_commands, app
from turntoward.errors import NotFoundError, TurntowardError

ROOT = Path(__file__).resolve().parents[2]
COUPLE = ROOT / "examples/couple/WhatsApp Chat with Jonah.txt"


@pytest.fixture(autouse=True)
def commands():
    _load_commands()


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def invoke_raising(*args: str):
    """Run a command and let its TurntowardError through (what `main` turns into one line)."""
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def test_analyze_prints_a_readable_summary_without_a_database(tmp_path, monkeypatch):
    monkeypatch.setenv("TURNTOWARD_DB", f"sqlite:///{tmp_path / 'never-created.db'}")
    result = invoke("analyze", str(COUPLE))
    assert result.exit_code == 0, result.output
    assert "bids made" in result.output and "Jonah" in result.output
    assert not (tmp_path / "never-created.db").exists()


def test_analyze_says_once_after_all_its_chats_how_far_to_trust_a_single_reading():
    friends = next((ROOT / "examples/friends").iterdir())
    result = invoke("analyze", str(COUPLE), str(friends))
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # as the terminal wrapped it
    assert text.count("These readings are often wrong about a single message.") == 1
    assert text.endswith("`turntoward explain SOURCE:INDEX` shows why one message was read as it was.")


def test_analysis_never_touches_the_network(tmp_path, monkeypatch):
    def refuse(*_a, **_k):
        raise AssertionError("the analysis tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    result = invoke("analyze", str(COUPLE), "--jsonl", str(tmp_path / "m.jsonl"))
    assert result.exit_code == 0, result.output


def test_a_contract_written_to_a_dash_goes_to_standard_output_and_the_notes_to_standard_error(tmp_path, capsys):
    code, out, err = run(capsys, "analyze", str(COUPLE), "--jsonl", "-", "--summary-json", str(tmp_path / "s.json"))
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) > 100 and records[0]["index"] == 0 and records[0]["source"] == str(COUPLE)
    assert "to standard output" in err and not (Path.cwd() / "-").exists()
    code, out, err = run(capsys, "analyze", str(COUPLE), "--summary-json", "-")
    assert code == 0 and json.loads(out)["conversations"][0]["source"] == str(COUPLE)
    code, out, err = run(capsys, "analyze", str(COUPLE), "--summary-json", "-", "--jsonl", "-")
    assert code == 2 and "only one of them" in err and out == ""


def test_explain_shows_the_cues_and_the_response(tmp_path):
    invoke("analyze", str(COUPLE), "--jsonl", str(tmp_path / "m.jsonl"))
    records = [json.loads(x) for x in (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()]
    answered = next(r for r in records if r["bid"] and r["bid"]["response_index"] is not None)
    result = invoke("explain", f"{COUPLE}:{answered['index']}", "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["message"] == answered
    assert shown["response"]["index"] == answered["bid"]["response_index"]
    assert any(c["index"] == answered["index"] for c in shown["context"])


def test_explain_says_in_words_why_a_model_read_a_horseman(tmp_path):
    invoke("analyze", str(COUPLE), "--jsonl", str(tmp_path / "m.jsonl"))
    records = [json.loads(x) for x in (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()]
    flagged = next(r for r in records if r["horseman"])
    shown = json.loads(invoke("explain", f"{COUPLE}:{flagged['index']}", "--json").output)
    reasons = shown["in_words"]["horseman"]
    assert reasons and not any(r.startswith("model:") or "=" in r for r in reasons), reasons
    plain = invoke("explain", f"{COUPLE}:{flagged['index']}").output
    assert f"horseman: {flagged['horseman']}\n  - {reasons[0][:30]}" in plain


def test_explain_says_how_near_a_message_came_to_being_a_bid(tmp_path):
    invoke("analyze", str(COUPLE), "--jsonl", str(tmp_path / "m.jsonl"))
    records = [json.loads(x) for x in (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()]
    plain = next(r for r in records if r["bid"] is None and r["text"] and "omitted" not in r["text"])
    shown = json.loads(invoke("explain", f"{COUPLE}:{plain['index']}", "--json").output)
    reading, *held_back = shown["in_words"]["bid"]
    assert reading.startswith("the model read it as a bid at ") and reading.endswith("%")
    assert held_back and not any(r.startswith("model:") for r in held_back)
    assert shown["message"] == plain  # the JSONL record, unchanged


def test_explain_says_a_deleted_message_is_not_read(tmp_path):
    chat = tmp_path / "WhatsApp Chat with Sam.txt"
    chat.write_text("12/01/24, 9:00 PM - Sam: Game tomorrow?\n12/01/24, 9:01 PM - Alex: This message was deleted\n"
                    "12/01/24, 9:02 PM - Alex: yes, I'm in!\n", encoding="utf-8")
    shown = json.loads(invoke("explain", f"{chat}:1", "--json").output)
    assert shown["message"]["bid"] is None
    assert shown["in_words"]["bid"] == [
        "it was deleted: its words are gone, so it is neither a bid nor the answer to one"]
    assert "its words are gone" in invoke("explain", f"{chat}:1").output


def test_explain_rejects_an_index_out_of_range():
    result = invoke("explain", f"{COUPLE}:999999")
    assert result.exit_code != 0


def test_evaluate_prints_precision_recall_and_f1(tmp_path):
    labelled = ROOT / "examples/labelled/friends.json"
    result = invoke("evaluate", str(labelled), "--json")
    assert result.exit_code == 0, result.output
    scores = json.loads(result.output)
    assert scores["conversations"] == 1
    assert 0 < scores["bid"]["f1"] <= 1 and 0 < scores["outcome_macro_f1"] <= 1


def test_analyze_names_a_missing_file_in_one_line(tmp_path):
    result = invoke("analyze", str(tmp_path / "nope.txt"), "--db", f"sqlite:///{tmp_path / 'x.db'}")
    assert result.exit_code != 0


def test_explain_finds_a_message_inside_a_zip_export(tmp_path):
    family = ROOT / "examples/family/WhatsApp Chat - Okafor family.zip"
    invoke("analyze", str(family), "--jsonl", str(tmp_path / "m.jsonl"))
    first = json.loads((tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()[5])
    assert "!" in first["source"]
    result = invoke("explain", f"{first['source']}:5", "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["message"] == first


def test_analyzing_a_mistyped_file_name_creates_no_database(tmp_path, monkeypatch):
    monkeypatch.delenv("TURNTOWARD_DB", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("HOME", str(tmp_path))
    with pytest.raises(NotFoundError, match=r"chat\.txtt: no such file"):
        invoke_raising("analyze", str(tmp_path / "chat.txtt"))
    assert not any(tmp_path.rglob("*.db"))


def test_a_table_with_its_own_column_names_is_analysed_with_a_column_map(tmp_path):
    table = tmp_path / "exported.csv"
    table.write_text("When,Who,What\n2024-01-02 10:00,Ana,I got the job!!\n2024-01-02 10:05,Tom,k\n", encoding="utf-8")
    out = str(tmp_path / "m.jsonl")
    with pytest.raises(TurntowardError, match="expected a column for ts"):
        invoke_raising("analyze", str(table), "--jsonl", out)
    result = invoke("analyze", str(table), "--map", "ts=When,author=Who,text=What", "--jsonl", out)
    assert result.exit_code == 0, result.output
    news, reply = (json.loads(x) for x in (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines())
    assert (news["author"], news["bid"]["kind"], news["bid"]["outcome"]) == ("Ana", "news", "away")
    assert reply["text"] == "k"
    shown = invoke("explain", f"{table}:0", "--map", "ts=When,author=Who,text=What", "--json")
    assert json.loads(shown.output)["message"] == news


def test_map_may_be_given_once_per_field_and_a_field_mapped_twice_is_refused(tmp_path):
    table = tmp_path / "exported.csv"
    table.write_text("When,Who,What,body\n2024-01-02 10:00,Ana,I got the job!!,x\n2024-01-02 10:05,Tom,k,y\n",
                     encoding="utf-8")
    out = tmp_path / "m.jsonl"
    # Only the last --map counted before, so "text" fell back to the guessed column "body".
    result = invoke("analyze", str(table), "--map", "ts=When", "--map", "author=Who", "--map", "text=What",
                    "--jsonl", str(out))
    assert result.exit_code == 0, result.output
    assert [json.loads(x)["text"] for x in out.read_text(encoding="utf-8").splitlines()] == ["I got the job!!", "k"]
    with pytest.raises(TurntowardError, match="text is mapped twice"):
        invoke_raising("analyze", str(table), "--map", "ts=When,author=Who,text=What", "--map", "text=body")


def test_explain_shows_the_reaction_that_answered_a_photo():
    photo = ROOT / "tests/fixtures/signal/Sam Rivera/chat.md"
    result = invoke("explain", f"{photo}:6", "--json")
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["message"]["bid"]["outcome"] == "toward" and shown["response"] is None
    assert shown["reactions"] == [{"author": "Sam Rivera", "emoji": "😂", "ts": None}]
    assert shown["response_cues"][0] == "reaction:😂 from Sam Rivera"
    plain = invoke("explain", f"{photo}:6")
    assert "reactions: 😂 Sam Rivera" in plain.output and "- Sam Rivera reacted with 😂" in plain.output


def test_paths_with_square_brackets_are_printed_as_they_are(tmp_path):
    out = tmp_path / "run [2024]" / "messages [final].jsonl"
    out.parent.mkdir()
    result = invoke("analyze", str(COUPLE), "--jsonl", str(out))
    assert result.exit_code == 0, result.output
    assert out.exists() and "messages [final].jsonl" in result.output.replace("\n", "")


def test_a_chat_with_no_messages_yet_is_analysed_and_reported_without_praise(tmp_path):
    export = tmp_path / "result.json"  # Telegram Desktop's export of a chat nobody has written in yet
    export.write_text(json.dumps({"name": "Sam", "type": "personal_chat", "id": 5550001, "messages": []}),
                      encoding="utf-8")
    summary = tmp_path / "s.json"
    result = invoke("analyze", str(export), str(COUPLE), "--summary-json", str(summary))  # beside a real chat
    assert result.exit_code == 0, result.output
    empty = json.loads(summary.read_text(encoding="utf-8"))["conversations"][0]
    assert empty["messages"] == 0 and empty["suggestions"] == []  # nothing is "mostly met" in no messages
    shown = invoke("analyze", str(export))
    assert shown.exit_code == 0 and "no messages" in shown.output
    page = invoke("report", str(export), "--out", str(tmp_path / "r.html"))
    assert page.exit_code == 0, page.output


def test_a_big_group_lists_its_ten_most_active_people_and_sums_the_rest(tmp_path, monkeypatch):
    monkeypatch.setenv("COLUMNS", "160")
    rows = ["ts,author,text"]
    for k in range(12):  # member k writes 12 - k messages
        rows += [f"2024-03-0{1 + j % 9} {10 + k}:{j:02d},Member {k:02d},anyone up for the hike on sunday?"
                 for j in range(12 - k)]
    table = tmp_path / "club.csv"
    table.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = invoke("analyze", str(table))
    assert result.exit_code == 0, result.output
    assert "Member 09" in result.output and "Member 10" not in result.output and "Member 11" not in result.output
    assert "and 2 others" in result.output


@pytest.mark.parametrize("option", ["--jsonl", "--summary-json"])
def test_an_output_that_cannot_be_written_is_refused_in_one_line_before_the_analysis(tmp_path, monkeypatch,
                                                                                      capsys, option):
    from turntoward.api import analysis as aa

    def too_late(*_a, **_k):
        raise AssertionError("the analysis ran before the output was checked")

    monkeypatch.setattr(aa, "analyze_conversations", too_late)
    code, _, err = run(capsys, "analyze", str(COUPLE), option, str(tmp_path / "no such folder" / "out.json"))
    assert code == 2
    assert err.count("\n") == 1 and option in err and "does not exist" in err
    code, _, err = run(capsys, "analyze", str(COUPLE), option, str(tmp_path))
    assert code == 2 and "is a folder" in err and "Traceback" not in err


def test_a_failed_write_leaves_the_earlier_output_whole(tmp_path, monkeypatch, capsys):
    from turntoward.api import analysis as aa

    out = tmp_path / "messages.jsonl"
    assert run(capsys, "analyze", str(COUPLE), "--jsonl", str(out))[0] == 0
    before = out.read_bytes()
    if os.name == "posix":
        assert out.stat().st_mode & 0o777 == 0o600  # the labels of an intimate chat: for its owner's eyes

    def disk_full(analysis, fh):
        fh.write('{"source": "half a line')
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(aa, "write_jsonl", disk_full)
    code, _, err = run(capsys, "analyze", str(COUPLE), "--jsonl", str(out))
    assert code == 2 and "No space left on device" in err
    assert out.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["messages.jsonl"]  # nothing half-written beside it


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_contract_written_into_a_pipe_goes_through_it_and_leaves_the_pipe_a_pipe(tmp_path, capsys):
    """A pipe or a device (``--jsonl >(jq …)``, a named pipe, ``/dev/null``) is written as it is: not
    replaced by a file renamed over it, as a regular file is (whole or not at all)."""
    import stat
    import threading

    pipe = tmp_path / "labels.pipe"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    code, _, err = run(capsys, "analyze", str(COUPLE), "--jsonl", str(pipe))
    reader.join(timeout=60)
    assert code == 0, err
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    lines = received[0].splitlines()
    assert lines and all(json.loads(line)["source"] == str(COUPLE) for line in lines)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["labels.pipe"]


def test_each_suggestion_names_the_messages_behind_it_and_how_to_see_why(tmp_path):
    out = tmp_path / "m.jsonl"
    assert invoke("analyze", str(COUPLE), "--jsonl", str(out)).exit_code == 0
    result = invoke("analyze", str(COUPLE))
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())  # as the terminal wrapped it
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]

    refs = re.findall(r"messages? ([^(]+?) \(see why: turntoward explain '([^']+)'\)", text)
    assert refs, result.output
    contempt = {r["index"] for r in records if r["horseman"] == "contempt"}
    listed = re.sub(r" and \d+ more$", "", refs[0][0])  # the first suggestion here: contempt
    named = [int(i) for i in re.findall(r"\d+", listed)]
    assert named and set(named) <= contempt
    for _, ref in refs:  # each hint works as printed
        explained = invoke("explain", ref)
        assert explained.exit_code == 0, explained.output
        assert ref.rpartition(":")[2] in {str(i) for i in range(len(records))}


def test_a_drift_finding_names_the_unanswered_bids_behind_it(tmp_path):
    chats = [str(ROOT / "examples" / name) for name in ("couple", "friends", "family")]
    out = tmp_path / "m.jsonl"
    assert invoke("analyze", *chats, "--me", "Maya", "--jsonl", str(out)).exit_code == 0
    result = invoke("analyze", *chats, "--me", "Maya")
    text = " ".join(result.output.split())
    records = {(r["source"], r["index"]): r for r in map(json.loads, out.read_text(encoding="utf-8").splitlines())}

    drift = text[text.index("drift (concern): you and Priya"):]
    listed, ref = re.search(r"messages? ([^(]+?) \(see why: turntoward explain '?([^' )]+)'?\)", drift).groups()
    source = ref.rpartition(":")[0]
    for index in map(int, re.findall(r"\d+", listed)):
        record = records[source, index]
        assert record["author"] == "Maya" and record["bid"] is not None and record["bid"]["outcome"] == "away"


def test_a_corpus_of_many_chats_shows_a_panel_for_twenty_those_that_call_for_help_first(tmp_path, capsys):
    rows = [("conversation_id", "speaker", "utterance")]
    for k in range(25):
        rows += [(f"d{k:02}", "A", "how was the interview today?"), (f"d{k:02}", "B", "really good! back friday")]
        if k < 24:  # the longer ones
            rows += [(f"d{k:02}", "A", "that's amazing, I'm so proud of you"), (f"d{k:02}", "B", "thank you!!")]
    rows += [("d24", "A", "if you go out with them again don't expect me to be here")]  # short, and controlling
    corpus = tmp_path / "dialogues.csv"
    with corpus.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    code, out, err = run(capsys, "analyze", str(corpus))
    assert code == 0, err
    assert out.count("╭") == 20 and "d24" in out  # the controlling chat is among them
    assert "and 5 more conversations (20 messages), each with its findings in" in " ".join(out.split())

