"""Meta's HTML download (Messenger and Instagram) reads like its JSON one, in every layout Meta has used."""

from __future__ import annotations

import contextlib
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.exporters.messenger import render_messenger
from tests.exporters.messenger_html import render_messenger_html_files
from tests.ingest._records import Rec

from turntoward.errors import ImportFormatError, UsageError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.messenger_html import meta_time
from turntoward.model import Conversation, MessageKind, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures"
FACEBOOK = FIXTURES / "messenger_html/your_facebook_activity/messages/inbox/samirakhan_10158422716"
INSTAGRAM = FIXTURES / "instagram_html/your_instagram_activity/messages/inbox/climbingcrew_17958822031"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED


def read(path: Path) -> list[Conversation]:
    return [c for _, convs in read_paths([path], ImportOptions()) for c in convs]


def test_a_messenger_thread_over_two_pages_reads_oldest_first_with_its_media_calls_and_reactions() -> None:
    (chat,) = read(FACEBOOK / "message_1.html")
    assert (chat.title, chat.source_format) == ("Samira Khan", "messenger_html")
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (0, datetime(2022, 3, 3, 20, 2), "Samira Khan", TEXT, "are we still on for ramen tomorrow? <3"),
        (1, datetime(2022, 3, 3, 20, 10), "Leo Park", TEXT, "https://example.org/little-fern"),  # the shared link
        (2, datetime(2022, 3, 3, 20, 14), "Samira Khan", MEDIA, "<sticker>"),
        (3, datetime(2022, 3, 3, 20, 15), "Leo Park", DELETED, ""),  # unsent
        (4, datetime(2022, 3, 4, 23, 40), "Leo Park", MEDIA, "<photo>"),
        (5, datetime(2022, 3, 4, 23, 58), "Samira Khan", TEXT, "ok now I'm crying. thank you for tonight\nreally"),
    ]
    assert chat.messages[5].reactions == (Reaction("Leo Park", "❤"),)  # listed twice on the page, read once
    assert [(e.author, e.text) for e in chat.system_events] == [
        ("Samira Khan", "You called Leo."), ("Leo Park", "Reacted ❤ to your message"),
    ]


def test_the_second_page_named_alone_is_refused_and_named_beside_the_first_adds_nothing() -> None:
    with pytest.raises(UsageError, match="page 2"):
        read(FACEBOOK / "message_2.html")
    assert [len(c.messages) for c in read(FACEBOOK)] == [6]  # the folder: both pages, one thread


def test_an_instagram_group_in_the_newest_layout_names_reactors_with_their_times() -> None:
    (chat,) = read(INSTAGRAM / "message_1.html")
    assert (chat.title, chat.source_format) == ("climbing crew 🧗", "instagram_html")
    assert [(m.author, m.kind, m.text) for m in chat.messages] == [
        ("tess.r", MEDIA, "<photo>"),
        ("tess.r", TEXT, "first lead climb today!!! hands still shaking"),
        ("tess.r", MEDIA, "<unsupported message>"),  # a block with nothing in it, as the JSON has them
        ("Jonas Ekberg", TEXT, "https://www.instagram.com/reel/Dq81Xb2/"),  # a shared reel
    ]
    # the participants line is not a message; a name with a space and an emoji is told from the emoji before it
    assert chat.messages[1].reactions == (
        Reaction("mo 🌙", "🎉", datetime(2026, 4, 12, 21, 5)),
        Reaction("Jonas Ekberg", "❤", datetime(2026, 4, 12, 21, 20)),
    )
    assert [(e.author, e.text) for e in chat.system_events] == [("mo 🌙", "Liked a message")]


def test_detection_tells_messenger_from_instagram_and_leaves_other_pages_of_the_download_alone(tmp_path: Path) -> None:
    facebook, instagram = FACEBOOK / "message_1.html", INSTAGRAM / "message_1.html"
    assert detect(Source(str(facebook), path=facebook)).name == "messenger_html"  # type: ignore[union-attr]
    assert detect(Source(str(instagram), path=instagram)).name == "instagram_html"  # type: ignore[union-attr]
    followers = tmp_path / "followers_1.html"  # same markup, another page of the download
    followers.write_bytes(instagram.read_bytes())
    assert detect(Source(str(followers), path=followers)) is None


@pytest.mark.parametrize(("written", "expected"), [
    ("Jul 17, 2019, 11:10 PM", datetime(2019, 7, 17, 23, 10)),  # Facebook 2019-2022
    ("Dec 30, 2023, 9:33\u202fAM", datetime(2023, 12, 30, 9, 33)),
    ("Apr 28, 2024 12:11 pm", datetime(2024, 4, 28, 12, 11)),  # 2024 on: no comma, lower case
    ("Sep 14, 2023 7:11:24pm", datetime(2023, 9, 14, 19, 11, 24)),  # Accounts Center, seconds
    ("May 02, 2017 10:57:05am", datetime(2017, 5, 2, 10, 57, 5)),
    ("12 Mar 2020, 15:31", datetime(2020, 3, 12, 15, 31)),
    ("30 May 2023, 10:35", datetime(2023, 5, 30, 10, 35)),
    ("avr 07, 2026 10:29 am", datetime(2026, 4, 7, 10, 29)),  # French months, English clock
    ("sep 30, 2023 2:24:42am", datetime(2023, 9, 30, 2, 24, 42)),  # Spanish
    ("2021年4月30日 下午8:11", datetime(2021, 4, 30, 20, 11)),  # Chinese (Taiwan)
    ("2021年4月30日 上午12:05", datetime(2021, 4, 30, 0, 5)),
    ("23:06, 25 tháng 8, 2021", datetime(2021, 8, 25, 23, 6)),  # Vietnamese
    ("07:59 23 tháng 3, 2024", datetime(2024, 3, 23, 7, 59)),
    ("Tháng 10 13, 2023 8:35:59chiều", datetime(2023, 10, 13, 20, 35, 59)),
    ("Tháng 10 13, 2023 8:35:59sáng", datetime(2023, 10, 13, 8, 35, 59)),
])
def test_every_way_meta_writes_a_time_is_read(written: str, expected: datetime) -> None:
    assert meta_time(written) == expected


@pytest.mark.parametrize("written", ["", "yesterday", "Foo 12, 2024, 9:00 PM", "Feb 30, 2024, 9:00 PM", "12:00"])
def test_a_time_meta_never_writes_is_none(written: str) -> None:
    assert meta_time(written) is None


def test_a_message_with_a_time_in_another_shape_is_an_error_naming_its_line(tmp_path: Path) -> None:
    page = (FACEBOOK / "message_1.html").read_text(encoding="utf-8").replace("Mar 4, 2022, 10:02 PM", "tonight")
    (tmp_path / "message_1.html").write_text(page.replace("</div><div class", "</div>\n<div class"), encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        read(tmp_path / "message_1.html")
    assert caught.value.found == "tonight"
    lines = (tmp_path / "message_1.html").read_text(encoding="utf-8").splitlines()
    assert "You called Leo." in "\n".join(lines[caught.value.line - 1 : caught.value.line + 8])


@pytest.mark.parametrize("layout", ["v1", "v3", "v5"])
def test_a_rendered_thread_reads_as_its_json_export_does(tmp_path: Path, layout: str) -> None:
    start = datetime(2024, 2, 11, 22, 58, 7 if layout == "v5" else 0)
    records = [
        Rec(start, "Nadia", "did you land ok?"),
        Rec(start + timedelta(minutes=3), "Theo", "just now!! <the pilot> landed it 👏\n& more"),
        Rec(start + timedelta(minutes=4), "Theo", "<photo>", "media"),
        Rec(start + timedelta(minutes=5), "Theo", "<video>", "media"),
        Rec(start + timedelta(minutes=6), "Nadia", "oops", "deleted"),
        Rec(start + timedelta(days=2, hours=13), "Nadia", "<audio>", "media"),
        Rec(start + timedelta(days=2, hours=14), "Theo", "<file>", "media"),
        Rec(start + timedelta(days=14), "Theo", "<sticker>", "media"),
    ]
    reactions = {1: [Reaction("Nadia", "❤")], 5: [Reaction("Theo", "😂"), Reaction("Nadia", "👍🏽")]}
    pages = render_messenger_html_files(records, title="Theo", layout=layout, per_page=3, reactions=reactions)
    for name, page in pages.items():
        (tmp_path / name).write_text(page, encoding="utf-8")
    (html,) = read(tmp_path / "message_1.html")
    (tmp_path / "json").mkdir()
    (tmp_path / "json" / "message_1.json").write_text(render_messenger(records, title="Theo", reactions=reactions))
    (json,) = read(tmp_path / "json" / "message_1.json")
    assert [(m.ts, m.author, m.text, m.kind, m.reactions) for m in html.messages] == [
        (m.ts, m.author, m.text, m.kind, m.reactions) for m in json.messages
    ]


@settings(max_examples=100, deadline=None)
@given(pieces=st.lists(st.sampled_from([
    '<div class="pam _3-95 _2ph- _a6-g uiBoxWhite noborder">', '<div class="_3-95 _2pim _a6-h _a6-i">',
    '<div class="_3-95 _a6-p">', '<div class="_3-94 _a6-o">', "<div>", "</div>", "<br />", "Mar 7, 2024, 8:57 AM",
    "Sam", "hi", '<ul class="_a6-q">', "<li>", "❤", "</li>", "</ul>", "<span>", "</span>",
    '<img src="p/photos/1.jpg" />',
    '<a href="https://x.org">', "</a>", "&amp;", "&#039",
]), max_size=50))
def test_any_markup_either_parses_or_raises_a_format_error(tmp_path_factory: pytest.TempPathFactory,
                                                           pieces: list[str]) -> None:
    folder = tmp_path_factory.mktemp("page")
    (folder / "message_1.html").write_text("<html><body>" + "".join(pieces), encoding="utf-8")
    with contextlib.suppress(ImportFormatError):
        for chat in read(folder / "message_1.html"):
            assert [m.index for m in chat.messages] == list(range(len(chat.messages)))


def test_an_attachment_the_download_does_not_hold_is_media_as_in_the_json(tmp_path: Path) -> None:
    block = ('<div class="pam _3-95 _2ph- _a6-g uiBoxWhite noborder"><div class="_3-95 _2pim _a6-h _a6-i">Ana</div>'
             '<div class="_3-95 _a6-p"><div><div></div><div>{words}</div><div></div><div></div></div></div>'
             '<div class="_3-94 _a6-o">{when}</div></div>')
    page = ('<html><head><title>Ana</title></head><body><div class="_a706" role="main">'
            + block.format(words="Audio call ended", when="Dec 29, 2024 8:45 am")
            + block.format(words="You sent an attachment.", when="Dec 29, 2024 8:43 am")
            + "</div></body></html>")
    (tmp_path / "message_1.html").write_text(page, encoding="utf-8")
    (chat,) = read(tmp_path / "message_1.html")
    assert [(m.kind, m.text) for m in chat.messages] == [(MEDIA, "You sent an attachment.")]
    assert [e.text for e in chat.system_events] == ["Audio call ended"]


def test_a_facebook_download_kept_in_a_folder_named_after_instagram_is_still_messenger(tmp_path: Path) -> None:
    folder = tmp_path / "my_instagram_and_fb_backups" / "facebook-leo-2022" / "messages" / "inbox" / "samira_1"
    folder.mkdir(parents=True)
    (folder / "message_1.html").write_bytes((FACEBOOK / "message_2.html").read_bytes())
    (chat,) = read(folder / "message_1.html")
    assert chat.source_format == "messenger_html"


def test_a_page_renamed_and_named_by_the_user_is_read(tmp_path: Path) -> None:
    renamed = tmp_path / "index.html"  # as people upload a thread's page
    renamed.write_bytes((INSTAGRAM / "message_1.html").read_bytes())
    assert detect(Source(str(renamed), path=renamed, named=True)).name == "instagram_html"  # type: ignore[union-attr]
    (chat,) = read(renamed)
    (original,) = read(INSTAGRAM / "message_1.html")
    assert chat.messages == original.messages
