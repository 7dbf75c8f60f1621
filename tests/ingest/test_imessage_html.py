"""imessage-exporter's HTML export reads as its text export does: messages, tapbacks, threads, edits, notices."""

from __future__ import annotations

import contextlib
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.ingest._records import parse_written

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.imessage_html import IMessageHtmlImporter
from turntoward.model import Conversation, MessageKind, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures" / "imessage_html"
SAM = FIXTURES / "Sam Rivera.html"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED


def read(path: Path, **options: str) -> Conversation:
    (conversation,) = [c for _, convs in read_paths([path], ImportOptions(**options)) for c in convs]
    return conversation


def parse_text(text: str, name: str = "Sam.html") -> Conversation:
    def parse(path: Path) -> Conversation:
        (conversation,) = IMessageHtmlImporter().parse(Source(str(path), path=path), ImportOptions())
        return conversation

    return parse_written(text, name, parse)


def test_a_conversation_reads_its_messages_tapbacks_threads_edits_and_notices() -> None:
    chat = read(SAM)
    assert (chat.title, chat.source_format, chat.me) == ("Sam Rivera", "imessage_html", "Me")
    assert [(m.ts, m.author, m.kind, m.text) for m in chat.messages] == [
        (datetime(2022, 5, 17, 17, 29, 42), "Sam Rivera", TEXT, "I got the job!!! they just called"),
        # the copy printed inside the thread is skipped; the reply in its own place answers the first
        (datetime(2022, 5, 17, 17, 31, 5), "Me", TEXT, "SAM!!! I knew it. so proud of you"),
        (datetime(2022, 5, 17, 17, 40, 10), "Sam Rivera", MEDIA, "celebratory tacos 🌮"),
        (datetime(2022, 5, 17, 17, 42), "Me", TEXT, "dinner on me this weekend? you pick the place"),  # edited
        (datetime(2022, 5, 17, 17, 43), "Me", DELETED, ""),  # its only part unsent
        (datetime(2022, 5, 18, 9, 2, 11), "Sam Rivera", DELETED, ""),  # unsent whole: an announcement
        (datetime(2022, 5, 18, 9, 5, 30), "Sam Rivera", TEXT, "https://example.org/tacos-el-rey"),  # a link preview
    ]
    assert chat.messages[0].reactions == (Reaction("Me", "❤️"),)
    assert chat.messages[1].reply_to == 0
    assert [m.edited for m in chat.messages] == [False, False, False, True, False, False, False]
    assert [(e.author, e.text) for e in chat.system_events] == [
        ("Sam Rivera", "SharePlay"), ("Me", "named the conversation “Taco crew”"),
    ]


def test_the_user_is_named_from_the_read_receipts_or_by_the_option(tmp_path: Path) -> None:
    page = SAM.read_text(encoding="utf-8")
    page = page.replace('<span class="sender">Me</span>', '<span class="sender">Robin</span>')
    (tmp_path / "Sam Rivera.html").write_text(page, encoding="utf-8")
    chat = read(tmp_path / "Sam Rivera.html")  # "Read by them" is on Robin's message
    assert chat.me == "Robin"
    assert read(SAM, me="Robin").messages[1].author == "Robin"


def test_detection_claims_the_html_export_and_leaves_other_pages_alone() -> None:
    found = detect(Source(str(SAM), path=SAM))
    assert found is not None and found.name == "imessage_html"
    discord = Path(__file__).parent.parent / "fixtures" / "discord_html"
    for page in discord.glob("*.html"):
        assert IMessageHtmlImporter().sniff(Source(str(page), path=page), page.read_bytes()[:65536]) == 0.0


def test_a_bad_time_names_its_line() -> None:
    page = SAM.read_text(encoding="utf-8").replace("May 17, 2022  5:40:10 PM", "May 32, 2022  5:40:10 PM")
    with pytest.raises(ImportFormatError) as caught:
        parse_text(page)
    assert caught.value.found == "May 32, 2022 5:40:10 PM"
    assert page.splitlines()[caught.value.line - 1] == '<div class="message">'


def test_a_page_without_messages_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="no messages"):
        parse_text('<html><body><span class="timestamp"></span></body></html>')


@settings(max_examples=100, deadline=None)
@given(pieces=st.lists(st.sampled_from([
    '<div class="message">', '<div class="received">', '<div class="sent iMessage">', "</div>", "<p>", "</p>",
    '<span class="timestamp">', "May 17, 2022  5:29:42 PM", '<span class="sender">', "Sam", "</span>",
    '<div class="message_part">', '<span class="bubble">', "hi", '<div class="replies">',
    '<div class="reply" id="A">', '<span class="tapback">', "<b>Loved</b> by Me", '<div class ="announcement">',
    " unsent a message.", '<div class="edited">', "<tr>", "<td>", "</td>", "</tr>", "<br>",
]), max_size=50))
def test_any_markup_either_parses_or_raises_a_format_error(pieces: list[str]) -> None:
    with contextlib.suppress(ImportFormatError):
        chat = parse_text("<html><body>" + "".join(pieces))
        assert [m.index for m in chat.messages] == list(range(len(chat.messages)))


def test_the_2023_wording_of_a_deleted_message_and_replies_nested_in_replies() -> None:
    page = SAM.read_text(encoding="utf-8").replace(
        "</body></html>",
        '<div class ="announcement"><p><span class="timestamp">May 20, 2022  8:00:00 AM</span> You deleted a message.'
        '</p></div>\n<div class ="announcement"><p><span class="timestamp">May 20, 2022  8:01:00 AM</span> They deleted'
        ' a message.</p></div>\n</body></html>')
    page = page.replace('<span class="bubble">SAM!!! I knew it. so proud of you</span>\n</div>\n</div>\n</div>',
                        '<span class="bubble">SAM!!! I knew it. so proud of you</span>\n</div>\n<div class="replies">'
                        '<div class="reply" id="X"><div class="message"><div class="received"><p><span '
                        'class="timestamp">May 17, 2022  5:31:50 PM</span><span class="sender">Sam Rivera</span></p>'
                        '</div></div></div></div>\n</div>\n</div>', 1)
    chat = parse_text(page, name="Sam Rivera.html")
    assert [m.author for m in chat.messages[:2]] == ["Sam Rivera", "Me"]  # no copy leaks out of the thread
    assert (chat.messages[-1].author, chat.messages[-1].kind) == ("Me", DELETED)
    assert chat.system_events[-1].text == "They deleted a message."
