"""WhatsApp on iPhone and Mac: its message database, ``ChatStorage.sqlite`` (read by `whatsapp_db`).

An iPhone keeps it in WhatsApp's shared app group, ``group.net.whatsapp.WhatsApp.shared``; a Finder
or iTunes backup that is not encrypted holds it (iMazing and the free backup extractors copy it
out), and WhatsApp for Mac keeps the same file in ``~/Library/Group Containers/
group.net.whatsapp.WhatsApp.shared/``. ``ContactsV2.sqlite`` beside it gives the address book's
names. Read as other projects read it (no real database with messages was found to check on):
KnugiHK/WhatsApp-Chat-Exporter's ``ios_handler.py``, sepinf-inc/IPED's ``ExtractorIOS.java`` for
the message types, and domingogallardo/SwiftWABackupAPI's notes for replies and reactions.

* ``ZWACHATSESSION``: a chat a row, ``ZCONTACTJID`` its JID, ``ZPARTNERNAME`` the name WhatsApp
  shows for it (the contact's, or a group's subject);
* ``ZWAMESSAGE``: ``ZCHATSESSION``, ``ZISFROMME``, ``ZMESSAGEDATE`` (seconds since 2001-01-01 UTC),
  ``ZTEXT``, ``ZMESSAGETYPE``, ``ZSTANZAID`` (the message's key), ``ZFROMJID`` / ``ZTOJID``,
  ``ZGROUPMEMBER`` (the sender in a group, a ``ZWAGROUPMEMBER`` row: ``ZMEMBERJID``,
  ``ZCONTACTNAME``), ``ZMEDIAITEM`` (a ``ZWAMEDIAITEM`` row: ``ZTITLE`` a photo's caption,
  ``ZMETADATA`` a protobuf whose field 5 is the key of the message a reply quotes) and, in newer
  versions, ``ZPARENTMESSAGE`` the quoted message's row;
* ``ZWAMESSAGEINFO.ZRECEIPTINFO``: a protobuf whose field 7 lists the reactions, each (field 1) with
  the reacting JID (2) and the emoji (3); the user's own JID is the one incoming messages are
  addressed to (``ZTOJID``);
* names: ``ContactsV2.sqlite``'s ``ZWAADDRESSBOOKCONTACT.ZFULLNAME`` (by ``ZWHATSAPPID`` and
  ``ZLID``), else the chat's ``ZPARTNERNAME`` when it is a name and not a number, else the name the
  person gave WhatsApp (``ZWAPROFILEPUSHNAME``), else the group member row's ``ZCONTACTNAME``.

``ZMESSAGETYPE``: 0 text and 7 a link are words; 1 photo, 2 video, 3 audio, 4 contact card, 5
place, 8 document, 11 GIF, 15 sticker, 38 / 39 / 53 photo, video and voice note to view once, 54
round video are MEDIA (a photo's or video's words its caption); 14 deleted; 6 group events, 10
WhatsApp's notices (encryption, security code), 12 a message still waiting to be decrypted, 28 the
disappearing-messages setting and 59 calls are notices; another type with words is read as words,
without as a notice naming its type.
"""

from __future__ import annotations

import sqlite3

from turntoward.errors import ImportFormatError
from turntoward.ingest._sources import Source
from turntoward.ingest._sqlite import (
    as_text,
    columns,
    int_of,
    left_join,
    listed,
    open_database,
    optional,
    tables,
    wrong_tables,
)
from turntoward.ingest._whatsapp_db_common import NOT_PEOPLE, Chat, Row, text_of
from turntoward.model import MessageKind

APPLE_EPOCH = 978_307_200  # 2001-01-01T00:00:00Z as a Unix time
TEXT_TYPES = frozenset({0, 7})
MEDIA_TYPES = frozenset({1, 2, 3, 4, 5, 8, 11, 15, 38, 39, 53, 54})
CAPTIONED_TYPES = frozenset({1, 2, 38, 39, 54})  # ZTITLE is a caption; a document's is its file name
DELETED_TYPE = 14
GROUP_EVENT_TYPE = 6
NOTICE_TYPES = {
    10: "a WhatsApp notice (encryption or security code)",
    12: "a message WhatsApp was still waiting for (it could not be read)",
    28: "the disappearing messages setting",
    59: "a call",
}
_CONTACTS_EXPECTED = "WhatsApp's contacts database (ContactsV2.sqlite, with a ZWAADDRESSBOOKCONTACT table)"
_BIDI = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def is_chat_storage(db: sqlite3.Connection) -> bool:
    return {"ZWAMESSAGE", "ZWACHATSESSION"} <= tables(db) and "ZCHATSESSION" in columns(db, "ZWAMESSAGE")


def read_chat_storage(db: sqlite3.Connection, source: Source) -> tuple[list[Chat], dict[str, str]]:
    """The chats of a ChatStorage.sqlite, and the names it gives JIDs."""
    present = tables(db)
    session_columns = columns(db, "ZWACHATSESSION")
    partner = "ZPARTNERNAME" if "ZPARTNERNAME" in session_columns else "NULL"
    chats: dict[int, Chat] = {}
    names: dict[str, str] = {}
    for pk, jid, name in db.execute(f"SELECT Z_PK, ZCONTACTJID, {partner} FROM ZWACHATSESSION ORDER BY Z_PK"):
        jid, name = as_text(jid) or "", _clean(as_text(name))
        if not jid or jid.endswith(NOT_PEOPLE) or jid.startswith("status@"):
            continue
        chats[pk] = Chat(jid, name if jid.endswith("@g.us") else None)
        if name and not jid.endswith("@g.us") and not _phone_like(name):
            names[jid] = name
    pushed = _push_names(db, present)
    message_columns = columns(db, "ZWAMESSAGE")
    cols = optional(message_columns, "m", ("ZTEXT", "ZMESSAGETYPE", "ZSTANZAID", "ZFROMJID", "ZTOJID",
                                           "ZPARENTMESSAGE", "ZGROUPEVENTTYPE"))
    members, member = left_join(db, "ZWAGROUPMEMBER", "g", "g.Z_PK = m.ZGROUPMEMBER", ("ZMEMBERJID", "ZCONTACTNAME"),
                                when="ZGROUPMEMBER" in message_columns)
    items, item = left_join(db, "ZWAMEDIAITEM", "i", "i.Z_PK = m.ZMEDIAITEM", ("ZTITLE", "ZMETADATA"),
                            when="ZMEDIAITEM" in message_columns)
    joins, extra = members + items, member + item
    owner: set[str] = set()
    member_names: dict[str, str] = {}
    seen: set[int] = set()
    query = (f"SELECT m.Z_PK, m.ZCHATSESSION, m.ZISFROMME, m.ZMESSAGEDATE, {cols}, {', '.join(extra)}"
             f" FROM ZWAMESSAGE AS m{joins} ORDER BY m.ZMESSAGEDATE, m.Z_PK")
    for (pk, session, from_me, date, text, kind, stanza, from_jid, to_jid, parent, event, member_jid,
         member_name, title, metadata) in db.execute(query):
        chat = chats.get(session)
        if chat is None or pk in seen:
            continue
        seen.add(pk)
        from_jid, to_jid, member_jid = as_text(from_jid), as_text(to_jid), as_text(member_jid)
        if from_me:
            if from_jid and not from_jid.endswith(("@g.us", *NOT_PEOPLE)):
                owner.add(from_jid)
        elif to_jid and not to_jid.endswith(("@g.us", *NOT_PEOPLE)):
            owner.add(to_jid)
        sender = None
        if not from_me and chat.jid.endswith("@g.us"):
            sender = member_jid or (from_jid if from_jid and from_jid != chat.jid else None)
            name = _clean(as_text(member_name))
            if member_jid and name and not _phone_like(name):
                member_names.setdefault(member_jid, name)
        quoted_key = _quoted_stanza(metadata)
        chat.rows.append(_row(pk, bool(from_me), _millis(source, pk, date), text_of(text), int_of(kind),
                              int_of(event), text_of(title), sender, as_text(stanza), quoted_key,
                              int_of(parent)))
    _reactions(db, present, chats, owner)
    return list(chats.values()), {**member_names, **pushed, **names}


def _row(pk: int, from_me: bool, ms: int, text: str | None, kind: int | None, event: int | None,
         title: str | None, sender: str | None, stanza: str | None, quoted_key: str | None,
         parent: int | None) -> Row:
    def made(what: MessageKind, words: str) -> Row:
        return Row(pk, from_me, ms, what, words, sender, stanza, quoted_key, parent or None)

    words = text or ""
    if kind == GROUP_EVENT_TYPE:
        renamed = words.strip() and not words.strip().isdigit()
        return made(MessageKind.SYSTEM, f"changed the group's name: {words}" if renamed
                    else f"a group event (type {event})" if event is not None else "a group event")
    if kind in NOTICE_TYPES:
        return made(MessageKind.SYSTEM, NOTICE_TYPES[kind])
    if kind == DELETED_TYPE:
        return made(MessageKind.DELETED, "")
    if kind in MEDIA_TYPES:
        return made(MessageKind.MEDIA, (title or "") if kind in CAPTIONED_TYPES else "")
    if kind not in TEXT_TYPES and kind is not None and not words.strip():
        return made(MessageKind.SYSTEM, f"a WhatsApp message of a kind not read here (type {kind})")
    if not words.strip():
        return made(MessageKind.DELETED, "")  # a message whose words were taken out
    return made(MessageKind.TEXT, words)


def _millis(source: Source, pk: int, value: object) -> int:
    if isinstance(value, int | float) and not isinstance(value, bool) and abs(value) < 1e12:
        return round((value + APPLE_EPOCH) * 1000)
    raise ImportFormatError(source.name, "a message date in seconds since 2001 (ZMESSAGEDATE)",
                            json_path=f"ZWAMESSAGE {pk}", found=repr(value))


def _push_names(db: sqlite3.Connection, present: set[str]) -> dict[str, str]:
    if "ZWAPROFILEPUSHNAME" not in present or not {"ZJID", "ZPUSHNAME"} <= columns(db, "ZWAPROFILEPUSHNAME"):
        return {}
    names = {}
    for jid, name in db.execute("SELECT ZJID, ZPUSHNAME FROM ZWAPROFILEPUSHNAME"):
        jid, name = as_text(jid), _clean(as_text(name))
        if jid and name:
            names[jid] = name
    return names


def _reactions(db: sqlite3.Connection, present: set[str], chats: dict[int, Chat], owner: set[str]) -> None:
    if "ZWAMESSAGEINFO" not in present or not {"ZMESSAGE", "ZRECEIPTINFO"} <= columns(db, "ZWAMESSAGEINFO"):
        return
    chat_of_row = {row.rowid: chat for chat in chats.values() for row in chat.rows}
    for message, blob in db.execute("SELECT ZMESSAGE, ZRECEIPTINFO FROM ZWAMESSAGEINFO ORDER BY Z_PK"
                                    if "Z_PK" in columns(db, "ZWAMESSAGEINFO")
                                    else "SELECT ZMESSAGE, ZRECEIPTINFO FROM ZWAMESSAGEINFO"):
        chat = chat_of_row.get(message)
        if chat is None or not isinstance(blob, bytes):
            continue
        for jid, emoji in _reactions_in(blob):
            chat.reactions.append((message, None if jid in owner else jid, emoji, None))


def _reactions_in(blob: bytes) -> list[tuple[str, str]]:
    """(reacting JID, emoji) of a ZRECEIPTINFO blob; none where it does not parse as expected."""
    found = []
    try:
        for number, listing in _fields(blob):
            if number != 7 or not isinstance(listing, bytes):
                continue
            for inner, entry in _fields(listing):
                if inner != 1 or not isinstance(entry, bytes):
                    continue
                parts = dict(_fields(entry))
                jid, emoji = parts.get(2), parts.get(3)
                if isinstance(jid, bytes) and isinstance(emoji, bytes):
                    jid_text, emoji_text = jid.decode("utf-8"), emoji.decode("utf-8")
                    if "@" in jid_text and 0 < len(emoji_text) <= 16 and not any(c.isalnum() for c in emoji_text):
                        found.append((jid_text, emoji_text))
    except (ValueError, UnicodeDecodeError):
        return []
    return found


def _quoted_stanza(metadata: object) -> str | None:
    """The key of the message a reply quotes: field 5 of its media item's ZMETADATA."""
    if not isinstance(metadata, bytes):
        return None
    try:
        for number, value in _fields(metadata):
            if number == 5 and isinstance(value, bytes):
                return value.decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        return None
    return None


def _fields(blob: bytes) -> list[tuple[int, int | bytes]]:
    """The top-level fields of a protobuf message, as (field number, number or bytes); ValueError when
    it is not one."""
    out: list[tuple[int, int | bytes]] = []
    at = 0
    while at < len(blob):
        key, at = _varint(blob, at)
        number, wire = key >> 3, key & 7
        if number == 0:
            raise ValueError("field number 0")
        if wire == 0:
            value, at = _varint(blob, at)
            out.append((number, value))
        elif wire == 2:
            length, at = _varint(blob, at)
            if at + length > len(blob):
                raise ValueError("a field runs past the end")
            out.append((number, blob[at:at + length]))
            at += length
        elif wire in (1, 5):
            at += 8 if wire == 1 else 4
            if at > len(blob):
                raise ValueError("a field runs past the end")
        else:
            raise ValueError(f"wire type {wire}")
    return out


def _varint(blob: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(blob) or shift > 63:
            raise ValueError("a number runs past the end")
        byte = blob[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def _clean(name: str | None) -> str | None:
    """A display name without the direction marks WhatsApp puts around some (``\u200eYou``)."""
    if name is None:
        return None
    return name.translate(_BIDI).strip() or None


def _phone_like(name: str) -> bool:
    return not name.strip("+ ()-.0123456789\u00a0")


def contact_names(source: Source) -> dict[str, str]:
    """The address book's names ``ContactsV2.sqlite`` beside the database gives JIDs (and @lid ids)."""
    contacts = source.sibling("ContactsV2.sqlite")
    if contacts is None:
        return {}
    with open_database(contacts, _CONTACTS_EXPECTED) as db:
        if "ZWAADDRESSBOOKCONTACT" not in tables(db):
            raise wrong_tables(contacts, _CONTACTS_EXPECTED, db)
        present = columns(db, "ZWAADDRESSBOOKCONTACT")
        keys = [c for c in ("ZWHATSAPPID", "ZLID") if c in present]
        if not keys or "ZFULLNAME" not in present:
            raise ImportFormatError(contacts.name, _CONTACTS_EXPECTED + " (ZWHATSAPPID, ZFULLNAME)",
                                    found="columns " + listed(present))
        names: dict[str, str] = {}
        for name, *jids in db.execute(f"SELECT ZFULLNAME, {', '.join(keys)} FROM ZWAADDRESSBOOKCONTACT"):
            name = _clean(as_text(name))
            for jid in map(as_text, jids):
                if name and jid:
                    names.setdefault(jid, name)
        return names
