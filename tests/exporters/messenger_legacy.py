"""Render chat records as Facebook's old archive wrote messages: ``html/messages.htm`` (to 2017) or a
2017-2018 thread page (``messages/<n>.html``).

Records follow `tests.ingest._records.Rec` (whole minutes: the archive writes no seconds). Times
are the records' naive local times, written as Facebook wrote them in `clock` ("uk": ``Tuesday, 14
March 2017 at 21:04 UTC+01``; "us": ``Tuesday, March 14, 2017 at 9:04pm UTC+01``; "es":
``Martes, 14 de marzo de 2017 a las 21:04 UTC+01``) at `offset_minutes` east of UTC (or `zone`, a
US abbreviation, whose offset the caller gives), so a test should fix the machine's zone.
Messages are written newest first unless `newest_first` is False. A "text" record is its words in
a ``<p>`` (HTML-escaped, line breaks as they are); a "media" record whose text is ``<media>`` is an
empty ``<p>`` (the archive did not hold the file), one whose text is ``<photo>`` or ``<sticker>`` an
``<img>`` of that folder (thread pages only). The owner's records are written under `owner`.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from html import escape

from tests.ingest._records import Rec

MONTHS_EN = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December"]
DAYS_EN = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS_ES = ["enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
             "noviembre", "diciembre"]
DAYS_ES = ["Lunes", "Martes", "Miércoles", "Jueves", "Viernes", "Sábado", "Domingo"]
FOLDERS = {"<photo>": "photos/26903214_1577019385719443_n.jpg", "<sticker>": "stickers/369239263222822.png"}


def render_messenger_legacy(records: Sequence[Rec], *, owner: str, others: Sequence[str], layout: str = "list",
                            clock: str = "uk", offset_minutes: int = 60, zone: str | None = None,
                            newest_first: bool = True) -> str:
    """One thread of `owner` and `others`: a whole ``messages.htm`` ("list") or a thread page ("page")."""
    written = [_message(record, clock, offset_minutes, zone) for record in records]
    messages = "".join(reversed(written) if newest_first else written)
    if layout == "page":
        names = escape(", ".join(others))
        return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />'
                f"<title>Conversation with {names}</title></head><body><div class=\"thread\">"
                f"<h3>Conversation with {names}</h3>Participants: {names}{messages}</div></body></html>")
    header = escape(", ".join([owner, *others]))
    return (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />'
            f"<title>{escape(owner)} - Messages</title></head><body><div class=\"nav\"><ul>"
            '<li><a href="../html/wall.htm">Wall</a></li><li class="selected">Messages</li></ul></div>'
            f'<div class="contents"><h1>{escape(owner)}</h1><div><div class="thread">{header}{messages}</div></div>'
            f'</div><div class="footer">Downloaded by {escape(owner)}</div></body></html>')


def meta_text(ts: datetime, clock: str = "uk", offset_minutes: int = 60, zone: str | None = None) -> str:
    """A naive local time as Facebook wrote it at `offset_minutes` east of UTC."""
    at = ts.astimezone(UTC).replace(tzinfo=None) + timedelta(minutes=offset_minutes)
    if zone is None:
        hours, minutes = divmod(abs(offset_minutes), 60)
        sign = "-" if offset_minutes < 0 else "+"
        zone = "UTC" if offset_minutes == 0 else f"UTC{sign}{hours:02d}" + (f":{minutes:02d}" if minutes else "")
    if clock == "us":
        hour = at.hour % 12 or 12
        return (f"{DAYS_EN[at.weekday()]}, {MONTHS_EN[at.month - 1]} {at.day}, {at.year} at "
                f"{hour}:{at.minute:02d}{'pm' if at.hour >= 12 else 'am'} {zone}")
    if clock == "es":
        article = "la" if at.hour == 1 else "las"
        return (f"{DAYS_ES[at.weekday()]}, {at.day} de {MONTHS_ES[at.month - 1]} de {at.year} a {article} "
                f"{at.hour}:{at.minute:02d} {zone}")
    return f"{DAYS_EN[at.weekday()]}, {at.day} {MONTHS_EN[at.month - 1]} {at.year} at {at:%H:%M} {zone}"


def _message(record: Rec, clock: str, offset_minutes: int, zone: str | None) -> str:
    if record.kind == "media" and record.text in FOLDERS:
        body = f'<p><img src="messages/{FOLDERS[record.text]}" /></p>'
    elif record.kind == "media":
        body = "<p></p>"
    else:
        body = f"<p>{escape(record.text)}</p>"
    return (f'<div class="message"><div class="message_header"><span class="user">{escape(record.author)}</span>'
            f'<span class="meta">{meta_text(record.ts, clock, offset_minutes, zone)}</span></div></div>{body}')
