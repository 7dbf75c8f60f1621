"""What the importer tests share: one message as the exporters render it, and an export written to disk."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TypeVar

from hypothesis import strategies as st

from turntoward.model import Reaction

T = TypeVar("T")

INSTANTS_MS = st.integers(1_300_000_000_000, 1_900_000_000_000)
"""Real instants, in whole milliseconds since 1970: every one exists on this computer's clock."""


@dataclass
class Rec:
    """One message for the renderers in tests/exporters (each reads the fields its format has)."""

    ts: datetime
    author: str
    text: str
    kind: str = "text"
    reply_to: int | None = None
    edited: bool = False
    caption: str | None = None
    """A photo's words, where a format keeps them apart from the marker a text export writes."""
    reactions: tuple[Reaction, ...] = ()


def parse_written(text: str | bytes, name: str, parse: Callable[[Path], T]) -> T:
    """`parse` run on `text` saved as a file called `name` in a fresh folder."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(text.encode("utf-8") if isinstance(text, str) else text)
        return parse(path)


@st.composite
def instant_records(draw: st.DrawFn, authors: list[str], media_texts: list[str]) -> list[Rec]:
    """Up to 12 records at real instants (for formats that write UTC): text, media (its words one
    of `media_texts`), deleted, some edited, some replying to an earlier record."""
    ms = draw(INSTANTS_MS)
    records = []
    for i in range(draw(st.integers(1, 12))):
        ms += draw(st.integers(0, 10**8))
        kind = draw(st.sampled_from(["text", "text", "media", "deleted"]))
        text = draw(st.text(st.characters(codec="utf-8"), min_size=1, max_size=40))
        if kind == "media":
            text = draw(st.sampled_from(media_texts))
        reply_to = draw(st.none() | st.integers(0, i - 1)) if i else None
        records.append(Rec(datetime.fromtimestamp(ms / 1000), draw(st.sampled_from(authors)), text, kind, reply_to,
                           edited=draw(st.booleans())))
    return records


def corrupted(original: bytes, data: st.DataObject) -> bytes:
    """`original` (a database) with up to 40 of its bytes past its header overwritten at random."""
    broken = bytearray(original)
    for _ in range(data.draw(st.integers(1, 40))):
        broken[data.draw(st.integers(100, len(broken) - 1))] = data.draw(st.integers(0, 255))
    return bytes(broken)
