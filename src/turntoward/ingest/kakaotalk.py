"""KakaoTalk's "Export chat" text files, as the phone apps (Android, iOS) and the PC app write them.

Every export opens with a title line and a "saved on" line, then the days. The title names the
chat: ``Sam 님과 카카오톡 대화`` (PC and Android: a chat with Sam, or a group named so), ``Lake crew
(5명) 카카오톡 대화`` (an Android group, with its size), ``Sam님과 카카오톡 대화.txt`` and ``Lake crew
(5명)과 카카오톡 대화.txt`` (older iOS), ``Talk_2023.3.23 02:10-1.txt`` (newer iOS, which writes its
file's name and no chat name), ``KakaoTalk Chats with Sam`` or ``KakaoTalk Chats Lake crew (5)``
(Android in English), ``Sam with KakaoTalk Chats`` (PC in English). The second line is ``저장한 날짜 :
…`` or ``Date Saved : …``, in whatever date style the app uses. What follows depends on the app:

* PC (Windows): a day starts with ``--------------- 2024년 3월 12일 화요일 ---------------``
  (``--------------- Tuesday, March 12, 2024 ---------------``), a message is ``[Sam] [오후 9:04]
  words`` (``[Sam] [9:04 PM] words``, ``[Sam] [21:04] words``), and notices are bare lines without a
  time: ``Sam님이 들어왔습니다.``, ``…님이 나갔습니다.``, ``…님을 초대하였습니다.``, ``…님을
  내보냈습니다.``, ``Sam joined this chatroom.``, ``Sam invited Kim.``, ``Sam left.``.
* Android: every line carries its date, ``2024년 3월 12일 오후 9:04, Sam : words`` (in English
  ``March 12, 2024, 9:04 PM, Sam : words``, before 2015 ``9:04PM, March 12, 2024, …``, lately
  ``March 12, 2024 at 9:04 PM, …`` with a narrow no-break space before PM); a day starts with a blank
  line and its first time alone; a notice has no ``name :`` (``2024년 3월 12일 오후 9:05,
  Kim님이 들어왔습니다.``). The exporting user is ``회원님`` (``you``) in exports before about 2021,
  and by name after.
* iOS: ``2024. 3. 12. 오후 9:04, Sam : words`` (``2015. 1. 16. 15:13, …`` on a 24-hour clock, ``Mar
  12, 2024 at 21:04, Sam : words`` in English), a day line ``2024년 3월 12일 화요일`` (``Tuesday,
  March 12, 2024``) after a blank line, and notices with a colon after the time (``2024. 3. 12. 오후
  9:05: Kim님이 나갔습니다.``).

The lines up to the next message or notice belong to it (words of several lines, the warnings an
open chat writes after a join notice), blank lines at its end aside; the name before `` : `` is
the author, spaces around it dropped. A message without a name and calls (``보이스톡 해요``,
``보이스톡 0:17``, ``Voice Call 12:03``, ``Live Talk ended 1:02:03``) are notices, as is a bare
``메시지가 삭제되었습니다.`` (removed by the open chat's managers); a notice without a time gets the
time of the record above it on that day, else the day's midnight. Photos, videos, emoticons, voice
messages, files and contacts are media, their placeholders kept as the text: ``사진``, ``사진 3장``,
``<사진 읽지 않음>``, ``이모티콘``, ``(이모티콘_Muzi and Friends)``, ``파일: a.pdf``, ``[FILE] a.pptx
(608KB)``, ``Photo``, ``<Photo Unread>``, ``Emoticons``, the ``<64 hex digits>.jpg`` an export with
media names, and the empty message the English Android export leaves for an emoticon.
``삭제된 메시지입니다.`` and ``This message was deleted.`` are deleted messages. KakaoPay transfers
(``5,000원을 보냈어요.``) stay text. ``회원님`` and ``you`` are renamed to the ``me`` option when given.

Times are the wall clock the export shows, read as written: ``오전 12:02`` is two minutes past
midnight, ``오후 12:03`` three past noon, likewise 12:02 AM and 12:03 PM. The layout is fixed by the
first message or day line, so words quoting another layout's lines stay words. A title line with a
"saved on" line inside the file (exports pasted one after another, oldest first) is skipped. The
title is the chat's name without its size (``Lake crew (5명)`` → ``Lake crew``, which marks the chat
a group); the file's name when the title line is missing, which is read only from files named
``KakaoTalk…`` or ``Talk_…`` whose first line is a day or a message.

Not read: the CSV (``Date,User,Message``) of KakaoTalk for Mac, which the table importer reads as
three columns, and exports re-saved in an encoding other than UTF-8 (or UTF-16 with a byte-order mark).

Learnt from real exports that people published in public repositories (Android in Korean from 2013
to 2025 and in English from 2014 to 2023, iOS in Korean from 2014 to 2023, PC in Korean from 2018 to
2021; one chat exported from both Android and PC agrees message for message), and from open-source
KakaoTalk analysers, whose patterns and comments describe the English PC layout, the English iOS one
and the newer English Android one, of which no real file was seen.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import PurePosixPath

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Message, MessageKind, SystemEvent

EXPECTED = "a KakaoTalk chat export ('… 님과 카카오톡 대화', '저장한 날짜 : …', then days of messages)"
# The title line: group "name" is the chat's name. "님과" may follow the name without a space (older iOS);
# "과" follows a group's size there ("Lake crew (5명)과 카카오톡 대화.txt").
TITLES = (
    re.compile(r"(?P<name>.+?)(?: ?님과|(?<=명\))과)? 카카오톡 대화(?:\.txt)?"),
    re.compile(r"KakaoTalk Chats with (?P<name>.+)"),
    re.compile(r"KakaoTalk Chats (?P<name>.+)"),
    re.compile(r"(?P<name>.+) with KakaoTalk Chats"),
    re.compile(r"(?P<name>Talk_\d{4}\.\d{1,2}\.\d{1,2} \d{1,2}[:_-]\d{2}-\d+)\.txt"),
)
SAVED = re.compile(r"(?:저장한 날짜|Date Saved|Saved Date) ?:.*")
GROUP_SIZE = re.compile(r" \((?:\d+명|\d+)\)$")
EXPORT_ME = ("회원님", "you")
FILE_PREFIXES = ("KakaoTalk", "Talk_")

_KO_CLOCK = r"(?:(?P<ko>오전|오후) )?(?P<h>\d{1,2}):(?P<mi>\d{2})"
_EN_PERIOD = r"(?P<en>[AaPp]\.?[Mm]\.?)"
_MONTH = r"(?P<mon>[A-Z][a-z]{2,8})"
# The start of a message or notice line, one per layout; a file keeps the layout of its first one.
STAMPS = {
    "android": re.compile(r"(?P<y>\d{4})년 (?P<mo>\d{1,2})월 (?P<d>\d{1,2})일 " + _KO_CLOCK),
    "ios": re.compile(r"(?P<y>\d{4})\. (?P<mo>\d{1,2})\. (?P<d>\d{1,2})\. " + _KO_CLOCK),
    "english": re.compile(
        _MONTH + r" (?P<d>\d{1,2}), (?P<y>\d{4})(?:,| at) (?P<h>\d{1,2}):(?P<mi>\d{2})(?:[ \u202f\u00a0]?" + _EN_PERIOD
        + ")?"),
    "english_2014": re.compile(r"(?P<h>\d{1,2}):(?P<mi>\d{2}) ?" + _EN_PERIOD + ", " + _MONTH
                               + r" (?P<d>\d{1,2}), (?P<y>\d{4})"),
}
# "name : words" after a stamp and ", "; the name ends at the first " :".
NAMED = re.compile(r"(?P<name>.*?) :(?: (?P<text>.*))?")
KO_DAY = re.compile(r"(?P<y>\d{4})년 (?P<mo>\d{1,2})월 (?P<d>\d{1,2})일 [월화수목금토일]요일")
EN_DAY = re.compile(r"[A-Z][a-z]+, " + _MONTH + r" (?P<d>\d{1,2}), (?P<y>\d{4})")
PC_DAY = re.compile(r"-{15} (?P<day>.+?) -{15}")
PC_MESSAGE = re.compile(
    r"\[(?P<name>.*?)\] \[(?:(?P<ko>오전|오후) (?P<h>\d{1,2}):(?P<mi>\d{2})|(?P<h2>\d{1,2}):(?P<mi2>\d{2})(?: ?"
    r"(?P<en>[AP]M))?)\](?: (?P<text>.*))?")
# App notices the PC app writes as bare lines, without a time.
PC_NOTICE = re.compile(
    r".+님이 (?:들어왔습니다|나갔습니다|퇴장했습니다)\..*|.+님을 (?:초대했습니다|초대하였습니다|내보냈습니다)\."
    r"|채팅방 관리자가 메시지를 가렸습니다\.|.+ (?:joined|left) this chatroom\..*|.+ invited .+\.|[^.!?]{1,60} left\."
    r"|.+ has been removed from this chatroom\.|This message has been hidden by the chatroom managers\."
)
# Notices every layout writes as bare lines (a message removed by the open chat's managers).
BARE_NOTICE = re.compile(r"메시지가 삭제되었습니다\.|The message has been deleted\.")
# The warnings an open chat adds after a join notice (or on their own): part of the notice above.
WARNINGS = re.compile(
    r"운영정책을 위반한 메시지로 신고 접수 시.*|타인, 기관 등의 사칭에 유의해 주세요.*"
    r"|불법촬영물등 식별 및 게재제한 조치 안내|그룹 오픈채팅방에서 동영상.*|You may temporarily be banned from using .*"
)
MEDIA = re.compile(
    r"사진|사진 \d+장|동영상|이모티콘|음성메시지|연락처|파일|파일: .+|<(?:사진|동영상|음성 메시지) 읽지 않음>"
    r"|\((?:이모티콘|[Ee]moticon)(?:_[^()]*)?\)|Photo|photo|<Photo(?: Unread)?>|<Video(?: Unread)?>|videos|Emoticons"
    r"|Voice Note|File: .+|\[FILE\] .+|[0-9a-f]{64}\.(?:jpe?g|png|gif|webp|heic|mp4|mov)"
)
DELETED = frozenset({"삭제된 메시지입니다.", "This message was deleted."})
CALLS = re.compile(
    r"(?:보이스톡|페이스톡) (?:해요|\d{1,2}(?::\d{2}){1,2})|(?:Voice|Video) Call(?: \d{1,2}(?::\d{2}){1,2})?"
    r"|Live Talk ended(?: \d{1,2}(?::\d{2}){1,2})?"
)
MONTHS = {
    name: number
    for number, full in enumerate(("January", "February", "March", "April", "May", "June", "July", "August",
                                   "September", "October", "November", "December"), start=1)
    for name in (full, full[:3])
} | {"Sept": 9}


@dataclass
class _Record:
    """A message or notice being read: when, by whom, and its lines."""

    ts: datetime
    author: str | None
    lines: list[str] = field(default_factory=list)
    notice: bool = False
    section: int = 0  # which of several exports pasted one after another it came from


class KakaoTalkImporter:
    """Reads KakaoTalk's chat exports (.txt, from the Android, iOS and PC apps)."""

    name = "kakaotalk"
    description = "KakaoTalk chat export (.txt, from the Android, iOS or PC app)"

    def sniff(self, source: Source, head: bytes) -> float:
        lines = _lines(_decode_head(head))[:12]
        if not lines or not lines[0].strip():
            return 0.0
        if _title(lines[0]) is not None:
            if len(lines) > 1 and SAVED.fullmatch(lines[1].strip()):
                return 0.95
            if any(_layout(line) for line in lines[1:6]):
                return 0.9  # the "saved on" line was cut off
            return 0.0
        if source.filename.startswith(FILE_PREFIXES) and _layout(lines[0]):
            return 0.8  # the header was cut off
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        lines = _lines(source.read_text("UTF-8 text, as KakaoTalk writes it"))
        title, group, start = _header(source, lines)
        reader = _Reader(source.name, lines)
        reader.read(start)
        if reader.pasted:  # exports of one chat pasted together overlap: each message once, in time order
            reader.records = _once_in_time_order(reader.records)
        if not reader.records:
            raise ImportFormatError(source.name, EXPECTED, found="no messages after the header")
        exporter = next((r.author for r in reader.records if not r.notice and r.author in EXPORT_ME), None)
        me = options.me or exporter
        messages: list[Message] = []
        events: list[SystemEvent] = []
        for record in reader.records:
            text = _words(record.lines)
            plain = text.strip()
            if record.notice or not record.author or CALLS.fullmatch(plain):
                events.append(SystemEvent(record.ts, text, record.author or None))
                continue
            author = me if me and record.author == exporter else record.author
            media = not plain or MEDIA.fullmatch(plain)  # an emoticon without its name is an empty message
            kind = MessageKind.DELETED if plain in DELETED else MessageKind.MEDIA if media else MessageKind.TEXT
            messages.append(Message(index=len(messages), ts=record.ts, author=author, text=text, kind=kind))
        yield Conversation(source=source.name, source_format=self.name, title=title, messages=messages,
                           system_events=events, me=me, group=group)


def _once_in_time_order(records: list[_Record]) -> list[_Record]:
    """`records` of exports pasted together, sorted by time (stably), overlaps read once: a message
    (time, author, words) is kept as many times as the one export that holds it most does (the
    same "ok" twice in a minute is two messages; in two overlapping exports it is still two)."""
    def key(record: _Record) -> tuple[datetime, str | None, str, bool]:
        return record.ts, record.author, "\n".join(record.lines).rstrip(), record.notice

    most: Counter[tuple[datetime, str | None, str, bool]] = Counter()
    for section in {record.section for record in records}:
        most |= Counter(key(record) for record in records if record.section == section)
    kept = []
    for record in sorted(records, key=lambda r: r.ts):
        if most[key(record)] > 0:
            most[key(record)] -= 1
            kept.append(record)
    return kept


def _decode_head(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head[: len(head) // 2 * 2].decode("utf-16", "replace")
    return head.decode("utf-8", "replace").removeprefix("\ufeff")


def _lines(text: str) -> list[str]:
    return re.split(r"\r\n|\n|\r", text)


def _title(line: str) -> tuple[str, bool | None] | None:
    """The chat's name in a title line, and whether the line says it is a group (None: it does not say)."""
    line = line.strip()
    for pattern in TITLES:
        found = pattern.fullmatch(line)
        if found:
            name = found["name"].strip()
            sized = GROUP_SIZE.search(name)
            return (name[: sized.start()].strip() or name, True) if sized else (name, None)
    return None


def _header(source: Source, lines: list[str]) -> tuple[str, bool | None, int]:
    """The chat's title, whether it is a group, and the line where the days begin."""
    titled = _title(lines[0]) if lines else None
    if titled is None:
        return PurePosixPath(source.filename).stem, None, 0
    start = 2 if len(lines) > 1 and SAVED.fullmatch(lines[1].strip()) else 1
    return titled[0], titled[1], start


def _layout(line: str) -> str | None:
    """Which layout a line of messages or days is in ("pc" or a key of STAMPS), if it is one."""
    if PC_DAY.fullmatch(line) or PC_MESSAGE.fullmatch(line):
        return "pc"
    for layout, stamp in STAMPS.items():
        if stamp.match(line):
            return layout
    return "ios" if KO_DAY.fullmatch(line) else "english" if EN_DAY.fullmatch(line) else None


class _Reader:
    """Reads the lines after the header into records, keeping the file's layout once it is known."""

    def __init__(self, name: str, lines: list[str]) -> None:
        self.name = name
        self.lines = lines
        self.records: list[_Record] = []
        self.layout: str | None = None
        self.day: datetime | None = None  # the current day, in the layouts that write day lines
        self.pasted = False  # whether a second export's header was found (exports pasted one after another)
        self.section = 0

    def fail(self, number: int, expected: str = EXPECTED) -> ImportFormatError:
        return ImportFormatError(self.name, expected, line=number + 1, found=self.lines[number])

    def read(self, start: int) -> None:
        lines = self.lines
        number = start
        while number < len(lines):
            line = lines[number]
            after_blank = number == start or not lines[number - 1].strip()
            if (number + 1 < len(lines) and SAVED.fullmatch(lines[number + 1].strip())
                    and _title(line) is not None):
                number += 2  # another export's header: exports pasted one after another
                self.pasted, self.section = True, self.section + 1
                continue
            if not self._structural(number, line, after_blank):
                self._other(number, line)
            number += 1

    def _structural(self, number: int, line: str, after_blank: bool) -> bool:
        """Reads `line` as a day, message or notice line of the file's layout; False if it is none."""
        layout = self.layout or _layout(line)
        if layout is None:
            return False
        if layout == "pc":
            return self._pc(number, line)
        found = STAMPS[layout].match(line)
        rest = line[found.end():] if found else ""
        if found and (rest.startswith((", ", ": ")) or (not rest.strip() and after_blank)):
            self.layout = layout
            ts = self._stamp(number, found)
            if not rest.strip():
                return True  # a day's first time alone, Android's day line
            named = NAMED.fullmatch(rest[2:]) if rest.startswith(", ") else None
            if named:
                self.records.append(_Record(ts, named["name"].strip(), [named["text"] or ""], section=self.section))
            else:
                self.records.append(_Record(ts, None, [rest[2:]], notice=True, section=self.section))
            return True
        # Android writes no day lines: there, such a line is someone's words
        day_lines = layout != "android"
        day = (KO_DAY.fullmatch(line) or EN_DAY.fullmatch(line)) if day_lines and (after_blank or not self.records) \
            else None
        if day is not None:
            self.layout = layout
            self.day = self._date(number, day)
            return True
        return False

    def _pc(self, number: int, line: str) -> bool:
        day = PC_DAY.fullmatch(line)
        if day:
            found = KO_DAY.fullmatch(day["day"]) or EN_DAY.fullmatch(day["day"])
            if found is None:
                raise self.fail(number, "a day line like '--------------- 2024년 3월 12일 화요일 ---------------'")
            self.layout = "pc"
            self.day = self._date(number, found)
            return True
        message = PC_MESSAGE.fullmatch(line)
        if message is None:
            return False
        if self.day is None:
            raise self.fail(number, "a day line ('--------------- 2024년 3월 12일 화요일 ---------------') before "
                                    "the first message")
        self.layout = "pc"
        hour = _hour(message["h"] or message["h2"], message["ko"] or message["en"])
        minute = int(message["mi"] or message["mi2"])
        if hour is None or minute > 59:
            raise self.fail(number, "a clock time like 오후 9:04, 9:04 PM or 21:04")
        ts = self.day + timedelta(hours=hour, minutes=minute)
        self.records.append(_Record(ts, message["name"].strip(), [message["text"] or ""], section=self.section))
        return True

    def _other(self, number: int, line: str) -> None:
        """A line that is no day, message or stamped notice: a notice, or a line of the record above."""
        last = self.records[-1] if self.records else None
        bare = line.strip()
        pc_notice = self.layout == "pc" and self.day is not None and PC_NOTICE.fullmatch(bare)
        if pc_notice or BARE_NOTICE.fullmatch(bare) or (WARNINGS.fullmatch(bare) and not (last and last.notice)):
            # a notice without a time: the time of the record above on the same day, or the day's midnight
            ts = last.ts if last and (self.day is None or last.ts.date() == self.day.date()) else self.day
            if ts is None:
                raise self.fail(number)
            self.records.append(_Record(ts, None, [line], notice=True, section=self.section))
        elif last is not None:
            last.lines.append(line)
        elif self.layout == "pc" and self.day is not None and bare:
            # a notice not known here
            self.records.append(_Record(self.day, None, [line], notice=True, section=self.section))
        elif bare:
            raise self.fail(number)

    def _stamp(self, number: int, found: re.Match[str]) -> datetime:
        midnight = self._date(number, found)
        groups = found.groupdict()
        hour = _hour(found["h"], groups.get("ko") or groups.get("en"))
        minute = int(found["mi"])
        if hour is None or minute > 59:
            raise self.fail(number, "a clock time like 오후 9:04, 9:04 PM or 21:04")
        return midnight + timedelta(hours=hour, minutes=minute)

    def _date(self, number: int, found: re.Match[str]) -> datetime:
        groups = found.groupdict()
        month = MONTHS.get(groups["mon"]) if groups.get("mon") else int(groups["mo"])
        try:
            if month is None:
                raise ValueError(groups["mon"])
            return datetime(int(found["y"]), month, int(found["d"]))
        except ValueError:
            raise self.fail(number, "a real date") from None


def _hour(hour_text: str, period: str | None) -> int | None:
    """The hour of a clock (오후 9 → 21, 오전 12 → 0, 12 PM → 12), None if it cannot be."""
    hour = int(hour_text)
    word = (period or "").replace(".", "").upper()
    if word in ("오후", "PM"):
        return hour % 12 + 12 if hour <= 12 else None
    if word in ("오전", "AM"):
        return hour % 12 if hour <= 12 else None
    return hour if hour <= 23 else None


def _words(lines: list[str]) -> str:
    """A record's lines as its words, blank lines at its end dropped."""
    while len(lines) > 1 and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


register(KakaoTalkImporter())

__all__ = ["KakaoTalkImporter"]
