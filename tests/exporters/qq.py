"""Render chat records as a Windows QQ message manager text export (``全部消息记录.txt``).

Records follow `tests.exporters._json_records.ChatRecord`. The file opens with QQ's title line and
one block header (``消息分组:`` the list group, by default ``我的好友`` for the ``friend`` layout and
``我的QQ群`` for the others; ``消息对象:`` the chat), then each message as a header
line, its lines and a blank line. `layout` picks how header lines look:

* ``group``: ``2024-03-09 21:04:05 Sam(123456789)``, a QQ number derived from the name;
* ``friend``: ``2024-03-09 21:04:05 Sam``, as chats with a friend are written;
* ``email``: ``2024-03-09 21:04:05 Sam<sam@example.com>``;
* ``12h``: ``2024-03-09 9:04:05 PM Sam(123456789)`` (Windows set to a 12-hour clock);
* ``上午``: ``2024-03-09 下午 9:04:05 Sam(123456789)``.

The hour has no leading zero (``0:02:15``), as QQ writes it. "media" records become ``[表情]`` for
"<sticker>" and ``[图片]`` otherwise, so their words are lost, as in QQ's own export; a deleted
record becomes the recall notice ``Sam撤回了一条消息`` from ``系统消息(10000)`` at its time.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tests.exporters._json_records import ChatRecord, stable_number

LAYOUTS = ("group", "friend", "email", "12h", "上午")
TITLE = "消息记录（此消息记录为文本格式，不支持重新导入）"
SEPARATOR = "=" * 64


def render_qq(messages: Sequence[ChatRecord], *, title: str, layout: str = "group", list_group: str | None = None,
              line_end: str = "\r\n") -> str:
    list_group = list_group or ("我的好友" if layout == "friend" else "我的QQ群")
    lines = [TITLE, "", SEPARATOR, f"消息分组:{list_group}", SEPARATOR, f"消息对象:{title}", SEPARATOR, ""]
    for record in messages:
        kind = str(record.kind)
        if kind == "deleted":
            lines += [f"{_stamp(record.ts, layout)} 系统消息(10000)", f"{record.author}撤回了一条消息", ""]
            continue
        words = ("[表情]" if record.text == "<sticker>" else "[图片]") if kind == "media" else record.text
        lines += [f"{_stamp(record.ts, layout)} {_author(record.author, layout)}", words, ""]
    return line_end.join(lines)


def qq_number(name: str) -> str:
    """The QQ number the renderer gives `name`."""
    return str(stable_number(name, 9))


def _author(name: str, layout: str) -> str:
    if layout == "friend":
        return name
    if layout == "email":
        return f"{name}<{qq_number(name)}@example.com>"
    return f"{name}({qq_number(name)})"


def _stamp(ts: datetime, layout: str) -> str:
    day = f"{ts.year}-{ts.month:02d}-{ts.day:02d}"
    twelve = ts.hour % 12 or 12
    if layout == "12h":
        return f"{day} {twelve}:{ts.minute:02d}:{ts.second:02d} {'PM' if ts.hour >= 12 else 'AM'}"
    if layout == "上午":
        return f"{day} {'下午' if ts.hour >= 12 else '上午'} {twelve}:{ts.minute:02d}:{ts.second:02d}"
    return f"{day} {ts.hour}:{ts.minute:02d}:{ts.second:02d}"
