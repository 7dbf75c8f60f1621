"""Writes records as WhatsApp Viewer's JSON export: ``{"chats": [{"key", "subject", "contactName",
"messages": [...]}]}``, each message with its UTC time, id, ``fromMe``, a group sender's JID and
display name, the id of the message it quotes, and its type (text, image, ...)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any, Protocol


class Record(Protocol):
    ts: datetime
    author: str
    text: str
    kind: str


def render_whatsapp_viewer(records: Sequence[Record], *, me: str, numbers: dict[str, str],
                           names: dict[str, str] | None = None, group: str | None = None) -> str:
    """`records` as the export of one chat with the person of `numbers` not `me` (shown by `names`,
    author -> WhatsApp Viewer's name for them; the JID where it has none), or the group `group`."""
    names = names or {}
    others = [author for author in numbers if author != me]
    key = "120363021234567890@g.us" if group else f"{numbers[others[0]]}@s.whatsapp.net"
    messages: list[dict[str, Any]] = []
    for k, r in enumerate(records):
        if r.kind in ("deleted", "system"):
            continue  # not in WhatsApp Viewer's export
        message: dict[str, Any] = {
            "timestamp": r.ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"), "id": f"3EB0{k:08X}",
            "fromMe": r.author == me}
        if group and r.author != me:
            jid = f"{numbers[r.author]}@s.whatsapp.net"
            message.update(remoteResource=jid, remoteResourceDisplayName=names.get(r.author, jid))
        reply_to = getattr(r, "reply_to", None)
        if reply_to is not None:
            message.update(quotedTimestamp=records[reply_to].ts.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                           quotedMessageId=f"3EB0{reply_to:08X}")
        if r.kind == "media":
            message.update(type="image", filename=f"Media/IMG-{k}.jpg")
            if getattr(r, "caption", None):
                message["caption"] = r.caption  # type: ignore[attr-defined]
        elif r.text.startswith("http"):
            message.update(type="link", link=r.text)
        else:
            message.update(type="text", text=r.text)
        messages.append(message)
    chat: dict[str, Any] = {"key": key}
    if group:
        chat["subject"] = group
    chat.update(contactName=group or names.get(others[0], key), messages=messages)
    return json.dumps({"chats": [chat]}, ensure_ascii=False, indent=4)
