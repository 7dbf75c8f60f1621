"""The table importer reads CSV, JSON Lines and Parquet message tables, by column name."""

from __future__ import annotations

import contextlib
import csv
import json
import re
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests._cli import run
from tests.exporters.tabular import render_table
from tests.ingest._json_fuzz import json_values
from tests.ingest._records import Rec
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.tabular import NO_NAME, TableImporter, parse_timestamp
from turntoward.model import MessageKind

FIXTURES = Path(__file__).parent.parent / "fixtures" / "tabular"
FAMILY_MAP = {"ts": "Sent", "author": "From", "text": "Body", "conversation": "Thread", "kind": "Type"}


@pytest.fixture(autouse=True)
def new_york_time() -> Iterator[None]:
    with local_time("America/New_York"):
        yield


def parse(path: Path, column_map: dict[str, str] | None = None, **options: str) -> list:
    source = Source(path.name, path=path)
    return list(TableImporter().parse(source, ImportOptions(column_map=column_map or {}, **options)))


def test_a_csv_with_a_custom_mapping_splits_into_its_conversations() -> None:
    mum, siblings = parse(FIXTURES / "family-chats.csv", FAMILY_MAP, me="Me")
    assert (mum.title, mum.chat_id, mum.me) == ("Mum", "Mum", "Me")
    assert [(m.index, m.ts, m.author, m.text) for m in mum.messages] == [
        (0, datetime(2024, 3, 10, 18, 2), "Mum", "Are you still coming Sunday? Dad's making the lamb"),
        (1, datetime(2024, 3, 10, 18, 40), "Me", "Yes! Bringing dessert.\nAny requests?"),
        (2, datetime(2024, 3, 10, 18, 41), "Mum", "Surprise us 😊"),
        (3, datetime(2024, 3, 11, 8, 0), "Mum", "Dad says bring the good cream, not the spray one"),
    ]
    assert [(m.author, m.text, m.kind) for m in siblings.messages] == [
        ("Priya", 'did you see mum\'s text, "Sunday lamb" again', MessageKind.TEXT),
        ("Me", "ha yes. I'm doing the pavlova\nyou do wine?", MessageKind.TEXT),
        ("Priya", "", MessageKind.MEDIA),
    ]


def test_jsonl_with_ids_mixed_timestamps_and_system_rows() -> None:
    [conversation] = parse(FIXTURES / "research-sample.jsonl")
    assert conversation.title == "c17"
    assert [(m.index, m.ts, m.author, m.kind, m.reply_to) for m in conversation.messages] == [
        (0, datetime(2024, 2, 1, 9, 15), "A", MessageKind.TEXT, None),
        (1, datetime(2024, 2, 1, 9, 21, 30), "B", MessageKind.TEXT, 0),
        (2, datetime(2024, 2, 1, 9, 25), "A", MessageKind.TEXT, 1),
        (3, datetime(2024, 2, 1, 9, 26), "B", MessageKind.MEDIA, None),
        (4, datetime(2024, 2, 1, 9, 30), "A", MessageKind.TEXT, None),
    ]
    [event] = conversation.system_events
    assert (event.ts, event.author) == (datetime(2024, 2, 1, 9, 27), "B")
    assert event.text == "B changed the group name"


def test_parquet_with_real_datetime_columns(tmp_path: Path) -> None:
    path = tmp_path / "corpus.parquet"
    pl.DataFrame({
        "datetime": [datetime(2024, 1, 5, 20, 0), datetime(2024, 1, 5, 20, 3)],
        "user": ["Kai", "Noor"],
        "content": ["long day. can we talk later?", "of course, call me when you're home"],
    }).write_parquet(path)
    [conversation] = parse(path)
    assert conversation.title == "corpus"
    assert [(m.ts, m.author) for m in conversation.messages] == [
        (datetime(2024, 1, 5, 20, 0), "Kai"), (datetime(2024, 1, 5, 20, 3), "Noor"),
    ]


def test_rows_out_of_order_are_sorted_and_replies_follow_them(tmp_path: Path) -> None:
    records = [
        Rec(datetime(2024, 4, 2, 9, 0), "Sam", "morning!"),
        Rec(datetime(2024, 4, 1, 22, 0), "Jo", "night night"),
        Rec(datetime(2024, 4, 2, 9, 5), "Jo", "morning you", reply_to=0),
        Rec(datetime(2024, 4, 1, 22, 0), "Sam", "sleep well"),
    ]
    [conversation] = parse(render_table(records, tmp_path / "chat.csv"))
    assert [(m.author, m.text, m.reply_to) for m in conversation.messages] == [
        ("Jo", "night night", None), ("Sam", "sleep well", None), ("Sam", "morning!", None),
        ("Jo", "morning you", 2),
    ]


def test_a_file_already_in_order_keeps_its_order_for_equal_times(tmp_path: Path) -> None:
    same = datetime(2024, 4, 1, 22, 0)
    records = [Rec(same, "Sam", "b"), Rec(same, "Jo", "a"), Rec(same, "Sam", "c")]
    [conversation] = parse(render_table(records, tmp_path / "chat.tsv"))
    assert [m.text for m in conversation.messages] == ["b", "a", "c"]


@pytest.mark.parametrize("value, expected", [
    ("2024-03-12 21:04", datetime(2024, 3, 12, 21, 4)),
    ("2024-03-12 21:04:05", datetime(2024, 3, 12, 21, 4, 5)),
    ("2024-03-12T21:04:05.250", datetime(2024, 3, 12, 21, 4, 5, 250000)),
    ("2024-03-13T01:04:05+00:00", datetime(2024, 3, 12, 21, 4, 5)),
    ("1710291845", datetime(2024, 3, 12, 21, 4, 5)),
    ("1710291845000", datetime(2024, 3, 12, 21, 4, 5)),
    (1710291845000, datetime(2024, 3, 12, 21, 4, 5)),
    ("yesterday", None),
    ("", None),
    # shapes seen in tables other tools write
    ("21/12/20 21:32", datetime(2020, 12, 21, 21, 32)),
    ("21.12.2020, 21:32:07", datetime(2020, 12, 21, 21, 32, 7)),
    ("05-Apr-20 02:22 PM", datetime(2020, 4, 5, 14, 22)),  # DiscordChatExporter's older CSV
    ("Apr 21, 2012 4:10:17 PM", datetime(2012, 4, 21, 16, 10, 17)),
    ("21 Jun. 2015 04:08:38", datetime(2015, 6, 21, 4, 8, 38)),
    ("Mon, 22 Apr 2023 08:18", datetime(2023, 4, 22, 8, 18)),
    ("2023-04-22 08:18:59 UTC", datetime(2023, 4, 22, 4, 18, 59)),  # LinkedIn; New York time here
    ("31/02/2020 10:00", None),
    ("Smarch 3, 2020", None),
])
def test_timestamp_styles(value: object, expected: datetime | None) -> None:
    assert parse_timestamp(value) == expected


def test_a_bad_timestamp_names_the_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "chat.csv"
    path.write_text('date,sender,body\n2024-03-12 21:04,Sam,"two\nlines"\nyesterday,Jo,hi\n')
    with pytest.raises(ImportFormatError) as caught:
        parse(path)
    assert str(caught.value) == (
        "chat.csv:4 at column 'date': expected a timestamp like 2024-03-12 21:04, found 'yesterday'"
    )


def test_excel_unicode_text_is_utf16_and_reads_like_utf8(tmp_path: Path) -> None:
    # Excel's "Unicode Text" save writes tab-separated UTF-16 with a byte-order mark.
    table = "Date\tSender\tMessage\n2024-03-12 21:04\tZoë\tcafé tonight? ☕\n2024-03-12 21:06\tJo\tyes!!\n"
    (tmp_path / "excel.tsv").write_bytes(table.encode("utf-16"))
    (tmp_path / "plain.tsv").write_text(table, encoding="utf-8")
    (excel,) = parse(tmp_path / "excel.tsv")
    (plain,) = parse(tmp_path / "plain.tsv")
    assert [(m.author, m.text) for m in excel.messages] == [("Zoë", "café tonight? ☕"), ("Jo", "yes!!")]
    assert excel.messages == plain.messages


def test_a_windows_1252_csv_names_the_line_and_asks_for_utf8(tmp_path: Path) -> None:
    path = tmp_path / "chat.csv"
    path.write_bytes(b"date,sender,body\n2024-03-12 21:04,Sam,hi\n2024-03-12 21:05,Zo\xeb,caf\xe9?\n")
    with pytest.raises(ImportFormatError) as caught:
        parse(path)
    assert str(caught.value) == ("chat.csv:3: expected UTF-8 text (or UTF-16 with a byte-order mark), "
                                 "found 'byte eb, not UTF-8: save or export the file as UTF-8'")


def test_a_bad_jsonl_line_is_named(tmp_path: Path) -> None:
    path = tmp_path / "chat.jsonl"
    path.write_text('{"ts": "2024-03-12 21:04", "author": "Sam", "text": "hi"}\n\n{"ts": oops}\n')
    with pytest.raises(ImportFormatError, match=r"^chat\.jsonl:3: expected one JSON object per line"):
        parse(path)


def test_a_cut_off_parquet_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "corpus.parquet"
    pl.DataFrame({"ts": ["2024-01-05 20:00"], "author": ["Kai"], "text": ["hi"]}).write_parquet(path)
    path.write_bytes(path.read_bytes()[:-20])
    with pytest.raises(ImportFormatError, match=r"corpus\.parquet: expected a Parquet file"):
        parse(path)


def test_a_missing_mapped_column_lists_the_columns_there_are() -> None:
    expected = r"a column 'When' for ts \(the file has 'Sent', 'From', 'Body'"
    with pytest.raises(ImportFormatError, match=expected):
        parse(FIXTURES / "family-chats.csv", {**FAMILY_MAP, "ts": "When"})


def test_a_table_without_an_author_column_says_what_it_looked_for(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text("timestamp,note\n2024-03-12 21:04,buy milk\n")
    expected = r"expected a column for author .*the file has 'timestamp', 'note'"
    with pytest.raises(ImportFormatError, match=expected):
        parse(path)


def test_an_unknown_kind_is_refused_with_the_known_ones(tmp_path: Path) -> None:
    path = tmp_path / "chat.csv"
    path.write_text("timestamp,sender,text,kind\n2024-03-12 21:04,Sam,hi,sticker\n")
    expected = r"chat\.csv:2 at column 'kind': expected a kind \(text, media"
    with pytest.raises(ImportFormatError, match=expected):
        parse(path)


def test_tables_are_recognised_only_weakly_by_extension() -> None:
    assert TableImporter().sniff(Source("a.csv", path=Path("a.csv")), b"") == 0.3
    assert TableImporter().sniff(Source("a.txt", path=Path("a.txt")), b"a,b\n") == 0.0
    found = detect(Source("family-chats.csv", path=FIXTURES / "family-chats.csv"))
    assert found is not None and found.name == "tabular"


@pytest.mark.parametrize("suffix, style", [
    (".csv", "iso"), (".tsv", "seconds"), (".jsonl", "epoch_ms"), (".ndjson", "epoch_s"), (".parquet", "iso"),
])
def test_renderer_round_trip(tmp_path: Path, suffix: str, style: str) -> None:
    records = [
        Rec(datetime(2024, 6, 1, 10, 0), "Sam", 'I made a thing, "finally"\nwant to see?'),
        Rec(datetime(2024, 6, 1, 10, 2), "Jo", "YES show me", reply_to=0),
        Rec(datetime(2024, 6, 1, 10, 3), "Sam", "", "media"),
        Rec(datetime(2024, 6, 1, 10, 4), "Jo", "", "deleted"),
        Rec(datetime(2024, 6, 1, 10, 5), "Jo", "that is gorgeous 😍", reply_to=2),
    ]
    [conversation] = parse(render_table(records, tmp_path / f"chat{suffix}", time_style=style))
    assert [(m.ts, m.author, m.text, m.kind.value, m.reply_to) for m in conversation.messages] == [
        (r.ts, r.author, r.text, r.kind, r.reply_to) for r in records
    ]


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=1024), st.sampled_from([".csv", ".tsv", ".jsonl", ".parquet"]))
def test_arbitrary_bytes_only_ever_raise_an_import_error(tmp_path: Path, data: bytes, suffix: str) -> None:
    path = tmp_path / f"t{suffix}"
    path.write_bytes(data)
    with contextlib.suppress(ImportFormatError):
        parse(path)


_cells = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12) | st.sampled_from(
    ["2024-03-12 21:04", "1710291845000", "1e400", "-99999999999999999999", "text", "media", "0", "7"]
)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_cells, min_size=1, max_size=6), min_size=1, max_size=6), st.booleans())
def test_arbitrary_csv_only_ever_raises_an_import_error(
    tmp_path: Path, rows: list[list[str]], known_header: bool
) -> None:
    path = tmp_path / "t.csv"
    header = ["timestamp", "sender", "text", "kind", "reply_to", "conversation"] if known_header else rows[0]
    with path.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    with contextlib.suppress(ImportFormatError):
        parse(path)


def test_a_research_corpus_without_times_is_read_with_ts_none(tmp_path: Path) -> None:
    corpus = tmp_path / "dialogues.csv"
    corpus.write_text("dialogue_id,speaker,utterance\n7,A,how did the interview go?\n7,B,i got it!!\n"
                      "7,A,\"no way, congrats!!\"\n8,A,can you feed the cat tonight\n8,B,sure\n", encoding="utf-8")
    with pytest.raises(UnknownFormatError, match="ts=none for a table without times"):
        parse(corpus)
    first, second = parse(corpus, {"ts": "none"})
    assert (first.title, [m.author for m in first.messages], second.title) == ("7", ["A", "B", "A"], "8")
    assert [m.ts for m in first.messages] == [datetime(2000, 1, 1, 10, k) for k in range(3)]  # a minute apart
    assert second.messages[0].ts == datetime(2000, 1, 1, 10) and second.messages[1].text == "sure"


def test_a_corpus_named_by_the_user_is_read_without_times_and_one_in_a_folder_is_skipped(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus" / "dialogues.csv"
    corpus.parent.mkdir()
    corpus.write_text("dialogue_id,turn,speaker,utterance\n7,0,A,how did the interview go?\n7,1,B,i got it!!\n"
                      "8,0,A,can you feed the cat tonight\n8,1,B,sure\n", encoding="utf-8")

    named = [c for _, convs in read_paths([corpus], ImportOptions()) for c in convs]

    assert [(c.title, [m.ts for m in c.messages]) for c in named] == [
        ("7", [datetime(2000, 1, 1, 10, 0), datetime(2000, 1, 1, 10, 1)]),  # the turn numbers are no times
        ("8", [datetime(2000, 1, 1, 10, 0), datetime(2000, 1, 1, 10, 1)]),
    ]
    with pytest.raises(UnknownFormatError, match="containing a chat export"):  # a folder's stray table
        list(read_paths([corpus.parent], ImportOptions()))


def test_a_column_of_times_with_none_in_it_reads_as_a_table_without_times(tmp_path: Path) -> None:
    # ConvoKit's table of a corpus without times (`get_utterances_dataframe().to_csv()`): "timestamp" empty
    corpus = tmp_path / "utterances.csv"
    corpus.write_text("id,timestamp,text,speaker,reply_to,conversation_id\n"
                      "L1,,are you coming to the harbour tonight?,u0,,L1\nL2,,only if you bring the torch,u1,L1,L1\n",
                      encoding="utf-8")
    (film,) = [c for _, convs in read_paths([corpus], ImportOptions()) for c in convs]
    assert [(m.ts, m.author) for m in film.messages] == [(datetime(2000, 1, 1, 10, 0), "u0"),
                                                         (datetime(2000, 1, 1, 10, 1), "u1")]
    # one empty cell among times is still an error naming its row
    corpus.write_text("id,timestamp,text,speaker\nL1,2024-05-02 19:04,hi,u0\nL2,,hey,u1\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="timestamp"):
        list(read_paths([corpus], ImportOptions()))


def test_a_json_array_of_messages_named_by_the_user_is_a_table(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus" / "dialogue.json"
    corpus.parent.mkdir()
    corpus.write_text(json.dumps([
        {"speaker": "Ife", "text": "did the landlord ever call back?", "sent_at": "2024-05-02T19:04:00"},
        {"speaker": "Tolu", "text": "yes!! we can move in on the 1st", "sent_at": "2024-05-02T19:09:30"},
    ]), encoding="utf-8")

    (chat,) = [c for _, convs in read_paths([corpus], ImportOptions()) for c in convs]

    assert [(m.ts, m.author, m.text) for m in chat.messages] == [
        (datetime(2024, 5, 2, 19, 4), "Ife", "did the landlord ever call back?"),
        (datetime(2024, 5, 2, 19, 9, 30), "Tolu", "yes!! we can move in on the 1st"),
    ]
    with pytest.raises(UnknownFormatError):  # in a folder, an array of objects may be any export's file
        list(read_paths([corpus.parent], ImportOptions()))


@pytest.mark.parametrize(("content", "where", "found"), [
    ('[{"speaker": "A", "text": "hi"}, 3]', " at $[1]", "'int'"),
    ('[{"speaker": "A", "text": "hi"}', ":1", "Expecting ',' delimiter"),
    ('[{"user": {"name": "A"}, "msg": "hi"}]', "", "nested objects (user)"),
])
def test_a_json_array_that_is_not_flat_messages_is_refused_naming_where(
    tmp_path: Path, content: str, where: str, found: str
) -> None:
    path = tmp_path / "messages.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ImportFormatError) as caught:
        list(read_paths([path], ImportOptions()))
    assert str(caught.value).startswith(f"{path}{where}:") and found in str(caught.value)


def test_times_under_a_name_not_guessed_are_named_rather_than_dropped(tmp_path: Path) -> None:
    chat = tmp_path / "chat.csv"
    chat.write_text("fecha,remitente,mensaje\n2024-03-01 10:00,Ana,hola!\n2024-03-01 10:05,Luis,qué tal\n",
                    encoding="utf-8")
    with pytest.raises(ImportFormatError, match=re.escape("the column 'fecha' holds times (--map ts=fecha")):
        list(read_paths([chat], ImportOptions(column_map={"author": "remitente", "text": "mensaje"})))


# Shapes seen in real tables written by other tools (a sweep of public repositories); the rows
# below are ours.

def test_a_date_column_and_a_time_column_make_one_timestamp(tmp_path: Path) -> None:
    # WhatsApp-to-CSV converters keep the date and the clock apart; the time was dropped before
    # and every message sat at midnight, with replies "instant".
    path = tmp_path / "whatsapp.csv"
    path.write_text(",Date,Time,User,Message\n"
                    "0,2018-03-26,11:57 PM, Lakshmi,did you reach home?\n"
                    "1,2018-03-27,12:04 AM, Ravi,just now. long day\n"
                    "2,2018-03-27,7:30 AM, Lakshmi,good morning 🌞\n", encoding="utf-8")
    [chat] = parse(path)
    assert [(m.ts, m.author) for m in chat.messages] == [
        (datetime(2018, 3, 26, 23, 57), "Lakshmi"),  # names stripped of the converter's space
        (datetime(2018, 3, 27, 0, 4), "Ravi"),
        (datetime(2018, 3, 27, 7, 30), "Lakshmi"),
    ]


def test_numeric_dates_take_their_day_and_month_order_from_the_whole_column(tmp_path: Path) -> None:
    path = tmp_path / "chat.csv"
    path.write_text("Date,Time,Sender,Message\n"
                    "3/4/24,21:32,Mike,on the train\n"
                    "21/4/24,09:05,Giulia,buongiorno! coffee later?\n", encoding="utf-8")
    [chat] = parse(path)  # 21 can only be a day: day first throughout
    assert [m.ts for m in chat.messages] == [datetime(2024, 4, 3, 21, 32), datetime(2024, 4, 21, 9, 5)]
    ambiguous = tmp_path / "us.csv"
    ambiguous.write_text("Date,Time,Sender,Message\n3/4/24,9:15 PM,Kim,home?\n3/5/24,8:00 AM,Lee,yes\n",
                         encoding="utf-8")
    [chat] = parse(ambiguous, date_order="mdy")
    assert [m.ts for m in chat.messages] == [datetime(2024, 3, 4, 21, 15), datetime(2024, 3, 5, 8, 0)]


def test_column_names_are_found_whatever_their_case_spaces_and_dashes(tmp_path: Path) -> None:
    # A ConvoKit corpus: "reply-to" was not recognised, so threads were read as flat chats.
    path = tmp_path / "utterances.jsonl"
    rows = [
        {"id": "u1", "speaker": "maple_leaf", "conversation_id": "u1", "reply-to": None, "timestamp": 1325571377,
         "text": "What's the best thing you cooked this year?"},
        {"id": "u2", "speaker": "orbitbird", "conversation_id": "u1", "reply-to": "u1", "timestamp": 1325571400,
         "text": "A lasagna from my gran's card"},
        {"id": "u3", "speaker": "quietfern", "conversation_id": "u1", "reply-to": "u1", "timestamp": 1325571500,
         "text": "Bread. Finally."},
        {"id": "u4", "speaker": "maple_leaf", "conversation_id": "u1", "reply-to": "u2", "timestamp": 1325571600,
         "text": "oh that sounds amazing, what's on the card?"},
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    [thread] = parse(path)
    assert [m.reply_to for m in thread.messages] == [None, 0, 0, 1]


def test_an_imessage_table_with_the_users_rows_left_without_a_sender(tmp_path: Path) -> None:
    # iMazing's CSV: "Message Date", "Chat Session", and an empty sender on the user's own rows,
    # which stopped the whole import before.
    path = tmp_path / "Messages - Dana.csv"
    path.write_text("Message Date,Delivered Date,Chat Session,Service,Type,Sender ID,Sender Name,Status,Text\n"
                    "2024-05-03 18:02:11,,Dana,iMessage,Incoming,+15550001111,Dana,Read,made it to the cabin!!\n"
                    "2024-05-03 18:03:40,,Dana,iMessage,Outgoing,,,Delivered,yay!! send pics of the lake\n",
                    encoding="utf-8")
    [chat] = parse(path)
    assert (chat.title, chat.me) == ("Dana", "Me")
    assert [(m.author, m.text) for m in chat.messages] == [
        ("Dana", "made it to the cabin!!"), ("Me", "yay!! send pics of the lake")]
    [chat] = parse(path, me="Robin")
    assert (chat.me, chat.messages[1].author) == ("Robin", "Robin")


def test_a_slack_channel_column_splits_the_table_and_an_empty_author_is_no_name(tmp_path: Path) -> None:
    path = tmp_path / "slack.csv"
    path.write_text("ts,user,text,channel,type\n"
                    "1714760000.0001,U01ANA,anyone up for lunch?,random,message\n"
                    "1714760030.0002,U02TOM,the deploy is green,eng,message\n"
                    "1714760090.0003,,(a bot posted a file),random,message\n", encoding="utf-8")
    random_, eng = parse(path)
    assert (random_.title, eng.title) == ("random", "eng")
    # "type" here is not a direction, so the empty author is nobody's, not the user's
    assert [m.author for m in random_.messages] == ["U01ANA", NO_NAME]


def test_nested_json_lines_are_refused_in_words(tmp_path: Path) -> None:
    path = tmp_path / "signal-cli.jsonl"
    path.write_text('{"envelope": {"source": "+1555", "dataMessage": {"message": "hi"}}}\n'
                    '{"envelope": {"source": "+1556", "syncMessage": {"sentMessage": {"message": "hey"}}}}\n',
                    encoding="utf-8")
    with pytest.raises(ImportFormatError, match=r"one flat row per message.*nested objects \(envelope\)"):
        parse(path)


def test_a_semicolon_csv_with_attachments_reads_files_as_media(tmp_path: Path) -> None:
    # DiscordChatExporter's CSV before 2020: semicolons, a trailing one, "Attachments" holding links
    path = tmp_path / "Komodo - talk-general [4467].csv"
    path.write_text('AuthorID;Author;Date;Content;Attachments;Reactions;\n'
                    '"2405441";"ana#5350";"11-Jun-18 04:50 PM";"made it to the summit, look";"";"";\n'
                    '"2405441";"ana#5350";"11-Jun-18 04:51 PM";"";"https://cdn.discordapp.com/attachments/1/2/top.jpg";"";\n'
                    '"1362533";"Cypher#9999";"11-Jun-18 04:53 PM";"wow; the view";"";"";\n', encoding="utf-8")
    [chat] = parse(path)
    assert [(m.ts, m.author, m.text, m.kind) for m in chat.messages] == [
        (datetime(2018, 6, 11, 16, 50), "ana#5350", "made it to the summit, look", MessageKind.TEXT),
        (datetime(2018, 6, 11, 16, 51), "ana#5350", "<attachment>", MessageKind.MEDIA),
        (datetime(2018, 6, 11, 16, 53), "Cypher#9999", "wow; the view", MessageKind.TEXT),
    ]


def test_a_whatsapp_chat_turned_into_a_table_keeps_its_placeholders_and_a_bad_clock_is_named(tmp_path: Path) -> None:
    path = tmp_path / "whatsapp.csv"
    path.write_text("Date,Time,Author,Message\n"
                    "2024-03-12,21:04,server,Messages and calls are end-to-end encrypted. No one outside of this chat"
                    " can read them.\n"
                    "2024-03-12,21:05,Jakob,<Media omitted>\n"
                    "2024-03-12,21:06,Jakob,look at this view\n", encoding="utf-8")
    [chat] = parse(path)
    assert [(m.author, m.kind) for m in chat.messages] == [("Jakob", MessageKind.MEDIA), ("Jakob", MessageKind.TEXT)]
    assert len(chat.system_events) == 1
    path.write_text("Date,Time,Author,Message\n2018-03-29,21:04,Ana,hi\n2018-03-29,PM,Ben,hey\n", encoding="utf-8")
    with pytest.raises(ImportFormatError, match="column 'Time'") as caught:
        parse(path)
    assert caught.value.line == 3


def test_a_table_without_a_header_row_is_told_so(tmp_path: Path) -> None:
    path = tmp_path / "whatsapp.csv"
    path.write_text("'10/22/19','13:44','AJoshi','Hey'\n'10/22/19','13:45','Rina','hi!'\n", encoding="utf-8")
    with pytest.raises(UnknownFormatError, match="has none; add one"):
        parse(path)


def test_a_notice_row_without_an_author_is_a_notice(tmp_path: Path) -> None:
    path = tmp_path / "messages.csv"  # LinkedIn's export: FROM is empty on such rows
    path.write_text("CONVERSATION ID,FROM,DATE,CONTENT\n"
                    "2-abc,Priya Nair,2024-03-12 21:04:05 UTC,congrats on the new role!\n"
                    "2-abc,,2024-03-12 21:06:00 UTC,Tom Reyes left the conversation.\n", encoding="utf-8")
    [chat] = parse(path)
    assert [m.author for m in chat.messages] == ["Priya Nair"]
    assert [e.text for e in chat.system_events] == ["Tom Reyes left the conversation."]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.dictionaries(st.sampled_from(["speaker", "text", "ts", "x"]), json_values, max_size=4),
                max_size=4) | json_values)
def test_any_json_array_either_reads_or_raises_a_format_error(tmp_path: Path, document: object) -> None:
    path = tmp_path / "messages.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    with contextlib.suppress(ImportFormatError):
        list(read_paths([path], ImportOptions(), fmt="tabular"))


def test_an_hour_column_beside_full_timestamps_is_not_taken_for_their_clock(tmp_path: Path) -> None:
    # a WhatsApp chat turned into a table by pandas: the timestamp, then its parts in columns of their own
    table = tmp_path / "whatsapp_chat.csv"
    table.write_text(",datetime,sender,message,year,month,day,hour,minute\n"
                     "0,2021-03-03 23:58:00,Ayo,you up?,2021,March,3,23,58\n"
                     "1,2021-03-04 00:00:00,Kemi,happy birthday!!! 🎉,2021,March,4,0,0\n", encoding="utf-8")
    (chat,) = [c for _, convs in read_paths([table], ImportOptions()) for c in convs]
    assert [m.ts for m in chat.messages] == [datetime(2021, 3, 3, 23, 58), datetime(2021, 3, 4)]


def test_direction_marks_around_an_author_are_not_part_of_the_name(tmp_path: Path) -> None:
    table = tmp_path / "chat.csv"  # as WhatsApp-to-CSV converters keep them around phone numbers
    table.write_text("date,author,message\n2024-05-02 19:04,\u202a+44 7700 900123\u202c,on my way\n"
                     "2024-05-02 19:05,Ivy,see you soon\n2024-05-02 19:30,+44 7700 900123,here!\n", encoding="utf-8")
    (chat,) = [c for _, convs in read_paths([table], ImportOptions()) for c in convs]
    assert chat.people == ["+44 7700 900123", "Ivy"]


OTHER_TABLES = {  # what lies beside chats in a real folder: none of it a table of messages
    "budget.csv": "Datum;Betrag;Zweck\n01.03.2024;12,50;Bäckerei\n".encode("cp1252"),  # another encoding
    "empty.csv": b"",
    "Stocks.csv": b"Date,AAPL,MSFT\n2024-03-01,179.66,415.50,extra\n2024-03-04,175.10\n",  # ragged rows
    "notes.jsonl": b'{"a": 1}\nnot json\n',
    "header.csv": b"timestamp,sender,message\n",  # the columns of a chat, and no rows
}


def test_tables_beside_the_chats_that_are_no_tables_of_messages_are_passed_over(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "downloads"
    folder.mkdir()
    for name, data in OTHER_TABLES.items():
        (folder / name).write_bytes(data)
    (folder / "chat.csv").write_text("timestamp,sender,message\n2024-05-02 19:04,Ife,landlord called back!\n"
                                     "2024-05-02 19:06,Tolu,and??\n", encoding="utf-8")
    skipped: list[str] = []
    found = [c for _, convs in read_paths([folder], ImportOptions(), on_skip=lambda s, _: skipped.append(s.filename))
             for c in convs]
    assert [m.text for c in found for m in c.messages] == ["landlord called back!", "and??"]
    assert sorted(skipped) == sorted(OTHER_TABLES)
    for name in OTHER_TABLES:  # named by themselves, each is still an error that says why
        with pytest.raises(ImportFormatError):
            list(read_paths([folder / name], ImportOptions()))
    code, _out, err = run(capsys, "analyze", str(folder), "--jsonl", str(tmp_path / "m.jsonl"))
    assert code == 0, err
    assert err.count("skipped, not a chat:") == len(OTHER_TABLES) and "budget.csv" in err


def test_an_error_about_a_wide_table_names_its_first_columns_and_counts_the_rest(tmp_path: Path) -> None:
    # a Meta export flattened to CSV: a column per field of every message
    header = ",".join(f"messages.{k}.{field}" for k in range(300) for field in ("sender_name", "content"))
    wide = tmp_path / "flattened.csv"
    wide.write_text(header + "\n" + ",".join(["x"] * 600) + "\n", encoding="utf-8")
    with pytest.raises(UnknownFormatError) as caught:
        list(read_paths([wide], ImportOptions()))
    assert "'messages.5.content' and 588 more" in str(caught.value) and len(str(caught.value)) < 800


def test_camel_case_columns_are_found_as_their_words(tmp_path: Path) -> None:
    # The Ubuntu Dialogue Corpus's columns: each dialogueID one chat, `from` its author, `to` unread.
    path = tmp_path / "dialogues.csv"
    path.write_text(
        "folder,dialogueID,date,from,to,text\n"
        "3,126125.tsv,2008-04-23T14:55:00.000Z,mira_k,,my laptop won't wake from suspend since the update\n"
        "3,126125.tsv,2008-04-23T14:56:00.000Z,tbone,mira_k,which kernel are you on?\n"
        "3,64545.tsv,2009-08-01T06:22:00.000Z,dave_r,,anyone know how to mount a usb stick\n"
        "3,64545.tsv,2009-08-01T06:23:00.000Z,lisa,dave_r,plug it in and it should show in the file manager\n",
        encoding="utf-8")
    chats = parse(path)
    assert [(c.chat_id, [m.author for m in c.messages]) for c in chats] == [
        ("126125.tsv", ["mira_k", "tbone"]), ("64545.tsv", ["dave_r", "lisa"])]
    stamped = tmp_path / "export.json"
    stamped.write_text(json.dumps([
        {"conversationId": "c1", "senderName": "Ana", "TimeStamp": "2024-05-01T10:00:00", "messageText": "hi!"},
        {"conversationId": "c1", "senderName": "Bo", "TimeStamp": "2024-05-01T10:02:00", "messageText": "hey you"},
    ]), encoding="utf-8")
    [chat] = parse(stamped)
    assert (chat.chat_id, [(m.ts.minute, m.author, m.text) for m in chat.messages]) == (
        "c1", [(0, "Ana", "hi!"), (2, "Bo", "hey you")])


def test_reddit_comments_are_a_chat_per_post_each_answering_its_parent(tmp_path: Path) -> None:
    rows = [  # Pushshift's comment dumps: Unix times (some written as strings), full names for parents
        {"author": "bakes_at_night", "body": "First sourdough that rose. Does the crumb look right to you?",
         "created_utc": 1700000000, "id": "k1", "link_id": "t3_abc", "parent_id": "t3_abc", "score": 4},
        {"author": "crumbshot", "body": "That crumb is gorgeous, well done", "created_utc": "1700000300", "id": "k2",
         "link_id": "t3_abc", "parent_id": "t1_k1", "score": 2},
        {"author": "someone", "body": "[deleted]", "created_utc": 1700000400, "id": "k3", "link_id": "t3_abc",
         "parent_id": "t1_k2", "score": 1},
        {"author": "ovenless", "body": "what oven do you use?", "created_utc": 1700000500, "id": "z1",
         "link_id": "t3_zzz", "parent_id": "t3_zzz", "score": 1},
    ]
    path = tmp_path / "RC_2023-11.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    post, other = parse(path)
    assert (post.chat_id, other.chat_id) == ("t3_abc", "t3_zzz")
    assert [(m.author, m.reply_to, m.kind) for m in post.messages] == [
        ("bakes_at_night", None, MessageKind.TEXT), ("crumbshot", 0, MessageKind.TEXT),
        ("someone", 1, MessageKind.DELETED)]
    assert post.messages[1].ts - post.messages[0].ts == (datetime(2000, 1, 1, 0, 5) - datetime(2000, 1, 1))


def test_a_parent_id_without_ids_to_find_it_among_is_not_read_as_a_reply(tmp_path: Path) -> None:
    path = tmp_path / "threads.csv"
    path.write_text("timestamp,author,text,parent_id\n2024-05-01 10:00,Ana,hi!,t3_x\n"
                    "2024-05-01 10:01,Bo,hello,t1_y\n", encoding="utf-8")
    [chat] = parse(path)
    assert [m.reply_to for m in chat.messages] == [None, None]


def test_a_corpus_of_tv_lines_with_places_in_the_video_is_read_without_times(tmp_path: Path) -> None:
    # MELD's layout: StartTime and EndTime are places in the episode; Windows-1252's ’ as U+0092.
    path = tmp_path / "train_sent_emo.csv"
    path.write_text(
        "Sr No.,Utterance,Speaker,Emotion,Sentiment,Dialogue_ID,Utterance_ID,Season,Episode,StartTime,EndTime\n"
        '1,I couldn\u0092t find the keys anywhere.,Dana,sadness,negative,0,0,2,4,"00:16:16,059","00:16:19,100"\n'
        '2,Did you check the fridge? You always do that.,Mo,neutral,neutral,0,1,2,4,"00:16:19,500","00:16:22,012"\n'
        '3,Oh my God!,Dana,surprise,positive,1,0,3,7,"00:05:57,023","00:05:58,108"\n', encoding="utf-8")
    first, second = [c for _, convs in read_paths([path]) for c in convs]
    assert (first.chat_id, second.chat_id) == ("0", "1")
    assert [(m.author, m.text) for m in first.messages] == [
        ("Dana", "I couldn’t find the keys anywhere."), ("Mo", "Did you check the fridge? You always do that.")]
    assert first.messages[1].ts - first.messages[0].ts == datetime(2000, 1, 1, 0, 1) - datetime(2000, 1, 1)
    with pytest.raises(ImportFormatError, match="StartTime"):  # mapped by the user, it is read as times
        list(read_paths([path], ImportOptions(column_map={"ts": "StartTime"})))


def test_a_table_naming_the_contact_on_every_row_gives_the_sent_rows_to_the_user(tmp_path: Path) -> None:
    # A phone's texts as a table: the contact on every row, the direction beside it.
    path = tmp_path / "texts.csv"
    path.write_text("Name,Type,Date,Message\nSam,Incoming,2024-05-01 18:00,are you home yet?\n"
                    "Sam,Outgoing,2024-05-01 18:04,10 min! want anything from the shop?\n"
                    "Sam,Incoming,2024-05-01 18:05,ice cream pls\n", encoding="utf-8")
    [chat] = parse(path)
    assert [m.author for m in chat.messages] == ["Sam", "Me", "Sam"] and chat.me == "Me"
    [named] = parse(path, me="Ana")
    assert [m.author for m in named.messages] == ["Sam", "Ana", "Sam"]
    both = tmp_path / "both.csv"  # a writer's name on each row: the direction changes nothing
    both.write_text("Name,Type,Date,Message\nSam,Incoming,2024-05-01 18:00,home yet?\n"
                    "Ana,Outgoing,2024-05-01 18:04,10 min!\n", encoding="utf-8")
    [chat] = parse(both)
    assert [m.author for m in chat.messages] == ["Sam", "Ana"]
