"""The store: conversations, people and messages persisted in SQLite or PostgreSQL.

It only persists: idempotent imports (nothing is stored twice), one transaction per export
file, schema migrations applied on open, and real deletion on request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from turntoward._lazy import lazy_exports
from turntoward.store._names import DB_ENV, PASSPHRASE_ENV

if TYPE_CHECKING:
    from turntoward.store._bulk import paused_gc
    from turntoward.store._engine import default_url
    from turntoward.store._records import SavedConversation, StoredConversation, StoredPerson
    from turntoward.store._store import Store

# Imported on first use (`turntoward._lazy`), with SQLAlchemy and Alembic: a command that reads
# an export file straight away never opens a database. `_store` also registers the check-in
# tables (`checkin_schema`) with the schema.
__getattr__, __dir__ = lazy_exports(globals(), {
    "paused_gc": "._bulk",
    "default_url": "._engine",
    **dict.fromkeys(("SavedConversation", "StoredConversation", "StoredPerson"), "._records"),
    "Store": "._store",
})


def open_store(url: str | None = None, passphrase: str | None = None) -> Store:
    """Open (creating if needed) the database at `url`, migrated to the current schema.

    `url` is an SQLAlchemy URL (``sqlite:///path``, ``postgresql+psycopg://...``) or a plain
    file path; by default $TURNTOWARD_DB, else ``turntoward.db`` in the user's data folder.
    With a `passphrase` the SQLite file is encrypted with SQLCipher.
    """
    from turntoward.store._engine import create_store_engine, default_url, upgrade_schema
    from turntoward.store._store import Store

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
