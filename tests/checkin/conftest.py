"""A store with a couple in it: Alex (the user) and Sam, who chat.

On SQLite always, and on PostgreSQL too when TURNTOWARD_TEST_PG_URL names a server.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

import pytest

from turntoward.model import Conversation, Message, Relationship
from turntoward.store import Store, open_store

START = datetime(2025, 1, 6, 8, 30)
LINES = (
    ("Alex", "morning! slept ok?"),
    ("Sam", "badly, the neighbours again. you?"),
    ("Alex", "like a log. coffee later?"),
    ("Sam", "yes please"),
)


def couple_chat() -> Conversation:
    messages = [Message(i, START + timedelta(minutes=7 * i), author, text) for i, (author, text) in enumerate(LINES)]
    return Conversation("chat.txt", "whatsapp", "Sam", messages, relationship=Relationship.PARTNER)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    opened.save_source("chat.txt", [couple_chat()], me="Alex")
    yield opened
    opened.close()
