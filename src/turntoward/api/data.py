"""Getting chats into the store and managing what it holds: what ``turntoward import``,
``conversations``, ``people`` and ``forget`` do, as functions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from turntoward.errors import ImportFormatError, UsageError
from turntoward.ingest import ImportOptions, read_paths
from turntoward.model import Relationship
from turntoward.store import Store, StoredConversation, StoredPerson, open_store, paused_gc


@dataclass(frozen=True)
class ImportSummary:
    """What importing one export file did.

    `added` and `skipped` count messages (app notices are counted in `system_events` when
    new); `skipped` messages were already in the store from an earlier import.
    """

    source: str
    format: str
    conversations: int
    added: int
    skipped: int
    people: list[str]
    first: datetime | None
    last: datetime | None
    system_events: int
    conversation_ids: list[int]


@dataclass(frozen=True)
class ImportProgress:
    """Where an import stands: `stored` of `total` rows of `source` written so far.

    Reported once when a file has been parsed (``stored == 0``), while its rows are written,
    and once when its transaction has committed (``done``).
    """

    source: str
    stored: int
    total: int
    done: bool = False


def import_paths(
    paths: Sequence[str | Path],
    *,
    store: Store,
    options: ImportOptions | None = None,
    fmt: str | None = None,
    relationship: Relationship | str | None = None,
    progress: Callable[[ImportProgress], None] | None = None,
    skipped: Callable[[ImportFormatError], None] | None = None,
) -> list[ImportSummary]:
    """Import chat exports (files, folders, zip archives) into `store`, one transaction per file.

    Each file is parsed completely before anything is written, so a file that cannot be read
    raises `ImportFormatError` and adds nothing; files before it stay imported. Importing the
    same or an overlapping export again adds only the messages the store does not have.
    A file inside a folder or archive that is not a chat at all (a spreadsheet beside the
    export) is skipped, and `skipped` is called with why; media files are skipped silently.
    """
    options = options or ImportOptions()
    chosen = _relationship(relationship)
    with paused_gc():  # parsing and storing a big export allocate millions of objects, no cycles
        return _import(paths, store, options, fmt, chosen, progress, skipped)


def _import(
    paths: Sequence[str | Path],
    store: Store,
    options: ImportOptions,
    fmt: str | None,
    chosen: Relationship | None,
    progress: Callable[[ImportProgress], None] | None,
    skipped: Callable[[ImportFormatError], None] | None,
) -> list[ImportSummary]:
    summaries = []
    on_skip = None if skipped is None else lambda _, error: skipped(error)
    for source, conversations in read_paths(list(paths), options, fmt, on_skip):
        total = sum(len(c.messages) + len(c.system_events) for c in conversations)
        advance = _reporter(progress, source.name, total)
        saved = store.save_source(source.name, conversations, relationship=chosen, me=options.me, advance=advance)
        if progress:
            progress(ImportProgress(source.name, total, total, done=True))
        firsts = [s.first for s in saved if s.first]
        lasts = [s.last for s in saved if s.last]
        summaries.append(
            ImportSummary(
                source=source.name,
                format=conversations[0].source_format if conversations else fmt or "",
                conversations=len(saved),
                added=sum(s.added for s in saved),
                skipped=sum(s.skipped for s in saved),
                people=list(dict.fromkeys(p for s in saved for p in s.people)),
                first=min(firsts, default=None),
                last=max(lasts, default=None),
                system_events=sum(s.system_events for s in saved),
                conversation_ids=[s.conversation_id for s in saved],
            )
        )
    return summaries


def _reporter(
    progress: Callable[[ImportProgress], None] | None, source: str, total: int
) -> Callable[[int], None] | None:
    if progress is None:
        return None
    progress(ImportProgress(source, 0, total))
    stored = 0

    def advance(rows: int) -> None:
        nonlocal stored
        stored += rows
        progress(ImportProgress(source, stored, total))

    return advance


def _relationship(value: Relationship | str | None) -> Relationship | None:
    if value is None:
        return None
    try:
        return Relationship(value)
    except ValueError:
        known = ", ".join(r.value for r in Relationship)
        raise UsageError(f"relationship {value!r}: expected one of {known}") from None


def list_conversations(store: Store) -> list[StoredConversation]:
    """Every stored conversation with its format, relationship, counts and date range."""
    return store.conversations()


def list_people(store: Store) -> list[StoredPerson]:
    """Everyone in the stored chats, with the names they appear under."""
    return store.people()


def merge_people(store: Store, keep: str | int, merge: str | int) -> StoredPerson:
    """Treat `merge` as another name of `keep` ("+44 7700 900123" is Sam)."""
    return store.merge_people(keep, merge)


def set_me(store: Store, person: str | int) -> StoredPerson:
    """Say which person is the user."""
    return store.set_me(person)


def set_relationship(store: Store, conversation: str | int, kind: Relationship | str) -> StoredConversation:
    """Say who a conversation is with: partner, friend, family or other."""
    chosen = _relationship(kind)
    assert chosen is not None
    return store.set_relationship(conversation, chosen)


def forget(
    store: Store, conversation: str | int | None = None, *, everything: bool = False
) -> list[StoredConversation]:
    """Delete one conversation (by id or title), or `everything`, for good.

    Messages, the people and import records only they referred to are deleted and an SQLite
    file is compacted, so the text is gone from the disk. Returns what was forgotten.
    """
    if everything == (conversation is not None):
        raise UsageError("name one conversation to forget, or ask to forget everything")
    if everything:
        forgotten = store.conversations()
        store.forget_all()
        return forgotten
    assert conversation is not None
    return [store.forget(conversation)]


__all__ = [
    "ImportProgress",
    "ImportSummary",
    "forget",
    "import_paths",
    "list_conversations",
    "list_people",
    "merge_people",
    "open_store",
    "set_me",
    "set_relationship",
]
