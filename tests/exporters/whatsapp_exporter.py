"""Writes records as WhatsApp Chat Exporter's JSON (``wtsexporter -j``): ``{jid: chat}`` with each
chat's messages keyed by their database row, as its Android and iPhone handlers fill them (line breaks
as ``" <br>"`` on Android and ``"<br>"`` on an iPhone, media as a file path with the caption beside
it, deleted messages and notices as ``meta`` rows, reactions by name with ``You`` for the user)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from turntoward.model import Reaction


class Record(Protocol):
    ts: datetime
    author: str
    text: str
    kind: str


def render_whatsapp_exporter(records: Sequence[Record], *, me: str, numbers: dict[str, str],
                             names: dict[str, str] | None = None, group: str | None = None,
                             device: str = "android", indent: int | None = None) -> str:
    """`records` as ``result.json``: one chat with the person of `numbers` not `me` (named by `names`,
    author -> the name the phone has for them; None where it has none), or the group `group` of them all."""
    names = names or {}
    others = [author for author in numbers if author != me]
    jid = "120363021234567890@g.us" if group else f"{numbers[others[0]]}@s.whatsapp.net"
    breaks = " <br>" if device == "android" else "<br>"
    messages: dict[str, dict[str, Any]] = {}
    for row, r in enumerate(records, start=1000):
        from_me = r.author == me
        message: dict[str, Any] = {
            "from_me": from_me, "timestamp": r.ts.timestamp() if device == "ios" else int(r.ts.timestamp()),
            "time": r.ts.strftime("%H:%M"), "media": False, "key_id": f"3EB0{row:08X}", "meta": False,
            "data": r.text.replace("\n", breaks), "sender": None, "safe": False, "mime": None,
            "reply": None, "quoted_data": None, "caption": None, "thumb": None, "sticker": False,
            "reactions": {},
        }
        if group and not from_me:
            message["sender"] = names.get(r.author) or numbers[r.author]
        if r.kind == "media":
            message.update(media=True, data=f"WhatsApp/Media/WhatsApp Images/IMG-{row}.jpg", mime="image/jpeg",
                           caption=getattr(r, "caption", None))
        elif r.kind == "deleted":
            message.update(meta=True, data="Message deleted")
        elif r.kind == "system":
            message.update(meta=True)
        reply_to = getattr(r, "reply_to", None)
        if reply_to is not None:
            message.update(reply=f"3EB0{reply_to + 1000:08X}", quoted_data=records[reply_to].text)
        reaction: Reaction
        for reaction in getattr(r, "reactions", ()):
            reactor = "You" if reaction.author == me else names.get(reaction.author) or numbers[reaction.author]
            message["reactions"][reactor] = reaction.emoji
        messages[str(row)] = message
    chat = {"name": group or names.get(others[0]), "type": device, "my_avatar": None, "their_avatar": None,
            "their_avatar_thumb": None, "status": None, "messages": messages}
    return json.dumps({jid: chat}, ensure_ascii=False, indent=indent)
