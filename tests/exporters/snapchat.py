"""Render chat records as Snapchat's "Download My Data" chats: the newer chat_history.json, the old
one, and a conversation's HTML page (``html/chat_history/subpage_<key>.html``).

Records follow `tests.exporters._json_records.ChatRecord`. Times are the records' naive local
times, written in UTC as Snapchat writes them (``2024-03-12 21:04:05 UTC``; the newer JSON adds
the milliseconds in ``Created(microseconds)``), so a test should fix the machine's zone. Entries are
written newest first in the newer JSON and the page, as the download does, and in record order in
the old JSON. A "text" record is a ``TEXT`` entry with its words, a "media" record a ``MEDIA`` entry
(its words as the caption unless they are the importer's ``<media>`` placeholder), a "deleted" one
``STATUSERASEDMESSAGE``. `me` names the exporting user: their records are marked ``IsSender`` in
the newer JSON and go in the "Sent" lists of the old one (addressed to `friend`).
"""

from __future__ import annotations

import calendar
import html
import json
from collections.abc import Sequence
from datetime import UTC, datetime

from tests.exporters._json_records import ChatRecord

from turntoward.ingest.snapchat import PLACEHOLDERS

TYPES = {"text": "TEXT", "media": "MEDIA", "deleted": "STATUSERASEDMESSAGE"}


def render_snapchat(records: Sequence[ChatRecord], *, key: str, me: str, title: str | None = None) -> str:
    """The newer chat_history.json holding one conversation under `key` (a group when `title` is given)."""
    entries = [_entry(record, me, title) for record in records]
    return json.dumps({key: entries[::-1]}, ensure_ascii=False, indent=2) + "\n"


def render_snapchat_legacy(records: Sequence[ChatRecord], *, me: str, friend: str) -> str:
    """The old chat_history.json (to late 2022): the user's records sent to `friend`, the others received."""
    lists: dict[str, list[dict[str, object]]] = {
        "Received Saved Chat History": [], "Sent Saved Chat History": [],
        "Received Unsaved Chat History": [], "Sent Unsaved Chat History": [],
    }
    for record in records:
        kind = TYPES[str(record.kind)]
        words = _words(record)
        sent = record.author == me
        entry: dict[str, object] = {"To": friend} if sent else {"From": record.author}
        entry |= {"Media Type": kind, "Created": _utc(record.ts).strftime("%Y-%m-%d %H:%M:%S UTC"), "Text": words}
        lists[f"{'Sent' if sent else 'Received'} {'Saved' if words else 'Unsaved'} Chat History"].append(entry)
    return json.dumps(lists, ensure_ascii=False) + "\n"


def render_snapchat_page(records: Sequence[ChatRecord], *, title: str) -> str:
    """A conversation's HTML page: a heading, then one block per record, newest first."""
    blocks = "".join(_block(record) for record in reversed(records))
    return (
        "<!DOCTYPE html>\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\n"
        "<title></title>\n</head>\n<html>\n<body>\n<div class=\"leftpanel\"><ul><li><a href=\"chat_history.html\">"
        "Chat History Metadata</a></li></ul></div><div class=\"rightpanel\"><div style=\"display: flex\">"
        f"<h1> Chat History with {html.escape(title)}</h1></div>{blocks}</div></body>\n</html>\n"
    )


def _entry(record: ChatRecord, me: str, title: str | None) -> dict[str, object]:
    moment = _utc(record.ts)
    words = _words(record)
    return {
        "From": record.author,
        "Media Type": TYPES[str(record.kind)],
        "Created": moment.strftime("%Y-%m-%d %H:%M:%S UTC"),
        "Content": words if words or str(record.kind) != "deleted" else None,
        "Conversation Title": title,
        "IsSender": record.author == me,
        "Created(microseconds)": _milliseconds(record.ts),
        "IsSaved": bool(words),
        "Media IDs": "b~EiQSFVJlbmRlcmVkMDAxGgAaADIBBFAEYAE" if str(record.kind) == "media" else "",
    }


def _block(record: ChatRecord) -> str:
    words = _words(record)
    saved = '<button class="saved">Saved</button>' if words else ""
    content = f"<p>{html.escape(words)}</p>" if words else ""
    stamp = _utc(record.ts).strftime("%Y-%m-%d %H:%M:%S UTC")
    return (
        '<div style="background: #f2f2f2; border-radius: 7px; padding: 3px; margin-bottom:4px;"><span>'
        '<div style="display: flex; justify-content: space-between;"><div style="display: flex;">'
        f'{saved}<h4 style="float: left ">{html.escape(record.author)}</h4></div><div>'
        '<svg width="24" height="24" viewBox="0 0 24 24"><path d="M2 2h20v20H2z" fill="#2C3137"/></svg>'
        '<span style="left: 50%; position: absolute; font-weight: bold; padding-top: 13px;">'
        f"{TYPES[str(record.kind)]}</span></div></div><hr style='margin-top:-1em'>{content}"
        f'<h6 style="color: gray; display: flex; justify-content: end;">{stamp}</h6></span></div>'
    )


def _words(record: ChatRecord) -> str:
    """What the entry's ``Content`` holds: nothing for a deleted record or a bare media placeholder."""
    if str(record.kind) == "deleted" or (str(record.kind) == "media" and record.text == PLACEHOLDERS["MEDIA"]):
        return ""
    return record.text


def _milliseconds(ts: datetime) -> int:
    """A naive local time as milliseconds since 1970 (UTC), exactly (whatever ``ts`` has below a
    millisecond is dropped)."""
    moment = ts.astimezone(UTC)
    return calendar.timegm(moment.timetuple()) * 1000 + moment.microsecond // 1000


def _utc(ts: datetime) -> datetime:
    """A naive local time as the UTC time Snapchat writes (the machine's zone decides the offset)."""
    return ts.astimezone(UTC).replace(tzinfo=None)
