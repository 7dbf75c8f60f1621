"""An export DiscordChatExporter split into parts (--partition) reads as one channel, in every format."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from tests.exporters.discord import render_discord
from tests.exporters.discord_html import render_discord_html
from tests.exporters.discord_txt import render_discord_txt
from tests.ingest._records import Rec

from turntoward.errors import ImportFormatError, UsageError
from turntoward.ingest import ImportOptions, read_paths

START = datetime(2024, 3, 1, 20, 0)
RECORDS = [Rec(START + timedelta(hours=k), ("Nadia", "Theo")[k % 2], f"message {k}") for k in range(7)]
RENDERERS: dict[str, Callable[[list[Rec]], str]] = {
    ".json": lambda records: render_discord(records, channel="theo"),
    ".txt": lambda records: render_discord_txt(records, channel="theo"),
    ".html": lambda records: render_discord_html(records, channel="theo"),
}


def write_parts(folder: Path, ext: str) -> list[Path]:
    """The records in three parts, named as the exporter names them."""
    base = "Direct Messages - Private - theo [1093411529180229683]"
    names = [f"{base}{ext}", f"{base} [part 2]{ext}", f"{base} [part 3]{ext}"]
    for name, part in zip(names, (RECORDS[:3], RECORDS[3:5], RECORDS[5:]), strict=True):
        (folder / name).write_text(RENDERERS[ext](part), encoding="utf-8")
    return [folder / name for name in names]


@pytest.mark.parametrize("ext", [".json", ".txt", ".html"])
def test_the_parts_of_an_export_read_as_one_channel_in_order(tmp_path: Path, ext: str) -> None:
    first, second, _ = write_parts(tmp_path, ext)
    for given in (first, tmp_path):  # the first part, or the folder
        chats = [c for _, convs in read_paths([given], ImportOptions()) for c in convs]
        assert len(chats) == 1
        assert [m.text for m in chats[0].messages] == [r.text for r in RECORDS]
        assert [m.index for m in chats[0].messages] == list(range(len(RECORDS)))
    with pytest.raises(UsageError, match="page 2"):
        list(read_paths([second], ImportOptions()))


def test_a_file_that_is_not_split_reads_alone(tmp_path: Path) -> None:
    path = tmp_path / "general.json"
    path.write_text(RENDERERS[".json"](RECORDS), encoding="utf-8")
    (tmp_path / "general [part 2].txt").write_text(RENDERERS[".txt"](RECORDS[:2]), encoding="utf-8")  # another format
    (chat,) = [c for _, convs in read_paths([path], ImportOptions()) for c in convs]
    assert len(chat.messages) == len(RECORDS)


@pytest.mark.parametrize("ext", [".txt", ".html"])
def test_a_missing_part_is_an_error_not_the_silent_loss_of_the_parts_after_it(tmp_path: Path, ext: str) -> None:
    _, second, _ = write_parts(tmp_path, ext)
    second.unlink()
    with pytest.raises(ImportFormatError, match=r"\[part 2\].* is missing a page"):
        list(read_paths([tmp_path], ImportOptions()))
