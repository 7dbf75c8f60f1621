"""Render chat records as Meta "Download your information" HTML message pages (Messenger, Instagram).

Records follow `tests.exporters._json_records.ChatRecord`. As the real pages are (three layouts:
``v1`` Facebook 2019-2022, ``v3`` Meta 2023-2024, ``v5`` Facebook's Accounts Center 2022-2024):
one block per message, newest first, pages of `per_page` messages with ``message_1.html`` the
newest; in each block the sender, the content (an empty slot, the words with ``<br /> `` for a
line break, a share slot, an empty slot, then media and reactions) and the time (``v1``/``v3``
``Mar 7, 2024, 8:57 PM``, ``v5`` ``Sep 14, 2023 7:11:24pm``). "deleted" records are unsent
messages; a "media" record whose text is one of the importer's placeholders is that kind of file
with no words, any other a photo with the text as its words. `reactions` (record index ->
`Reaction`s) become the reactions list, the emoji right before the name.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from html import escape

from tests.exporters._json_records import ChatRecord

from turntoward.ingest.messenger import MEDIA_PLACEHOLDERS
from turntoward.model import Reaction

_FIELD_BY_PLACEHOLDER = {text: field for field, text in MEDIA_PLACEHOLDERS.items()}
_CLASSES = {  # block, sender, content, time, reactions
    "v1": ("pam _3-95 _2pi0 _2lej uiBoxWhite noborder", "_3-96 _2pio _2lek _2lel", "_3-96 _2let", "_3-94 _2lem",
           "_tqp"),
    "v3": ("pam _3-95 _2ph- _a6-g uiBoxWhite noborder", "_3-95 _2pim _a6-h _a6-i", "_3-95 _a6-p", "_3-94 _a6-o",
           "_a6-q"),
    "v5": ("_a6-g", "_2ph_ _a6-h _a6-i", "_2ph_ _a6-p", "_3-94 _a6-o", "_a6-q"),
}


def render_messenger_html_files(
    messages: Sequence[ChatRecord],
    *,
    title: str,
    layout: str = "v3",
    per_page: int = 10_000,
    reactions: Mapping[int, Sequence[Reaction]] | None = None,
) -> dict[str, str]:
    """File name -> page, ``message_1.html`` the newest."""
    blocks = [_block(r, layout, (reactions or {}).get(i, ())) for i, r in enumerate(messages)][::-1]
    pages = [blocks[i : i + per_page] for i in range(0, len(blocks), per_page)] or [[]]
    return {f"message_{n}.html": _page(title, page) for n, page in enumerate(pages, start=1)}


def _page(title: str, blocks: list[str]) -> str:
    return (
        '<html><head><meta http-equiv="Content-Type" content="text/html; charset=UTF-8" />'
        f'<base href="../../../../" /><title>{escape(title)}</title></head><body class="_a7o5">'
        f'<div class="_a705"><div class="_3-8y _3-95 _a70a"><div class="_a70d"><div class="_a70e">{escape(title)}'
        '</div></div></div><div class="_a706" role="main">' + "".join(blocks) + "</div></div></body></html>"
    )


def _block(record: ChatRecord, layout: str, reactions: Sequence[Reaction]) -> str:
    block, sender, content, time, reacted = _CLASSES[layout]
    kind = str(record.kind)
    words, items = record.text, ""
    if kind == "deleted":
        words = '<div style="color:gray;text-size:13px;font-style:italic;">This message was unsent</div>'
    else:
        if kind == "media":
            field = _FIELD_BY_PLACEHOLDER.get(record.text, "photos")
            words = "" if record.text in _FIELD_BY_PLACEHOLDER else record.text
            items = _media(field)
        words = escape(words).replace("\n", "<br /> ")
    if reactions:
        items += f'<div><ul class="{reacted}">' + "".join(
            f"<li>{escape(r.emoji)}{escape(r.author)}</li>" for r in reactions) + "</ul></div>"
    stamp = _stamp(record.ts, layout)
    when = f'<div class="_a72d">{stamp}</div>' if layout == "v5" else stamp
    return (f'<div class="{block}"><div class="{sender}">{escape(record.author)}</div>'
            f'<div class="{content}"><div><div></div><div>{words}</div><div></div><div></div>{items}</div></div>'
            f'<div class="{time}">{when}</div></div>')


def _media(field: str) -> str:
    path = f"your_facebook_activity/messages/inbox/thread_1/{field}/1.bin"
    if field == "videos":
        return f'<div><video src="{path}" controls="1"><a href="{path}"><div>Click for video:</div></a></video></div>'
    if field == "audio_files":
        return f'<div><audio src="{path}" controls="1"><a href="{path}">Click for audio</a></audio></div>'
    if field == "files":
        return f'<div><a target="_blank" href="{path}">Download file: {path}</a><div></div></div>'
    if field == "sticker":
        path = "your_facebook_activity/messages/stickers_used/1.png"
    return f'<div><a target="_blank" href="{path}"><img src="{path}" class="_a6_o _3-96" /></a><div></div></div>'


def _stamp(ts: datetime, layout: str) -> str:
    hour12 = ts.hour % 12 or 12
    if layout == "v5":
        return f"{ts:%b %d, %Y} {hour12}:{ts:%M:%S}{'pm' if ts.hour >= 12 else 'am'}"
    return f"{ts:%b} {ts.day}, {ts.year}, {hour12}:{ts:%M} {'PM' if ts.hour >= 12 else 'AM'}"
