"""Builds macOS Messages databases (chat.db) from simple records, with the real schema.

The tables and columns are those of macOS 13-15 (trimmed of columns nothing reads; macOS 15
added ``associated_message_emoji``); dates are Apple-epoch nanoseconds, text may live only in
the archived ``attributedBody``, tapbacks are rows of their own pointing at a part of their
target (``p:0/<guid>``), and group renames are ``item_type`` 2 rows, as on a real Mac.
"""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from turntoward.ingest._typedstream import archive_string

APPLE_EPOCH = 978_307_200
OBJECT_REPLACEMENT = "\ufffc"

SCHEMA = """
CREATE TABLE _SqliteDatabaseProperties (key TEXT, value TEXT, UNIQUE(key));
CREATE TABLE handle (ROWID INTEGER PRIMARY KEY AUTOINCREMENT UNIQUE, id TEXT NOT NULL,
    country TEXT, service TEXT NOT NULL, uncanonicalized_id TEXT, person_centric_id TEXT,
    UNIQUE (id, service));
CREATE TABLE chat (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
    style INTEGER, state INTEGER, account_id TEXT, properties BLOB, chat_identifier TEXT,
    service_name TEXT, room_name TEXT, account_login TEXT, is_archived INTEGER DEFAULT 0,
    last_addressed_handle TEXT, display_name TEXT, group_id TEXT, is_filtered INTEGER DEFAULT 0,
    successful_query INTEGER, last_read_message_timestamp INTEGER DEFAULT 0);
CREATE TABLE message (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
    text TEXT, replace INTEGER DEFAULT 0, service_center TEXT, handle_id INTEGER DEFAULT 0,
    subject TEXT, country TEXT, attributedBody BLOB, version INTEGER DEFAULT 0,
    type INTEGER DEFAULT 0, service TEXT, account TEXT, account_guid TEXT, error INTEGER DEFAULT 0,
    date INTEGER, date_read INTEGER, date_delivered INTEGER, is_delivered INTEGER DEFAULT 0,
    is_finished INTEGER DEFAULT 0, is_emote INTEGER DEFAULT 0, is_from_me INTEGER DEFAULT 0,
    is_empty INTEGER DEFAULT 0, is_delayed INTEGER DEFAULT 0, is_auto_reply INTEGER DEFAULT 0,
    is_prepared INTEGER DEFAULT 0, is_read INTEGER DEFAULT 0, is_system_message INTEGER DEFAULT 0,
    is_sent INTEGER DEFAULT 0, has_dd_results INTEGER DEFAULT 0, cache_has_attachments INTEGER DEFAULT 0,
    cache_roomnames TEXT, item_type INTEGER DEFAULT 0, other_handle INTEGER DEFAULT 0,
    group_title TEXT, group_action_type INTEGER DEFAULT 0, share_status INTEGER DEFAULT 0,
    associated_message_guid TEXT, associated_message_type INTEGER DEFAULT 0,
    associated_message_range_location INTEGER DEFAULT 0, associated_message_range_length INTEGER DEFAULT 0,
    expressive_send_style_id TEXT, reply_to_guid TEXT, thread_originator_guid TEXT,
    thread_originator_part TEXT, date_retracted INTEGER DEFAULT 0, date_edited INTEGER DEFAULT 0,
    part_count INTEGER, associated_message_emoji TEXT);
CREATE TABLE chat_handle_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
    handle_id INTEGER REFERENCES handle (ROWID) ON DELETE CASCADE, UNIQUE(chat_id, handle_id));
CREATE TABLE chat_message_join (chat_id INTEGER REFERENCES chat (ROWID) ON DELETE CASCADE,
    message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE, message_date INTEGER DEFAULT 0,
    PRIMARY KEY (chat_id, message_id));
CREATE TABLE attachment (ROWID INTEGER PRIMARY KEY AUTOINCREMENT, guid TEXT UNIQUE NOT NULL,
    created_date INTEGER DEFAULT 0, filename TEXT, uti TEXT, mime_type TEXT, transfer_name TEXT,
    total_bytes INTEGER DEFAULT 0, is_outgoing INTEGER DEFAULT 0);
CREATE TABLE message_attachment_join (message_id INTEGER REFERENCES message (ROWID) ON DELETE CASCADE,
    attachment_id INTEGER REFERENCES attachment (ROWID) ON DELETE CASCADE, UNIQUE(message_id, attachment_id));
"""

# Tapback codes of associated_message_type: 2000 loved ... 2005 questioned, 2006 any emoji (the
# emoji in associated_message_emoji), 2007 a sticker; +1000 removes one.
TAPBACKS = {"love": 2000, "like": 2001, "dislike": 2002, "laugh": 2003, "emphasize": 2004, "question": 2005,
            "emoji": 2006, "sticker": 2007}
# The row's own text, as a notification would word it (nothing reads it): added, removed.
_TAPBACK_WORDS = {
    "love": ("Loved", "Removed a heart from"), "like": ("Liked", "Removed a like from"),
    "dislike": ("Disliked", "Removed a dislike from"), "laugh": ("Laughed at", "Removed a laugh from"),
    "emphasize": ("Emphasized", "Removed an exclamation from"),
    "question": ("Questioned", "Removed a question mark from"),
    "emoji": ("Reacted {emoji} to", "Removed {emoji} from"), "sticker": ("Reacted with a sticker to",
                                                                       "Removed a sticker from"),
}


class Record(Protocol):
    """A message to write: the fields every exporter in tests/exporters accepts."""

    ts: datetime
    author: str
    text: str
    kind: str
    reply_to: int | None


def apple_nanoseconds(ts: datetime) -> int:
    """``message.date`` for a naive local time."""
    return round((ts.timestamp() - APPLE_EPOCH) * 1e9)


class ChatDb:
    """A chat.db under construction; `add_chat` then `close` (or use as a context manager)."""

    def __init__(self, path: Path) -> None:
        path.unlink(missing_ok=True)
        self.db = sqlite3.connect(path)
        self.db.executescript(SCHEMA)
        self.db.execute("INSERT INTO _SqliteDatabaseProperties VALUES ('_ClientVersion', '17004')")
        self._handles: dict[str, int] = {}
        self._chat_of_guid: dict[str, int] = {}

    def __enter__(self) -> ChatDb:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.db.commit()
        self.db.close()

    def handle(self, address: str, service: str = "iMessage") -> int:
        if address not in self._handles:
            cur = self.db.execute(
                "INSERT INTO handle (id, country, service, uncanonicalized_id, person_centric_id)"
                " VALUES (?, 'us', ?, NULL, NULL)",
                (address, service),
            )
            self._handles[address] = int(cur.lastrowid or 0)
        return self._handles[address]

    def add_chat(
        self,
        records: Sequence[Record],
        *,
        me: str = "Me",
        display_name: str | None = None,
        attributed_body_only: bool = False,
        service: str = "iMessage",
    ) -> list[str]:
        """Writes one chat; returns the message GUIDs in record order (for tapbacks and tests)."""
        others = list(dict.fromkeys(r.author for r in records if r.author != me)) or ["+15555550100"]
        group = display_name is not None or len(others) > 1
        identifier = f"chat{uuid.uuid4().int % 10**18}" if group else others[0]
        cur = self.db.execute(
            "INSERT INTO chat (guid, style, state, account_id, chat_identifier, service_name,"
            " display_name, group_id) VALUES (?, ?, 3, ?, ?, ?, ?, ?)",
            (f"{service};{'+' if group else '-'};{identifier}", 43 if group else 45, str(uuid.uuid4()),
             identifier, service, display_name or "", str(uuid.uuid4()).upper()),
        )
        chat = int(cur.lastrowid or 0)
        for other in others:
            self.db.execute("INSERT INTO chat_handle_join VALUES (?, ?)", (chat, self.handle(other, service)))
        guids: list[str] = []
        for record in records:
            guid = str(uuid.uuid4()).upper()
            from_me = record.author == me
            text = record.text
            if record.kind == "media":
                text = OBJECT_REPLACEMENT + (text and " " + text)
            if record.kind == "deleted":
                text = ""
            thread = guids[record.reply_to] if record.reply_to is not None else None
            self._message(
                chat, guid, record.ts, 0 if from_me else self.handle(record.author, service), from_me,
                None if attributed_body_only or record.kind == "deleted" else text,
                archive_string(text) if record.kind != "deleted" else None,
                service, has_attachments=record.kind == "media", thread=thread,
                retracted=apple_nanoseconds(record.ts) if record.kind == "deleted" else 0,
            )
            if record.kind == "media":
                self._attachment(guid, record.ts, from_me)
            guids.append(guid)
        self._chat_of_guid.update(dict.fromkeys(guids, chat))
        return guids

    def add_tapback(self, target_guid: str, author: str, ts: datetime, reaction: str = "love",
                    *, removed: bool = False, me: str = "Me", emoji: str | None = None, part: int = 0,
                    bubble: bool = False) -> str:
        """A reaction row, as Messages stores it: its own message pointing at a part of the target.

        `reaction` is a key of `TAPBACKS` ("emoji" with `emoji` for a custom one); `bubble` points
        at an app or link bubble (``bp:<guid>``) instead of part `part` (``p:<part>/<guid>``).
        Returns the row's GUID.
        """
        code = TAPBACKS[reaction] + (1000 if removed else 0)
        verb = _TAPBACK_WORDS[reaction][removed].format(emoji=emoji)
        from_me = author == me
        guid = str(uuid.uuid4()).upper()
        self._message(self._chat_of_guid[target_guid], guid, ts,
                      0 if from_me else self.handle(author), from_me, f"{verb} “…”", None, "iMessage",
                      associated=(f"bp:{target_guid}" if bubble else f"p:{part}/{target_guid}", code),
                      emoji=emoji)
        return guid

    def add_rename(self, chat_guid: str, author: str, ts: datetime, title: str, *, me: str = "Me") -> str:
        """A group rename: an ``item_type`` 2 row carrying the new ``group_title``; returns its GUID."""
        chat = self.db.execute("SELECT ROWID FROM chat WHERE guid = ?", (chat_guid,)).fetchone()[0]
        self.db.execute("UPDATE chat SET display_name = ? WHERE ROWID = ?", (title, chat))
        from_me = author == me
        guid = str(uuid.uuid4()).upper()
        self._message(chat, guid, ts, 0 if from_me else self.handle(author), from_me,
                      None, None, "iMessage", item_type=2, group_title=title)
        self._chat_of_guid[guid] = chat
        return guid

    def add_notice(self, chat_guid: str, author: str, ts: datetime, item_type: int, action: int = 0,
                   *, me: str = "Me") -> str:
        """A group notice row (item_type 1: added/removed, 3: left, photo, background); returns its GUID."""
        chat = self.db.execute("SELECT ROWID FROM chat WHERE guid = ?", (chat_guid,)).fetchone()[0]
        from_me = author == me
        guid = str(uuid.uuid4()).upper()
        self._message(chat, guid, ts, 0 if from_me else self.handle(author), from_me,
                      None, None, "iMessage", item_type=item_type, group_action=action)
        self._chat_of_guid[guid] = chat
        return guid

    def chat_guid_of(self, message_guid: str) -> str:
        row = self.db.execute("SELECT guid FROM chat WHERE ROWID = ?", (self._chat_of_guid[message_guid],))
        return str(row.fetchone()[0])

    def _message(self, chat: int, guid: str, ts: datetime, handle: int, from_me: bool, text: str | None,
                 body: bytes | None, service: str, *, has_attachments: bool = False,
                 thread: str | None = None, retracted: int = 0, associated: tuple[str, int] | None = None,
                 item_type: int = 0, group_title: str | None = None, group_action: int = 0,
                 emoji: str | None = None) -> None:
        date = apple_nanoseconds(ts)
        cur = self.db.execute(
            "INSERT INTO message (guid, text, handle_id, attributedBody, version, service, account, date,"
            " date_read, date_delivered, is_delivered, is_finished, is_from_me, is_read, is_sent,"
            " cache_has_attachments, item_type, group_title, group_action_type, associated_message_guid,"
            " associated_message_type, thread_originator_guid, thread_originator_part, date_retracted,"
            " part_count, associated_message_emoji) VALUES (?, ?, ?, ?, 10, ?, 'E:me@example.com', ?, ?, ?,"
            " 1, 1, ?, 1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)",
            (guid, text, handle, body, service, date, date + 4_000_000_000, date + 1_000_000_000,
             int(from_me), int(from_me), int(has_attachments), item_type, group_title, group_action,
             associated[0] if associated else None, associated[1] if associated else 0,
             thread, "0:0:1" if thread else None, retracted, emoji),
        )
        self.db.execute("INSERT INTO chat_message_join VALUES (?, ?, ?)", (chat, cur.lastrowid, date))

    def _attachment(self, message_guid: str, ts: datetime, outgoing: bool) -> None:
        message = self.db.execute("SELECT ROWID FROM message WHERE guid = ?", (message_guid,)).fetchone()[0]
        name = f"IMG_{int(message_guid[:4], 16) % 10000:04d}.HEIC"
        cur = self.db.execute(
            "INSERT INTO attachment (guid, created_date, filename, uti, mime_type, transfer_name,"
            " total_bytes, is_outgoing) VALUES (?, ?, ?, 'public.heic', 'image/heic', ?, 1834512, ?)",
            (str(uuid.uuid4()).upper(), round(ts.timestamp() - APPLE_EPOCH),
             f"~/Library/Messages/Attachments/4f/15/{message_guid}/{name}", name, int(outgoing)),
        )
        self.db.execute("INSERT INTO message_attachment_join VALUES (?, ?)", (message, cur.lastrowid))


def render_chat_db(records: Sequence[Record], path: Path, *, me: str = "Me",
                   display_name: str | None = None, attributed_body_only: bool = True) -> Path:
    """A chat.db at `path` holding one chat with `records` (text in attributedBody, as macOS 13+)."""
    with ChatDb(path) as db:
        db.add_chat(records, me=me, display_name=display_name, attributed_body_only=attributed_body_only)
    return path
