"""Android's own text-message database, ``mmssms.db``: SMS and MMS as the phone keeps them.

Android's telephony provider keeps every text message in
``/data/data/com.android.providers.telephony/databases/mmssms.db`` (``user_de/0/...`` on newer
phones); a rooted phone or a forensic extraction gives that file, where "SMS Backup & Restore"
gives its XML (`sms_xml`). Give the file, or the folder or zip that holds it; ``contacts2.db``
beside it (``com.android.providers.contacts``) gives the address book's names. Both are opened
read-only and never written to. Read the way `sms_xml` reads the same messages, into the same
conversations (a test checks it), so the two give the same labels:

* ``sms``: ``address`` the other number, ``date`` Unix milliseconds, ``type`` 1 received and 2 sent
  (3-6 are drafts, outbox, failed and queued: never reached the other person, left out), ``body``;
* ``pdu`` (MMS): ``date`` in seconds, ``msg_box`` 1 received and 2 sent, ``thread_id``; its
  addresses in ``addr`` (``type`` 137 the sender, 151 to, 130 cc) and its parts in ``part``
  (``ct`` the content type, ``text`` a text part's words): a picture, video, audio or file part
  makes it a MEDIA message whose text is its text parts;
* an MMS's people are its thread's (``threads.recipient_ids`` in ``canonical_addresses``), as the
  phone groups them; without those tables, its addresses less the user's;
* names: ``contacts2.db``'s ``raw_contacts.display_name`` by ``phone_lookup.normalized_number``,
  else the number;
* a message with nothing in it is a notice ("empty text message"), as in `sms_xml`.

Times are the instants made local time of this computer (the database keeps no wall clock of the
phone, unlike the XML's ``readable_date``). Checked on the databases of four other projects (a
Samsung of 2021, phones of 2007-2011 and 2020, and a hand-made one of 500 messages).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import datetime
from functools import partial

from turntoward.errors import ImportFormatError
from turntoward.ingest._clock import local_time
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest._sqlite import (
    as_text,
    columns,
    int_of,
    listed,
    open_database,
    sniff_database,
    tables,
    wrong_tables,
)
from turntoward.ingest.sms_xml import FROM_ADDRESS, MY_ADDRESS_PLACEHOLDER, SENT, SmsThreads, normalise_address
from turntoward.model import Conversation

_EXPECTED = "Android's text-message database (mmssms.db: SQLite with an sms table of address, date, type, body)"
_CONTACTS_EXPECTED = "Android's contacts database (contacts2.db, with raw_contacts and phone_lookup tables)"
_SMS_COLUMNS = {"address", "date", "type", "body"}


class AndroidSmsDbImporter:
    """Reads Android's text-message database."""

    name = "android_sms_db"
    description = "Android's text-message database mmssms.db (SMS and MMS)"

    def sniff(self, source: Source, head: bytes) -> float:
        return sniff_database(source, head, _is_sms_db, names=("mmssms",), markers=(b"canonical_addresses",),
                              score=0.9)

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        threads = SmsThreads()
        for number, name in _contact_names(source).items():
            threads.learn_names([number], [name])
        with open_database(source, _EXPECTED) as db:
            if not _is_sms_db(db):
                present = tables(db)
                found = "sms columns " + listed(columns(db, "sms")) if "sms" in present else "tables " + listed(present)
                raise ImportFormatError(source.name, _EXPECTED, found=found)
            _read_sms(db, source, threads)
            if {"pdu", "addr", "part"} <= tables(db):
                _read_mms(db, source, threads)
        yield from threads.conversations(source, options.me or "Me", self.name)


def _is_sms_db(db: sqlite3.Connection) -> bool:
    return "sms" in tables(db) and columns(db, "sms") >= _SMS_COLUMNS


def _read_sms(db: sqlite3.Connection, source: Source, threads: SmsThreads) -> None:
    for rowid, address, date, box, body in db.execute(
        "SELECT _id, address, date, type, body FROM sms ORDER BY date, _id"
    ):
        threads.add_sms(str(int_of(box)), as_text(address) or "", as_text(body) or "", str(date),
                        partial(_when, source, f"sms {rowid}", date))


def _read_mms(db: sqlite3.Connection, source: Source, threads: SmsThreads) -> None:
    people = _thread_people(db)
    addresses: dict[int, list[tuple[str, int | None]]] = {}
    for message, address, kind in db.execute("SELECT msg_id, address, type FROM addr ORDER BY _id"):
        addresses.setdefault(message, []).append((as_text(address) or "", int_of(kind)))
    parts: dict[int, list[tuple[str, str | None]]] = {}
    order = "mid, seq, _id" if "seq" in columns(db, "part") else "mid, _id"
    for message, content_type, text in db.execute(f"SELECT mid, ct, text FROM part ORDER BY {order}"):
        parts.setdefault(message, []).append(((as_text(content_type) or "").lower(), as_text(text)))
    for rowid, thread, date, box in db.execute("SELECT _id, thread_id, date, msg_box FROM pdu ORDER BY date, _id"):
        box = str(int_of(box))
        listed_here = addresses.get(rowid, [])
        senders = [a for a, kind in listed_here if kind == int(FROM_ADDRESS)]
        # the thread's people as the phone groups them; without those tables, the addresses less the
        # user's (a sent message's sender, the placeholder, numbers seen as the user's before)
        everyone = people.get(thread) or [
            a for a, kind in listed_here
            if a != MY_ADDRESS_PLACEHOLDER and not (box == SENT and kind == int(FROM_ADDRESS))
            and normalise_address(a) not in threads.my_numbers]
        message_parts = parts.get(rowid, [])
        threads.add_mms(box, everyone, senders, message_parts, str(date), tuple(message_parts),
                        partial(_when, source, f"pdu {rowid}", date))


def _thread_people(db: sqlite3.Connection) -> dict[int, list[str]]:
    """Each thread's people, as the phone groups them: ``recipient_ids`` in ``canonical_addresses``."""
    present = tables(db)
    if not {"threads", "canonical_addresses"} <= present or "recipient_ids" not in columns(db, "threads"):
        return {}
    address_of = {rowid: as_text(address) or "" for rowid, address in
                  db.execute("SELECT _id, address FROM canonical_addresses")}
    people: dict[int, list[str]] = {}
    for thread, ids in db.execute("SELECT _id, recipient_ids FROM threads"):
        numbers = [address_of.get(int(i), "") for i in (as_text(ids) or "").split() if i.isdigit()]
        people[thread] = [n for n in numbers if n]
    return people


def _when(source: Source, where: str, value: object) -> tuple[int, datetime]:
    """The instant (Unix milliseconds) and local time of a ``date``: milliseconds for an SMS, seconds
    for an MMS (and in some old SMS rows), told apart as `sms_xml` tells them."""
    number = int_of(value)
    if number is None:
        raise ImportFormatError(source.name, "a date in Unix milliseconds", json_path=where, found=repr(value))
    millis = number if number >= 10**11 else number * 1000
    moment = local_time(millis)
    if moment is None:
        raise ImportFormatError(source.name, "a date in Unix milliseconds", json_path=where, found=str(number))
    return millis, moment


def _contact_names(source: Source) -> dict[str, str]:
    """The address book's names ``contacts2.db`` beside the database gives numbers."""
    contacts = source.sibling("contacts2.db")
    if contacts is None:
        return {}
    with open_database(contacts, _CONTACTS_EXPECTED) as db:
        if not {"raw_contacts", "phone_lookup"} <= tables(db):
            raise wrong_tables(contacts, _CONTACTS_EXPECTED, db)
        kept = " WHERE r.deleted = 0" if "deleted" in columns(db, "raw_contacts") else ""
        names: dict[str, str] = {}
        for number, name in db.execute(
            "SELECT p.normalized_number, r.display_name FROM phone_lookup AS p"
            f" JOIN raw_contacts AS r ON r._id = p.raw_contact_id{kept} ORDER BY r._id"
        ):
            number, name = as_text(number), as_text(name)
            if number and name and name.strip():
                names.setdefault(number, name.strip())
        return names


register(AndroidSmsDbImporter())
