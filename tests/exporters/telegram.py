"""Render chat records as a Telegram Desktop JSON export (``result.json``).

`render_telegram` writes the one-chat export, `render_telegram_account` the whole-account
export with several chats. Records follow `tests.exporters._json_records.ChatRecord`.
Telegram leaves deleted messages out, so "deleted" records are omitted and replies renumbered.
A "media" record whose text is one of the importer's placeholders ("<sticker>", "<voice
message>", ...) becomes that kind of file; any other media record becomes a photo with its text
as the caption ("<photo>" or "" for none). Links and @mentions in text become entity parts, as
Telegram writes them; an ``edited`` record gets an edit time a minute after it was sent.
A record with ``reactions`` (objects with ``author``, ``emoji`` and ``ts``, like
`turntoward.model.Reaction`; a ``ts`` of None means the message's own time) gets Telegram's
``reactions`` list: one ``emoji`` entry per emoji, in order of first use, naming every reactor
in ``recent``. Records without the field render exactly as before.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime, timedelta, timezone

from tests.exporters._json_records import ChatRecord, reply_target, stable_number, surviving, was_edited

from turntoward.ingest.telegram import MEDIA_PLACEHOLDERS, PHOTO

NOT_INCLUDED = "(File not included. Change data exporting settings to download.)"
_ENTITY = re.compile(r"https?://\S+|@\w{3,}")
_MEDIA_BY_PLACEHOLDER = {text: media_type for media_type, text in MEDIA_PLACEHOLDERS.items()}
_FOLDERS = {
    "voice_message": ("voice_messages/audio", "ogg", "audio/ogg"),
    "video_message": ("round_video_messages/file", "mp4", "video/mp4"),
    "video_file": ("video_files/video", "mp4", "video/mp4"),
    "animation": ("video_files/animation", "mp4", "video/mp4"),
    "audio_file": ("files/audio", "mp3", "audio/mpeg"),
}


def render_telegram(
    messages: Sequence[ChatRecord],
    *,
    title: str,
    chat_type: str | None = None,
    chat_id: int | None = None,
    utc_offset: timedelta = timedelta(0),
    first_id: int = 1,
) -> str:
    """A one-chat ``result.json``; a chat with more than two authors is a private group."""
    chat = _chat(messages, title, chat_type, chat_id, utc_offset, first_id)
    return json.dumps(chat, ensure_ascii=False, indent=1) + "\n"


def render_telegram_account(
    chats: Sequence[tuple[str, Sequence[ChatRecord]]],
    *,
    me: str,
    utc_offset: timedelta = timedelta(0),
) -> str:
    """A whole-account ``result.json``: `me` is the account owner, `chats` are (title, records)."""
    first, _, last = me.partition(" ")
    own_id = stable_number(me, 10)
    chat_list = []
    next_id = 1
    for title, records in chats:
        chat_list.append(_chat(records, title, None, None, utc_offset, next_id))
        next_id += len(records)
    account = {
        "about": "Here is the data you requested.",
        "personal_information": {
            "user_id": own_id,
            "first_name": first,
            "last_name": last,
            "phone_number": "+44 7700 900000",
            "username": "",
            "bio": "",
        },
        "profile_pictures": [],
        "contacts": {"about": "This is your contact list.", "list": []},
        "frequent_contacts": {"about": "People you message frequently.", "list": []},
        "chats": {"about": "This page lists all chats from this export.", "list": chat_list},
        "left_chats": {"about": "Supergroups and channels you have left.", "list": []},
    }
    return json.dumps(account, ensure_ascii=False, indent=1) + "\n"


def _chat(
    records: Sequence[ChatRecord],
    title: str,
    chat_type: str | None,
    chat_id: int | None,
    utc_offset: timedelta,
    first_id: int,
) -> dict[str, object]:
    kept, new_index = surviving(records)
    authors = {r.author for r in kept}
    tz = timezone(utc_offset)
    quoted: dict[int, int] = {}  # new position -> id of the message it replies to
    for old, record in enumerate(records):
        target = reply_target(record)
        if old in new_index and target is not None and target in new_index:
            quoted[new_index[old]] = first_id + new_index[target]
    out = [_message(r, first_id + p, tz, quoted.get(p)) for p, r in enumerate(kept)]
    return {
        "name": title,
        "type": chat_type or ("personal_chat" if len(authors) <= 2 else "private_group"),
        "id": chat_id if chat_id is not None else stable_number(title, 10),
        "messages": out,
    }


def _message(record: ChatRecord, message_id: int, tz: timezone, reply_to: int | None) -> dict[str, object]:
    message: dict[str, object] = {
        "id": message_id,
        "type": "message",
        **_when(record.ts, tz),
        "from": record.author,
        "from_id": f"user{stable_number(record.author, 10)}",
    }
    if reply_to is not None:
        message["reply_to_message_id"] = reply_to
    text = record.text
    if str(record.kind) == "media":
        media_type = _MEDIA_BY_PLACEHOLDER.get(text)
        if media_type is not None:
            message.update(_file(media_type, record.ts, message_id))
            text = ""
        else:
            stamp = record.ts.strftime("%d-%m-%Y_%H-%M-%S")
            message.update({"photo": f"photos/photo_{message_id}@{stamp}.jpg", "width": 1280, "height": 960})
            text = "" if text == PHOTO else text
    if was_edited(record):
        # Telegram shows the time of the last edit; a minute after sending is as good as any.
        edited = _when(record.ts + timedelta(minutes=1), tz)
        message["edited"], message["edited_unixtime"] = edited["date"], edited["date_unixtime"]
    parts = _parts(text) if text else []
    message["text"] = parts[0] if len(parts) == 1 and isinstance(parts[0], str) else (parts or "")
    message["text_entities"] = [{"type": "plain", "text": p} if isinstance(p, str) else p for p in parts]
    reactions = _reactions(record)
    if reactions:
        message["reactions"] = reactions
    return message


def _reactions(record: ChatRecord) -> list[dict[str, object]]:
    """Telegram's ``reactions``: the record's reactions grouped by emoji, each reactor named."""
    by_emoji: dict[str, list[dict[str, str]]] = {}
    for reaction in getattr(record, "reactions", ()):
        ts = reaction.ts if reaction.ts is not None else record.ts
        by_emoji.setdefault(reaction.emoji, []).append(
            {
                "from": reaction.author,
                "from_id": f"user{stable_number(reaction.author, 10)}",
                "date": ts.isoformat(timespec="seconds"),
            }
        )
    return [
        {"type": "emoji", "count": len(recent), "emoji": emoji, "recent": recent} for emoji, recent in by_emoji.items()
    ]


def _when(ts: datetime, tz: timezone) -> dict[str, str]:
    return {
        "date": ts.isoformat(timespec="seconds"),
        "date_unixtime": str(int(ts.replace(tzinfo=tz).timestamp())),
    }


def _file(media_type: str, ts: datetime, message_id: int) -> dict[str, object]:
    if media_type == "sticker":
        return {"file": NOT_INCLUDED, "thumbnail": NOT_INCLUDED, "media_type": "sticker",
                "sticker_emoji": "🙂", "width": 512, "height": 512}
    stem, suffix, mime = _FOLDERS[media_type]
    stamp = ts.strftime("%d-%m-%Y_%H-%M-%S")
    return {"file": f"{stem}_{message_id}@{stamp}.{suffix}", "media_type": media_type,
            "mime_type": mime, "duration_seconds": 7}


def _parts(text: str) -> list[str | dict[str, str]]:
    """Plain strings and link/mention entities, as Telegram splits a message's text."""
    parts: list[str | dict[str, str]] = []
    last = 0
    for match in _ENTITY.finditer(text):
        if match.start() > last:
            parts.append(text[last : match.start()])
        kind = "mention" if match.group().startswith("@") else "link"
        parts.append({"type": kind, "text": match.group()})
        last = match.end()
    if last < len(text):
        parts.append(text[last:])
    return parts
