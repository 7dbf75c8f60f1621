"""What the store reports about what it holds: plain records for the API, CLI and tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from turntoward.model import Relationship


@dataclass(frozen=True)
class StoredConversation:
    """A conversation in the store, with its counts (app notices are not counted as messages)."""

    id: int
    title: str
    source_format: str
    chat_id: str | None
    relationship: Relationship
    messages: int
    people: list[str]
    first: datetime | None
    last: datetime | None
    updated_at: datetime | None


@dataclass(frozen=True)
class StoredPerson:
    """A person in the store: the names they appear under, and how much they wrote."""

    id: int
    name: str
    aliases: list[str]
    is_me: bool
    messages: int
    conversations: int


@dataclass(frozen=True)
class SavedConversation:
    """What storing one parsed conversation changed."""

    conversation_id: int
    title: str
    source_format: str
    messages: int
    added: int
    skipped: int
    system_events: int
    people: list[str]
    first: datetime | None
    last: datetime | None
    is_new: bool
