"""What the importer tests share: one message as the exporters render it, and an export written to disk."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")


@dataclass
class Rec:
    """One message for the renderers in tests/exporters (each reads the fields its format has)."""

    ts: datetime
    author: str
    text: str
    kind: str = "text"
    reply_to: int | None = None
    edited: bool = False


def parse_written(text: str | bytes, name: str, parse: Callable[[Path], T]) -> T:
    """`parse` run on `text` saved as a file called `name` in a fresh folder."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return parse(path)
