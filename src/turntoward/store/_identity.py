"""How the store recognises a chat and a message it already holds.

A conversation is the same chat when its format and `chat_id` match, or, for formats without
chat ids, its format and title.

A message is the same message when its time, author, text and kind match, counting identical
messages in order: the second "ok" Sam sent at 21:04 is a different message from the first,
and it is the second one in every export that contains both. Its key is one signed 64-bit
integer: the high 32 bits are the whole seconds since 2000-01-01, the low 32 a CRC-32 of the
author, kind, text, microseconds and (for repeats) occurrence number. Putting the time first makes keys of a
chronological export ascend, so the unique index is appended to rather than scattered over
(the fast path for a million messages), and two different messages can only collide when they
were sent in the same second *and* their CRCs match (about one chance in four billion).
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from datetime import datetime, timedelta
from itertools import chain
from zlib import crc32

from turntoward.model import Conversation, Message, MessageKind, SystemEvent

_EPOCH = datetime(2000, 1, 1)
_SECOND = timedelta(seconds=1)
_SPAN = 1 << 31  # whole seconds that fit the signed high half: 1932..2068
_SEP = "\x1f"


def conversation_identity(conversation: Conversation) -> str:
    """The text that, with the format, names this chat across exports."""
    if conversation.chat_id:
        return f"id:{conversation.chat_id}"
    return f"title:{conversation.title}"


def message_keys(messages: Sequence[Message], events: Sequence[SystemEvent] = ()) -> array[int]:
    """The keys of a conversation's messages, then of its app notices, in export order.

    Every key in the result is distinct (a rare CRC clash is resolved like a repeat). An array
    of int64 rather than a list: a million keys take 8 MB instead of 40.
    """
    keys: array[int] = array("q")
    append = keys.append
    seen: set[int] = set()
    repeats: dict[int, int] = {}
    prefix_of: dict[tuple[str, str], int] = {}
    previous_ts: datetime | None = None
    high = 0
    text_kind, system = MessageKind.TEXT, MessageKind.SYSTEM.value
    # Kinds as plain str: dict lookups keyed by enum members take a much slower path.
    items = chain(
        ((m.ts, m.author, "text" if m.kind is text_kind else str(m.kind), m.text) for m in messages),
        ((e.ts, e.author or "", system, e.text) for e in events),
    )
    for ts, author, kind, text in items:
        if ts != previous_ts:  # exports are chronological: runs of one timestamp are common
            high, previous_ts = _seconds(ts) << 32, ts
        prefix = prefix_of.get((author, kind))
        if prefix is None:
            prefix = prefix_of[author, kind] = crc32(_utf8(author + _SEP + kind + _SEP))
        low = crc32(_utf8(text), prefix)
        if ts.microsecond:
            low = crc32(b"%d" % ts.microsecond, low)
        key = high | low
        if key in seen:  # the n-th identical message gets n in its checksum
            occurrence = repeats.get(key, 1)
            variant = high | crc32(b"%c%d" % (0x1F, occurrence), low)
            while variant in seen:  # a checksum clash: take the next number
                occurrence += 1
                variant = high | crc32(b"%c%d" % (0x1F, occurrence), low)
            repeats[key] = occurrence + 1
            key = variant
        seen.add(key)
        append(key)
    return keys


def _seconds(ts: datetime) -> int:
    """Whole seconds since 2000-01-01 of the wall-clock time, folded into 1932..2068."""
    if ts.tzinfo is not None:
        ts = ts.replace(tzinfo=None)
    seconds = (ts - _EPOCH) // _SECOND
    if not -_SPAN <= seconds < _SPAN:
        seconds %= _SPAN  # only the index order suffers, not identity
    return seconds


def _utf8(text: str) -> bytes:
    try:
        return text.encode()
    except UnicodeEncodeError:  # a lone surrogate from a JSON export's escape
        return text.encode("utf-8", "surrogatepass")
