"""Encryption at rest: with a passphrase the file means nothing without it."""

from __future__ import annotations

import sqlite3
from datetime import datetime
from pathlib import Path

import pytest

from turntoward.errors import StoreError
from turntoward.model import Conversation, Message
from turntoward.store import open_store

PASSPHRASE = "correct horse battery staple"
TEXT = "I've been feeling far from you lately"


@pytest.fixture
def encrypted(tmp_path: Path) -> Path:
    db = tmp_path / "private.db"
    store = open_store(str(db), passphrase=PASSPHRASE)
    message = Message(0, datetime(2024, 4, 2, 22, 15), "Maya", TEXT)
    store.save_source("chat.txt", [Conversation("chat.txt", "whatsapp", "Jonah", [message])])
    store.close()
    return db


def test_the_right_passphrase_opens_the_store(encrypted: Path) -> None:
    store = open_store(str(encrypted), passphrase=PASSPHRASE)
    assert store.load_conversation("Jonah").messages[0].text == TEXT
    store.close()


def test_plain_sqlite_cannot_read_an_encrypted_store(encrypted: Path) -> None:
    assert TEXT.encode() not in encrypted.read_bytes()
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(encrypted).execute("SELECT count(*) FROM sqlite_master").fetchall()


def test_a_wrong_or_missing_passphrase_is_a_clear_error(encrypted: Path) -> None:
    with pytest.raises(StoreError, match="wrong passphrase"):
        open_store(str(encrypted), passphrase="tr0ub4dor")
    with pytest.raises(StoreError, match="encrypted"):
        open_store(str(encrypted))
