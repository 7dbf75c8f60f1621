"""Chats not written in English: said plainly, and not labelled from words the lexicons cannot read."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from tests.analysis._chats import chat
from typer.testing import CliRunner

from turntoward.analysis import analyze
from turntoward.analysis.backends import get_backend
from turntoward.api import load_conversations, summary
from turntoward.api.analysis import explain, explain_message
from turntoward.api.report import build, report
from turntoward.cli import _load_commands, app
from turntoward.model import Conversation, Message

ROOT = Path(__file__).resolve().parents[2]
SPANISH = ROOT / "tests/fixtures/language/WhatsApp Chat with Lucía.txt"
GERMAN = ROOT / "tests/fixtures/language/WhatsApp Chat mit Jonas.txt"
COUPLE = ROOT / "examples/couple/WhatsApp Chat with Jonah.txt"


@pytest.fixture(autouse=True)
def commands():
    _load_commands()


@pytest.mark.parametrize("backend", ["hybrid", "rules"])
@pytest.mark.parametrize(("path", "code", "name"), [(SPANISH, "es", "Spanish"), (GERMAN, "de", "German")])
def test_a_chat_in_another_language_gets_no_labels_from_its_words(path, code, name, backend):
    convs = load_conversations([str(path)])
    result = analyze(convs, backend=get_backend(backend)).conversations[0]
    assert (result.language.code, result.language.name, result.language.read) == (code, name, False)
    assert result.language.english is not None and result.language.english < 0.05
    assert result.bids == [] and result.episodes == []
    assert not any(lab.bid or lab.horseman or lab.control or lab.repair or lab.accountability
                   for lab in result.labels)
    assert f"written in {name}, not English" in (result.language.note() or "")
    # what does not depend on the words is still measured
    weekly = [r for r in result.weekly if r.person is None]
    assert sum(r.messages for r in weekly) == len(convs[0].messages)
    assert sum(r.initiations for r in weekly) >= 2


def test_asked_to_any_language_labels_it_anyway():
    convs = load_conversations([str(SPANISH)])
    result = analyze(convs, any_language=True).conversations[0]
    assert result.language.read and result.language.code == "es"
    assert result.language.note() is None
    assert result.bids  # the media message at least is a bid for attention


def test_english_chats_and_chats_that_mix_in_another_language_are_read():
    english = load_conversations([str(COUPLE)])[0]
    # Spanglish between a mother and her daughter, as our corpus has it
    mixed = chat(*[line for _ in range(3) for line in (
        "+1h Lucía: Buenos días mija!! cómo pasaron la noche?",
        "+5m Valeria: horrible jaja. he woke up 4 times. estoy muerta",
        "+1m Valeria: but he's so cute so I forgive him",
        "+3m Lucía: Ayyy mi amor 😍 los bebés son así",
        "+2m Valeria: no way I was worse 😂",
        "+4m Lucía: quieres que vaya hoy a ayudarte? I can cook and you sleep",
        "+1m Valeria: sí porfa 🙏 please, that would be amazing",
        "+2m Lucía: voy a las 12. I'll bring soup for you both",
    )])
    for conv in (english, mixed):
        result = analyze([conv]).conversations[0]
        assert result.language.read and result.language.note() is None
        assert result.bids


def test_a_short_chat_is_read_whatever_its_words():
    short = chat("+1m Lucía: adivina quién consiguió la plaza!!", "+2m Mateo: QUÉ?? en serio?? 😍")
    result = analyze([short]).conversations[0]
    assert result.language.read and result.language.code is None and result.language.english is None


def test_the_same_chat_gets_the_same_verdict_from_two_exports(tmp_path):
    # the same Spanish chat as a table: the verdict reads only the messages' words
    convs = load_conversations([str(SPANISH)])
    rows = [{"ts": m.ts.isoformat(), "author": m.author, "text": m.text} for m in convs[0].messages
            if m.kind.value == "text"]
    table = tmp_path / "lucia.jsonl"
    table.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    a = analyze(convs).conversations[0].language
    b = analyze(load_conversations([str(table)])).conversations[0].language
    assert (a.code, a.read) == (b.code, b.read) == ("es", False)


def test_the_summary_the_cli_and_the_report_say_why_nothing_was_labelled(tmp_path):
    runner = CliRunner()
    out = runner.invoke(app, ["analyze", str(SPANISH), "--summary-json", str(tmp_path / "s.json"),
                              "--jsonl", str(tmp_path / "m.jsonl")])
    assert out.exit_code == 0, out.output
    assert "written in Spanish" in out.output and "--any-language" in out.output
    conv = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))["conversations"][0]
    assert conv["language"]["code"] == "es" and conv["language"]["read"] is False
    assert "not labelled" in conv["language"]["note"]
    assert conv["signs"]["shallower"]["evidence"].startswith("not judged")
    records = [json.loads(x) for x in (tmp_path / "m.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records and all(r["bid"] is None and r["horseman"] is None and not r["control"] for r in records)

    labelled = runner.invoke(app, ["analyze", str(SPANISH), "--any-language", "--jsonl", str(tmp_path / "a.jsonl")])
    assert labelled.exit_code == 0 and "written in Spanish" not in labelled.output
    assert any(json.loads(x)["bid"] for x in (tmp_path / "a.jsonl").read_text(encoding="utf-8").splitlines())

    shown = runner.invoke(app, ["explain", f"{SPANISH}:6", "--json"])
    assert "written in Spanish" in json.loads(shown.output)["language_note"]

    files = report([str(SPANISH), str(COUPLE)], out=tmp_path / "r.html")
    page = files.html.read_text(encoding="utf-8")
    assert page.count("Not labelled.") == 1 and "written in Spanish" in page

    # and it does not reassure about what it did not read
    alone = report([str(SPANISH)], out=tmp_path / "es.html").html.read_text(encoding="utf-8")
    assert alone.count("Not read: this chat is not in English") == 4  # bids twice, conflict, control
    assert alone.count("Not judged: This chat is not in English") == 1  # in the summary, apart from what to watch
    assert "Nothing that needs watching" not in alone
    for reassurance in ("No missed bids", "No stretch of conflict", "No messages read as control", "mostly met"):
        assert reassurance not in alone


def test_an_english_summary_says_its_words_were_read():
    doc = summary(analyze(load_conversations([str(COUPLE)])))
    assert doc["conversations"][0]["language"] == {"code": "en", "name": "English", "english": pytest.approx(
        doc["conversations"][0]["language"]["english"]), "read": True, "months_not_read": [], "note": None}
    assert doc["conversations"][0]["language"]["english"] > 0.5


def _moved_to_spanish():
    """Jonah and Maya's English chat until the end of May 2024, then two months in Spanish."""
    english = [m for m in load_conversations([str(COUPLE)])[0].messages if m.ts < datetime(2024, 6, 1)]
    spanish = load_conversations([str(SPANISH)])[0].messages
    names = {"Lucía": "Maya", "Mateo": "Jonah"}
    msgs = [Message(m.index, m.ts, m.author, m.text, m.kind) for m in english]
    for start in (datetime(2024, 6, 3, 8), datetime(2024, 7, 8, 8)):
        shift = start - spanish[0].ts
        for m in spanish:
            msgs.append(Message(len(msgs), m.ts + shift, names[m.author], m.text, m.kind))
    return Conversation("moved.txt", "whatsapp", "Jonah", msgs)


def test_months_written_in_another_language_are_not_labelled():
    conv = _moved_to_spanish()
    result = analyze([conv]).conversations[0]
    lang = result.language
    assert lang.read and lang.months_not_read == ("2024-06", "2024-07") and lang.months_code == "es"
    spanish = [i for i, m in enumerate(conv.messages) if m.ts.month >= 6]
    assert not any(result.labels[i].bid or result.labels[i].horseman or result.labels[i].control for i in spanish)
    assert all(b.index < spanish[0] for b in result.bids) and len(result.bids) > 100  # the English months are
    note = lang.note() or ""
    assert "Spanish" in note and "2024-06 to 2024-07" in note
    # depth is judged on the weeks that were read: the Spanish weeks are not a drop in depth
    shallower = result.signs["shallower"]
    weeks = [r for r in result.weekly if r.person is None]
    read_weeks = [r for r in weeks if r.period < date(2024, 6, 3) and r.messages]
    assert shallower.trends and shallower.trends[1].n == len(read_weeks)
    # the summary says which months, explain says why a Spanish message has no label, an English one is read
    doc = summary(analyze([conv]))["conversations"][0]["language"]
    assert doc["read"] is True and doc["months_not_read"] == ["2024-06", "2024-07"]
    analysis = analyze([conv])
    assert "Spanish" in (explain(analysis, f"moved.txt:{spanish[3]}").language_note or "")
    assert explain(analysis, "moved.txt:5").language_note is None
    # explaining from a stretch (what the CLI does) says the same, at the seam between the languages too
    for i in (5, spanish[0] - 2, spanish[0], spanish[3]):
        assert explain_message([conv], f"moved.txt:{i}") == explain(analysis, f"moved.txt:{i}")
    # and --any-language reads them too
    assert any(b.index >= spanish[0] for b in analyze([conv], any_language=True).conversations[0].bids)


def test_the_report_says_which_months_were_not_read(tmp_path):
    page = build(analyze([_moved_to_spanish()])).html()
    assert "Partly not labelled." in page and "2024-06 to 2024-07" in page
    assert "Not read: this chat is not in English" not in page  # the chat itself was read


def test_a_language_the_identifier_is_not_sure_of_is_not_named():
    from turntoward.analysis.language import Language

    unsure = Language("pcm", 0.047, False, named=False)  # a Hinglish chat read as 88% Nigerian Pidgin
    assert unsure.name is None and "a language other than English" in (unsure.note() or "")
    assert "Pidgin" not in (unsure.note() or "")


def test_a_month_of_english_slang_and_acknowledgements_is_still_read():
    """Short English ("lol", "wyd", "ok babe") reads as hardly English, but as no language in particular."""
    english = [m for m in load_conversations([str(COUPLE)])[0].messages if m.ts < datetime(2024, 6, 1)]
    slang = ["lol", "ok babe", "wyd", "omg", "k", "haha", "gn", "ty", "idk", "same", "yep", "nah", "hbu", "brb",
             "otw", "ily", "miss u", "kk", "lmao", "xx"]
    msgs = [Message(m.index, m.ts, m.author, m.text, m.kind) for m in english]
    start = datetime(2024, 6, 2, 9)
    for k in range(40):
        msgs.append(Message(len(msgs), start + timedelta(hours=7 * k), ("Jonah", "Maya")[k % 2], slang[k % 20]))
    lang = analyze([Conversation("slang.txt", "whatsapp", "Jonah", msgs)]).conversations[0].language
    assert lang.read and lang.months_not_read == ()


def test_the_note_names_months_that_do_not_follow_one_another_and_says_not_english_once():
    from turntoward.analysis.language import Language

    apart = Language("en", 0.15, True, months_not_read=("2024-08", "2024-11")).note() or ""
    assert "in 2024-08 and 2024-11." in apart and " to " not in apart.split(".")[0]  # not a span: 09 and 10 were read
    many = Language("en", 0.15, True, months_not_read=("2024-01", "2024-03", "2024-05", "2024-09")).note() or ""
    assert "in 4 months between 2024-01 and 2024-09." in many
    run = Language("en", 0.15, True, months_not_read=("2023-12", "2024-01", "2024-02"), months_code="es").note() or ""
    assert "written in Spanish, not English, in 3 months (2023-12 to 2024-02)." in run
    for note in (apart, Language("pcm", 0.047, False, named=False).note() or ""):
        assert note.count("English") == 2 and "not English" not in note  # "other than English", "read English only"
