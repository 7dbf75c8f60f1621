"""Builds WhatsApp's databases from simple records: Android's ``msgstore.db`` (``wa.db`` for names), and
iPhone's and Mac's ``ChatStorage.sqlite`` (``ContactsV2.sqlite`` for names).

Both layouts WhatsApp has written, their tables as real databases create them (trimmed of tables
nothing reads): since about 2022 ``message`` / ``chat`` / ``jid`` with ``message_system``,
``message_quoted``, ``message_add_on`` (+ ``_reaction``) and ``jid_map``; before, one ``messages``
table keyed by the chat's JID with ``chat_list`` and ``messages_quotes``. Both start with
WhatsApp's placeholder row (chat -1), and a database of the years between holds the two, one of
them empty. Times are milliseconds since 1970 (UTC) of the records' naive local times.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from turntoward.model import Reaction

NEW_SCHEMA = """
CREATE TABLE jid (_id INTEGER PRIMARY KEY AUTOINCREMENT, user TEXT NOT NULL, server TEXT NOT NULL,
    agent INTEGER, device INTEGER, type INTEGER, raw_string TEXT);
CREATE TABLE jid_map (lid_row_id INTEGER PRIMARY KEY NOT NULL, jid_row_id INTEGER NOT NULL);
CREATE TABLE chat (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid_row_id INTEGER UNIQUE, hidden INTEGER,
    subject TEXT, created_timestamp INTEGER, display_message_row_id INTEGER, last_message_row_id INTEGER,
    archived INTEGER, sort_timestamp INTEGER, group_type INTEGER NOT NULL DEFAULT 0);
CREATE TABLE message (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL,
    from_me INTEGER NOT NULL, key_id TEXT NOT NULL, sender_jid_row_id INTEGER, status INTEGER,
    broadcast INTEGER, recipient_count INTEGER, participant_hash TEXT, origination_flags INTEGER,
    origin INTEGER, timestamp INTEGER, received_timestamp INTEGER, receipt_server_timestamp INTEGER,
    message_type INTEGER, text_data TEXT, starred INTEGER, lookup_tables INTEGER,
    message_add_on_flags INTEGER, sort_id INTEGER NOT NULL DEFAULT 0);
CREATE TABLE message_system (message_row_id INTEGER PRIMARY KEY, action_type INTEGER NOT NULL);
CREATE TABLE message_quoted (message_row_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER NOT NULL,
    parent_message_chat_row_id INTEGER NOT NULL, from_me INTEGER NOT NULL, sender_jid_row_id INTEGER,
    key_id TEXT NOT NULL, timestamp INTEGER, message_type INTEGER, origin INTEGER, text_data TEXT,
    payment_transaction_id TEXT, lookup_tables INTEGER);
CREATE TABLE message_add_on (_id INTEGER PRIMARY KEY AUTOINCREMENT, chat_row_id INTEGER, from_me INTEGER,
    key_id TEXT NOT NULL, sender_jid_row_id INTEGER, parent_message_row_id INTEGER, timestamp INTEGER,
    status INTEGER, message_add_on_type INTEGER);
CREATE TABLE message_add_on_reaction (message_add_on_row_id INTEGER PRIMARY KEY, reaction TEXT,
    sender_timestamp INTEGER);
INSERT INTO message (_id, chat_row_id, from_me, key_id, sort_id) VALUES (1, -1, 0, '-1', 0);
"""

LEGACY_SCHEMA = """
CREATE TABLE messages (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL, key_from_me INTEGER,
    key_id TEXT NOT NULL, status INTEGER, needs_push INTEGER, data TEXT, timestamp INTEGER, media_url TEXT,
    media_mime_type TEXT, media_wa_type TEXT, media_size INTEGER, media_name TEXT, media_caption TEXT,
    media_hash TEXT, media_duration INTEGER, origin INTEGER, latitude REAL, longitude REAL, thumb_image TEXT,
    remote_resource TEXT, received_timestamp INTEGER, send_timestamp INTEGER, receipt_server_timestamp INTEGER,
    raw_data BLOB, recipient_count INTEGER, participant_hash TEXT, starred INTEGER, quoted_row_id INTEGER,
    mentioned_jids TEXT, multicast_id TEXT, edit_version INTEGER, media_enc_hash TEXT, forwarded INTEGER);
CREATE TABLE messages_quotes (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT NOT NULL,
    key_from_me INTEGER, key_id TEXT NOT NULL, status INTEGER, data TEXT, timestamp INTEGER,
    media_wa_type TEXT, remote_resource TEXT);
CREATE TABLE chat_list (_id INTEGER PRIMARY KEY AUTOINCREMENT, key_remote_jid TEXT UNIQUE,
    message_table_id INTEGER, subject TEXT, creation INTEGER, last_read_message_table_id INTEGER,
    archived INTEGER, sort_timestamp INTEGER);
INSERT INTO messages (_id, key_remote_jid, key_from_me, key_id, status, timestamp, media_wa_type, media_size)
    VALUES (1, '-1', 0, '-1', -1, 0, '-1', -1);
"""

CONTACTS_SCHEMA = """
CREATE TABLE wa_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, jid TEXT NOT NULL,
    is_whatsapp_user BOOLEAN NOT NULL, status TEXT, status_timestamp INTEGER, number TEXT,
    raw_contact_id INTEGER, display_name TEXT, phone_type INTEGER, phone_label TEXT, given_name TEXT,
    family_name TEXT, wa_name TEXT, sort_name TEXT, nickname TEXT);
"""

# message_type (media_wa_type) of what a record's kind stands for
TYPES = {"text": 0, "media": 1, "deleted": 15, "system": 7}
E2E_NOTICE = 19


class Record(Protocol):
    """A message to write: the fields every exporter in tests/exporters accepts."""

    ts: datetime
    author: str
    text: str
    kind: str


def millis(ts: datetime) -> int:
    """``timestamp`` for a naive local time."""
    return round(ts.timestamp() * 1000)


def number_jid(number: str) -> str:
    return f"{number}@s.whatsapp.net"


def render_msgstore(path: Path, records: Sequence[Record], *, me: str, numbers: dict[str, str],
                    layout: str = "new", group: str | None = None, notice: bool = True,
                    other_layout_too: bool = False) -> None:
    """`records` as one chat of a msgstore.db at `path`: a two-person chat with the one person of
    `numbers` (author -> phone number) not `me`, or the group `group` (its name) of them all.

    A record's ``reply_to`` (index of an earlier record) becomes a quote, its ``reactions`` reaction
    rows (new layout), a photo's ``caption`` its words. `notice` opens the chat with WhatsApp's
    encryption notice; `other_layout_too` writes the other layout's tables too, holding only the
    placeholder row, as a database of the years between does.
    """
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(NEW_SCHEMA if layout == "new" else LEGACY_SCHEMA)
    if other_layout_too:
        db.executescript(LEGACY_SCHEMA if layout == "new" else NEW_SCHEMA)
    others = [name for name in numbers if name != me]
    chat_jid = "120363021234567890@g.us" if group else number_jid(numbers[others[0]])
    if layout == "new":
        _write_new(db, records, me, numbers, chat_jid, group, notice)
    else:
        _write_legacy(db, records, me, numbers, chat_jid, group, notice)
    db.commit()
    db.close()


def render_contacts(path: Path, names: dict[str, str], *, pushed: dict[str, str] | None = None) -> None:
    """wa.db at `path`: each name's contact row (name -> number), and the names people gave WhatsApp
    themselves (`pushed`, number -> name) for numbers not in the phone's contacts."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(CONTACTS_SCHEMA)
    db.execute("INSERT INTO wa_contacts (jid, is_whatsapp_user) VALUES ('status@broadcast', 1)")
    for name, number in names.items():
        db.execute("INSERT INTO wa_contacts (jid, is_whatsapp_user, number, display_name, given_name, wa_name)"
                   " VALUES (?, 1, ?, ?, ?, ?)", (number_jid(number), number, name, name.split()[0], name.lower()))
    for number, name in (pushed or {}).items():
        db.execute("INSERT INTO wa_contacts (jid, is_whatsapp_user, wa_name) VALUES (?, 1, ?)",
                   (number_jid(number), name))
    db.commit()
    db.close()


def _key(i: int) -> str:
    return f"3EB0{i:016X}"


def _write_new(db: sqlite3.Connection, records: Sequence[Record], me: str, numbers: dict[str, str],
               chat_jid: str, group: str | None, notice: bool) -> None:
    jid_rows: dict[str, int] = {}

    def jid_row(jid: str) -> int:
        if jid not in jid_rows:
            user, _, server = jid.partition("@")
            cur = db.execute("INSERT INTO jid (user, server, agent, device, type, raw_string)"
                             " VALUES (?, ?, 0, 0, ?, ?)", (user, server, 1 if server == "g.us" else 0, jid))
            jid_rows[jid] = int(cur.lastrowid or 0)
        return jid_rows[jid]

    jid_row("status@broadcast")
    chat = int(db.execute("INSERT INTO chat (jid_row_id, hidden, subject, created_timestamp) VALUES (?, 0, ?, ?)",
                          (jid_row(chat_jid), group, millis(records[0].ts) if records else 0)).lastrowid or 0)
    if notice and records:
        rowid = _insert_new(db, chat, True, _key(0), None, 6, millis(records[0].ts) - 5, TYPES["system"], None)
        db.execute("INSERT INTO message_system VALUES (?, ?)", (rowid, E2E_NOTICE))
    rowids: list[int] = []
    for i, r in enumerate(records, 1):
        from_me = r.author == me
        sender = None if from_me or not group else jid_row(number_jid(numbers[r.author]))
        kind = TYPES[r.kind]
        text = _words(r)
        rowid = _insert_new(db, chat, from_me, _key(i), sender, 13 if from_me else 0, millis(r.ts), kind, text)
        rowids.append(rowid)
        if kind == TYPES["system"]:
            db.execute("INSERT INTO message_system VALUES (?, ?)", (rowid, 1))
        reply_to = getattr(r, "reply_to", None)
        if reply_to is not None:
            quoted = records[reply_to]
            db.execute("INSERT INTO message_quoted (message_row_id, chat_row_id, parent_message_chat_row_id, from_me,"
                       " key_id, timestamp, message_type, text_data) VALUES (?, ?, ?, ?, ?, ?, 0, ?)",
                       (rowid, chat, chat, int(quoted.author == me), _key(reply_to + 1), millis(quoted.ts),
                        quoted.text))
    for i, r in enumerate(records):
        reaction: Reaction
        for k, reaction in enumerate(getattr(r, "reactions", ())):
            from_me = reaction.author == me
            sender = None if from_me else jid_row(number_jid(numbers[reaction.author]))
            when = millis(reaction.ts or r.ts)
            add_on = db.execute("INSERT INTO message_add_on (chat_row_id, from_me, key_id, sender_jid_row_id,"
                                " parent_message_row_id, timestamp, status, message_add_on_type)"
                                " VALUES (?, ?, ?, ?, ?, ?, 0, 56)",
                                (chat, int(from_me), f"R{i}.{k}", sender, rowids[i], when)).lastrowid
            db.execute("INSERT INTO message_add_on_reaction VALUES (?, ?, ?)", (add_on, reaction.emoji, when))


def _insert_new(db: sqlite3.Connection, chat: int, from_me: bool, key: str, sender: int | None, status: int,
                ms: int, kind: int, text: str | None) -> int:
    cur = db.execute("INSERT INTO message (chat_row_id, from_me, key_id, sender_jid_row_id, status, timestamp,"
                     " received_timestamp, message_type, text_data, sort_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                     (chat, int(from_me), key, sender or 0, status, ms, ms + 700, kind, text))
    rowid = int(cur.lastrowid or 0)
    db.execute("UPDATE message SET sort_id = ? WHERE _id = ?", (rowid, rowid))
    return rowid


def _write_legacy(db: sqlite3.Connection, records: Sequence[Record], me: str, numbers: dict[str, str],
                  chat_jid: str, group: str | None, notice: bool) -> None:
    if group:
        db.execute("INSERT INTO chat_list (key_remote_jid, subject, creation) VALUES (?, ?, ?)",
                   (chat_jid, group, millis(records[0].ts) if records else 0))
    if notice and records:
        db.execute("INSERT INTO messages (key_remote_jid, key_from_me, key_id, status, timestamp, media_wa_type,"
                   " media_size) VALUES (?, 1, ?, 6, ?, '0', ?)",
                   (chat_jid, _key(0), millis(records[0].ts) - 5, E2E_NOTICE))
    for i, r in enumerate(records, 1):
        from_me = r.author == me
        sender = None if from_me else (number_jid(numbers[r.author]) if group else "")
        media = r.kind == "media"
        words = _words(r)
        quoted = None
        reply_to = getattr(r, "reply_to", None)
        if reply_to is not None:
            original = records[reply_to]
            quoted = db.execute("INSERT INTO messages_quotes (key_remote_jid, key_from_me, key_id, status, data,"
                                " timestamp, media_wa_type) VALUES (?, ?, ?, 0, ?, ?, '0')",
                                (chat_jid, int(original.author == me), _key(reply_to + 1), original.text,
                                 millis(original.ts))).lastrowid
        db.execute("INSERT INTO messages (key_remote_jid, key_from_me, key_id, status, data, timestamp,"
                   " media_wa_type, media_size, media_caption, remote_resource, quoted_row_id, edit_version)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (chat_jid, int(from_me), _key(i), 13 if from_me else 0, None if media else words, millis(r.ts),
                    "1" if media else "0", 48213 if media else 0, words if media else None, sender, quoted or 0,
                    7 if r.kind == "deleted" else 0))


def _words(r: Record) -> str | None:
    """A record's words as the database keeps them: a photo's are its ``caption`` (the record's text
    is the marker a text export writes in its place), a deleted message has none."""
    if r.kind == "media":
        return getattr(r, "caption", None)
    return None if r.kind == "deleted" else r.text


# --- iPhone and Mac: ChatStorage.sqlite, and ContactsV2.sqlite for the address book's names ---

APPLE_SCHEMA = """
CREATE TABLE Z_PRIMARYKEY (Z_ENT INTEGER PRIMARY KEY, Z_NAME VARCHAR, Z_SUPER INTEGER, Z_MAX INTEGER);
CREATE TABLE ZWACHATSESSION (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZARCHIVED INTEGER,
    ZSESSIONTYPE INTEGER, ZGROUPINFO INTEGER, ZLASTMESSAGE INTEGER, ZLASTMESSAGEDATE TIMESTAMP,
    ZCONTACTJID VARCHAR, ZPARTNERNAME VARCHAR, ZREMOVED INTEGER);
CREATE TABLE ZWAGROUPMEMBER (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZISADMIN INTEGER,
    ZCHATSESSION INTEGER, ZMEMBERJID VARCHAR, ZCONTACTNAME VARCHAR, ZFIRSTNAME VARCHAR);
CREATE TABLE ZWAPROFILEPUSHNAME (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZJID VARCHAR,
    ZPUSHNAME VARCHAR);
CREATE TABLE ZWAMESSAGE (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZCHATSESSION INTEGER,
    ZGROUPMEMBER INTEGER, ZMEDIAITEM INTEGER, ZMESSAGEINFO INTEGER, ZISFROMME INTEGER, ZMESSAGESTATUS INTEGER,
    ZMESSAGETYPE INTEGER, ZGROUPEVENTTYPE INTEGER, ZFLAGS INTEGER, ZSORT INTEGER, ZMESSAGEDATE TIMESTAMP,
    ZSENTDATE TIMESTAMP, ZFROMJID VARCHAR, ZTOJID VARCHAR, ZSTANZAID VARCHAR, ZTEXT VARCHAR, ZPUSHNAME VARCHAR);
CREATE TABLE ZWAMEDIAITEM (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZMESSAGE INTEGER,
    ZFILESIZE INTEGER, ZLATITUDE FLOAT, ZLONGITUDE FLOAT, ZMEDIALOCALPATH VARCHAR, ZTITLE VARCHAR, ZMETADATA BLOB);
CREATE TABLE ZWAMESSAGEINFO (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZMESSAGE INTEGER,
    ZRECEIPTINFO BLOB);
"""

CONTACTS_V2_SCHEMA = """
CREATE TABLE ZWAADDRESSBOOKCONTACT (Z_PK INTEGER PRIMARY KEY, Z_ENT INTEGER, Z_OPT INTEGER, ZWHATSAPPID VARCHAR,
    ZLID VARCHAR, ZPHONENUMBER VARCHAR, ZFULLNAME VARCHAR, ZGIVENNAME VARCHAR, ZLASTNAME VARCHAR,
    ZBUSINESSNAME VARCHAR, ZUSERNAME VARCHAR, ZABOUTTEXT VARCHAR);
"""

APPLE_EPOCH = 978_307_200
APPLE_TYPES = {"text": 0, "media": 1, "deleted": 14, "system": 6}
APPLE_ENCRYPTION_NOTICE = 10


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        low, n = n & 0x7F, n >> 7
        out.append(low | (0x80 if n else 0))
        if not n:
            return bytes(out)


def protobuf_field(number: int, value: int | str | bytes) -> bytes:
    """One protobuf field: a number (varint) or a string / bytes (length-delimited)."""
    if isinstance(value, int):
        return _varint(number << 3) + _varint(value)
    data = value.encode("utf-8") if isinstance(value, str) else value
    return _varint(number << 3 | 2) + _varint(len(data)) + data


def render_chat_storage(path: Path, records: Sequence[Record], *, me: str, numbers: dict[str, str],
                        group: str | None = None, partner_names: bool = True, parent_column: bool = False,
                        notice: bool = True) -> None:
    """`records` as one chat of an iPhone's ChatStorage.sqlite at `path`, as `render_msgstore` writes
    Android's: a two-person chat, or the group `group`. The chat's ZPARTNERNAME is the other person's
    name (their number with `partner_names` False); a group's members keep their ZCONTACTNAME empty, as
    WhatsApp often leaves it. A reply quotes its message by its media item's metadata (field 5), or by
    ZPARENTMESSAGE with `parent_column`; reactions are written in ZRECEIPTINFO (field 7)."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(APPLE_SCHEMA)
    if parent_column:  # newer versions' column for the quoted message's row
        db.execute("ALTER TABLE ZWAMESSAGE ADD COLUMN ZPARENTMESSAGE INTEGER")
    mine = number_jid(numbers[me])
    others = [name for name in numbers if name != me]
    other = number_jid(numbers[others[0]])
    chat_jid = "120363021234567890@g.us" if group else other
    partner = group or (others[0] if partner_names else "+" + numbers[others[0]])
    db.execute("INSERT INTO ZWACHATSESSION (Z_PK, Z_ENT, ZSESSIONTYPE, ZCONTACTJID, ZPARTNERNAME, ZREMOVED)"
               " VALUES (1, 4, ?, ?, ?, 0)", (1 if group else 0, chat_jid, partner))
    db.execute("INSERT INTO ZWACHATSESSION (Z_PK, Z_ENT, ZSESSIONTYPE, ZCONTACTJID, ZPARTNERNAME, ZREMOVED)"
               " VALUES (2, 4, 3, 'status@broadcast', 'Status', 0)")
    members: dict[str, int] = {}
    if group:
        for k, name in enumerate(others, 1):
            members[name] = k
            db.execute("INSERT INTO ZWAGROUPMEMBER (Z_PK, ZCHATSESSION, ZMEMBERJID, ZCONTACTNAME) VALUES (?, 1, ?, '')",
                       (k, number_jid(numbers[name])))
    if notice and records:
        db.execute("INSERT INTO ZWAMESSAGE (ZCHATSESSION, ZISFROMME, ZMESSAGETYPE, ZGROUPEVENTTYPE, ZMESSAGEDATE,"
                   " ZSTANZAID) VALUES (1, 0, ?, 2, ?, 'notice-0')",
                   (APPLE_ENCRYPTION_NOTICE, records[0].ts.timestamp() - APPLE_EPOCH - 1))
    rows: list[int] = []
    for i, r in enumerate(records):
        from_me = r.author == me
        stanza = _key(i + 1)
        words = _words(r) if r.kind == "media" else (None if r.kind == "deleted" else r.text)
        reply_to = getattr(r, "reply_to", None)
        rowid = int(db.execute(
            "INSERT INTO ZWAMESSAGE (ZCHATSESSION, ZGROUPMEMBER, ZISFROMME, ZMESSAGETYPE, ZGROUPEVENTTYPE,"
            " ZMESSAGEDATE, ZSENTDATE, ZFROMJID, ZTOJID, ZSTANZAID, ZTEXT) VALUES (1, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?)",
            (None if from_me or not group else members[r.author], int(from_me), APPLE_TYPES[r.kind],
             r.ts.timestamp() - APPLE_EPOCH, r.ts.timestamp() - APPLE_EPOCH, None if from_me else chat_jid,
             chat_jid if from_me else mine, stanza, None if r.kind == "media" else words)).lastrowid or 0)
        rows.append(rowid)
        metadata = None
        if reply_to is not None and not parent_column:
            metadata = protobuf_field(1, 1) + protobuf_field(5, _key(reply_to + 1))
        if r.kind == "media" or metadata is not None:
            item = db.execute("INSERT INTO ZWAMEDIAITEM (ZMESSAGE, ZTITLE, ZMETADATA, ZMEDIALOCALPATH)"
                              " VALUES (?, ?, ?, ?)", (rowid, words if r.kind == "media" else None, metadata,
                                                       f"Media/{chat_jid}/p{i}.jpg" if r.kind == "media" else None))
            db.execute("UPDATE ZWAMESSAGE SET ZMEDIAITEM = ? WHERE Z_PK = ?", (item.lastrowid, rowid))
        if reply_to is not None and parent_column:
            db.execute("UPDATE ZWAMESSAGE SET ZPARENTMESSAGE = ? WHERE Z_PK = ?", (rows[reply_to], rowid))
        reactions = getattr(r, "reactions", ())
        if reactions:
            entries = b"".join(
                protobuf_field(1, protobuf_field(1, f"R{i}.{k}") + protobuf_field(
                    2, mine if reaction.author == me else number_jid(numbers[reaction.author]))
                    + protobuf_field(3, reaction.emoji) + protobuf_field(4, 1))
                for k, reaction in enumerate(reactions))
            info = db.execute("INSERT INTO ZWAMESSAGEINFO (ZMESSAGE, ZRECEIPTINFO) VALUES (?, ?)",
                              (rowid, protobuf_field(4, 1) + protobuf_field(7, entries))).lastrowid
            db.execute("UPDATE ZWAMESSAGE SET ZMESSAGEINFO = ? WHERE Z_PK = ?", (info, rowid))
    db.commit()
    db.close()


def render_contacts_v2(path: Path, names: dict[str, str]) -> None:
    """ContactsV2.sqlite at `path`: the address book's row for each name (name -> number)."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(CONTACTS_V2_SCHEMA)
    for name, number in names.items():
        first, _, last = name.partition(" ")
        db.execute("INSERT INTO ZWAADDRESSBOOKCONTACT (ZWHATSAPPID, ZPHONENUMBER, ZFULLNAME, ZGIVENNAME, ZLASTNAME)"
                   " VALUES (?, ?, ?, ?, ?)", (number_jid(number), "+" + number, name, first, last))
    db.commit()
    db.close()
