"""Render chat records as Meta "Download your information" message files (Messenger, Instagram).

Records follow `tests.exporters._json_records.ChatRecord`. The output is what Meta writes:
messages newest first, every string's UTF-8 bytes written as Latin-1 ``\\u00XX`` escapes (the
mojibake the importer repairs), ``timestamp_ms`` from each naive `ts` read as this computer's
local time. "deleted" records become unsent messages; a "media" record whose text is one of the
importer's placeholders becomes that attachment, any other becomes a photo carrying the text.
Meta's files record no replies, so ``reply_to`` is not rendered. `reactions` (record index ->
`turntoward.model.Reaction`s) are listed on their message as Meta lists them, ``{"reaction",
"actor"}`` plus ``timestamp`` in whole seconds when the reaction has a time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence

from tests.exporters._json_records import ChatRecord, stable_number

from turntoward.ingest.messenger import MEDIA_PLACEHOLDERS
from turntoward.model import Reaction

_FIELD_BY_PLACEHOLDER = {text: field for field, text in MEDIA_PLACEHOLDERS.items()}
_ROOTS = {"messenger": "your_facebook_activity/messages", "instagram": "your_instagram_activity/messages"}


def render_messenger(
    messages: Sequence[ChatRecord],
    *,
    title: str,
    participants: Sequence[str] | None = None,
    app: str = "messenger",
    reactions: Mapping[int, Sequence[Reaction]] | None = None,
) -> str:
    """One ``message_1.json`` holding the whole conversation."""
    return render_messenger_files(messages, title=title, participants=participants, app=app,
                                  per_file=max(len(messages), 1), reactions=reactions)["message_1.json"]


def render_messenger_files(
    messages: Sequence[ChatRecord],
    *,
    title: str,
    participants: Sequence[str] | None = None,
    app: str = "messenger",
    per_file: int = 10_000,
    reactions: Mapping[int, Sequence[Reaction]] | None = None,
) -> dict[str, str]:
    """The conversation split as Meta splits it: file name -> text, ``message_1.json`` newest.

    `app` is ``messenger`` or ``instagram`` (it changes the folder the media URIs point into).
    """
    if participants is None:
        participants = list(dict.fromkeys(r.author for r in messages))
    thread_path = f"inbox/{_folder_name(title)}_{stable_number(title, 11)}"
    folder = f"{_ROOTS[app]}/{thread_path}"
    newest_first = [_message(r, i, folder, (reactions or {}).get(i, ())) for i, r in enumerate(messages)][::-1]
    chunks = [newest_first[i : i + per_file] for i in range(0, len(newest_first), per_file)] or [[]]
    files = {}
    for number, chunk in enumerate(chunks, start=1):
        document = {
            "participants": [{"name": name} for name in participants],
            "messages": chunk,
            "title": title,
            "is_still_participant": True,
            "thread_path": thread_path,
            "magic_words": [],
        }
        files[f"message_{number}.json"] = json.dumps(_as_meta_writes(document), ensure_ascii=True, indent=2)
    return files


def _message(record: ChatRecord, position: int, folder: str, reactions: Sequence[Reaction]) -> dict[str, object]:
    message: dict[str, object] = {
        "sender_name": record.author,
        "timestamp_ms": round(record.ts.timestamp() * 1000),
    }
    kind = str(record.kind)
    if kind == "deleted":
        message["is_unsent"] = True
    elif kind == "media":
        field = _FIELD_BY_PLACEHOLDER.get(record.text, "photos")
        seconds = int(record.ts.timestamp())
        uri = f"{folder}/{field}/{stable_number(f'{position} {record.text}', 9)}_{position}.jpg"
        message[field] = {"uri": uri} if field == "sticker" else [{"uri": uri, "creation_timestamp": seconds}]
        if record.text not in _FIELD_BY_PLACEHOLDER:
            message["content"] = record.text
    else:
        message["content"] = record.text
    if reactions:
        message["reactions"] = [_reaction(r) for r in reactions]
    message["is_geoblocked_for_viewer"] = False
    return message


def _reaction(reaction: Reaction) -> dict[str, object]:
    entry: dict[str, object] = {"reaction": reaction.emoji, "actor": reaction.author}
    if reaction.ts is not None:
        entry["timestamp"] = int(reaction.ts.timestamp())
    return entry


def _as_meta_writes(value: object) -> object:
    """Every string re-read as if its UTF-8 bytes were Latin-1 characters, as Meta does."""
    if isinstance(value, str):
        return value.encode("utf-8").decode("latin-1")
    if isinstance(value, list):
        return [_as_meta_writes(item) for item in value]
    if isinstance(value, dict):
        return {key: _as_meta_writes(item) for key, item in value.items()}
    return value


def _folder_name(title: str) -> str:
    return re.sub(r"[^a-z0-9]", "", title.lower()) or "facebookuser"
