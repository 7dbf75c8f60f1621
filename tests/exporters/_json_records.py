"""What the Telegram, Discord and Meta renderers accept, and the bookkeeping they share.

A chat record is any object with ``ts`` (naive datetime), ``author``, ``text``, ``kind``
(``"text"``, ``"media"`` or ``"deleted"``) and optionally ``reply_to`` (the index of the
quoted record) and ``edited``: the examples builder's dataclasses and the tests' own records both qualify.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from datetime import datetime
from typing import Protocol


class ChatRecord(Protocol):
    """One message to render, in the product's terms."""

    @property
    def ts(self) -> datetime: ...

    @property
    def author(self) -> str: ...

    @property
    def text(self) -> str: ...

    @property
    def kind(self) -> str: ...


def reply_target(record: ChatRecord) -> int | None:
    """The index of the record this one quotes, if it quotes one."""
    return getattr(record, "reply_to", None)


def was_edited(record: ChatRecord) -> bool:
    """Whether the record is marked as edited (records without the field were not)."""
    return bool(getattr(record, "edited", False))


def surviving(records: Sequence[ChatRecord]) -> tuple[list[ChatRecord], dict[int, int]]:
    """The records an app that omits deleted messages still shows, and old index -> new index.

    Telegram and DiscordChatExporter leave deleted messages out of their exports entirely, so
    the remaining messages are renumbered and replies follow them.
    """
    kept = [r for r in records if str(r.kind) != "deleted"]
    new_index: dict[int, int] = {}
    for old, record in enumerate(records):
        if str(record.kind) != "deleted":
            new_index[old] = len(new_index)
    return kept, new_index


def stable_number(name: str, digits: int) -> int:
    """A number derived from `name` that stays the same across runs (user and chat ids)."""
    value = int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")
    return 10 ** (digits - 1) + value % (9 * 10 ** (digits - 1))


def handle(name: str) -> str:
    """A lower-case user name derived from a display name ("Nadia P." -> "nadiap")."""
    return re.sub(r"[^a-z0-9_.]", "", name.lower()) or f"user{stable_number(name, 6)}"
