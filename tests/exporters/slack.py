"""Render chat records as one conversation of a Slack workspace export (a folder tree).

Records follow `tests.exporters._json_records.ChatRecord`. `render_slack` returns the export's
files as {path inside the export: text}: ``users.json`` (one member per author and reactor, the
name as their display name, or as their real name with no display name when `display_names` is
False), the conversation's list (``channels.json``, ``groups.json``, ``mpims.json`` or
``dms.json``, by `kind`) and its folder (the channel's name, or the DM's id) holding one day file
per local date, each a list of its messages in time order. JSON is written as Slack writes it:
four-space indents, ``/`` escaped, other characters as they are.

A record's time is this computer's local time, written as ``ts`` (seconds since 1970, six
decimals). Its words are escaped as Slack escapes them (``&``, ``<``, ``>``). A "media" record is
a message with a file (a JPEG, or for ``<video>``, ``<audio>`` and ``<file>`` a file of that
kind) and its words, none where they are the importer's placeholder; a "deleted" record is a
tombstone, as Slack leaves a deleted message that began a thread (``USLACKBOT``'s "This message
was deleted.", its writer in ``parent_user_id``), except a deleted reply, which Slack leaves out
(and so does this); an edited record has ``edited`` a minute later.
A reply to record k is in k's thread: its ``thread_ts`` is k's ``ts``, and k carries the thread's
``reply_count`` and ``replies``. `reactions` maps a record's index to ``(emoji name, [names])``
pairs, written as Slack writes them (``{"name", "users", "count"}``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import datetime

from tests.exporters._json_records import ChatRecord, handle, reply_target, stable_number, was_edited

from turntoward.ingest.slack import FILE_PLACEHOLDERS, UNSUPPORTED

TEAM = "T05XAMPLE1"
_MIMETYPES = {"<photo>": ("image/jpeg", "jpg"), "<video>": ("video/mp4", "mp4"), "<audio>": ("audio/mpeg", "mp3"),
              "<file>": ("application/pdf", "pdf")}
PLACEHOLDERS = (*FILE_PLACEHOLDERS.values(), "<file>")
KINDS = ("channel", "private", "mpim", "dm")


def user_id(name: str) -> str:
    """The member id a name gets ("U" and ten digits and capitals, stable across runs)."""
    return "U" + _base36(stable_number(f"user {name}", 16))[:10]


def ts_of(moment: datetime) -> str:
    """A local wall-clock time as Slack's ``ts``: whole seconds since 1970, then the microseconds."""
    return f"{int(moment.replace(microsecond=0).timestamp())}.{moment.microsecond:06d}"


def render_slack(
    messages: Sequence[ChatRecord],
    *,
    kind: str = "channel",
    name: str = "general",
    members: Sequence[str] = (),
    reactions: Mapping[int, Sequence[tuple[str, Sequence[str]]]] | None = None,
    display_names: bool = True,
) -> dict[str, str]:
    """The export of one conversation: a channel, private channel or group DM called `name`, or a
    DM (`kind`); `members` are listed with it, besides every author."""
    people = list(dict.fromkeys([*members, *(r.author for r in messages),
                                 *(n for listed in (reactions or {}).values() for _, names in listed for n in names)]))
    conversation_id = {"channel": "C", "private": "G", "mpim": "G", "dm": "D"}[kind] + _base36(
        stable_number(f"conversation {name}", 16))[:10]
    # Slack keeps a deleted message only where it began a thread; a deleted reply is simply gone.
    kept = [i for i, r in enumerate(messages) if not (str(r.kind) == "deleted" and reply_target(r) is not None)]
    stamps = [ts_of(r.ts) for r in messages]
    replies: dict[int, list[int]] = {}
    for i in kept:
        target = reply_target(messages[i])
        if target is not None:
            replies.setdefault(target, []).append(i)
    days: dict[str, list[dict[str, object]]] = {}
    for i in kept:
        record = messages[i]
        entry = _entry(record, stamps[i], [(emoji, names) for emoji, names in (reactions or {}).get(i, ())])
        target = reply_target(record)
        if target is not None:
            entry["thread_ts"] = stamps[target]
            entry["parent_user_id"] = user_id(messages[target].author)
        if i in replies:
            entry.update(thread_ts=stamps[i], reply_count=len(replies[i]), reply_users_count=len(
                {messages[k].author for k in replies[i]}), latest_reply=stamps[replies[i][-1]],
                replies=[{"user": user_id(messages[k].author), "ts": stamps[k]} for k in replies[i]])
        days.setdefault(record.ts.date().isoformat(), []).append(entry)

    folder = conversation_id if kind == "dm" else name
    listing = {"id": conversation_id, "created": 1700000000, "members": [user_id(p) for p in people]}
    if kind != "dm":
        listing = {**listing, "name": name, "creator": user_id(people[0]) if people else "", "is_archived": False,
                   "topic": {"value": "", "creator": "", "last_set": 0},
                   "purpose": {"value": "", "creator": "", "last_set": 0}}
    list_file = {"channel": "channels.json", "private": "groups.json", "mpim": "mpims.json", "dm": "dms.json"}[kind]
    files = {"users.json": _dump([_user(p, display_names) for p in people]), list_file: _dump([listing])}
    if kind != "channel":
        files["channels.json"] = _dump([])
    for day, entries in days.items():
        files[f"{folder}/{day}.json"] = _dump(entries)
    return files


def _entry(record: ChatRecord, stamp: str, reactions: list[tuple[str, Sequence[str]]]) -> dict[str, object]:
    uid = user_id(record.author)
    if str(record.kind) == "deleted":
        return {"type": "message", "subtype": "tombstone", "user": "USLACKBOT", "parent_user_id": uid,
                "hidden": True, "text": "This message was deleted.", "ts": stamp}
    text = record.text
    entry: dict[str, object] = {"client_msg_id": f"{stable_number(stamp, 8)}-0c4e-4a11-9d2e-7f3b8c1a6e55",
                                "type": "message", "text": _escape(text), "user": uid, "ts": stamp, "team": TEAM}
    if str(record.kind) == "media":
        mimetype, filetype = _MIMETYPES.get(text, ("image/jpeg", "jpg"))
        entry["text"] = "" if text in _MIMETYPES or text == UNSUPPORTED else _escape(text)
        file_id = "F" + _base36(stable_number(f"file {stamp}", 16))[:10]
        entry["files"] = [{"id": file_id, "created": int(float(stamp)), "name": f"upload.{filetype}",
                           "title": f"upload.{filetype}", "mimetype": mimetype, "filetype": filetype,
                           "user": uid, "mode": "hosted", "size": 48213,
                           "url_private": f"https://files.slack.com/files-pri/{TEAM}-{file_id}/upload.{filetype}"}]
        entry["upload"] = True
    if was_edited(record):
        entry["edited"] = {"user": uid, "ts": f"{int(float(stamp)) + 60}.000000"}
    if reactions:
        entry["reactions"] = [{"name": emoji, "users": [user_id(n) for n in names], "count": len(names)}
                              for emoji, names in reactions]
    entry["blocks"] = None  # as slackdump writes a message without blocks
    return entry


def _user(name: str, display_names: bool) -> dict[str, object]:
    return {
        "id": user_id(name), "team_id": TEAM, "name": handle(name), "deleted": False, "real_name": name,
        "profile": {"real_name": name, "display_name": name if display_names else "",
                    "display_name_normalized": name if display_names else "", "team": TEAM},
        "is_bot": False, "is_app_user": False, "updated": 1700000000,
    }


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _dump(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, indent=4).replace("/", "\\/")


def _base36(number: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    while number:
        number, rest = divmod(number, 36)
        out = digits[rest] + out
    return out.rjust(10, "0")
