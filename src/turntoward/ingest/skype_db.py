"""Skype's own database before Skype 8: ``main.db``, a folder per account.

Skype 7 and earlier (to 2017, and Skype for Windows desktop and Mac until 2018) kept an account's
whole history in ``%APPDATA%\\Skype\\<account>\\main.db`` (``~/Library/Application
Support/Skype/<account>/main.db`` on a Mac): people still have these files from old computers, where
Skype's export (`skype`, ``messages.json``) only gave what Microsoft's servers kept. Opened
read-only and never written to. Read as Skyperious (suurjaak/Skyperious, ``skypedata.py``) reads it,
and checked on a real one (IPED's test file, 2021: a 1:1 chat, a second account's chat and a group).

* ``Accounts``: the user (``skypename``, ``fullname``), `Conversation.me` their full name, else
  ``--me``, else their Skype name;
* ``Conversations``: a chat a row (``identity`` its ``chat_id``: the other person's Skype name, or
  ``19:…@thread.skype`` for a group; ``type`` 1 a 1:1 chat, 2 a group, 4 a conference call),
  titled by ``given_displayname`` (the name the user gave it), else ``displayname``;
* ``Messages``: ``convo_id``, ``author``, ``from_dispname``, ``timestamp`` (seconds since 1970,
  UTC; ``timestamp__ms`` where there is one), ``type``, ``body_xml`` (the same markup as the export's
  ``content``, read the same way: `skype.read_content`), ``edited_timestamp``;
* names: the address book's (``Contacts``: ``given_displayname``, ``displayname``, ``fullname``),
  else the name a person's newest message carries (``from_dispname``), else their Skype name.

Types: 61 a message (and 60 an "/me" line, 64 an SMS sent through Skype) is words, with quotes
pointing at the message they quote as in the export; 201 a photo, 68 a file, 70 and 253 a video,
63 contacts sent are MEDIA; a message whose words were taken out (``edited_timestamp`` and no
``body_xml``) is DELETED, one edited keeps its last words and is marked ``edited``; 2 (the chat
renamed), 4 (group created), 10, 12, 13 (people added, removed, leaving), 30, 39 (a call began,
ended), 50, 51, 53 (contact requests, details, blocking), 110 (a birthday) and any other type are
notices.
"""

from __future__ import annotations

import html
import sqlite3
from collections.abc import Iterator
from datetime import datetime, timedelta

from turntoward.errors import ImportFormatError
from turntoward.ingest._clock import local_time
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest._sqlite import (
    as_text,
    columns,
    int_of,
    open_database,
    optional,
    sniff_database,
    tables,
    wrong_tables,
)
from turntoward.ingest.skype import Draft, read_content, resolve_replies
from turntoward.model import Conversation, Message, SystemEvent

_EXPECTED = "Skype's database (main.db: SQLite with Messages, Conversations and Accounts tables)"
# Messages.type of what the export calls by these names (Skyperious's MESSAGE_TYPE_*)
KIND_NAMES = {61: "RichText", 60: "RichText", 64: "RichText", 201: "RichText/UriObject", 68: "RichText/Files",
              70: "RichText/Media_Video", 253: "RichText/Media_Video", 63: "RichText/Contacts"}
NOTICES = {
    2: "named the chat", 4: "created the group", 8: "can now take part in this chat",
    9: "needs a newer Skype to take part in this chat", 10: "added someone", 12: "removed someone",
    13: "left the chat", 30: "call started", 39: "call ended", 50: "asked to be added as a contact",
    51: "shared contact details", 53: "blocked a contact", 110: "birthday",
}
RENAMED = 2
GROUP_TYPES = frozenset({2, 4})


class SkypeDbImporter:
    """Reads Skype's database of before Skype 8."""

    name = "skype_db"
    description = "Skype main.db (Skype 7 and earlier: the app's own database)"

    def sniff(self, source: Source, head: bytes) -> float:
        return sniff_database(source, head, _is_main_db, names=(), markers=(b"body_xml",), score=0.9)

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        with open_database(source, _EXPECTED) as db:
            if not _is_main_db(db):
                raise wrong_tables(source, _EXPECTED, db)
            conversations = list(_read(db, source, options))
        yield from conversations


def _is_main_db(db: sqlite3.Connection) -> bool:
    return {"Messages", "Conversations"} <= tables(db) and {"convo_id", "body_xml"} <= columns(db, "Messages")


def _read(db: sqlite3.Connection, source: Source, options: ImportOptions) -> Iterator[Conversation]:
    present = tables(db)
    owner, full_name = None, None
    if "Accounts" in present and "skypename" in columns(db, "Accounts"):
        wanted = optional(columns(db, "Accounts"), "a", ("skypename", "fullname"))
        row = db.execute(f"SELECT {wanted} FROM Accounts AS a ORDER BY a.id LIMIT 1").fetchone()
        if row is not None:
            owner, full_name = as_text(row[0]), as_text(row[1])
    me = (full_name or "").strip() or options.me or owner or "Me"
    names = _contact_names(db, present)
    cols = optional(columns(db, "Messages"), "m", ("author", "from_dispname", "timestamp", "timestamp__ms", "type",
                                                   "body_xml", "edited_timestamp"))
    by_chat: dict[int, list[tuple]] = {}
    for row in db.execute(f"SELECT m.id, m.convo_id, {cols} FROM Messages AS m ORDER BY m.timestamp, m.id"):
        by_chat.setdefault(row[1], []).append(row)
    shown = _shown_names(by_chat)

    def name(account: str | None) -> str:
        if not account:
            return "(no name)"
        if account == owner:
            return me
        return names.get(account) or shown.get(account) or account

    conversation_columns = optional(columns(db, "Conversations"), "c",
                                    ("identity", "type", "displayname", "given_displayname"))
    for convo, identity, kind, displayname, given in db.execute(
        f"SELECT c.id, {conversation_columns} FROM Conversations AS c ORDER BY c.id"
    ):
        rows = by_chat.get(convo)
        if not rows:
            continue
        drafts: list[Draft] = []
        events: list[SystemEvent] = []
        for rowid, _, author, _shown, stamp, stamp_ms, kind_code, body, edited_at in rows:
            author, body = as_text(author), as_text(body) or ""
            ms, ts = _millis(source, rowid, stamp, stamp_ms)
            kind_code = int_of(kind_code)
            kind_name = KIND_NAMES.get(kind_code) if kind_code is not None else "RichText"
            if kind_name is None:
                events.append(SystemEvent(ts, _notice(kind_code, body), name(author)))
                continue
            edited = bool(int_of(edited_at))
            draft = read_content(kind_name, body, deleted=edited and not body.strip())
            draft.instant, draft.ts, draft.ms = timedelta(milliseconds=ms), ts, ms
            draft.sender, draft.edited = author or "", draft.edited or (edited and bool(body.strip()))
            drafts.append(draft)
        messages = [Message(i, d.ts, name(d.sender), d.text, d.kind, edited=d.edited) for i, d in enumerate(drafts)]
        resolve_replies(drafts, messages)
        identity = as_text(identity) or str(convo)
        title = html.unescape((as_text(given) or as_text(displayname) or "").strip()) or name(identity)
        yield Conversation(source.name, "skype_db", title, messages, events, chat_id=identity, me=me,
                           group=int_of(kind) in GROUP_TYPES or identity.startswith("19:"))


def _contact_names(db: sqlite3.Connection, present: set[str]) -> dict[str, str]:
    """The address book's names: the one the user gave a contact, else theirs."""
    if "Contacts" not in present or "skypename" not in columns(db, "Contacts"):
        return {}
    wanted = optional(columns(db, "Contacts"), "c", ("given_displayname", "displayname", "fullname"))
    names: dict[str, str] = {}
    for account, *given in db.execute(f"SELECT c.skypename, {wanted} FROM Contacts AS c"):
        account = as_text(account)
        name = next((n.strip() for n in map(as_text, given) if n and n.strip()), None)
        if account and name:
            names.setdefault(account, html.unescape(name))
    return names


def _shown_names(by_chat: dict[int, list[tuple]]) -> dict[str, str]:
    """The name each account's newest message carries (``from_dispname``)."""
    shown: dict[str, str] = {}
    for rows in by_chat.values():
        for row in rows:
            author, name = as_text(row[2]), as_text(row[3])
            if author and name and name.strip():
                shown[author] = name.strip()  # rows in time order: the newest stays
    return shown


def _millis(source: Source, rowid: int, stamp: object, stamp_ms: object) -> tuple[int, datetime]:
    """The message's instant in milliseconds (``timestamp__ms``, else ``timestamp``) and its local time."""
    exact, seconds = int_of(stamp_ms), int_of(stamp)
    ms = exact if exact is not None and exact > 0 else None
    if ms is None and seconds is not None and 0 <= seconds < 10**11:
        ms = seconds * 1000
    moment = None if ms is None else local_time(ms)
    if ms is None or moment is None:
        raise ImportFormatError(source.name, "a message time in seconds since 1970 (Messages.timestamp)",
                                json_path=f"Messages {rowid}", found=repr(stamp))
    return ms, moment


def _notice(kind: int | None, body: str) -> str:
    if kind == RENAMED and body.strip():
        return f"{NOTICES[RENAMED]} “{html.unescape(body.strip())}”"
    return NOTICES.get(kind or 0, f"a Skype notice (type {kind})")


register(SkypeDbImporter())
