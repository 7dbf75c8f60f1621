"""LINE's "Export chat history" text files, as the phone app writes them in English, Japanese and Chinese.

A file (``[LINE] Chat with Sam.txt``, ``[LINE] Samとのトーク.txt``, ``[LINE] 與Sam的聊天.txt``)
opens with a title line and a "saved on" line (``[LINE] Chat history with Sam`` or ``Chat history
in "Lake crew"``, then ``Saved on: 2018/03/25 19:57``; ``[LINE] Samとのトーク履歴`` and
``保存日時：…``; ``[LINE] 與Sam的聊天記錄`` and ``儲存日期：…``), then a blank line. Each day
starts with a date line after a blank line, its form set by the phone's region: ``2017/10/27(金)``,
``2020/07/21（二）``, ``2023/1/28（週六）``, ``2015/12/25 Fri``, ``Sat, 2/17/2018``, ``Wed,
10/07/2562 BE`` (Thailand's Buddhist-era year; the day/month order of such dates is decided over the
whole file, as for WhatsApp). Each message is ``time<TAB>name<TAB>words``, the time as
``09:59``, ``0:12``, ``9:30AM``, ``下午05:34`` or ``午後05:38``; the lines up to the next message or
date belong to it (older exports wrap a message of several lines in double quotes, doubling the
quotes inside it, which are undone). A line of two columns, or three with no name, is LINE's own
notice ("Sam joined the group.", "Sam unsent a message.", calls, albums): a `SystemEvent`, as are
calls (``☎ Call time 0:33``, ``☎ Missed call``, ``通話時間 1:30:17``) and album and note notices
where LINE puts the actor's name in the name column. Photos, stickers, videos, files, voice messages,
contacts, locations and gifts (``[Photo]``, ``[スタンプ]``, ``[貼圖]``, …) are media.

LINE's desktop app writes another layout (``2020.07.21 星期二`` and ``09:59 name words`` with single
spaces), in which a name with a space cannot be told from the words after it; such a file is
refused with a line saying to export the chat from the phone instead.

The title is the chat's name from the title line (the file's name when that line is missing).
Times are the phone's wall clock, read as they are written.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest._whatsapp_dates import resolve_date_order
from turntoward.model import Conversation, Message, MessageKind, SystemEvent

TITLES = (
    re.compile(r"\[LINE\] Chat history with (?P<name>.+)"),
    re.compile(r"(?:\[LINE\] )?Chat history in \"(?P<name>.+)\""),
    re.compile(r"\[LINE\] (?P<name>.+?)(?:との|の)トーク履歴"),
    re.compile(r"\[LINE\] [與与](?P<name>.+)的聊天[記记][錄录]"),
    re.compile(r"\[LINE\] (?P<name>.+)的聊天[記记][錄录]"),
)
# The chat's name in the file's name, where the title line is missing.
FILE_TITLES = (
    re.compile(r"Chat with (?P<name>.+)"),
    re.compile(r"(?P<name>.+?)との?トーク"),
    re.compile(r"[與与](?P<name>.+)的聊天"),
    re.compile(r"(?P<name>.+)的聊天"),
)
SAVED_ON = re.compile(r"(?:Saved on|保存日時|儲存日期|保存日期)\s*[:：]")
_YMD = re.compile(
    r"(?P<y>\d{4})/(?P<a>\d{1,2})/(?P<b>\d{1,2})\s*(?:[(（][^)）]{1,4}[)）]|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]{0,6}|[周週].)?"
)
_WEEKDAY_FIRST = re.compile(r"[A-Za-z]{3}, (?P<a>\d{1,2})/(?P<b>\d{1,2})/(?P<y>\d{4})(?P<be> BE)?")
DESKTOP_DATE = re.compile(r"\d{4}\.\d{1,2}\.\d{1,2} \S+")
_CLOCK = re.compile(r"(?P<pre>上午|下午|午前|午後)?(?P<h>\d{1,2}):(?P<m>\d{2})(?P<post>[AaPp][Mm])?")
MESSAGE = re.compile(r"((?:上午|下午|午前|午後)?\d{1,2}:\d{2}(?:[AaPp][Mm])?)\t(.*)")
BUDDHIST_ERA = 543
# Media placeholders, exactly as LINE writes them (English, Japanese, Chinese).
MEDIA = frozenset({
    "[Photo]", "[Sticker]", "[Video]", "[File]", "[Voice message]", "[Contact]", "[Gift]", "[Albums]",
    "[写真]", "[スタンプ]", "[動画]", "[ファイル]", "[ボイスメッセージ]", "[連絡先]", "[プレゼント]",
    "[照片]", "[貼圖]", "[影片]", "[檔案]", "[語音訊息]", "[聯絡資訊]", "[禮物]", "[相簿]",
    "[贴图]", "[视频]", "[文件]", "[语音信息]", "[位置]",
})
MEDIA_PREFIXES = ("[Location] ", "[位置資訊] ", "[位置情報] ", "[Albums] ", "[相簿] ", "[アルバム] ")
# LINE's own notices where the name column holds who acted, or no name; calls with or without "☎ ".
NOTICES = re.compile(
    r"☎ .*|Call time [\d:]+|Canceled call|Missed call|No answer|通話時間 ?[\d:]+|通話をキャンセルしました。?|不在着信"
    r"|通話に応答がありませんでした。?|未接來電|無人接聽|您已取消通話|Group (?:video |voice )?call (?:started|ended)\.?"
    r"|.{0,60}(?: added a photo to an album| created an album| added a note| changed the name of the album.*"
    r"| unsent a message)\.?|Photo\(s\) added to album\.|Message unsent\."
    r"|.{0,60}(?:がノートに投稿しました|ノートに投稿しました|がアルバムを作成しました|アルバムを作成しました|アルバムに写真を追加しました|がメッセージの送信を取り消しました"
    r"|メッセージの送信を取り消しました)。?|.{0,60}已收回訊息|.{0,60}撤回了一条消息|.{0,60}已新增新的記事本。?"
)
EXPECTED = "a LINE chat export ('[LINE] Chat history with …', then dates and 'time<TAB>name<TAB>text' lines)"


class LineImporter:
    """Reads LINE's chat history exports (.txt, from the phone app)."""

    name = "line"
    description = "LINE chat history export (.txt, from the phone app)"

    def sniff(self, source: Source, head: bytes) -> float:
        lines = [line for line in _lines(head.decode("utf-8", "replace").removeprefix("\ufeff")) if line.strip()][:8]
        if not lines:
            return 0.0
        if any(title.fullmatch(lines[0]) for title in TITLES) and len(lines) > 1 and SAVED_ON.match(lines[1]):
            return 0.95
        from_line = source.filename.startswith("[LINE]")
        if from_line and (_date(lines[0]) is not None or DESKTOP_DATE.fullmatch(lines[0])):
            return 0.9  # a phone export whose header was cut off, or a desktop export (refused in parse)
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        lines = _lines(source.read_text("UTF-8 text, as LINE writes it").removeprefix("\ufeff"))
        title, start = _title(source, lines)
        # (date line number, "a/b/y") of each day, and per message: (line, day index, clock, name, words)
        days: list[tuple[int, str, bool]] = []
        rows: list[tuple[int, int, str, str | None, list[str]]] = []
        for number in range(start, len(lines)):
            line = lines[number]
            blank_before = number == start or not lines[number - 1].strip()
            date = _date(line) if blank_before or not rows else None
            if date is not None and not _day_follows(lines, number):
                date = None
            if date is not None:
                days.append((number, *date))
                continue
            found = MESSAGE.fullmatch(line)
            if found is not None and days:
                name, tab, words = found[2].partition("\t")
                rows.append((number, len(days) - 1, found[1], name if tab else None, [words if tab else name]))
            elif rows:
                rows[-1][4].append(line)  # a line of the message above
            elif line.strip():
                if DESKTOP_DATE.fullmatch(line.strip()):
                    raise ImportFormatError(
                        source.name, "LINE's phone export (its desktop app separates names and words with spaces, so "
                        "names cannot be told apart: export the chat from the phone, Chat settings → Export chat "
                        "history)", line=number + 1, found=line)
                raise ImportFormatError(source.name, EXPECTED, line=number + 1, found=line)
        if not rows:
            raise ImportFormatError(source.name, EXPECTED, found="no messages after the header")
        midnights = _midnights(source.name, days, options.date_order)
        messages: list[Message] = []
        events: list[SystemEvent] = []
        for number, day, clock, name, body in rows:
            ts = _at(midnights[day], clock)
            if ts is None:
                raise ImportFormatError(source.name, "a clock time like 21:04, 9:04PM or 下午09:04", line=number + 1,
                                        found=clock)
            text = _words(body)
            if name is None or not name.strip() or NOTICES.fullmatch(text):
                events.append(SystemEvent(ts, text, name.strip() if name and name.strip() else None))
                continue
            media = text in MEDIA or text.startswith(MEDIA_PREFIXES)
            kind = MessageKind.MEDIA if media else MessageKind.TEXT
            messages.append(Message(index=len(messages), ts=ts, author=name.strip(), text=text, kind=kind))
        yield Conversation(
            source=source.name, source_format=self.name, title=title, messages=messages, system_events=events,
            me=options.me,
        )


def _lines(text: str) -> list[str]:
    return re.split(r"\r\n|\n|\r", text)


def _title(source: Source, lines: list[str]) -> tuple[str, int]:
    """The chat's name, and the line where the days begin."""
    for number, line in enumerate(lines[:3]):
        for title in TITLES:
            found = title.fullmatch(line.strip())
            if found:
                after = number + 1
                if after < len(lines) and SAVED_ON.match(lines[after].strip()):
                    after += 1
                return found["name"].strip(), after
    stem = PurePosixPath(source.filename).stem.removeprefix("[LINE]").strip()
    found = next((m for m in (t.fullmatch(stem) for t in FILE_TITLES) if m), None)
    return (found["name"] if found else stem), 0


def _date(line: str) -> tuple[str, bool] | None:
    """A date line as "a/b/year" (day and month in the file's order) and whether it is year first."""
    line = line.strip()
    found = _YMD.fullmatch(line)
    if found:
        return f"{found['a']}/{found['b']}/{found['y']}", True
    found = _WEEKDAY_FIRST.fullmatch(line)
    if found:
        year = int(found["y"]) - (BUDDHIST_ERA if found["be"] else 0)
        return f"{found['a']}/{found['b']}/{year}", False
    return None


def _day_follows(lines: list[str], number: int) -> bool:
    """Whether the date line at `number` starts a day: a message, another date or the end follows
    it (a date someone wrote on a line of its own, inside a message, is followed by more words)."""
    # (by index: a slice would copy the rest of the file for every day, quadratic in a long export)
    after = next((lines[k] for k in range(number + 1, len(lines)) if lines[k].strip()), None)
    return after is None or MESSAGE.fullmatch(after) is not None or _date(after) is not None


def _midnights(name: str, days: list[tuple[int, str, bool]], date_order: str | None) -> list[datetime]:
    """Midnight of each day; the order of dates written month and day first is decided over the file."""
    after_weekday = list(dict.fromkeys(text for _, text, year_first in days if not year_first))
    order = resolve_date_order(after_weekday, "/", date_order) if after_weekday else "mdy"
    out = []
    for number, text, year_first in days:
        a, b, year = (int(part) for part in text.split("/"))
        month, day = (a, b) if year_first or order == "mdy" else (b, a)
        try:
            out.append(datetime(year, month, day))
        except ValueError:
            raise ImportFormatError(name, "a real date", line=number + 1, found=text) from None
    return out


def _at(midnight: datetime, clock: str) -> datetime | None:
    found = _CLOCK.fullmatch(clock)
    if found is None:
        return None
    hour, minute = int(found["h"]), int(found["m"])
    period = found["pre"] or (found["post"] or "").upper()
    if period in ("下午", "午後", "PM") and hour < 12:
        hour += 12
    elif period in ("上午", "AM") and hour == 12:
        hour = 0
    if minute > 59 or hour > 24:
        return None
    return midnight + timedelta(hours=hour, minutes=minute)  # 24:53 is a quarter to one the next day


def _words(body: list[str]) -> str:
    """A message's lines as its words; a quoted message of several lines loses its quotes."""
    while len(body) > 1 and not body[-1].strip():
        body.pop()
    text = "\n".join(body)
    inside = text[1:-1]
    # quoted by the export only where every quote inside is doubled: '"Hello," she said' is not
    if len(body) > 1 and len(text) > 1 and text[0] == text[-1] == '"' and '"' not in inside.replace('""', ""):
        text = inside.replace('""', '"')
    return text


register(LineImporter())

__all__ = ["LineImporter"]
