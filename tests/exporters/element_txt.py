"""Render chat records as Element's plain-text export of one Matrix room.

Layout as ``PlainTextExport.ts`` writes it (see `turntoward.ingest.element_txt`): no header, one
``<date> - <text>`` line per event, a message's further lines after it. ``Sam: words``; media
``Sam: clip.mp4 (Media omitted)``; deleted ``Sam: Message deleted``; a reply ``Sam: <@lee:example.org
"first line of the quoted..."> words`` (the quote's first line cut at 32 UTF-16 units, `js_cut`). `style` picks
the date: ``en-US`` / ``en-GB`` (``toLocaleString``, until August 2023), ``fixed`` (``Fri, Apr 16
2021 17:20:00``, August 2023) or ``intl-US`` / ``intl-GB`` (``Intl.DateTimeFormat``, since).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tests.ingest._records import Rec

NNBSP = "\u202f"


def render_element_txt(records: Sequence[Rec], style: str = "en-US") -> str:
    lines = []
    for record in records:
        if record.kind == "deleted":
            text = f"{record.author}: Message deleted"
        elif record.kind == "media":
            text = f"{record.author}: {record.text} (Media omitted)"
        else:
            text = f"{record.author}: {_reply_prefix(records, record)}{record.text}"
        lines.append(f"{stamp(record.ts, style)} - {text}")
    return "\n".join(lines) + "\n"


def _reply_prefix(records: Sequence[Rec], record: Rec) -> str:
    if record.reply_to is None or records[record.reply_to].kind == "deleted":
        return ""
    quoted = records[record.reply_to]
    user = "@" + quoted.author.lower().replace(" ", "") + ":example.org"
    first = next((line for line in quoted.text.split("\n") if line.strip()), "")
    if not first:
        return f"<{user}> "
    return f'<{user} "{js_cut(first)}"> '


def js_cut(line: str) -> str:
    """`line` as Element quotes it: ``line.substring(0, 32)`` plus ``...`` when longer, counted in
    JavaScript's UTF-16 units (an emoji is two); a pair cut in half is written as U+FFFD."""
    units = line.encode("utf-16-le")
    if len(units) <= 64:
        return line
    return units[:64].decode("utf-16-le", errors="replace") + "..."


def stamp(ts: datetime, style: str) -> str:
    hour12, period = ts.hour % 12 or 12, "PM" if ts.hour >= 12 else "AM"
    if style == "en-US":
        return f"{ts.month}/{ts.day}/{ts.year}, {hour12}:{ts:%M:%S} {period}"
    if style == "en-GB":
        return f"{ts:%d/%m/%Y, %H:%M:%S}"
    if style == "fixed":
        return f"{ts:%a, %b} {ts.day} {ts.year} {ts:%H:%M:%S}"
    if style == "intl-US":
        return f"{ts:%a, %b} {ts.day}, {ts.year}, {hour12}:{ts:%M:%S}{NNBSP}{period}"
    if style == "intl-GB":
        return f"{ts:%a}, {ts.day} {ts:%b %Y, %H:%M:%S}"
    raise ValueError(style)
