"""Render chat records as Skype's ``messages.json`` export holding one conversation.

Records follow `tests.exporters._json_records.ChatRecord`. The output is what Skype writes:
``MessageList`` newest first, ``originalarrivaltime`` in UTC with milliseconds and a ``Z`` from
each naive `ts` read as this computer's local time, message ids the milliseconds they arrived,
``RichText`` content with ``&``, ``<``, ``>`` and ``'`` written as entities. Each author gets a
``8:live:.cid.…`` account derived from their name; the exporting user (`me`) is ``userId`` and,
as in real exports, their messages carry no ``displayName`` unless `named_me`; the others carry
it on their newest message and on every other one before it (the rest are null, as Skype leaves
many). A 1:1 chat's id is the other person's account and its ``displayName`` their name (`title`);
a group's id is ``19:…@thread.skype``.

A "deleted" record is empty ``content`` with ``properties.deletetime``; an ``edited`` one has
``properties.edittime`` a minute after it arrived; a "media" record becomes the message type whose
placeholder its text is (any other text: a photo); a text record with ``reply_to`` opens with a
``<quote messageid=…>`` of that record. `reactions` (record index -> `Reaction`s, each with a time)
are written as ``properties.emotions``: one entry per emoji in the order first given, its users in
order, the key Skype's name for the emoji (``heart``) or its code points (``1f970_emoji``).
"""

from __future__ import annotations

import html
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from tests.exporters._json_records import ChatRecord, reply_target, stable_number, was_edited

from turntoward.ingest.skype import MEDIA_PLACEHOLDERS, REACTION_EMOJI
from turntoward.model import Reaction

_TYPE_BY_PLACEHOLDER: dict[str, str] = {}
for _kind, _placeholder in MEDIA_PLACEHOLDERS.items():
    _TYPE_BY_PLACEHOLDER.setdefault(_placeholder, _kind)
_KEY_BY_EMOJI: dict[str, str] = {}
for _key, _emoji in REACTION_EMOJI.items():
    _KEY_BY_EMOJI.setdefault(_emoji, _key)


def account(name: str) -> str:
    """The Skype account a name is rendered with (``8:live:.cid.`` and hex digits)."""
    return f"8:live:.cid.{stable_number(f'skype {name}', 16):x}"


def render_skype(
    messages: Sequence[ChatRecord],
    *,
    title: str,
    me: str,
    group: bool = False,
    named_me: bool = False,
    reactions: Mapping[int, Sequence[Reaction]] | None = None,
) -> str:
    """The export: ``userId`` `me`'s account, one conversation holding `messages`."""
    others = [r.author for r in messages if r.author != me]
    if group:
        chat_id = f"19:{stable_number(f'group {title}', 16):x}{stable_number(title, 16):x}@thread.skype"
    else:
        chat_id = account(others[0] if others else title)
    stamps = [_milliseconds(r.ts) for r in messages]
    ids = _unique(stamps)
    newest = {r.author: i for i, r in enumerate(messages)}
    entries = []
    for i, record in enumerate(messages):
        shown = (record.author == me and named_me) or (record.author != me and (newest[record.author] - i) % 2 == 0)
        entry: dict[str, object] = {
            "id": str(ids[i]),
            "displayName": record.author if shown else None,
            "originalarrivaltime": _utc(stamps[i]),
            "messagetype": "RichText",
            "version": float(stamps[i]),
            "content": "",
            "conversationid": chat_id,
            "from": account(record.author),
            "properties": None,
            "amsreferences": None,
        }
        properties = _content(entry, record, messages, stamps, ids, i)
        given = (reactions or {}).get(i, ())
        if given:
            properties["emotions"] = _emotions(given)
        entry["properties"] = properties or None
        entries.append(entry)
    conversation = {
        "id": chat_id,
        "displayName": html.escape(title, quote=False),
        "version": float(max(stamps, default=0)),
        "properties": {"conversationblocked": False, "lastimreceivedtime": _utc(max(stamps)) if stamps else None,
                       "consumptionhorizon": None, "conversationstatus": None},
        "threadProperties": {"membercount": len({me, *others}), "topic": title,
                             "members": json.dumps(sorted({account(me), *map(account, others)}))} if group else None,
        "MessageList": entries[::-1],
    }
    export = {"userId": account(me), "exportDate": "2025-04-30T09:15", "conversations": [conversation]}
    return json.dumps(export, ensure_ascii=False) + "\n"


def _content(
    entry: dict[str, object], record: ChatRecord, records: Sequence[ChatRecord], stamps: list[int], ids: list[int],
    i: int,
) -> dict[str, object]:
    """Fill in the entry's type and content; its properties (edits, deletions)."""
    properties: dict[str, object] = {}
    kind = str(record.kind)
    if kind == "deleted":
        properties["deletetime"] = str(stamps[i] + 30_000)
        return properties
    if was_edited(record):
        properties["edittime"] = str(stamps[i] + 60_000)
    if kind == "media":
        entry["messagetype"] = _TYPE_BY_PLACEHOLDER.get(record.text, "RichText/UriObject")
        entry["content"] = _media(str(entry["messagetype"]), stamps[i])
        return properties
    target = reply_target(record)
    quote = _quote(records[target], stamps[target], ids[target]) if target is not None and target < i else ""
    entry["content"] = quote + _escape(record.text)
    return properties


def _quote(quoted: ChatRecord, stamp: int, message_id: int) -> str:
    words = "" if str(quoted.kind) == "deleted" else _escape(quoted.text)
    name = html.escape(quoted.author)
    who = account(quoted.author).removeprefix("8:")
    return (f'<quote author="{who}" authorname="{name}" timestamp="{stamp // 1000}" '
            f'conversation="" messageid="{message_id}" cuid="{message_id * 7 % 10**19}">'
            f"<legacyquote>[{_utc(stamp)}] {name}: </legacyquote>{words}"
            "<legacyquote>\n\n&lt;&lt;&lt; </legacyquote></quote>")


def _media(kind: str, stamp: int) -> str:
    if kind == "Poll":
        return "<pollquestion>Which day works?</pollquestion>"
    if kind.startswith("EndToEndEncryption/"):
        return "AAECAwQFBgcICQ=="
    doc = f"0-weu-d1-{stable_number(str(stamp), 16):x}"
    uri = f"https://api.asm.skype.com/v1/objects/{doc}"
    return (f'<URIObject uri="{uri}" url_thumbnail="{uri}/views/thumbnail" type="Picture.1" doc_id="{doc}">'
            f'To view this shared photo, go to: <a href="{uri}">{uri}</a>'
            f'<OriginalName v="{doc}.jpg"></OriginalName><FileSize v="204800"></FileSize></URIObject>')


def _emotions(reactions: Sequence[Reaction]) -> list[dict[str, object]]:
    grouped: dict[str, list[Reaction]] = {}
    for reaction in reactions:
        grouped.setdefault(reaction.emoji, []).append(reaction)
    out: list[dict[str, object]] = []
    for emoji, given in grouped.items():
        key = _KEY_BY_EMOJI.get(emoji) or "-".join(f"{ord(c):x}" for c in emoji) + "_emoji"
        users = []
        for reaction in given:
            assert reaction.ts is not None, "Skype records when every reaction was given"
            at = _milliseconds(reaction.ts)
            users.append({"mri": account(reaction.author), "time": at, "value": str(at)})
        out.append({"key": key, "users": users})
    return out


def _escape(text: str) -> str:
    return html.escape(text, quote=False).replace("'", "&apos;")


def _milliseconds(ts: datetime) -> int:
    return round(ts.timestamp() * 1000)


def _unique(stamps: list[int]) -> list[int]:
    """Message ids (the milliseconds each arrived) made to differ: a message arriving in the same
    millisecond as an earlier one gets the next free number; its time stays as it was."""
    seen: set[int] = set()
    out = []
    for stamp in stamps:
        while stamp in seen:
            stamp += 1
        seen.add(stamp)
        out.append(stamp)
    return out


def _utc(ms: int) -> str:
    moment = datetime.fromtimestamp(ms // 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03}Z"
