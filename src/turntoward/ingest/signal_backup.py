"""Signal's own plaintext chat export: ``main.jsonl``, the backup's frames as JSON Lines.

Signal Desktop's "export chat history" (``BackupsService.exportPlaintext`` in
ts/services/backups/index.preload.ts, type ``plaintext-export``; users first reported it in
May 2026) writes a folder ``signal-export-<time>/signal-backup-<time>/`` holding ``main.jsonl``,
``metadata.json`` (``{"version": N}``) and, when media was asked for, the attachment files. The
frames are those of Signal's backup format (``Backup.proto``; read in signalapp/libsignal,
rust/message-backup/src/proto/backup.proto), turned into JSON by libsignal's
``BackupJsonExporter`` (rust/message-backup/src/json/exporter.rs, in libsignal since v0.84;
Android and iOS clients got the same exporter in 2026). Its expected output
(tests/res/canonical-backup.takeout-export.expected.jsonl) and the JSON test cases beside it
are what this importer was checked against.

One JSON object per line, in the proto3 JSON mapping: camelCase field names, 64-bit numbers
(ids, times) as decimal strings (plain numbers are accepted too; past 64 bits is an error),
bytes as base64, enums by name, fields at their default value (``false``, ``0``, ``""``, empty
lists) left out:

* line 1 is the ``BackupInfo`` itself: ``{"version": "1", "backupTimeMs": "...", ...}``;
* then one frame a line, each an object with one key: ``account`` (the user's
  ``givenName``/``familyName``), ``recipient``, ``chat``, ``chatItem``, and others
  (``stickerPack``, ``adHocCall``, ``notificationProfile``, ``chatFolder``) that are skipped, as
  is a frame with none of them (Backup.proto: "importers should skip this frame");
* a ``recipient`` has an ``id`` and one of ``contact`` (named, in Signal's order, by its
  ``nickname`` ``given``/``family``, ``systemGivenName``/``systemFamilyName``, ``systemNickname``,
  ``profileGivenName``/``profileFamilyName``, ``username``, ``e164``), ``group`` (titled by
  ``snapshot.title.title``), ``self`` (the exporting user), ``releaseNotes`` (Signal's own
  chat), ``distributionList`` or ``callLink``. Each recipient gets one name; two people that
  would share one are told apart by `` (2)``, `` (3)`` (groups among themselves: a group titled
  like a person leaves the person their name). An id two recipients (or two chats) share is an
  error. The user is named by ``--me`` when given, else by the account's profile name, else
  ``me``, and is `Conversation.me`;
* a ``chat`` has an ``id`` and the ``recipientId`` it is with; a ``chatItem`` has ``chatId``,
  ``authorId`` (a recipient id), ``dateSent`` (milliseconds since 1970, UTC) and one item:
  ``standardMessage`` (``text.body``, ``attachments``, ``quote``, ``reactions``),
  ``contactMessage``, ``stickerMessage``, ``remoteDeletedMessage``, ``adminDeletedMessage``,
  ``updateMessage`` (notices: calls, group changes, timers, safety numbers),
  ``paymentNotification``, ``giftBadge``, ``viewOnceMessage``, ``directStoryReplyMessage``,
  ``poll``. An item with none of them is skipped, as Backup.proto asks.

What becomes what. One `Conversation` per ``chat`` that has at least one message, titled with
the contact's name, the group's title, ``Note to Self`` or ``Signal``; ``chat_id`` is stable
across exports (a contact's ACI, PNI or number; a hash of a group's master key, never the key).
A message with attachments, a sticker, a contact card, a view-once photo, a payment or a gift
badge is MEDIA, its text the body (a caption) or a placeholder (`MEDIA_PLACEHOLDERS`). A mention
(a ``bodyRanges`` entry with a ``mentionAci``, U+FFFC in the body) reads ``@`` and the name of the
recipient with that ACI, or the user's where none has it (``self`` carries no ACI); a
remote or admin deletion is DELETED with no text; a poll is TEXT (the question, then its
options); an ``updateMessage`` is a `SystemEvent`; an item of a kind this importer does not know
is a `SystemEvent` naming it, never dropped. Times become this computer's local wall-clock
time (whole seconds through `datetime.fromtimestamp`, then the milliseconds, as
`turntoward.ingest.messenger` does), and messages are ordered by that instant, stably, so the
hour the clocks go back keeps its order.

Edits: ``revisions`` hold the earlier versions, oldest first, and the item itself is the
latest (its ``dateSent`` that of the last edit; libsignal's incoming-message-with-edits test).
The message reads the latest text, is ``edited``, and is placed at its first version's time.
A quote's ``targetSentTimestamp`` and ``authorId`` name the quoted message by the time it was
sent (any of its versions); ``reply_to`` is set only where that message comes earlier in the
chat. A reaction (``emoji``, ``authorId``, ``sentTimestamp``) becomes a `Reaction` with its time.

The exporter leaves out disappearing messages and view-once attachments, so neither is here.
Anything else that is wrong (a line that is not JSON, a recipient id no frame defines, a time
that is not a number) is an `ImportFormatError` naming the line and the JSON path in it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import NoReturn

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest._clock import local_time
from turntoward.ingest._json_doc import JsonObject, child, describe, json_lines, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

EXPECTED_FILE = "Signal's plaintext export (main.jsonl: one backup frame as JSON a line)"
MEDIA_PLACEHOLDERS = {
    "photo": "<photo>",
    "video": "<video>",
    "audio": "<audio>",
    "voice": "<voice message>",
    "gif": "<GIF>",
    "file": "<file>",
    "sticker": "<sticker>",
    "contact": "<contact>",
    "viewOnce": "<view-once media>",
    "payment": "<payment>",
    "giftBadge": "<gift badge>",
}
MESSAGE_ITEMS = frozenset({
    "standardMessage", "contactMessage", "stickerMessage", "remoteDeletedMessage", "adminDeletedMessage",
    "updateMessage", "paymentNotification", "giftBadge", "viewOnceMessage", "directStoryReplyMessage", "poll",
})
SELF_CHAT_TITLE = "Note to Self"
RELEASE_NOTES_TITLE = "Signal"
_INFO_KEYS = ("backupTimeMs", "version", "mediaRootBackupKey", "currentAppVersion")
_FRAME_KEYS = ("account", "recipient", "chat", "chatItem", "stickerPack", "adHocCall", "notificationProfile",
               "chatFolder")
_SNIFF_LINES = 8
_UINT64_MAX = 2**64 - 1
_ABSENT = object()
_UINT64_DIGITS = len(str(_UINT64_MAX)) + 2  # a few leading zeros are harmless


@dataclass
class _Line:
    """One line of the file, for reads whose errors name it and the JSON path inside it."""

    source: Source
    number: int

    def fail(self, path: str, expected: str, value: object) -> NoReturn:
        raise ImportFormatError(self.source.name, expected, line=self.number, json_path=path or "$",
                                found="nothing" if value is _ABSENT else describe(value))

    def obj(self, value: object, path: str) -> JsonObject:
        if not isinstance(value, dict):
            self.fail(path, "a JSON object", value)
        return value

    def field_obj(self, parent: JsonObject, key: str, path: str) -> JsonObject:
        """The object at `key`; an absent key is an empty object (proto3 leaves defaults out)."""
        value = parent.get(key)
        return {} if value is None else self.obj(value, child(path, key))

    def field_list(self, parent: JsonObject, key: str, path: str) -> list[object]:
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.fail(child(path, key), "a list", value)
        return value

    def field_str(self, parent: JsonObject, key: str, path: str) -> str:
        """The string at `key`; absent is ``""`` (the proto3 default)."""
        value = parent.get(key, "")
        if not isinstance(value, str):
            self.fail(child(path, key), "a string", value)
        return value

    def field_uint(self, parent: JsonObject, key: str, path: str, *, default: int | None = 0,
                   expected: str = "a whole number (as a string of digits)") -> int | None:
        """A 64-bit number, written as a decimal string (or a plain number); absent is `default`.

        Anything past 64 bits is an error (a string of thousands of digits would not even convert)."""
        value = parent.get(key)
        if value is None:
            return default
        if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= _UINT64_DIGITS:
            value = int(value)
        if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _UINT64_MAX:
            return value
        self.fail(child(path, key), expected, value)

    def required_uint(self, parent: JsonObject, key: str, path: str, expected: str) -> int:
        number = self.field_uint(parent, key, path, default=None, expected=expected)
        if not number:
            self.fail(child(path, key), expected, parent.get(key, _ABSENT))
        return number

    def time(self, parent: JsonObject, key: str, path: str) -> tuple[int, datetime]:
        """Milliseconds since 1970 (UTC) at `key`, and that instant as naive local time."""
        ms = self.required_uint(parent, key, path, "a time in milliseconds since 1970")
        moment = local_time(ms)
        if moment is None:
            self.fail(child(path, key), "a time in milliseconds since 1970", parent.get(key))
        return ms, moment


@dataclass
class _Recipient:
    kind: str  # contact, group, self, releaseNotes, distributionList, callLink, unknown
    name: str
    stable_id: str | None


@dataclass
class _Reaction:
    line: _Line
    path: str
    author_id: int
    emoji: str
    ts: datetime | None


@dataclass
class _Item:
    """A chat item as read, before recipient ids are names and quotes are indexes."""

    line: _Line
    author_id: int | None
    ms: int
    ts: datetime
    sent_times: tuple[int, ...]
    kind: MessageKind
    text: str
    edited: bool = False
    notice: bool = False
    quote: tuple[int, int] | None = None  # (authorId, targetSentTimestamp)
    mentions: list[tuple[int, int, str]] = field(default_factory=list)  # (start, length, mentionAci), UTF-16 units
    reactions: list[_Reaction] = field(default_factory=list)


@dataclass
class _Export:
    me: str | None = None
    recipients: dict[int, _Recipient] = field(default_factory=dict)
    chats: dict[int, tuple[int, _Line]] = field(default_factory=dict)  # chat id -> (recipient id, its line)
    items: dict[int, list[_Item]] = field(default_factory=dict)


class SignalBackupImporter:
    """Reads the ``main.jsonl`` of Signal's plaintext (JSON) chat export."""

    name = "signal_backup"
    description = "Signal's own plaintext chat export (main.jsonl, Signal Desktop 2026 and later)"

    def sniff(self, source: Source, head: bytes) -> float:
        lines = head.splitlines()[:_SNIFF_LINES]
        if not lines or not looks_like_json_object(lines[0]):
            return 0.0
        try:
            info = json.loads(lines[0].decode("utf-8-sig"))
        except (UnicodeDecodeError, ValueError, RecursionError):
            return 0.0
        if not _is_backup_info(info):
            return 0.0
        framed = any(line.lstrip().startswith((b'{"account"', b'{"recipient"')) for line in lines[1:])
        return 0.95 if framed or len(lines) == 1 else 0.6

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        export = _read(source)
        me = options.me or export.me or "me"
        names = _names(export, me)
        by_aci = {recipient.stable_id.removeprefix("aci:"): names[rid] for rid, recipient in export.recipients.items()
                  if recipient.stable_id is not None and recipient.stable_id.startswith("aci:")}
        for chat_id, (recipient_id, line) in export.chats.items():
            items = export.items.get(chat_id, [])
            if not any(not item.notice for item in items):
                continue
            recipient = export.recipients.get(recipient_id)
            if recipient is None:
                line.fail("chat.recipientId", "the id of a recipient defined in the file", str(recipient_id))
            yield _conversation(source, recipient, names[recipient_id], items, names, me, by_aci)


def _is_backup_info(value: object) -> bool:
    return (isinstance(value, dict) and "backupTimeMs" in value
            and not any(key in value for key in _FRAME_KEYS))


def _read(source: Source) -> _Export:
    export = _Export()
    seen_info = False
    for number, value in json_lines(source, "one JSON object a line"):
        if not seen_info:
            if not _is_backup_info(value):
                raise UnknownFormatError(source.name, f"{EXPECTED_FILE}, starting with its BackupInfo line",
                                         line=number, found=describe(value))
            seen_info = True
            continue
        line = _Line(source, number)
        _frame(export, line, line.obj(value, ""))
    if not seen_info:
        raise UnknownFormatError(source.name, EXPECTED_FILE, found="an empty file")
    return export


def _frame(export: _Export, line: _Line, frame: JsonObject) -> None:
    if "account" in frame:
        account = line.field_obj(frame, "account", "")
        name = _join(line.field_str(account, "givenName", "account"), line.field_str(account, "familyName", "account"))
        export.me = name or None
    elif "recipient" in frame:
        recipient = line.field_obj(frame, "recipient", "")
        rid = line.required_uint(recipient, "id", "recipient", "a recipient id (a number above 0)")
        assert rid is not None
        if rid in export.recipients:  # a second definition would rename the first one's messages
            line.fail("recipient.id", "a recipient id no earlier recipient has", recipient.get("id"))
        export.recipients[rid] = _recipient(line, recipient, rid)
    elif "chat" in frame:
        chat = line.field_obj(frame, "chat", "")
        cid = line.required_uint(chat, "id", "chat", "a chat id (a number above 0)")
        rid = line.required_uint(chat, "recipientId", "chat", "the id of the recipient the chat is with")
        assert cid is not None and rid is not None
        if cid in export.chats:  # a second definition would merge two chats into one
            line.fail("chat.id", "a chat id no earlier chat has", chat.get("id"))
        export.chats[cid] = (rid, line)
    elif "chatItem" in frame:
        item = line.field_obj(frame, "chatItem", "")
        cid = line.required_uint(item, "chatId", "chatItem", "the id of the chat the item is in")
        assert cid is not None
        if cid not in export.chats:
            line.fail("chatItem.chatId", "the id of a chat defined on an earlier line", item.get("chatId"))
        read = _chat_item(line, item, "chatItem")
        if read is not None:
            export.items.setdefault(cid, []).append(read)


def _recipient(line: _Line, recipient: JsonObject, rid: int) -> _Recipient:
    at = "recipient"
    if "contact" in recipient:
        contact = line.field_obj(recipient, "contact", at)
        at = child(at, "contact")
        nick, nick_at = line.field_obj(contact, "nickname", at), child(at, "nickname")
        candidates = [
            _join(line.field_str(nick, "given", nick_at), line.field_str(nick, "family", nick_at)),
            _join(line.field_str(contact, "systemGivenName", at), line.field_str(contact, "systemFamilyName", at)),
            _join(line.field_str(contact, "systemNickname", at)),
            _join(line.field_str(contact, "profileGivenName", at), line.field_str(contact, "profileFamilyName", at)),
            _join(line.field_str(contact, "username", at)),
        ]
        e164 = line.field_uint(contact, "e164", at, default=None)
        name = next((c for c in candidates if c), f"+{e164}" if e164 else f"Unknown contact {rid}")
        ident = next((f"{key}:{value}" for key in ("aci", "pni")
                      if isinstance(value := contact.get(key), str) and value),
                     f"e164:{e164}" if e164 else None)
        return _Recipient("contact", name, ident)
    if "group" in recipient:
        group = line.field_obj(recipient, "group", at)
        at = child(at, "group")
        snapshot = line.field_obj(group, "snapshot", at)
        title = line.field_obj(snapshot, "title", child(at, "snapshot"))
        name = line.field_str(title, "title", child(at, "snapshot.title")).strip() or "Unnamed group"
        key = line.field_str(group, "masterKey", at)
        ident = "group:" + hashlib.sha256(key.encode()).hexdigest()[:32] if key else None
        return _Recipient("group", name, ident)
    if "self" in recipient:
        return _Recipient("self", "", "self")
    if "releaseNotes" in recipient:
        return _Recipient("releaseNotes", RELEASE_NOTES_TITLE, "release-notes")
    for kind in ("distributionList", "callLink"):
        if kind in recipient:
            return _Recipient(kind, f"{kind} {rid}", None)
    return _Recipient("unknown", f"Unknown recipient {rid}", None)


def _join(*parts: str) -> str:
    return " ".join(part.strip() for part in parts if part.strip())


def _chat_item(line: _Line, item: JsonObject, at: str) -> _Item | None:
    ms, ts = line.time(item, "dateSent", at)
    author_id = line.field_uint(item, "authorId", at, default=None) or None
    revisions = [line.obj(revision, child(at, f"revisions[{i}]"))
                 for i, revision in enumerate(line.field_list(item, "revisions", at))]
    sent_times = [ms]
    for i, revision in enumerate(revisions):
        rev_ms, rev_ts = line.time(revision, "dateSent", child(at, f"revisions[{i}]"))
        sent_times.append(rev_ms)
        if rev_ms < ms:
            ms, ts = rev_ms, rev_ts
    keys = [key for key in item if key in MESSAGE_ITEMS]
    if not keys:
        unknown = [key for key in item if isinstance(item.get(key), dict) and key not in _ITEM_FIELDS]
        if not unknown:
            return None  # no item at all: Backup.proto asks importers to skip it
        text = f"Signal item this importer does not know: {unknown[0]}"
        return _Item(line, author_id, ms, ts, tuple(sent_times), MessageKind.SYSTEM, text, notice=True)
    key = keys[0]
    body = line.field_obj(item, key, at)
    at = child(at, key)
    read = _Item(line, author_id, ms, ts, tuple(sent_times), MessageKind.TEXT, "", edited=bool(revisions))
    if key == "updateMessage":
        read.kind, read.notice, read.text, read.edited = MessageKind.SYSTEM, True, _notice(line, body, at), False
        return read
    if author_id is None:
        line.fail(child(at.rsplit(".", 1)[0], "authorId"), "the recipient id of the message's author",
                  item.get("authorId", _ABSENT))
    if key in ("remoteDeletedMessage", "adminDeletedMessage"):
        read.kind, read.edited = MessageKind.DELETED, False
        return read
    read.kind, read.text = _content(line, key, body, at)
    if key == "standardMessage":
        read.mentions = _mentions(line, line.field_obj(body, "text", at), child(at, "text"))
    read.reactions = _reactions(line, body, at)
    if key == "standardMessage" and "quote" in body:
        quote = line.field_obj(body, "quote", at)
        target = line.field_uint(quote, "targetSentTimestamp", child(at, "quote"), default=None)
        quoted_author = line.field_uint(quote, "authorId", child(at, "quote"))
        if target and quoted_author:
            read.quote = (quoted_author, target)
    return read


_ITEM_FIELDS = frozenset({"incoming", "outgoing", "directionless", "pinDetails"})


def _content(line: _Line, key: str, body: JsonObject, at: str) -> tuple[MessageKind, str]:
    """The kind and text of a message item that is neither a notice nor a deletion."""
    if key == "standardMessage":
        text = line.field_str(line.field_obj(body, "text", at), "body", child(at, "text"))
        attachments = line.field_list(body, "attachments", at)
        if not attachments:
            return MessageKind.TEXT, text
        first = line.obj(attachments[0], child(at, "attachments[0]"))
        return MessageKind.MEDIA, text or _attachment_placeholder(line, first, child(at, "attachments[0]"))
    if key == "directStoryReplyMessage":
        if "textReply" in body:
            reply = line.field_obj(body, "textReply", at)
            return MessageKind.TEXT, line.field_str(line.field_obj(reply, "text", child(at, "textReply")), "body",
                                                    child(at, "textReply.text"))
        return MessageKind.TEXT, line.field_str(body, "emoji", at)
    if key == "poll":
        options = [line.field_str(line.obj(option, child(at, f"options[{i}]")), "option", child(at, f"options[{i}]"))
                   for i, option in enumerate(line.field_list(body, "options", at))]
        return MessageKind.TEXT, "\n".join([line.field_str(body, "question", at), *(f"- {o}" for o in options)])
    if key == "paymentNotification":
        return MessageKind.MEDIA, line.field_str(body, "note", at) or MEDIA_PLACEHOLDERS["payment"]
    placeholder = {"contactMessage": "contact", "stickerMessage": "sticker", "viewOnceMessage": "viewOnce",
                   "giftBadge": "giftBadge"}[key]
    return MessageKind.MEDIA, MEDIA_PLACEHOLDERS[placeholder]


def _mentions(line: _Line, text: JsonObject, at: str) -> list[tuple[int, int, str]]:
    """The ``bodyRanges`` of `text` that mention someone (the body holds U+FFFC in their place)."""
    found = []
    for i, raw in enumerate(line.field_list(text, "bodyRanges", at)):
        path = child(at, f"bodyRanges[{i}]")
        body_range = line.obj(raw, path)
        aci = line.field_str(body_range, "mentionAci", path)
        if aci:
            start, length = (line.field_uint(body_range, key, path) for key in ("start", "length"))
            assert start is not None and length is not None
            found.append((start, length, aci))
    return found


def _with_mentions(text: str, mentions: list[tuple[int, int, str]], by_aci: dict[str, str], me: str) -> str:
    """`text` with each mention's placeholder (U+FFFC) replaced by ``@`` and the name of who is
    mentioned; an ACI no recipient has is the user's (``Self`` carries none)."""
    units = text.encode("utf-16-le", "surrogatepass")
    for start, length, aci in sorted(mentions, reverse=True):
        begin, end = 2 * start, 2 * (start + length)
        if units[begin:end] != "\ufffc".encode("utf-16-le"):
            continue  # not the placeholder: leave the words as written
        units = units[:begin] + f"@{by_aci.get(aci, me)}".encode("utf-16-le", "surrogatepass") + units[end:]
    return units.decode("utf-16-le", "surrogatepass")


def _attachment_placeholder(line: _Line, attachment: JsonObject, at: str) -> str:
    flag = attachment.get("flag")
    if flag == "VOICE_MESSAGE":
        return MEDIA_PLACEHOLDERS["voice"]
    if flag == "GIF":
        return MEDIA_PLACEHOLDERS["gif"]
    pointer = line.field_obj(attachment, "pointer", at)
    content_type = line.field_str(pointer, "contentType", child(at, "pointer"))
    for prefix in ("image", "video", "audio"):
        if content_type.startswith(prefix + "/"):
            return MEDIA_PLACEHOLDERS["photo" if prefix == "image" else prefix]
    return MEDIA_PLACEHOLDERS["file"]


def _reactions(line: _Line, body: JsonObject, at: str) -> list[_Reaction]:
    read = []
    for i, raw in enumerate(line.field_list(body, "reactions", at)):
        path = child(at, f"reactions[{i}]")
        reaction = line.obj(raw, path)
        emoji = line.field_str(reaction, "emoji", path)
        if not emoji:
            line.fail(child(path, "emoji"), "an emoji", reaction.get("emoji", _ABSENT))
        author = line.required_uint(reaction, "authorId", path, "the recipient id of who reacted")
        assert author is not None
        ts = line.time(reaction, "sentTimestamp", path)[1] if line.field_uint(reaction, "sentTimestamp", path) else None
        read.append(_Reaction(line, child(path, "authorId"), author, emoji, ts))
    return read


_SIMPLE_NOTICES = {
    "JOINED_SIGNAL": "Joined Signal",
    "IDENTITY_UPDATE": "Safety number changed",
    "IDENTITY_VERIFIED": "Marked as verified",
    "IDENTITY_DEFAULT": "Marked as unverified",
    "CHANGE_NUMBER": "Changed their phone number",
    "END_SESSION": "Secure session reset",
    "CHAT_SESSION_REFRESH": "Chat session refreshed",
    "BAD_DECRYPT": "A message could not be delivered",
    "MESSAGE_REQUEST_ACCEPTED": "Message request accepted",
    "BLOCKED": "Blocked",
    "UNBLOCKED": "Unblocked",
    "REPORTED_SPAM": "Reported as spam",
}


def _notice(line: _Line, update: JsonObject, at: str) -> str:
    """Words for an ``updateMessage`` (a call, a group change, a timer): kept, never analysed."""
    if "simpleUpdate" in update:
        kind = str(line.field_obj(update, "simpleUpdate", at).get("type", "UNKNOWN"))
        return _SIMPLE_NOTICES.get(kind, _words(kind).capitalize())
    if "individualCall" in update:
        call = line.field_obj(update, "individualCall", at)
        medium = "Video call" if call.get("type") == "VIDEO_CALL" else "Voice call"
        direction = "outgoing" if call.get("direction") == "OUTGOING" else "incoming"
        state = {"NOT_ACCEPTED": "declined", "MISSED": "missed", "MISSED_NOTIFICATION_PROFILE": "missed"}.get(
            str(call.get("state")), "accepted")
        return f"{medium} ({direction}, {state})"
    if "groupCall" in update:
        group_state = line.field_obj(update, "groupCall", at).get("state", "GENERIC")
        return f"Group call ({_words(str(group_state))})"
    if "expirationTimerChange" in update:
        timer = line.field_uint(line.field_obj(update, "expirationTimerChange", at), "expiresInMs",
                                child(at, "expirationTimerChange"))
        return f"Disappearing messages set to {timer // 1000} s" if timer else "Disappearing messages turned off"
    if "profileChange" in update:
        change = line.field_obj(update, "profileChange", at)
        return (f"{line.field_str(change, 'previousName', child(at, 'profileChange'))} changed their name to "
                f"{line.field_str(change, 'newName', child(at, 'profileChange'))}")
    if "groupChange" in update:
        parts = []
        for i, raw in enumerate(line.field_list(line.field_obj(update, "groupChange", at), "updates",
                                                child(at, "groupChange"))):
            change = line.obj(raw, child(at, f"groupChange.updates[{i}]"))
            for key, value in change.items():
                if key == "groupNameUpdate" and isinstance(value, dict) and isinstance(value.get("newGroupName"), str):
                    parts.append(f"Group name changed to {value['newGroupName']}")
                else:
                    parts.append(_words(key.removesuffix("Update")).capitalize())
        return "; ".join(parts) or "Group updated"
    return _words(next(iter(update), "chat update")).capitalize()


def _words(name: str) -> str:
    """``GROUP_MEMBER_JOINED`` or ``groupMemberJoined`` as ``group member joined``."""
    if "_" in name or name.isupper():
        return name.replace("_", " ").lower()
    return "".join(f" {c.lower()}" if c.isupper() else c for c in name).strip()


def _names(export: _Export, me: str) -> dict[int, str]:
    """One name for each recipient: the user is `me`; names two recipients would share get `` (2)``.

    People (and Signal's release notes) are told apart among themselves, groups and lists among
    themselves: a group titled like a person never takes that person's name from their messages."""
    names: dict[int, str] = {}
    used_by_people: set[str] = {me}
    used_by_groups: set[str] = set()
    for rid, recipient in export.recipients.items():
        if recipient.kind == "self":
            names[rid] = me
            continue
        used = used_by_groups if recipient.kind in ("group", "distributionList", "callLink") else used_by_people
        name, n = recipient.name, 2
        while name in used:
            name, n = f"{recipient.name} ({n})", n + 1
        used.add(name)
        names[rid] = name
    return names


def _name(names: dict[int, str], line: _Line, path: str, rid: int) -> str:
    if rid not in names:
        line.fail(path, "the id of a recipient defined in the file", str(rid))
    return names[rid]


def _conversation(source: Source, recipient: _Recipient, name: str, items: list[_Item],
                  names: dict[int, str], me: str, by_aci: dict[str, str]) -> Conversation:
    ordered = sorted(items, key=lambda item: item.ms)  # by instant, stably: not by local time
    messages: list[Message] = []
    events: list[SystemEvent] = []
    sent: dict[tuple[int, int], int] = {}  # (author id, a sent time) -> message index
    for item in ordered:
        author = None if item.author_id is None else _name(names, item.line, "chatItem.authorId", item.author_id)
        if item.notice:
            events.append(SystemEvent(item.ts, item.text, author))
            continue
        assert author is not None and item.author_id is not None
        index = len(messages)
        reply_to = sent.get(item.quote) if item.quote is not None else None
        reactions = tuple(Reaction(_name(names, r.line, r.path, r.author_id), r.emoji, r.ts) for r in item.reactions)
        text = _with_mentions(item.text, item.mentions, by_aci, me) if item.mentions else item.text
        messages.append(Message(index, item.ts, author, text, item.kind, reply_to, item.edited, reactions))
        for stamp in item.sent_times:
            sent[(item.author_id, stamp)] = index
    title = {"self": SELF_CHAT_TITLE, "releaseNotes": RELEASE_NOTES_TITLE}.get(recipient.kind, name)
    return Conversation(
        source=source.name, source_format=SignalBackupImporter.name, title=title, messages=messages,
        system_events=events, chat_id=recipient.stable_id, me=me,
        group=recipient.kind == "group" if recipient.kind in ("group", "contact", "self") else None,
    )


register(SignalBackupImporter())
