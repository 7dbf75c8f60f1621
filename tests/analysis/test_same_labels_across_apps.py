"""The same conversation exported from different apps gets identical labels (issue 3)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pytest
from tests.exporters.telegram import render_telegram
from tests.exporters.whatsapp import render_whatsapp

from turntoward.api.analysis import analyze_conversations, load_conversations, message_records

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


def labels_of(path: Path) -> list[tuple]:
    analysis = analyze_conversations(load_conversations([str(path)]))
    out = []
    for r in message_records(analysis.conversations[0]):
        bid = r["bid"] and (r["bid"]["kind"], r["bid"]["outcome"], r["bid"]["response_index"])
        out.append((r["index"], r["author"], bid, r["horseman"], r["control"], r["accountability"], r["repair"]))
    return out


def test_whatsapp_android_ios_and_telegram_exports_get_identical_labels(tmp_path, records):
    android = tmp_path / "WhatsApp Chat with Jonah.txt"
    android.write_text(render_whatsapp(records, layout="android"), encoding="utf-8")
    ios = tmp_path / "_chat.txt"
    ios.write_text(render_whatsapp(records, layout="ios", date_order="mdy", clock="12h"), encoding="utf-8")
    telegram = tmp_path / "result.json"
    telegram.write_text(render_telegram(records, title="Jonah"), encoding="utf-8")
    expected = labels_of(android)
    assert len(expected) == len(records)
    assert any(x[2] for x in expected)
    assert labels_of(ios) == expected
    assert labels_of(telegram) == expected
