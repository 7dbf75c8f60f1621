"""Render chat records as a LINE "Export chat history" text file, as the phone app writes it.

Records follow `tests.exporters._json_records.ChatRecord`. `language` picks the header, the date
lines and the clock: ``en`` (``[LINE] Chat history with Sam``, ``2024/03/12 Tue``, ``21:04``),
``ja`` (``[LINE] Samとのトーク履歴``, ``2024/03/12(火)``, ``午後09:04``) or ``zh``
(``[LINE] 與Sam的聊天記錄``, ``2024/03/12（二）``, ``下午09:04``). A message of several lines is
quoted with its own quotes doubled, as older exports do; "media" records are written as the
language's photo or sticker placeholder (a sticker for "<sticker>"), so their words are lost, as
in LINE's own export; deleted records become LINE's unsent notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from tests.exporters._json_records import ChatRecord

_HEADERS = {
    "en": ("[LINE] Chat history with {title}", "Saved on: 2025/01/05 10:00"),
    "ja": ("[LINE] {title}とのトーク履歴", "保存日時：2025/01/05 10:00"),
    "zh": ("[LINE] 與{title}的聊天記錄", "儲存日期： 2025/01/05 10:00"),
}
_WEEKDAYS = {
    "en": ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"], "ja": list("月火水木金土日"), "zh": list("一二三四五六日"),
}
_PLACEHOLDERS = {"en": ("[Photo]", "[Sticker]"), "ja": ("[写真]", "[スタンプ]"), "zh": ("[照片]", "[貼圖]")}
_UNSENT = {"en": "{who} unsent a message.", "ja": "{who}がメッセージの送信を取り消しました", "zh": "{who}已收回訊息"}


def render_line(messages: Sequence[ChatRecord], *, title: str, language: str = "en") -> str:
    first, saved = _HEADERS[language]
    lines = [first.format(title=title), saved, ""]
    day = None
    for record in messages:
        if record.ts.date() != day:
            if day is not None:
                lines.append("")
            day = record.ts.date()
            lines.append(_date(record.ts, language))
        clock = _clock(record.ts, language)
        kind = str(record.kind)
        if kind == "deleted":
            lines.append(f"{clock}\t{_UNSENT[language].format(who=record.author)}")
            continue
        text = record.text
        if kind == "media":
            photo, sticker = _PLACEHOLDERS[language]
            text = sticker if text == "<sticker>" else photo
        elif "\n" in text:
            text = '"' + text.replace('"', '""') + '"'
        lines.append(f"{clock}\t{record.author}\t{text}")
    return "\n".join(lines) + "\n"


def _date(ts: datetime, language: str) -> str:
    weekday = _WEEKDAYS[language][ts.weekday()]
    if language == "en":
        return f"{ts:%Y/%m/%d} {weekday}"
    return f"{ts:%Y/%m/%d}({weekday})" if language == "ja" else f"{ts:%Y/%m/%d}（{weekday}）"


def _clock(ts: datetime, language: str) -> str:
    if language == "en":
        return f"{ts:%H:%M}"
    hour12 = ts.hour % 12 or 12
    if language == "ja":  # LINE's Japanese export writes noon's hour as 午前12, and midnight's as 午前00
        return f"午後{ts.hour - 12:02d}:{ts.minute:02d}" if ts.hour > 12 else f"午前{ts.hour:02d}:{ts.minute:02d}"
    return f"{'下午' if ts.hour >= 12 else '上午'}{hour12:02d}:{ts.minute:02d}"
