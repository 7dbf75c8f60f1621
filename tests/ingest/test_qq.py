"""The QQ importer reads the Windows QQ message manager's text exports: friends, groups, all chats at once."""

from __future__ import annotations

import codecs
import contextlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.qq import LAYOUTS, qq_number, render_qq
from tests.ingest._records import Rec, parse_written

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.qq import QQImporter
from turntoward.model import Conversation, MessageKind

FIXTURES = Path(__file__).parent.parent / "fixtures"
QQ = FIXTURES / "qq"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED
HEADER = ("消息记录（此消息记录为文本格式，不支持重新导入）\n\n" + "=" * 64 + "\n消息分组:我的好友\n" + "=" * 64
          + "\n消息对象:小满\n" + "=" * 64 + "\n\n")


def read(name: str, options: ImportOptions | None = None) -> list[Conversation]:
    conversations = [c for _, convs in read_paths([QQ / name], options or ImportOptions()) for c in convs]
    assert all(c.source_format == "qq" for c in conversations)
    return conversations


def parse_text(text: str | bytes, name: str = "全部消息记录.txt", me: str | None = None) -> list[Conversation]:
    def parse(path: Path) -> list[Conversation]:
        return list(QQImporter().parse(Source(str(path), path=path), ImportOptions(me=me)))

    return parse_written(text, name, parse)


def at(day: str, clock: str) -> datetime:
    return datetime.fromisoformat(f"{day}T{clock}")


def test_an_export_of_all_chats_reads_each_chat_as_a_conversation() -> None:
    friend, group = read("全部消息记录.txt")  # UTF-8 with a byte-order mark, CRLF
    assert (friend.title, friend.chat_id, friend.group, friend.me) == ("林晓雨", "林晓雨", None, None)
    assert (group.title, group.chat_id, group.group) == ("周末羽毛球群", "周末羽毛球群", True)  # "我的QQ群"
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in friend.messages] == [
        (0, at("2023-12-30", "21:04:05"), "林晓雨", TEXT, "跨年那天你有安排吗？"),
        (1, at("2023-12-30", "21:06:41"), "陈一鸣", TEXT, "还没呢\n想去江边看烟花🎆"),
        (2, at("2023-12-30", "21:07:02"), "林晓雨", MEDIA, "[表情]"),
        (3, at("2023-12-30", "21:07:30"), "陈一鸣", MEDIA, "[图片]"),
        (4, at("2023-12-30", "21:09:12"), "林晓雨", TEXT, "好呀！那我们\n7点在地铁口见？"),
        (5, at("2023-12-31", "00:02:15"), "陈一鸣", TEXT, "到家了，晚安😴\n今天很开心"),  # "0:02:15"
        (6, at("2023-12-31", "00:02:50"), "林晓雨", TEXT, "[图片]哈哈哈看我拍的"),  # a photo with words
        (7, at("2023-12-31", "09:15:03"), "林晓雨", MEDIA, ""),  # what QQ could not write as text
        (8, at("2023-12-31", "09:15:20"), "林晓雨", TEXT, "刚才发错了"),
        # lines shaped like headers, without the blank line before a header, are words
        (9, at("2023-12-31", "10:20:00"), "陈一鸣", TEXT,
         "我把元旦行程贴过来\n2024-01-01 08:00:00 出发\n2024-01-01 09:30:00 到山脚"),
    ]
    # "you recalled a message": the exporting user, unknown without the me option
    assert [(e.ts, e.author, e.text) for e in friend.system_events] == [
        (at("2023-12-30", "23:58:40"), None, "你撤回了一条消息"),
        (at("2023-12-31", "09:16:00"), None, "对方已成功接收了你发送的离线文件“烟花.mp4”(12.3MB)。"),
    ]


def test_group_authors_are_their_numbers_named_once_and_recalls_are_deleted_messages() -> None:
    _, group = read("全部消息记录.txt")
    assert [(m.ts, m.author, m.kind, m.text) for m in group.messages] == [
        (at("2024-03-09", "10:01:33"), "小周", TEXT, "大家好～我是新来的小周🏸"),
        (at("2024-03-09", "10:02:05"), "阿杰", TEXT, "欢迎欢迎"),
        (at("2024-03-09", "10:02:40"), "王老师", TEXT, "欢迎！周六上午9点，体育馆3号场\n带好球拍和水"),
        (at("2024-03-09", "10:03:11"), "小周", TEXT, "收到[表情]"),  # "(2718281828)": no name written
        (at("2024-03-09", "10:05:59"), "阿杰", MEDIA, "[图片][图片]"),
        (at("2024-03-09", "10:06:30"), "阿杰", TEXT, "场地照片在上面"),  # the same name by number and e-mail
        (at("2024-03-09", "12:30:00"), "阿杰", DELETED, ""),  # 阿杰撤回了一条消息
        (at("2024-03-09", "12:31:45"), "小周", TEXT, "周六见！"),  # "2718281828(2718281828)"
        (at("2024-03-09", "20:15:00"), "小周", TEXT, "我改了群名片：周舟"),  # a new card, the same person
        # a blank first line kept; a header without a number in a group is words
        (at("2024-03-09", "20:16:10"), "王老师", TEXT, "\n有几点要说：\n1. 不要迟到\n\n2024-03-12 19:00:00 截止报名"),
        (at("2024-03-10", "08:00:02"), "李娜 (55667788)", TEXT, "2024-03-10 8:00:00 我到了\n门口见"),
        (at("2024-03-10", "08:02:00"), "李娜 (98765432)", TEXT, "我带了一桶球"),  # two people called 李娜
        (at("2024-03-10", "08:03:00"), "阿杰", MEDIA, "[语音]"),
    ]
    assert [(e.ts, e.text) for e in group.system_events] == [
        (at("2024-03-09", "09:58:12"), "小周加入本群"),
        (at("2024-03-09", "20:17:00"), '[图片] 王老师 分享文件 20:16:58\n"三月场地表.xlsx" 下载'),
    ]


def test_the_me_option_names_the_user_by_name_or_qq_number_and_claims_their_recalls() -> None:
    friend, group = read("全部消息记录.txt", ImportOptions(me="2718281828"))
    assert group.me == "小周"  # the number given, the person's name in this chat
    assert friend.me == "2718281828"  # not in this chat: kept as given
    friend, group = read("全部消息记录.txt", ImportOptions(me="陈一鸣"))
    assert friend.me == "陈一鸣"
    recall = next(m for m in friend.messages if m.kind is DELETED)  # 你撤回了一条消息
    assert (recall.ts, recall.author, recall.text) == (at("2023-12-30", "23:58:40"), "陈一鸣", "")
    assert [m.index for m in friend.messages] == list(range(11))
    assert [e.text for e in friend.system_events] == ["对方已成功接收了你发送的离线文件“烟花.mp4”(12.3MB)。"]
    (_, group), = [read("全部消息记录.txt", ImportOptions(me="周舟"))]
    assert group.me == "小周"  # a later card of theirs


def test_an_older_export_in_gb18030() -> None:
    (chat,) = read("苏婉.txt")
    assert (chat.title, chat.group) == ("苏婉", None)
    assert [(m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (at("2011-05-20", "13:14:00"), "苏婉", TEXT, "今天食堂的糖醋排骨好好吃"),
        (at("2011-05-20", "13:20:31"), "老许", TEXT, "真的假的\n我下午去试试"),
        (at("2011-05-20", "22:47:09"), "苏婉", TEXT, "[表情]晚安啦"),
        (at("2011-05-21", "07:05:44"), "老许", TEXT, "早！考试加油"),
    ]


def test_a_twelve_hour_clock_reads_midnight_and_noon() -> None:
    (chat,) = read("Study group.txt")  # no byte-order mark, LF
    assert (chat.title, chat.group) == ("Study group (英语角)", True)  # "我的群聊"
    assert [(m.ts, m.author, m.kind) for m in chat.messages] == [
        (at("2019-09-23", "20:43:38"), "Mia", TEXT),
        (at("2019-09-23", "20:46:18"), "Leo", TEXT),
        (at("2019-09-23", "23:59:59"), "Mia", TEXT),
        (at("2019-09-24", "00:00:01"), "Leo", MEDIA),  # 12:00:01 AM
        (at("2019-09-24", "12:30:00"), "Mia", MEDIA),  # 12:30:00 PM
    ]
    assert [(e.ts, e.text) for e in chat.system_events] == [(at("2019-09-23", "20:44:09"), "Leo加入本群。")]


def test_上午_and_下午_before_or_after_the_clock() -> None:
    text = HEADER + ("2024-01-02 上午 08:00:00 小满\n早\n\n2024-01-02 下午 12:05:00 阿青\n午饭？\n\n"
                     "2024/1/2 11:30:00 下午 小满\n晚安\n")
    (chat,) = parse_text(text)
    assert [(m.ts, m.author) for m in chat.messages] == [
        (at("2024-01-02", "08:00:00"), "小满"), (at("2024-01-02", "12:05:00"), "阿青"),
        (at("2024-01-02", "23:30:00"), "小满"),
    ]


def test_recalls_in_a_chat_with_a_friend_never_invent_a_third_person() -> None:
    text = HEADER + ("2024-01-02 9:00:00 小满\n在吗\n\n2024-01-02 9:01:00 系统消息(10000)\n对方撤回了一条消息\n\n"
                     "2024-01-02 9:02:00 PM Lee\n在的\n\n2024-01-02 9:03:00 系统消息(10000)\n老王撤回了一条消息\n")
    (chat,) = parse_text(text)
    assert [(m.ts.minute, m.author, m.kind) for m in chat.messages] == [
        (0, "小满", TEXT), (1, "小满", DELETED),  # 对方 ("the other side"): 小满, whom the chat is with
        (2, "PM Lee", TEXT),  # a 24-hour file: "PM" is part of a name
    ]
    assert [e.text for e in chat.system_events] == ["老王撤回了一条消息"]  # nobody of this chat


def test_a_recall_naming_two_members_of_one_name_stays_a_notice() -> None:
    text = HEADER + ("2024-01-02 9:00:00 小周(20240101)\n周六爬山吗\n\n2024-01-02 9:01:00 小周(20240202)\n我去\n\n"
                     "2024-01-02 9:02:00 系统消息(10000)\n小周撤回了一条消息\n")
    (chat,) = parse_text(text)
    assert chat.people == ["小周 (20240101)", "小周 (20240202)"]  # no third 小周
    assert [e.text for e in chat.system_events] == ["小周撤回了一条消息"]


def test_anonymous_group_members_keep_the_names_written() -> None:
    text = HEADER + ("2024-01-02 9:00:00 小满(12345)\n谁是卧底\n\n2024-01-02 9:01:00 大象(80000000)\n不是我\n\n"
                     "2024-01-02 9:02:00 (80000000)\n也不是我\n\n"
                     "2024-01-02 9:03:00 系统消息(1000000)\n大象撤回了一条消息\n")
    (chat,) = parse_text(text)
    assert [(m.author, m.kind) for m in chat.messages] == [
        ("小满", TEXT), ("大象", TEXT), ("匿名", TEXT), ("大象", DELETED)]


def test_a_file_without_its_header_is_one_chat_named_after_the_file() -> None:
    (chat,) = read("group_chat.txt")
    assert (chat.title, chat.chat_id) == ("group_chat", None)
    assert [(m.author, m.text) for m in chat.messages] == [
        ("大熊", "明天爬山的人报个数"), ("Echo", "+1\n我再带个朋友"), ("大熊", "[图片]")]


def test_blocks_of_one_chat_are_read_as_one_conversation_in_time_order() -> None:
    block = "=" * 64 + "\n消息分组:我的好友\n" + "=" * 64 + "\n消息对象:小满\n" + "=" * 64 + "\n\n"
    text = (HEADER + "2024-01-02 9:00:00 小满\n第二\n\n" + block + "2024-01-01 9:00:00 阿青\n第一\n\n"
            + block.replace("小满", "阿青") + "2024-01-03 9:00:00 阿青\n别的\n")
    first, other = parse_text(text)
    assert [(m.index, m.text) for m in first.messages] == [(0, "第一"), (1, "第二")]
    assert (other.title, [m.text for m in other.messages]) == ("阿青", ["别的"])


def test_detection_claims_every_qq_export_and_nothing_else() -> None:
    for path in sorted(QQ.iterdir()):
        found = detect(Source(str(path), path=path))
        assert found is not None and found.name == "qq", path.name
    importer = QQImporter()
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and QQ not in p.parents]
    assert len(others) > 50
    for path in others:
        source = Source(str(path), path=path)
        assert importer.sniff(source, source.head()) == 0.0, path


def test_sniffing_a_cut_header_and_a_headerless_file() -> None:
    importer = QQImporter()
    cut = ("=" * 64 + "\n消息对象:小满\n" + "=" * 64 + "\n\n2024-01-02 9:00:00 小满\n早\n").encode("gb18030")
    assert importer.sniff(Source("a.txt"), cut) == 0.9
    numbered = "2024-01-02 9:00:00 小满(12345)\n早\n".encode()
    assert importer.sniff(Source("a.txt"), numbered) == 0.5
    # a friend's name alone is not enough to claim a file without QQ's header
    assert importer.sniff(Source("a.txt"), "2024-01-02 9:00:00 小满\n早\n".encode()) == 0.0
    assert importer.sniff(Source("a.txt"), b"2024-01-02 9:00:00 log(12)\n2024-01-02 9:00:01 x(1)\n") == 0.0
    # the first bytes of a UTF-8 file may end inside a character
    assert importer.sniff(Source("a.txt"), (HEADER + "2024-01-02 9:00:00 小满\n早").encode()[:-1]) == 0.95


def test_utf16_with_a_byte_order_mark_reads_like_utf8() -> None:
    data = codecs.BOM_UTF16_LE + (HEADER + "2024-01-02 9:00:00 小满\n早\n").encode("utf-16-le")
    assert QQImporter().sniff(Source("a.txt"), data) == 0.95
    (chat,) = parse_text(data)
    assert [(m.author, m.text) for m in chat.messages] == [("小满", "早")]


@pytest.mark.parametrize(("text", "line", "expected"), [
    (HEADER + "你好\n", 9, "a message line"),
    (HEADER + "2024-02-30 9:00:00 小满\n早\n", 9, "a real date"),
    (HEADER + "2024-02-03 25:00:00 小满\n早\n", 9, "a real date"),
    (HEADER + "2024-02-03 13:00:00 PM 小满\n早\n", 9, "a clock time"),
    (HEADER + "2024-02-03 0:00:00 上午 小满\n早\n", 9, "a clock time"),
    ("今天的会议纪要\n2024-02-03 9:00:00 小满\n", 1, "a QQ message export"),
])
def test_broken_files_are_format_errors_naming_the_file_line_and_what_was_expected(
        text: str, line: int, expected: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_text(text)
    assert caught.value.line == line and expected in caught.value.expected
    assert f"全部消息记录.txt:{line}: expected" in str(caught.value)


def test_a_header_with_no_messages_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="no messages"):
        parse_text(HEADER)


def test_bytes_neither_utf8_nor_gb18030_name_their_line() -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_text(HEADER.encode() + b"2024-01-02 9:00:00 \xff\xfe\n")
    assert caught.value.line == 9 and "GB18030" in caught.value.expected


RECORDS = [
    Rec(datetime(2024, 12, 31, 23, 58, 7), "林晓雨", "到了吗？"),
    Rec(datetime(2024, 12, 31, 23, 59, 30), "陈一鸣", "刚到!!\n\n外面好冷🥶"),
    Rec(datetime(2025, 1, 1, 0, 4, 2), "陈一鸣", "<photo>", "media"),  # 12:04:02 AM
    Rec(datetime(2025, 1, 1, 12, 3, 0), "林晓雨", "中午吃啥"),  # 12:03:00 PM
    Rec(datetime(2025, 1, 1, 13, 0, 59), "陈一鸣", "<sticker>", "media"),
    Rec(datetime(2025, 1, 3, 9, 30, 0), "林晓雨", "oops", "deleted"),
]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_rendered_chat_reads_back_in_every_layout(layout: str) -> None:
    (chat,) = parse_text(render_qq(RECORDS, title="陈一鸣", layout=layout))
    assert (chat.title, chat.chat_id, chat.group) == ("陈一鸣", "陈一鸣", None if layout == "friend" else True)
    assert [(m.ts, m.author, m.kind.value) for m in chat.messages] == [(r.ts, r.author, r.kind) for r in RECORDS]
    assert [m.text for m in chat.messages if m.kind is TEXT] == [r.text for r in RECORDS if r.kind == "text"]
    assert [m.text for m in chat.messages if m.kind is MEDIA] == ["[图片]", "[表情]"]
    assert chat.system_events == []


def test_the_me_option_takes_the_rendered_qq_number() -> None:
    (chat,) = parse_text(render_qq(RECORDS, title="陈一鸣"), me=qq_number("林晓雨"))
    assert chat.me == "林晓雨"


_WORDS = st.text(alphabet="林雨晓 abcxyz?!,:\n😊", min_size=1, max_size=30).filter(
    lambda t: t.strip() and t.split("\n")[-1].strip())
_NAMES = st.text(alphabet="林陈雨一鸣abcXYZ -_", min_size=1, max_size=12).filter(lambda n: n == n.strip())


@settings(max_examples=100, deadline=None)
@given(layout=st.sampled_from(LAYOUTS), start=st.datetimes(datetime(2000, 1, 1), datetime(2030, 1, 1)),
       steps=st.lists(st.tuples(st.integers(0, 100_000), _NAMES, _WORDS), min_size=1, max_size=8),
       line_end=st.sampled_from(["\r\n", "\n"]))
def test_any_rendered_words_and_names_read_back(
        layout: str, start: datetime, steps: list[tuple[int, str, str]], line_end: str) -> None:
    ts, records = start.replace(microsecond=0), []
    for seconds, author, words in steps:
        ts += timedelta(seconds=seconds)
        records.append(Rec(ts, author, words))
    (chat,) = parse_text(render_qq(records, title="Theo", layout=layout, line_end=line_end))
    assert [(m.ts, m.author, m.text) for m in chat.messages] == [(r.ts, r.author, r.text) for r in records]


# Lines of every kind, good and broken, for the property below.
LINES = [
    "", "=" * 64, "消息分组:我的好友", "消息对象:小满", "2024-01-02 9:00:00 小满", "2024-01-02 9:00:00 小满(123)",
    "2024-01-02 9:00:00 系统消息(10000)", "小满撤回了一条消息", "你撤回了一条消息", "[图片]", "2024-02-30 9:00:00 a",
    "2024-01-02 9:00:00 PM b<x@y.z>", "2024-01-02 上午 19:00:00 c", "(80000000)", "2024-01-02 9:00:00 (80000000)",
]


@settings(max_examples=150, deadline=None)
@given(body=st.lists(st.one_of(st.sampled_from(LINES), st.text(max_size=30)), max_size=20),
       me=st.sampled_from([None, "小满", "123"]))
def test_any_lines_after_a_header_either_parse_or_raise_a_format_error(body: list[str], me: str | None) -> None:
    with contextlib.suppress(ImportFormatError):
        for chat in parse_text(HEADER + "\n".join(body), me=me):
            assert [m.index for m in chat.messages] == list(range(len(chat.messages)))
            assert all(m.author for m in chat.messages)
            assert [m.ts for m in chat.messages] == sorted(m.ts for m in chat.messages)
