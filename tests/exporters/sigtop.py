"""Writes records as sigtop's plain-text export of a Signal Desktop conversation (``sigtop msg``):
``Conversation:``, then each message's fields (From, Type, Sent, Received, Attachment, Reaction), the
message it quotes as ``>`` lines, and its words, each message ended by a blank line."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from turntoward.model import Reaction


class Record(Protocol):
    ts: datetime
    author: str
    text: str
    kind: str


def _shown(name: str, numbers: dict[str, str]) -> str:
    return f"{name} ({numbers[name]})" if name in numbers else name


def _time(ts: datetime) -> str:
    return ts.astimezone().strftime("%a, %-d %b %Y %H:%M:%S %z")


def render_sigtop(records: Sequence[Record], *, me: str, numbers: dict[str, str], group: str | None = None,
                  group_id: str = "Zm9vYmFyYmF6cXV4Zm9vYmFyYmF6cXV4Zm9vYmFyYmE") -> str:
    """`records` as the file sigtop writes for the chat with the one person of `numbers` not `me`
    (or the group `group`), the people shown with their numbers as sigtop shows them."""
    others = [name for name in numbers if name != me]
    title = f"{group} ({group_id})" if group else _shown(others[0], numbers)
    out = [f"Conversation: {title}", ""]
    for r in records:
        mine = r.author == me
        if r.kind == "system":
            out += ["Type: group-v2-change", f"Sent: {_time(r.ts)}", f"Received: {_time(r.ts)}", ""]
            continue
        out.append("From: You" if mine else f"From: {_shown(r.author, numbers)}")
        out.append(f"Type: {'outgoing' if mine else 'incoming'}")
        out.append(f"Sent: {_time(r.ts)}")
        if not mine:
            out.append(f"Received: {_time(r.ts)}")
        words = r.text
        if r.kind == "media":
            out.append("Attachment: signal-2023-10-01-091200.jpg (image/jpeg, 48213 bytes)")
            words = getattr(r, "caption", None) or ""
        elif r.kind == "deleted":
            words = ""
        reaction: Reaction
        for reaction in getattr(r, "reactions", ()):
            who = "You" if reaction.author == me else _shown(reaction.author, numbers)
            out.append(f"Reaction: {reaction.emoji} from {who}")
        reply_to = getattr(r, "reply_to", None)
        if reply_to is not None:
            quoted = records[reply_to]
            out += ["", f"> From: {_shown(quoted.author, numbers)}",  # the user too, by name: sigtop says so
                    f"> Sent: {_time(quoted.ts)}", ">", *(f"> {line}" for line in quoted.text.split("\n"))]
        if words:
            out += ["", *words.split("\n")]
        out.append("")
    return "\n".join(out) + "\n"
