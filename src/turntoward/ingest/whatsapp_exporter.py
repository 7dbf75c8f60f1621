"""The JSON that WhatsApp Chat Exporter writes (KnugiHK/WhatsApp-Chat-Exporter, ``wtsexporter -j``).

The most used open-source reader of WhatsApp's own databases turns Android's ``msgstore.db`` or an
iPhone's ``ChatStorage.sqlite`` into HTML and, with ``-j``, into JSON: ``result.json``, every chat
in one object keyed by its JID, or with ``--per-chat`` one file a chat (``<name>.json``, the same
object holding that one chat). A chat is ``{"name": "Lena" | null, "type": "android" | "ios",
"my_avatar", "their_avatar", "their_avatar_thumb", "status", "messages": {"<row id>": {...}}}``,
and a message ``{"from_me": bool, "timestamp": seconds since 1970 (UTC, a float on iPhones),
"time": "21:04", "media": bool, "key_id": "3EB0…", "meta": bool, "data": "words" | file path |
notice | null, "sender": "Lena" | "4915112345678" | null, "safe": bool, "mime": …, "reply":
"<key_id it quotes>" | null, "quoted_data": …, "caption": "words" | null, "thumb": …, "sticker":
bool, "reactions": {"Lena": "❤️", "You": "😂"}}`` (fields of older versions may be missing).

How each message reads, following the exporter's handlers: ``meta`` marks what is not a message
typed by someone: ``"Message deleted"`` is a deleted message, ``"Location shared: (…)"``, a contact
card (``text/x-vcard``) and ``"The media is missing"`` are media, anything else with words (a group
renamed, a missed call) is a notice, and a ``meta`` row with no words, or the base64 of a binary
row, is left out. ``media`` (or ``sticker``) is media, its words the ``caption`` (``data`` is the
file's path). Otherwise ``data`` is the words, in which the exporter wrote each line break as
``<br>`` (``" <br>"`` on Android): they are line breaks again. ``sender`` names the writer of a
group's message (a name from the phone's contacts, else the number); in a chat of two the other is
the chat's ``name``, else its number. The user is ``--me`` (default ``Me``); ``You`` in
``reactions`` is the user. Quotes are replies (``reply`` is the quoted message's ``key_id``);
reactions have no time in the file. Status updates, broadcast lists and channels are left out, and
so is a chat of notices alone, as `whatsapp_db` does for the database itself: the same chat read
from either gives the same conversation.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator

from turntoward.ingest._json_doc import JsonDoc, JsonObject, child, load_json, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest._whatsapp_db_common import NOT_PEOPLE, Chat, People, Row, conversations
from turntoward.model import Conversation, MessageKind

_FIRST_CHAT = re.compile(rb'\s*\{\s*"[^"@]{1,80}@(?:s\.whatsapp\.net|g\.us|lid|c\.us|broadcast|newsletter)"\s*:\s*\{')
"""A file's first key: a chat's JID."""
_BREAK = re.compile(r" ?<br>")
DELETED = "Message deleted"
_MEDIA_NOTICES = ("Location shared:", "The media is missing", "This media include the following vCard")
"""What the exporter writes, as a notice (``meta``), for what was in fact sent: a place, a file the
phone no longer has, a contact card."""
_BINARY = "The message is binary data"
ME_IN_REACTIONS = "You"


class WhatsAppExporterImporter:
    """Reads the JSON of WhatsApp Chat Exporter (``result.json``, or a file a chat)."""

    name = "whatsapp_exporter"
    description = "WhatsApp Chat Exporter's JSON (result.json, or --per-chat files) of WhatsApp's databases"

    def sniff(self, source: Source, head: bytes) -> float:
        if not source.filename.lower().endswith(".json") or not looks_like_json_object(head):
            return 0.0
        start = head.removeprefix(b"\xef\xbb\xbf")
        if _FIRST_CHAT.match(start) and b'"messages"' in head and (b'"key_id"' in head or b'"from_me"' in head
                                                                    or b'"messages": {}' in head):
            return 0.95
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        doc = JsonDoc(source)
        chats = doc.obj(load_json(source), "")
        me = options.me or "Me"
        names: dict[str, str] = {}
        read: list[Chat] = []
        for jid, raw in chats.items():
            fields = doc.obj(raw, jid)
            name = doc.optional_str(fields, "name", jid)
            if name and name.strip():
                names[jid] = name.strip()
            if not jid.endswith(NOT_PEOPLE):
                read.append(self._chat(doc, jid, fields, name))
        yield from conversations(read, source, self.name, me, People(names))

    def _chat(self, doc: JsonDoc, jid: str, chat: JsonObject, name: str | None) -> Chat:
        found = Chat(jid, name.strip() if name and name.strip() and jid.endswith("@g.us") else None)
        messages = doc.field_obj(chat, "messages", jid)
        for position, (key, raw) in enumerate(messages.items()):
            path = child(child(jid, "messages"), key)
            message = doc.obj(raw, path)
            row = _row(doc, message, path, int(key) if key.isdigit() else position)
            if row is None:
                continue
            found.rows.append(row)
            for reactor, emoji in _reactions(doc, message, path):
                found.reactions.append((row.rowid, None if reactor == ME_IN_REACTIONS else _jid(reactor), emoji, 0))
        found.rows.sort(key=lambda r: r.ms)  # stable: rows of one moment keep the file's order
        return found


def _row(doc: JsonDoc, message: JsonObject, path: str, rowid: int) -> Row | None:
    """One message as a `Row`, or None for what the exporter wrote that is no message at all."""
    from_me = message.get("from_me")
    if not isinstance(from_me, bool):
        doc.fail(child(path, "from_me"), "true or false", from_me)
    stamp = message.get("timestamp")
    if isinstance(stamp, bool) or not isinstance(stamp, int | float) or not math.isfinite(stamp):
        doc.fail(child(path, "timestamp"), "seconds since 1970", stamp)
    ms = round(stamp * 1000) if stamp < 1e11 else round(stamp)
    data = doc.optional_str(message, "data", path)
    caption = doc.optional_str(message, "caption", path)
    sender = doc.optional_str(message, "sender", path)
    key = doc.optional_str(message, "key_id", path)
    reply = message.get("reply")
    quoted = reply if isinstance(reply, str) and reply else None
    words = _BREAK.sub("\n", data) if data else ""
    if message.get("meta") is True:
        if not words or words.startswith(_BINARY):
            return None
        if words == DELETED:
            kind, words = MessageKind.DELETED, ""
        elif words.startswith(_MEDIA_NOTICES) or message.get("mime") == "text/x-vcard":
            kind, words = MessageKind.MEDIA, _BREAK.sub("\n", caption or "")
        else:
            kind = MessageKind.SYSTEM
    elif message.get("media") is True or message.get("sticker") is True:
        kind, words = MessageKind.MEDIA, _BREAK.sub("\n", caption or "")
    elif words.strip():
        kind = MessageKind.TEXT
    else:
        return None
    return Row(rowid, from_me, ms, kind, words, sender=_jid(sender) if sender and not from_me else None,
               key=key, quoted_key=quoted)


def _jid(name: str) -> str:
    """A sender as the exporter names them, as `People` reads it: a number (the exporter's fallback
    where the phone has no name for it) as its JID, so that it reads ``+4915112345678``."""
    name = name.strip()
    return f"{name}@s.whatsapp.net" if name.isdigit() else name


def _reactions(doc: JsonDoc, message: JsonObject, path: str) -> list[tuple[str, str]]:
    value = message.get("reactions")
    if value is None:
        return []
    reactions = doc.obj(value, child(path, "reactions"))
    out = []
    for reactor, emoji in reactions.items():
        if not isinstance(emoji, str):
            doc.fail(child(child(path, "reactions"), reactor), "an emoji", emoji)
        if emoji.strip():
            out.append((reactor, emoji))
    return out


register(WhatsAppExporterImporter())
