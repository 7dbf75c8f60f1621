"""Importing a folder or zip: chats in it are read, files that are no chat at all are skipped
with a notice, and a chat export with an error in it still stops the import."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests._cli import run

from turntoward import api
from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.store import Store

# Written for these tests: a short chat between flatmates, and what else lies in their folder.
CHAT = (
    "02/05/2024, 18:12 - Noor: are you home for dinner?\n"
    "02/05/2024, 18:20 - Tomas: yes! making that lentil thing?\n"
    "02/05/2024, 18:21 - Noor: only if you chop the onions 😅\n"
    "02/05/2024, 18:22 - Tomas: deal\n"
)
EXPENSES = (
    "Date,Description,Amount,Paid by\n"
    "2024-05-01,Groceries,54.20,Noor\n"
    "2024-05-03,Electricity,61.00,Tomas\n"
)
BUDGET = "Month,Category,Planned\nMay,Rent,900\nMay,Food,300\n"
BIRTHDAYS = "Name\tDate\tGift idea\nGrandma\tMarch 3\tscarf\nLeo\tin the summer\tbike lights\n"
BROKEN_TELEGRAM = {
    "name": "Tomas",
    "type": "personal_chat",
    "id": 4412,
    "messages": [
        {"id": 1, "type": "message", "date": "the second of May", "date_unixtime": "1714666320",
         "from": "Noor", "from_id": "user1", "text": "are you home?", "text_entities": []},
    ],
}


@pytest.fixture
def store(sqlite_url: str) -> Iterator[Store]:
    opened = api.open_store(sqlite_url)
    yield opened
    opened.close()


def flat_folder(root: Path, others: dict[str, str] | None = None) -> Path:
    """A folder holding the WhatsApp export and `others` (file name -> text)."""
    folder = root / "flat"
    folder.mkdir()
    (folder / "WhatsApp Chat with Tomas.txt").write_text(CHAT, encoding="utf-8")
    for name, text in (others or {}).items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def test_a_spreadsheet_beside_the_export_is_skipped_and_named(store: Store, tmp_path: Path) -> None:
    folder = flat_folder(tmp_path, {"expenses.csv": EXPENSES})
    skipped: list[ImportFormatError] = []

    summaries = api.import_paths([folder], store=store, skipped=skipped.append)

    assert [(s.format, s.added) for s in summaries] == [("whatsapp", 4)]
    assert [e.source for e in skipped] == [str(folder / "expenses.csv")]
    assert "expected a column for author" in str(skipped[0])


def test_a_table_whose_date_column_holds_no_timestamps_is_skipped_too(store: Store, tmp_path: Path) -> None:
    # "Name" and "Date" look like author and timestamp, but no cell of "Date" is a time
    folder = flat_folder(tmp_path, {"birthdays.tsv": BIRTHDAYS})
    skipped: list[ImportFormatError] = []

    summaries = api.import_paths([folder], store=store, skipped=skipped.append)

    assert [s.format for s in summaries] == ["whatsapp"]
    assert [str(e) for e in skipped] == [
        f"{folder / 'birthdays.tsv'}:2 at column 'Date': expected a timestamp like 2024-03-12 21:04, found 'March 3'"
    ]


def test_the_same_spreadsheet_named_directly_is_still_a_clear_error(store: Store, tmp_path: Path) -> None:
    folder = flat_folder(tmp_path, {"expenses.csv": EXPENSES})

    with pytest.raises(ImportFormatError) as caught:
        api.import_paths([folder / "expenses.csv"], store=store)

    assert str(caught.value).startswith(f"{folder / 'expenses.csv'}: expected a column for author")
    assert "the file has 'Date', 'Description', 'Amount', 'Paid by'" in str(caught.value)
    assert api.list_conversations(store) == []


def test_a_zip_with_a_spreadsheet_in_it_imports_the_chat(store: Store, tmp_path: Path) -> None:
    archive = tmp_path / "flat.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("WhatsApp Chat with Tomas.txt", CHAT)
        zf.writestr("expenses.csv", EXPENSES)
    skipped: list[ImportFormatError] = []

    summaries = api.import_paths([archive], store=store, skipped=skipped.append)

    assert [s.added for s in summaries] == [4]
    assert [e.source for e in skipped] == [f"{archive}!expenses.csv"]


def test_a_folder_of_nothing_but_spreadsheets_is_an_error(store: Store, tmp_path: Path) -> None:
    folder = tmp_path / "accounts"
    folder.mkdir()
    (folder / "expenses.csv").write_text(EXPENSES)
    (folder / "budget.csv").write_text(BUDGET)
    skipped: list[ImportFormatError] = []

    with pytest.raises(UnknownFormatError, match="expected a folder or archive containing a chat export"):
        api.import_paths([folder], store=store, skipped=skipped.append)

    assert sorted(Path(e.source).name for e in skipped) == ["budget.csv", "expenses.csv"]


def test_a_chat_table_with_a_bad_row_in_a_folder_stops_the_import(store: Store, tmp_path: Path) -> None:
    table = "timestamp,sender,text\n2024-05-02 18:30,Noor,film tonight?\nlater,Tomas,sure\n"
    folder = flat_folder(tmp_path, {"evening.csv": table})

    with pytest.raises(ImportFormatError) as caught:
        api.import_paths([folder], store=store)

    assert not isinstance(caught.value, UnknownFormatError)
    assert str(caught.value) == (
        f"{folder / 'evening.csv'}:3 at column 'timestamp': expected a timestamp like 2024-03-12 21:04, "
        "found 'later'"
    )


def test_a_broken_whatsapp_export_in_a_folder_stops_the_import(store: Store, tmp_path: Path) -> None:
    folder = flat_folder(tmp_path, {"expenses.csv": EXPENSES})
    (folder / "WhatsApp Chat with Tomas.txt").write_text(CHAT.replace("02/05/2024, 18:22", "30/02/2024, 18:22"))

    with pytest.raises(ImportFormatError, match=r"WhatsApp Chat with Tomas\.txt:4: expected a real date"):
        api.import_paths([folder], store=store)


def test_a_telegram_export_with_a_bad_field_in_a_folder_stops_the_import(store: Store, tmp_path: Path) -> None:
    folder = flat_folder(tmp_path)
    (folder / "result.json").write_text(json.dumps(BROKEN_TELEGRAM, indent=1), encoding="utf-8")

    with pytest.raises(ImportFormatError) as caught:
        api.import_paths([folder], store=store)

    assert not isinstance(caught.value, UnknownFormatError)
    assert str(caught.value).startswith(f"{folder / 'result.json'} at messages[0].date: expected")


def test_the_import_command_names_the_skipped_file_and_imports_the_chat(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")  # wide enough that the table does not wrap
    folder = flat_folder(tmp_path, {"expenses.csv": EXPENSES})

    code, out, err = run(capsys, "import", str(folder), "--db", sqlite_url)

    assert code == 0, err
    assert "whatsapp" in out and "Noor, Tomas" in out
    assert err.strip().splitlines() == [
        f"skipped, not a chat: {folder / 'expenses.csv'}: expected a column for author (one of author, sender, "
        "from, user, name, sender_name, speaker, …, or set with a column map: --map author=COLUMN); the file has "
        "'Date', 'Description', "
        "'Amount', 'Paid by'"
    ]


def test_the_import_command_still_refuses_a_spreadsheet_named_directly(
    sqlite_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = flat_folder(tmp_path, {"expenses.csv": EXPENSES})

    code, _, err = run(capsys, "import", str(folder / "expenses.csv"), "--db", sqlite_url)

    assert code == 2
    assert err.count("\n") == 1 and err.startswith(f"error: {folder / 'expenses.csv'}: expected a column")


def test_a_zip_whose_compressed_chat_is_damaged_is_an_error_naming_it(tmp_path: Path) -> None:
    """Damaged deflate data raises zlib.error deep in zipfile (found by mutating our fixtures): it
    must come out as an import error naming the member, not a traceback."""
    archive = tmp_path / "WhatsApp Chat with Noor.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("WhatsApp Chat with Noor.txt", CHAT * 50)
        info = zf.getinfo("WhatsApp Chat with Noor.txt")
    data = bytearray(archive.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start:start + 8] = b"\xff" * 8  # a deflate block of the reserved type
    archive.write_bytes(bytes(data))
    with pytest.raises(ImportFormatError) as err:
        api.load_conversations([str(archive)])
    assert "WhatsApp Chat with Noor.zip" in str(err.value) and "damaged compressed data" in str(err.value)


def test_a_zip_that_claims_a_zip_version_from_the_future_is_an_error_naming_it(tmp_path: Path) -> None:
    """zipfile refuses it with NotImplementedError (found by mutating our fixtures)."""
    archive = tmp_path / "WhatsApp Chat with Noor.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("WhatsApp Chat with Noor.txt", CHAT)
    data = bytearray(archive.read_bytes())
    central = data.find(b"PK\x01\x02")
    data[central + 6:central + 8] = (104).to_bytes(2, "little")  # "version needed to extract": 10.4
    archive.write_bytes(bytes(data))
    with pytest.raises(ImportFormatError) as err:
        api.load_conversations([str(archive)])
    assert "WhatsApp Chat with Noor.zip" in str(err.value) and "zip file version 10.4" in str(err.value)


@pytest.mark.parametrize(("name", "content", "where", "found"), [
    ("notes.txt", b"", "", "found an empty file"),
    ("notes.txt", b"\n  \n", "", "found only blank space"),
    ("notes.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "", "found binary data"),
    ("notes.txt", "\ufeff\nshopping list\nmilk\n".encode(), ":2", "found 'shopping list'"),
    # a JSON export cut off, or a fragment of one: where its JSON breaks
    ("Hangouts.json", b'"conversations": [\n  {"participants": []}\n]\n', ":1",
     "found JSON that does not parse there (Extra data, column 16)"),
    ("Hangouts.json", b'{"messages": [\n  {"text": "see you at 6"},\n', ":3",
     "found JSON that does not parse there (Expecting value, column 1)"),
])
def test_a_file_named_that_no_importer_reads_says_what_it_found(
    store: Store, tmp_path: Path, name: str, content: bytes, where: str, found: str,
) -> None:
    path = tmp_path / name
    path.write_bytes(content)

    with pytest.raises(UnknownFormatError) as caught:
        api.import_paths([path], store=store)

    message = str(caught.value)
    assert message.startswith(f"{path}{where}: expected a chat export in one of the ")
    assert "`turntoward formats` lists (or name one with --format)" in message
    assert message.endswith(found)
    assert len(message) < 200 + len(str(path))
