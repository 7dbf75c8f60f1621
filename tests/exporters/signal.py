"""Writes signal-export (v3.x) chat folders from simple records.

One folder per chat, named after the contact or group, with ``chat.md`` in the tool's exact
paragraph layout, ``data.json`` (one JSON object per line, as the tool writes it) and the
attachments under ``media/``. Replies carry the quoted text (or "Photo" for a picture), as
signal-export has no message ids. `reactions` maps a record's index to ``(name, emoji)`` pairs,
written as the line ``(- Sam: 👍, Me: ❤️ -)`` after the body (before any attachment, as
signal-export writes them); a name equal to `me` is written ``Me``, as signal-export's main
branch names the user's own reactions (v3.8.6 to v3.9.0 wrote ``NotetoSelf``: pass that name).
Deleted messages show no reactions.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

TINY_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


class Record(Protocol):
    ts: datetime
    author: str
    text: str
    kind: str
    reply_to: int | None


def render_signal_chat(
    records: Sequence[Record],
    dest: Path,
    title: str,
    *,
    me: str = "Me",
    reactions: dict[int, list[tuple[str, str]]] | None = None,
) -> Path:
    """The folder ``dest/title`` holding the chat; returns the path of its ``chat.md``."""
    folder = dest / title
    (folder / "media").mkdir(parents=True, exist_ok=True)
    paragraphs: list[str] = []
    objects: list[str] = []
    for i, record in enumerate(records):
        sender = "Me" if record.author == me else record.author
        date = record.ts.strftime("%Y-%m-%d %H:%M:%S")
        quote = _quote(records, record.reply_to)
        attachments: list[dict[str, str | None]] = []
        if record.kind == "media":
            name = f"{record.ts.isoformat(timespec='milliseconds').replace(':', '-')}_00_IMG_{i:04d}.png"
            (folder / "media" / name).write_bytes(TINY_PNG)
            attachments.append({"name": name, "path": f"media/{name}", "missing_kind": None})
        reacted = [("Me" if name == me else name, emoji) for name, emoji in (reactions or {}).get(i, [])]
        if record.kind == "deleted":
            paragraphs.append(f"[{date}] {sender}: (This message was deleted)\n")
        else:
            body = record.text.replace("`", "") + "  "
            if reacted:
                body += "\n(- " + ", ".join(f"{name}: {emoji}" for name, emoji in reacted) + " -)"
            for attachment in attachments:
                body += f"![{attachment['name']}](./{attachment['path']})  "
            paragraphs.append(f"[{date}] {sender}: {quote}{body}\n")
        objects.append(json.dumps({
            "date": record.ts.isoformat(), "sender": sender, "body": record.text.replace("`", "") + "  ",
            "quote": quote, "sticker": None, "reactions": [list(r) for r in reacted],
            "attachments": attachments, "deleted": record.kind == "deleted", "call": False, "missed": False,
        }, ensure_ascii=False))
    chat = folder / "chat.md"
    with chat.open("w", encoding="utf-8") as fh:
        for paragraph in paragraphs:
            print(paragraph, file=fh)
    with (folder / "data.json").open("w", encoding="utf-8") as fh:
        for line in objects:
            print(line, file=fh)
    return chat


def _quote(records: Sequence[Record], reply_to: int | None) -> str:
    if reply_to is None:
        return ""
    target = records[reply_to]
    text = target.text.rstrip("\n") or ("Photo" if target.kind == "media" else "")
    if not text:
        return ""
    return "\n\n> " + text.replace("\n", "\n> ") + "\n\n"
