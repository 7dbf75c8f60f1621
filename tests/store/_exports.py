"""WhatsApp exports written for the store's tests: realistic, deterministic, any length."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

# An everyday couple's back-and-forth, written for these tests.
LINES = (
    ("Maya", "morning! did you sleep ok?"),
    ("Jonah", "like a rock. you?"),
    ("Maya", "kept dreaming about the move"),
    ("Jonah", "the flat on Ash Road? we still have two weeks"),
    ("Maya", "I know, I just want it to feel like ours"),
    ("Jonah", "it will. want to pick paint this weekend?"),
    ("Maya", "yes!! sage green for the kitchen"),
    ("Jonah", "ok"),
    ("Maya", "running late, train stuck at Leeds"),
    ("Jonah", "no rush, I'll start dinner"),
    ("Maya", "you're the best"),
    ("Jonah", "I got the job!!"),
    ("Maya", "WHAT. tell me everything"),
    ("Jonah", "starting in March, same team as Priya"),
    ("Maya", "so proud of you ❤️"),
)


@dataclass(frozen=True)
class Line:
    ts: datetime
    author: str
    text: str

    def render(self) -> str:
        return f"{self.ts:%d/%m/%Y, %H:%M} - {self.author}: {self.text}"


def chat_lines(count: int, start: datetime = datetime(2024, 1, 6, 8, 30), offset: int = 0) -> list[Line]:
    """`count` messages from the `offset`-th of an endless chat, three minutes apart."""
    return [Line(start + timedelta(minutes=3 * i), *LINES[i % len(LINES)]) for i in range(offset, offset + count)]


def write_export(path: Path, lines: list[Line], *, encryption_notice: bool = True) -> Path:
    """Write an Android "Export chat" file (``WhatsApp Chat with Maya.txt``)."""
    rows = []
    if encryption_notice and lines:
        rows.append(
            f"{lines[0].ts:%d/%m/%Y, %H:%M} - Messages and calls are end-to-end encrypted. "
            "No one outside of this chat, not even WhatsApp, can read or listen to them."
        )
    rows.extend(line.render() for line in lines)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path
