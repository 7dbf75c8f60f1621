"""The KakaoTalk importer reads the Android, iOS and PC apps' chat exports, in Korean and English."""

from __future__ import annotations

import codecs
import contextlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.kakaotalk import IOS_TITLE, LAYOUTS, render_kakaotalk
from tests.ingest._records import Rec, parse_written

import turntoward.ingest.kakaotalk  # noqa: F401  (registers the importer until the registry lists it)
from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.kakaotalk import KakaoTalkImporter
from turntoward.model import Conversation, MessageKind

FIXTURES = Path(__file__).parent.parent / "fixtures"
KAKAO = FIXTURES / "kakaotalk"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED
PC_HEADER = "주말 등산 모임 님과 카카오톡 대화\n저장한 날짜 : 2024-03-14 22:10:05\n\n"
IOS_HEADER = "Talk_2024.3.14 22:10-1.txt\n저장한 날짜 : 2024. 3. 14. 오후 10:10\n"
ANDROID_HEADER = "김민지 님과 카카오톡 대화\n저장한 날짜 : 2024년 3월 14일 오후 10:12\n\n\n"


def read(name: str, options: ImportOptions | None = None) -> Conversation:
    (conversation,) = [c for _, convs in read_paths([KAKAO / name], options or ImportOptions()) for c in convs]
    assert conversation.source_format == "kakaotalk"
    return conversation


def parse_text(text: str | bytes, name: str = "KakaoTalkChats.txt", me: str | None = None) -> Conversation:
    def parse(path: Path) -> Conversation:
        (conversation,) = KakaoTalkImporter().parse(Source(str(path), path=path), ImportOptions(me=me))
        return conversation

    return parse_written(text, name, parse)


def day(month: int, date: int, hour: int, minute: int, year: int = 2024) -> datetime:
    return datetime(year, month, date, hour, minute)


def test_a_pc_export_reads_days_clocks_notices_calls_and_lines_of_a_message() -> None:
    chat = read("KakaoTalk_20240314_2210_05_417_group.txt")  # CRLF, no byte-order mark
    assert (chat.title, chat.group, chat.me) == ("주말 등산 모임", None, None)
    assert [(m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (day(3, 12, 0, 4), "박서준", TEXT, "다들 안 자요?"),  # 오전 12:04 is four minutes past midnight
        (day(3, 12, 0, 6), "김하은", TEXT, "이제 자려고요\n토요일 몇 시에 모여요?"),
        (day(3, 12, 7, 30), "박서준", MEDIA, "사진 2장"),
        (day(3, 12, 7, 31), "지우", MEDIA, "이모티콘"),
        (day(3, 12, 12, 3), "박서준", TEXT, "점심 먹고 출발해요\n 북한산 입구 1시 어때요?"),  # 오후 12:03 is past noon
        (day(3, 12, 12, 5), "김하은", DELETED, "삭제된 메시지입니다."),
        (day(3, 13, 9, 15), "김하은", TEXT, "다시 왔어요 ㅎㅎ"),
        (day(3, 13, 9, 16), "박서준", MEDIA, "파일: 등산코스.pdf"),
    ]
    # notices have no time of their own: the message's above on that day, else the day's midnight
    assert [(e.ts, e.author, e.text) for e in chat.system_events] == [
        (day(3, 12, 0, 0), None, "지우님이 들어왔습니다.운영정책을 위반한 메시지로 신고 접수 시 "
                                 "카카오톡 이용에 제한이 있을 수 있습니다.\n불법촬영물등 식별 및 게재제한 조치 안내"),
        (day(3, 12, 21, 2), "지우", "보이스톡 해요"),
        (day(3, 12, 21, 3), "지우", "보이스톡 0:17"),
        (day(3, 12, 21, 3), None, "김하은님이 나갔습니다."),
        (day(3, 13, 0, 0), None, "박서준님이 김하은님을 초대하였습니다."),
    ]
    assert [m.index for m in chat.messages] == list(range(8))


def test_an_android_export_reads_its_day_lines_blank_lines_and_colons_in_words() -> None:
    chat = read("KakaoTalkChats.txt")  # a byte-order mark, LF
    assert (chat.title, chat.group, chat.me) == ("김민지", None, None)
    assert [(m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (day(3, 12, 21, 4), "김민지", TEXT, "오늘 면접 어땠어?"),
        # its blank last line dropped
        (day(3, 12, 21, 5), "이도윤", TEXT, "생각보다 괜찮았어\n근데 마지막 질문에서 좀 버벅였어"),
        (day(3, 12, 21, 6), "김민지", TEXT, "수고했어 진짜"),
        (day(3, 12, 23, 58), "이도윤", MEDIA, "사진 3장"),
        (day(3, 13, 0, 1), "김민지", MEDIA, "이모티콘"),
        (day(3, 13, 0, 2), "김민지", DELETED, "삭제된 메시지입니다."),
        (day(3, 13, 12, 30), "이도윤", TEXT, "15,000원을 보냈어요.\n\n송금 받기 전까지 보낸 분은 "
                                                "내역 상세 화면에서 취소할 수 있어요."),
        (day(3, 13, 12, 31), "김민지", TEXT, "15,000원 받기 완료!"),
        (day(3, 13, 13, 10), "김민지", TEXT, "점심 고마워 : ) "),  # the name ends at the first " : "
    ]
    assert chat.system_events == []


def test_an_older_android_group_names_the_user_회원님_or_the_me_option() -> None:
    chat = read("KakaoTalkChats(1).txt")
    assert (chat.title, chat.group, chat.me) == ("동아리 회장단", True, "회원님")  # "(4명)": a group of four
    assert [(m.ts, m.author, m.kind) for m in chat.messages] == [
        (day(11, 30, 23, 59, 2013), "정우성", TEXT),
        (day(11, 30, 23, 59, 2013), "회원님", MEDIA),  # (이모티콘)
        (day(12, 1, 0, 0, 2013), "한지민", MEDIA),  # <사진 읽지 않음>
        (day(12, 1, 0, 10, 2013), "회원님", TEXT),
        (day(12, 1, 0, 11, 2013), "(알수없음)", TEXT),  # someone who left, as the export writes them
    ]
    assert [(e.ts, e.author, e.text) for e in chat.system_events] == [
        (day(11, 30, 23, 58, 2013), None, "정우성님이 회원님과 한지민님을 초대했습니다."),
        (day(12, 1, 12, 0, 2013), None, "한지민님이 퇴장했습니다."),
    ]
    named = read("KakaoTalkChats(1).txt", ImportOptions(me="나"))
    assert named.me == "나" and named.people == ["정우성", "나", "한지민", "(알수없음)"]


def test_android_exports_in_english_of_three_generations() -> None:
    chat = read("KakaoTalkChats(2).txt")  # "March 9, 2024, 11:47 AM, …"
    assert (chat.title, chat.me) == ("Hyejin", "you")
    assert [(m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (day(3, 9, 11, 47), "Hyejin", TEXT, "are we still on for the movie?"),
        (day(3, 9, 11, 52), "you", TEXT, "yes!! 7pm at the usual place"),
        (day(3, 9, 11, 52), "you", MEDIA, ""),  # an emoticon the English export leaves without words
        (day(3, 9, 12, 20), "Hyejin", MEDIA, "<Photo Unread>"),
        (day(3, 9, 12, 21), "Hyejin", MEDIA, "Emoticons"),
        (day(3, 9, 12, 40), "you", DELETED, "This message was deleted."),
        (day(3, 10, 0, 5), "Hyejin", TEXT, "home safe\nthanks for tonight"),  # 12:05 AM
    ]
    old = read("KakaoTalkChats(3).txt")  # "11:36AM, March 8, 2013, …"
    assert (old.title, old.group) == ("Study group", True)
    assert [(m.ts, m.author, m.kind) for m in old.messages] == [
        (day(3, 8, 11, 40, 2013), "Jae", TEXT), (day(3, 8, 12, 12, 2013), "Minho", MEDIA),
    ]
    assert [e.text for e in old.system_events] == ["Minho invited Jae.", "(Unknown) left this chatroom."]
    new = read("KakaoTalkChats(4).txt")  # "March 12, 2024 at 7:02\u202fAM, …"
    assert (new.title, new.group) == ("Seoul runners", True)
    assert [(m.ts, m.author, m.kind, m.text[:8]) for m in new.messages] == [
        (day(3, 12, 7, 2), "Dana", TEXT, "hi all, "),
        (day(3, 12, 7, 5), "Tae-yang", TEXT, "6:30 at "),
        (day(3, 12, 12, 0), "Dana", MEDIA, "3f9a41c0"),  # a photo's file name, in an export with media
    ]
    (joined,) = new.system_events
    assert joined.ts == day(3, 12, 6, 58)
    assert joined.text.startswith("Dana joined this chatroom.\nYou may temporarily be banned")


def test_an_android_open_chat_keeps_its_warnings_with_the_join_notice() -> None:
    chat = read("KakaoTalkChats(5).txt")  # no byte-order mark: as a text editor saves it again
    assert (chat.title, chat.group) == ("한강 러닝 크루", None)
    assert [(m.ts, m.author, m.kind) for m in chat.messages] == [
        (day(5, 16, 15, 15, 2025), "오픈채팅봇", TEXT),
        (day(5, 16, 15, 24, 2025), "새벽러너/마포", TEXT),
        (day(5, 16, 15, 30, 2025), "방장/여의도", MEDIA),
        (day(5, 16, 15, 31, 2025), "방장/여의도", TEXT),
    ]
    assert chat.messages[0].text == "입장하신 분은 공지 먼저 읽어주세요\n✅ 닉네임은 이름/지역으로 바꿔주세요"
    joined, removed, kicked = chat.system_events
    assert joined.ts == day(5, 16, 15, 14, 2025) and joined.text.splitlines() == [
        "새벽러너님이 들어왔습니다.",
        "타인, 기관 등의 사칭에 유의해 주세요. 금전 또는 개인정보를 요구 받을 경우 신고해 주시기 바랍니다.",
        "운영정책을 위반한 메시지로 신고 접수 시 카카오톡 이용에 제한이 있을 수 있습니다. 운영정책 보기",
    ]
    assert (removed.ts, removed.text) == (day(5, 16, 15, 24, 2025), "메시지가 삭제되었습니다.")  # a bare line
    assert (kicked.ts, kicked.text) == (day(5, 16, 20, 9, 2025), "홍보계정님을 내보냈습니다.")


def test_ios_exports_in_korean_and_english() -> None:
    chat = read("Talk_2024.3.14 22-10-1.txt")
    assert (chat.title, chat.group) == ("Talk_2024.3.14 22:10-1", None)  # the phone writes no chat name
    assert [(m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (day(3, 12, 21, 4), "서연", TEXT, "여기 단톡방 만들었어"),
        (day(3, 12, 21, 10), "준호", TEXT, "오 좋다\nDay 1 : 경복궁\nDay 2 : 북촌"),
        (day(3, 12, 23, 59), "서연", MEDIA, "동영상"),
        (day(3, 13, 0, 0), "준호", TEXT, "벌써 자정이네"),
        (day(3, 13, 12, 0), "서연", MEDIA, "이모티콘 "),  # words kept as written
    ]
    assert [(e.ts, e.text) for e in chat.system_events] == [
        (day(3, 12, 21, 4), "서연님이 준호님을 초대했습니다."), (day(3, 13, 12, 30), "준호님이 나갔습니다."),
    ]
    english = read("Talk_2024.3.15 08-30-1.txt")
    assert [(m.ts, m.author, m.kind) for m in english.messages] == [
        (day(3, 14, 19, 12), "Amir", TEXT), (day(3, 14, 19, 15), "Lena", MEDIA),
        (day(3, 14, 23, 59), "Amir", TEXT), (day(3, 15, 0, 1), "Lena", TEXT),
    ]
    assert [e.text for e in english.system_events] == ["Amir invited Lena.", "Lena left this chatroom."]


def test_an_older_ios_export_with_a_24_hour_clock_and_a_second_export_pasted_after_it() -> None:
    chat = read("소연님과 카카오톡 대화.txt")
    assert (chat.title, chat.me) == ("소연", "회원님")
    assert [(m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (day(1, 16, 15, 13, 2015), "회원님", TEXT, "내일 몇 시에 볼까요?"),
        (day(1, 16, 16, 31, 2015), "소연", TEXT, "네. 세 시 어때요?"),  # "소연  : …": the name's space dropped
        (day(1, 16, 23, 58, 2015), "회원님", TEXT, "좋아요 ㅎㅎ"),
        (day(1, 17, 0, 15, 2015), "소연", MEDIA, "사진"),
        (day(1, 22, 17, 34, 2015), "회원님", TEXT, "잘 들어갔어요?"),  # the second export's header is skipped
    ]


def test_a_pc_export_in_english() -> None:
    chat = read("KakaoTalk_20240314_2215_11_902_group.txt")
    assert chat.title == "Book club"
    assert [(m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (day(3, 12, 21, 4), "Noah", TEXT, "chapter 3 by friday?"),
        (day(3, 12, 21, 6), "Priya", MEDIA, "Photo"),
        (day(3, 12, 21, 6), "Priya", TEXT, "can we push it to sunday"),
        (day(3, 13, 0, 30), "Noah", DELETED, "This message was deleted."),
        (day(3, 13, 12, 20), "Priya", MEDIA, "Emoticons"),
    ]
    assert [(e.ts, e.author, e.text) for e in chat.system_events] == [
        (day(3, 12, 0, 0), None, "Noah invited Priya."),
        (day(3, 13, 12, 2), "Priya", "Voice Call 12:03"),
        (day(3, 13, 12, 20), None, "Priya left."),
    ]


def test_detection_claims_every_kakaotalk_export_and_nothing_else() -> None:
    for path in sorted(KAKAO.iterdir()):
        found = detect(Source(str(path), path=path))
        assert found is not None and found.name == "kakaotalk", path.name
    importer = KakaoTalkImporter()
    others = [p for p in FIXTURES.rglob("*") if p.is_file() and KAKAO not in p.parents]
    assert len(others) > 50
    for path in others:
        source = Source(str(path), path=path)
        assert importer.sniff(source, source.head()) == 0.0, path


def test_a_file_cut_before_its_first_day_is_claimed_only_under_kakaotalks_file_names() -> None:
    body = "2024년 3월 12일 화요일\n2024. 3. 12. 오후 9:04, 서연 : 안녕\n".encode()
    for name, score in (("Talk_2024.3.14 22-10-1.txt", 0.8), ("notes.txt", 0.0)):
        source = Source(name)
        assert KakaoTalkImporter().sniff(source, body) == score
    chat = parse_text(body, "Talk_2024.3.14 22-10-1.txt")
    assert chat.title == "Talk_2024.3.14 22-10-1" and [m.text for m in chat.messages] == ["안녕"]
    # a title without its "saved on" line is enough when days follow it; a title alone is not
    assert KakaoTalkImporter().sniff(Source("a.txt"), "서연 님과 카카오톡 대화\n\n".encode() + body) == 0.9
    assert KakaoTalkImporter().sniff(Source("a.txt"), "서연 님과 카카오톡 대화\n오늘 본 영화 이야기\n".encode()) == 0.0


def test_a_whatsapp_export_is_refused_at_its_first_line() -> None:
    path = FIXTURES / "whatsapp" / "WhatsApp Chat with Min-jun (ko).txt"
    with pytest.raises(ImportFormatError) as caught:
        list(KakaoTalkImporter().parse(Source(str(path), path=path), ImportOptions()))
    assert caught.value.line == 1 and "KakaoTalk" in caught.value.expected


def test_utf16_with_a_byte_order_mark_reads_like_utf8() -> None:
    text = ANDROID_HEADER + "2024년 3월 12일 오후 9:04\n2024년 3월 12일 오후 9:04, 김민지 : 안녕\n"
    data = codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    source = Source("KakaoTalkChats.txt")
    assert KakaoTalkImporter().sniff(source, data) == 0.95
    chat = parse_text(data)
    assert [(m.ts, m.author, m.text) for m in chat.messages] == [(day(3, 12, 21, 4), "김민지", "안녕")]


@pytest.mark.parametrize(("text", "line", "expected"), [
    (ANDROID_HEADER + "hello there\n", 5, "KakaoTalk chat export"),
    (ANDROID_HEADER + "2024년 2월 30일 오후 9:04, 김민지 : 안녕\n", 5, "a real date"),
    (ANDROID_HEADER + "2024년 3월 12일 오후 13:04, 김민지 : 안녕\n", 5, "a clock time"),
    (PC_HEADER + "[지우] [오후 9:04] 안녕\n", 4, "a day line"),
    (PC_HEADER + "--------------- 2024년 3월 12일 화요일 ---------------\n[지우] [9:61 PM] 안녕\n", 5, "a clock time"),
    (PC_HEADER + "--------------- 어느 날 ---------------\n", 4, "a day line"),
])
def test_broken_files_are_format_errors_naming_the_file_line_and_what_was_expected(
        text: str, line: int, expected: str) -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_text(text)
    assert caught.value.line == line and expected in caught.value.expected
    assert f"KakaoTalkChats.txt:{line}: expected" in str(caught.value)


def test_bytes_that_are_not_utf8_name_their_line() -> None:
    with pytest.raises(ImportFormatError) as caught:
        parse_text(ANDROID_HEADER.encode() + b"2024\xb3\xe2 3\xbf\xf9 12\xc0\xcf\n")  # EUC-KR
    assert caught.value.line == 5 and "UTF-8" in (caught.value.found or "")


RECORDS = [
    Rec(datetime(2024, 12, 31, 23, 58), "Nadia", "did you land ok?"),
    Rec(datetime(2024, 12, 31, 23, 59), "Theo", "just now!! the pilot said : welcome home\n\nmiss you"),
    Rec(datetime(2025, 1, 1, 0, 4), "Theo", "<photo>", "media"),  # 오전 12:04 / 12:04 AM
    Rec(datetime(2025, 1, 1, 12, 3), "Nadia", "lunch at noon?"),  # 오후 12:03 / 12:03 PM
    Rec(datetime(2025, 1, 1, 13, 0), "Theo", "<sticker>", "media"),
    Rec(datetime(2025, 1, 3, 9, 30), "Nadia", "oops", "deleted"),
]


@pytest.mark.parametrize("layout", LAYOUTS)
def test_a_rendered_chat_reads_back_in_every_layout(layout: str) -> None:
    chat = parse_text(render_kakaotalk(RECORDS, title="Theo", layout=layout))
    assert chat.title == (IOS_TITLE if layout.startswith("ios") else "Theo")
    assert [(m.ts, m.author, m.kind.value) for m in chat.messages] == [(r.ts, r.author, r.kind) for r in RECORDS]
    assert [m.text for m in chat.messages if m.kind is TEXT] == [r.text for r in RECORDS if r.kind == "text"]
    assert chat.system_events == []


_WORDS = st.text(alphabet="가나다라 abcxyz?!,:\n", min_size=1, max_size=30).filter(
    lambda t: t.strip() and t.split("\n")[0].strip() and t.split("\n")[-1].strip())
_NAMES = st.text(alphabet="가나다라abcXYZ -", min_size=1, max_size=12).filter(
    lambda n: n == n.strip() and n not in ("회원님", "you"))


@settings(max_examples=100, deadline=None)
@given(layout=st.sampled_from(LAYOUTS), start=st.datetimes(datetime(2000, 1, 1), datetime(2030, 1, 1)),
       steps=st.lists(st.tuples(st.integers(0, 3000), _NAMES, _WORDS), min_size=1, max_size=8))
def test_any_rendered_words_and_names_read_back(
        layout: str, start: datetime, steps: list[tuple[int, str, str]]) -> None:
    ts, records = start.replace(second=0, microsecond=0), []
    for minutes, author, words in steps:
        ts += timedelta(minutes=minutes)
        records.append(Rec(ts, author, words))
    chat = parse_text(render_kakaotalk(records, title="Theo", layout=layout))
    assert [(m.ts, m.author, m.text) for m in chat.messages] == [(r.ts, r.author, r.text) for r in records]


# Lines of every layout, good and broken, for the property below.
LINES = [
    "", "2024년 3월 12일 오후 9:04", "2024년 3월 12일 오후 9:04, 김민지 : 안녕", "2024년 2월 30일 오전 1:00",
    "--------------- 2024년 3월 12일 화요일 ---------------", "[지우] [오후 12:03] 사진", "지우님이 나갔습니다.",
    "2024. 3. 12. 오후 9:05: 서연님이 나갔습니다.", "2024년 3월 12일 화요일", "March 9, 2024, 11:47 AM, you : hi",
    "메시지가 삭제되었습니다.", "운영정책을 위반한 메시지로 신고 접수 시 카카오톡 이용에 제한이 있을 수 있습니다.",
    "[지우] [25:00] x", "9:46AM, February 30, 2014, a : b", "Dec 31, 2014 at 19:12: a invited b.",
]


@settings(max_examples=150, deadline=None)
@given(header=st.sampled_from([ANDROID_HEADER, PC_HEADER, IOS_HEADER]), body=st.lists(st.one_of(
    st.sampled_from(LINES), st.text(max_size=30)), max_size=20))
def test_any_lines_after_a_header_either_parse_or_raise_a_format_error(header: str, body: list[str]) -> None:
    with contextlib.suppress(ImportFormatError):
        chat = parse_text(header + "\n".join(body))
        assert [m.index for m in chat.messages] == list(range(len(chat.messages)))
        assert all(m.author for m in chat.messages)


def test_exports_pasted_together_read_each_message_once_in_time_order() -> None:
    first = ("2024. 3. 12. 오후 9:04, 지우 : 안녕\n2024. 3. 12. 오후 9:04, 지우 : 안녕\n"  # the same words twice: two
             "2024. 3. 12. 오후 9:05, 민수 : 응\n")
    second = "2024. 3. 12. 오후 9:05, 민수 : 응\n2024. 3. 12. 오후 9:06, 지우 : 내일 봐\n"
    chat = parse_text(IOS_HEADER + first + "\n" + IOS_HEADER + second, name="Talk_2024.3.14 22-10-1.txt")
    assert [(m.index, m.ts.minute, m.author, m.text) for m in chat.messages] == [
        (0, 4, "지우", "안녕"), (1, 4, "지우", "안녕"), (2, 5, "민수", "응"), (3, 6, "지우", "내일 봐"),
    ]


def test_an_android_line_shaped_like_a_day_is_someones_words() -> None:
    text = ANDROID_HEADER + "2024년 3월 12일 오후 9:04, 지우 : 다음 모임\n\n2024년 3월 20일 수요일\n어때?\n"
    assert parse_text(text).messages[0].text == "다음 모임\n\n2024년 3월 20일 수요일\n어때?"


def test_a_header_with_nothing_after_it_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="no messages"):
        parse_text(PC_HEADER)
