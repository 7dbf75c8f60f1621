"""WeChat chats as WeChatMsg / MemoTrace (留痕) and chatlog export them: the newer and the earlier CSV,
the text export, chatlog's CSV and JSON.

The chats are our own, laid out as those tools' exporters write them (their sources; no real export
was found to test on).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.ingest._json_fuzz import damaged

from turntoward.errors import ImportFormatError
from turntoward.ingest import Source, detect, read_paths
from turntoward.model import Conversation, MessageKind


def imported(path: Path, **options: str) -> list[Conversation]:
    from turntoward.ingest import ImportOptions

    return [c for _, convs in read_paths([path], ImportOptions(**options)) for c in convs]


def rows(conversation: Conversation) -> list[tuple[str, str, str, str]]:
    return [(m.ts.strftime("%H:%M:%S"), m.author, m.text, m.kind.value) for m in conversation.messages]


NEW_CSV = (
    "\ufeff消息ID,类型,发送人,时间,内容,备注,昵称,更多信息\n"
    "7301,文本,小红,2024-02-01 21:04:12,下班了吗,小红,红红,more\n"
    "7302,文本,阿明,2024-02-01 21:09:40,刚到家，累死了,阿明,阿明,more\n"
    "7303,图片,小红,2024-02-01 21:10:03,【图片】,小红,红红,more\n"
    '7304,引用消息,阿明,2024-02-01 21:12:55,"好看！在哪拍的？\n引用：小红: 【图片】",阿明,阿明,more\n'
    "7305,系统消息,,2024-02-01 21:13:20,你撤回了一条消息,,,more\n"
    '7306,拍一拍,,2024-02-01 21:13:31,"""小红"" 拍了拍我",,,more\n'
)


def test_the_newer_csv_is_one_chat_the_user_the_one_who_is_not_its_title(tmp_path):
    folder = tmp_path / "聊天记录" / "小红(wxid_red)"
    folder.mkdir(parents=True)
    (folder / "小红.csv").write_text(NEW_CSV, encoding="utf-8")
    [chat] = imported(tmp_path / "聊天记录")
    assert (chat.title, chat.chat_id, chat.me, chat.source_format) == ("小红", "wxid_red", "阿明", "wechat")
    assert rows(chat) == [
        ("21:04:12", "小红", "下班了吗", "text"),
        ("21:09:40", "阿明", "刚到家，累死了", "text"),
        ("21:10:03", "小红", "【图片】", "media"),
        ("21:12:55", "阿明", "好看！在哪拍的？", "text"),  # the quote the exporter appends left out
        ("21:13:20", "阿明", "", "deleted"),  # "you recalled a message": the user's
    ]
    assert [e.text for e in chat.system_events] == ['"小红" 拍了拍我']


OLD_CSV = (
    "\ufefflocalId,TalkerId,Type,SubType,IsSender,CreateTime,Status,StrContent,StrTime,Remark,NickName,Sender\n"
    "101,217,10000,0,0,1628863878,,你已添加了小红，现在可以开始聊天了。,2021-08-13 22:11:18,小红,Hong.,wxid_red\n"
    "102,217,1,0,1,1628863886,,你好呀,2021-08-13 22:11:26,小红,Hong.,wxid_red\n"
    '103,217,47,0,0,1628863895,,"<msg><emoji fromusername=""wxid_red"" md5=""ab12"" /></msg>",'
    "2021-08-13 22:11:35,小红,Hong.,wxid_red\n"
    '104,217,49,57,1,1628863990,,"<msg><appmsg><title>哈哈这个好可爱</title><type>57</type></appmsg></msg>",'
    "2021-08-13 22:13:10,小红,Hong.,wxid_red\n"
    '105,217,49,5,0,1628864100,,"<msg><appmsg><title>周末去爬山吗？路线在这</title><type>5</type></appmsg></msg>",'
    "2021-08-13 22:15:00,小红,Hong.,wxid_red\n"
    "106,217,1,0,0,1628864160,,好呀好呀,2021-08-13 22:16:00,小红,Hong.,wxid_red\n"
    '107,217,10000,0,0,1628864170,,"""小红"" 撤回了一条消息",2021-08-13 22:16:10,小红,Hong.,wxid_red\n'
)


def test_memotraces_earlier_csv_says_who_sent_each_message(tmp_path):
    path = tmp_path / "小红(wxid_red)" / "小红.csv"
    path.parent.mkdir()
    path.write_text(OLD_CSV, encoding="utf-8")
    [chat] = imported(path, me="阿明")
    assert chat.me == "阿明"
    assert rows(chat) == [
        ("22:11:26", "阿明", "你好呀", "text"),
        ("22:11:35", "小红", "[表情]", "media"),  # a sticker: its XML is no words
        ("22:13:10", "阿明", "哈哈这个好可爱", "text"),  # a quoted reply: its words are the title
        ("22:15:00", "小红", "[链接] 周末去爬山吗？路线在这", "media"),
        ("22:16:00", "小红", "好呀好呀", "text"),
        ("22:16:10", "小红", "", "deleted"),
    ]
    assert [e.text for e in chat.system_events] == ["你已添加了小红，现在可以开始聊天了。"]
    [unnamed] = imported(path)
    assert unnamed.me == "Me" and rows(unnamed)[0][1] == "Me"


TXT = (
    "2024-02-01 21:04:12 小红\n下班了吗\n\n"
    "2024-02-01 21:09:40 阿明\n刚到家\n今天开了三个会\n\n"
    "2024-02-01 21:10:03 小红\n【图片】\n\n"
    "2024-02-01 21:12:55 阿明\n好看！\n引用：小红: 【图片】\n\n"
    "2024-02-01 21:20:00\n你撤回了一条消息\n\n"
    "2024-02-01 21:30:41 小红\n【音视频通话】\n通话时长 05:12\n\n"
    "2024-02-01 21:40:00 小红\n晚安\n"
)


def test_the_text_export_reads_a_message_a_block(tmp_path):
    path = tmp_path / "小红.txt"
    path.write_text(TXT, encoding="utf-8")
    assert detect(Source(path.name, path=path)).name == "wechat"
    [chat] = imported(path)
    assert chat.me == "阿明"
    assert rows(chat) == [
        ("21:04:12", "小红", "下班了吗", "text"),
        ("21:09:40", "阿明", "刚到家\n今天开了三个会", "text"),
        ("21:10:03", "小红", "【图片】", "media"),
        ("21:12:55", "阿明", "好看！", "text"),
        ("21:20:00", "阿明", "", "deleted"),
        ("21:40:00", "小红", "晚安", "text"),
    ]
    assert [e.text for e in chat.system_events] == ["【音视频通话】\n通话时长 05:12"]


def test_a_qq_export_stays_qqs(tmp_path):
    path = tmp_path / "周末羽毛球群.txt"
    path.write_text("2016-07-19 15:27:15 小周(271147505)\n周六几点？\n\n2016-07-19 15:27:19 阿杰(12345)\n九点\n",
                    encoding="utf-8")
    assert detect(Source(path.name, path=path)).name == "qq"


def test_chatlogs_csv_and_json_hold_several_chats(tmp_path):
    csv_path = tmp_path / "chatlog.csv"
    csv_path.write_text(
        "Time,SenderName,Sender,TalkerName,Talker,Content\n"
        "2025-03-02 09:00:05,小红,wxid_red,小红,wxid_red,早！今天面试加油\n"
        "2025-03-02 09:01:40,阿明,wxid_ming,小红,wxid_red,谢谢你 有点紧张\n"
        "2025-03-02 09:30:00,老王,wxid_wang,羽毛球群,123@chatroom,周六打球吗\n"
        "2025-03-02 09:31:00,阿明,wxid_ming,羽毛球群,123@chatroom,我去\n", encoding="utf-8")
    red, group = imported(csv_path)
    assert (red.title, red.chat_id, red.me) == ("小红", "wxid_red", "阿明")
    assert [m.author for m in red.messages] == ["小红", "阿明"]
    assert (group.title, group.chat_id) == ("羽毛球群", "123@chatroom")
    json_path = tmp_path / "messages.json"
    json_path.write_text(json.dumps([
        {"seq": 1, "time": "2025-03-02T09:00:05+08:00", "talker": "wxid_red", "talkerName": "小红",
         "isChatRoom": False, "sender": "wxid_red", "senderName": "小红", "isSelf": False, "type": 1,
         "subType": 0, "content": "早！今天面试加油"},
        {"seq": 2, "time": "2025-03-02T09:01:40+08:00", "talker": "wxid_red", "talkerName": "小红",
         "isChatRoom": False, "sender": "wxid_ming", "senderName": "阿明", "isSelf": True, "type": 3,
         "subType": 0, "content": ""},
    ], ensure_ascii=False), encoding="utf-8")
    [chat] = imported(json_path)
    assert chat.me == "阿明"
    assert [(m.ts.hour, m.author, m.text, m.kind) for m in chat.messages] == [
        (9, "小红", "早！今天面试加油", MessageKind.TEXT), (9, "阿明", "[图片]", MessageKind.MEDIA)]


def test_a_bad_time_is_an_error_naming_its_line(tmp_path):
    path = tmp_path / "小红.csv"
    path.write_text(NEW_CSV.replace("2024-02-01 21:10:03", "yesterday"), encoding="utf-8")
    with pytest.raises(ImportFormatError) as raised:
        imported(path)
    assert raised.value.line == 4 and "时间" in str(raised.value)
    txt = tmp_path / "小红.txt"
    txt.write_text("2024-02-01 21:04:12 小红\n下班了吗\n\n2024-02-31 21:09:40 阿明\n刚到家\n", encoding="utf-8")
    with pytest.raises(ImportFormatError) as raised:
        imported(txt)
    assert raised.value.line == 4


def test_a_log_of_one_message_a_line_is_not_taken_for_the_text_export(tmp_path):
    path = tmp_path / "log.txt"
    path.write_text("2024-02-01 21:04:12 Sam: are you still up?\n2024-02-01 21:05:40 Alex: yes\n", encoding="utf-8")
    assert getattr(detect(Source(path.name, path=path)), "name", None) != "wechat"


def test_a_log_of_name_and_words_on_the_time_line_is_not_taken_for_the_text_export(tmp_path):
    path = tmp_path / "chat.txt"  # another tool's log: the words follow the name, and run on
    path.write_text("2010-10-20 14:34:33 Sam Reyes: hey, are we still on for friday?\nI can bring the tent\n"
                    "2010-10-20 15:02:10 Alex Kim: yes! can't wait\n", encoding="utf-8")
    assert getattr(detect(Source(path.name, path=path)), "name", None) != "wechat"


LINE_TEXT = st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
                    max_size=80)


@settings(max_examples=150, deadline=None)
@given(LINE_TEXT, st.sampled_from(["new.csv", "old.csv", "txt", "chatlog.csv"]))
def test_any_line_either_parses_or_raises_a_format_error(line: str, shape: str) -> None:
    import tempfile

    base = {"new.csv": NEW_CSV, "old.csv": OLD_CSV, "txt": TXT,
            "chatlog.csv": "Time,SenderName,Sender,TalkerName,Talker,Content\n"
                           "2025-03-02 09:00:05,小红,wxid_red,小红,wxid_red,早\n"}[shape]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("小红.txt" if shape == "txt" else "小红.csv")
        path.write_text(base + line + "\n", encoding="utf-8")
        try:
            chats = imported(path)
        except ImportFormatError:
            return
        assert chats and all(c.messages or c.system_events for c in chats)


CHATLOG_JSON = [
    {"seq": 1, "time": "2025-03-02T09:00:05+08:00", "talker": "wxid_red", "talkerName": "小红", "isChatRoom": False,
     "sender": "wxid_red", "senderName": "小红", "isSelf": False, "type": 1, "subType": 0, "content": "早"},
    {"seq": 2, "time": "2025-03-02T09:01:40+08:00", "talker": "wxid_red", "talkerName": "小红", "isChatRoom": False,
     "sender": "wxid_ming", "senderName": "阿明", "isSelf": True, "type": 3, "subType": 0, "content": ""},
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged(CHATLOG_JSON))
def test_any_damaged_chatlog_json_either_parses_or_raises_a_format_error(document: object) -> None:
    parses_or_fails_plainly(document, "messages.json")


def parses_or_fails_plainly(document: object, name: str) -> None:
    """`document` saved as `name` reads, or raises ImportFormatError: never anything else."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
        try:
            imported(path)
        except ImportFormatError:
            return


def test_the_json_beside_wechatmsgs_html_page_is_read_and_the_page_reads_through_it(tmp_path):
    folder = tmp_path / "小红(wxid_red)"
    folder.mkdir()
    messages = [
        {"type": "1", "is_send": False, "timestamp": 1706792652, "server_id": "1", "display_name": "小红",
         "avatar_src": "", "xml_dict": {}, "text": "下班了吗"},
        {"type": "1", "is_send": True, "timestamp": 1706792980, "server_id": "2", "display_name": "阿明",
         "avatar_src": "", "xml_dict": {}, "text": "刚到家"},
        {"type": "3", "is_send": False, "timestamp": 1706793003, "server_id": "3", "display_name": "小红",
         "avatar_src": "", "xml_dict": {"msg": {"img": {}}}},
        {"type": "244813135921", "is_send": True, "timestamp": 1706793175, "server_id": "4", "display_name": "阿明",
         "avatar_src": "", "xml_dict": {}, "text": "好看！", "quote_server_id": "3", "quote_text": "小红: 【图片】"},
        {"type": "266287972401", "is_send": False, "timestamp": 1706793191, "server_id": "5", "display_name": "小红",
         "avatar_src": "", "xml_dict": {}},
    ]
    (folder / "小红.html").write_text("<!DOCTYPE html>\n<html><head><title>小红</title></head></html>\n",
                                      encoding="utf-8")
    (folder / "小红.html.json").write_text(json.dumps(messages, ensure_ascii=False, indent=4), encoding="utf-8")
    [chat] = imported(folder)
    assert (chat.title, chat.chat_id, chat.me) == ("小红", "wxid_red", "阿明")
    assert [(m.author, m.text, m.kind.value) for m in chat.messages] == [
        ("小红", "下班了吗", "text"), ("阿明", "刚到家", "text"), ("小红", "[图片]", "media"),
        ("阿明", "好看！", "text")]
    assert len(chat.system_events) == 1
    [page] = imported(folder / "小红.html")
    assert [m.text for m in page.messages] == [m.text for m in chat.messages]


HTML_JSON = [
    {"type": "1", "is_send": False, "timestamp": 1706792652, "display_name": "小红", "xml_dict": {}, "text": "在吗"},
    {"type": "3", "is_send": True, "timestamp": 1706792980, "display_name": "阿明", "xml_dict": {"msg": {}}},
]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(damaged(HTML_JSON))
def test_any_damaged_wechatmsg_json_either_parses_or_raises_a_format_error(document: object) -> None:
    parses_or_fails_plainly(document, "小红.html.json")
