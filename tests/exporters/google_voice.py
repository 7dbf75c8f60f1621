"""Render chat records as Google Voice's pages in Google Takeout (``Takeout/Voice/Calls/*.html``).

Records follow `tests.exporters._json_records.ChatRecord`. A page is written as Takeout writes it:
an XHTML head with the title (the other person's name, ``Me to`` and their name where only the user
wrote, ``Group Conversation`` for a group), then ``<div class="hChatLog hfeed">`` (with a group's
``div.participants``), one ``div.message`` per record on Takeout's own line breaks, the labels and
"User Deleted". Each naive `ts` is read as this computer's local time and written with the offset of
the account's `zone` (``title="2024-03-08T18:04:05.120-08:00"``), the time shown beside it in that
zone with Google's narrow no-break space (``6:04:05&#8239;PM``). The user's records (author `me`) are
``<abbr class="fn" title="">Me</abbr>`` with `me_number`; everyone else is ``<span class="fn">`` with
their number from `numbers` (an author missing from it gets an invented one) and their name, or
nothing for someone named by their number (not a contact). Words are escaped as Takeout does
(``&#39;``, ``&amp;``) with ``<br>`` for line breaks. A "media" record whose text is one of the
importer's placeholders is ``MMS Sent`` / ``MMS Received`` with that attachment's element (a picture's
``<img>``, ``<a class="video">``, ``<audio>``, ``<a class="vcard">``); any other "media" record is its
words with a picture. A call page (`render_google_voice_call`) is ``<div class="haudio">``.
"""

from __future__ import annotations

import hashlib
import html
from collections.abc import Mapping, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from tests.exporters._json_records import ChatRecord

from turntoward.ingest.google_voice import PLACEHOLDERS

_HEAD = (
    '<?xml version="1.0" ?>\n<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd"><html xmlns="http://www.w3.org/1999/xhtml"><head>'
    '<meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />\n<title>{title}</title>\n'
    '<style type="text/css">\nbody {{ font-family: Arial, sans-serif; }}\n</style></head>'
)
_FOOT = (
    '<div class="tags">Labels:\n<a rel="tag" href="http://www.google.com/voice#{label}">{Label}</a>, '
    '<a rel="tag" href="http://www.google.com/voice#inbox">Inbox</a></div>\n'
    '<div class="deletedStatusContainer">User Deleted:\nFalse</div>'
)
_ZONE_NAMES = {"America/Los_Angeles": "Pacific Time", "America/New_York": "Eastern Time",
               "America/Chicago": "Central Time"}
_ELEMENTS = {
    "<photo>": '<div><img src="{page}-{n}-1" alt="Image MMS Attachment" /></div>',
    "<video>": '<div><a class="video" href="{page}-{n}-1">Video attachment</a></div>',
    "<audio>": '<div><audio src="{page}-{n}-1"></audio></div>',
    "<contact card>": '<div><a class="vcard" href="{page}-{n}-1">Contact card attachment</a></div>',
}
assert set(_ELEMENTS) == set(PLACEHOLDERS.values())


def number_of(name: str) -> str:
    """The phone number an author without one in `numbers` is written with (+1 and ten digits)."""
    digits = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big") % 10**7
    return f"+1555{digits:07d}"


def render_google_voice(
    records: Sequence[ChatRecord],
    *,
    me: str = "Me",
    me_number: str = "+16175550100",
    numbers: Mapping[str, str] | None = None,
    unnamed: frozenset[str] = frozenset(),
    title: str | None = None,
    participants: Sequence[str] | None = None,
    page: str = "Page - Text - 2024-01-01T00_00_00Z",
    zone: str = "America/Los_Angeles",
) -> str:
    """A text page holding `records`; a group page listing `participants` (names, in order) when given."""
    numbers = dict(numbers or {})
    others = [r.author for r in records if r.author != me]
    if title is None:
        if participants is not None:
            title = "Group Conversation"
        elif others:
            title = "" if others[0] in unnamed else others[0]
        else:
            title = "Me to\n"
    body = ['<body><div class="hChatLog hfeed">']
    if participants is not None:
        cited = ", ".join(_cite(p, numbers, unnamed, in_list=True) for p in participants)
        body.append(f'<div class="participants">Group conversation with:\n{cited}</div>\n')
    else:
        body.append("\n")
    rows = []
    for n, record in enumerate(records, 1):
        sender = _me(me_number) if record.author == me else _cite(record.author, numbers, unnamed)
        words, attachment = _content(record, record.author == me, page, n)
        rows.append(f'<div class="message">{_time(record.ts, zone)}:\n{sender}:\n<q>{words}</q>\n'
                    + (f"{attachment}</div>" if attachment else "</div>"))
    body.append(" ".join(rows) + "</div>\n\n")
    body.append(_FOOT.format(label="sms", Label="Text") + "</body></html>")
    return _HEAD.format(title=html.escape(title, quote=False)) + "\n" + "".join(body)


def render_google_voice_call(
    when: datetime,
    *,
    kind: str,
    name: str,
    number: str,
    seconds: int | None = None,
    transcript: str | None = None,
    zone: str = "America/Los_Angeles",
) -> str:
    """A call's page: `kind` is ``Missed``, ``Received``, ``Placed``, ``Voicemail`` or ``Recorded``."""
    heading = {"Missed": "Missed call from", "Received": "Received call from", "Placed": "Placed call to",
               "Voicemail": "Voicemail from", "Recorded": "Recorded call with"}[kind]
    shown = html.escape(name, quote=False)
    parts = [
        f'<body><div class="haudio"><span class="album">Call Log for\n</span>\n<span class="fn">{heading}\n{shown}'
        f'</span>\n<div class="contributor vcard">{heading}\n<a class="tel" href="tel:{number}">'
        f'<span class="fn">{shown}</span></a></div>\n',
        _time(when, zone, "published") + "\n",
    ]
    if transcript is not None:
        words = " ".join(f'<span class="word high">{html.escape(w, quote=False)}\n<span class="confidence">0.9'
                         "</span></span>" for w in transcript.split())
        parts.append(f'Transcript:\n<span class="description"><span class="full-text">'
                     f"{_words(transcript)}</span>\n{words}</span>\n<br />\n")
    if kind == "Voicemail":
        parts.append(f'<audio controls="controls" src="{shown} - Voicemail.mp3"><a rel="enclosure" '
                     f'href="{shown} - Voicemail.mp3">Audio</a></audio>\n')
    if seconds is not None:
        minutes, second = divmod(seconds, 60)
        hours, minute = divmod(minutes, 60)
        length = "PT" + (f"{hours}H" if hours else "") + (f"{minute}M" if minute else "") + f"{second}S"
        parts.append(f'<abbr class="duration" title="{length}">({hours:02d}:{minute:02d}:{second:02d})</abbr>\n')
    parts.append("\n" + _FOOT.format(label=kind.lower(), Label=kind) + "</div></body></html>")
    return _HEAD.format(title=f"{heading}\n{shown}") + "\n" + "".join(parts)


def _time(ts: datetime, zone: str, css: str = "dt") -> str:
    moment = ts.astimezone().astimezone(ZoneInfo(zone))
    stamp = moment.isoformat(timespec="milliseconds")
    hour = moment.hour % 12 or 12
    shown = (f"{moment:%b} {moment.day}, {moment.year}, {hour}:{moment:%M:%S}&#8239;{moment:%p}\n"
             f"{_ZONE_NAMES.get(zone, zone)}")
    return f'<abbr class="{css}" title="{stamp}">{shown}</abbr>'


def _me(number: str) -> str:
    me = '<abbr class="fn" title="">Me</abbr>'
    return f'<cite class="sender vcard"><a class="tel" href="tel:{number}">{me}</a></cite>'


def _cite(name: str, numbers: dict[str, str], unnamed: frozenset[str], in_list: bool = False) -> str:
    number = numbers.setdefault(name, number_of(name))
    # someone not in the contacts: their number as the name in a group's list, nothing in a message
    shown = (number if in_list else "") if name in unnamed else html.escape(name, quote=False)
    return f'<cite class="sender vcard"><a class="tel" href="tel:{number}"><span class="fn">{shown}</span></a></cite>'


def _content(record: ChatRecord, mine: bool, page: str, n: int) -> tuple[str, str]:
    """The words in ``<q>`` and the attachment's element after it."""
    if str(record.kind) != "media":
        return _words(record.text), ""
    element = _ELEMENTS.get(record.text)
    if element is not None:
        return ("MMS Sent" if mine else "MMS Received"), element.format(page=html.escape(page), n=n)
    return _words(record.text), _ELEMENTS["<photo>"].format(page=html.escape(page), n=n)


def _words(text: str) -> str:
    return html.escape(text, quote=False).replace("'", "&#39;").replace("\n", "<br>")
