"""Builds Android's text-message database (``mmssms.db``, and ``contacts2.db`` for names) from records.

The same choices `tests.exporters.sms_xml` makes for a backup of the same messages: one-to-one text
is an ``sms`` row; pictures and anything in a group are MMS (``pdu`` with its ``addr`` and ``part``
rows, dated in seconds); a deleted message is absent. Threads are Android's: ``threads`` with the
``canonical_addresses`` of their people. The tables are those of real databases, trimmed.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

SCHEMA = """
CREATE TABLE sms (_id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, address TEXT, person INTEGER,
    date INTEGER, date_sent INTEGER DEFAULT 0, protocol INTEGER, read INTEGER DEFAULT 0, status INTEGER DEFAULT -1,
    type INTEGER, reply_path_present INTEGER, subject TEXT, body TEXT, service_center TEXT,
    locked INTEGER DEFAULT 0, sub_id INTEGER DEFAULT -1, error_code INTEGER DEFAULT 0, creator TEXT,
    seen INTEGER DEFAULT 0);
CREATE TABLE pdu (_id INTEGER PRIMARY KEY AUTOINCREMENT, thread_id INTEGER, date INTEGER, date_sent INTEGER DEFAULT 0,
    msg_box INTEGER, read INTEGER DEFAULT 0, m_id TEXT, sub TEXT, sub_cs INTEGER, ct_t TEXT, ct_l TEXT, exp INTEGER,
    m_cls TEXT, m_type INTEGER, v INTEGER, m_size INTEGER, pri INTEGER, rr INTEGER, rpt_a INTEGER, resp_st INTEGER,
    st INTEGER, tr_id TEXT, retr_st INTEGER, retr_txt TEXT, retr_txt_cs INTEGER, read_status INTEGER,
    ct_cls INTEGER, resp_txt TEXT, d_tm INTEGER, d_rpt INTEGER, locked INTEGER DEFAULT 0, sub_id INTEGER DEFAULT -1,
    seen INTEGER DEFAULT 0, creator TEXT, text_only INTEGER DEFAULT 0);
CREATE TABLE addr (_id INTEGER PRIMARY KEY, msg_id INTEGER, contact_id INTEGER, address TEXT, type INTEGER,
    charset INTEGER);
CREATE TABLE part (_id INTEGER PRIMARY KEY AUTOINCREMENT, mid INTEGER, seq INTEGER DEFAULT 0, ct TEXT, name TEXT,
    chset INTEGER, cd TEXT, fn TEXT, cid TEXT, cl TEXT, ctt_s INTEGER, ctt_t TEXT, _data TEXT, text TEXT);
CREATE TABLE threads (_id INTEGER PRIMARY KEY AUTOINCREMENT, date INTEGER DEFAULT 0, message_count INTEGER DEFAULT 0,
    recipient_ids TEXT, snippet TEXT, snippet_cs INTEGER DEFAULT 0, read INTEGER DEFAULT 1, archived INTEGER DEFAULT 0,
    type INTEGER DEFAULT 0, error INTEGER DEFAULT 0, has_attachment INTEGER DEFAULT 0);
CREATE TABLE canonical_addresses (_id INTEGER PRIMARY KEY AUTOINCREMENT, address TEXT);
"""

CONTACTS_SCHEMA = """
CREATE TABLE raw_contacts (_id INTEGER PRIMARY KEY AUTOINCREMENT, account_id INTEGER, sourceid TEXT,
    version INTEGER NOT NULL DEFAULT 1, dirty INTEGER NOT NULL DEFAULT 0, deleted INTEGER NOT NULL DEFAULT 0,
    contact_id INTEGER, display_name TEXT, display_name_alt TEXT, display_name_source INTEGER NOT NULL DEFAULT 0,
    sort_key TEXT);
CREATE TABLE phone_lookup (data_id INTEGER NOT NULL, raw_contact_id INTEGER NOT NULL, normalized_number TEXT NOT NULL,
    min_match TEXT NOT NULL);
"""

SENT, RECEIVED = 2, 1
FROM, TO = 137, 151


class Record(Protocol):
    ts: datetime
    author: str
    text: str
    kind: str


def _millis(ts: datetime) -> int:
    return round(ts.timestamp() * 1000)


def render_mmssms(records: Sequence[Record], path: Path, *, me: str = "Me", numbers: dict[str, str],
                  my_number: str = "+15550000000") -> Path:
    """mmssms.db at `path` with `records`; `numbers` maps every author but `me` to a phone number."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(SCHEMA)
    others = list(dict.fromkeys(r.author for r in records if r.author != me))
    canonical = {}
    for other in others:
        canonical[other] = db.execute("INSERT INTO canonical_addresses (address) VALUES (?)",
                                      (numbers[other],)).lastrowid
    thread = db.execute("INSERT INTO threads (recipient_ids, message_count) VALUES (?, ?)",
                        (" ".join(str(canonical[o]) for o in others), len(records))).lastrowid
    group = len(others) > 1
    for record in records:
        if record.kind == "deleted":
            continue
        sent = record.author == me
        if not group and record.kind != "media":
            db.execute("INSERT INTO sms (thread_id, address, date, date_sent, type, body, read, seen)"
                       " VALUES (?, ?, ?, ?, ?, ?, 1, 1)",
                       (thread, numbers[others[0]], _millis(record.ts), 0 if sent else _millis(record.ts) - 2000,
                        SENT if sent else RECEIVED, record.text))
            continue
        pdu = db.execute("INSERT INTO pdu (thread_id, date, msg_box, m_type, ct_t, read, seen, text_only)"
                         " VALUES (?, ?, ?, ?, 'application/vnd.wap.multipart.related', 1, 1, ?)",
                         (thread, round(record.ts.timestamp()), SENT if sent else RECEIVED, 128 if sent else 132,
                          int(record.kind != "media"))).lastrowid
        sender = my_number if sent else numbers[record.author]
        db.execute("INSERT INTO addr (msg_id, address, type, charset) VALUES (?, ?, ?, 106)", (pdu, sender, FROM))
        for recipient in [numbers[o] for o in others if o != record.author] + ([] if sent else [my_number]):
            db.execute("INSERT INTO addr (msg_id, address, type, charset) VALUES (?, ?, ?, 106)", (pdu, recipient, TO))
        db.execute("INSERT INTO part (mid, seq, ct, cid, cl, text) VALUES (?, -1, 'application/smil', '<smil>',"
                   " 'smil.xml', '<smil><body></body></smil>')", (pdu,))
        if record.kind == "media":
            db.execute("INSERT INTO part (mid, seq, ct, name, cl, _data) VALUES (?, 0, 'image/jpeg',"
                       " 'IMG_20240312.jpg', 'IMG_20240312.jpg', '/data/user_de/0/com.android.providers.telephony"
                       "/app_parts/PART_1710277560000.jpg')", (pdu,))
        if record.text:
            db.execute("INSERT INTO part (mid, seq, ct, chset, cid, cl, text) VALUES (?, 0, 'text/plain', 106,"
                       " '<text_0>', 'text_0.txt', ?)", (pdu, record.text))
    db.commit()
    db.close()
    return path


def render_contacts2(path: Path, names: dict[str, str]) -> Path:
    """contacts2.db at `path`: the address book's row for each name (name -> number)."""
    path.unlink(missing_ok=True)
    db = sqlite3.connect(path)
    db.executescript(CONTACTS_SCHEMA)
    for k, (name, number) in enumerate(names.items(), 1):
        db.execute("INSERT INTO raw_contacts (_id, account_id, contact_id, display_name, display_name_alt, sort_key)"
                   " VALUES (?, 1, ?, ?, ?, ?)", (k, k, name, name, name))
        digits = number.lstrip("+")
        db.execute("INSERT INTO phone_lookup VALUES (?, ?, ?, ?)", (k * 10, k, number, digits[::-1][:8]))
    db.commit()
    db.close()
    return path
