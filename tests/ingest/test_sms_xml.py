"""The SMS Backup & Restore importer reads Android backups as the phone showed them."""

from __future__ import annotations

import contextlib
import zipfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.exporters.sms_xml import render_sms_xml
from tests.ingest._records import Rec
from tests.ingest._timezone import local_time

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.sms_xml import SmsBackupImporter
from turntoward.model import MessageKind

TEXT, MEDIA = MessageKind.TEXT, MessageKind.MEDIA

FIXTURE = Path(__file__).parent.parent / "fixtures" / "sms" / "sms-20240313.xml"


@pytest.fixture(autouse=True)
def new_york_time() -> Iterator[None]:
    """Backups store UTC instants and the phone's wall clock; the fixture's phone was in New York,
    and a machine there shows the same times where readable_date cannot be read."""
    with local_time("America/New_York"):
        yield


def parse(path: Path, **options: str) -> list:
    return list(SmsBackupImporter().parse(Source(str(path), path=path), ImportOptions(**options)))


def sms(date: int, box: int, address: str, body: str, name: str = "(Unknown)") -> str:
    return f'<sms address="{address}" date="{date}" type="{box}" body="{body}" contact_name="{name}" />'


def test_one_conversation_per_correspondent_and_one_per_group() -> None:
    conversations = parse(FIXTURE)
    assert [c.title for c in conversations] == ["Sam Rivera", "5550199", "Sam Rivera, Jo Park"]
    assert [c.chat_id for c in conversations] == [
        "sms:+15551234567", "sms:5550199", "sms:+15551234567~+15559876543",
    ]
    assert [len(c.messages) for c in conversations] == [4, 1, 2]


def test_sms_and_mms_interleave_in_time_with_authors_and_kinds() -> None:
    sam = parse(FIXTURE)[0]
    assert [(m.index, m.ts, m.author, m.kind, m.text) for m in sam.messages] == [
        (0, datetime(2024, 3, 12, 21, 4, 5), "Sam Rivera", MessageKind.TEXT, "Guess who got the job 🎉"),
        (1, datetime(2024, 3, 12, 21, 5, 40), "Me", MessageKind.TEXT, "NO WAY 😀 tell me everything"),
        (2, datetime(2024, 3, 12, 21, 6), "Sam Rivera", MessageKind.MEDIA, "the view from the new office"),
        (3, datetime(2024, 3, 12, 21, 9, 30), "Sam Rivera", MessageKind.TEXT,
         "Starting in April.\nReal desk, window & all"),
    ]
    assert sam.me == "Me"
    assert sam.source_format == "sms_xml"


def test_drafts_and_failed_messages_are_not_part_of_the_conversation() -> None:
    texts = [m.text for c in parse(FIXTURE) for m in c.messages]
    assert "ok so about friday" not in texts
    assert "(failed to send) proud of you" not in texts
    assert "draft: should we invite" not in texts


def test_group_mms_sender_comes_from_the_from_address() -> None:
    group = parse(FIXTURE, me="Alex")[2]
    assert [(m.author, m.text) for m in group.messages] == [
        ("Jo Park", "Celebration dinner for Sam on Friday? 🥰"),
        ("Alex", "Yes!! I booked a table"),
    ]


def test_a_group_listing_the_users_own_number_on_some_messages_is_one_conversation(tmp_path: Path) -> None:
    def mms(date: int, box: int, address: str, sender: str, text: str) -> str:
        return (f'<mms date="{date}" msg_box="{box}" address="{address}" contact_name="Sam Rivera, Jo Park">'
                f'<parts><part seq="0" ct="text/plain" text="{text}" /></parts>'
                f'<addrs><addr address="{sender}" type="137" charset="106" /></addrs></mms>')

    path = tmp_path / "sms.xml"
    group, with_me = "+15551234567~+15559876543", "+15551234567~+15559876543~+15550000000"
    path.write_text('<smses count="2">'
                    + mms(1710332100000, 2, group, "+1 555 000 0000", "lake on Saturday?")
                    + mms(1710332160000, 1, with_me, "+15559876543", "yes!")
                    + "</smses>")
    [group] = parse(path)
    assert [(m.author, m.text) for m in group.messages] == [("Me", "lake on Saturday?"), ("Jo Park", "yes!")]
    assert group.chat_id == "sms:+15551234567~+15559876543"


def test_one_contact_written_with_and_without_the_country_code_is_one_conversation(tmp_path: Path) -> None:
    path = tmp_path / "sms.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><smses count="6">'
        + sms(1710332100000, 1, "+13205550134", "garage door is stuck", "Noor Haddad")
        + sms(1710332160000, 2, "3205550134", "on my way, 20 min")
        + sms(1710332220000, 1, "+447700900123", "landed!", "Ellis")
        + sms(1710332280000, 2, "07700 900123", "welcome back")
        + sms(1710332340000, 1, "+13215550134", "wrong number?")  # same last seven digits, other person
        + sms(1710332400000, 1, "5550134", "who is this")  # ends two longer numbers: left alone
        + "</smses>"
    )
    conversations = parse(path)
    assert [(c.chat_id, c.title, len(c.messages)) for c in conversations] == [
        ("sms:+13205550134", "Noor Haddad", 2),
        ("sms:+447700900123", "Ellis", 2),
        ("sms:+13215550134", "+13215550134", 1),
        ("sms:5550134", "5550134", 1),
    ]
    assert [m.author for m in conversations[0].messages] == ["Noor Haddad", "Me"]


def test_a_sender_named_in_letters_is_shown_as_the_phone_shows_it(tmp_path: Path) -> None:
    path = tmp_path / "sms.xml"
    path.write_text(
        '<?xml version="1.0" encoding="utf-8"?><smses count="2">'
        + sms(1710332100000, 1, "M-Money", "You have received 5,000 RWF", "(Unknown)")
        + sms(1710332160000, 1, "AX-HDFCBK", "Your OTP is 1234", "(Unknown)")
        + "</smses>"
    )
    assert [(c.title, [m.author for m in c.messages]) for c in parse(path)] == [
        ("M-Money", ["M-Money"]), ("AX-HDFCBK", ["AX-HDFCBK"]),
    ]


def test_an_unknown_contact_is_shown_by_number() -> None:
    assert parse(FIXTURE)[1].people == ["5550199"]


def test_detection_and_zip_members(tmp_path: Path) -> None:
    assert detect(Source(str(FIXTURE), path=FIXTURE)).name == "sms_xml"  # type: ignore[union-attr]
    archive = tmp_path / "backup.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(FIXTURE, "SMSBackupRestore/sms-20240313.xml")
    [(_, conversations)] = list(read_paths([archive]))
    assert [len(c.messages) for c in conversations] == [4, 1, 2]


@pytest.mark.parametrize("chunk", [5, 7, 11, 13, 17, 64])
def test_a_reference_pair_cut_between_reads_is_still_joined(
    chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Real backups are read a megabyte at a time; tiny reads cut every pair at every offset.
    monkeypatch.setattr("turntoward.ingest.sms_xml._CHUNK", chunk)
    texts = [m.text for c in parse(FIXTURE) for m in c.messages]
    assert texts == [
        "Guess who got the job 🎉",
        "NO WAY 😀 tell me everything",
        "the view from the new office",
        "Starting in April.\nReal desk, window & all",
        "Your table for 2 is confirmed for Fri 7pm",
        "Celebration dinner for Sam on Friday? 🥰",
        "Yes!! I booked a table",
    ]


@pytest.mark.parametrize("cut", [
    "in the middle of a tag", "between two messages", "inside an emoji's UTF-8 bytes",
])
def test_a_backup_cut_off_is_refused_saying_where_and_after_how_many_messages(tmp_path: Path, cut: str) -> None:
    path = _backup(
        tmp_path,
        _sms_at("2024-03-12T21:04:05", "Mar 12, 2024 5:04:05 PM", "are you home yet?"),
        _sms_at("2024-03-12T21:05:40", "Mar 12, 2024 5:05:40 PM", "5 min", box=2),
        _sms_at("2024-03-12T21:06:00", "Mar 12, 2024 5:06:00 PM", "ok I'll start dinner 🍝"),
    )
    data = path.read_bytes()
    end = {
        "in the middle of a tag": data.index(b'<sms protocol', data.index(b"5 min")) + 40,
        "between two messages": data.index(b"/>", data.index(b"5 min")) + 3,
        "inside an emoji's UTF-8 bytes": data.index("🍝".encode()) + 2,
    }[cut]
    path.write_bytes(data[:end])
    with pytest.raises(ImportFormatError) as caught:
        parse(path)
    assert str(caught.value) == (
        f"{path}:5: expected the rest of the backup: it is cut off at line 5, after 2 complete messages"
        " (the backup was probably interrupted, or the file not copied whole); nothing was imported:"
        " make the backup again, found 'the end of the file'"
    )


def test_broken_xml_before_the_end_is_not_called_cut_off(tmp_path: Path) -> None:
    path = _backup(tmp_path, _sms_at("2024-03-12T21:04:05", None, "fish & chips?"))
    with pytest.raises(ImportFormatError, match=r"sms\.xml:3: expected .* well-formed XML, found 'not well-formed"):
        parse(path)


def test_a_document_type_with_entities_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "sms.xml"
    path.write_text('<?xml version="1.0"?><!DOCTYPE smses [<!ENTITY a "aaaaaaaaaa">]>'
                    '<smses count="1"><sms address="1" date="1" type="1" body="&a;&a;" /></smses>')
    with pytest.raises(ImportFormatError, match="without a document type"):
        parse(path)


def test_an_unreadable_date_names_the_message(tmp_path: Path) -> None:
    path = tmp_path / "sms.xml"
    path.write_text('<smses count="2"><sms address="1" date="1710291845000" type="1" body="hi" />'
                    '<sms address="1" date="yesterday" type="1" body="hi" /></smses>')
    with pytest.raises(ImportFormatError, match=r"at message 2 \(<sms>\): expected a date attribute"):
        parse(path)
    path.write_text('<smses count="1"><sms address="1" type="1" body="hi" readable_date="Feb 4, 2016 17:40:43" />'
                    '</smses>')
    with pytest.raises(ImportFormatError, match=r"at message 1 \(<sms>\): expected a date attribute .*has none"):
        parse(path)


def test_another_xml_document_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "calls.xml"
    path.write_text('<?xml version="1.0"?><calls count="0"></calls>')
    with pytest.raises(ImportFormatError, match="found '<calls>'"):
        parse(path)


def test_renderer_round_trip_for_a_couple_and_a_group(tmp_path: Path) -> None:
    couple = [
        Rec(datetime(2024, 5, 1, 7, 30), "Sam", "morning ☀️ did you sleep ok?"),
        Rec(datetime(2024, 5, 1, 7, 32), "Me", "like a rock 😴\n& you?"),
        Rec(datetime(2024, 5, 1, 7, 40), "Sam", "", "media"),
        Rec(datetime(2024, 5, 1, 7, 41), "Sam", "look at this <3", "media"),
    ]
    group = [*couple[:2], Rec(datetime(2024, 5, 1, 7, 35), "Jo", "same 🙌")]
    for records in (couple, group):
        [conversation] = parse(render_sms_xml(records, tmp_path / "sms.xml"))
        assert [(m.ts, m.author, m.text, m.kind.value) for m in conversation.messages] == sorted(
            (r.ts, r.author, r.text, r.kind) for r in records
        )


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_only_ever_raise_an_import_error(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "sms.xml"
    path.write_bytes(data)
    with contextlib.suppress(ImportFormatError):
        parse(path)


_names = st.sampled_from(["smses", "sms", "mms", "part", "addr", "parts", "addrs", "x"])
_attrs = st.dictionaries(
    st.sampled_from(["address", "date", "type", "msg_box", "body", "ct", "text", "contact_name"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=12)
    | st.integers(-(10**15), 10**15).map(str),
    max_size=5,
)


@st.composite
def xml_documents(draw: st.DrawFn, depth: int = 0) -> str:
    tag = "smses" if depth == 0 else draw(_names)
    attrs = "".join(f' {k}="{v.replace("&", "&amp;").replace("<", "&lt;").replace(chr(34), "&quot;")}"'
                    for k, v in draw(_attrs).items())
    children = [draw(xml_documents(depth + 1)) for _ in range(draw(st.integers(0, 3 if depth < 3 else 0)))]
    return f"<{tag}{attrs}>{''.join(children)}</{tag}>"


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(xml_documents(), st.integers(0, 400))
def test_arbitrary_xml_only_ever_raises_an_import_error(tmp_path: Path, document: str, cut: int) -> None:
    path = tmp_path / "sms.xml"
    data = document.encode()
    path.write_bytes(data[: len(data) - cut] if cut < len(data) else data)
    with contextlib.suppress(ImportFormatError):
        parse(path)


def _sms_at(utc: str, readable: str | None, body: str, box: int = 1) -> str:
    millis = round(datetime.fromisoformat(utc + "+00:00").timestamp() * 1000)
    shown = "" if readable is None else f' readable_date="{readable}"'
    return (f'<sms protocol="0" address="+15551234567" date="{millis}" type="{box}" body="{body}"'
            f' read="1" status="-1"{shown} contact_name="Sam Rivera" />')


def _backup(tmp_path: Path, *elements: str) -> Path:
    path = tmp_path / "sms.xml"
    path.write_text("<?xml version='1.0' encoding='UTF-8' standalone='yes' ?>\n"
                    f'<smses count="{len(elements)}">\n' + "\n".join(elements) + "\n</smses>\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("machine", ["America/New_York", "Asia/Tokyo", "UTC"])
def test_times_are_the_phones_wall_clock_wherever_the_backup_is_read(tmp_path: Path, machine: str) -> None:
    # A phone in Los Angeles (UTC-8 in winter, UTC-7 in summer) writing its locale's readable_date.
    path = _backup(
        tmp_path,
        _sms_at("2017-12-02T14:49:27.463", "Dec 2, 2017 06:49:27", "morning! coffee later?"),
        _sms_at("2018-07-05T04:15:00", "Jul 4, 2018 9:15:00 PM", "fireworks from the roof 🎆", box=2),
        _sms_at("2018-07-05T15:00:00", "2018/07/05 08:00:00", "so tired today"),
        _sms_at("2018-07-06T01:30:00", "05.07.2018 18:30", "home now"),
    )
    with local_time(machine):
        [chat] = parse(path)
    assert [(m.ts, m.author) for m in chat.messages] == [
        (datetime(2017, 12, 2, 6, 49, 27, 463000), "Sam Rivera"),
        (datetime(2018, 7, 4, 21, 15), "Me"),
        (datetime(2018, 7, 5, 8, 0), "Sam Rivera"),
        (datetime(2018, 7, 5, 18, 30), "Sam Rivera"),
    ]


def test_the_phones_offset_is_found_across_the_date_line_and_in_day_first_locales(tmp_path: Path) -> None:
    path = _backup(
        tmp_path,
        _sms_at("2023-12-31T21:00:00", "Jan 1, 2024 10:00:00 AM", "happy new year from Auckland!"),  # UTC+13
        _sms_at("2024-01-01T02:08:38", "1 Jan. 2024 02:08:38", "back in London"),  # UTC
        _sms_at("2024-01-02T12:18:26", "2 janv. 2024 13:18:26", "bien arrivée à Paris"),  # "janv." is read by its "jan"
        _sms_at("2024-01-03T04:00:00", "3 Jan 2024 09:30:00", "landed in Delhi"),  # UTC+5:30
    )
    with local_time("UTC"):
        [chat] = parse(path)
    assert [m.ts for m in chat.messages] == [
        datetime(2024, 1, 1, 10), datetime(2024, 1, 1, 2, 8, 38), datetime(2024, 1, 2, 13, 18, 26),
        datetime(2024, 1, 3, 9, 30),
    ]


@pytest.mark.parametrize("readable", [
    None,  # no readable_date at all
    "2 déc. 2017 06:49:27",  # a month name that is not English
    "2017. 12. 2. 오전 6:49:27",  # a day-period word other than AM/PM
    "Dec 3, 2017 06:49:27",  # more than 14 hours from the instant: edited by hand
    "Dec 2, 2017 06:52:27",  # not a whole quarter of an hour from it
])
def test_a_readable_date_that_cannot_be_read_leaves_the_machines_zone(tmp_path: Path, readable: str | None) -> None:
    path = _backup(tmp_path, _sms_at("2017-12-02T14:49:27", readable, "hi"))
    with local_time("Asia/Tokyo"):
        [chat] = parse(path)
    assert chat.messages[0].ts == datetime(2017, 12, 2, 23, 49, 27)  # 14:49:27 UTC in Tokyo


def _mms_at(utc: str, box: int, address: str, sender: str, parts: str, name: str = "Sam Rivera") -> str:
    millis = round(datetime.fromisoformat(utc + "+00:00").timestamp() * 1000)
    return (f'<mms date="{millis}" msg_box="{box}" address="{address}" m_type="{128 if box == 2 else 132}"'
            f' contact_name="{name}"><parts>{parts}</parts>'
            f'<addrs><addr address="{sender}" type="137" charset="106" /></addrs></mms>')


_SMIL = '<part seq="-1" ct="application/smil" text="&lt;smil&gt;&lt;/smil&gt;" />'
_PHOTO = f'<part seq="0" ct="image/jpeg" name="IMG_0001.jpg" text="null" data="{"A" * 40}" />'


def test_a_message_backed_up_twice_is_read_once(tmp_path: Path) -> None:
    path = _backup(
        tmp_path,
        _sms_at("2024-03-12T21:04:05", None, "dinner at 8?"),
        _sms_at("2024-03-12T21:04:05", None, "dinner at 8?"),  # the same message again
        _sms_at("2024-03-12T21:04:05", None, "dinner at 8?", box=2),  # same words, but sent: another message
        _sms_at("2024-03-12T21:05:00", None, "dinner at 8?"),  # same words, later: another message
        _mms_at("2024-03-12T21:06:00", 1, "+15551234567", "+15551234567", _SMIL + _PHOTO),
        _mms_at("2024-03-12T21:06:00", 1, "+15551234567", "+15551234567", _SMIL + _PHOTO),
        _mms_at("2024-03-12T21:06:00", 1, "+15551234567", "+15551234567",
                _SMIL + _PHOTO.replace("A" * 40, "B" * 40)),  # another picture at the same second
    )
    [chat] = parse(path)
    assert [(m.author, m.kind, m.text) for m in chat.messages] == [
        ("Sam Rivera", TEXT, "dinner at 8?"),
        ("Me", TEXT, "dinner at 8?"),
        ("Sam Rivera", TEXT, "dinner at 8?"),
        ("Sam Rivera", MEDIA, ""),
        ("Sam Rivera", MEDIA, ""),
    ]


def test_messages_with_nothing_in_them_are_notices_not_empty_words(tmp_path: Path) -> None:
    path = _backup(
        tmp_path,
        _sms_at("2024-03-12T21:04:05", None, "are you coming?"),
        _sms_at("2024-03-12T21:04:30", None, ""),
        _mms_at("2024-03-12T21:05:00", 1, "+15551234567", "+15551234567", ""),  # no parts at all
        _mms_at("2024-03-12T21:05:30", 1, "+15551234567", "+15551234567",
                _SMIL + '<part seq="0" ct="text/plain" text="null" />'),  # a text part without text
        _sms_at("2024-03-12T21:06:00", None, "yes, leaving now", box=2),
    )
    with local_time("UTC"):
        [chat] = parse(path)
    assert [(m.index, m.author, m.text) for m in chat.messages] == [
        (0, "Sam Rivera", "are you coming?"), (1, "Me", "yes, leaving now"),
    ]
    assert [(e.ts, e.author, e.text) for e in chat.system_events] == [
        (datetime(2024, 3, 12, 21, 4, 30), "Sam Rivera", "empty text message"),
        (datetime(2024, 3, 12, 21, 5), "Sam Rivera", "empty picture message"),
        (datetime(2024, 3, 12, 21, 5, 30), "Sam Rivera", "empty picture message"),
    ]


def test_an_rcs_group_is_titled_by_its_address_as_written(tmp_path: Path) -> None:
    text = '<part seq="0" ct="text/plain" text="{}" />'
    group = "group_8@rcs.google.com"
    path = _backup(
        tmp_path,
        _mms_at("2024-03-12T21:04:05", 1, group, "+15551234567", text.format("lake on Sat?"), "(Unknown)"),
        _mms_at("2024-03-12T21:05:00", 2, group, "insert-address-token", text.format("in!"), "(Unknown)"),
    )
    [chat] = parse(path)
    assert chat.title == "group_8@rcs.google.com"
    assert [(m.author, m.text) for m in chat.messages] == [("+15551234567", "lake on Sat?"), ("Me", "in!")]
