"""Stores to test against: a fresh SQLite file, and a fresh PostgreSQL database when
TURNTOWARD_TEST_PG_URL names a server (CI starts one with .ci/postgres.sh)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from turntoward.store import Store, open_store


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    opened = open_store(store_url)
    yield opened
    opened.close()
