"""Reading an app's own SQLite database (iMessage's ``chat.db``, WhatsApp's ``msgstore.db`` and
``ChatStorage.sqlite``, Android's ``mmssms.db``) without ever writing to it."""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path
from urllib.parse import quote

from turntoward.errors import ImportFormatError
from turntoward.ingest._sources import Source

SQLITE_HEADER = b"SQLite format 3\x00"


@contextmanager
def local_copy(source: Source) -> Iterator[tuple[Path, bool]]:
    """A path SQLite can open, and whether it may be opened as immutable.

    Apps keep their databases in WAL mode: the newest rows may still sit in ``<name>-wal`` beside
    the file, which an immutable open would ignore. Then both files are copied to a temporary
    folder and read there, so the originals are never touched (reading a WAL creates a ``-shm``
    file next to it). A zip member is copied the same way.
    """
    wal = source.sibling(source.filename + "-wal")
    if source.path is not None and (wal is None or not wal.head(1)):
        yield source.path, True
        return
    with tempfile.TemporaryDirectory(prefix="turntoward-sqlite-") as tmp:
        path = Path(tmp) / (source.filename or "database.db")
        path.write_bytes(source.read_bytes())
        if wal is not None:
            path.with_name(path.name + "-wal").write_bytes(wal.read_bytes())
        yield path, wal is None


def connect(path: Path, immutable: bool = True) -> sqlite3.Connection:
    """`path` opened read-only; text that is not UTF-8 is read with U+FFFD where it breaks."""
    uri = f"file:{quote(str(path.resolve()))}?mode=ro" + ("&immutable=1" if immutable else "")
    db = sqlite3.connect(uri, uri=True)
    # A damaged row should not hide the rest of a decade of messages; U+FFFD shows where it was.
    db.text_factory = lambda data: data.decode("utf-8", "replace")
    return db


def sniff_database(source: Source, head: bytes, recognise: Callable[[sqlite3.Connection], bool], *,
                   names: tuple[str, ...], markers: tuple[bytes, ...], score: float) -> float:
    """How sure an importer of one app's database is that `source` is one: `score` when `recognise`
    finds its tables, 0 otherwise. Inside an archive only the first bytes are at hand: there a file
    named as the app names it (`names`, lower case, its start), or whose schema in those bytes holds
    one of `markers`, is taken."""
    if not head.startswith(SQLITE_HEADER):
        return 0.0
    if source.path is None:
        named = source.filename.lower().startswith(names)
        return score if named or any(marker in head for marker in markers) else 0.0
    try:
        with closing(connect(source.path)) as db:
            return score if recognise(db) else 0.0
    except (sqlite3.Error, UnicodeDecodeError):
        return 0.0


@contextmanager
def open_database(source: Source, expected: str) -> Iterator[sqlite3.Connection]:
    """`source` opened read-only (copied first where it must be, `local_copy`). A file that is not
    SQLite, or one whose pages or schema are damaged, raises `ImportFormatError` naming it and
    `expected`."""
    head = source.head(len(SQLITE_HEADER))
    if not head.startswith(SQLITE_HEADER):
        raise ImportFormatError(source.name, expected, found=repr(head[:16])[2:-1] or "an empty file")
    with local_copy(source) as (path, immutable):
        try:
            with closing(connect(path, immutable)) as db:
                yield db
        except (sqlite3.Error, UnicodeDecodeError) as exc:  # a damaged schema fails to decode
            raise ImportFormatError(source.name, expected, found=str(exc)) from exc


def tables(db: sqlite3.Connection) -> set[str]:
    """The names of the database's tables."""
    return {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}


def columns(db: sqlite3.Connection, table: str) -> set[str]:
    """The names of `table`'s columns (none when there is no such table)."""
    return {row[1] for row in db.execute(f"PRAGMA table_info({table})")}


def as_text(value: object) -> str | None:
    """A cell read as text: SQLite keeps whatever type a row was written with, and a damaged row
    may hold any."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def int_of(value: object) -> int | None:
    """A number column read as a number: some layouts keep numbers as text ("1")."""
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().removeprefix("-").isdigit():
        return int(value)
    return None


def listed(names: set[str]) -> str:
    """Table or column names for an error message, the first eight of them."""
    shown = sorted(names)
    if not shown:
        return "none"
    return ", ".join(shown[:8]) + (f" and {len(shown) - 8} more" if len(shown) > 8 else "")


def wrong_tables(source: Source, expected: str, db: sqlite3.Connection) -> ImportFormatError:
    """The error for a database without the tables a reader needs, naming the tables it has."""
    return ImportFormatError(source.name, expected, found="tables " + listed(tables(db)))


def optional(present: set[str], table: str, wanted: tuple[str, ...]) -> str:
    """A select list of `wanted` columns of `table`, NULL for those its version lacks."""
    return ", ".join(f"{table}.{name}" if name in present else f"NULL AS {name}" for name in wanted)


def left_join(db: sqlite3.Connection, table: str, alias: str, on: str, wanted: tuple[str, ...], *,
              when: bool = True) -> tuple[str, list[str]]:
    """A ``LEFT JOIN`` of `table` as `alias` ``ON`` `on`, and the select list of its `wanted` columns
    (NULL for those its version lacks); nothing joined and every column NULL where the database has no
    such table, or `when` (what `on` needs of the other table) is false."""
    present = columns(db, table) if when else set()
    if not present:
        return "", ["NULL"] * len(wanted)
    return f" LEFT JOIN {table} AS {alias} ON {on}", [f"{alias}.{c}" if c in present else "NULL" for c in wanted]
