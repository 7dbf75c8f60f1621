"""The store: conversations, people and messages persisted in SQLite or PostgreSQL.

It only persists: idempotent imports (nothing is stored twice), one transaction per export
file, schema migrations applied on open, and real deletion on request.
"""

from __future__ import annotations

from turntoward.store import checkin_schema as _checkin_schema  # noqa: F401  (registers the check-in tables)
from turntoward.store._bulk import paused_gc
from turntoward.store._engine import DB_ENV, PASSPHRASE_ENV, create_store_engine, default_url, upgrade_schema
from turntoward.store._records import SavedConversation, StoredConversation, StoredPerson
from turntoward.store._store import Store


def open_store(url: str | None = None, passphrase: str | None = None) -> Store:
    """Open (creating if needed) the database at `url`, migrated to the current schema.

    `url` is an SQLAlchemy URL (``sqlite:///path``, ``postgresql+psycopg://...``) or a plain
    file path; by default $TURNTOWARD_DB, else ``turntoward.db`` in the user's data folder.
    With a `passphrase` the SQLite file is encrypted with SQLCipher.
    """
    url = url or default_url()
    engine = create_store_engine(url, passphrase)
    upgrade_schema(engine)
    return Store(engine, url)


__all__ = [
    "DB_ENV",
    "PASSPHRASE_ENV",
    "SavedConversation",
    "Store",
    "StoredConversation",
    "StoredPerson",
    "default_url",
    "open_store",
    "paused_gc",
]
