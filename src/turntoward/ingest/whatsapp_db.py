"""WhatsApp's own message database: Android's ``msgstore.db``, and iPhone's and Mac's
``ChatStorage.sqlite`` (read in `_whatsapp_apple_db`, into the same terms).

WhatsApp keeps an Android phone's chats in ``/data/data/com.whatsapp/databases/msgstore.db``. A
rooted phone, a forensic tool, or a backup (``msgstore.db.crypt14`` and its older kinds) opened
with its key gives that file; it holds every chat at once, where "Export chat" writes one at a time
and at most the last 40,000 messages. Give the file, or the folder or zip that holds it; ``wa.db``
beside it (the phone's other WhatsApp database) gives the contacts' names. The file is opened
read-only and never written to.

Two layouts are read, as WhatsApp wrote them (checked on the databases of ten other projects:
three of the older layout, 2017-2018, three of the years between, 2020-2021, one of the newer and
one of the older written by hand, two empty; and on the queries of KnugiHK/WhatsApp-Chat-Exporter's
``android_handler.py``, January 2026, for the newer layout's reactions, quotes and ``jid_map``, and
of sepinf-inc/IPED's ``ExtractorAndroidNew.java`` for the message types):

* since about 2022, ``message`` (``chat_row_id``, ``from_me``, ``sender_jid_row_id``,
  ``timestamp``, ``text_data``, ``message_type``, ``status``, ``key_id``), ``chat`` (``jid_row_id``,
  ``subject``) and ``jid`` (``raw_string``, ``123…@s.whatsapp.net``), with ``message_system``
  (notices), ``message_quoted`` (replies), ``message_add_on`` and ``message_add_on_reaction``
  (reactions) and ``jid_map`` (a contact's privacy id, ``…@lid``, mapped to their number);
* before, one ``messages`` table keyed by the chat's ``key_remote_jid`` (``key_from_me``, ``data``,
  ``timestamp``, ``media_wa_type``, ``media_caption``, ``remote_resource`` the sender in a group,
  ``status``, ``edit_version``), ``chat_list`` for groups' names and ``messages_quotes`` for replies.

Databases of the years between hold both tables, one of them with only WhatsApp's placeholder row;
the one holding more messages is read.

What becomes what:

* one `Conversation` per chat, its ``chat_id`` the chat's JID (``…@s.whatsapp.net`` a person,
  ``…@g.us`` a group, which marks it a group); status updates (``status@broadcast``), broadcast
  lists and channels (``@newsletter``) are not conversations between people and are left out;
* the user's messages are authored by ``--me`` (default "Me"); the others by their name in
  ``wa.db`` (the phone's contact name, else the name they gave WhatsApp), else by their number
  (``+4915112345678``), which ``turntoward people`` can alias; in a group the sender is
  ``sender_jid_row_id`` (``remote_resource`` before);
* the title is a group's name, else the other person's;
* photos, voice notes, videos, documents, contact cards, places, GIFs and stickers are MEDIA
  messages with their caption as text; a message deleted for everyone (type 15, 64 by a group's
  admin, or ``edit_version`` 7 before) is DELETED; notices (``status`` 6 or type 7: the encryption
  notice, group changes; calls, types 8, 10 and 90) are `SystemEvent`s; a message of a kind this
  reader does not know is kept as text when it has words, as a notice when it has none;
* a reply points at the message it quotes (by ``key_id``); a reaction (WhatsApp keeps one a
  person per message, an empty one when taken back) becomes a `Reaction` on its message.

Times are milliseconds since 1970 (UTC), made naive local time of this computer, as WhatsApp shows
them and its text export writes them (an iPhone's, seconds since 2001, the same way); a database
rebuilt by a tool with seconds since 1970 instead is read as such.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest._sqlite import (
    as_text,
    columns,
    int_of,
    left_join,
    listed,
    open_database,
    optional,
    sniff_database,
    tables,
    wrong_tables,
)
from turntoward.ingest._whatsapp_apple_db import contact_names, is_chat_storage, read_chat_storage
from turntoward.ingest._whatsapp_db_common import NOT_PEOPLE, Chat, People, Row, conversations, text_of
from turntoward.model import Conversation, MessageKind

_EXPECTED = ("WhatsApp's message database: Android's msgstore.db (SQLite with message, chat and jid tables, or"
             " before 2022 a messages table) or iPhone's and Mac's ChatStorage.sqlite (ZWAMESSAGE, ZWACHATSESSION)")
_CONTACTS_EXPECTED = "WhatsApp's contacts database (wa.db, with a wa_contacts table)"

SYSTEM_STATUS = 6
SYSTEM_TYPE = 7
REVOKED_TYPES = frozenset({15, 64})  # deleted for everyone by its sender, or by a group's admin
REVOKED_EDIT_VERSION = 7  # before 2022, a message deleted for everyone kept its type and got this
CALL_TYPES = {8: "a call", 10: "a missed call", 90: "a call"}
TEXT_TYPE = 0
WAITING_TYPE = 11  # "Waiting for this message": the phone never got the key to read it
# message_type (media_wa_type before 2022) of what shows as a photo, a file, a place...
MEDIA_TYPES = frozenset({
    1,  # photo
    2,  # audio, voice note
    3,  # video
    4,  # contact card (its vCard in the text column)
    5,  # location
    9,  # document
    13,  # GIF
    14,  # several contact cards
    16,  # live location
    20,  # sticker
    42,  # photo to view once
    43,  # video to view once
    82,  # voice note to hear once
})
CARD_TYPES = frozenset({4, 14})  # their text column holds the vCard itself, not words to read
REACTION_ADD_ON = 56  # message_add_on_type of a reaction
# message_system.action_type (the media_size column of a notice before 2022): what happened.
NOTICES = {
    1: "changed the group's name",
    4: "was added to the group",
    5: "left the group",
    6: "changed the group's icon",
    7: "you were removed from the group",
    10: "changed their phone number",
    11: "created the group",
    12: "added someone to the group",
    13: "left the group",
    14: "removed someone from the group",
    15: "made someone an admin",
    18: "the security code changed",
    19: "messages in this chat are end-to-end encrypted",
    20: "joined the group by its invite link",
    27: "changed the group's description",
    67: "messages in this chat are end-to-end encrypted",
}
_NAMING_NOTICES = (1, 11, 27)  # their text column holds the new name or description


class WhatsAppDbImporter:
    """Reads WhatsApp's own message database: Android's, or iPhone's and Mac's."""

    name = "whatsapp_db"
    description = "WhatsApp's message database: Android msgstore.db (decrypted), iPhone or Mac ChatStorage.sqlite"

    def sniff(self, source: Source, head: bytes) -> float:
        return sniff_database(source, head, lambda db: _layout(db) is not None, names=("msgstore", "chatstorage"),
                              markers=(b"key_remote_jid", b"chat_row_id", b"ZWACHATSESSION"), score=0.95)

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        names: dict[str, str] = {}
        with open_database(source, _EXPECTED) as db:
            layout = _layout(db)
            if layout is None:
                raise wrong_tables(source, _EXPECTED, db)
            if layout == "apple":
                chats, names = read_chat_storage(db, source)
            else:
                chats = _read_new(db, source) if layout == "new" else _read_legacy(db, source)
        # the address book's names first: ContactsV2.sqlite beside an iPhone's database, wa.db an Android's
        people = People({**names, **(contact_names(source) if layout == "apple" else _contact_names(source))})
        me = options.me or "Me"
        yield from conversations(chats, source, self.name, me, people)


def _layout(db: sqlite3.Connection) -> str | None:
    """"new" or "legacy": which of Android's two layouts holds the messages; "apple" for an iPhone's or
    a Mac's database; None for another database."""
    if is_chat_storage(db):
        return "apple"
    present = tables(db)
    new = {"message", "chat", "jid"} <= present and "chat_row_id" in columns(db, "message")
    legacy = "messages" in present and "key_remote_jid" in columns(db, "messages")
    if new and legacy:
        in_new = db.execute("SELECT count(*) FROM message WHERE chat_row_id > 0").fetchone()[0]
        in_legacy = db.execute("SELECT count(*) FROM messages WHERE key_remote_jid <> '-1'").fetchone()[0]
        return "new" if in_new >= in_legacy else "legacy"
    return "new" if new else "legacy" if legacy else None


def _row(rowid: int, from_me: object, ms: object, words: str | None, caption: str | None, kind: int | None,
         status: int | None, sender: str | None, key: str | None, action: int | None, quoted_key: str | None,
         revoked: bool, source: Source) -> Row:
    """One message row of either layout in common terms: what it is, and its words."""
    at = _millis(source, rowid, ms)

    def made(what: MessageKind, text: str) -> Row:
        return Row(rowid, bool(from_me), at, what, text, sender, key, quoted_key)

    if status == SYSTEM_STATUS or kind == SYSTEM_TYPE or (key or "").startswith("call:"):
        return made(MessageKind.SYSTEM, _notice(action, words, key))
    if kind in CALL_TYPES:
        return made(MessageKind.SYSTEM, CALL_TYPES[kind])
    if kind == WAITING_TYPE:
        return made(MessageKind.SYSTEM, "a message WhatsApp was still waiting for (it could not be read)")
    if revoked:
        return made(MessageKind.DELETED, "")
    if kind in MEDIA_TYPES:
        return made(MessageKind.MEDIA, "" if kind in CARD_TYPES else caption or "")
    text = words or caption or ""
    if kind not in (TEXT_TYPE, None) and not text.strip():
        return made(MessageKind.SYSTEM, f"a WhatsApp message of a kind not read here (type {kind})")
    if not text.strip():
        return made(MessageKind.DELETED, "")  # a text message whose words were taken out: deleted before 2017
    return made(MessageKind.TEXT, text)


def _notice(action: int | None, words: str | None, key: str | None) -> str:
    if (key or "").startswith("call:"):
        return "a call"
    if action in NOTICES:
        return f"{NOTICES[action]}: {words}" if action in _NAMING_NOTICES and words else NOTICES[action]
    return f"a WhatsApp notice (action {action})" if action is not None else "a WhatsApp notice"


def _read_new(db: sqlite3.Connection, source: Source) -> list[Chat]:
    present = tables(db)
    raw = "raw_string" if "raw_string" in columns(db, "jid") else "user || '@' || server"
    jids: dict[int, str] = {rowid: as_text(text) or "" for rowid, text in db.execute(f"SELECT _id, {raw} FROM jid")}
    if "jid_map" in present and {"lid_row_id", "jid_row_id"} <= columns(db, "jid_map"):
        for lid, number in db.execute("SELECT lid_row_id, jid_row_id FROM jid_map"):
            if number in jids:
                jids[lid] = jids[number]
    chats: dict[int, Chat] = {}
    for rowid, jid_row, subject in db.execute("SELECT _id, jid_row_id, subject FROM chat ORDER BY _id"):
        jid = jids.get(jid_row, "")
        if jid and not jid.endswith(NOT_PEOPLE):
            chats[rowid] = Chat(jid, as_text(subject))
    cols = optional(columns(db, "message"), "m", ("text_data", "message_type", "status", "sender_jid_row_id", "key_id"))
    system, action = left_join(db, "message_system", "s", "s.message_row_id = m._id", ("action_type",))
    quotes, quoted = left_join(db, "message_quoted", "q", "q.message_row_id = m._id", ("key_id",))
    query = (f"SELECT m._id, m.chat_row_id, m.from_me, m.timestamp, {cols}, {', '.join(action + quoted)}"
             f" FROM message AS m{system}{quotes} ORDER BY m.timestamp, m._id")
    seen: set[int] = set()
    for rowid, chat_row, from_me, ms, text, kind, status, sender_row, key_id, action, quoted in db.execute(query):
        chat = chats.get(chat_row)
        if chat is None or rowid in seen:
            continue  # WhatsApp's placeholder row, status updates, or a row joined twice
        seen.add(rowid)
        kind = int_of(kind)
        words = text_of(text)
        sender = jids.get(sender_row) if sender_row else None
        # since 2022 a photo's caption is in the same column as a message's words
        chat.rows.append(_row(rowid, from_me, ms, words, words, kind, int_of(status), sender, as_text(key_id),
                              int_of(action), as_text(quoted), kind in REVOKED_TYPES, source))
    if {"message_add_on", "message_add_on_reaction"} <= present:
        add_on = columns(db, "message_add_on")
        if {"parent_message_row_id", "chat_row_id", "from_me"} <= add_on:
            only = f" WHERE a.message_add_on_type = {REACTION_ADD_ON}" if "message_add_on_type" in add_on else ""
            sender = "a.sender_jid_row_id" if "sender_jid_row_id" in add_on else "NULL"
            stamp = "a.timestamp" if "timestamp" in add_on else "NULL"
            for parent, chat_row, from_me, sender_row, emoji, ms in db.execute(
                f"SELECT a.parent_message_row_id, a.chat_row_id, a.from_me, {sender}, r.reaction, {stamp}"
                " FROM message_add_on AS a JOIN message_add_on_reaction AS r ON r.message_add_on_row_id = a._id"
                f"{only} ORDER BY {stamp}, a._id"
            ):
                chat = chats.get(chat_row)
                if chat is not None:
                    reactor = None if from_me else (jids.get(sender_row) if sender_row else chat.jid)
                    chat.reactions.append((parent, reactor, as_text(emoji) or "", int_of(ms)))
    return list(chats.values())


def _read_legacy(db: sqlite3.Connection, source: Source) -> list[Chat]:
    present = tables(db)
    wanted = columns(db, "messages")
    cols = optional(wanted, "m", ("data", "media_wa_type", "status", "remote_resource", "key_id", "media_size",
                                  "media_caption", "edit_version"))
    joins, [quoted] = left_join(db, "messages_quotes", "q", "q._id = m.quoted_row_id AND m.quoted_row_id > 0",
                                ("key_id",), when="quoted_row_id" in wanted)
    subjects: dict[str, str | None] = {}
    if "chat_list" in present and "subject" in columns(db, "chat_list"):
        subjects = {as_text(jid) or "": as_text(subject) for jid, subject in
                    db.execute("SELECT key_remote_jid, subject FROM chat_list")}
    chats: dict[str, Chat] = {}
    seen: set[int] = set()
    for row in db.execute(f"SELECT m._id, m.key_remote_jid, m.key_from_me, m.timestamp, {cols}, {quoted}"
                          f" FROM messages AS m{joins} WHERE m.key_remote_jid <> '-1' ORDER BY m.timestamp, m._id"):
        rowid, jid, from_me, ms, data, kind, status, sender, key_id, size, caption, edit_version, quoted_key = row
        jid = as_text(jid) or ""
        if not jid or jid.endswith(NOT_PEOPLE) or rowid in seen:
            continue
        seen.add(rowid)
        chat = chats.get(jid)
        if chat is None:
            chat = chats[jid] = Chat(jid, subjects.get(jid))
        kind, status = int_of(kind), int_of(status)
        revoked = kind in REVOKED_TYPES or int_of(edit_version) == REVOKED_EDIT_VERSION
        # a notice's media_size says what happened; its data holds a group's new name
        chat.rows.append(_row(rowid, from_me, ms, text_of(data), text_of(caption), kind, status,
                              as_text(sender) or None, as_text(key_id),
                              int_of(size) if status == SYSTEM_STATUS else None, as_text(quoted_key), revoked,
                              source))
    return list(chats.values())


def _millis(source: Source, rowid: int, value: object) -> int:
    ms = int_of(value)
    if ms is None:
        raise ImportFormatError(source.name, "a message time in milliseconds since 1970",
                                json_path=f"message {rowid}", found=repr(value))
    # WhatsApp writes milliseconds; a database rebuilt by hand or by another tool may hold seconds,
    # which stay below 10**11 until the year 5138 (milliseconds passed it in 1973)
    return ms * 1000 if 0 < ms < 10**11 else ms


def _contact_names(source: Source) -> dict[str, str]:
    """The names ``wa.db`` beside the database gives the JIDs: the phone's contact name, else the
    name the person gave WhatsApp. None without the file."""
    contacts = source.sibling("wa.db")
    if contacts is None:
        return {}
    with open_database(contacts, _CONTACTS_EXPECTED) as db:
        if "wa_contacts" not in tables(db):
            raise wrong_tables(contacts, _CONTACTS_EXPECTED, db)
        present = columns(db, "wa_contacts")
        picked = [name for name in ("display_name", "wa_name") if name in present]
        if "jid" not in present or not picked:
            raise ImportFormatError(contacts.name, _CONTACTS_EXPECTED + " (jid, display_name or wa_name)",
                                    found="columns " + listed(present))
        order = " ORDER BY _id" if "_id" in present else ""
        names: dict[str, str] = {}
        best: dict[str, int] = {}
        for jid, *given in db.execute(f"SELECT jid, {', '.join(picked)} FROM wa_contacts{order}"):
            jid = as_text(jid)
            for rank, name in enumerate(map(as_text, given)):
                if jid and name and name.strip() and rank < best.get(jid, len(picked)):
                    names[jid], best[jid] = name.strip(), rank
                    break
        return names


register(WhatsAppDbImporter())
