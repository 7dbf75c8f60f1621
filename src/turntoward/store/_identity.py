"""How the store recognises a chat and a message it already holds.

A conversation is the same chat when its format and `chat_id` match, or, for formats without
chat ids, its format and title.

A message is the same message when its time, author, text and kind match, counting identical
messages in order: the second "ok" Sam sent at 21:04 is a different message from the first,
and it is the second one in every export that contains both. Its key is one signed 64-bit
integer: the high 32 bits are the whole seconds since 2000-01-01, the low 32 a CRC-32 of the
author, kind, text, microseconds and occurrence number. Putting the time first makes keys of a
chronological export ascend, so the unique index is appended to rather than scattered over
(the fast path for a million messages), and two different messages can only collide when they
were sent in the same second *and* their CRCs match (about one chance in four billion).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from zlib import crc32

from turntoward.model import Conversation

_EPOCH = datetime(2000, 1, 1)
_SECOND = timedelta(seconds=1)
_SPAN = 1 << 31  # whole seconds that fit the signed high half: 1932..2068
_SEP = "\x1f"


def conversation_identity(conversation: Conversation) -> str:
    """The text that, with the format, names this chat across exports."""
    if conversation.chat_id:
        return f"id:{conversation.chat_id}"
    return f"title:{conversation.title}"


def message_keys(items: Iterable[tuple[datetime, str, str, str]]) -> list[int]:
    """The keys of messages given as (ts, author, kind, text), in export order."""
    keys: list[int] = []
    append = keys.append
    seen: dict[int, int] = {}
    epoch, second, span, sep = _EPOCH, _SECOND, _SPAN, _SEP
    for ts, author, kind, text in items:
        if ts.tzinfo is not None:
            ts = ts.replace(tzinfo=None)
        seconds = (ts - epoch) // second
        if not -span <= seconds < span:
            seconds %= span  # outside 1932..2068: only the index order suffers, not identity
        payload = (author + sep + kind + sep + text).encode("utf-8", "surrogatepass")
        key = (seconds << 32) | crc32(payload, ts.microsecond)
        occurrence = seen.get(key)
        if occurrence is None:
            seen[key] = 1
        else:
            seen[key] = occurrence + 1
            key = (seconds << 32) | crc32(payload + b"%c%d" % (0x1F, occurrence), ts.microsecond)
        append(key)
    return keys
