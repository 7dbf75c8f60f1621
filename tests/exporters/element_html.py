"""Render chat records as Element's HTML export page (``messages.html``), as HtmlExport.tsx writes it.

Records follow `tests.exporters._json_records.ChatRecord`. Each author gets a Matrix id
(``@<handle>:example.org``). A date separator comes before each new day; a record by the same
author as the one before, on the same day, is a continuation tile (no name, no avatar). With
``full_dates`` the timestamp's ``title`` holds the whole date and time (exports before October
2023), else only the hour is written (``21:04``) and times lose their seconds. Words are escaped,
newlines become ``<br>``; a "media" record is an image whose ``alt`` is its words; a deleted record
is "Message deleted"; an edited one has "(edited)"; a reply links the quoted event.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape

from tests.exporters._json_records import ChatRecord, handle, reply_target, was_edited

ROOM = "!qWmhZbTfSKzkAXPeOv:example.org"
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def user_id(name: str) -> str:
    return f"@{handle(name)}:example.org"


def _day(ts: datetime) -> str:
    return f"{DAYS[ts.weekday()]}, {MONTHS[ts.month - 1]} {ts.day}, {ts.year}"  # en-US Intl


def render_element_html(messages: Sequence[ChatRecord], *, room: str, exporter: str | None = None,
                        full_dates: bool = False) -> str:
    out = [
        "<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="UTF-8" />',
        '<link href="css/style.css" rel="stylesheet" />', "<title>Exported Data</title>", "</head>",
        '<body style="height: 100vh;" class="cpd-theme-light">', '<main class="mx_RoomView">',
        f'<div class="mx_LegacyRoomHeader_nametext" title="{escape(room)}">{escape(room)}</div>',
        '<ol class="mx_RoomView_MessageList" aria-live="polite" role="list">',
    ]
    if exporter is not None:
        mxid = user_id(exporter)
        out.append(f'<div class="mx_NewRoomIntro"><h2> {escape(room)} </h2><p>This is the start of export of '
                   f'<b>{escape(room)}</b>. Exported by <a href="https://matrix.to/#/{mxid.replace("@", "%40")}'
                   f'" target="_blank"><b>{escape(exporter)}</b> ({mxid})</a> at Mar 14, 2024.</p></div>')
    previous: ChatRecord | None = None
    for i, record in enumerate(messages):
        ts = record.ts
        new_day = previous is None or previous.ts.date() != ts.date()
        if new_day:
            out.append(f'<li><div class="mx_TimelineSeparator" role="separator" aria-label="{_day(ts)}">'
                       f'<hr role="none"><div class="mx_DateSeparator_dateContent"><h2 class="mx_DateSeparator_'
                       f'dateHeading" aria-hidden="true">{_day(ts)}</h2></div><hr role="none"></div></li>')
        continuation = not new_day and previous is not None and previous.author == record.author
        out.append(_tile(i, record, continuation, full_dates, exporter))
        previous = record
    out += ["</ol>", "</main>", "</body>", "</html>"]
    return "\n".join(out)


def _tile(i: int, record: ChatRecord, continuation: bool, full_dates: bool, exporter: str | None) -> str:
    ts, mxid = record.ts, user_id(record.author)
    event = f"$event{i}"
    classes = "mx_EventTile" + (" mx_EventTile_continuation" if continuation else "")
    head = [f'<div class="mx_Export_EventWrapper" id="{event}">',
            f'<li class="{classes}" tabindex="-1" data-layout="group"'
            f' data-self="{str(record.author == exporter).lower()}"'
            f' data-event-id="{event}" data-has-reply="{str(reply_target(record) is not None).lower()}">']
    if not continuation:
        head.append(f'<div class="mx_DisambiguatedProfile"><span class="mx_Username_color3 '
                    f'mx_DisambiguatedProfile_displayName" dir="auto">{escape(record.author)}</span></div>'
                    f'<div class="mx_EventTile_avatar"><span class="_avatar_k41ul_17 mx_BaseAvatar" role="button" '
                    f'title="{escape(mxid)}"><span>{escape(record.author[:1])}</span></span></div>')
    title = f' title="{_day(ts).replace(",", "", 2)} {ts:%H:%M:%S}"' if full_dates else ""
    line_class = "mx_EventTile_line" + (" mx_EventTile_mediaLine mx_EventTile_image" if record.kind == "media" else "")
    body = [f'<div class="{line_class}"><a href="https://matrix.to/#/{ROOM}/{event}?via=example.org" '
            f'aria-label="{ts:%H:%M}"><span class="mx_MessageTimestamp" aria-hidden="true"{title}>{ts:%H:%M}'
            "</span></a>"]
    target = reply_target(record)
    if target is not None:
        body.append(f'<p class="mx_ReplyChain_Export">In reply to <a class="mx_reply_anchor" href="#$event{target}" '
                    f'data-scroll-to="$event{target}"> this message </a></p>')
    if record.kind == "deleted":
        body.append('<div class="mx_EventTile_content"><span class="mx_RedactedBody" title="Message deleted">'
                    "Message deleted</span></div>")
    elif record.kind == "media":
        body.append(f'<div class="mx_MImageBody"><div class="mx_MImageBody_thumbnail_container"><img '
                    f'class="mx_MImageBody_thumbnail" src="images/photo-{i}.jpg" alt="{escape(record.text)}">'
                    "</div></div>")
    else:
        words = "<br>".join(escape(line) for line in record.text.split("\n"))
        edited = ' <span class="mx_EventTile_edited">(edited)</span>' if was_edited(record) else ""
        body.append(f'<div class="mx_MTextBody mx_EventTile_content"><div class="mx_EventTile_body" dir="auto">'
                    f'{words}</div>{edited}</div>')
    body.append("</div></li></div>")
    return "".join(head + body)
