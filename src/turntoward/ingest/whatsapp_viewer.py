"""The JSON that WhatsApp Viewer exports (andreas-mausch/whatsapp-viewer, "Export chats to JSON").

WhatsApp Viewer is the Windows program that opened a decrypted Android ``msgstore.db`` for a decade
before WhatsApp Chat Exporter (`whatsapp_exporter`) did; its "File > Export > JSON" writes every chat
it shows into one document: ``{"chats": [{"key": "4917698765432@s.whatsapp.net", "subject": a
group's name, "contactName": "Lena", "messages": [{"timestamp": "2015-03-07T14:02:53Z", "id":
"3EB0…", "fromMe": false, "remoteResource": a group sender's JID, "remoteResourceDisplayName": their
name in WhatsApp Viewer's contacts, else the JID, "quotedTimestamp", "quotedMessageId", "type":
"text" | "link" | "image" | "audio" | "video" | "contact" | "location", "text" | "link", "caption",
"filename", "duration", "location", "image": a base64 thumbnail}]}]}``.

Each chat is a conversation, as reading the database itself gives it (`whatsapp_db`), less what
WhatsApp Viewer leaves out: notices, deleted messages and reactions are not in the file (a message
without a ``type`` is one it could not show, and is left out). Text and links are words; photos,
videos and GIFs (with their captions), voice notes, contact cards and places are media. Times are
UTC and shown in this computer's zone. The user is ``--me`` (default Me); the other person is the
chat's ``contactName``, a group's members their display names (a JID where WhatsApp Viewer had no
name reads ``+number``). A quote is a reply to the message of that id.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

from turntoward.ingest._json_doc import JsonDoc, JsonObject, child, load_json, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest._whatsapp_db_common import NOT_PEOPLE, Chat, People, Row, conversations
from turntoward.model import Conversation, MessageKind

_START = re.compile(rb'\s*\{\s*"chats"\s*:\s*\[\s*\{\s*"key"\s*:\s*"[^"]*@')
MEDIA = ("image", "audio", "video", "contact", "location")
WORDS = ("text", "link")


class WhatsAppViewerImporter:
    """Reads WhatsApp Viewer's JSON export of WhatsApp's database."""

    name = "whatsapp_viewer"
    description = "WhatsApp Viewer's JSON export (every chat of an Android msgstore.db in one file)"

    def sniff(self, source: Source, head: bytes) -> float:
        if not source.filename.lower().endswith(".json") or not looks_like_json_object(head):
            return 0.0
        return 0.95 if _START.match(head.removeprefix(b"\xef\xbb\xbf")) and b'"fromMe"' in head else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        doc = JsonDoc(source)
        root = doc.obj(load_json(source), "")
        names: dict[str, str] = {}
        read: list[Chat] = []
        for k, raw in enumerate(doc.field_list(root, "chats", "")):
            path = f"chats[{k}]"
            fields = doc.obj(raw, path)
            jid = doc.field_str(fields, "key", path)
            shown = doc.optional_str(fields, "contactName", path)
            if shown and shown.strip() and shown.strip() != jid:
                names[jid] = shown.strip()
            subject = doc.optional_str(fields, "subject", path)
            chat = Chat(jid, subject.strip() if subject and subject.strip() and jid.endswith("@g.us") else None)
            for j, message in enumerate(doc.field_list(fields, "messages", path)):
                row = _row(doc, doc.obj(message, f"{child(path, 'messages')}[{j}]"),
                           f"{child(path, 'messages')}[{j}]", j, names)
                if row is not None:
                    chat.rows.append(row)
            chat.rows.sort(key=lambda r: r.ms)  # stable
            if not jid.endswith(NOT_PEOPLE):
                read.append(chat)
        yield from conversations(read, source, self.name, options.me or "Me", People(names))


def _row(doc: JsonDoc, message: JsonObject, path: str, rowid: int, names: dict[str, str]) -> Row | None:
    kind_of = doc.optional_str(message, "type", path)
    if kind_of is None:
        return None  # a message WhatsApp Viewer could not show: it writes no type for it
    from_me = message.get("fromMe")
    if not isinstance(from_me, bool):
        doc.fail(child(path, "fromMe"), "true or false", from_me)
    stamp = doc.field_str(message, "timestamp", path)
    try:
        moment = datetime.fromisoformat(stamp)
    except ValueError:
        doc.fail(child(path, "timestamp"), "a time like 2015-03-07T14:02:53Z", stamp)
    ms = round((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp() * 1000)
    sender = doc.optional_str(message, "remoteResource", path) if not from_me else None
    shown = doc.optional_str(message, "remoteResourceDisplayName", path)
    if sender and shown and shown.strip() and shown.strip() != sender:
        names.setdefault(sender, shown.strip())
    if kind_of in WORDS:
        words = doc.optional_str(message, kind_of, path) or ""
        if not words.strip():
            return None
        kind = MessageKind.TEXT
    elif kind_of in MEDIA:
        kind, words = MessageKind.MEDIA, (doc.optional_str(message, "caption", path) or "").strip()
        if kind_of in ("contact", "location"):
            words = ""
    else:
        doc.fail(child(path, "type"), "text, link, image, audio, video, contact or location", kind_of)
    return Row(rowid, from_me, ms, kind, words, sender=sender or None,
               key=doc.optional_str(message, "id", path), quoted_key=doc.optional_str(message, "quotedMessageId", path))


register(WhatsAppViewerImporter())
