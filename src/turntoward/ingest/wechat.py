"""WeChat chats, as the tools that export them write them. WeChat itself exports nothing: its
history is read out of the phone's or computer's database by tools such as WeChatMsg / MemoTrace
(留痕) and chatlog, and saved one chat a file, in these shapes:

* WeChatMsg / MemoTrace's CSV since 2025 (``<备注>.csv`` in a folder ``<备注>(wxid_…)``, UTF-8 with
  a byte-order mark): ``消息ID,类型,发送人,时间,内容,备注,昵称,更多信息``, the type in words
  (``文本``, ``图片``, ``引用消息``, ``系统消息``, …);
* MemoTrace's earlier CSV, the database's own columns:
  ``localId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender``,
  the type a number (1 words, 3 photo, 34 voice, 43 video, 47 sticker, 48 place, 49 link, file or
  quote, 50 call, 10000 and 10002 notices), ``IsSender`` 1 on the user's own messages;
* MemoTrace's text export: each message a line ``2024-02-01 10:00:00 <sender>`` and its words, a blank
  line between messages (a notice has the time alone);
* chatlog's CSV (``Time,SenderName,Sender,TalkerName,Talker,Content``) and JSON (a list of messages with
  ``time``, ``talker``, ``sender``, ``senderName``, ``isSelf``, ``type`` and ``content``), one file
  possibly holding several chats (by ``Talker``).

Each chat is titled by its file (the contact's or group's name, as the tools name it) or, in chatlog's
files, by ``TalkerName``. Who the user is: ``IsSender`` and ``isSelf`` say; in the newer CSV and the
text export nothing does, and in a chat of two the user is the one who is not the chat's title (the
contact); ``--me`` names them otherwise. Times are as the tools write them, the computer's clock where
the messages were read (naive); a Unix time alone is read in this computer's zone. Photos, voice,
video, stickers, files, links, places, contact cards, red packets and transfers are media (their
placeholders such as ``【图片】`` or ``[图片]`` kept as their words); a quoted reply is its own words (the
quote that the tools append after ``引用：`` left out); calls, "pat" nudges and system notices are
notices, and a recall (``你撤回了一条消息``, ``"小红" 撤回了一条消息``) a deleted message by whoever
recalled it. A line out of shape is an `ImportFormatError` naming it.
"""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from turntoward.errors import ImportFormatError
from turntoward.ingest._json_doc import JsonDoc, describe, load_json
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest._table_times import iso_or_epoch
from turntoward.model import Conversation, Message, MessageKind, SystemEvent

ME = "Me"
NEW_COLUMNS = ("消息ID", "类型", "发送人", "时间", "内容")
OLD_COLUMNS = ("IsSender", "CreateTime", "StrContent")
CHATLOG_COLUMNS = ("Time", "SenderName", "Sender", "TalkerName", "Talker", "Content")
_BOM = b"\xef\xbb\xbf"
_STAMP = r"\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}"
_TXT_HEAD = re.compile(rf"({_STAMP})(?: (.+))?")
# The first message's time and sender, then a line of its words (not another time: a log of one
# message a line, "2024-02-01 21:04:12 Sam: hi", is no WeChat export).
_TXT_SNIFF = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*\d{4}-\d{2}-\d{2} \d{1,2}:\d{2}:\d{2}(?: [^\n]*)?\r?\n"
                        rb"(?!\d{4}-\d{2}-\d{2} \d{1,2}:\d{2})[^\n]*\S")
_QQ_AUTHOR = re.compile(r".*(?:\(\d+\)|<[^<>]*>)\s*")
_QUOTE = re.compile(r"\n引用[:：].*\Z", re.S)
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)
_RECALL = re.compile(r"\A\s*(?:\"(?P<who>[^\"]+)\"|(?P<you>你)|(?P<them>对方))\s*撤回了一条消息")
_FOLDER_ID = re.compile(r"\A(?P<name>.*)\((?P<id>(?:wxid_|gh_)?[\w.@-]+)\)\Z")
# The newer CSV's types in words: media, notices; anything else (文本, 引用消息, 未知类型) is words.
_MEDIA_NAMES = frozenset({"图片", "视频", "语音", "表情包", "文件", "位置分享", "分享链接", "音乐分享", "小程序",
                          "视频号", "个人/公众号名片", "企业微信名片", "合并转发的聊天记录", "收藏笔记", "红包",
                          "转账"})
_NOTICE_NAMES = frozenset({"系统消息", "拍一拍", "音视频通话"})
# The database's type numbers: words, media (with the placeholder shown where the cell holds none).
_TEXT_TYPES = frozenset({1, 2})
_MEDIA_TYPES = {3: "[图片]", 34: "[语音]", 43: "[视频]", 47: "[表情]", 48: "[位置]", 49: "[链接]", 42: "[名片]",
                66: "[名片]", 62: "[视频]"}
_NOTICE_TYPES = frozenset({50, 10000, 10002})
_QUOTE_SUBTYPE = 57
# WeChatMsg's newer type numbers (WeChat 4's, the subtype folded in): media, the quote, notices.
_NEW_MEDIA_TYPES = {25769803825: "[文件]", 21474836529: "[链接]", 292057776177: "[链接]", 4294967345: "[链接]",
                    326417514545: "[链接]", 17179869233: "[链接]", 12884901937: "[音乐]", 8594229559345: "[红包]",
                    8589934592049: "[转账]", 81604378673: "[聊天记录]", 141733920817: "[小程序]",
                    154618822705: "[小程序]", 219043332145: "[视频号]", 103079215153: "[笔记]"}
_NEW_QUOTE = 244813135921
_NEW_NOTICE_TYPES = frozenset({266287972401})  # "pat" (拍一拍)
_HTML_JSON_KEYS = frozenset({b"is_send", b"timestamp", b"display_name", b"type"})
# The text export's placeholders: a message of one of these is media; a call is a notice.
_MEDIA_MARK = re.compile(r"\A【(?:图片|视频|语音|表情包|文件|分享链接|位置分享|音乐分享|小程序|视频号|名片|笔记|"
                         r"红包|转账|合并转发的聊天记录|收藏笔记)[^】]*】")
_CALL_MARK = re.compile(r"\A【音视频通话】")


@dataclass(slots=True)
class _Row:
    line: int
    ts: datetime
    author: str
    """Who wrote it: "" for a notice, or for the user's own message where the export names only the
    contact (MemoTrace's earlier CSV)."""
    text: str
    kind: MessageKind
    mine: bool = False
    """Whether the export marks it as the user's own (``IsSender``, ``isSelf``)."""


class WeChatImporter:
    """Reads the WeChat chats that WeChatMsg / MemoTrace and chatlog export (CSV, text, JSON)."""

    name = "wechat"
    description = ("WeChat, as WeChatMsg / MemoTrace (留痕) and chatlog export it: CSV, text or JSON, a chat a "
                   "file")

    def sniff(self, source: Source, head: bytes) -> float:
        first = head.removeprefix(_BOM).lstrip().split(b"\n", 1)[0].decode("utf-8", "replace").strip()
        columns = [c.strip().strip('"') for c in first.split(",")]
        if tuple(columns[:5]) == NEW_COLUMNS or all(c in columns for c in OLD_COLUMNS):
            return 0.95
        if tuple(columns[:6]) == CHATLOG_COLUMNS:
            return 0.95
        start = head.removeprefix(_BOM).lstrip()[:2048]
        if start[:1] == b"[" and b'"isSelf"' in start and b'"talker"' in start:
            return 0.9
        if _html_json_start(start):
            return 0.9
        if source.named and source.filename.lower().endswith(".html") and _html_json(source) is not None:
            return 0.9  # WeChatMsg's page: its messages are in the JSON written beside it
        if source.filename.lower().endswith(".txt") and _TXT_SNIFF.match(head) and _txt_blocks(head):
            return 0.6
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        if source.filename.lower().endswith(".html"):
            beside = _html_json(source)
            if beside is None:
                raise ImportFormatError(source.name, f"{source.filename}.json beside it (WeChatMsg writes the "
                                        "page's messages there)", found="no such file")
            source = beside
        head = source.head().removeprefix(_BOM).lstrip()
        title, chat_id = _title(source)
        if _html_json_start(head[:2048]):
            yield _conversation(source, _html_rows(source), title, chat_id, options)
            return
        if head[:1] == b"[":
            yield from _chatlog_json(source, options)
            return
        first = head.split(b"\n", 1)[0].decode("utf-8", "replace")
        if "," in first and ("消息ID" in first or "IsSender" in first or "TalkerName" in first):
            text = source.read_text("a UTF-8 CSV file of WeChat messages")
            reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
            fields = [f.strip() for f in reader.fieldnames or []]
            reader.fieldnames = fields
            if tuple(fields[:6]) == CHATLOG_COLUMNS:
                yield from _chatlog_csv(source, reader, options)
                return
            rows = _new_csv(source, reader) if "消息ID" in fields else _old_csv(source, reader)
        else:
            rows = _txt(source)
        yield _conversation(source, rows, title, chat_id, options)


def _txt_blocks(head: bytes) -> bool:
    """Whether the start of a text file is laid out as MemoTrace's text export: each message's first
    line its time and sender (not ``name: words`` on one line, and not QQ's ``name(number)``), every
    such line after a blank line, and at least two messages."""
    lines = head.decode("utf-8", "replace").lstrip("\ufeff").replace("\r\n", "\n").split("\n")[:200]
    heads = 0
    for k, line in enumerate(lines[:-1]):  # the last may be cut off
        found = _TXT_HEAD.fullmatch(line.strip())
        if found is None:
            continue
        who = found.group(2) or ""
        if (k and lines[k - 1].strip()) or ": " in who or _QQ_AUTHOR.fullmatch(who):
            return False
        heads += 1
    return heads >= 2


def _html_json(source: Source) -> Source | None:
    """The JSON of messages WeChatMsg writes beside its HTML page (``小红.html.json``), if there."""
    beside = source.sibling(source.filename + ".json")
    if beside is None:
        return None
    return beside if _html_json_start(beside.head(2048).removeprefix(_BOM).lstrip()) else None


def _html_json_start(start: bytes) -> bool:
    """Whether a JSON file starts (`start`, its first bytes) as WeChatMsg's ``<name>.html.json``: a list
    whose first message has ``type``, ``is_send``, ``timestamp`` and ``display_name``."""
    return start[:1] == b"[" and _HTML_JSON_KEYS.issubset(re.findall(rb'"(\w+)"\s*:', start))


def _number(value: object) -> int | None:
    """A type or a time written as a whole number, or as its ASCII digits ("²" passes str.isdigit and
    int() refuses it); None for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    return int(value) if isinstance(value, str) and value.isascii() and value.isdigit() else None


def _html_rows(source: Source) -> list[_Row]:
    """The messages of WeChatMsg's ``<name>.html.json``: ``type`` (a number, as a string),
    ``is_send``, ``timestamp`` (Unix seconds), ``display_name``, and ``text`` for words."""
    doc = JsonDoc(source)
    rows = []
    for k, raw in enumerate(doc.items(load_json(source), "$")):
        at = f"[{k}]"
        entry = doc.obj(raw, at)
        stamp = entry.get("timestamp")
        ts = _stamp(stamp) if isinstance(stamp, int | str) and not isinstance(stamp, bool) else None
        if ts is None:
            doc.fail(f"{at}.timestamp", "when it was sent (a Unix time)", stamp)
        raw_type = entry.get("type")
        kind_number = _number(raw_type)
        if kind_number is None:
            doc.fail(f"{at}.type", "the message's type (a number)", raw_type)
        mine = entry.get("is_send") is True
        who = doc.optional_str(entry, "display_name", at) or ""  # the user's own name on their messages
        text = _words(doc.optional_str(entry, "text", at) or "")
        if kind_number in _NOTICE_TYPES or kind_number in _NEW_NOTICE_TYPES:
            rows.append(_Row(k, ts, "", text, MessageKind.SYSTEM))
        elif kind_number in _TEXT_TYPES or kind_number == _NEW_QUOTE:
            rows.append(_Row(k, ts, who, text, MessageKind.TEXT, mine))
        else:
            shown = _MEDIA_TYPES.get(kind_number) or _NEW_MEDIA_TYPES.get(kind_number, "[消息]")
            rows.append(_Row(k, ts, who, text or shown, MessageKind.MEDIA, mine))
    return rows


def _title(source: Source) -> tuple[str, str]:
    """The chat's name from its file (``小红.csv``, ``小红.html.json``) and its id from the folder the
    tools put it in (``小红(wxid_red)``), else the name."""
    title = PurePosixPath(source.filename).stem.removesuffix(".html")
    folder = _FOLDER_ID.match(source.folder_name)
    return title, folder.group("id") if folder else title


def _fail(source: Source, line: int, expected: str, found: object) -> ImportFormatError:
    shown = found if isinstance(found, str) else describe(found)
    return ImportFormatError(source.name, expected, line=line, found=shown)


def _time(source: Source, line: int, value: str | None, column: str) -> datetime:
    ts = _stamp(value)
    if ts is None:
        raise _fail(source, line, f"a time in {column} like 2024-02-01 10:00:00", value or "nothing")
    return ts


def _stamp(value: object) -> datetime | None:
    if isinstance(value, str):
        text = value.strip()
        try:
            return datetime.strptime(text, "%Y-%m-%d %H:%M:%S")
        except ValueError:
            pass
        if (seconds := _number(text)) is not None:
            return iso_or_epoch(seconds)
        try:  # chatlog's ISO times with the offset of where they were read: the clock as written
            return datetime.fromisoformat(text).replace(tzinfo=None)
        except ValueError:
            return None
    return iso_or_epoch(value)


def _words(text: str) -> str:
    """A message's own words: the quote the tools append to a reply (``\\n引用：小红: …``) left out."""
    return _QUOTE.sub("", text.replace("\r\n", "\n")).strip()


def _new_csv(source: Source, reader: csv.DictReader[str]) -> list[_Row]:
    rows = []
    for row in reader:
        line = reader.line_num  # where the row ends: its words may run over several lines
        ts = _time(source, line, row.get("时间"), "时间")
        kind_name = (row.get("类型") or "").strip()
        text = _words(row.get("内容") or "")
        author = (row.get("发送人") or "").strip()
        if kind_name in _NOTICE_NAMES or not author:
            rows.append(_Row(line, ts, "", text, MessageKind.SYSTEM))
        else:
            kind = MessageKind.MEDIA if kind_name in _MEDIA_NAMES else MessageKind.TEXT
            rows.append(_Row(line, ts, author, text or f"[{kind_name}]", kind))
    return rows


def _old_csv(source: Source, reader: csv.DictReader[str]) -> list[_Row]:
    rows = []
    for row in reader:
        line = reader.line_num  # where the row ends: its words may run over several lines
        raw_type = (row.get("Type") or "1").strip()
        kind_number = _number(raw_type)
        if kind_number is None:
            raise _fail(source, line, "a message type number in Type (1 words, 3 photo, …)", raw_type)
        sub = (row.get("SubType") or "").strip()
        stamp = row.get("StrTime") or ""
        ts = _stamp(stamp) or _stamp(row.get("CreateTime") or "")
        if ts is None:
            raise _fail(source, line, "a time in StrTime (2024-02-01 10:00:00) or CreateTime (a Unix time)", stamp)
        mine = (row.get("IsSender") or "").strip() == "1"
        # Remark, NickName and Sender name the contact, on the user's own messages too.
        name = "" if mine else next((v.strip() for k in ("Remark", "NickName", "Sender") if (v := row.get(k))
                                     and v.strip()), "")
        content = (row.get("StrContent") or "").strip()
        titled = _TITLE.search(content)
        if kind_number in _NOTICE_TYPES:
            rows.append(_Row(line, ts, "", html.unescape(_TITLE.sub("", content)) if "<" in content else content,
                             MessageKind.SYSTEM))
        elif kind_number == 49 and sub == str(_QUOTE_SUBTYPE):  # a quoted reply: its words are the title
            rows.append(_Row(line, ts, name, html.unescape(titled.group(1)).strip() if titled else "",
                             MessageKind.TEXT, mine))
        elif kind_number in _TEXT_TYPES:
            rows.append(_Row(line, ts, name, _words(content), MessageKind.TEXT, mine))
        else:
            shown = _MEDIA_TYPES.get(kind_number, "[消息]")
            if titled and kind_number == 49:
                shown = f"{shown} {html.unescape(titled.group(1)).strip()}"
            elif content and not content.startswith("<"):
                shown = content
            rows.append(_Row(line, ts, name, shown, MessageKind.MEDIA, mine))
    return rows


def _txt(source: Source) -> list[_Row]:
    text = source.read_text("a UTF-8 text file of WeChat messages: a line of time and sender, then the words")
    rows: list[_Row] = []
    lines = text.lstrip("\ufeff").replace("\r\n", "\n").split("\n")
    current: tuple[int, datetime, str | None] | None = None
    said: list[str] = []

    def close() -> None:
        if current is None:
            return
        line, ts, who = current
        words = _words("\n".join(said))
        if who is None or _CALL_MARK.match(words):
            rows.append(_Row(line, ts, "", words, MessageKind.SYSTEM))
        else:
            rows.append(_Row(line, ts, who, words, MessageKind.MEDIA if _MEDIA_MARK.match(words) else MessageKind.TEXT))

    blank_before = True
    for number, raw in enumerate(lines, 1):
        stripped = raw.strip()
        head = _TXT_HEAD.fullmatch(stripped) if blank_before else None
        if head is not None:
            close()
            current = (number, _time(source, number, head.group(1), "the message's first line"),
                       head.group(2).strip() if head.group(2) else None)
            said = []
        elif current is not None:
            said.append(raw)
        elif stripped:
            raise _fail(source, number, "a message's first line: its time and sender (2024-02-01 10:00:00 小红)",
                        stripped)
        blank_before = not stripped
    close()
    return rows


def _conversation(source: Source, rows: list[_Row], title: str, chat_id: str, options: ImportOptions) -> Conversation:
    """One chat from its rows: the user named, recalls turned into deleted messages, notices apart."""
    if not rows:
        raise ImportFormatError(source.name, "WeChat messages", found="no messages")
    authors = list(dict.fromkeys(r.author for r in rows if r.author and r.kind is not MessageKind.SYSTEM))
    own_names = {r.author for r in rows if r.mine and r.author}
    me = options.me
    if me is None and len(own_names) == 1:
        me = next(iter(own_names))  # chatlog: the user's messages carry their name
    elif me is None and any(r.mine for r in rows):
        me = ME
    elif me is None and len(authors) == 2 and title in authors:
        me = next(a for a in authors if a != title)  # the newer exports: the contact is the chat's title
    messages: list[Message] = []
    events: list[SystemEvent] = []
    for r in sorted(rows, key=lambda r: r.ts):
        if r.kind is MessageKind.SYSTEM:
            recall = _RECALL.match(r.text)
            if recall is not None:
                who = me if recall.group("you") else recall.group("who") or next(
                    (a for a in authors if a != me), None)
                if who is not None and (who == me or who in authors):
                    messages.append(Message(len(messages), r.ts, who, "", MessageKind.DELETED))
                    continue
            events.append(SystemEvent(r.ts, r.text))
            continue
        author = r.author or (me if r.mine and me else ME)
        messages.append(Message(len(messages), r.ts, author, r.text, r.kind))
    return Conversation(source=source.name, source_format="wechat", title=title, messages=messages,
                        system_events=events, chat_id=chat_id, me=me)


def _chatlog_csv(source: Source, reader: csv.DictReader[str], options: ImportOptions) -> Iterator[Conversation]:
    chats: dict[str, tuple[str, list[_Row]]] = {}
    for row in reader:
        line = reader.line_num  # where the row ends: its words may run over several lines
        ts = _time(source, line, row.get("Time"), "Time")
        talker = (row.get("Talker") or "").strip()
        name = (row.get("TalkerName") or "").strip() or talker
        sender = (row.get("Sender") or "").strip()
        who = (row.get("SenderName") or "").strip() or sender
        mine = bool(sender) and bool(talker) and not talker.endswith("@chatroom") and sender != talker
        chats.setdefault(talker, (name, []))[1].append(_Row(line, ts, who, _words(row.get("Content") or ""),
                                                             MessageKind.TEXT, mine))
    for talker, (name, rows) in chats.items():
        yield _conversation(source, rows, name, talker or name, options)


def _chatlog_json(source: Source, options: ImportOptions) -> Iterator[Conversation]:
    doc = JsonDoc(source)
    chats: dict[str, tuple[str, list[_Row]]] = {}
    for k, raw in enumerate(doc.items(load_json(source), "$")):
        at = f"[{k}]"
        entry = doc.obj(raw, at)
        ts = _stamp(entry.get("time"))
        if ts is None:
            doc.fail(f"{at}.time", "when it was sent (an ISO date-time or a Unix time)", entry.get("time"))
        talker, name, sender, who = (doc.optional_str(entry, key, at) or "" for key in
                                     ("talker", "talkerName", "sender", "senderName"))
        name, who = name or talker, who or sender
        kind_number = entry.get("type", 1)
        if not isinstance(kind_number, int) or isinstance(kind_number, bool):
            doc.fail(f"{at}.type", "the message's type (a number: 1 words, 3 photo, …)", kind_number)
        text = _words(doc.optional_str(entry, "content", at) or "")
        if kind_number in _NOTICE_TYPES:
            row = _Row(k, ts, "", text, MessageKind.SYSTEM)
        elif kind_number in _MEDIA_TYPES:
            row = _Row(k, ts, who, text or _MEDIA_TYPES[kind_number], MessageKind.MEDIA, entry.get("isSelf") is True)
        else:
            row = _Row(k, ts, who, text, MessageKind.TEXT, entry.get("isSelf") is True)
        chats.setdefault(talker, (name, []))[1].append(row)
    if not chats:
        raise ImportFormatError(source.name, "a JSON list of WeChat messages", found="an empty list")
    for talker, (name, rows) in chats.items():
        yield _conversation(source, rows, name, talker or name, options)


register(WeChatImporter())
