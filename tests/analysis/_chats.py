"""Building small conversations for analysis tests: one line a message, like a chat on screen."""

from __future__ import annotations

from datetime import datetime, timedelta

from turntoward.model import Conversation, Message, MessageKind

START = datetime(2024, 5, 2, 18, 0)


def chat(*lines: str, start: datetime = START, title: str = "test chat") -> Conversation:
    """Lines like ``"+2m Sam: I got the job!!"`` (minutes, hours or days after the previous one)."""
    messages: list[Message] = []
    ts = start
    for i, line in enumerate(lines):
        when, _, rest = line.partition(" ")
        unit = {"m": 60, "h": 3600, "d": 86400}[when[-1]]
        ts = ts + timedelta(seconds=int(when[1:-1]) * unit)
        author, _, text = rest.partition(": ")
        kind = (MessageKind.MEDIA if text in ("<Media omitted>", "image omitted")
                else MessageKind.DELETED if text == "This message was deleted" else MessageKind.TEXT)
        messages.append(Message(index=i, ts=ts, author=author, text=text, kind=kind))
    return Conversation(source="test.txt", source_format="test", title=title, messages=messages)
