"""Builds Skype's older database (``main.db``, Skype 7 and earlier) holding one conversation.

The tables are those of a real ``main.db`` (trimmed of columns nothing reads); each message's
``body_xml`` is the markup `tests.exporters.skype` writes as the export's ``content`` (the two
keep the same markup), ``timestamp`` seconds since 1970 and ``timestamp__ms`` the milliseconds, an
edited message ``edited_timestamp``, a deleted one ``edited_timestamp`` and no ``body_xml``. The
user's account is ``Accounts.skypename``; the others are in ``Contacts``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence
from pathlib import Path

from tests.exporters._json_records import ChatRecord
from tests.exporters.skype import account, render_skype

SCHEMA = """
CREATE TABLE Accounts (id INTEGER NOT NULL PRIMARY KEY, is_permanent INTEGER, status INTEGER, skypename TEXT,
    fullname TEXT, languages TEXT, country TEXT);
CREATE TABLE Contacts (id INTEGER NOT NULL PRIMARY KEY, is_permanent INTEGER, type INTEGER, skypename TEXT,
    fullname TEXT, displayname TEXT, given_displayname TEXT, is_authorized INTEGER);
CREATE TABLE Conversations (id INTEGER NOT NULL PRIMARY KEY, is_permanent INTEGER, identity TEXT, type INTEGER,
    given_displayname TEXT, displayname TEXT, inbox_timestamp INTEGER, last_activity_timestamp INTEGER);
CREATE TABLE Messages (id INTEGER NOT NULL PRIMARY KEY, is_permanent INTEGER, chatname TEXT, timestamp INTEGER,
    author TEXT, from_dispname TEXT, chatmsg_type INTEGER, body_xml TEXT, chatmsg_status INTEGER,
    edited_by TEXT, edited_timestamp INTEGER, dialog_partner TEXT, guid BLOB, convo_id INTEGER, type INTEGER,
    sending_status INTEGER, remote_id INTEGER, timestamp__ms INTEGER);
"""
TYPES = {"RichText": 61, "RichText/UriObject": 201, "RichText/Files": 68, "RichText/Media_GenericFile": 68,
         "RichText/Media_Video": 253, "RichText/Contacts": 63}


def render_main_db(path: Path, messages: Sequence[ChatRecord], *, title: str, me: str, group: bool = False) -> Path:
    """`messages` as one conversation of a main.db at `path`, the user `me` (their full name)."""
    export = json.loads(render_skype(messages, title=title, me=me, group=group))
    [chat] = export["conversations"]
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    mine = account(me).removeprefix("8:")
    db.execute("INSERT INTO Accounts (id, skypename, fullname) VALUES (1, ?, ?)", (mine, me))
    others = list(dict.fromkeys(r.author for r in messages if r.author != me))
    for k, name in enumerate(others, 1):
        db.execute("INSERT INTO Contacts (id, type, skypename, fullname, displayname) VALUES (?, 1, ?, ?, ?)",
                   (k, account(name).removeprefix("8:"), name, name))
    identity = chat["id"] if group else chat["id"].removeprefix("8:")
    db.execute("INSERT INTO Conversations (id, identity, type, displayname) VALUES (1, ?, ?, ?)",
               (identity, 2 if group else 1, title))
    for entry, record in zip(reversed(chat["MessageList"]), messages, strict=True):
        properties = entry["properties"] or {}
        ms = int(entry["id"])
        edited = properties.get("edittime") or properties.get("deletetime")
        db.execute("INSERT INTO Messages (timestamp, timestamp__ms, author, from_dispname, body_xml, edited_timestamp,"
                   " convo_id, type, chatmsg_type, remote_id) VALUES (?, ?, ?, ?, ?, ?, 1, ?, 3, ?)",
                   (ms // 1000, ms, entry["from"].removeprefix("8:"), record.author, entry["content"] or None,
                    int(edited) // 1000 if edited else None, TYPES[entry["messagetype"]], ms % 2**31))
    db.commit()
    db.close()
    return path
