"""turntoward's own labelled-conversation JSON (ANNOTATION.md): one conversation per file.

It imports like any export (labels ignored), so labelled corpora can be analysed, imported and
rendered like real chats; `read_labelled` also returns the gold labels for `evaluate`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, GoldMessage, Message, MessageKind, Relationship

_RELATIONSHIP = {"partner": Relationship.PARTNER, "friend": Relationship.FRIEND, "group": Relationship.FRIEND,
                 "family": Relationship.FAMILY, "sibling": Relationship.FAMILY}
_MEDIA_MARKERS = ("<media omitted>", " omitted", "(file attached)", "<attached:")


def _kind(text: str) -> MessageKind:
    low = text.lower()
    if any(marker in low for marker in _MEDIA_MARKERS) and len(low) < 80:
        return MessageKind.MEDIA
    if low in ("this message was deleted", "you deleted this message"):
        return MessageKind.DELETED
    return MessageKind.TEXT


def read_labelled(source: Source) -> tuple[Conversation, list[GoldMessage]]:
    """The conversation in a labelled file and its gold labels."""
    try:
        doc = json.loads(source.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ImportFormatError(source.name, "UTF-8 JSON", found=str(exc)) from exc
    except json.JSONDecodeError as exc:
        raise ImportFormatError(source.name, f"valid JSON ({exc.msg})", line=exc.lineno) from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("messages"), list):
        raise ImportFormatError(source.name, "a labelled conversation with a 'messages' list", json_path="$")
    messages: list[Message] = []
    gold: list[GoldMessage] = []
    for i, raw in enumerate(doc["messages"]):
        path = f"messages[{i}]"
        try:
            ts = datetime.fromisoformat(raw["ts"])
            author, text = str(raw["author"]), str(raw["text"])
            bid: Any = raw.get("bid")
        except (KeyError, TypeError, ValueError) as exc:
            raise ImportFormatError(source.name, "ts (ISO 8601), author and text", json_path=path) from exc
        if bid is not None and not isinstance(bid, dict):
            raise ImportFormatError(source.name, "bid to be null or an object", json_path=f"{path}.bid")
        messages.append(Message(index=i, ts=ts, author=author, text=text, kind=_kind(text)))
        gold.append(GoldMessage(
            bid_kind=bid.get("kind") if bid else None,
            bid_outcome=bid.get("outcome") if bid else None,
            bid_by=bid.get("by") if bid else None,
            horseman=raw.get("horseman"),
            control=bool(raw.get("control", False)),
            accountability=raw.get("accountability"),
            repair=bool(raw.get("repair", False)),
        ))
    conv = Conversation(
        source=source.name,
        source_format="labelled",
        title=str(doc.get("id") or source.filename),
        messages=messages,
        chat_id=str(doc["id"]) if doc.get("id") else None,
        me=doc.get("me"),
        relationship=_RELATIONSHIP.get(str(doc.get("relationship")), Relationship.OTHER),
    )
    return conv, gold


class LabelledImporter:
    name = "labelled"
    description = "turntoward labelled conversation JSON (ANNOTATION.md)"

    def sniff(self, source: Source, head: bytes) -> float:
        if not source.filename.lower().endswith(".json"):
            return 0.0
        text = head[:4096]
        return 0.9 if b'"messages"' in head and b'"relationship"' in text and b'"bid"' in head else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        yield read_labelled(source)[0]


register(LabelledImporter())
