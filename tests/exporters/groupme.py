"""Render chat records as a GroupMe data export: one group's folder of ``message.json``,
``conversation.json`` and ``likes/for_me.json``.

Records follow `tests.exporters._json_records.ChatRecord`. The output is what GroupMe writes:
``message.json`` minified and newest first, ``created_at`` in whole seconds since 1970 from each
naive `ts` read as this computer's local time (GroupMe keeps no fractions), ids GroupMe-style
18-digit strings that grow with time. Each author gets a numeric user id derived from their name
(`user_id`) and, with everyone who reacted, is a member of ``conversation.json`` under that name. "deleted" records keep
GroupMe's placeholder words with ``deleted_at`` set; a "media" record whose text is one of the
importer's placeholders is that attachment with no words (``"text": null``), any other is a photo
carrying the text; ``reply_to`` is a ``reply`` attachment; ``edited`` sets ``updated_at``.
`reactions` (record index -> `Reaction`s) are written in ``reactions`` (2024 on) when `style` is
``"reactions"``, or, when it is ``"likes"``, as ``favorited_by`` alone (every reaction a like, as
GroupMe showed them before). `notices` (record index -> words) put a GroupMe notice just before a
record. ``likes/for_me.json`` lists the messages of `me` others reacted to, which tells the importer
who exported.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime

from tests.exporters._json_records import ChatRecord, reply_target, stable_number, was_edited

from turntoward.ingest.groupme import MEDIA
from turntoward.model import Reaction

_TYPE_BY_PLACEHOLDER = {"<photo>": "image", "<video>": "video", "<file>": "file"}
assert set(_TYPE_BY_PLACEHOLDER) <= set(MEDIA.values())
GROUP_ID = "59528655"


def user_id(name: str) -> str:
    """The numeric user id a name is rendered with."""
    return str(stable_number(f"groupme {name}", 8))


def _message_id(ts: datetime, i: int) -> str:
    return f"{int(ts.timestamp() * 1000)}{i:05d}"


def render_groupme(
    records: Sequence[ChatRecord],
    *,
    title: str,
    me: str | None = None,
    reactions: Mapping[int, Sequence[Reaction]] | None = None,
    style: str = "reactions",
    notices: Mapping[int, str] | None = None,
) -> dict[str, str]:
    """The files of one group's folder, by their path inside it."""
    reactions = reactions or {}
    ids = [_message_id(r.ts, i) for i, r in enumerate(records)]
    out: list[dict[str, object]] = []
    for i, record in enumerate(records):
        if notices and i in notices:
            seconds = int(record.ts.timestamp())
            out.append({"attachments": [], "avatar_url": None, "created_at": seconds, "favorited_by": [],
                        "group_id": GROUP_ID, "id": f"{seconds * 1000}9{i:04d}", "name": "GroupMe",
                        "sender_id": "system", "sender_type": "system", "source_guid": f"n{i}", "system": True,
                        "text": notices[i], "user_id": "system", "platform": "gm", "event": {
                            "type": "membership.announce.joined",
                            "data": {"user": {"id": int(user_id(record.author)), "nickname": record.author}}}})
        out.append(_message(record, i, ids, reactions.get(i, ()), style))
    out.reverse()  # newest first
    people = list(dict.fromkeys([*(r.author for r in records), *(r.author for marks in reactions.values()
                                                                 for r in marks)]))
    conversation = {"id": GROUP_ID, "group_id": GROUP_ID, "name": title, "type": "private", "description": "",
                    "members": [{"user_id": user_id(p), "nickname": p, "name": p, "id": str(stable_number(p, 9)),
                                 "muted": False, "autokicked": False, "roles": ["user"]} for p in people]}
    files = {"message.json": json.dumps(out, ensure_ascii=False, separators=(",", ":")),
             "conversation.json": json.dumps(conversation, ensure_ascii=False, separators=(",", ":"))}
    if me is not None:
        liked = [m for m in reversed(out) if m["sender_id"] == user_id(me) and m["favorited_by"]]
        files["likes/for_me.json"] = json.dumps({"meta": {"code": 200}, "response": {"messages": liked}},
                                                ensure_ascii=False, separators=(",", ":"))
    return files


def _message(record: ChatRecord, i: int, ids: list[str], marks: Sequence[Reaction], style: str) -> dict[str, object]:
    kind = str(record.kind)
    text: str | None = record.text
    attachments: list[dict[str, object]] = []
    if kind == "media":
        media_type = _TYPE_BY_PLACEHOLDER.get(record.text, "image")
        attachments.append({"type": media_type, "url": f"https://i.groupme.com/1024x768.jpeg.{ids[i][-12:]}"}
                           if media_type != "file" else {"type": "file", "file_id": f"f{ids[i][-8:]}"})
        if record.text in _TYPE_BY_PLACEHOLDER:
            text = None
    target = reply_target(record)
    if target is not None:
        attachments.append({"type": "reply", "reply_id": ids[target], "base_reply_id": ids[target],
                            "user_id": "0"})
    seconds = int(record.ts.timestamp())
    liked = list(dict.fromkeys(user_id(r.author) for r in marks))
    message: dict[str, object] = {
        "attachments": attachments, "avatar_url": None, "created_at": seconds, "favorited_by": liked,
        "group_id": GROUP_ID, "id": ids[i], "name": record.author, "sender_id": user_id(record.author),
        "sender_type": "user", "source_guid": f"g{ids[i]}", "system": False, "text": text,
        "user_id": user_id(record.author), "platform": "gm", "pinned_at": None, "pinned_by": ""}
    if style == "reactions" and marks:
        by_emoji: dict[str, list[str]] = {}
        for r in marks:
            by_emoji.setdefault(r.emoji, []).append(user_id(r.author))
        message["reactions"] = [{"type": "unicode", "code": e, "user_ids": who} for e, who in by_emoji.items()]
    if kind == "deleted":
        message.update(text="This message was deleted", deleted_at=seconds + 30, deletion_actor="sender")
    if was_edited(record):
        message["updated_at"] = seconds + 60
    return message
