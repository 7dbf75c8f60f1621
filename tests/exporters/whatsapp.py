"""Writes chats the way WhatsApp's "Export chat" does, for tests, benchmarks and the examples.

`render_whatsapp` lays out records (anything with ``ts``, ``author``, ``text`` and ``kind``,
optionally ``edited``) as an Android or iOS export in a chosen date order and clock, or as messages
copied from WhatsApp Web or Desktop (layout ``web``: time first; text messages only);
`zip_whatsapp` packs such a text into the zip WhatsApp shares, with media files beside it.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

LRM = "\u200e"
NNBSP = "\u202f"

# What each layout writes when a record of that kind has no text of its own.
DEFAULT_TEXT = {
    ("android", "media"): "<Media omitted>",
    ("ios", "media"): "image omitted",
    ("android", "deleted"): "This message was deleted",
    ("ios", "deleted"): "This message was deleted.",
}
EDITED = {"android": " <This message was edited>", "ios": f" {LRM}<This message was edited>"}
ENCRYPTION_NOTICE = {
    "android": "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them. Tap to learn more.",
    "ios": "Messages and calls are end-to-end encrypted. No one outside of this chat, not even "
    "WhatsApp, can read or listen to them.",
}


@dataclass
class ChatRecord:
    """One line of a chat to render; `kind` is text, media, deleted or system (author optional)."""

    ts: datetime
    author: str | None
    text: str
    kind: str = "text"
    edited: bool = False


def render_whatsapp(
    messages: Iterable[Any],
    *,
    layout: Literal["android", "ios", "web"] = "android",
    date_order: Literal["dmy", "mdy", "ymd"] = "dmy",
    clock: Literal["24h", "12h"] = "24h",
    seconds: bool | None = None,
    year_digits: Literal[2, 4] = 4,
    date_sep: str | None = None,
    comma: bool = True,
    am_pm: Literal["AM", "am", "a.m."] = "AM",
    am_pm_space: str = NNBSP,
    title: str | None = None,
    encryption_notice: bool = False,
    newline: str = "\n",
    bom: bool = False,
) -> str:
    """The text of an export of `messages`, in the given layout, date order and clock.

    `seconds` defaults to the layout's habit (iOS writes them, Android does not); `title` is
    the group name iOS writes before app notices; `encryption_notice` starts the chat with the
    notice WhatsApp puts first, at the first message's time.
    """
    records = list(messages)
    if seconds is None:
        seconds = layout == "ios"
    sep = date_sep or ("-" if date_order == "ymd" else "/")

    def stamp(ts: datetime) -> str:
        year = f"{ts.year:04d}" if year_digits == 4 else f"{ts.year % 100:02d}"
        fields = {"d": f"{ts.day:02d}", "m": f"{ts.month:02d}", "y": year}
        date = sep.join(fields[letter] for letter in date_order)
        time = f"{ts.hour:02d}:{ts.minute:02d}" if clock == "24h" else f"{ts.hour % 12 or 12}:{ts.minute:02d}"
        if seconds:
            time += f":{ts.second:02d}"
        if clock == "12h":
            marker = {"AM": ("AM", "PM"), "am": ("am", "pm"), "a.m.": ("a.m.", "p.m.")}[am_pm]
            time += am_pm_space + marker[ts.hour >= 12]
        return f"{date}{',' if comma else ''} {time}"

    lines: list[str] = []
    if encryption_notice and records:
        lines.append(_line(layout, stamp(records[0].ts), title, ENCRYPTION_NOTICE[layout], "system"))
    for record in records:
        kind = str(record.kind)
        text = record.text or DEFAULT_TEXT.get((layout, kind), "")
        if getattr(record, "edited", False):
            text += EDITED[layout]
        author = record.author if kind != "system" or layout == "ios" else None
        lines.append(_line(layout, stamp(record.ts), author or title, text, kind))
    return ("\ufeff" if bom else "") + newline.join(lines) + newline


def _line(layout: str, stamp: str, author: str | None, text: str, kind: str) -> str:
    if layout == "web":  # what WhatsApp Web gives a copied message: "[21:04, 12/03/2024] Sam: hi"
        date, _, time = stamp.partition(", ")
        return f"[{time}, {date}] {author}: {text}"
    if layout == "android":
        return f"{stamp} - {text}" if kind == "system" or author is None else f"{stamp} - {author}: {text}"
    # iOS marks app notices and media with U+200E, before the line and before the text
    marked = kind in ("system", "media", "deleted")
    text = LRM + text if marked else text
    return f"{LRM if marked else ''}[{stamp}] {author or 'WhatsApp'}: {text}"


def zip_whatsapp(
    path: Path,
    chat_text: str,
    *,
    layout: Literal["android", "ios"],
    title: str,
    media: dict[str, bytes] | None = None,
) -> Path:
    """Write the zip WhatsApp shares: ``_chat.txt`` (iOS) or ``WhatsApp Chat with TITLE.txt``."""
    member = "_chat.txt" if layout == "ios" else f"WhatsApp Chat with {title}.txt"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(member, chat_text.encode("utf-8"))
        for name, data in (media or {}).items():
            zf.writestr(name, data)
    return path
