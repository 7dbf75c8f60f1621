"""Render chat records as a DiscordChatExporter HTML export (the layout of 2.33 and later).

Records follow `tests.exporters._json_records.ChatRecord`. As MessageGroupTemplate.cshtml writes
it: a preamble naming the server (``Direct Messages`` for a DM) and ``Category / channel``, then
messages in groups of one author (a new group after 7 minutes), the first of each with the
author and the time, the others with the time in a short timestamp's title. Words are escaped
and keep their newlines; a "media" record is an attachment (a sticker for "<sticker>"), with its
words unless they are the importer's placeholder; an ``edited`` record gets "(edited)"; a record
with ``reply_to`` quotes that message above its header. Times are written in en-US's short
date and time. Deleted records are left out, as DiscordChatExporter never sees them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from html import escape

from tests.exporters._json_records import ChatRecord, reply_target, stable_number, surviving, was_edited

from turntoward.ingest.discord import ATTACHMENT, STICKER

GROUP_GAP = timedelta(minutes=7)


def render_discord_html(messages: Sequence[ChatRecord], *, channel: str, guild: str | None = None) -> str:
    """A channel export; `guild` None means a DM."""
    kept, new_index = surviving(messages)
    ids = [str(stable_number(f"message {i}", 19)) for i in range(len(kept))]
    quoted: dict[int, str] = {}
    for old, record in enumerate(messages):
        target = reply_target(record)
        if old in new_index and target is not None and target in new_index:
            quoted[new_index[old]] = ids[new_index[target]]
    out = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", f"<title>{escape(channel)}</title>",
        '<meta charset="utf-8">', "</head>", "<body>", '<div class="preamble">',
        '<div class="preamble__entries-container">',
        f'<div class="preamble__entry">{escape(guild or "Direct Messages")}</div>',
        f'<div class="preamble__entry">{"Private" if guild is None else "Text Channels"} / {escape(channel)}</div>',
        "</div>", "</div>", '<div class="chatlog">',
    ]
    previous: ChatRecord | None = None
    for i, record in enumerate(kept):
        first = (previous is None or previous.author != record.author or record.ts - previous.ts > GROUP_GAP
                 or i in quoted)
        if first:
            if previous is not None:
                out.append("</div>")
            out.append('<div class="chatlog__message-group">')
        out += _message(record, ids[i], first, quoted.get(i))
        previous = record
    if previous is not None:
        out.append("</div>")
    out += ["</div>", '<div class="postamble">',
            f'<div class="postamble__entry">Exported {len(kept):,} message(s)</div>', "</div>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


def _message(record: ChatRecord, message_id: str, first: bool, quoted: str | None) -> list[str]:
    when = _stamp(record.ts)
    out = [f'<div id="chatlog__message-container-{message_id}" class="chatlog__message-container " '
           f'data-message-id="{message_id}">', '<div class="chatlog__message">', '<div class="chatlog__message-aside">']
    if first:
        out.append('<img class="chatlog__avatar" src="https://cdn.discordapp.com/embed/avatars/0.png" alt="Avatar">')
    else:
        out.append(f'<div class="chatlog__short-timestamp" title="{when}">{record.ts:%H:%M}</div>')
    out += ["</div>", '<div class="chatlog__message-primary">']
    if quoted is not None:
        out += ['<div class="chatlog__reply">', '<div class="chatlog__reply-content">',
                f"<span class=\"chatlog__reply-link\" onclick=\"scrollToMessage(event, '{quoted}')\">the quoted words"
                "</span>", "</div>", "</div>"]
    if first:
        out += ['<div class="chatlog__header">',
                f'<span class="chatlog__author" title="{escape(record.author)}">{escape(record.author)}</span>',
                '<span class="chatlog__timestamp">'
                f'<a href="#chatlog__message-container-{message_id}">{when}</a></span>',
                "</div>"]
    text = record.text
    media = str(record.kind) == "media"
    if media and text in (ATTACHMENT, STICKER):
        text = ""
    if text or was_edited(record):
        out.append('<div class="chatlog__content chatlog__markdown">')
        if text:
            out.append(f'<span class="chatlog__markdown-preserve">{escape(text)}</span>')
        if was_edited(record):
            out.append(f'<span class="chatlog__edited-timestamp" title="{when}">(edited)</span>')
        out.append("</div>")
    if media and record.text == STICKER:
        out.append('<div class="chatlog__sticker" title="Wave">'
                   '<img class="chatlog__sticker--media" alt="Sticker"></div>')
    elif media:
        out.append('<div class="chatlog__attachment "><a href="https://cdn.discordapp.com/attachments/1/2/image.png">'
                   '<img class="chatlog__attachment-media" alt="Image attachment"></a></div>')
    out += ["</div>", "</div>", "</div>"]
    return out


def _stamp(ts: datetime) -> str:
    hour12 = ts.hour % 12 or 12
    return f"{ts.month}/{ts.day}/{ts.year} {hour12}:{ts.minute:02d} {'PM' if ts.hour >= 12 else 'AM'}"
