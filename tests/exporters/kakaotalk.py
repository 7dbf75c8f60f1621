"""Render chat records as a KakaoTalk "Export chat" text file, in the layout one of its apps writes.

Records follow `tests.exporters._json_records.ChatRecord`. `layout` picks the app and language:

* ``pc``: ``Sam 님과 카카오톡 대화``, ``--------------- 2024년 3월 12일 화요일 ---------------``,
  ``[Sam] [오후 9:04] words``;
* ``pc_en``: ``Sam with KakaoTalk Chats``, ``--------------- Tuesday, March 12, 2024 ---------------``,
  ``[Sam] [9:04 PM] words``;
* ``android``: each day opened by a blank line and its first time alone, messages
  ``2024년 3월 12일 오후 9:04, Sam : words``;
* ``android_en``: ``KakaoTalk Chats with Sam``, ``March 12, 2024 at 9:04\u202fPM, Sam : words``;
* ``ios``: ``Talk_2025.1.5 10:00-1.txt`` (the phone names no chat), day lines ``2024년 3월 12일 화요일``,
  messages ``2024. 3. 12. 오후 9:04, Sam : words``;
* ``ios_en``: day lines ``Tuesday, March 12, 2024``, messages ``Mar 12, 2024 at 21:04, Sam : words``.

"media" records become the photo placeholder (``사진``, ``Photo``; the emoticon one for "<sticker>"), so
their words are lost, as in KakaoTalk's own export; deleted records become ``삭제된 메시지입니다.`` or
``This message was deleted.``. A message of several lines is written as they are.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tests.exporters._json_records import ChatRecord

LAYOUTS = ("pc", "pc_en", "android", "android_en", "ios", "ios_en")
IOS_TITLE = "Talk_2025.1.5 10:00-1"
NARROW_SPACE = "\u202f"  # newer Android exports put it before AM and PM
_KO_WEEKDAYS = "월화수목금토일"
_EN_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_EN_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
              "November", "December")
_HEADERS = {
    "pc": ("{title} 님과 카카오톡 대화", "저장한 날짜 : 2025-01-05 10:00:00", ""),
    "pc_en": ("{title} with KakaoTalk Chats", "Date Saved : 2025-01-05 10:00:00", ""),
    "android": ("{title} 님과 카카오톡 대화", "저장한 날짜 : 2025년 1월 5일 오전 10:00", "", ""),
    "android_en": ("KakaoTalk Chats with {title}", "Date Saved : January 5, 2025 at 10:00\u202fAM", "", ""),
    "ios": (IOS_TITLE + ".txt", "저장한 날짜 : 2025. 1. 5. 오전 10:00", "", "", ""),
    "ios_en": (IOS_TITLE + ".txt", "Date Saved : Jan 5, 2025 at 10:00", "", "", ""),
}


def render_kakaotalk(messages: Sequence[ChatRecord], *, title: str, layout: str = "pc") -> str:
    english = layout.endswith("_en")
    lines = [line.format(title=title) for line in _HEADERS[layout]]
    day = None
    for record in messages:
        ts = record.ts
        if ts.date() != day:
            if day is not None and not layout.startswith("pc"):
                lines.append("")
            day = ts.date()
            lines.append(_day_line(ts, layout))
        lines.append(_message_line(ts, record.author, _words(record, english), layout))
    return "\n".join(lines) + "\n"


def _words(record: ChatRecord, english: bool) -> str:
    kind = str(record.kind)
    if kind == "deleted":
        return "This message was deleted." if english else "삭제된 메시지입니다."
    if kind == "media":
        if record.text == "<sticker>":
            return "Emoticons" if english else "이모티콘"
        return "Photo" if english else "사진"
    return record.text


def _day_line(ts: datetime, layout: str) -> str:
    korean = f"{ts.year}년 {ts.month}월 {ts.day}일 {_KO_WEEKDAYS[ts.weekday()]}요일"
    english = f"{_EN_WEEKDAYS[ts.weekday()]}, {_EN_MONTHS[ts.month - 1]} {ts.day}, {ts.year}"
    if layout in ("pc", "pc_en"):
        return f"--------------- {korean if layout == 'pc' else english} ---------------"
    if layout in ("android", "android_en"):
        return _stamp(ts, layout)
    return korean if layout == "ios" else english


def _stamp(ts: datetime, layout: str) -> str:
    if layout == "android":
        return f"{ts.year}년 {ts.month}월 {ts.day}일 {_ko_clock(ts)}"
    if layout == "android_en":
        return f"{_EN_MONTHS[ts.month - 1]} {ts.day}, {ts.year} at {_en_clock(ts, NARROW_SPACE)}"
    if layout == "ios":
        return f"{ts.year}. {ts.month}. {ts.day}. {_ko_clock(ts)}"
    return f"{_EN_MONTHS[ts.month - 1][:3]} {ts.day}, {ts.year} at {ts:%H:%M}"


def _message_line(ts: datetime, author: str, words: str, layout: str) -> str:
    if layout == "pc":
        return f"[{author}] [{_ko_clock(ts)}] {words}"
    if layout == "pc_en":
        return f"[{author}] [{_en_clock(ts, ' ')}] {words}"
    return f"{_stamp(ts, layout)}, {author} : {words}"


def _ko_clock(ts: datetime) -> str:
    return f"{'오후' if ts.hour >= 12 else '오전'} {ts.hour % 12 or 12}:{ts.minute:02d}"


def _en_clock(ts: datetime, space: str) -> str:
    return f"{ts.hour % 12 or 12}:{ts.minute:02d}{space}{'PM' if ts.hour >= 12 else 'AM'}"
