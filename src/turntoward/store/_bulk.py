"""The fast path for messages: many rows in and out without the ORM.

A million-message export must be stored in seconds, so rows go to SQLite through the DBAPI
cursor's ``executemany`` in chunks (timestamps pre-formatted the way SQLAlchemy's `DateTime`
stores them), and come back through a plain cursor with `datetime.fromisoformat`. Other
backends use SQLAlchemy Core's executemany, which the psycopg driver batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from itertools import chain, islice
from typing import cast

from sqlalchemy import Connection, Engine, Table, bindparam, insert, select, update

from turntoward._runtime import paused_gc
from turntoward.store.schema import MessageRow

MESSAGES = cast(Table, MessageRow.__table__)
"""The messages table, for Core statements (the ORM types `__table__` as any FROM clause)."""

CHUNK = 20_000
"""Rows per executemany call: bounds memory, and is how often progress is reported."""


MessageRowValues = tuple[int | None, object, int | None, str, str, int | None, bool, int, str | None]
"""(source_index, ts, person_id, kind, text, reply_to_key, edited, key, reactions), ts as `ts_writer`
gives it and reactions as `MessageRow.reactions` holds them."""


def ts_writer(conn: Connection) -> Callable[[datetime], object]:
    """How this backend takes a timestamp in `insert_messages` rows."""
    if conn.dialect.name == "sqlite":
        # SQLAlchemy's DateTime stores exactly this text on SQLite.
        return lambda ts: ts.isoformat(" ", "microseconds")
    return lambda ts: ts


@dataclass(slots=True)
class StoredMessage:
    """A message or app notice as it comes back from the store, in chronological order."""

    ts: datetime
    person_id: int | None
    kind: str
    text: str
    reply_to_key: int | None
    edited: bool
    key: int
    notice_author: str | None
    reactions: str | None


_COLUMNS = "source_index, ts, person_id, kind, text, reply_to_key, edited, key, reactions"


def insert_messages(
    conn: Connection,
    conversation_id: int,
    import_id: int,
    rows: Iterable[MessageRowValues],
    advance: Callable[[int], None] | None = None,
) -> None:
    """Insert `rows` into one conversation, inside the caller's transaction."""
    if conn.dialect.name == "sqlite":
        _insert_sqlite(conn, conversation_id, import_id, rows, advance)
        return
    table = MESSAGES
    names = [c.strip() for c in _COLUMNS.split(",")]
    fixed = {"conversation_id": conversation_id, "import_id": import_id}
    for chunk in _chunks(rows):
        conn.execute(insert(table), [fixed | dict(zip(names, row, strict=True)) for row in chunk])
        if advance:
            advance(len(chunk))


ROWS_PER_STATEMENT = 100
"""Rows per multi-row INSERT on SQLite: fewer statement steps per row; 900 parameters stays
under the 999 that SQLite builds before 3.32 allow."""


def _insert_sqlite(
    conn: Connection,
    conversation_id: int,
    import_id: int,
    rows: Iterable[MessageRowValues],
    advance: Callable[[int], None] | None,
) -> None:
    # The two ids are ints we created, so they go into the statement itself: fewer parameters
    # to bind per row is measurably faster at a million rows.
    one_row = f"({int(conversation_id)}, {int(import_id)}, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
    insert_one = f"INSERT INTO messages (conversation_id, import_id, {_COLUMNS}) VALUES {one_row}"
    insert_many = insert_one + f", {one_row}" * (ROWS_PER_STATEMENT - 1)
    width = 9 * ROWS_PER_STATEMENT
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for chunk in _chunks(rows):
            whole = len(chunk) - len(chunk) % ROWS_PER_STATEMENT
            flat = list(chain.from_iterable(chunk[:whole]))
            cursor.executemany(insert_many, [flat[i : i + width] for i in range(0, len(flat), width)])
            cursor.executemany(insert_one, chunk[whole:])
            if advance:
                advance(len(chunk))
    finally:
        cursor.close()


@contextmanager
def bulk_transaction(engine: Engine) -> Iterator[Connection]:
    """One transaction for a bulk load, committed at the end or rolled back on any exception.

    On SQLite, foreign keys are not checked inside it: every id the load writes is one it has
    just created or looked up in the same transaction, and checking three parents per message
    costs about a third of the insert time. They are checked again for everything else.
    """
    with paused_gc(), engine.connect() as conn:
        raw = conn.connection.dbapi_connection if conn.dialect.name == "sqlite" else None
        if raw is not None:
            raw.execute("PRAGMA foreign_keys = OFF")  # only takes effect outside a transaction
        try:
            with conn.begin():
                yield conn
        finally:
            if raw is not None:
                raw.execute("PRAGMA foreign_keys = ON")


def insert_notices(
    conn: Connection,
    conversation_id: int,
    import_id: int,
    notices: list[tuple[datetime, int | None, str, str | None, int]],
) -> None:
    """Insert app notices given as (ts, person_id, text, notice_author, key); they are few."""
    if notices:
        conn.execute(
            insert(MESSAGES),
            [
                {
                    "conversation_id": conversation_id,
                    "import_id": import_id,
                    "source_index": None,
                    "ts": ts,
                    "person_id": person_id,
                    "kind": "system",
                    "text": text,
                    "reply_to_key": None,
                    "edited": False,
                    "key": key,
                    "notice_author": author,
                }
                for ts, person_id, text, author, key in notices
            ],
        )


def _chunks(rows: Iterable[MessageRowValues]) -> Iterator[list[MessageRowValues]]:
    it = iter(rows)
    while chunk := list(islice(it, CHUNK)):
        yield chunk


def existing_keys(conn: Connection, conversation_id: int) -> set[int]:
    """The keys already stored for a conversation, in one query (served by the unique index)."""
    table = MESSAGES
    result = conn.execute(select(table.c.key).where(table.c.conversation_id == conversation_id))
    return set(result.scalars())


def stored_reactions(conn: Connection, conversation_id: int) -> dict[int, str]:
    """The reactions already stored for a conversation, by message key (only messages that have some)."""
    t = MESSAGES
    rows = conn.execute(select(t.c.key, t.c.reactions).where(
        t.c.conversation_id == conversation_id, t.c.reactions.is_not(None)))
    return {key: reactions for key, reactions in rows}


def update_reactions(conn: Connection, conversation_id: int, changes: list[tuple[int, str]]) -> None:
    """Set the reactions of stored messages, given as (key, reactions)."""
    t = MESSAGES
    conn.execute(
        update(t).where(t.c.conversation_id == conversation_id, t.c.key == bindparam("k")).values(
            reactions=bindparam("r")),
        [{"k": key, "r": reactions} for key, reactions in changes],
    )


def iter_messages(conn: Connection, conversation_id: int) -> Iterator[StoredMessage]:
    """A conversation's messages and notices in chronological order (then in stored order)."""
    if conn.dialect.name == "sqlite":
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(
                "SELECT ts, person_id, kind, text, reply_to_key, edited, key, notice_author, reactions FROM messages "
                "WHERE conversation_id = ? ORDER BY ts, id",
                (conversation_id,),
            )
            parse = datetime.fromisoformat
            while rows := cursor.fetchmany(CHUNK):
                for ts, person_id, kind, text, reply_to_key, edited, key, notice_author, reactions in rows:
                    yield StoredMessage(
                        parse(ts), person_id, kind, text, reply_to_key, bool(edited), key, notice_author, reactions
                    )
        finally:
            cursor.close()
        return
    t = MESSAGES
    result = conn.execute(
        select(t.c.ts, t.c.person_id, t.c.kind, t.c.text, t.c.reply_to_key, t.c.edited, t.c.key, t.c.notice_author,
               t.c.reactions)
        .where(t.c.conversation_id == conversation_id)
        .order_by(t.c.ts, t.c.id)
    )
    for row in result:
        yield StoredMessage(*row)
