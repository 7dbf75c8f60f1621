"""QQ for Windows' "message manager" (消息管理器) text exports (``全部消息记录.txt``, ``<name>.txt``).

The classic Windows client (QQ 2009 to QQ 9.7, and TIM) exports one chat, one group of
chats or all of them as text ("文本文件(*.txt,不支持导入)"). Such a file opens with a title line
and then, for each chat, a block header between lines of 64 ``=``::

    消息记录（此消息记录为文本格式，不支持重新导入）

    ================================================================
    消息分组:我的QQ群
    ================================================================
    消息对象:周末羽毛球群
    ================================================================

    2016-07-19 15:27:15 小周(271147505)
    words, on as many lines as they take

    2016-07-19 15:27:19 阿杰<jie@example.com>
    [图片]

``消息分组`` is the contact-list group the chat sits in (``我的好友``, ``我的QQ群``, ``我的群聊``,
``我加入的群聊`` or a group the user named), ``消息对象`` the friend or group; an export of several
chats has one block per chat, and the blocks of one (group, chat) pair are read as one
conversation, its title the ``消息对象``, which is also its `chat_id`. A message is a header line,
``date time author``, its lines, and a blank line. The date is ``2016-07-19`` (``2016/7/19`` on some
Windows date settings), the clock ``0:00:37`` on a 24-hour clock or, when Windows is set to one,
``8:43:38 PM`` or ``上午 08:00:00``; the first header fixes which for the file (so ``PM Lee`` in a
24-hour file is a name); times are the wall clock as written, naive. In group chats the
author is ``name(QQ number)`` or ``name<e-mail or phone>``; in chats with a friend and in discussion
groups only the name is written. A header is a line after a blank line (or the block header) of
that shape; in a block whose first author carries a number, a later header must carry one too,
so ``2016-07-19 15:27:15 words`` quoted in a message stays words. A message's lines run to the
next header, the blank lines at its end dropped; one may start with a blank line, and may be
empty (what QQ cannot write as text), which is read as media.

Authors: the number (or e-mail) is the person; the name beside it is their group card or
nickname at the time and changes (``贝尔塔(1134568611)`` later writes ``16学弟 刘骞(1134568611)``),
is sometimes missing (``(747150918)``) or the number itself (``271147505(271147505)``). Every
message of one number gets one name, the first real name (neither empty nor the number) the
chat shows for it, so a later export of the whole history names them alike; the number when
there is none. Two numbers that would share a name are told apart as ``name (number)``. Authors
without a number are named as written; ``(80000000)``, the number QQ gives anonymous group
members, is no person and keeps the name written (``匿名`` when none).

Notices come from ``系统消息(10000)`` or ``系统消息(1000000)``: joins (``淑加入本群``), shared
files (``[图片] 阿杰 分享文件 …``), "offline file received" and the like are `SystemEvent`s; a
recall, ``X撤回了一条消息``, is a DELETED message by X (by the person who wrote as X in this chat),
``你撤回了一条消息`` ("you recalled") one by the exporting user when the ``me`` option names
them, and ``对方撤回了一条消息`` ("the other side recalled") one by the friend the chat is with; a
recall by someone who never wrote stays a notice in a chat without numbers, so that a chat with
a friend never gains a third person, and so does one naming a name two people wrote under.
Media are written as placeholders, ``[图片]`` (photo), ``[表情]`` (QQ emoticon), ``[语音]``,
``[视频]``, ``[文件]``, ``[闪照]``, ``[QQ红包]``: a message of placeholders alone is MEDIA (its
text kept), one with words too is TEXT.

The export does not say who exported it: the ``me`` option may give their name, any name they
wrote under, or their QQ number, and `Conversation.me` is then their name in each chat. Whether
a chat is a group is known from its ``消息分组`` when that is one of QQ's own group lists
(``我的QQ群``, ``我的群聊``, ``我加入的群聊``, ``我的讨论组``, ``多人聊天``); otherwise it is left to
the number of people who wrote. Replies, reactions and edits are not in the text export.

The file is UTF-8 with a byte-order mark (checked on a real export); older versions and files
saved again in Notepad may be GB18030 (GBK), which is read when the file is not UTF-8, or
UTF-16 with a byte-order mark. Line ends are CRLF, with lone CR or LF inside messages. A file
whose title and block header were cut off (``2016-07-19 15:27:15 小周(271147505)`` first) is
read as one chat named after the file.

Not read: the ``.mht`` export (HTML in a MIME archive, days as ``日期: 2020-02-11`` rows), the
``.bak`` backup (encrypted), and the QQ NT (QQ 9 since 2023) and phone apps, which have no text
export.

Learnt from one real export published in a public repository (a 2016 group chat of 3,000
messages: UTF-8 with BOM, CRLF, numbers, e-mails, phone numbers, changing and missing names,
joins, recalls, file shares) and from open-source QQ analysers and converters (QQtoExcel,
qq-chat-history, ChatLab's QQ parser, a PowerShell splitter of ``全部消息记录.txt`` from QQ 6.1,
and test fixtures of a dice-bot log parser with the 12-hour clock), which show private chats
without numbers, the e-mail form, the 12-hour and ``上午`` clocks and the system senders.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from itertools import pairwise
from pathlib import PurePosixPath

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, decode_text
from turntoward.model import Conversation, Message, MessageKind, SystemEvent

EXPECTED = "a QQ message export ('消息记录（此消息记录为文本格式，不支持重新导入）', then chats of messages)"
EXPECTED_MESSAGE = "a message line like '2016-07-19 15:27:15 小周(271147505)'"
TITLE = re.compile(r"消息记录[（(]此消息记录为文本格式.*")
SEPARATOR = re.compile(r"={16,}")
META = re.compile(r"消息(?P<key>分组|对象)[:：](?P<value>.*)")
_DATE = r"(?P<y>\d{4})[-/](?P<mo>\d{1,2})[-/](?P<d>\d{1,2}) "
_CLOCK = r"(?P<h>\d{1,2}):(?P<mi>\d{2}):(?P<s>\d{2})"
_WHO = r" (?P<who>\S.*?)\s*"
# a message's header line; a file keeps the clock of its first one (HEADER_24: "PM Lee" is then a name)
_PERIOD = r"(?: ?(?P<en>[AP]M|[ap]m|[ap]\.m\.)| ?(?P<cn2>上午|下午))?"
HEADER = re.compile(_DATE + r"(?:(?P<cn>上午|下午) ?)?" + _CLOCK + _PERIOD + _WHO)
HEADER_24 = re.compile(_DATE + _CLOCK + _WHO)
# an author with their identity: the last "(digits)" or "<...>" of the line
IDENTIFIED = re.compile(r"(?P<name>.*)(?:\((?P<number>\d+)\)|<(?P<address>[^<>]*)>)")
SYSTEM_NUMBERS = frozenset({"10000", "1000000"})
ANONYMOUS = "80000000"
ANONYMOUS_NAME = "匿名"
RECALL = re.compile(r"(?P<who>.+?)撤回了一条消息(?: 重新编辑)?")
YOU = "你"
THEM = "对方"
MEDIA = re.compile(r"(?:\[(?:图片|表情|语音|视频|文件|闪照|QQ红包|动画表情|窗口抖动)\]\s*)+")
GROUP_LISTS = frozenset({"我的QQ群", "我的群聊", "我加入的群聊", "我创建的群聊", "我管理的群聊", "我的讨论组",
                         "多人聊天"})


@dataclass
class _Record:
    """A message or notice being read: where, when, who wrote it (as written) and its lines."""

    line: int
    ts: datetime
    name: str
    identity: str | None  # the QQ number or address beside the name, if any
    lines: list[str] = field(default_factory=list)


@dataclass
class _Block:
    """One chat's part of the export: its list group, its name and its records."""

    group: str | None
    title: str | None
    records: list[_Record] = field(default_factory=list)
    numbered: bool | None = None  # whether its first author carries a number (None: no author yet)


class QQImporter:
    """Reads the Windows QQ message manager's text exports."""

    name = "qq"
    description = "QQ message manager export (.txt, QQ for Windows or TIM)"

    def sniff(self, source: Source, head: bytes) -> float:
        lines = [line.strip() for line in _lines(_decode_head(head))[:12]]
        filled = [line for line in lines if line]
        if not filled:
            return 0.0
        if TITLE.fullmatch(filled[0]):
            return 0.95
        if any(SEPARATOR.fullmatch(a) and META.fullmatch(b) for a, b in pairwise(filled)):
            return 0.9  # the title line was cut off
        first = HEADER.fullmatch(filled[0])
        if first and IDENTIFIED.fullmatch(first["who"]) and len(filled) > 1 and not HEADER.fullmatch(filled[1]):
            return 0.5  # the whole header was cut off: a group chat's first message
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        lines = _lines(_decode(source))
        reader = _Reader(source.name, lines)
        reader.read()
        merged: dict[tuple[str | None, str | None], list[_Record]] = {}
        for block in reader.blocks:
            merged.setdefault((block.group, block.title), []).extend(block.records)
        if not any(merged.values()):
            raise ImportFormatError(source.name, EXPECTED, found="no messages")
        for (group, title), records in merged.items():
            if records:
                records.sort(key=lambda r: r.ts)  # stable: blocks of one chat read as one, in time order
                yield _conversation(source, self.name, group, title, records, options)


def _decode(source: Source) -> str:
    """The file as text: UTF-8 or UTF-16 with its byte-order mark (`decode_text`), else GB18030."""
    data = source.read_bytes()
    try:
        return decode_text(source.name, data, "UTF-8 or GB18030 text, as QQ writes it")
    except ImportFormatError:
        if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            raise
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.end].hex(" ")
        raise ImportFormatError(source.name, "UTF-8 or GB18030 text, as QQ writes it", line=line,
                                found=f"byte {bad}, neither UTF-8 nor GB18030") from exc


def _decode_head(head: bytes) -> str:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head[: len(head) // 2 * 2].decode("utf-16", "replace")
    try:
        return head.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError as exc:
        if exc.start >= len(head) - 3:  # a character cut at the end of the head
            return head[: exc.start].decode("utf-8").removeprefix("\ufeff")
        return head.decode("gb18030", "replace")


def _lines(text: str) -> list[str]:
    return re.split(r"\r\n|\n|\r", text)


class _Reader:
    """Reads an export's lines into blocks of records."""

    def __init__(self, name: str, lines: list[str]) -> None:
        self.name = name
        self.lines = lines
        self.blocks: list[_Block] = [_Block(None, None)]
        self.twelve_hour: bool | None = None  # whether the clock is a 12-hour one, from the first header

    def fail(self, number: int, expected: str) -> ImportFormatError:
        return ImportFormatError(self.name, expected, line=number + 1, found=self.lines[number])

    def read(self) -> None:
        lines = self.lines
        number = 1 if lines and TITLE.fullmatch(lines[0].strip()) else 0
        after_blank = True
        while number < len(lines):
            line = lines[number]
            if self._block_starts(number):
                number = self._block_header(number)
                after_blank = True
                continue
            if not self._header(number, line, after_blank):
                block = self.blocks[-1]
                if block.records:
                    block.records[-1].lines.append(line)
                elif line.strip():
                    titled = len(self.blocks) > 1 or TITLE.fullmatch(lines[0].strip()) is not None
                    raise self.fail(number, EXPECTED_MESSAGE if titled else EXPECTED)
            after_blank = not line.strip()
            number += 1

    def _block_starts(self, number: int) -> bool:
        """Whether a block header (a line of ``=`` then ``消息分组:`` or ``消息对象:``) starts here."""
        lines = self.lines
        return (bool(SEPARATOR.fullmatch(lines[number].strip())) and number + 1 < len(lines)
                and META.fullmatch(lines[number + 1].strip()) is not None)

    def _block_header(self, number: int) -> int:
        """Reads the block header at `number`; the number of the line after it."""
        values: dict[str, str] = {}
        while number < len(self.lines):
            line = self.lines[number].strip()
            meta = META.fullmatch(line)
            if meta:
                values[meta["key"]] = meta["value"].strip()
            elif not SEPARATOR.fullmatch(line):
                break
            number += 1
        self.blocks.append(_Block(values.get("分组"), values.get("对象")))
        return number

    def _header(self, number: int, line: str, after_blank: bool) -> bool:
        """Starts a record if `line` is a message header in this block; False if it is none."""
        found = (HEADER_24 if self.twelve_hour is False else HEADER).fullmatch(line)
        if found is None:
            return False
        block = self.blocks[-1]
        identified = IDENTIFIED.fullmatch(found["who"])
        if after_blank:
            if block.numbered and identified is None:
                return False  # words of a message: this chat's authors carry numbers
        elif not (block.numbered and identified is not None):
            return False
        if block.numbered is None:
            block.numbered = identified is not None
        if self.twelve_hour is None:
            self.twelve_hour = any(found.groupdict().get(period) for period in ("cn", "cn2", "en"))
        ts = self._time(number, found)
        identity = identified and (identified["number"] or identified["address"].strip())
        if identified is not None and identity:
            record = _Record(number + 1, ts, identified["name"].strip(), identity)
        else:
            record = _Record(number + 1, ts, found["who"], None)
        block.records.append(record)
        return True

    def _time(self, number: int, found: re.Match[str]) -> datetime:
        hour = int(found["h"])
        groups = found.groupdict()
        period = (groups.get("cn") or groups.get("cn2") or groups.get("en") or "").replace(".", "").upper()
        if period in ("下午", "PM", "上午", "AM"):
            if not 1 <= hour <= 12:
                raise self.fail(number, "a clock time like 21:04:05, 9:04:05 PM or 下午 9:04:05")
            hour = hour % 12 + (12 if period in ("下午", "PM") else 0)
        try:
            return datetime(int(found["y"]), int(found["mo"]), int(found["d"]), hour, int(found["mi"]),
                            int(found["s"]))
        except ValueError:
            raise self.fail(number, "a real date and time") from None


@dataclass
class _People:
    """Who wrote in one chat: one name per QQ number (or address), and every name each one used."""

    by_identity: dict[str, str]
    by_name: dict[str, str]
    shared: frozenset[str]
    """Names more than one person wrote under: a notice naming one of them names nobody we can tell."""

    @classmethod
    def of(cls, records: list[_Record]) -> _People:
        first: dict[str, str] = {}
        used: dict[str, list[str]] = {}
        bare: set[str] = set()
        for record in records:
            identity = record.identity
            if identity in SYSTEM_NUMBERS:
                continue
            if identity is None or identity == ANONYMOUS:
                bare.add(record.name or ANONYMOUS_NAME)
                continue
            used.setdefault(identity, []).append(record.name)
            if identity not in first and record.name and record.name != identity:
                first[identity] = record.name
        chosen = {identity: first.get(identity, identity) for identity in used}
        # one account may be shown by its number and by its e-mail: one of each under one name is one person
        numbers = Counter(name for identity, name in chosen.items() if identity.isdigit())
        addresses = Counter(name for identity, name in chosen.items() if not identity.isdigit())
        shared = {name for name in chosen.values() if numbers[name] > 1 or addresses[name] > 1 or name in bare}
        by_identity = {identity: f"{name} ({identity})" if name in shared else name
                       for identity, name in chosen.items()}
        names: dict[str, set[str]] = {}
        for identity, written in used.items():
            for name in [*written, identity]:
                names.setdefault(name, set()).add(by_identity[identity])
        by_name = {name: next(iter(people)) for name, people in names.items() if len(people) == 1 and name}
        by_name.update({name: name for name in bare})
        return cls(by_identity, by_name, frozenset(name for name, people in names.items() if len(people) > 1))

    def author(self, record: _Record) -> str:
        if record.identity is None:
            return record.name
        if record.identity == ANONYMOUS:
            return record.name or ANONYMOUS_NAME
        return self.by_identity[record.identity]

    def me(self, option: str | None) -> str | None:
        """The exporting user's name in this chat, from the ``me`` option (a name or a QQ number)."""
        if option is None:
            return None
        return self.by_identity.get(option) or self.by_name.get(option) or option


def _conversation(source: Source, format_name: str, group: str | None, title: str | None,
                  records: list[_Record], options: ImportOptions) -> Conversation:
    people = _People.of(records)
    me = people.me(options.me)
    messages: list[Message] = []
    events: list[SystemEvent] = []
    for record in records:
        text = _words(record.lines)
        plain = text.strip()
        if record.identity in SYSTEM_NUMBERS:
            recall = RECALL.fullmatch(plain)
            author = _recaller(recall["who"].strip(), people, me, title, records) if recall else None
            if author:
                messages.append(Message(len(messages), record.ts, author, "", MessageKind.DELETED))
            else:
                events.append(SystemEvent(record.ts, text))
            continue
        kind = MessageKind.MEDIA if not plain or MEDIA.fullmatch(plain) else MessageKind.TEXT
        messages.append(Message(len(messages), record.ts, people.author(record), text, kind))
    name = title or PurePosixPath(source.filename).stem
    return Conversation(source=source.name, source_format=format_name, title=name, messages=messages,
                        system_events=events, chat_id=title or None, me=me,
                        group=True if group in GROUP_LISTS else None)


def _recaller(who: str, people: _People, me: str | None, title: str | None, records: list[_Record]) -> str | None:
    """Who recalled a message, from the name a recall notice gives; None where that is not known."""
    if who == YOU:
        return me
    if who == THEM:  # a friend's recall in a chat with them: the chat is named after them
        others = {people.author(r) for r in records if r.identity not in SYSTEM_NUMBERS} - {me}
        return people.by_name.get(title or "") or (others.pop() if len(others) == 1 else None)
    if who in people.by_name:
        return people.by_name[who]
    if who in people.shared:
        return None  # two people wrote under this name: the notice stays a notice
    # someone who never wrote: a member of a group chat (whose authors carry numbers), else unknown
    return who if people.by_identity else None


def _words(lines: list[str]) -> str:
    """A record's lines as its words, the blank lines at its end dropped."""
    end = len(lines)
    while end and not lines[end - 1].strip():
        end -= 1
    return "\n".join(lines[:end])


register(QQImporter())

__all__ = ["QQImporter"]
