"""A store with a couple in it: Alex (the user) and Sam, who chat.

On SQLite always, and on PostgreSQL too when TURNTOWARD_TEST_PG_URL names a server.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

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


PG_ENV = "TURNTOWARD_TEST_PG_URL"


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A database of its own on the test server, dropped afterwards."""
    server = os.environ.get(PG_ENV)
    if not server:
        pytest.skip(f"{PG_ENV} is not set")
    name = f"tt_checkin_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'turntoward.db'}"
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    opened.save_source("chat.txt", [couple_chat()], me="Alex")
    yield opened
    opened.close()
