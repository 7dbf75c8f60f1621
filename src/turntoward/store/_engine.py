"""Opening a database: where it lives, how SQLite is tuned, encryption, and migrations.

SQLite is the default (one file in the user's data folder, WAL mode, foreign keys on);
PostgreSQL is reached through a ``postgresql+psycopg://`` URL; a passphrase turns the SQLite
file into an SQLCipher-encrypted one. Every open brings the schema to the newest migration.
"""

from __future__ import annotations

import os
from importlib.resources import files
from pathlib import Path

import platformdirs
from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, make_url
from sqlalchemy.engine import URL
from sqlalchemy.exc import ArgumentError, DBAPIError, SQLAlchemyError
from sqlalchemy.pool import NullPool

from turntoward.errors import StoreError
from turntoward.store._names import DB_ENV, PASSPHRASE_ENV

# Per-connection settings for SQLite. WAL lets readers work while an import writes;
# synchronous=NORMAL is durable at every checkpoint and safe against corruption in WAL mode;
# the cache and in-memory temp store keep a million-message import off the disk until commit.
SQLITE_PRAGMAS = (
    "foreign_keys = ON",
    "journal_mode = WAL",
    "synchronous = NORMAL",
    "temp_store = MEMORY",
    "cache_size = -131072",  # KiB: 128 MiB
    "busy_timeout = 10000",  # ms to wait for another writer
)


def default_url() -> str:
    """$TURNTOWARD_DB, else the SQLite file in the user's data folder."""
    configured = os.environ.get(DB_ENV)
    if configured:
        return configured
    folder = platformdirs.user_data_path("turntoward")
    return f"sqlite:///{folder / 'turntoward.db'}"


def _normalise(url: str) -> URL:
    """Accept a plain file path as well as a URL; default PostgreSQL to the psycopg 3 driver."""
    if "://" not in url:
        return URL.create("sqlite", database=str(Path(url).expanduser()))
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise StoreError(f"{url}: expected a database URL (sqlite:///path or postgresql://...)") from exc
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def create_store_engine(url: str, passphrase: str | None = None) -> Engine:
    """An engine for `url`, tuned for its backend; raises `StoreError` when it cannot connect."""
    parsed = _normalise(url)
    backend = parsed.get_backend_name()
    if backend == "sqlite":
        engine = _sqlite_engine(parsed, passphrase)
    elif passphrase:
        raise StoreError(
            f"{_shown(parsed)}: a passphrase encrypts SQLite files only; PostgreSQL "
            "encrypts at the server (see its documentation on encryption at rest)"
        )
    else:
        try:
            engine = create_engine(parsed, pool_pre_ping=True)
        except (ArgumentError, ImportError) as exc:
            raise StoreError(f"{_shown(parsed)}: cannot use this database ({exc})") from exc
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT count(*) FROM sqlite_master" if backend == "sqlite" else "SELECT 1")
    except DBAPIError as exc:
        engine.dispose()
        raise StoreError(_explain_connect_failure(parsed, passphrase, exc)) from exc
    return engine


def _sqlite_engine(parsed: URL, passphrase: str | None) -> Engine:
    database = parsed.database or ""
    if database and database != ":memory:":
        path = Path(database).expanduser()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{path}: cannot create the folder for the database ({exc})") from exc
        database = str(path)
    if passphrase:
        try:
            import sqlcipher3  # noqa: F401  (the dialect imports it; fail here with a clear message)
        except ImportError as exc:
            raise StoreError("encryption needs the sqlcipher3 module: pip install 'turntoward[encryption]'") from exc
        parsed = URL.create("sqlite+pysqlcipher", password=passphrase, database=database)
    else:
        parsed = parsed.set(database=database)
    # NullPool: every use gets a fresh connection, so nothing holds the file open between calls
    # (forget's VACUUM and tests that read the raw file rely on that).
    engine = create_engine(parsed, poolclass=NullPool)

    @event.listens_for(engine, "connect")
    def _tune(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's BEGIN (below) decide where a transaction starts, instead of the
        # sqlite3 module's implicit one, so a whole import is one transaction.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in SQLITE_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(conn) -> None:  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("BEGIN")

    return engine


def _shown(parsed: URL) -> str:
    return parsed.render_as_string(hide_password=True)


def _explain_connect_failure(parsed: URL, passphrase: str | None, exc: DBAPIError) -> str:
    where = parsed.database if parsed.get_backend_name() == "sqlite" else _shown(parsed)
    reason = " ".join(str(exc.orig).split()) or type(exc.orig).__name__  # one line for the CLI
    if parsed.get_backend_name() == "sqlite" and "not a database" in reason:
        if passphrase:
            return f"{where}: cannot open the database: wrong passphrase, or not a turntoward database"
        return (
            f"{where}: cannot open the database: it is encrypted (give --passphrase or set "
            f"{PASSPHRASE_ENV}) or it is not a database"
        )
    return f"{where}: cannot open the database ({reason})"


def upgrade_schema(engine: Engine) -> None:
    """Apply every migration the database does not have yet (``alembic upgrade head``)."""
    config = Config()
    config.set_main_option("script_location", str(files("turntoward.store") / "migrations"))
    try:
        with engine.begin() as conn:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
    except SQLAlchemyError as exc:
        reason = " ".join(str(exc).split())
        raise StoreError(f"cannot bring the database schema up to date ({reason})") from exc
