"""Render chat records as an X / Twitter archive's direct messages: ``data/direct-messages.js`` (or
``direct-messages-group.js``) holding one conversation, and the ``data/account.js`` beside it.

Records follow `tests.exporters._json_records.ChatRecord`. The output is what X writes: one
JavaScript assignment of a JSON list in Jackson's pretty print (``"key" : value``, ``[ ]``), the
conversation's events newest first, ``createdAt`` in UTC with milliseconds and a ``Z`` from each
naive `ts` read as this computer's local time, message ids Twitter's snowflakes of that time. Each
author gets a numeric account id derived from their name (`account`); `me` is the exporter of
``account.js``. A one-to-one conversation's id is its two ids joined by ``-``, lowest first, and
its messages carry ``recipientId``; a group's id is a snowflake, its messages carry none, and it
opens with the ``joinConversation`` of the exporter, named `title` by a ``conversationNameUpdate``
where one is given.

Text is HTML-escaped as X writes it (``&amp;``, ``&lt;``, ``&gt;``). A "media" record is a photo,
GIF or video (by its text, the importer's placeholder: any other text is a photo's caption): a
``t.co`` link at the end of the words, ``urls`` expanding it to ``twitter.com/messages/media/<id>``
and ``mediaUrls`` the file. A "deleted" record has no words (the archive never says a message was
deleted). ``editHistory`` is always empty and there are no replies: the shape of X's edit entries is
not known, and the archive records no replies. `reactions` (record index -> `Reaction`s with times,
emoji among Twitter's seven) are written in the message's ``reactions``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from tests.exporters._json_records import ChatRecord, stable_number

from turntoward.ingest.twitter_dm import REACTION_EMOJI
from turntoward.model import Reaction

TWITTER_EPOCH_MS = 1288834974657
PLACEHOLDER_MEDIA = {
    "<photo>": "https://ton.twitter.com/dm/{id}/{media}/Xq3Lr0aB.jpg",
    "<GIF>": "https://video.twimg.com/dm_gif/{media}/Gf7bQ2pLmN0sR.mp4",
    "<video>": "https://video.twimg.com/dm_video/{media}/vid/1280x720/Vd9cT4kWq.mp4?tag=1",
}
_KEY_BY_EMOJI: dict[str, str] = {}
for _key, _emoji in REACTION_EMOJI.items():
    _KEY_BY_EMOJI.setdefault(_emoji, _key)


def account(name: str) -> str:
    """The numeric account id a name is rendered with."""
    return str(stable_number(f"twitter {name}", 10))


def render_twitter_account(me: str, *, username: str | None = None) -> str:
    """``data/account.js`` naming `me` as the exporting user (display name `me`)."""
    entry = {"account": {"email": "someone@example.org", "createdVia": "web",
                         "username": username or me.lower().replace(" ", "_"), "accountId": account(me),
                         "createdAt": "2014-05-02T08:11:42.000Z", "accountDisplayName": me}}
    return "window.YTD.account.part0 = " + jackson([entry]) + "\n"


def render_twitter_dm(
    records: Sequence[ChatRecord],
    *,
    me: str,
    group: bool = False,
    title: str | None = None,
    reactions: Mapping[int, Sequence[Reaction]] | None = None,
) -> str:
    """``direct-messages.js`` (``direct-messages-group.js`` when `group`) holding one conversation."""
    others = list(dict.fromkeys(r.author for r in records if r.author != me))
    stamps = [_milliseconds(r.ts) for r in records]
    ids = _snowflakes(stamps)
    first = min(stamps, default=1_700_000_000_000)
    if group:
        chat_id = str(_snowflake(first - 120_000, 1))
    else:
        chat_id = "-".join(sorted({account(me), account(others[0] if others else "nobody")}, key=int))
    events: list[dict[str, object]] = []
    if group:
        events.append({"joinConversation": {"initiatingUserId": account(others[0] if others else me),
                                            "participantsSnapshot": [account(me), *map(account, others)],
                                            "createdAt": _utc(first - 120_000)}})
        if title is not None:
            events.append({"conversationNameUpdate": {"initiatingUserId": account(me), "name": title,
                                                      "createdAt": _utc(first - 60_000)}})
    for i, record in enumerate(records):
        events.append({"messageCreate": _message(record, i, stamps[i], ids[i], me, others, group,
                                                 (reactions or {}).get(i, ()))})
    name = "direct_messages_group" if group else "direct_messages"
    conversation = {"dmConversation": {"conversationId": chat_id, "messages": events[::-1]}}
    return f"window.YTD.{name}.part0 = " + jackson([conversation]) + "\n"


def _message(
    record: ChatRecord, i: int, stamp: int, message_id: int, me: str, others: list[str], group: bool,
    given: Sequence[Reaction],
) -> dict[str, object]:
    kind = str(record.kind)
    text, urls, media = "", [], []
    if kind == "text":
        text = _escape(record.text)
    elif kind == "media":
        link = f"https://t.co/{_code(message_id)}"
        caption = "" if record.text in PLACEHOLDER_MEDIA else _escape(record.text)
        text = f"{caption} {link}"
        urls = [{"url": link, "expanded": f"https://twitter.com/messages/media/{message_id}",
                 "display": f"pic.twitter.com/{_code(message_id)}"}]
        template = PLACEHOLDER_MEDIA.get(record.text, PLACEHOLDER_MEDIA["<photo>"])
        media = [template.format(id=message_id, media=message_id - 4_194_304)]
    entry: dict[str, object] = {}
    if not group:
        other = account(others[0]) if others else account("nobody")
        entry["recipientId"] = account(me) if record.author != me else other
    entry |= {
        "reactions": [{"senderId": account(r.author), "reactionKey": _KEY_BY_EMOJI[r.emoji],
                       "eventId": str(message_id + 1000 + k), "createdAt": _utc(_milliseconds(_time(r)))}
                      for k, r in enumerate(given)],
        "urls": urls,
        "text": text,
        "mediaUrls": media,
        "senderId": account(record.author),
        "id": str(message_id),
        "createdAt": _utc(stamp),
        "editHistory": [],
    }
    return entry


def _time(reaction: Reaction) -> datetime:
    assert reaction.ts is not None, "the archive records when every reaction was given"
    return reaction.ts


def jackson(value: object, depth: int = 0) -> str:
    """`value` as X's archives print JSON: two-space indents, ``"key" : value``, ``[ ]`` for an empty list."""
    pad = "  " * depth
    if isinstance(value, dict):
        if not value:
            return "{ }"
        fields = [f"{pad}  {json.dumps(k, ensure_ascii=False)} : {jackson(v, depth + 1)}" for k, v in value.items()]
        return "{\n" + ",\n".join(fields) + f"\n{pad}}}"
    if isinstance(value, list):
        if not value:
            return "[ ]"
        return "[\n" + ",\n".join(f"{pad}  {jackson(v, depth + 1)}" for v in value) + f"\n{pad}]"
    return json.dumps(value, ensure_ascii=False)


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _code(number: int) -> str:
    """A ``t.co`` link's ten letters, from a number."""
    letters = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    out = ""
    for _ in range(10):
        number, digit = divmod(number, len(letters))
        out += letters[digit]
    return out


def _milliseconds(ts: datetime) -> int:
    return round(ts.timestamp() * 1000)


def _snowflake(ms: int, sequence: int) -> int:
    return ((ms - TWITTER_EPOCH_MS) << 22) + sequence


def _snowflakes(stamps: list[int]) -> list[int]:
    """Message ids: Twitter's snowflakes of each time, told apart by their sequence bits."""
    return [_snowflake(stamp, i % 4096) for i, stamp in enumerate(stamps)]


def _utc(ms: int) -> str:
    moment = datetime.fromtimestamp(ms // 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03}Z"
