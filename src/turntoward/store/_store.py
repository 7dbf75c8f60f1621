"""The `Store` facade: everything the rest of turntoward asks of the database.

It persists parsed conversations (one transaction per export file, nothing twice), answers
what it holds, edits people and relationships, forgets on request, and hands conversations
back as `turntoward.model.Conversation` for the analysis. It never parses or analyses.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine, Row, delete, func, insert, select, update

from turntoward.errors import NotFoundError, UsageError
from turntoward.model import Conversation, Message, MessageKind, Reaction, Relationship, SystemEvent
from turntoward.store import _bulk
from turntoward.store._identity import conversation_identity, message_keys
from turntoward.store._records import SavedConversation, StoredConversation, StoredPerson
from turntoward.store.checkin_schema import CheckinRow, TimeTogetherRow
from turntoward.store.schema import AliasRow, Base, ConversationRow, MessageRow, PersonRow, SourceImportRow

_KINDS = {kind.value: kind for kind in MessageKind}
_TEXT = MessageKind.TEXT
_SYSTEM = MessageKind.SYSTEM.value

Advance = Callable[[int], None]
"""Called with the number of rows just written, while an import is being stored."""


_CHAT_TABLES = (MessageRow, ConversationRow, AliasRow, PersonRow, SourceImportRow)
"""The tables forgetting a conversation deletes from, children first."""
_FORGETTABLE = (CheckinRow, TimeTogetherRow, *_CHAT_TABLES)
"""Every table that holds what a person told or wrote, in an order that deletes children first."""


class Store:
    """A turntoward database (SQLite file or PostgreSQL), schema already up to date.

    Conversations handed back by `load_conversation` carry ``source = "db:<id>"``: the
    conversation's id in this store, which every command also accepts in place of a title.
    """

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- importing -------------------------------------------------------------------------

    def save_source(
        self,
        source: str,
        conversations: Sequence[Conversation],
        *,
        relationship: Relationship | None = None,
        me: str | None = None,
        advance: Advance | None = None,
    ) -> list[SavedConversation]:
        """Store every conversation parsed from one export file, in one transaction.

        Messages already stored (same identity, see `turntoward.store._identity`) are
        skipped; `relationship` overrides the conversations' relationship; `me` names the
        user among the authors. Either everything from `source` is stored, or nothing is.
        """
        source_format = conversations[0].source_format if conversations else "unknown"
        with _bulk.bulk_transaction(self.engine) as conn:
            import_id = conn.execute(
                insert(SourceImportRow).values(source=source, source_format=source_format)
            ).inserted_primary_key[0]  # type: ignore[index]
            people = _PeopleIndex(conn)
            saved = [
                self._save_conversation(conn, conversation, import_id, people, relationship, advance)
                for conversation in conversations
            ]
            conn.execute(
                update(SourceImportRow)
                .where(SourceImportRow.id == import_id)
                .values(added=sum(s.added for s in saved), skipped=sum(s.skipped for s in saved))
            )
            if me is not None:
                if me not in people.ids:
                    raise UsageError(f"{source}: --me {me!r} names nobody in this export")
                _mark_me(conn, people.ids[me])
            else:
                _mark_me_once(conn, people, [c.me for c in conversations if c.me])
        return saved

    def _save_conversation(
        self,
        conn: Connection,
        conversation: Conversation,
        import_id: int,
        people: _PeopleIndex,
        relationship: Relationship | None,
        advance: Advance | None,
    ) -> SavedConversation:
        conversation_id, is_new = _conversation_id(conn, conversation, relationship)
        messages, events = conversation.messages, conversation.system_events
        keys = message_keys(messages, events)
        existing = set() if is_new else _bulk.existing_keys(conn, conversation_id)
        person_of = {name: people.resolve(name) for name in conversation.people}
        replies = any(m.reply_to is not None for m in messages)
        key_of_index = {m.index: k for m, k in zip(messages, keys, strict=False)} if replies else {}
        message_keys_, event_keys = keys[: len(messages)], keys[len(messages) :]
        added = sum(1 for k in message_keys_ if k not in existing) if existing else len(messages)
        notices = [
            (e.ts, people.ids.get(e.author or ""), e.text, e.author, key)
            for e, key in zip(events, event_keys, strict=True)
            if key not in existing
        ]
        write_ts = _bulk.ts_writer(conn)

        def rows() -> Iterator[_bulk.MessageRowValues]:
            # A generator, so only one chunk of rows exists at a time (memory at 1M messages).
            text_kind = _TEXT
            previous: datetime | None = None
            ts: object = None
            for m, key in zip(messages, message_keys_, strict=True):
                if key in existing:
                    continue
                if m.ts != previous:  # runs of one timestamp are common: format each run once
                    ts, previous = write_ts(m.ts), m.ts
                kind = "text" if m.kind is text_kind else str(m.kind)
                reply_key = key_of_index.get(m.reply_to) if replies and m.reply_to is not None else None
                reactions = _reactions_json(m.reactions) if m.reactions else None
                yield (m.index, ts, person_of[m.author], kind, m.text, reply_key, m.edited, key, reactions)

        # A later export may show new reactions on messages stored before: they join the stored ones.
        reacted = _new_reactions(conn, conversation_id, messages, message_keys_, existing) if existing else []
        if reacted:
            _bulk.update_reactions(conn, conversation_id, reacted)
        if added or notices or reacted:
            _bulk.insert_messages(conn, conversation_id, import_id, rows(), advance)
            _bulk.insert_notices(conn, conversation_id, import_id, notices)
            if advance and notices:
                advance(len(notices))
            conn.execute(
                update(ConversationRow)
                .where(ConversationRow.id == conversation_id)
                .values(updated_at=func.current_timestamp())
            )
        return SavedConversation(
            conversation_id=conversation_id,
            title=conversation.title,
            source_format=conversation.source_format,
            messages=len(messages),
            added=added,
            skipped=len(messages) - added,
            system_events=len(notices),
            people=conversation.people,
            first=min((m.ts for m in messages), default=None),
            last=max((m.ts for m in messages), default=None),
            is_new=is_new,
        )

    # -- reading ---------------------------------------------------------------------------

    def conversations(self) -> list[StoredConversation]:
        """Every conversation, oldest first, with message counts, people and date range."""
        m = MessageRow
        with self.engine.connect() as conn:
            names = _names(conn)
            stats = {
                cid: (count, first, last)
                for cid, count, first, last in conn.execute(
                    select(m.conversation_id, func.count(), func.min(m.ts), func.max(m.ts))
                    .where(m.kind != _SYSTEM)
                    .group_by(m.conversation_id)
                )
            }
            authors: dict[int, list[str]] = {}
            for cid, pid, _first in conn.execute(
                select(m.conversation_id, m.person_id, func.min(m.ts).label("first"))
                .where(m.kind != _SYSTEM)
                .group_by(m.conversation_id, m.person_id)
                .order_by(m.conversation_id, "first")
            ):
                authors.setdefault(cid, []).append(names[pid])
            rows = conn.execute(select(ConversationRow.__table__).order_by(ConversationRow.id)).all()
            return [_stored_conversation(row, stats.get(row.id), authors.get(row.id, [])) for row in rows]

    def conversation(self, ref: str | int) -> StoredConversation:
        """One conversation by id (``3`` or ``db:3``) or title; `NotFoundError` if none."""
        conversation_id = self._conversation_id_of(ref)
        return next(c for c in self.conversations() if c.id == conversation_id)

    def people(self) -> list[StoredPerson]:
        """Everyone who writes in the stored chats, "me" first, then by name."""
        m = MessageRow
        with self.engine.connect() as conn:
            aliases: dict[int, list[str]] = {}
            for alias, pid in conn.execute(select(AliasRow.alias, AliasRow.person_id).order_by(AliasRow.id)):
                aliases.setdefault(pid, []).append(alias)
            counts = {
                pid: (count, chats)
                for pid, count, chats in conn.execute(
                    select(m.person_id, func.count(), func.count(m.conversation_id.distinct()))
                    .where(m.kind != _SYSTEM)
                    .group_by(m.person_id)
                )
            }
            rows = conn.execute(select(PersonRow.__table__).order_by(PersonRow.is_me.desc(), PersonRow.name)).all()
            return [
                StoredPerson(
                    id=p.id,
                    name=p.name,
                    aliases=aliases.get(p.id, []),
                    is_me=bool(p.is_me),
                    messages=counts.get(p.id, (0, 0))[0],
                    conversations=counts.get(p.id, (0, 0))[1],
                )
                for p in rows
            ]

    def load_conversation(self, ref: str | int) -> Conversation:
        """A stored conversation as the analysis reads it.

        Messages come in chronological order with indices renumbered 0..n-1 in that order;
        authors are people's display names (so merged aliases read as one person); `me` is
        set when the user writes in it; `source` is ``db:<id>``.
        """
        conversation_id = self._conversation_id_of(ref)
        with self.engine.connect() as conn:
            row = conn.execute(select(ConversationRow.__table__).where(ConversationRow.id == conversation_id)).one()
            names = _names(conn)
            me_id = conn.execute(select(PersonRow.id).where(PersonRow.is_me == True)).scalar()  # noqa: E712
            aliases: dict[str, int] | None = None  # read on the first message with reactions
            messages: list[Message] = []
            events: list[SystemEvent] = []
            keys: list[int] = []
            replies: list[tuple[Message, int]] = []
            kinds = _KINDS
            me_writes = False
            for stored in _bulk.iter_messages(conn, conversation_id):
                if stored.kind == _SYSTEM:
                    author = names[stored.person_id] if stored.person_id is not None else stored.notice_author
                    events.append(SystemEvent(stored.ts, stored.text, author))
                    continue
                message = Message(
                    len(messages),
                    stored.ts,
                    names[stored.person_id],
                    stored.text,
                    kinds[stored.kind],
                    None,
                    stored.edited,
                )
                if stored.reactions is not None:
                    if aliases is None:
                        rows = conn.execute(select(AliasRow.alias, AliasRow.person_id))
                        aliases = {alias: person for alias, person in rows}
                    message.reactions = _reactions(stored.reactions, aliases, names)
                messages.append(message)
                keys.append(stored.key)
                me_writes = me_writes or stored.person_id == me_id
                if stored.reply_to_key is not None:
                    replies.append((message, stored.reply_to_key))
        if replies:
            index_of = {key: i for i, key in enumerate(keys)}
            for message, key in replies:
                message.reply_to = index_of.get(key)
        return Conversation(
            source=f"db:{conversation_id}",
            source_format=row.source_format,
            title=row.title,
            messages=messages,
            system_events=events,
            chat_id=row.chat_id,
            me=names[me_id] if me_id is not None and me_writes else None,
            relationship=Relationship(row.relationship),
        )

    def iter_conversations(self) -> Iterator[Conversation]:
        """Every stored conversation, loaded one at a time (oldest first)."""
        with self.engine.connect() as conn:
            ids = list(conn.execute(select(ConversationRow.id).order_by(ConversationRow.id)).scalars())
        for conversation_id in ids:
            yield self.load_conversation(conversation_id)

    # -- editing ---------------------------------------------------------------------------

    def set_relationship(self, ref: str | int, relationship: Relationship) -> StoredConversation:
        """Say who a conversation is with (partner, friend, family, other)."""
        conversation_id = self._conversation_id_of(ref)
        with self.engine.begin() as conn:
            conn.execute(
                update(ConversationRow)
                .where(ConversationRow.id == conversation_id)
                .values(relationship=Relationship(relationship).value, updated_at=func.current_timestamp())
            )
        return self.conversation(conversation_id)

    def set_me(self, person: str | int) -> StoredPerson:
        """Mark who the user is; the previous "me", if any, becomes an ordinary person."""
        with self.engine.begin() as conn:
            person_id = _person_id_of(conn, person)
            _mark_me(conn, person_id)
        return self._person(person_id)

    def merge_people(self, keep: str | int, other: str | int) -> StoredPerson:
        """Make `other` an alias of `keep`: their names, messages and "me" flag move to `keep`."""
        with self.engine.begin() as conn:
            keep_id, other_id = _person_id_of(conn, keep), _person_id_of(conn, other)
            if keep_id == other_id:
                raise UsageError(f"{keep!s} and {other!s} are already the same person")
            other_is_me = conn.execute(select(PersonRow.is_me).where(PersonRow.id == other_id)).scalar_one()
            conn.execute(update(AliasRow).where(AliasRow.person_id == other_id).values(person_id=keep_id))
            conn.execute(update(MessageRow).where(MessageRow.person_id == other_id).values(person_id=keep_id))
            conn.execute(delete(PersonRow).where(PersonRow.id == other_id))
            if other_is_me:
                _mark_me(conn, keep_id)
        return self._person(keep_id)

    def forget(self, ref: str | int) -> StoredConversation:
        """Delete a conversation for good: its messages, the people only it mentioned, and the
        record of files that only fed it; then compact the file so no trace stays on disk."""
        forgotten = self.conversation(ref)
        with self.engine.begin() as conn:
            _secure_delete(conn)
            conn.execute(delete(MessageRow).where(MessageRow.conversation_id == forgotten.id))
            conn.execute(delete(ConversationRow).where(ConversationRow.id == forgotten.id))
            _delete_orphans(conn)
        self._compact(_CHAT_TABLES)
        return forgotten

    def forget_all(self) -> int:
        """Delete everything: conversations, people, import records, check-ins and time together.

        Returns how many conversations there were.
        """
        with self.engine.begin() as conn:
            _secure_delete(conn)
            count = conn.execute(select(func.count()).select_from(ConversationRow)).scalar_one()
            for table in _FORGETTABLE:
                conn.execute(delete(table))
        self._compact()
        return count

    # -- helpers ---------------------------------------------------------------------------

    def _compact(self, tables: tuple[type[Base], ...] = _FORGETTABLE) -> None:
        """Rewrite the storage of deleted rows so their text is gone from the database's files.

        SQLite: the file without free pages, and the WAL emptied. PostgreSQL: VACUUM FULL rewrites
        `tables`, the ones that held them, into new files and removes the old ones (a plain DELETE
        only marks rows dead, readable on disk until the pages are reused). The server's WAL
        archive and backups are its operator's to expire.
        """
        if self.engine.dialect.name == "postgresql":
            names = ", ".join(t.__tablename__ for t in tables)
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.exec_driver_sql(f"VACUUM FULL {names}")  # VACUUM cannot run in a transaction
            return
        if not self.is_sqlite:
            return
        raw = self.engine.raw_connection()
        try:
            cursor = raw.cursor()
            cursor.execute("VACUUM")
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            cursor.close()
        finally:
            raw.close()

    def _person(self, person_id: int) -> StoredPerson:
        return next(p for p in self.people() if p.id == person_id)

    def _conversation_id_of(self, ref: str | int) -> int:
        with self.engine.connect() as conn:
            return _conversation_id_of(conn, ref)


class _PeopleIndex:
    """Authors' names to person ids, creating a person the first time a name appears."""

    def __init__(self, conn: Connection) -> None:
        self._conn = conn
        self.ids: dict[str, int] = dict(conn.execute(select(AliasRow.alias, AliasRow.person_id)).all())

    def resolve(self, name: str) -> int:
        person_id = self.ids.get(name)
        if person_id is None:
            person_id = self._conn.execute(insert(PersonRow).values(name=name)).inserted_primary_key[0]  # type: ignore[index]
            self._conn.execute(insert(AliasRow).values(alias=name, person_id=person_id))
            self.ids[name] = person_id
        return person_id


def _conversation_id(
    conn: Connection, conversation: Conversation, relationship: Relationship | None
) -> tuple[int, bool]:
    """The stored id of this chat, creating it if new; whether it was new."""
    identity = conversation_identity(conversation)
    found = conn.execute(
        select(ConversationRow.id).where(
            ConversationRow.source_format == conversation.source_format, ConversationRow.identity == identity
        )
    ).scalar()
    if found is None:
        chosen = Relationship(relationship or conversation.relationship).value
        new_id = conn.execute(
            insert(ConversationRow).values(
                source_format=conversation.source_format,
                identity=identity,
                title=conversation.title,
                chat_id=conversation.chat_id,
                relationship=chosen,
            )
        ).inserted_primary_key[0]  # type: ignore[index]
        return new_id, True
    # A chat keeps its id across exports but takes the newest title (groups get renamed).
    changes: dict[str, object] = {"title": conversation.title}
    if relationship is not None:
        changes["relationship"] = Relationship(relationship).value
    conn.execute(update(ConversationRow).where(ConversationRow.id == found).values(**changes))
    return found, False


def _conversation_id_of(conn: Connection, ref: str | int) -> int:
    text = str(ref).strip()
    digits = text.removeprefix("db:")
    if digits.isdigit():
        found = conn.execute(select(ConversationRow.id).where(ConversationRow.id == int(digits))).scalar()
        if found is not None:
            return found
    ids = list(conn.execute(select(ConversationRow.id).where(ConversationRow.title == text)).scalars())
    if not ids:
        ids = list(
            conn.execute(select(ConversationRow.id).where(func.lower(ConversationRow.title) == text.lower())).scalars()
        )
    if len(ids) == 1:
        return ids[0]
    if ids:
        raise UsageError(f"several conversations are called {text!r} (ids {', '.join(map(str, ids))}): use an id")
    raise NotFoundError(f"no conversation with id or title {text!r} (see `turntoward conversations`)")


def _person_id_of(conn: Connection, ref: str | int) -> int:
    text = str(ref).strip()
    found = conn.execute(select(AliasRow.person_id).where(AliasRow.alias == text)).scalar()
    if found is not None:
        return found
    candidates = set(conn.execute(select(PersonRow.id).where(PersonRow.name == text)).scalars())
    if not candidates:
        candidates = set(
            conn.execute(select(AliasRow.person_id).where(func.lower(AliasRow.alias) == text.lower())).scalars()
        )
    if not candidates and text.isdigit():
        candidates = set(conn.execute(select(PersonRow.id).where(PersonRow.id == int(text))).scalars())
    if len(candidates) == 1:
        return candidates.pop()
    if candidates:
        raise UsageError(f"several people are called {text!r}: use their id (see `turntoward people`)")
    raise NotFoundError(f"nobody called {text!r} (see `turntoward people`)")


def _mark_me(conn: Connection, person_id: int) -> None:
    conn.execute(update(PersonRow).where(PersonRow.is_me == True).values(is_me=False))  # noqa: E712
    conn.execute(update(PersonRow).where(PersonRow.id == person_id).values(is_me=True))


def _mark_me_once(conn: Connection, people: _PeopleIndex, names: list[str]) -> None:
    """Take the export's word for who the user is, unless the user already said."""
    if not names or conn.execute(select(PersonRow.id).where(PersonRow.is_me == True)).first():  # noqa: E712
        return
    if names[0] in people.ids:
        _mark_me(conn, people.ids[names[0]])


def _secure_delete(conn: Connection) -> None:
    if conn.dialect.name == "sqlite":
        conn.exec_driver_sql("PRAGMA secure_delete = ON")  # overwrite freed pages with zeros


def _delete_orphans(conn: Connection) -> None:
    """People and import records that no remaining message refers to."""
    m = MessageRow
    conn.execute(
        delete(PersonRow).where(PersonRow.id.not_in(select(m.person_id).where(m.person_id.is_not(None)).distinct()))
    )
    conn.execute(delete(SourceImportRow).where(SourceImportRow.id.not_in(select(m.import_id).distinct())))


def _reaction_rows(reactions: Sequence[Reaction]) -> list[list[str | None]]:
    return [[r.author, r.emoji, r.ts.isoformat() if r.ts else None] for r in reactions]


def _reactions_json(reactions: Sequence[Reaction]) -> str:
    """`MessageRow.reactions` for a message's reactions."""
    return json.dumps(_reaction_rows(reactions), ensure_ascii=False)


def _new_reactions(
    conn: Connection, conversation_id: int, messages: list[Message], keys: Sequence[int], existing: set[int]
) -> list[tuple[int, str]]:
    """(key, reactions) of stored messages that this export shows new reactions on: the stored
    ones first, then those not stored yet (one per person and emoji; none is ever taken away,
    since an older export imported after a newer one shows fewer)."""
    reacted = [(m, key) for m, key in zip(messages, keys, strict=True) if m.reactions and key in existing]
    if not reacted:
        return []  # most re-imports (WhatsApp has no reactions): no query
    stored = _bulk.stored_reactions(conn, conversation_id)
    changes = []
    for m, key in reacted:
        before = json.loads(stored[key]) if key in stored else []
        seen = {(author, emoji) for author, emoji, _ in before}
        fresh = [r for r in m.reactions if (r.author, r.emoji) not in seen]
        if fresh:
            changes.append((key, json.dumps([*before, *_reaction_rows(fresh)], ensure_ascii=False)))
    return changes


def _reactions(raw: str, aliases: dict[str, int], names: dict[int | None, str]) -> tuple[Reaction, ...]:
    """Stored reactions, each named as its author's messages are (a merged alias reads as its person)."""
    return tuple(Reaction(names.get(aliases.get(author), author), emoji, datetime.fromisoformat(ts) if ts else None)
                 for author, emoji, ts in json.loads(raw))


def _names(conn: Connection) -> dict[int | None, str]:
    return dict(conn.execute(select(PersonRow.id, PersonRow.name)).all())


def _stored_conversation(
    row: Row[Any], stats: tuple[int, datetime, datetime] | None, people: list[str]
) -> StoredConversation:
    count, first, last = stats or (0, None, None)
    return StoredConversation(
        id=row.id,
        title=row.title,
        source_format=row.source_format,
        chat_id=row.chat_id,
        relationship=Relationship(row.relationship),
        messages=count,
        people=people,
        first=first,
        last=last,
        updated_at=row.updated_at,
    )
