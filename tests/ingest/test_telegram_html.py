"""The Telegram HTML importer reads Telegram Desktop's default export: messages.html, messages2.html, ..."""

from __future__ import annotations

import contextlib
import re
import shutil
import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.ingest._records import parse_written
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError, UsageError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.telegram import TelegramImporter
from turntoward.ingest.telegram_html import TelegramHtmlImporter
from turntoward.model import Conversation, MessageKind, Reaction

FIXTURES = Path(__file__).parent.parent / "fixtures" / "telegram_html"
EXPORT = FIXTURES / "ChatExport_2024-03-16"  # two pages, Lena Okafor and Ravi Sato
FIRST_PAGE = EXPORT / "messages.html"
SECOND_PAGE = EXPORT / "messages2.html"
GROUP = FIXTURES / "group_chat" / "messages.html"  # an older export: titles without a UTC offset
SAME_CHAT_JSON = FIXTURES / "json_and_html" / "json" / "result.json"
SAME_CHAT_HTML = FIXTURES / "json_and_html" / "html" / "messages.html"  # reactions as <div>s (5.5.7 to 5.12)
REACTIONS_JSON = FIXTURES / "group_reactions" / "json" / "result.json"
REACTIONS_HTML = FIXTURES / "group_reactions" / "html" / "messages.html"  # reactions as <span>s (5.13 on)
LENA, RAVI = "Lena Okafor", "Ravi Sato"


def parse(path: Path, me: str | None = None) -> list[Conversation]:
    return list(TelegramHtmlImporter().parse(Source(str(path), path=path), ImportOptions(me=me)))


def parse_text(text: str | bytes, name: str = "messages.html") -> list[Conversation]:
    return parse_written(text, name, parse)


def line_of(text: str, fragment: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if fragment in line)


def test_the_pages_of_an_export_are_one_conversation_in_page_order() -> None:
    [chat] = parse(FIRST_PAGE, me=LENA)
    assert (chat.title, chat.source_format, chat.chat_id, chat.me) == (RAVI, "telegram_html", None, LENA)
    assert chat.source == str(FIRST_PAGE)
    assert len(chat.messages) == 24  # 13 on the first page, 11 on the second
    assert [m.index for m in chat.messages] == list(range(24))
    assert chat.people == [RAVI, LENA]
    assert [m.ts for m in chat.messages] == sorted(m.ts for m in chat.messages)
    assert chat.messages[12].text == "eggs, apples, bread (obviously), flowers for your mum"  # last of page 1
    assert chat.messages[13].text == "perfect 👌"  # first of page 2


def test_a_joined_message_takes_the_sender_of_the_message_before() -> None:
    [chat] = parse(FIRST_PAGE)
    authors = [(m.index, m.author) for m in chat.messages]
    assert authors[:4] == [(0, RAVI), (1, RAVI), (2, LENA), (3, LENA)]  # 1 and 3 have no from_name
    assert [a for _, a in authors[13:17]] == [RAVI, RAVI, LENA, LENA]
    assert [a for _, a in authors[18:21]] == [LENA, LENA, LENA]


def test_times_are_the_wall_clock_in_the_date_title_on_any_machine() -> None:
    expected = [datetime(2024, 3, 14, 8, 2, 11), datetime(2024, 3, 14, 8, 2, 40), datetime(2024, 3, 14, 8, 10, 5)]
    for zone in ("America/New_York", "Asia/Tokyo", "UTC"):
        with local_time(zone):
            [chat] = parse(FIRST_PAGE)
        assert [m.ts for m in chat.messages[:3]] == expected
        assert chat.messages[-1].ts == datetime(2024, 3, 15, 22, 21, 30)


def test_text_keeps_line_breaks_and_unescapes_entities_links_and_formatting() -> None:
    [chat] = parse(FIRST_PAGE)
    texts = [m.text for m in chat.messages]
    assert texts[2] == "yes! 🧺\nI'll make a list tonight"
    assert (
        texts[3] == 'Tom & Jess said the stall with the "good" bread is back: https://market.example/stalls?day=sat&x=1'
    )
    assert texts[7] == "so jealous, I'm stuck with spreadsheets 😩"
    assert texts[10] == "thanks for calling 💛\n\nsleep well"
    assert texts[14] == "<3"
    assert texts[18] == "😂😂😂"


def test_media_carry_their_caption_or_the_json_importers_placeholder() -> None:
    [chat] = parse(FIRST_PAGE)
    media = [(m.index, m.text) for m in chat.messages if m.kind is MessageKind.MEDIA]
    assert media == [
        (4, "lunch view 🌊"),  # a photo with a caption
        (5, "<sticker>"),
        (6, "<voice message>"),
        (15, "<file>"),
        (17, "the cat vs the basket 😹"),  # a video with a caption
        (19, "<location>"),
    ]
    poll = chat.messages[22]
    assert (poll.kind, poll.text) == (MessageKind.TEXT, "Saturday: 8am or 9am?")
    assert not any(m.edited for m in chat.messages)  # the HTML export does not mark edits


def test_replies_point_at_the_quoted_message_also_on_an_earlier_page() -> None:
    [chat] = parse(FIRST_PAGE)
    assert {m.index: m.reply_to for m in chat.messages if m.reply_to is not None} == {2: 0, 9: 8, 13: 12, 23: 22}


def test_a_forwarded_message_is_said_by_the_person_who_forwarded_it() -> None:
    [chat] = parse(FIRST_PAGE)
    forwarded = chat.messages[8]
    assert (forwarded.author, forwarded.text) == (RAVI, "Saturday special: cardamom buns, first come first served")
    assert "Corner Bakery" not in chat.people


def test_calls_and_notices_are_system_events() -> None:
    [chat] = parse(FIRST_PAGE)
    assert [(e.ts, e.text, e.author) for e in chat.system_events] == [
        (datetime(2024, 3, 14, 12, 46, 9), "Lena Okafor pinned this message", None),  # at the message before it
        (datetime(2024, 3, 14, 21, 40), "phone call (312 s)", RAVI),
        (datetime(2024, 3, 15, 22, 15), "phone call (missed)", RAVI),
    ]


def test_the_export_folder_imports_the_chat_once_and_skips_the_rest() -> None:
    found = [(src.filename, [len(c.messages) for c in convs]) for src, convs in read_paths([EXPORT])]
    assert found == [("messages.html", [24]), ("messages2.html", [])]  # css/style.css is no chat


def test_a_zipped_export_reads_its_pages_together(tmp_path: Path) -> None:
    archive = tmp_path / "ChatExport_2024-03-16.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(EXPORT.rglob("*")):
            zf.write(path, f"ChatExport_2024-03-16/{path.relative_to(EXPORT)}")
    conversations = [c for _, convs in read_paths([archive]) for c in convs]
    assert [(c.source, len(c.messages)) for c in conversations] == [
        (f"{archive}!ChatExport_2024-03-16/messages.html", 24)
    ]
    assert conversations[0].messages[13].reply_to == 12


def test_a_later_page_named_by_itself_says_to_give_the_first_page_or_the_folder(capsys) -> None:
    from tests._cli import run

    with pytest.raises(UsageError, match=r"is page 2 of a chat export: give messages\.html or the folder"):
        list(read_paths([SECOND_PAGE]))
    code, _, err = run(capsys, "analyze", str(SECOND_PAGE))  # it wrote an empty analysis before, and said nothing
    assert code == 2 and "give messages.html or the folder" in err
    # named together with the first page (a shell's messages*.html), it is read as part of it, once
    both = [(src.filename, len(convs)) for src, convs in read_paths([EXPORT / "messages.html", SECOND_PAGE])]
    assert both == [("messages.html", 1)]
    code, out, err = run(capsys, "analyze", str(SECOND_PAGE), str(EXPORT / "messages.html"))
    assert code == 0 and "Lena" in out, err


def test_a_later_page_without_the_first_is_read_by_itself(tmp_path: Path) -> None:
    shutil.copy(SECOND_PAGE, tmp_path / "messages2.html")
    [chat] = parse(tmp_path / "messages2.html")
    assert (chat.title, len(chat.messages)) == (RAVI, 11)
    assert chat.messages[0].text == "perfect 👌"
    assert chat.messages[0].reply_to is None  # it quotes a message on the missing first page
    assert parse(SECOND_PAGE) == []  # beside messages.html it adds nothing on its own


def test_an_export_that_lost_its_first_page_is_still_one_chat_in_page_order(tmp_path: Path) -> None:
    # (a real export from another project holds messages2.html to messages28.html and read as
    # 27 chats out of order)
    shutil.copy(FIRST_PAGE, tmp_path / "messages2.html")  # pages 2 and 3 of a longer export
    shutil.copy(SECOND_PAGE, tmp_path / "messages3.html")
    found = [(src.filename, len(convs)) for src, convs in read_paths([tmp_path])]
    assert found == [("messages2.html", 1), ("messages3.html", 0)]
    [chat] = parse(tmp_path / "messages2.html")
    assert len(chat.messages) == 24 and [m.ts for m in chat.messages] == sorted(m.ts for m in chat.messages)


def test_a_missing_page_that_the_last_one_links_to_is_an_error(tmp_path: Path) -> None:
    shutil.copy(FIRST_PAGE, tmp_path / "messages.html")
    with pytest.raises(ImportFormatError) as caught:
        parse(tmp_path / "messages.html")
    assert caught.value.source == str(tmp_path / "messages.html")
    assert "expected the page it links to, messages2.html, beside it" in str(caught.value)


def test_a_group_chat_page_knows_everyone_and_keeps_notices() -> None:
    [chat] = parse(GROUP)
    assert chat.title == "Allotment Crew 🌱"
    assert chat.is_group
    assert chat.people == ["Noor Haddad", "Pia Brandt", RAVI, LENA, "Deleted Account"]
    assert chat.messages[0].ts == datetime(2024, 4, 6, 10, 0)  # a title without a UTC offset
    gif = chat.messages[4]
    assert (gif.author, gif.kind, gif.text) == ("Pia Brandt", MessageKind.MEDIA, "<GIF>")  # "via @gif" dropped
    assert chat.messages[5].reply_to is None  # "In reply to a message in another chat"
    assert chat.messages[7].reply_to == 0
    assert (chat.messages[8].author, chat.messages[8].text) == (RAVI, "<contact>")
    assert [(e.ts, e.text) for e in chat.system_events] == [
        (datetime(2024, 4, 6), "Noor Haddad created group «Allotment Crew 🌱» with members Lena Okafor and Ravi Sato"),
        (datetime(2024, 4, 6), "Noor Haddad invited Pia Brandt"),
        (datetime(2024, 4, 6, 10, 10), "Ravi Sato joined group by link from Noor Haddad"),
    ]


def records(chat: Conversation) -> list[tuple[object, ...]]:
    """What both exports carry of each message: all but `edited`, and reactions without their time."""
    return [
        (m.index, m.ts, m.author, m.text, m.kind, m.reply_to, [(r.author, r.emoji) for r in m.reactions])
        for m in chat.messages
    ]


def test_the_same_chat_exported_as_json_and_as_html_gives_the_same_messages() -> None:
    [from_json] = TelegramImporter().parse(Source(str(SAME_CHAT_JSON), path=SAME_CHAT_JSON), ImportOptions())
    [from_html] = parse(SAME_CHAT_HTML)

    assert len(from_html.messages) == 10
    assert records(from_html) == records(from_json)
    reacted = [(m.index, [(r.author, r.emoji) for r in m.reactions]) for m in from_html.messages if m.reactions]
    assert reacted == [
        (2, [("Jonas Weber", "❤")]),
        (3, [("Jonas Weber", "😍")]),  # his custom emoji beside it shows as a placeholder: left out
        (7, [("Jonas Weber", "😁")]),
        (9, [("Ada Lindqvist", "❤")]),
    ]
    # only the JSON export records when a reaction was given
    assert [r.ts for m in from_json.messages for r in m.reactions] == [
        datetime(2024, 7, 2, 9, 13, 52),
        datetime(2024, 7, 2, 9, 14, 5),
        datetime(2024, 7, 3, 7, 8),
        datetime(2024, 7, 3, 7, 31, 10),
    ]
    assert all(r.ts is None for m in from_html.messages for r in m.reactions)
    assert {m.kind for m in from_html.messages} == {MessageKind.TEXT, MessageKind.MEDIA}
    # the call is the same event; the pin is Telegram's sentence at the time of the message before it
    assert from_html.system_events[0] == from_json.system_events[0]
    assert [e.text for e in from_html.system_events[1:]] == ["Ada Lindqvist pinned this message"]
    # only the JSON export records edits
    assert [m.index for m in from_json.messages if m.edited] == [2]
    assert not any(m.edited for m in from_html.messages)


def test_reactions_name_every_reactor_the_page_shows_as_message_senders_are_named() -> None:
    [chat] = parse(REACTIONS_HTML, me="Hanna Berg")
    assert chat.title == "Choir Altos"
    assert [(m.author, m.text, m.reactions) for m in chat.messages] == [
        (
            "Hanna Berg",
            "I got the solo!! 🎤",
            # ❤ by four, three shown (a deleted account has no name); 🎉 by two, nobody shown;
            # Kofi's custom emoji is only a placeholder on the page
            (Reaction("Kofi", "❤"), Reaction("Luz Ortega", "❤"), Reaction("Deleted Account", "❤")),
        ),
        ("Kofi", "congrats!!! 🎶", (Reaction("Hanna Berg", "🥰"),)),
        # 👍 by seven, nobody shown
        (
            "Luz Ortega",
            "so deserved. drinks after thursday rehearsal?",
            (Reaction("Hanna Berg", "🍻"), Reaction("Kofi", "🍻")),
        ),
        ("Deleted Account", "bravo, Hanna", (Reaction("Hanna Berg", "🙏"),)),
        ("Kofi", "see you thursday", ()),
        ("Kofi", "bring the sheet music 📄", (Reaction("Luz Ortega", "👌"),)),  # a joined message
    ]
    # Kofi has no last name: the page writes "Kofi " as a sender and "Kofi" as a reactor, one person either way
    assert "Kofi \n" in REACTIONS_HTML.read_text(encoding="utf-8")
    assert set(chat.people) == {"Hanna Berg", "Kofi", "Luz Ortega", "Deleted Account"}


def test_a_group_chat_exported_both_ways_gives_the_same_reactions_less_their_times() -> None:
    [from_json] = TelegramImporter().parse(Source(str(REACTIONS_JSON), path=REACTIONS_JSON), ImportOptions())
    [from_html] = parse(REACTIONS_HTML)
    assert records(from_html) == records(from_json)
    assert sum(len(m.reactions) for m in from_html.messages) == 8
    assert from_json.messages[0].reactions[2] == Reaction("Deleted Account", "❤", datetime(2025, 5, 20, 19, 5))


def test_reactions_written_as_divs_or_spans_read_the_same() -> None:
    text = REACTIONS_HTML.read_text(encoding="utf-8")
    assert '<span class="reactions">' in text
    as_divs = re.sub(r"<span class=\"(reactions|reaction[^\"]*|emoji|userpics|count)\">", r'<div class="\1">', text)
    as_divs = as_divs.replace("</span>", "</div>")
    assert "<span" not in as_divs
    [with_spans] = parse(REACTIONS_HTML)
    [with_divs] = parse_text(as_divs)
    assert [m.reactions for m in with_divs.messages] == [m.reactions for m in with_spans.messages]


PAID = """
        <span class="reaction paid">

         <span class="emoji">
⭐
         </span>

         <span class="userpics">

          <div class="userpic userpic7" style="width: 20px; height: 20px">

           <div class="initials" style="line-height: 20px" title="Luz Ortega">
LO
           </div>

          </div>

         </span>

         <span class="count">
25
         </span>

        </span>
"""


def test_paid_star_reactions_add_nobody() -> None:
    text = REACTIONS_HTML.read_text(encoding="utf-8")
    first = text.index('<span class="reactions">') + len('<span class="reactions">\n')
    [chat] = parse_text(text[:first] + PAID + text[first:])
    [plain] = parse(REACTIONS_HTML)
    assert [m.reactions for m in chat.messages] == [m.reactions for m in plain.messages]
    assert chat.messages[0].reactions[0] == Reaction("Kofi", "❤")


def test_reactions_on_notices_and_calls_are_dropped() -> None:
    shown = """
      <span class="reactions">
       <span class="reaction"><span class="emoji">👍</span>
        <span class="userpics">
         <div class="userpic userpic4"><div class="initials" title="Jonas Weber">JW</div></div>
        </span>
       </span>
      </span>
"""
    text = SAME_CHAT_HTML.read_text(encoding="utf-8")
    pin = text.index("this message</a>\n      </div>\n", text.index('id="message5108"'))
    pin = text.index("</div>", pin) + len("</div>")
    call = text.index("Outgoing (95 seconds)\n          </div>")
    call = text.index("\n      </div>\n\n     </div>", call)
    assert call < pin
    broken = text[:call] + shown + text[call:pin] + shown + text[pin:]
    [chat] = parse_text(broken)
    [plain] = parse(SAME_CHAT_HTML)
    assert [m.reactions for m in chat.messages] == [m.reactions for m in plain.messages]
    assert chat.system_events == plain.system_events
    assert len(chat.messages) == 10


def test_detection_claims_chat_pages_and_nothing_else() -> None:
    for path in (FIRST_PAGE, SECOND_PAGE, GROUP):
        importer = detect(Source(str(path), path=path))
        assert importer is not None and importer.name == "telegram_html"
    html = TelegramHtmlImporter()
    assert html.sniff(Source(str(SAME_CHAT_JSON)), SAME_CHAT_JSON.read_bytes()) == 0.0
    page = b'<!DOCTYPE html><html><body><div class="message">hello</div></body></html>'
    assert html.sniff(Source("index.html"), page) == 0.0
    summary = b'<body><div class="page_wrap"><div class="page_header">Exported Data</div><div class="sections">'
    assert html.sniff(Source("export_results.html"), summary) == 0.0
    assert detect(Source("index.html"), page) is None


def test_a_message_without_a_date_names_the_file_and_line() -> None:
    text = GROUP.read_text(encoding="utf-8")
    broken = text.replace('title="06.04.2024 10:05:00"', 'data-title="06.04.2024 10:05:00"')
    broken = broken.replace('class="pull_right date details" data-title', 'class="pull_right details" data-title')
    with pytest.raises(ImportFormatError) as caught:
        parse_text(broken)
    assert caught.value.line == line_of(broken, 'id="message7005"')
    assert f"messages.html:{caught.value.line}: expected a date" in str(caught.value)
    assert 'title="DD.MM.YYYY HH:MM:SS"' in str(caught.value)


def test_an_impossible_date_names_its_line() -> None:
    text = GROUP.read_text(encoding="utf-8")
    broken = text.replace('title="06.04.2024 10:06:12"', 'title="31.02.2024 10:06:12"')
    with pytest.raises(ImportFormatError) as caught:
        parse_text(broken)
    assert caught.value.line == line_of(broken, 'title="31.02.2024 10:06:12"')
    assert caught.value.found == "31.02.2024 10:06:12"


def test_a_page_cut_off_in_the_middle_asks_for_a_new_export() -> None:
    text = GROUP.read_text(encoding="utf-8")
    with pytest.raises(ImportFormatError, match="cut off"):
        parse_text(text[: len(text) // 2])
    with pytest.raises(ImportFormatError, match="cut off"):
        parse_text(text[: text.index("</body>")].rsplit("</div>", 3)[0])


def test_a_first_message_without_a_sender_is_an_error() -> None:
    text = GROUP.read_text(encoding="utf-8")
    broken = text.replace(
        'class="message default clearfix" id="message7003"', 'class="message default clearfix joined" id="message7003"'
    )
    broken = broken.replace("welcome all!", "welcome!", 1)
    start = broken.index('<div class="from_name">\nNoor Haddad')
    broken = broken[:start] + broken[start:].replace("Noor Haddad", "", 1).replace('class="from_name"', 'class="x"', 1)
    with pytest.raises(ImportFormatError, match="a sender") as caught:
        parse_text(broken)
    assert caught.value.line == line_of(broken, 'id="message7003"')


def test_bytes_that_are_not_utf8_or_not_a_chat_page_are_format_errors() -> None:
    with pytest.raises(ImportFormatError, match="UTF-8"):
        parse_text(b'<div class="page_wrap">\n\xff\xfe</div>')
    with pytest.raises(ImportFormatError, match="Telegram Desktop chat page"):
        parse_text("<html><body><p>hello</p></body></html>")


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_either_parse_or_raise_a_format_error(data: bytes) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(data)


PAGE_TEXT = GROUP.read_text(encoding="utf-8")
markup = st.sampled_from(
    [
        "<",
        ">",
        "</div>",
        '<div class="message default clearfix joined">',
        '<div class="text">',
        "<br>",
        "&",
        "&#x;",
        "<!--",
        "<![CDATA[",
        '<a href="#go_to_message9">',
        '<div class="media_wrap">',
        "\n",
        '<div class="message service" id="message-3"><div class="body details">0 May 0000</div></div>',
        '<div class="pull_right date details" title="29.02.2023 25:00:00 UTC+01:00">',
        '<span class="reactions">',
        '<span class="reaction paid">',
        '<span class="emoji">',
        '<a href="">',
        '<div class="initials" title="Pia Brandt">',
        "</span>",
    ]
)


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, len(PAGE_TEXT)),
    st.integers(0, 400),
    st.lists(markup | st.text(max_size=6), max_size=4).map("".join),
)
def test_a_page_with_any_slice_replaced_either_parses_or_raises_a_format_error(
    start: int, length: int, insert: str
) -> None:
    damaged = PAGE_TEXT[:start] + insert + PAGE_TEXT[start + length :]
    with contextlib.suppress(ImportFormatError):
        parse_text(damaged, "page.html")
