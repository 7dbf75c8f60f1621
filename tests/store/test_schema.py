"""The schema: built by the shipped migrations, identical to the models, upgraded on open."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from turntoward.store import Store, open_store
from turntoward.store.schema import Base


def test_migrated_schema_matches_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []


def test_opening_applies_the_newest_migration_once(store_url: str) -> None:
    first = open_store(store_url)
    first.close()
    again = open_store(store_url)  # a second open finds nothing to do
    with again.engine.connect() as conn:
        current = MigrationContext.configure(conn).get_current_revision()
        tables = set(inspect(conn).get_table_names())
    again.close()

    from importlib.resources import files

    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(files("turntoward.store") / "migrations"))
    assert current == ScriptDirectory.from_config(config).get_current_head()
    assert {"people", "aliases", "conversations", "imports", "messages"} <= tables


def test_sqlite_runs_in_wal_mode_with_foreign_keys(sqlite_url: str) -> None:
    store = open_store(sqlite_url)
    with store.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    store.close()
