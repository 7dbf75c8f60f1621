"""The same conversation exported from different apps gets identical labels (issue 3)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from tests.exporters.discord import render_discord
from tests.exporters.discord_html import render_discord_html
from tests.exporters.discord_txt import render_discord_txt
from tests.exporters.groupme import render_groupme
from tests.exporters.messenger import render_messenger
from tests.exporters.messenger_html import render_messenger_html_files
from tests.exporters.sigtop import render_sigtop
from tests.exporters.telegram import render_telegram
from tests.exporters.wechat import render_wechat_csv
from tests.exporters.whatsapp import render_whatsapp
from tests.exporters.whatsapp_db import render_chat_storage, render_contacts, render_msgstore
from tests.exporters.whatsapp_exporter import render_whatsapp_exporter
from tests.exporters.whatsapp_viewer import render_whatsapp_viewer
from tests.ingest._timezone import local_time

from turntoward.api.analysis import analyze_conversations, load_conversations, message_records
from turntoward.ingest import ImportOptions
from turntoward.model import Reaction

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Record:
    ts: datetime
    author: str
    text: str
    kind: str = "text"


@pytest.fixture(scope="module")
def records() -> list[Record]:
    doc = json.loads((ROOT / "examples/labelled/couple.json").read_text(encoding="utf-8"))
    out = []
    for m in doc["messages"][:500]:
        media = m["text"] in ("<Media omitted>", "image omitted") or m["text"].endswith("(file attached)")
        out.append(Record(datetime.fromisoformat(m["ts"]), m["author"], m["text"], "media" if media else "text"))
    return out


def labels_of(path: Path, options: ImportOptions | None = None) -> list[tuple]:
    analysis = analyze_conversations(load_conversations([str(path)], options=options))
    out = []
    for r in message_records(analysis.conversations[0]):
        bid = r["bid"] and (r["bid"]["kind"], r["bid"]["outcome"], r["bid"]["response_index"])
        out.append((r["index"], r["author"], bid, r["horseman"], r["control"], r["accountability"], r["repair"]))
    return out


def test_the_same_chat_exported_by_each_app_and_in_each_format_gets_identical_labels(tmp_path, records):
    android = tmp_path / "WhatsApp Chat with Jonah.txt"
    android.write_text(render_whatsapp(records, layout="android"), encoding="utf-8")
    ios = tmp_path / "_chat.txt"
    ios.write_text(render_whatsapp(records, layout="ios", date_order="mdy", clock="12h"), encoding="utf-8")
    telegram = tmp_path / "result.json"
    telegram.write_text(render_telegram(records, title="Jonah"), encoding="utf-8")
    discord_txt = tmp_path / "Direct Messages - Private - jonah [1].txt"
    discord_txt.write_text(render_discord_txt(records, channel="jonah", culture="de-DE"), encoding="utf-8")
    expected = labels_of(android)
    assert len(expected) == len(records)
    assert any(x[2] for x in expected)
    assert labels_of(ios) == expected
    assert labels_of(telegram) == expected
    assert labels_of(discord_txt) == expected
    discord_html = tmp_path / "Direct Messages - Private - jonah [1].html"
    discord_html.write_text(render_discord_html(records, channel="jonah"), encoding="utf-8")
    assert labels_of(discord_html) == expected
    (tmp_path / "facebook").mkdir()
    meta_html = tmp_path / "facebook" / "message_1.html"
    meta_html.write_text(render_messenger_html_files(records, title="Jonah")["message_1.html"], encoding="utf-8")
    assert labels_of(meta_html) == expected
    assert labels_of(write_files(tmp_path / "groupme", render_groupme(records, title="Jonah"))) == expected
    wechat = tmp_path / "聊天记录" / "Jonah(wxid_jonah)" / "Jonah.csv"
    wechat.parent.mkdir(parents=True)
    wechat.write_text(render_wechat_csv(records), encoding="utf-8")
    assert labels_of(wechat) == expected
    numbers = {"Maya": "447700900123", "Jonah": "447700900456"}
    for layout, both in (("new", False), ("legacy", False), ("legacy", True)):
        phone = tmp_path / f"phone-{layout}-{both}"
        phone.mkdir()
        render_msgstore(phone / "msgstore.db", records, me="Maya", numbers=numbers, layout=layout,
                        other_layout_too=both)
        render_contacts(phone / "wa.db", {"Jonah": numbers["Jonah"]})
        assert labels_of(phone / "msgstore.db", ImportOptions(me="Maya")) == expected, (layout, both)
    iphone = tmp_path / "iphone" / "ChatStorage.sqlite"
    iphone.parent.mkdir()
    render_chat_storage(iphone, records, me="Maya", numbers=numbers)
    assert labels_of(iphone, ImportOptions(me="Maya")) == expected
    exported = tmp_path / "wtsexporter" / "result.json"  # WhatsApp Chat Exporter's JSON of such a database
    exported.parent.mkdir()
    exported.write_text(render_whatsapp_exporter(records, me="Maya", numbers=numbers, names={"Jonah": "Jonah"}),
                        encoding="utf-8")
    assert labels_of(exported, ImportOptions(me="Maya")) == expected
    viewer = tmp_path / "wtsviewer" / "chats.json"  # and WhatsApp Viewer's
    viewer.parent.mkdir()
    viewer.write_text(render_whatsapp_viewer(records, me="Maya", numbers=numbers, names={"Jonah": "Jonah"}),
                      encoding="utf-8")
    assert labels_of(viewer, ImportOptions(me="Maya")) == expected
    sigtop = tmp_path / "sigtop" / "Jonah (+447700900456).txt"  # Signal Desktop's chat as sigtop writes it
    sigtop.parent.mkdir()
    sigtop.write_text(render_sigtop(records, me="Maya", numbers={k: f"+{v}" for k, v in numbers.items()}),
                      encoding="utf-8")
    assert labels_of(sigtop, ImportOptions(me="Maya")) == expected


def write_files(folder: Path, files: dict[str, str]) -> Path:
    """An export's files written into `folder`; its messages' file (the first) is what to give."""
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder / next(iter(files))


@dataclass
class Reacted:
    ts: datetime
    author: str
    text: str
    kind: str = "text"
    reactions: tuple[Reaction, ...] = ()


def test_reactions_answer_bids_alike_in_telegram_discord_groupme_and_messenger_json_and_html(tmp_path, records):
    plain = tmp_path / "WhatsApp Chat with Jonah.txt"  # WhatsApp exports no reactions
    plain.write_text(render_whatsapp(records, layout="android"), encoding="utf-8")
    without = labels_of(plain)
    unanswered = [x[0] for x in without if x[2] and x[2][1] == "away"]
    assert len(unanswered) >= 3
    # The other person hearts the bids the replies turned away from, but rolls their eyes at the first;
    # on every 9th message its author hearts their own words (which answers nothing).
    people = sorted({r.author for r in records})
    reacted: list[Reacted] = []
    for i, r in enumerate(records):
        other = people[1 - people.index(r.author)]
        marks: tuple[Reaction, ...] = (Reaction(r.author, "❤️"),) if i % 9 == 0 else ()
        if i in unanswered:
            marks += (Reaction(other, "🙄" if i == unanswered[0] else "❤️"),)
        reacted.append(Reacted(r.ts, r.author, r.text, r.kind, marks))
    by_index = {i: r.reactions for i, r in enumerate(reacted) if r.reactions}
    with local_time("Europe/London"):
        telegram = tmp_path / "result.json"
        telegram.write_text(render_telegram(reacted, title="Jonah"), encoding="utf-8")
        messenger = tmp_path / "message_1.json"
        messenger.write_text(render_messenger(reacted, title="Jonah", reactions=by_index), encoding="utf-8")
        discord = tmp_path / "discord.json"
        discord.write_text(render_discord(
            reacted, channel="jonah", utc_offset=timedelta(hours=1),
            reactions={i: [(x.emoji, [x.author]) for x in marks] for i, marks in by_index.items()}),
            encoding="utf-8")
        (tmp_path / "facebook").mkdir()
        messenger_html = tmp_path / "facebook" / "message_1.html"
        messenger_html.write_text(
            render_messenger_html_files(reacted, title="Jonah", reactions=by_index)["message_1.html"], encoding="utf-8")
        groupme = write_files(tmp_path / "groupme", render_groupme(reacted, title="Jonah", reactions=by_index))
        expected = labels_of(telegram)
        assert labels_of(groupme) == expected
        assert labels_of(messenger) == expected
        assert labels_of(messenger_html) == expected
        assert labels_of(discord) == expected
    changed = {a[0]: b[2][1] for a, b in zip(without, expected, strict=True) if a != b}
    assert changed.pop(unanswered[0]) == "against"
    assert set(changed) <= set(unanswered) and "toward" in changed.values()
