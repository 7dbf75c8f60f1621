"""The fast path for messages: many rows in and out without the ORM.

A million-message export must be stored in seconds, so rows go to SQLite through the DBAPI
cursor's ``executemany`` in chunks (timestamps pre-formatted the way SQLAlchemy's `DateTime`
stores them), and come back through a plain cursor with `datetime.fromisoformat`. Other
backends use SQLAlchemy Core's executemany, which the psycopg driver batches.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, insert, select

from turntoward.store.schema import MessageRow

CHUNK = 20_000
"""Rows per executemany call: bounds memory, and is how often progress is reported."""


MessageRowValues = tuple[int | None, object, int | None, str, str, int | None, bool, int]
"""(source_index, ts, person_id, kind, text, reply_to_key, edited, key), ts as `ts_writer` gives it."""


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


_COLUMNS = "source_index, ts, person_id, kind, text, reply_to_key, edited, key"


def insert_messages(
    conn: Connection,
    conversation_id: int,
    import_id: int,
    rows: Sequence[MessageRowValues],
    advance: Callable[[int], None] | None = None,
) -> None:
    """Insert `rows` into one conversation, inside the caller's transaction."""
    if conn.dialect.name == "sqlite":
        _insert_sqlite(conn, conversation_id, import_id, rows, advance)
        return
    table = MessageRow.__table__
    names = [c.strip() for c in _COLUMNS.split(",")]
    fixed = {"conversation_id": conversation_id, "import_id": import_id}
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        conn.execute(insert(table), [fixed | dict(zip(names, row, strict=True)) for row in chunk])
        if advance:
            advance(len(chunk))


def _insert_sqlite(
    conn: Connection,
    conversation_id: int,
    import_id: int,
    rows: Sequence[MessageRowValues],
    advance: Callable[[int], None] | None,
) -> None:
    # The two ids are ints we created, so they go into the statement itself: fewer parameters
    # to bind per row is measurably faster at a million rows.
    sql = (
        f"INSERT INTO messages (conversation_id, import_id, {_COLUMNS}) "
        f"VALUES ({int(conversation_id)}, {int(import_id)}, ?, ?, ?, ?, ?, ?, ?, ?)"
    )
    cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    try:
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start : start + CHUNK]
            cursor.executemany(sql, chunk)
            if advance:
                advance(len(chunk))
    finally:
        cursor.close()


def existing_keys(conn: Connection, conversation_id: int) -> set[int]:
    """The keys already stored for a conversation, in one query (served by the unique index)."""
    table = MessageRow.__table__
    result = conn.execute(select(table.c.key).where(table.c.conversation_id == conversation_id))
    return set(result.scalars())


def iter_messages(conn: Connection, conversation_id: int) -> Iterator[StoredMessage]:
    """A conversation's messages and notices in chronological order (then in stored order)."""
    if conn.dialect.name == "sqlite":
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(
                "SELECT ts, person_id, kind, text, reply_to_key, edited, key FROM messages "
                "WHERE conversation_id = ? ORDER BY ts, id",
                (conversation_id,),
            )
            parse = datetime.fromisoformat
            while rows := cursor.fetchmany(CHUNK):
                for ts, person_id, kind, text, reply_to_key, edited, key in rows:
                    yield StoredMessage(parse(ts), person_id, kind, text, reply_to_key, bool(edited), key)
        finally:
            cursor.close()
        return
    t = MessageRow.__table__
    result = conn.execute(
        select(t.c.ts, t.c.person_id, t.c.kind, t.c.text, t.c.reply_to_key, t.c.edited, t.c.key)
        .where(t.c.conversation_id == conversation_id)
        .order_by(t.c.ts, t.c.id)
    )
    for row in result:
        yield StoredMessage(*row)
