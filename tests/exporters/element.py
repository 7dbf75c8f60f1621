"""Render chat records as Element's JSON export of one Matrix room ("Export chat", JSON).

Records follow `tests.exporters._json_records.ChatRecord`. The output is what Element's
``JSONExport.ts`` writes: ``room_name``, ``room_creator``, ``topic``, ``export_date``,
``exported_by`` and ``messages``, indented by two spaces, each message a Matrix event with
``origin_server_ts`` in milliseconds since 1970 (UTC), from each naive `ts` read as this
computer's local time. Each author gets a Matrix id derived from their name
(``@tomas.brenner:matrix.org``) and a ``m.room.member`` join event with their name as
``displayname`` before the first message; `me` is ``exported_by`` (their display name, or
their Matrix id with `exported_by_id`, as Element writes it for someone without one).

A "text" record is ``m.text``; with ``reply_to`` it carries ``m.relates_to.m.in_reply_to`` and
the reply fallback (``> <@id> first line`` and a blank line) before its words, as clients wrote
it before Matrix 1.13. A "media" record is an ``m.image`` whose ``body`` is its text (a file
name), or has no ``body`` when its text is the importer's placeholder. A "deleted" record is a
redacted event: empty ``content`` and ``unsigned.redacted_because``. An ``edited`` record was
first sent with other words; with ``edits="bundled"`` (what Element's exports hold) the server's
bundled edit (``unsigned["m.relations"]["m.replace"]``) carries the final words, with
``edits="events"`` (other tools) a separate ``m.replace`` event a minute later does. `reactions`
(record index -> `Reaction`s, each with a time) become ``m.reaction`` events after the message,
in order; Element itself leaves reactions out, other tools do not.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime

from tests.exporters._json_records import ChatRecord, handle, reply_target, stable_number, was_edited

from turntoward.ingest.element import MEDIA_PLACEHOLDERS
from turntoward.model import Reaction

SERVER = "matrix.org"


def user_id(name: str) -> str:
    """The Matrix id a name is rendered with."""
    return f"@{handle(name)}:{SERVER}"


def render_element(
    messages: Sequence[ChatRecord],
    *,
    room: str,
    me: str,
    reactions: Mapping[int, Sequence[Reaction]] | None = None,
    edits: str = "bundled",
    exported_by_id: bool = False,
) -> str:
    """The export of a room called `room` holding `messages`, exported by `me`."""
    room_id = f"!{stable_number(f'room {room}', 18):x}:{SERVER}"
    people = list(dict.fromkeys([me, *(r.author for r in messages),
                                 *(r.author for listed in (reactions or {}).values() for r in listed)]))
    ids = {name: user_id(name) for name in people}
    if len(set(ids.values())) != len(ids):
        raise ValueError(f"two names render as the same Matrix id: {sorted(people)}")
    start = min((r.ts for r in messages), default=datetime(2024, 1, 1)).timestamp() * 1000
    counter = iter(range(10**6))

    def event(kind: str, sender: str, ms: int, content: dict[str, object], **extra: object) -> dict[str, object]:
        number = next(counter)
        built: dict[str, object] = {
            "type": kind,
            "sender": sender,
            "content": content,
            "origin_server_ts": ms,
            "unsigned": {"age": 600_000 + number},
            "event_id": f"${stable_number(f'{room} {number}', 20):x}",
            "room_id": room_id,
        }
        built.update(extra)
        return built

    out: list[dict[str, object]] = []
    for k, name in enumerate(people):
        out.append(event("m.room.member", ids[name], int(start) - 60_000 * (len(people) - k),
                         {"membership": "join", "displayname": name}, state_key=ids[name]))
    event_ids: list[str] = []
    for i, record in enumerate(messages):
        ms = _ms(record.ts)
        sent = event(_event_type(record), ids[record.author], ms, {})
        event_ids.append(str(sent["event_id"]))
        out.append(sent)
        if str(record.kind) == "deleted":
            sent["unsigned"] = {"redacted_because": {
                "type": "m.room.redaction", "sender": ids[record.author], "content": {}, "redacts": sent["event_id"],
                "origin_server_ts": ms + 30_000, "event_id": f"{sent['event_id']}r", "room_id": room_id,
            }}
            continue
        final = _content(record, messages, ids, event_ids)
        sent["content"] = final
        if was_edited(record):
            first = dict(final)
            if final.get("msgtype") == "m.text":
                first["body"] = f"{final['body']} (first try)"
            sent["content"] = first
            edit = event("m.room.message", ids[record.author], ms + 60_000, {
                "msgtype": final.get("msgtype", "m.image"), "body": f" * {record.text}",
                "m.new_content": {**{key: value for key, value in final.items() if key != "m.relates_to"},
                                  **({"body": record.text} if final.get("msgtype") == "m.text" else {})},
                "m.relates_to": {"rel_type": "m.replace", "event_id": sent["event_id"]},
            })
            if edits == "events":
                out.append(edit)
            else:
                sent["unsigned"] = {"age": 600_000, "m.relations": {"m.replace": edit}}
        for reaction in (reactions or {}).get(i, ()):
            when = _ms(reaction.ts) if reaction.ts is not None else ms + 1000
            out.append(event("m.reaction", ids[reaction.author], when, {"m.relates_to": {
                "rel_type": "m.annotation", "event_id": sent["event_id"], "key": reaction.emoji,
            }}))
    export = {
        "room_name": room,
        "room_creator": me,
        "topic": "",
        "export_date": "1/1/2025",
        "exported_by": ids[me] if exported_by_id else me,
        "messages": out,
    }
    return json.dumps(export, ensure_ascii=False, indent=2)


_KIND_BY_PLACEHOLDER = {placeholder: kind for kind, placeholder in MEDIA_PLACEHOLDERS.items()}
_EVENT_TYPES = frozenset({"m.sticker", "m.poll.start"})  # event types, not msgtypes


def _event_type(record: ChatRecord) -> str:
    kind = _KIND_BY_PLACEHOLDER.get(record.text) if str(record.kind) == "media" else None
    return kind if kind in _EVENT_TYPES else "m.room.message"


def _content(
    record: ChatRecord, messages: Sequence[ChatRecord], ids: Mapping[str, str], event_ids: list[str]
) -> dict[str, object]:
    if str(record.kind) == "media":
        kind = _KIND_BY_PLACEHOLDER.get(record.text, "m.image")
        content: dict[str, object] = {"msgtype": kind, "url": f"mxc://{SERVER}/{stable_number(record.text, 12):x}",
                                      "info": {"mimetype": "image/jpeg", "size": 120_000, "w": 1200, "h": 900}}
        if kind in _EVENT_TYPES:
            content.pop("msgtype")
        if record.text not in _KIND_BY_PLACEHOLDER:
            content["body"] = record.text  # a placeholder stands for a file sent without a name
        return content
    content = {"msgtype": "m.text", "body": record.text}
    target = reply_target(record)
    if target is not None:
        quoted = messages[target]
        first_line = (quoted.text.split("\n")[0] if str(quoted.kind) == "text" else "sent an image.") or "…"
        content["body"] = f"> <{ids[quoted.author]}> {first_line}\n\n{record.text}"
        content["m.relates_to"] = {"m.in_reply_to": {"event_id": event_ids[target]}}
    return content


def _ms(ts: datetime) -> int:
    """A naive local time as milliseconds since 1970 (exact: no float rounding)."""
    whole = ts.replace(microsecond=0)
    return int(whole.timestamp()) * 1000 + ts.microsecond // 1000
