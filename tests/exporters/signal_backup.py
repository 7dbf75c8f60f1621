"""Render chat records as Signal's plaintext export: ``main.jsonl``, one backup frame as JSON a line.

Records follow `tests.exporters._json_records.ChatRecord`. The file starts with the BackupInfo
line, then the account (the user `me`, split into given and family name at the first space), one
``recipient`` each for the user (``self``), Signal's release notes and every other author
(``contact`` with a profile name), a ``group`` recipient when `title` is given, one ``chat``,
and one ``chatItem`` per record, as libsignal's exporter writes them: 64-bit numbers as decimal
strings, defaults left out. Times are the records' naive local times written as milliseconds
since 1970 (UTC), so a test should fix the machine's zone. A "text" record is a
``standardMessage``; a "media" record one with a photo attached (its words the caption unless
they are one of the importer's placeholders); a "deleted" one a ``remoteDeletedMessage``. An
edited record's item carries its words and is dated a minute later, with its first version in
``revisions``; ``reply_to`` becomes a ``quote`` of the target's first sending time and author.
`reactions` maps a record's index to its reactions (their authors must be authors or `me`).
"""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping, Sequence
from datetime import datetime

from tests.exporters._json_records import ChatRecord, reply_target, was_edited

from turntoward.ingest.signal_backup import MEDIA_PLACEHOLDERS
from turntoward.model import Reaction

EDIT_DELAY_MS = 60_000


def render_signal_backup(
    records: Sequence[ChatRecord], *, me: str, title: str | None = None,
    reactions: Mapping[int, Sequence[Reaction]] | None = None, backup_ms: int = 1_747_253_702_000,
) -> str:
    """The ``main.jsonl`` of an export holding one chat: with the one other author, or the group `title`."""
    reactions = reactions or {}
    ids = {me: 1}
    for name in [r.author for r in records] + [x.author for rs in reactions.values() for x in rs]:
        ids.setdefault(name, len(ids) + 2)  # 2 is the release notes
    lines: list[object] = [
        {"version": "1", "backupTimeMs": str(backup_ms), "mediaRootBackupKey": _b64(b"k" * 32),
         "currentAppVersion": "Desktop 8.10.2"},
        {"account": {"profileKey": _b64(b"p" * 32), **_names(me, "givenName", "familyName"),
                     "accountSettings": {"readReceipts": True, "phoneNumberSharingMode": "NOBODY"}}},
        {"recipient": {"id": "1", "self": {}}},
        {"recipient": {"id": "2", "releaseNotes": {}}},
    ]
    for name, rid in ids.items():
        if rid != 1:
            contact = {"aci": _b64(name.encode()[:16].ljust(16, b"\0")), "registered": {},
                       **_names(name, "profileGivenName", "profileFamilyName")}
            lines.append({"recipient": {"id": str(rid), "contact": contact}})
    if title is not None:
        chat_recipient = len(ids) + 2
        snapshot = {"title": {"title": title}, "version": 3,
                    "members": [{"userId": _b64(str(rid).encode().ljust(16, b"\0")), "role": "DEFAULT"}
                                for rid in ids.values()]}
        lines.append({"recipient": {"id": str(chat_recipient),
                                    "group": {"masterKey": _b64(title.encode()[:32].ljust(32, b"\0")),
                                              "whitelisted": True, "snapshot": snapshot}}})
    else:
        chat_recipient = next((rid for name, rid in ids.items() if name != me), 1)
    lines.append({"chat": {"id": "1", "recipientId": str(chat_recipient)}})
    for i, record in enumerate(records):
        lines.append({"chatItem": _item(record, records, ids, me, reactions.get(i, ()))})
    return "".join(json.dumps(line, ensure_ascii=False, separators=(",", ":")) + "\n" for line in lines)


def _item(record: ChatRecord, records: Sequence[ChatRecord], ids: Mapping[str, int], me: str,
          reactions: Sequence[Reaction]) -> dict[str, object]:
    sent = _ms(record.ts)
    edited = was_edited(record) and record.kind != "deleted"
    item: dict[str, object] = {"chatId": "1", "authorId": str(ids[record.author]),
                               "dateSent": str(sent + EDIT_DELAY_MS if edited else sent)}
    if record.author == me:
        item["outgoing"] = {"dateReceived": item["dateSent"],
                            "sendStatus": [{"recipientId": "3", "timestamp": str(sent + 900), "read": {}}]}
    else:
        item["incoming"] = {"dateReceived": str(sent + 700), "dateServerSent": str(sent + 300), "read": True}
    if record.kind == "deleted":
        item["remoteDeletedMessage"] = {}
        return item
    message: dict[str, object] = {}
    target = reply_target(record)
    if target is not None:
        quoted = records[target]
        message["quote"] = {"targetSentTimestamp": str(_ms(quoted.ts)), "authorId": str(ids[quoted.author]),
                            "text": {"body": quoted.text[:50]}, "type": "NORMAL"}
    placeholder = record.text in MEDIA_PLACEHOLDERS.values()
    if not (record.kind == "media" and placeholder):
        message["text"] = {"body": record.text}
    if record.kind == "media":
        message["attachments"] = [_attachment(record.text if placeholder else "<photo>")]
    if reactions:
        message["reactions"] = [
            {"emoji": r.emoji, "authorId": str(ids[r.author]), "sentTimestamp": str(_ms(r.ts) if r.ts else sent + 1),
             "sortOrder": str(n + 1)} for n, r in enumerate(reactions)]
    item["standardMessage"] = message
    if edited:
        first = {k: v for k, v in item.items() if k != "standardMessage"}
        first["dateSent"] = str(sent)
        first["standardMessage"] = {"text": {"body": "(first version) " + record.text}}
        item["revisions"] = [first]
    return item


def _attachment(placeholder: str) -> dict[str, object]:
    kinds = {"<photo>": ("image/jpeg", "NONE"), "<video>": ("video/mp4", "NONE"), "<audio>": ("audio/mpeg", "NONE"),
             "<voice message>": ("audio/aac", "VOICE_MESSAGE"), "<GIF>": ("video/mp4", "GIF")}
    content_type, flag = kinds.get(placeholder, ("application/pdf", "NONE"))
    attachment: dict[str, object] = {
        "pointer": {"contentType": content_type, "locatorInfo": {"key": _b64(b"a" * 64), "size": 48213}},
        "wasDownloaded": True,
    }
    if flag != "NONE":
        attachment["flag"] = flag
    return attachment


def _names(name: str, given: str, family: str) -> dict[str, str]:
    first, _, rest = name.partition(" ")
    return {given: first, family: rest} if rest else {given: first}


def _ms(ts: datetime) -> int:
    return round(ts.timestamp() * 1000)


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")
