"""Render chat records as a DiscordChatExporter JSON export of one DM or guild channel.

Records follow `tests.exporters._json_records.ChatRecord`. Each author becomes a Discord user
whose user name is derived from the display name and whose ``nickname`` is the display name
itself (what the importer shows). DiscordChatExporter never sees deleted messages, so
"deleted" records are omitted and replies renumbered. A "media" record becomes an attachment
(or a sticker for "<sticker>") with its text as the message content unless the text is the
importer's placeholder. Timestamps are written in `utc_offset`, at millisecond precision; an
``edited`` record gets ``timestampEdited`` a minute after it was sent.

`reactions` maps a record's index to ``(emoji, [display names])`` pairs, written as
DiscordChatExporter 2.40.4 and later write them: one entry per emoji with its ``count`` and its
``users`` (author objects without ``roles``). An emoji written ``:name:`` is a custom server
emoji (a snowflake id, the name without colons); any other is a standard one (``"id": ""``).
`reaction_users=False` leaves ``users`` out, as exports before 2.40.4 do.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta, timezone

from tests.exporters._json_records import (
    ChatRecord,
    handle,
    reply_target,
    stable_number,
    surviving,
    was_edited,
)

from turntoward.ingest.discord import ATTACHMENT, STICKER

DISCORD_EPOCH_MS = 1_420_070_400_000  # snowflake ids count milliseconds from 2015-01-01 UTC
_CDN = "https://cdn.discordapp.com"


def render_discord(
    messages: Sequence[ChatRecord],
    *,
    channel: str,
    guild: str | None = None,
    utc_offset: timedelta = timedelta(0),
    reactions: Mapping[int, Sequence[tuple[str, Sequence[str]]]] | None = None,
    reaction_users: bool = True,
) -> str:
    """A channel export; `guild` None means a DM (or group DM with more than two authors)."""
    kept, new_index = surviving(messages)
    tz = timezone(utc_offset)
    channel_id = str(stable_number(f"channel {channel}", 19))
    ids = [_snowflake(r.ts, tz, i) for i, r in enumerate(kept)]
    quoted: dict[int, str] = {}
    for old, record in enumerate(messages):
        target = reply_target(record)
        if old in new_index and target is not None and target in new_index:
            quoted[new_index[old]] = ids[new_index[target]]

    reacted = {new_index[old]: listed for old, listed in (reactions or {}).items() if old in new_index}
    out = []
    for i, record in enumerate(kept):
        message = _message(record, ids[i], tz, channel_id, quoted.get(i))
        message["reactions"] = [_reaction(emoji, names, reaction_users) for emoji, names in reacted.get(i, ())]
        out.append(message)
    if guild is None:
        guild_part = {"id": "0", "name": "Direct Messages", "iconUrl": f"{_CDN}/embed/avatars/0.png"}
        group = len({r.author for r in kept}) > 2
        channel_part = {
            "id": channel_id,
            "type": "DirectGroupTextChat" if group else "DirectTextChat",
            "categoryId": "0",
            "category": "Private",
            "name": channel,
            "topic": None,
        }
    else:
        guild_id = str(stable_number(f"guild {guild}", 19))
        guild_part = {"id": guild_id, "name": guild, "iconUrl": f"{_CDN}/icons/{guild_id}/icon.png"}
        channel_part = {
            "id": channel_id,
            "type": "GuildTextChat",
            "categoryId": str(stable_number(f"category {guild}", 19)),
            "category": "Text Channels",
            "name": channel,
            "topic": None,
        }
    export = {
        "guild": guild_part,
        "channel": channel_part,
        "dateRange": {"after": None, "before": None},
        "exportedAt": _stamp(datetime(2025, 1, 1), tz),
        "messages": out,
        "messageCount": len(out),
    }
    return json.dumps(export, ensure_ascii=False, indent=2) + "\n"


def _message(
    record: ChatRecord, message_id: str, tz: timezone, channel_id: str, quoted: str | None
) -> dict[str, object]:
    content = record.text
    attachments: list[dict[str, object]] = []
    stickers: list[dict[str, object]] = []
    if str(record.kind) == "media":
        if content == STICKER:
            stickers.append({"id": "749054660769218631", "name": "Wave", "format": "Apng",
                             "sourceUrl": "https://media.discordapp.net/stickers/749054660769218631.png"})
            content = ""
        else:
            attachment_id = str(int(message_id) - 4096)
            attachments.append({
                "id": attachment_id,
                "url": f"{_CDN}/attachments/{channel_id}/{attachment_id}/image.png",
                "fileName": "image.png",
                "fileSizeBytes": 204_800,
            })
            content = "" if content == ATTACHMENT else content
    message: dict[str, object] = {
        "id": message_id,
        "type": "Reply" if quoted is not None else "Default",
        "timestamp": _stamp(record.ts, tz),
        "timestampEdited": _stamp(record.ts + timedelta(minutes=1), tz) if was_edited(record) else None,
        "callEndedTimestamp": None,
        "isPinned": False,
        "content": content,
        "author": _author(record.author),
        "attachments": attachments,
        "embeds": [],
        "stickers": stickers,
        "reactions": [],
        "mentions": [],
    }
    if quoted is not None:
        message["reference"] = {"messageId": quoted, "channelId": channel_id, "guildId": None}
    message["inlineEmojis"] = []
    return message


def _reaction(emoji: str, names: Sequence[str], with_users: bool) -> dict[str, object]:
    if len(emoji) > 2 and emoji.startswith(":") and emoji.endswith(":"):
        emoji_id = str(stable_number(f"emoji {emoji}", 19))
        name, code, image = emoji[1:-1], emoji[1:-1], f"{_CDN}/emojis/{emoji_id}.png"
    else:
        emoji_id, name, code = "", emoji, emoji  # the exporter's short code ("heart") is not read
        image = f"https://cdn.jsdelivr.net/gh/twitter/twemoji@latest/assets/svg/{ord(emoji[:1] or '?'):x}.svg"
    reaction: dict[str, object] = {
        "emoji": {"id": emoji_id, "name": name, "code": code, "isAnimated": False, "imageUrl": image},
        "count": len(names),
    }
    if with_users:
        reaction["users"] = [
            {key: value for key, value in _author(n).items() if key != "roles"} for n in names
        ]
    return reaction


def _author(name: str) -> dict[str, object]:
    user_id = stable_number(f"user {name}", 18)
    return {
        "id": str(user_id),
        "name": handle(name),
        "discriminator": "0000",
        "nickname": name,
        "color": None,
        "isBot": False,
        "roles": [],
        "avatarUrl": f"{_CDN}/embed/avatars/{user_id % 5}.png",
    }


def _stamp(ts: datetime, tz: timezone) -> str:
    return ts.replace(tzinfo=tz).isoformat(timespec="milliseconds")


def _snowflake(ts: datetime, tz: timezone, sequence: int) -> str:
    """A message id that sorts by time, as Discord's do (time in the high bits)."""
    ms = int(ts.replace(tzinfo=tz).timestamp() * 1000) - DISCORD_EPOCH_MS
    return str((max(ms, 0) << 22) + 4096 + sequence)
