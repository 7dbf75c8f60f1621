"""The tables of the store, as SQLAlchemy 2 typed models.

The migrations in `turntoward.store.migrations` build exactly this schema (a test compares
them), so a change here comes with a new migration.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

# Stable constraint names, so migrations can refer to them on every backend.
NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class PersonRow(Base):
    """Someone who writes in the user's chats, whatever each app calls them.

    At most one person is the user ("me"); a partial unique index keeps it that way.
    """

    __tablename__ = "people"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    is_me: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())

    __table_args__ = (
        Index(
            "uq_people_one_me",
            "is_me",
            unique=True,
            sqlite_where=text("is_me = 1"),
            postgresql_where=text("is_me"),
        ),
    )


class AliasRow(Base):
    """A name under which a person appears in an export ("Sam", "+44 7700 900123")."""

    __tablename__ = "aliases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alias: Mapped[str] = mapped_column(String(200), unique=True)
    person_id: Mapped[int] = mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)


class ConversationRow(Base):
    """One chat, however many exports of it were imported.

    `identity` is what recognises a later export of the same chat: ``id:<chat_id>`` when the
    app gives the chat an id, else ``title:<title>``; unique together with the format.
    """

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_format: Mapped[str] = mapped_column(String(40))
    identity: Mapped[str] = mapped_column(String(600))
    title: Mapped[str] = mapped_column(String(500))
    chat_id: Mapped[str | None] = mapped_column(String(500))
    relationship: Mapped[str] = mapped_column(String(20), default="other", server_default="other")
    created_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    updated_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())

    __table_args__ = (UniqueConstraint("source_format", "identity"),)


class SourceImportRow(Base):
    """One export file read into the store: where each message came from, and when."""

    __tablename__ = "imports"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source: Mapped[str] = mapped_column(Text)
    source_format: Mapped[str] = mapped_column(String(40))
    imported_at: Mapped[datetime] = mapped_column(DateTime, server_default=func.current_timestamp())
    added: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    skipped: Mapped[int] = mapped_column(Integer, default=0, server_default="0")


class MessageRow(Base):
    """A message or an app notice (kind ``system``, no `source_index`) of a conversation.

    `key` is its identity inside the conversation (see `turntoward.store._identity`);
    `reply_to_key` is the key of the message it quotes, which survives renumbering. A notice
    keeps the name the export gave it in `notice_author`, and points to a person only when
    that name is someone who writes (iOS credits the encryption notice to the chat).
    `reactions` holds the message's reactions as JSON, ``[[name, emoji, iso time or null], ...]``
    with the names the export gave (read back through the aliases, so merged people stay one),
    or NULL when it has none — most messages, so no row of a table of their own. The only
    index is the unique (conversation, key) one: every other index would slow the import of
    a million messages, and the rare queries by person or import scan the table once.
    """

    __tablename__ = "messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    conversation_id: Mapped[int] = mapped_column(ForeignKey("conversations.id", ondelete="CASCADE"))
    import_id: Mapped[int] = mapped_column(ForeignKey("imports.id"))
    source_index: Mapped[int | None] = mapped_column(Integer)
    ts: Mapped[datetime] = mapped_column(DateTime)
    person_id: Mapped[int | None] = mapped_column(ForeignKey("people.id"))
    kind: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    reply_to_key: Mapped[int | None] = mapped_column(BigInteger)
    edited: Mapped[bool] = mapped_column(Boolean, default=False, server_default="0")
    key: Mapped[int] = mapped_column(BigInteger)
    notice_author: Mapped[str | None] = mapped_column(String(200))
    reactions: Mapped[str | None] = mapped_column(Text)

    __table_args__ = (UniqueConstraint("conversation_id", "key"),)
