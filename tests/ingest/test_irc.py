"""IRC logs read as chats: one small evening of a hiking channel, our own, written as each client and
bouncer logs it."""

from __future__ import annotations

import tempfile
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.model import NO_TIMES_START, Conversation

EVENING = [  # (date, clock, nick, words); None for a notice
    ("2024-02-01", "21:04:12", None, "alice has joined #hikers"),
    ("2024-02-01", "21:04:40", "alice", "anyone up for the ridge trail saturday?"),
    ("2024-02-01", "21:05:03", "bob", "yes!! count me in"),
    ("2024-02-01", "21:05:30", "alice", "* does a little dance"),
    ("2024-02-01", "23:58:01", "carol", "i might come, depends on the weather"),
    ("2024-02-02", "00:10:45", "bob", "night all"),
]
EXPECTED = [
    (datetime(2024, 2, 1, 21, 4, 40), "alice", "anyone up for the ridge trail saturday?"),
    (datetime(2024, 2, 1, 21, 5, 3), "bob", "yes!! count me in"),
    (datetime(2024, 2, 1, 21, 5, 30), "alice", "does a little dance"),
    (datetime(2024, 2, 1, 23, 58, 1), "carol", "i might come, depends on the weather"),
    (datetime(2024, 2, 2, 0, 10, 45), "bob", "night all"),
]


def lines(stamp: str, said: str, action: str, notice: str, only: str | None = None) -> list[str]:
    """The evening as a client writes it: each line `stamp` then `said`, `action` or `notice`, with
    ``{day}`` (``{dd}``, its day of the month), ``{clock}``, ``{nick}``, ``{words}`` and ``{mode}`` ("@"
    for bob, the channel's operator) filled in; `only` keeps one day's lines."""
    out = []
    for day, clock, nick, words in EVENING:
        if only is not None and day != only:
            continue
        shape = notice if nick is None else action if words.startswith("* ") else said
        out.append((stamp + shape).format(day=day, dd=day[-2:], clock=clock, nick=nick,
                                          words=words.removeprefix("* "), mode="@" if nick == "bob" else ""))
    return out


def irssi() -> str:
    first, second = (lines("{clock} ", "<{mode:<1}{nick}> {words}", " * {nick} {words}",
                           "-!- alice [~alice@host.example] has joined #hikers", only=d)
                     for d in ("2024-02-01", "2024-02-02"))
    return "\n".join(["--- Log opened Thu Feb 01 21:04:12 2024", *first, "--- Day changed Fri Feb 02 2024", *second,
                      "--- Log closed Fri Feb 02 01:00:00 2024"]) + "\n"


def weechat() -> str:
    return "\n".join(lines("{day} {clock}\t", "{mode}{nick}\t{words}", " *\t{nick} {words}",
                           "-->\talice (~alice@host.example) has joined #hikers")) + "\n"


def hexchat() -> str:
    return "\n".join(["**** BEGIN LOGGING AT Thu Feb  1 21:04:10 2024", "",
                      *lines("Feb {dd} {clock} ", "<{nick}>\t{words}", "*\t{nick} {words}",
                             "-->\talice (~alice@host.example) has joined #hikers")]) + "\n"


def znc(day: str) -> str:
    return "\n".join(lines("[{clock}] ", "<{nick}> {words}", "* {nick} {words}",
                           "*** Joins: alice (~alice@host.example)", only=day)) + "\n"


def limnoria() -> str:
    return "\n".join(lines("{day}T{clock}  ", "<{nick}> {words}", "* {nick} {words}",
                           "*** alice <~alice@host.example> has joined #hikers")) + "\n"


def quassel() -> str:
    return "\n".join(lines("[{day} {clock}] ", "<{nick}> {words}", "-*- {nick} {words}",
                           "--> alice (~alice@host.example) has joined #hikers")) + "\n"


def imported(path: Path, **options: str) -> list[Conversation]:
    return [c for _, convs in read_paths([path], ImportOptions(**options)) for c in convs]


def said(chat: Conversation, seconds: bool = True) -> list[tuple[datetime, str, str]]:
    return [(m.ts if seconds else m.ts.replace(second=0), m.author, m.text) for m in chat.messages]


@pytest.mark.parametrize(("name", "render", "seconds"), [
    ("#hikers.log", irssi, False),
    ("irc.libera.#hikers.weechatlog", weechat, True),
    ("#hikers.log", hexchat, True),
    ("#hikers.log", limnoria, True),
])
def test_each_clients_log_is_one_chat_of_the_channel(tmp_path, name, render, seconds):
    path = tmp_path / name
    text = render()
    if not seconds:  # irssi writes the minute only
        text = text.replace(":12\n", "\n")
    path.write_text(text, encoding="utf-8")
    assert detect(Source(name, path=path)).name == "irc"
    [chat] = imported(path)
    assert (chat.title, chat.chat_id, chat.source_format) == ("#hikers", "#hikers", "irc")
    expected = [(ts if seconds else ts.replace(second=0), who, words) for ts, who, words in EXPECTED]
    assert said(chat, seconds) == expected
    assert len(chat.system_events) == 1 and "alice" in chat.system_events[0].text
    assert chat.is_group


def test_quassels_export_reads_alike(tmp_path):
    path = tmp_path / "hikers.txt"
    path.write_text(quassel(), encoding="utf-8")
    [chat] = imported(path)
    assert (chat.source_format, [m.author for m in chat.messages]) == (
        "irc", ["alice", "bob", "carol", "bob"])  # its action, "-*-", is a notice here


def test_a_folder_of_day_files_is_one_chat_and_a_day_named_alone_is_that_day(tmp_path):
    folder = tmp_path / "znc" / "libera"
    folder.mkdir(parents=True)
    (folder / "#hikers_20240201.log").write_text(znc("2024-02-01"), encoding="utf-8")
    (folder / "#hikers_20240202.log").write_text(znc("2024-02-02"), encoding="utf-8")
    (folder / "#other_20240201.log").write_text("[10:00:00] <zed> hi\n[10:00:05] <yan> hey\n[10:01:00] <zed> ok\n",
                                                encoding="utf-8")
    chats = imported(tmp_path / "znc")
    assert [(c.title, len(c.messages)) for c in chats] == [("#hikers", 5), ("#other", 3)]
    assert said(chats[0]) == EXPECTED
    [day_two] = imported(folder / "#hikers_20240202.log")
    assert said(day_two) == EXPECTED[-1:]


def test_ubuntus_public_logs_take_their_date_from_their_folders(tmp_path):
    folder = tmp_path / "2024" / "02" / "01"
    folder.mkdir(parents=True)
    path = folder / "#ubuntu.txt"
    path.write_text("=== alice [~alice@host] has joined #ubuntu\n"
                    "[21:04] <alice> my wifi drops after suspend, any idea?\n"
                    "[21:05] <bob> which kernel?\n[21:06] <alice> 6.5 i think\n", encoding="utf-8")
    [chat] = imported(path)
    assert chat.title == "#ubuntu"
    assert chat.messages[0].ts == datetime(2024, 2, 1, 21, 4)
    assert chat.system_events[0].text == "alice [~alice@host] has joined #ubuntu"


def test_mircs_session_lines_give_the_date_and_the_channel(tmp_path):
    path = tmp_path / "libera.log"
    path.write_text("Session Start: Thu Feb 01 21:04:00 2024\nSession Ident: #hikers\n"
                    "[21:04] * Now talking in #hikers\n[21:04] <alice> ridge trail saturday?\n[21:05] <bob> yes!!\n"
                    "[21:06] <alice> great\nSession Close: Thu Feb 01 22:00:00 2024\n", encoding="utf-8")
    [chat] = imported(path)
    assert chat.title == "#hikers"
    assert [(m.ts, m.author) for m in chat.messages] == [
        (datetime(2024, 2, 1, 21, 4), "alice"), (datetime(2024, 2, 1, 21, 5), "bob"),
        (datetime(2024, 2, 1, 21, 6), "alice")]


def test_a_log_without_a_date_is_placed_from_the_corpus_day_its_midnights_counted(tmp_path):
    path = tmp_path / "query-bob.log"
    path.write_text("[23:50:00] <alice> still up?\n[23:52:10] <bob> yep\n[00:03:00] <alice> ok night!\n"
                    "[00:03:30] <bob> night\n", encoding="utf-8")
    [chat] = imported(path, me="alice")
    assert [m.ts for m in chat.messages] == [
        datetime.combine(NO_TIMES_START.date(), datetime(1, 1, 1, 23, 50).time()),
        datetime.combine(NO_TIMES_START.date(), datetime(1, 1, 1, 23, 52, 10).time()),
        datetime(2000, 1, 2, 0, 3), datetime(2000, 1, 2, 0, 3, 30)]
    assert chat.me == "alice" and not chat.is_group


def test_a_message_pasted_over_several_lines_stays_one(tmp_path):
    path = tmp_path / "#dev.log"
    path.write_text("[10:00:00] <ana> here's the error:\nTraceback (most recent call last):\n  boom\n"
                    "[10:01:00] <ben> ugh\n[10:02:00] <ana> yeah\n", encoding="utf-8")
    [chat] = imported(path)
    assert chat.messages[0].text == "here's the error:\nTraceback (most recent call last):\n  boom"


def test_other_text_is_not_taken_for_a_log(tmp_path):
    for name, text in [
        ("chat.txt", "[12/03/2024, 21:04:05] Sam: hi\n[12/03/2024, 21:05:00] Alex: hey\n"
                     "[12/03/2024, 21:06:00] Sam: ok\n"),
        ("notes.txt", "21:04 buy milk\n21:05 call <mum>\n21:06 <b>bold</b>\n"),
        ("page.html", "<html>\n<body>\n<p>hi</p>\n</body>\n</html>\n"),
        ("server.log", "[21:04:12] <INFO> starting\n[21:04:13] <INFO> listening on 8080\n[21:04:20] <WARN> slow disk\n"
                       "[21:05:00] <ERROR> request failed\n"),
        ("timetable.txt", "09:00\tMath\tRoom 4\n10:00\tArt\tRoom 2\n11:00\tPE\tGym\n12:00\tLunch\tHall\n"),
    ]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        assert getattr(detect(Source(name, path=path)), "name", None) != "irc", name


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
               max_size=80), st.sampled_from([irssi, weechat, hexchat, limnoria]))
def test_any_line_either_parses_or_raises_a_format_error(line, render):
    from turntoward.errors import ImportFormatError

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "#hikers.log"
        text = render()
        path.write_text(text + line + "\n" + text.splitlines()[-1] + "\n", encoding="utf-8")
        try:
            chats = imported(path)
        except ImportFormatError:
            return
        assert chats and chats[0].messages


def test_an_irc_log_dated_as_whatsapp_dates_its_lines_is_not_read_as_a_chat_of_notices(tmp_path):
    from turntoward.errors import UnknownFormatError

    path = tmp_path / "hikers.txt"  # WhatsApp's importer, asked, refuses it rather than keep no message
    path.write_text(quassel(), encoding="utf-8")
    with pytest.raises(UnknownFormatError, match="no line names who wrote it"):
        list(read_paths([path], fmt="whatsapp"))


def test_day_files_named_by_their_date_alone_take_their_channel_from_their_folder(tmp_path):
    folder = tmp_path / "libera" / "#hikers"  # ZNC's newer layout
    folder.mkdir(parents=True)
    (folder / "2024-02-01.log").write_text(znc("2024-02-01"), encoding="utf-8")
    (folder / "2024-02-02.log").write_text(znc("2024-02-02"), encoding="utf-8")
    [chat] = imported(tmp_path / "libera")
    assert (chat.title, said(chat)) == ("#hikers", EXPECTED)
