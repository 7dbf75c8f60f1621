"""The WhatsApp importer reads real exports of every layout, clock and language, and nothing else."""

from __future__ import annotations

import contextlib
import random
import zipfile
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.exporters.whatsapp import ChatRecord, render_whatsapp, zip_whatsapp

from turntoward.errors import ImportFormatError
from turntoward.ingest import ImportOptions, Source, detect, importers, read_paths
from turntoward.ingest import whatsapp as whatsapp_module
from turntoward.ingest._whatsapp_dates import named_date_table
from turntoward.model import Conversation, MessageKind

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "whatsapp"
TEXT, MEDIA, DELETED = MessageKind.TEXT, MessageKind.MEDIA, MessageKind.DELETED
LRM = "\u200e"


def read(name: str | Path, **options: str) -> list[Conversation]:
    path = name if isinstance(name, Path) else FIXTURES / name
    fmt = None if path.suffix == ".zip" else "whatsapp"  # a zip's photos are skipped by detection
    return [c for _, convs in read_paths([path], ImportOptions(**options), fmt=fmt) for c in convs]


def read_one(name: str | Path, **options: str) -> Conversation:
    (conversation,) = read(name, **options)
    return conversation


def parse_text(tmp_path: Path, text: str | bytes, name: str = "WhatsApp Chat with Sam.txt") -> Conversation:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return read_one(path)


# --- Android ---------------------------------------------------------------------------------


def test_android_export_reads_every_message_in_file_order_with_its_kind() -> None:
    chat = read_one("WhatsApp Chat with Sam.txt")
    assert chat.source_format == "whatsapp"
    assert chat.title == "Sam"
    assert chat.chat_id is None and chat.me is None
    assert chat.people == ["Alex", "Sam"]
    assert [m.index for m in chat.messages] == list(range(15))
    assert [m.kind for m in chat.messages] == [
        TEXT,
        TEXT,
        TEXT,
        MEDIA,
        MEDIA,
        TEXT,
        TEXT,
        TEXT,
        DELETED,
        DELETED,
        TEXT,
        MEDIA,
        TEXT,
        TEXT,
        TEXT,
    ]
    first = chat.messages[0]
    assert (first.ts, first.author, first.text) == (
        datetime(2024, 2, 14, 8, 1),
        "Alex",
        "Morning love ❤️ happy valentine's",
    )
    assert chat.messages[-1].ts == datetime(2024, 2, 15, 23, 59)
    assert chat.messages[-1].text == "always. love you"


def test_continuation_lines_belong_to_the_message_above_even_when_they_start_with_a_date() -> None:
    chat = read_one("WhatsApp Chat with Sam.txt")
    assert chat.messages[1].text == "Happy valentine's!! 🥰\nMade you something, it's on the kitchen table"
    assert chat.messages[6].text == (
        "Lunch plans:\n1. the noodle place\n2. 14/02/2024 is also the day we booked dinner, so something light"
    )
    poll = chat.messages[12]  # a poll reads as its question, as Telegram's do
    assert poll.kind == TEXT and poll.text == "Dessert?"


def test_media_keeps_the_text_the_export_shows() -> None:
    chat = read_one("WhatsApp Chat with Sam.txt")
    assert chat.messages[3].text == "<Media omitted>"
    assert chat.messages[4].text == (
        "IMG-20240214-WA0003.jpg (file attached)\nyou made pancakes in the shape of our cat"
    )
    assert chat.messages[11].text == "location: https://maps.google.com/?q=51.5194,-0.1270"


def test_edited_messages_lose_the_marker_and_are_flagged() -> None:
    chat = read_one("WhatsApp Chat with Sam.txt")
    edited = [m for m in chat.messages if m.edited]
    assert [(m.author, m.text) for m in edited] == [("Sam", "see you at 1")]


def test_encryption_notice_is_a_system_event_without_an_index() -> None:
    chat = read_one("WhatsApp Chat with Sam.txt")
    (notice,) = chat.system_events
    assert notice.text.startswith("Messages and calls are end-to-end encrypted.")
    assert notice.ts == datetime(2024, 2, 14, 8, 1)
    assert all(not m.text.startswith("Messages and calls") for m in chat.messages)


def test_us_android_export_reads_every_way_of_writing_am_and_pm() -> None:
    chat = read_one("android_us_12h.txt")
    assert [m.ts for m in chat.messages] == [
        datetime(2023, 12, 31, 23, 58),
        datetime(2023, 12, 31, 23, 59),
        datetime(2024, 1, 1, 0, 0),
        datetime(2024, 1, 1, 0, 4),
        datetime(2024, 1, 1, 13, 30),
        datetime(2024, 1, 13, 19, 5),
    ]
    assert chat.people == ["Mom", "Dana"]


def test_an_hour_of_zero_or_past_twelve_beside_am_or_pm_is_read_as_it_stands(tmp_path: Path) -> None:
    # Some phones write a 24-hour reading and still add the marker; every other header is 12-hour.
    chat = parse_text(
        tmp_path,
        "06/19/2020, 11:52 p. m. - Lucía: ¿sigues despierta?\n"
        "06/20/2020, 00:08 a. m. - Marta: sí, leyendo\n"
        "06/20/2020, 12:15 a. m. - Lucía: yo también\n"
        "06/20/2020, 23:40 p. m. - Marta: otra vez tarde\n",
    )
    assert [m.ts for m in chat.messages] == [
        datetime(2020, 6, 19, 23, 52),
        datetime(2020, 6, 20, 0, 8),
        datetime(2020, 6, 20, 0, 15),
        datetime(2020, 6, 20, 23, 40),
    ]


def test_an_hour_past_twenty_three_is_still_an_impossible_time(tmp_path: Path) -> None:
    path = tmp_path / "late.txt"
    path.write_text("1/29/18, 11:58 PM - Ana: hi\n1/29/18, 24:10 PM - Ben: hey\n")
    expect_error(path, 2, "a real date and time")


@pytest.mark.parametrize("header", ["14/02/2023, 22:41 - ", "[14/02/2023, 22:41:07] ", "14/02/2023, 10:41\u202fPM - "])
def test_a_name_with_nothing_after_it_is_an_empty_media_message_by_that_person(tmp_path: Path, header: str) -> None:
    # A view-once photo that has expired leaves only "Name:" on the line.
    lines = [
        header.replace("22:41", "22:40").replace("10:41", "10:40") + "Rosa: look at this",
        header + "Rosa:",
        header.replace("22:41", "22:42").replace("10:41", "10:42") + "Ivo: it vanished already",
    ]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n")
    assert [(m.author, m.kind, m.text) for m in chat.messages] == [
        ("Rosa", TEXT, "look at this"),
        ("Rosa", MEDIA, ""),
        ("Ivo", TEXT, "it vanished already"),
    ]
    assert chat.system_events == []


def test_indonesian_android_export_with_a_dot_between_hours_and_minutes(tmp_path: Path) -> None:
    chat = parse_text(
        tmp_path,
        "28/10/23 21.58 - Dimas: sudah sampai?\n28/10/23 22.03 - Wulan: baru saja\n29/10/23 07.15 - Dimas: pagi\n",
        name="WhatsApp Chat with Wulan.txt",
    )
    assert [(m.ts, m.author) for m in chat.messages] == [
        (datetime(2023, 10, 28, 21, 58), "Dimas"),
        (datetime(2023, 10, 28, 22, 3), "Wulan"),
        (datetime(2023, 10, 29, 7, 15), "Dimas"),
    ]


def test_indonesian_and_turkish_media_deletions_and_edits_are_told_from_words(tmp_path: Path) -> None:
    indonesian = parse_text(
        tmp_path,
        "05/11/23 19.02 - Rina: <Media tidak disertakan>\n"
        "05/11/23 19.03 - Rina: \u200eIMG-20231105-WA0007.jpg (file terlampir)\n"
        "05/11/23 19.04 - Agus: bagus!\n",
        name="WhatsApp Chat with Rina.txt",
    )
    assert [m.kind for m in indonesian.messages] == [MEDIA, MEDIA, TEXT]
    turkish = parse_text(
        tmp_path,
        "2.10.2024 13:33 - Elif: \u200eIMG-20241002-WA0001.jpg (dosya ekli)\nyeni ev\n"
        "2.10.2024 13:34 - Elif: Bu mesaj silindi\n"
        "2.10.2024 13:35 - Emre: çok güzel <Bu mesaj düzenlendi>\n"
        "2.10.2024 13:36 - Emre: <Medya dahil edilmedi>\n",
        name="WhatsApp Chat with Elif.txt",
    )
    assert [m.kind for m in turkish.messages] == [MEDIA, DELETED, TEXT, MEDIA]
    assert [m.edited for m in turkish.messages] == [False, False, True, False]
    assert turkish.messages[2].text == "çok güzel"


def test_finnish_ios_export_with_klo_before_a_dotted_time(tmp_path: Path) -> None:
    lines = [
        "[4.2.2023 klo 9.05.12] Aino: huomenta",
        "[4.2.2023 klo 9.06.40] Eetu: huomenta, lähdetkö hiihtämään?",
        "12.30 sopisi minulle",  # a continuation line that only looks like a time
        "[14.2.2023 klo 18.00.03] Aino: \u200eimage omitted",
    ]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n", name="_chat.txt")
    assert [(m.ts, m.author, m.kind) for m in chat.messages] == [
        (datetime(2023, 2, 4, 9, 5, 12), "Aino", TEXT),
        (datetime(2023, 2, 4, 9, 6, 40), "Eetu", TEXT),
        (datetime(2023, 2, 14, 18, 0, 3), "Aino", MEDIA),
    ]
    assert chat.messages[1].text == "huomenta, lähdetkö hiihtämään?\n12.30 sopisi minulle"


def test_korean_android_export_with_the_day_period_before_the_time() -> None:
    chat = read_one("WhatsApp Chat with Min-jun (ko).txt")
    assert chat.people == ["민준", "서연"]
    assert [(m.ts, m.author) for m in chat.messages] == [
        (datetime(2023, 11, 4, 11, 58), "민준"),
        (datetime(2023, 11, 4, 12, 3), "서연"),  # 오후 12:03 is just after noon
        (datetime(2023, 11, 4, 19, 41), "민준"),
        (datetime(2023, 11, 5, 0, 15), "서연"),  # 오전 12:15 is just after midnight
    ]
    assert chat.messages[1].text == "국수 어때\n아니면 김밥도 좋아"


def test_korean_ios_export_with_the_day_period_inside_the_brackets(tmp_path: Path) -> None:
    lines = [
        "[2024. 1. 20. 오전 9:05:12] 지우: 출발했어?",
        "[2024. 1. 20. 오후 12:00:40] 하준: 방금 도착",
        "2024. 1. 21. 오후에 다시 갈게",  # a continuation line that starts like a date
        "[2024. 1. 20. 오후 10:30:03] 지우: 알았어",
    ]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n", name="_chat.txt")
    assert [(m.ts, m.author) for m in chat.messages] == [
        (datetime(2024, 1, 20, 9, 5, 12), "지우"),
        (datetime(2024, 1, 20, 12, 0, 40), "하준"),
        (datetime(2024, 1, 20, 22, 30, 3), "지우"),
    ]
    assert chat.messages[1].text == "방금 도착\n2024. 1. 21. 오후에 다시 갈게"


def test_chinese_android_export_with_shangwu_and_xiawu_before_the_time() -> None:
    chat = read_one("WhatsApp Chat with Mei (zh).txt")
    assert chat.people == ["小林", "阿梅"]
    assert [(m.ts, m.author) for m in chat.messages] == [
        (datetime(2022, 3, 9, 11, 47), "小林"),
        (datetime(2022, 3, 9, 12, 2), "阿梅"),
        (datetime(2022, 3, 9, 20, 30), "小林"),
        (datetime(2022, 3, 10, 0, 5), "阿梅"),
    ]
    assert chat.messages[1].text == "有的\n三点以后都可以"


def test_arabic_android_export_with_right_to_left_marks_in_the_date_and_the_period_after() -> None:
    chat = read_one("WhatsApp Chat with Karim (ar).txt")
    assert chat.people == ["ليلى", "كريم"]
    assert [(m.ts, m.author) for m in chat.messages] == [
        (datetime(2021, 2, 5, 11, 50), "ليلى"),
        (datetime(2021, 2, 5, 12, 10), "كريم"),
        (datetime(2021, 2, 5, 18, 45), "ليلى"),
        (datetime(2021, 2, 6, 0, 20), "كريم"),
    ]
    assert chat.messages[1].text == "أهلا\nكيف الحال؟"


def test_arabic_export_with_arabic_indic_digits_and_an_arabic_comma(tmp_path: Path) -> None:
    # ٢٣/٩/٢٠٢٠، ١١:٤٠ ص and so on: Arabic-Indic digits, U+200F after each number, U+060C.
    lines = [
        "٢٣\u200f/٩\u200f/٢٠٢٠، ١١:٤٠ ص - سلمى: وصلت؟",
        "٢٣\u200f/٩\u200f/٢٠٢٠، ١٢:٠٥ م - يوسف: نعم",
        "في المحطة",
        "٢٣\u200f/٩\u200f/٢٠٢٠، ٩:١٥ م - سلمى: تمام",
        "٢٤\u200f/٩\u200f/٢٠٢٠، ١٢:٣٠ ص - يوسف: تصبحين على خير",
    ]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n", name="WhatsApp Chat with Yusuf.txt")
    assert [(m.ts, m.author) for m in chat.messages] == [
        (datetime(2020, 9, 23, 11, 40), "سلمى"),
        (datetime(2020, 9, 23, 12, 5), "يوسف"),
        (datetime(2020, 9, 23, 21, 15), "سلمى"),
        (datetime(2020, 9, 24, 0, 30), "يوسف"),
    ]
    assert chat.messages[1].text == "نعم\nفي المحطة"


def test_an_export_cut_off_after_a_korean_day_period_is_an_error(tmp_path: Path) -> None:
    text = "2023. 11. 4. 오전 11:58 - 민준: 점심 뭐 먹을까?\n2023. 11. 4. 오후 1"
    (tmp_path / "cut.txt").write_text(text, encoding="utf-8")
    expect_error(tmp_path / "cut.txt", 2, "it may have been cut off")


def test_french_export_with_a_before_the_time(tmp_path: Path) -> None:
    lines = ["02.05.18 à 18:00 - Michel: on se voit où ?", "devant la gare", "02.05.18 à 18:04 - Zoé: ok"]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n", name="WhatsApp Chat with Zoé.txt")
    assert [(m.ts, m.author, m.text) for m in chat.messages] == [
        (datetime(2018, 5, 2, 18, 0), "Michel", "on se voit où ?\ndevant la gare"),
        (datetime(2018, 5, 2, 18, 4), "Zoé", "ok"),
    ]


def test_year_first_dates_without_a_comma() -> None:
    chat = read_one("android_ymd.txt")
    assert [m.ts for m in chat.messages] == [
        datetime(2024, 3, 12, 7, 45),
        datetime(2024, 3, 12, 7, 46),
        datetime(2024, 3, 12, 21, 4),
        datetime(2024, 3, 13, 6, 30),
    ]


def test_german_export_with_dotted_short_dates_and_german_markers() -> None:
    chat = read_one("WhatsApp Chat mit Oma.txt")
    assert chat.title == "Oma"
    assert len(chat.system_events) == 1
    assert [(m.author, m.kind) for m in chat.messages] == [
        ("Oma", TEXT),
        ("Lena", TEXT),
        ("Oma", MEDIA),
        ("Oma", DELETED),
        ("Lena", TEXT),
    ]
    assert chat.messages[0].ts == datetime(2024, 2, 3, 10, 15)
    assert chat.messages[-1].ts == datetime(2024, 2, 13, 18, 0)
    assert chat.messages[-1].edited and chat.messages[-1].text == "Bis Sonntag zum Kuchen 🍰"


def test_a_shared_live_location_in_german_is_media(tmp_path: Path) -> None:
    chat = parse_text(
        tmp_path,
        "03.02.22, 19:10 - Jonas: wo seid ihr?\n03.02.22, 19:11 - Lena: Live-Standort wird geteilt.\n",
        name="WhatsApp Chat mit Lena.txt",
    )
    assert [(m.kind, m.text) for m in chat.messages] == [(TEXT, "wo seid ihr?"), (MEDIA, "Live-Standort wird geteilt.")]


@pytest.mark.parametrize("name", ["crlf_bom.txt", "lone_cr.txt"])
def test_windows_and_old_mac_line_endings_read_like_plain_newlines(name: str) -> None:
    chat = read_one(name)
    assert [(m.author, m.ts) for m in chat.messages] == [
        ("Noor", datetime(2024, 6, 5, 9, 0)),
        ("Eli", datetime(2024, 6, 5, 9, 1)),
    ]
    assert "\r" not in chat.messages[0].text and "\ufeff" not in chat.messages[0].author
    assert chat.messages[0].text in ("first line\nsecond line", "one\ntwo")


# --- iOS ---------------------------------------------------------------------------------------


def test_ios_export_with_seconds_and_a_narrow_no_break_space_before_pm() -> None:
    chat = read_one("WhatsApp Chat - Jordan.txt")
    assert chat.title == "Jordan"
    assert len(chat.messages) == 17
    assert chat.messages[0].ts == datetime(2024, 3, 9, 21, 15, 2)
    assert chat.messages[8].ts == datetime(2024, 3, 9, 23, 59, 59)
    assert chat.messages[9].ts == datetime(2024, 3, 10, 0, 0, 30)  # 12:00:30 AM is just after midnight
    assert chat.messages[3].text == "WHAT\nno way\nI'm so proud of you 🎉"


def test_a_byte_order_mark_just_inside_the_first_bracket_is_read_past(tmp_path: Path) -> None:
    # Seen in a German iOS export re-saved by an editor: the mark lands after "[" on line one.
    text = "[\ufeff04.05.21, 18:30:12] Lena: bist du schon da?\n\ufeff[04.05.21, 18:31:40] Jonas: fast da\n"
    path = tmp_path / "_chat.txt"
    path.write_text(text, encoding="utf-8")
    assert detect(Source(str(path), path=path)) is importers()["whatsapp"]
    chat = read_one(path)
    assert [(m.ts, m.author, m.text) for m in chat.messages] == [
        (datetime(2021, 5, 4, 18, 30, 12), "Lena", "bist du schon da?"),
        (datetime(2021, 5, 4, 18, 31, 40), "Jonas", "fast da"),
    ]


def test_ios_media_with_a_caption_or_file_name_before_the_notice_is_media(tmp_path: Path) -> None:
    lines = [
        "[24-12-2024, 18:02:11] Oma Riet: Fijne kerst allemaal! \u200eafbeelding weggelaten",
        "\u200e[24-12-2024, 18:05:40] Sanne: rooster.pdf • \u200e2 pagina's \u200edocument weggelaten",
        "[24-12-2024, 18:06:02] Sanne: jullie ook!",
    ]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n", name="_chat.txt")
    assert [m.kind for m in chat.messages] == [MEDIA, MEDIA, TEXT]
    assert chat.messages[0].text == "Fijne kerst allemaal! \u200eafbeelding weggelaten"


def test_german_ios_edit_marker_with_a_full_stop_is_stripped_and_flagged(tmp_path: Path) -> None:
    chat = parse_text(
        tmp_path,
        "[14.03.24, 07:45:10] Mia: bin um 8 da \u200e<Diese Nachricht wurde bearbeitet.>\n",
        name="_chat.txt",
    )
    assert [(m.text, m.edited) for m in chat.messages] == [("bin um 8 da", True)]


def test_ios_attachment_after_a_caption_is_media(tmp_path: Path) -> None:
    lines = [
        "[2/1/26, 08:08:17] Lupita: mira el pastel \u200e<attached: 00000101-PHOTO-2026-01-02-08-08-17.jpg>",
        "[2/1/26, 08:09:00] Beto: qué rico",
        "[2/1/26, 08:10:00] Beto: el <b> no sirve aquí <ok>",
    ]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n", name="_chat.txt")
    assert [m.kind for m in chat.messages] == [MEDIA, TEXT, TEXT]


def test_spanish_ios_media_written_with_a_capital_is_media_not_a_notice(tmp_path: Path) -> None:
    lines = [
        "[3/2/23, 20:15:09] Inés: \u200eimagen omitida",
        "\u200e[3/2/23, 20:15:40] Rubén: \u200eVideo omitido",
        "\u200e[3/2/23, 20:16:02] Inés: \u200eTarjeta de contacto omitida",
        "[3/2/23, 20:16:30] Rubén: \u200eLlamada perdida",
    ]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n", name="_chat.txt")
    assert [(m.author, m.kind) for m in chat.messages] == [("Inés", MEDIA), ("Rubén", MEDIA), ("Inés", MEDIA)]
    assert [e.text for e in chat.system_events] == ["Llamada perdida"]


@pytest.mark.parametrize(("lines", "kinds"), [
    (["[6.03.2020 17:22:30] Deniz: \u200evideo dahil edilmedi",  # Turkish iOS, as seen
      "[6.03.2020 17:22:40] Deniz: \u200eKişi kartı dahil edilmedi",
      "[6.03.2020 17:23:00] Ece: \u200eBu mesaj silindi.",
      "[6.03.2020 17:23:10] Ece: rapor.pdf • \u200e3 sayfa \u200ebelge dahil edilmedi"],
     [MEDIA, MEDIA, DELETED, MEDIA]),
    (["\u200f[12.5.2024, 9:15:57] Noa: \u200fהתמונה הושמטה",  # Hebrew iOS marks with U+200F, as seen
      "\u200f[12.5.2024, 9:16:10] Noa: \u200fסטיקר הושמט",
      "\u200f[12.5.2024, 9:17:00] Eli: plan.pdf • \u200f2 דפים \u200fמסמך הושמט"],
     [MEDIA, MEDIA, MEDIA]),
    (["[08/11/2017 10:47:45] Bia: \u200eEssa mensagem foi apagada.",  # Brazilian iOS, as seen
      "[08/11/2017 10:48:00] Caio: \u200eCartão do contato omitido"],
     [DELETED, MEDIA]),
])
def test_placeholders_seen_in_real_exports_keep_their_place_as_media_or_deleted(
    tmp_path: Path, lines: list[str], kinds: list[object]
) -> None:
    # an iOS text with the app's mark that is no known placeholder is taken for a notice and dropped
    chat = parse_text(tmp_path, "\n".join(lines) + "\n", name="_chat.txt")
    assert [m.kind for m in chat.messages] == kinds and chat.system_events == []


def test_android_poll_options_with_marked_counts_are_not_part_of_the_question(tmp_path: Path) -> None:
    lines = ["21.12.22, 21:59 - Ole: UMFRAGE:", "Pizza oder Döner?",
             "OPTION: Pizza (\u200e1\u00a0Stimme)", "OPTION: Döner (\u200e0\u00a0Stimmen)", "",
             "21.12.22, 22:00 - Jana: Döner natürlich",
             "22.12.22, 14:30 - Jana: Desactivaste los mensajes temporales. Toca para cambiar esta opción."]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n")
    assert [(m.author, m.text) for m in chat.messages] == [("Ole", "Pizza oder Döner?"), ("Jana", "Döner natürlich")]


def test_an_ios_export_from_before_the_brackets_is_read(tmp_path: Path) -> None:
    # iOS wrote "date, time: Name: text" until about 2017 (seen in real 2013 and 2016 exports)
    lines = [
        "4/21/16, 12:20:43 AM: Maya: good luck tomorrow!!",
        "4/21/16, 12:21:01 AM: \u200eMessages you send to this chat and calls are now secured with end-to-end "
        "encryption.",
        "4/21/16, 12:22:04 AM: Jonah: thank you 🙏 the interview is at 12",
        "still nervous",
        "5/6/16, 3:44:42 PM: Maya: 2016-05-06-PHOTO-00000046.jpg <\u200eattached>",
        "5/6/16, 3:45:00 PM: \u200eJonah changed the subject to \u201cTrip: Lisbon\u201d",
    ]
    chat = parse_text(tmp_path, "\r\n".join(lines) + "\r\n", name="_chat.txt")
    assert [(m.ts.isoformat(), m.author, m.text, m.kind) for m in chat.messages] == [
        ("2016-04-21T00:20:43", "Maya", "good luck tomorrow!!", TEXT),
        ("2016-04-21T00:22:04", "Jonah", "thank you 🙏 the interview is at 12\nstill nervous", TEXT),
        ("2016-05-06T15:44:42", "Maya", "2016-05-06-PHOTO-00000046.jpg <\u200eattached>", MEDIA),
    ]
    assert len(chat.system_events) == 2


def test_an_old_android_export_that_names_the_month_reads_the_year_it_leaves_out(tmp_path: Path) -> None:
    # Android exports of about 2013-2015 wrote the phone's date with the month's name, and no year
    # for the year the export was made in (seen in a real 2014-2015 export)
    lines = [
        "26 Sep 2014 12:53 - Messages you send to this chat and calls are now secured with end-to-end encryption.",
        "26 Sep 2014 12:53 - Rosa: are you still up for saturday?",
        "26 Sep 2014 12:58 - Dev: yes!! can't wait",
        "31 Dec 2014 23:59 - Rosa: <Media omitted>",
        "1 Jan 00:00 - Dev: happy new year you ❤️",
        "1 Jan 00:02 - Rosa: happy new year!!",
        "2 Jan 10:15 - Rosa: ok who took my scarf",
    ]
    chat = parse_text(tmp_path, "\r\n".join(lines) + "\r\n")
    assert [(m.ts.isoformat(), m.author, m.kind) for m in chat.messages] == [
        ("2014-09-26T12:53:00", "Rosa", TEXT),
        ("2014-09-26T12:58:00", "Dev", TEXT),
        ("2014-12-31T23:59:00", "Rosa", MEDIA),
        ("2015-01-01T00:00:00", "Dev", TEXT),
        ("2015-01-01T00:02:00", "Rosa", TEXT),
        ("2015-01-02T10:15:00", "Rosa", TEXT),
    ]
    assert len(chat.system_events) == 1


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Jan 4, 2013, 7:21 PM - ", "Feb 2, 8:05 AM - "),  # US English, month first
        ("4. Jan. 2013, 19:21 - ", "2. Feb. 08:05 - "),  # German
        ("4 janv. 2013 19:21 - ", "2 févr. 08:05 - "),  # French
        ("4 ene. 2013 19:21 - ", "2 feb. 08:05 - "),  # Spanish
        ("4 de jan de 2013 19:21 - ", None),  # not a layout WhatsApp wrote
    ],
)
def test_month_names_of_each_language_and_order_are_read(tmp_path: Path, first: str, second: str | None) -> None:
    text = f"{first}Ines: good luck today!\n{second or first}Tom: it went well\n"
    if second is None:
        with pytest.raises(ImportFormatError):
            parse_text(tmp_path, text)
        return
    chat = parse_text(tmp_path, text)
    assert [m.ts for m in chat.messages] == [datetime(2013, 1, 4, 19, 21), datetime(2014, 2, 2, 8, 5)]
    assert [m.text for m in chat.messages] == ["good luck today!", "it went well"]


def test_an_export_of_one_year_without_any_year_written_is_of_this_year_or_the_last() -> None:
    today = datetime(2027, 1, 5)
    assert named_date_table(["3 Jan", "4 Jan"], today) == {"3 Jan": datetime(2027, 1, 3), "4 Jan": datetime(2027, 1, 4)}
    # a date after today cannot be this year's: the export was made last year
    assert named_date_table(["30 Dec", "3 Jan"], today)["30 Dec"] == datetime(2026, 12, 30)


def test_a_line_whose_word_is_no_month_stays_words_of_the_message_above(tmp_path: Path) -> None:
    text = ("4 Jan 2013 19:21 - Ines: plan:\n3 drinks 19:00 - 20:00 at the bar\n6 Jnu 2013 08:00 - Ines: typo'd\n"
            "5 Jan 2013 19:22 - Tom: ok\n")
    chat = parse_text(tmp_path, text)
    assert [(m.author, m.text) for m in chat.messages] == [
        ("Ines", "plan:\n3 drinks 19:00 - 20:00 at the bar\n6 Jnu 2013 08:00 - Ines: typo'd"), ("Tom", "ok"),
    ]


def test_a_word_that_is_no_month_does_not_make_a_file_an_export() -> None:
    importer = importers()["whatsapp"]
    source = Source("notes.txt", path=Path("notes.txt"))
    assert importer.sniff(source, b"12 Sep 2014 12:53 - Ana: hi\n13 Sep 2014 12:53 - Bo: yo\n") >= 0.8
    assert importer.sniff(source, b"12 apples 12:53 - bought\n13 pears 12:53 - eaten\n") == 0.0


def test_the_empty_line_ios_writes_before_an_album_is_not_one_more_photo(tmp_path: Path) -> None:
    lines = [
        "[27/12/2025, 10:31:50] Ivo: how was the trip??",
        "[27/12/2025, 10:32:21] Jude:",
        f"[27/12/2025, 10:32:21] Jude: {LRM}<attached: 00000123-PHOTO-2025-12-27-10-32-21.jpg>",
        f"[27/12/2025, 10:32:21] Jude: {LRM}<attached: 00000124-PHOTO-2025-12-27-10-32-21.jpg>",
        "[27/12/2025, 10:33:02] Ivo: wow 😍",
        "[27/12/2025, 10:40:00] Jude:",  # a view-once photo that has expired: still one
        "[27/12/2025, 10:41:00] Ivo: gone already",
    ]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n", name="_chat.txt")
    assert [(m.index, m.author, m.kind) for m in chat.messages] == [
        (0, "Ivo", TEXT), (1, "Jude", MEDIA), (2, "Jude", MEDIA), (3, "Ivo", TEXT),
        (4, "Jude", MEDIA), (5, "Ivo", TEXT),
    ]
    assert chat.messages[1].text.endswith("00000123-PHOTO-2025-12-27-10-32-21.jpg>")


def test_words_an_arabic_keyboard_starts_with_u200f_are_kept_unless_the_app_marks_its_notices_so(
    tmp_path: Path,
) -> None:
    rlm = "\u200f"
    english_app = [  # an English app: its own marks are U+200E; U+200F came with what people typed
        f"[24/05/2025, 1:04:31 AM] Ashraf: {rlm}حاضر",
        f"[24/05/2025, 1:05:02 AM] Ahmed: {LRM}image omitted",
        f"[24/05/2025, 1:06:10 AM] Ahmed: {rlm}سلام عليكم، وصلت؟",
        f"[24/05/2025, 1:07:00 AM] Ahmed: {LRM}Missed voice call",
    ]
    chat = parse_text(tmp_path, "\n".join(english_app) + "\n", name="_chat.txt")
    assert [(m.author, m.text, m.kind) for m in chat.messages] == [
        ("Ashraf", "حاضر", TEXT), ("Ahmed", "image omitted", MEDIA), ("Ahmed", "سلام عليكم، وصلت؟", TEXT),
    ]
    hebrew_app = [  # a Hebrew app marks its placeholders and notices with U+200F
        "[03/06/2024, 12:29:50] Noa: נתראה מחר?",
        f"[03/06/2024, 12:30:10] Noa: {rlm}התמונה הושמטה",
        f"[03/06/2024, 12:31:00] Noa: {rlm}שיחה קולית שלא נענתה",
    ]
    chat = parse_text(tmp_path, "\n".join(hebrew_app) + "\n", name="_chat.txt")
    assert [(m.text, m.kind) for m in chat.messages] == [("נתראה מחר?", TEXT), ("התמונה הושמטה", MEDIA)]
    assert [e.text for e in chat.system_events] == ["שיחה קולית שלא נענתה"]


@pytest.mark.parametrize(("line", "kind"), [
    (f"[3/20/25, 7:39:22 PM] Sheshoy: {LRM}You received a view once photo. For added privacy, you can only open it "
     "on your phone.", MEDIA),
    (f"[07/12/2023, 07:50:56] ~ Mirry: {LRM}This message was deleted by admin ~ Jeff Otengo.", DELETED),
    (f"[25.10.2025 21:41:24] Mustafa: {LRM}Çıkartma dahil edilmedi", MEDIA),
    (f"[25.10.2025 21:41:24] Mustafa: {LRM}Mesaj bekleniyor. Bu biraz zaman alabilir.", DELETED),
    (f"[25.10.2025 21:41:24] Mustafa: {LRM}Bu mesajı sildiniz.", DELETED),
    (f"[27/05/2025, 11:24:19 PM] Ahmed: {LRM}Open this link to join my WhatsApp Group: https://chat.whatsapp.com/x1",
     MEDIA),
    (f"02.02.17, 1:25:05 PM: Lena: <{LRM}video omitted>", MEDIA),
])
def test_ios_placeholders_seen_in_the_fourth_sweep_keep_their_message(tmp_path: Path, line: str, kind) -> None:
    first = line.split("] ")[0] + "] Tom: hi" if line.startswith("[") else line.split(": ")[0] + ": Tom: hi"
    chat = parse_text(tmp_path, f"{first}\n{line}\n", name="_chat.txt")
    assert [m.author for m in chat.messages][1:] == [line.split("] ")[-1].split(": ")[0] if line.startswith("[")
                                                      else "Lena"]
    assert chat.messages[1].kind is kind


def test_a_second_copy_of_the_ios_chat_file_takes_the_folders_name(tmp_path: Path) -> None:
    folder = tmp_path / "WhatsApp Chat - Lake crew"
    folder.mkdir()
    (folder / "_chat 2.txt").write_text("[03/06/2024, 12:29:50] Noa: hi\n", encoding="utf-8")
    assert read_one(folder / "_chat 2.txt").title == "Lake crew"


def test_android_notices_credited_to_the_exporter_stay_notices(tmp_path: Path) -> None:
    # seen in a real Android export: the disappearing-messages notices carry "Name: " like a message
    lines = [
        "12/12/21, 4:36 AM - Alam: ok setting it now",
        "12/12/21, 4:37 AM - Alam: You updated the message timer. New messages will disappear from this chat "
        "24 hours after they're sent, except when kept. Tap to change.",
        "12/12/21, 4:39 AM - Alam: You turned off disappearing messages. Tap to change.",
        "12/12/21, 4:40 AM - Sara updated the message timer. New messages will disappear from this chat 7 days "
        "after they're sent, except when kept.",
        "12/12/21, 4:41 AM - Sara: better",
    ]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n")
    assert [(m.author, m.text) for m in chat.messages] == [("Alam", "ok setting it now"), ("Sara", "better")]
    assert [e.author for e in chat.system_events] == ["You", "You", "Sara"]  # as the notices say


def test_ios_notices_credited_to_a_member_who_also_writes_stay_notices(tmp_path: Path) -> None:
    # iOS credits a notice to the person it is about, in any language, and marks its text.
    lines = [
        "[11.05.24, 18:00:00] Laufgruppe: \u200eNachrichten und Anrufe sind Ende-zu-Ende-verschlüsselt.",
        "[11.05.24, 18:01:00] Jana Vogt: wer läuft morgen mit?",
        "[11.05.24, 18:02:00] Jana Vogt: \u200eJana Vogt hat die Gruppenbeschreibung geändert.",
        "[11.05.24, 18:03:00] Timo: \u200eJana Vogt hat Timo hinzugefügt.",
        "[11.05.24, 18:04:00] Timo: ich!",
        "[11.05.24, 18:05:00] Timo: \u200eSprachanruf. \u200eKeine Antwort",
    ]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n", name="_chat.txt")
    assert [(m.author, m.text) for m in chat.messages] == [("Jana Vogt", "wer läuft morgen mit?"), ("Timo", "ich!")]
    assert [e.text for e in chat.system_events][1:] == [
        "Jana Vogt hat die Gruppenbeschreibung geändert.",
        "Jana Vogt hat Timo hinzugefügt.",
        "Sprachanruf. \u200eKeine Antwort",
    ]


def test_ios_media_and_notices_are_told_apart_by_their_text_after_the_mark() -> None:
    chat = read_one("WhatsApp Chat - Jordan.txt")
    media = [m.text for m in chat.messages if m.kind == MEDIA]
    assert media == [
        "image omitted",
        "<attached: 00000012-PHOTO-2024-03-09-21-18-20.jpg>",
        "audio omitted",
        "sticker omitted",
        "GIF omitted",
        "Contact card omitted",
        "Location: https://maps.google.com/?q=40.7306,-73.9352",
        "brunch_menu.pdf • \u200e2 pages \u200edocument omitted",
        "video omitted",
    ]
    assert [m.text for m in chat.messages if m.kind == DELETED] == ["This message was deleted."]
    assert [(e.author, e.text) for e in chat.system_events][1] == ("Jordan", "Missed voice call")
    assert len(chat.system_events) == 2
    assert [m.text for m in chat.messages if m.edited] == ["ok sleep now, celebrate tomorrow?"]


# --- Copied from WhatsApp Web or Desktop ---------------------------------------------------------
# Those apps have no export: people select the messages and paste them into a file, time first.


def test_messages_copied_from_whatsapp_web_read_time_first_with_their_dates(tmp_path: Path) -> None:
    chat = parse_text(
        tmp_path,
        "[18:02, 14/03/2025] Noor: guess who got the flat!!\n"
        "[18:05, 14/03/2025] Sami: NO WAY the one with the balcony?\n"
        "[18:05, 14/03/2025] Sami: [screenshot later]\n"
        "tell me everything\n"
        "[07:40, 15/03/2025] Noor: Sami: you're helping me move 😄\n",
        name="noor and sami.txt",
    )
    assert [(m.ts, m.author, m.text) for m in chat.messages] == [
        (datetime(2025, 3, 14, 18, 2), "Noor", "guess who got the flat!!"),
        (datetime(2025, 3, 14, 18, 5), "Sami", "NO WAY the one with the balcony?"),
        (datetime(2025, 3, 14, 18, 5), "Sami", "[screenshot later]\ntell me everything"),
        (datetime(2025, 3, 15, 7, 40), "Noor", "Sami: you're helping me move 😄"),
    ]
    assert chat.source_format == "whatsapp" and chat.title == "noor and sami"


def test_a_us_copy_with_am_and_pm_reads_the_month_first_from_its_dates(tmp_path: Path) -> None:
    chat = parse_text(
        tmp_path,
        "[9:58 PM, 3/14/2025] Noor: home safe?\n"
        "[10:01 PM, 3/14/2025] Sami: yes! thank you for tonight\n"
        "[8:15 AM, 3/15/2025] Noor: coffee later?\n",
    )
    assert [(m.ts, m.author) for m in chat.messages] == [
        (datetime(2025, 3, 14, 21, 58), "Noor"),
        (datetime(2025, 3, 14, 22, 1), "Sami"),
        (datetime(2025, 3, 15, 8, 15), "Noor"),
    ]


def test_a_german_copy_with_dotted_dates_is_detected_among_the_formats(tmp_path: Path) -> None:
    path = tmp_path / "chat.txt"
    path.write_text("[21:04, 2.11.2024] Lena: bist du schon da?\n[21:06, 2.11.2024] Jonas: fast!\n"
                    "[21:30, 2.11.2024] Lena: super\n", encoding="utf-8")
    assert detect(Source(str(path), path=path)).name == "whatsapp"
    (chat,) = [c for _, convs in read_paths([path], ImportOptions()) for c in convs]
    assert [(m.ts, m.author) for m in chat.messages] == [
        (datetime(2024, 11, 2, 21, 4), "Lena"),
        (datetime(2024, 11, 2, 21, 6), "Jonas"),
        (datetime(2024, 11, 2, 21, 30), "Lena"),
    ]


@pytest.mark.parametrize("date_order", ["dmy", "mdy"])
@pytest.mark.parametrize("clock", ["24h", "12h"])
def test_copied_messages_read_back_to_the_same_messages(tmp_path: Path, date_order: str, clock: str) -> None:
    rng = random.Random(f"web{date_order}{clock}")
    records = [r for r in random_records(rng, 80, False) if r.kind == "text" and not r.edited]
    text = render_whatsapp(records, layout="web", date_order=date_order, clock=clock,
                           year_digits=rng.choice([2, 4]), am_pm_space=rng.choice([" ", "\u202f"]))
    chat = parse_text(tmp_path, text)
    assert [(m.ts, m.author, m.text) for m in chat.messages] == [(r.ts, r.author, r.text) for r in records]


def test_a_copy_cut_off_inside_its_last_header_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "cut.txt"
    path.write_text("[18:02, 14/03/2025] Noor: guess who got the flat!!\n[18:05, 14/0", encoding="utf-8")
    expect_error(path, 2, "it may have been cut off")


# --- Groups and names ---------------------------------------------------------------------------


def test_group_notices_become_system_events_and_never_take_an_index() -> None:
    chat = read_one("WhatsApp Chat with Hiking club.txt")
    assert len(chat.messages) == 7
    assert len(chat.system_events) == 15
    assert chat.is_group
    by_text = {e.text: e.author for e in chat.system_events}
    assert by_text['Maya created group "Hiking club"'] == "Maya"
    assert by_text['Maya changed the subject from "Hiking club" to "Hiking club: spring"'] == "Maya"
    assert by_text["You added Dr: Who"] == "You"
    assert by_text["You're now an admin"] is None
    assert by_text["Maya removed Tom"] == "Maya"
    assert [m.index for m in chat.messages] == list(range(7))


def test_a_name_with_a_colon_is_read_whole_when_the_chat_names_it_elsewhere() -> None:
    chat = read_one("WhatsApp Chat with Hiking club.txt")
    doctor = chat.messages[1]
    assert (doctor.author, doctor.text) == ("Dr: Who", "Hello all: excited to join")


def test_without_a_longer_known_name_the_first_colon_ends_the_name(tmp_path: Path) -> None:
    chat = parse_text(tmp_path, "12/03/2024, 21:04 - Dr: Who: hello\n12/03/2024, 21:05 - Sam: hi\n")
    assert [(m.author, m.text) for m in chat.messages] == [("Dr", "Who: hello"), ("Sam", "hi")]


def test_an_ios_name_with_a_colon_is_learned_from_the_mark_after_it(tmp_path: Path) -> None:
    # "~ Ann: Art Studio" is one member; iOS marks a notice or a deleted message right after the
    # whole name, which is how the export shows where the name ends. A plain "~ Ann" stays herself.
    lines = [
        "[02/01/2024, 19:10:00] Cork house hunt: \u200eMessages and calls are end-to-end encrypted.",
        "[02/01/2024, 19:11:00] ~\u202fAnn: Art Studio: anyone know a room near UCC?",
        "[02/01/2024, 19:12:00] ~\u202fAnn: i might, what budget",
        "[02/01/2024, 19:12:30] ~\u202fAnn: the flat: \u200eimage omitted",  # a caption ending in ":"
        "[02/01/2024, 19:13:00] ~\u202fAnn: Art Studio: \u200eThis message was deleted.",
        "[02/01/2024, 19:14:00] ~\u202fAnn: Art Studio: under 700: that's my limit",
        "[02/01/2024, 19:15:00] ~\u202fAnn: Art Studio: \u200e~\u202fAnn: Art Studio left",
    ]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n", name="_chat.txt")
    assert [(m.author, m.text, m.kind) for m in chat.messages] == [
        ("~\u202fAnn: Art Studio", "anyone know a room near UCC?", TEXT),
        ("~\u202fAnn", "i might, what budget", TEXT),
        ("~\u202fAnn", "the flat: \u200eimage omitted", MEDIA),
        ("~\u202fAnn: Art Studio", "This message was deleted.", DELETED),
        ("~\u202fAnn: Art Studio", "under 700: that's my limit", TEXT),
    ]
    assert chat.system_events[-1].author == "~\u202fAnn: Art Studio"


def test_phone_numbers_rtl_names_and_emoji_names_lose_only_their_direction_marks() -> None:
    chat = read_one("WhatsApp Chat with Hiking club.txt")
    assert chat.people == ["Maya", "Dr: Who", "+44 7700 900123", "Jess 🌸", "نور", "Tom"]
    joined = chat.system_events[4]
    assert joined.author == "+44 7700 900123"


def test_ios_group_notices_are_recognised_by_their_mark() -> None:
    (chat,) = read("WhatsApp Chat - Book club.zip")
    assert chat.title == "Book club"
    assert chat.people == ["Hana", "Femi", "Leo"]
    assert [e.text for e in chat.system_events][1:] == [
        "Hana created group “Book club”",
        "Hana added Femi and Leo",
        "Femi changed the group description",
    ]
    assert chat.messages[2].kind == MEDIA
    assert chat.messages[2].ts == datetime(2024, 3, 12, 19, 5, 10)


# --- Zips, detection --------------------------------------------------------------------------


def test_android_zip_reads_the_chat_and_ignores_the_photo_beside_it() -> None:
    found = list(read_paths([FIXTURES / "WhatsApp Chat with Sam.zip"]))
    assert [source.filename for source, _ in found] == ["WhatsApp Chat with Sam.txt"]
    (chat,) = found[0][1]
    assert chat.title == "Sam"
    assert chat.source.endswith("WhatsApp Chat with Sam.zip!WhatsApp Chat with Sam.txt")
    assert [m.kind for m in chat.messages] == [TEXT, MEDIA, TEXT]


def test_sniff_is_sure_of_exports_and_scores_media_and_other_files_zero() -> None:
    importer = importers()["whatsapp"]
    with zipfile.ZipFile(FIXTURES / "WhatsApp Chat - Book club.zip") as zf:
        chat, photo = zf.read("_chat.txt"), zf.read("00000003-PHOTO-2024-03-12-19-05-10.jpg")
    source = Source("_chat.txt", path=Path("_chat.txt"))
    assert importer.sniff(source, chat) >= 0.9
    assert importer.sniff(source, photo) == 0.0
    assert importer.sniff(source, (FIXTURES / "not_whatsapp.txt").read_bytes()) == 0.0
    assert importer.sniff(source, b'{"name": "Sam", "type": "personal_chat", "messages": []}') == 0.0
    assert importer.sniff(source, (FIXTURES / "starts_with_continuation.txt").read_bytes()) == 0.0
    assert importer.sniff(Source("chat.md", path=Path("chat.md")), chat) < 0.5
    on_disk = FIXTURES / "WhatsApp Chat with Sam.txt"
    assert detect(Source(str(on_disk), path=on_disk)) is importer


# --- Date order ---------------------------------------------------------------------------------


def test_dates_that_fit_both_orders_take_the_order_in_which_they_run_forward() -> None:
    chat = read_one("ambiguous_dates.txt")
    assert [m.ts.date().isoformat() for m in chat.messages] == [
        "2024-01-02",
        "2024-01-05",
        "2024-02-01",
        "2024-03-01",
    ]


def test_dates_that_run_forward_both_ways_take_the_order_in_which_they_run_closer(tmp_path: Path) -> None:
    # a US week, 2 to 9 March: day first would read the 3rd of eight months running, forward too
    lines = [f"3/{day}/25, 9:{day:02d} PM - {'Ada' if day % 2 else 'Bo'}: day {day}" for day in range(2, 10)]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n")
    assert [m.ts for m in chat.messages] == [datetime(2025, 3, day, 21, day) for day in range(2, 10)]
    # and the same week written day first, 2 to 9 March
    lines = [f"{day}/3/25, 21:{day:02d} - {'Ada' if day % 2 else 'Bo'}: day {day}" for day in range(2, 10)]
    chat = parse_text(tmp_path, "\n".join(lines) + "\n")
    assert [m.ts for m in chat.messages] == [datetime(2025, 3, day, 21, day) for day in range(2, 10)]


def test_one_long_silence_does_not_outweigh_the_days_around_it(tmp_path: Path) -> None:
    # seen in a real iOS export cut short: a group's old notices from 2021, then three days in a row
    # of June 2024. Month first travels fewer days in all (943 + 31 + 31 against 1,091 + 1 + 1),
    # but day first moves a day at a time.
    text = ("[12/06/2021, 14:25:47] Rui: olá\n[07/06/2024, 13:52:35] Bia: bom dia\n"
            "[08/06/2024, 10:17:33] Rui: tudo bem?\n[09/06/2024, 04:16:04] Bia: sim!\n")
    assert [m.ts.date() for m in parse_text(tmp_path, text).messages] == [
        date(2021, 6, 12), date(2024, 6, 7), date(2024, 6, 8), date(2024, 6, 9)]


def test_the_user_can_force_the_date_order() -> None:
    chat = read_one("ambiguous_dates.txt", date_order="dmy")
    assert chat.messages[0].ts == datetime(2024, 2, 1, 10, 0)


def test_a_day_above_twelve_anywhere_settles_day_first(tmp_path: Path) -> None:
    text = "01/02/2024, 10:00 - Ada: hi\n25/02/2024, 10:00 - Bo: later\n"
    assert parse_text(tmp_path, text).messages[0].ts == datetime(2024, 2, 1, 10, 0)


# --- Bad input -----------------------------------------------------------------------------------


def expect_error(path: Path, line: int | None, expected: str) -> ImportFormatError:
    with pytest.raises(ImportFormatError) as caught:
        read(path)
    error = caught.value
    assert error.source == str(path)
    assert error.line == line
    assert expected in str(error)
    return error


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be"])
def test_an_export_saved_again_as_utf16_is_found_and_read_like_the_utf8_one(tmp_path: Path, encoding: str) -> None:
    text = (FIXTURES / "WhatsApp Chat with Sam.txt").read_text(encoding="utf-8")
    path = tmp_path / "WhatsApp Chat with Sam.txt"
    path.write_bytes(("\ufeff" if encoding.endswith("be") else "").encode(encoding) + text.encode(encoding))
    (chat,) = [c for _, convs in read_paths([path], ImportOptions()) for c in convs]  # found without --format
    assert chat.messages == read_one("WhatsApp Chat with Sam.txt").messages


def test_an_export_saved_again_through_windows_1252_is_turned_back(tmp_path: Path) -> None:
    # a program read the UTF-8 as Windows-1252 and saved that as UTF-8: "9:04\u202fPM" became "9:04â€¯PM"
    original = (
        "[3/12/24, 9:04:05\u202fPM] Zoë: café at 8? ☕ 😊\n"
        f"[3/12/24, 9:05:10\u202fPM] Sam: {LRM}image omitted\n"
        "[3/12/24, 9:06:00\u202fPM] Sam: oui, à tout à l’heure\n"
    )
    shown = "".join(
        bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in original.encode("utf-8")
    )
    assert "â€¯" in shown
    path = tmp_path / "_chat.txt"
    path.write_bytes(b"\xef\xbb\xbf" + shown.encode("utf-8"))
    (chat,) = [c for _, convs in read_paths([path], ImportOptions()) for c in convs]  # found without --format
    assert [(m.author, m.text, m.kind) for m in chat.messages] == [
        ("Zoë", "café at 8? ☕ 😊", TEXT), ("Sam", "image omitted", MEDIA), ("Sam", "oui, à tout à l’heure", TEXT),
    ]


def test_an_empty_file_is_an_error_naming_the_file(tmp_path: Path) -> None:
    (tmp_path / "chat.txt").write_bytes(b"")
    expect_error(tmp_path / "chat.txt", 1, "a WhatsApp message line like")


def test_a_file_that_is_not_whatsapp_is_an_error_at_its_first_line() -> None:
    expect_error(FIXTURES / "not_whatsapp.txt", 1, "'12/03/2024, 21:04 - Name: text'")


def test_a_first_line_without_a_header_is_an_error_at_line_one() -> None:
    error = expect_error(FIXTURES / "starts_with_continuation.txt", 1, "a WhatsApp message line")
    assert error.found == "this line has no header"


def test_invalid_utf8_in_the_middle_is_an_error_at_its_line_not_silent_loss() -> None:
    expect_error(FIXTURES / "bad_utf8_in_middle.txt", 3, "UTF-8")


def test_utf8_cut_off_at_the_end_is_an_error(tmp_path: Path) -> None:
    data = "12/03/2024, 21:04 - Sam: hello\n12/03/2024, 21:05 - Alex: ❤️".encode()[:-2]
    (tmp_path / "cut.txt").write_bytes(data)
    expect_error(tmp_path / "cut.txt", 2, "UTF-8")


def test_binary_garbage_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "photo.txt").write_bytes(bytes(random.Random(3).randrange(256) for _ in range(4096)))
    with pytest.raises(ImportFormatError):
        read(tmp_path / "photo.txt")


def test_an_impossible_date_names_its_line() -> None:
    error = expect_error(FIXTURES / "impossible_date.txt", 2, "a real date and time")
    assert error.found == "31/02/2024, 21:05 -"


# Written for these tests: an export that stops part-way through the header of its last message.
CUT_OFF = {
    "android": (
        "12/03/2024, 14:01 - Sam: did you get the tickets?\n"
        "12/03/2024, 14:03 - Alex: yes!! row F\n"
        "seats 11 and 12\n"
        "12/03/2024, 14:"
    ),
    "named": (
        "30 Dec 2014 14:01 - Sam: did you get the tickets?\n"
        "30 Dec 2014 14:03 - Alex: yes!! row F\n"
        "seats 11 and 12\n"
        "2 Jan 14:"
    ),
    "ios": (
        "[12/03/2024, 14:01:09] Sam: did you get the tickets?\r\n"
        "[12/03/2024, 14:03:40] Alex: yes!! row F\r\n"
        "seats 11 and 12\r\n"
        "[12/03/2024, 14:05:"
    ),
}


@pytest.mark.parametrize("layout", ["android", "named", "ios"])
def test_an_export_cut_off_inside_its_last_header_is_an_error_not_words_of_the_message_before(
    tmp_path: Path, layout: str
) -> None:
    (tmp_path / "cut.txt").write_text(CUT_OFF[layout], encoding="utf-8", newline="")
    error = expect_error(tmp_path / "cut.txt", 4, "it may have been cut off")
    assert error.found == CUT_OFF[layout].splitlines()[-1]


def test_a_last_line_that_merely_starts_with_a_date_stays_part_of_its_message(tmp_path: Path) -> None:
    text = "12/03/2024, 14:01 - Sam: when is the concert again?\n12/03/2024, 14:03 - Alex: it's on\n20/04/2024\n"
    chat = parse_text(tmp_path, text)
    assert [m.text for m in chat.messages] == ["when is the concert again?", "it's on\n20/04/2024"]


# --- Large files ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["WhatsApp Chat with Sam.txt", "crlf_bom.txt", "WhatsApp Chat - Jordan.txt"])
def test_reading_in_small_blocks_gives_the_same_conversation(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    whole = read_one(name)
    monkeypatch.setattr(whatsapp_module, "BLOCK_BYTES", 7)  # cut every few lines, mid-message too
    assert read_one(name) == whole


# --- Properties ----------------------------------------------------------------------------------

HEADER_LIKE = st.sampled_from(
    ["12/03/2024, 21:04 - ", "[3/9/24, 9:15:02\u202fPM] ", "2024-03-12 21:04 - ", "26 Sep 2014 12:53 - ",
     "1 Jan 00:00 - ", ""]
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=400))
def test_arbitrary_bytes_raise_nothing_but_import_format_errors(tmp_path: Path, data: bytes) -> None:
    with contextlib.suppress(ImportFormatError):
        parse_text(tmp_path, data)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.tuples(HEADER_LIKE, st.text(max_size=40)), max_size=8))
def test_arbitrary_text_raises_nothing_but_import_format_errors(tmp_path: Path, lines: list[tuple[str, str]]) -> None:
    try:
        chat = parse_text(tmp_path, "\n".join(head + body for head, body in lines))
    except ImportFormatError:
        return
    assert [m.index for m in chat.messages] == list(range(len(chat.messages)))


# --- Round trip through the exporter --------------------------------------------------------------

NAMES = ["Sam", "Alex", "Jo Ng", "Priya 🌸", "+44 7700 900123", "Zoë"]
WORDS = [
    "ok",
    "yes",
    "love",
    "you",
    "home",
    "soon",
    "😂",
    "running",
    "late:",
    "sorry",
    "what?",
    "12/03/2024",
    "dinner",
    "21:04",
    "-",
    "[x]",
    "café",
]


def random_records(rng: random.Random, count: int, seconds: bool) -> list[ChatRecord]:
    ts = datetime(2023, 12, 30, 23, 0, 1)
    records = []
    for _ in range(count):
        ts += timedelta(seconds=rng.choice((7, 61, 3600, 86400 * 3)))
        stamp = ts if seconds else ts.replace(second=0)
        kind = rng.choices(["text", "media", "deleted"], weights=(8, 1, 1))[0]
        text = ""
        if kind == "text":
            text = "\n".join(" ".join(rng.choices(WORDS, k=rng.randint(1, 6))) for _ in range(rng.randint(1, 3)))
        records.append(ChatRecord(stamp, rng.choice(NAMES), text, kind, edited=kind == "text" and rng.random() < 0.1))
    return records


@pytest.mark.parametrize("layout", ["android", "ios"])
@pytest.mark.parametrize("date_order", ["dmy", "mdy", "ymd"])
@pytest.mark.parametrize("clock", ["24h", "12h"])
def test_rendered_exports_read_back_to_the_same_messages(
    tmp_path: Path, layout: str, date_order: str, clock: str
) -> None:
    rng = random.Random(f"{layout}{date_order}{clock}")
    seconds = layout == "ios"
    records = random_records(rng, 60, seconds)
    text = render_whatsapp(
        records,
        layout=layout,
        date_order=date_order,
        clock=clock,
        encryption_notice=True,
        am_pm=rng.choice(["AM", "am", "a.m."]),
        am_pm_space=rng.choice([" ", "\u202f", "\u00a0"]),
        year_digits=rng.choice([2, 4]) if date_order != "ymd" else 4,
    )
    chat = parse_text(tmp_path, text)
    expected = [
        (r.ts, r.author, r.text or render_default(layout, r.kind), MessageKind(r.kind), r.edited) for r in records
    ]
    assert [(m.ts, m.author, m.text, m.kind, m.edited) for m in chat.messages] == expected
    assert len(chat.system_events) == 1


def render_default(layout: str, kind: str) -> str:
    return {
        "media": {"android": "<Media omitted>", "ios": "image omitted"},
        "deleted": {"android": "This message was deleted", "ios": "This message was deleted."},
    }[kind][layout]


def test_an_ios_zip_made_by_the_exporter_reads_back(tmp_path: Path) -> None:
    records = random_records(random.Random(5), 20, True)
    archive = zip_whatsapp(
        tmp_path / "WhatsApp Chat - Okafor family.zip",
        render_whatsapp(records, layout="ios", title="Okafor family", encryption_notice=True),
        layout="ios",
        title="Okafor family",
        media={"00000001-PHOTO-2024-01-01-10-00-00.jpg": b"\xff\xd8\xff\xe0 not really a photo"},
    )
    (chat,) = read(archive)
    assert chat.title == "Okafor family"
    assert len(chat.messages) == 20


PIECES = st.sampled_from(["Sam: hi", "Dr: Who", ": ", "\u200eimage omitted", " (file attached)", "\r", "\n", " ", "x"])


@settings(max_examples=150, deadline=None)
@given(
    lines=st.lists(st.tuples(HEADER_LIKE, st.lists(PIECES, max_size=6).map("".join)), max_size=8),
    newline=st.sampled_from(["\n", "\r\n", "\r"]),
    block=st.integers(1, 40),
)
def test_where_the_file_is_cut_into_blocks_never_changes_what_is_read(
    lines: list[tuple[str, str]], newline: str, block: int
) -> None:
    data = newline.join(head + body for head, body in lines).encode()

    def outcome() -> object:
        try:
            return whatsapp_module.parse_export(data, source="chat.txt", title="Sam")
        except ImportFormatError as error:
            return (error.line, error.expected)

    whole = outcome()
    saved = whatsapp_module.BLOCK_BYTES
    whatsapp_module.BLOCK_BYTES = block
    try:
        assert outcome() == whole
    finally:
        whatsapp_module.BLOCK_BYTES = saved


# --- polls and round video notes (seen in a real German iOS export) ---------------------------



def test_an_ios_poll_is_a_message_that_reads_as_its_question(tmp_path: Path) -> None:
    chat = parse_text(tmp_path, (
        "[16.11.23, 08:10:02] Nico: moin\n"
        f"[16.11.23, 08:12:42] Nico: {LRM}UMFRAGE:\n"
        "Wer kommt am Freitag mit zum Bowling?\n"
        f"{LRM}OPTION: Ich bin dabei (4 Stimmen)\n"
        f"{LRM}OPTION: Diesmal nicht (1 Stimme)\n"
        f"{LRM}[16.11.23, 08:13:05] Lena: {LRM}Videonotiz weggelassen\n"
        "[16.11.23, 08:14:10] Lena: bin dabei!!\n"
    ), name="WhatsApp Chat mit Kegelclub.txt")
    assert [(m.author, m.kind, m.text) for m in chat.messages] == [
        ("Nico", TEXT, "moin"),
        ("Nico", TEXT, "Wer kommt am Freitag mit zum Bowling?"),
        ("Lena", MEDIA, "Videonotiz weggelassen"),
        ("Lena", TEXT, "bin dabei!!"),
    ]


def test_a_poll_in_a_language_the_markers_do_not_list_is_still_known_on_ios_by_its_shape(tmp_path: Path) -> None:
    chat = parse_text(tmp_path, (
        "[02/03/24, 19:00:00] Ana: hola\n"
        f"[02/03/24, 19:01:00] Ana: {LRM}SONDAGGIO:\n"
        "Pizza o sushi stasera?\n"
        f"{LRM}OPZIONE: Pizza (2 voti)\n"
        f"{LRM}OPZIONE: Sushi (1 voto)\n"
    ))
    assert [m.text for m in chat.messages] == ["hola", "Pizza o sushi stasera?"]


def test_an_android_poll_reads_as_its_question(tmp_path: Path) -> None:
    chat = parse_text(tmp_path, (
        "12/03/2024, 18:00 - Sam: POLL:\n"
        "Where shall we go on saturday?\n"
        "OPTION: The coast (2 votes)\n"
        "OPTION: The hills (0 votes)\n"
        "12/03/2024, 18:02 - Jo: the coast obviously\n"
    ))
    assert [(m.author, m.text) for m in chat.messages] == [("Sam", "Where shall we go on saturday?"),
                                                           ("Jo", "the coast obviously")]


def test_android_export_with_a_dot_after_the_time(tmp_path: Path) -> None:
    chat = parse_text(tmp_path, (
        "2023/06/02, 19:04. - Ana: are we still on for tomorrow?\n"
        "2023/06/02, 19:06. - Tom: yes!! 10am at the market\n"
        "bring the big bag\n"
    ))
    assert [(m.ts, m.author, m.text) for m in chat.messages] == [
        (datetime(2023, 6, 2, 19, 4), "Ana", "are we still on for tomorrow?"),
        (datetime(2023, 6, 2, 19, 6), "Tom", "yes!! 10am at the market\nbring the big bag"),
    ]


# --- placeholders seen in real exports in other languages (second sweep of public samples) -----

@pytest.mark.parametrize(("name", "line", "kind"), [
    ("Chat de WhatsApp con Ana.txt", f"[03/05/23, 10:01:02] Ana: {LRM}se omitió la nota de video", MEDIA),
    ("Chat de WhatsApp con Ana.txt", f"[03/05/23, 10:01:02] Ana: {LRM}Este mensaje fue eliminado.", DELETED),
    ("Chat de WhatsApp con Ana.txt",
     f"[03/05/23, 10:01:02] Ana: {LRM}Un admin., Jimmy, eliminó este mensaje.", DELETED),
    ("Conversa do WhatsApp com Ana.txt",
     f"[03/05/23, 10:01:02] Ana: {LRM}Mensagem apagada por um admin (você)", DELETED),
    ("Discussion WhatsApp avec Ana.txt",
     f"[03/05/23, 10:01:02] Ana: devis.pdf • {LRM}5 pages {LRM}document manquant", MEDIA),
    ("WhatsApp-chat met Ana.txt", "03-05-2023 10:01 - Ana: live locatie gedeeld", MEDIA),
    ("WhatsApp-chat met Ana.txt", "03-05-2023 10:01 - Ana: Wachten op dit bericht", DELETED),
    ("WhatsApp Chat with Ana.txt", "03/05/2023, 10:01 - Ana: <View once voice message omitted>", MEDIA),
    ("WhatsApp Chat with Ana.txt", "03/05/2023, 10:01 - Ana: null", MEDIA),
])
def test_placeholders_of_other_languages_keep_their_message(tmp_path: Path, name: str, line: str, kind) -> None:
    first = "[03/05/23, 10:00:00] Tom: hola" if line.startswith("[") else line.split(" - ")[0][:-3] + ":00 - Tom: hi"
    chat = parse_text(tmp_path, f"{first}\n{line}\n", name=name)
    assert [m.author for m in chat.messages] == ["Tom", "Ana"]  # kept as a message, not dropped as a notice
    assert chat.messages[1].kind is kind


def test_a_portuguese_edit_mark_is_stripped(tmp_path: Path) -> None:
    chat = parse_text(tmp_path, "03/05/2023, 10:01 - Ana: já chego <Esta mensagem foi editada>\n",
                      name="Conversa do WhatsApp com Ana.txt")
    assert (chat.messages[0].text, chat.messages[0].edited) == ("já chego", True)


def test_an_empty_ios_message_from_someone_not_in_the_contacts_is_theirs(tmp_path: Path) -> None:
    chat = parse_text(tmp_path, (
        "[04/05/24, 09:00:00] Ruth: who took the group photo?\n"
        "[04/05/24, 09:01:00] ~\u202fFemke Manuel:\n"
        "[04/05/24, 09:02:00] ~\u202fFemke Manuel: oops it was view once, sending again\n"
    ))
    assert [(m.author, m.kind) for m in chat.messages] == [("Ruth", TEXT), ("~\u202fFemke Manuel", MEDIA),
                                                           ("~\u202fFemke Manuel", TEXT)]


def test_a_group_exported_before_anyone_wrote_reads_as_its_notices(tmp_path: Path) -> None:
    text = ("[02/03/2024, 10:00:00] Trip 2024: \u200eMessages and calls are end-to-end encrypted. No one outside of "
            "this chat, not even WhatsApp, can read or listen to them.\n"
            "[02/03/2024, 10:00:00] Trip 2024: \u200eAna created group \u201cTrip 2024\u201d\n"
            "[02/03/2024, 10:00:05] Trip 2024: \u200eAna added you\n")
    chat = parse_text(tmp_path, text, name="_chat.txt")
    assert chat.messages == [] and len(chat.system_events) == 3


def test_a_log_of_another_app_dated_as_whatsapp_dates_its_lines_is_refused(tmp_path: Path) -> None:
    from turntoward.errors import UnknownFormatError

    path = tmp_path / "log.txt"
    path.write_text("".join(f"[2024-02-01 21:04:{k:02d}] --> ana line {k}\n" for k in range(5)), encoding="utf-8")
    with pytest.raises(UnknownFormatError, match="no line names who wrote it"):
        list(read_paths([path], fmt="whatsapp"))


def test_whatsapp_chat_exporters_text_reads_its_files_as_media(tmp_path: Path) -> None:
    """WhatsApp Chat Exporter's ``--txt`` (from the phone's database): ISO dates, the user as You, a
    file as ``<media file in PATH>`` with its caption below, a file the phone lost as ``<The media is
    missing>``."""
    chat = parse_text(tmp_path, "[2023-10-01 09:12] Lena: are you awake?\n"
                                "[2023-10-01 09:40] You: just now\n"
                                "[2023-10-01 09:41] Lena: <media file in WhatsApp/Media/WhatsApp Images/IMG-1.jpg>\n"
                                "                         the view from the bridge\n"
                                "[2023-10-01 09:42] Lena: <The media is missing>\n", name="Lena.txt")
    assert [(m.author, m.kind) for m in chat.messages] == [
        ("Lena", MessageKind.TEXT), ("You", MessageKind.TEXT), ("Lena", MessageKind.MEDIA), ("Lena", MessageKind.MEDIA)]
    assert chat.messages[0].ts == datetime(2023, 10, 1, 9, 12)
