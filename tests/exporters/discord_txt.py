"""Render chat records as a DiscordChatExporter plain-text (TXT) export of one DM or channel.

Records follow `tests.exporters._json_records.ChatRecord`. Layout as PlainTextMessageWriter.cs
writes it: a preamble between rules of 62 ``=``, then per message ``[time] author``, its words,
a blank line, its ``{Attachments}`` or ``{Stickers}`` section, and a blank line; a closing rule,
``Exported N message(s)`` and a rule end it. The time is .NET's short date and time of
`culture`: ``en-US`` (``3/12/2024 9:04 PM``), ``de-DE`` (``12.03.2024 21:04``) or ``legacy``
(``12-Mar-24 09:04 PM``, the fixed format of older versions). Authors are written as they come
(the plain-text writer shows user names, which these records' display names stand for);
deleted records are left out, as DiscordChatExporter never sees them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tests.exporters._json_records import ChatRecord, surviving

from turntoward.ingest.discord import ATTACHMENT, STICKER

RULE = "=" * 62


def render_discord_txt(
    messages: Sequence[ChatRecord], *, channel: str, guild: str | None = None, culture: str = "en-US"
) -> str:
    """A channel export; `guild` None means a DM."""
    kept, _ = surviving(messages)
    lines = [RULE, f"Guild: {guild or 'Direct Messages'}",
             f"Channel: {'Private' if guild is None else 'Text Channels'} / {channel}", RULE, ""]
    for record in kept:
        lines.append(f"[{_stamp(record.ts, culture)}] {record.author}")
        text = record.text
        section = None
        if str(record.kind) == "media":
            section = "{Stickers}" if text == STICKER else "{Attachments}"
            text = "" if text in (ATTACHMENT, STICKER) else text
        if text:
            lines += [text, ""]
        if section == "{Stickers}":
            lines += [section, "https://media.discordapp.net/stickers/749054660769218631.png", ""]
        elif section:
            lines += [section, "https://cdn.discordapp.com/attachments/1/2/image.png", ""]
        lines.append("")
    lines += [RULE, f"Exported {len(kept):,} message(s)", RULE]
    return "\n".join(lines) + "\n"


def _stamp(ts: datetime, culture: str) -> str:
    hour12 = ts.hour % 12 or 12
    period = "PM" if ts.hour >= 12 else "AM"
    if culture == "en-US":
        return f"{ts.month}/{ts.day}/{ts.year} {hour12}:{ts.minute:02d} {period}"
    if culture == "de-DE":
        return f"{ts.day:02d}.{ts.month:02d}.{ts.year} {ts.hour:02d}:{ts.minute:02d}"
    if culture == "legacy":
        return f"{ts:%d-%b-%y} {hour12:02d}:{ts.minute:02d} {period}"
    raise ValueError(culture)
