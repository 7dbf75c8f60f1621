"""Writes message tables (CSV, TSV, JSON Lines, Parquet) from simple records.

The shape researchers' and scraping tools' tables take: one row per message, a header of
column names, quoted multi-line CSV fields, and a choice of timestamp style.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

import polars as pl

DEFAULT_COLUMNS = {"ts": "timestamp", "author": "sender", "text": "message", "kind": "kind",
                   "reply_to": "reply_to"}

TIME_STYLES: dict[str, Callable[[datetime], str | int | float]] = {
    "iso": lambda ts: ts.isoformat(),
    "minutes": lambda ts: ts.strftime("%Y-%m-%d %H:%M"),
    "seconds": lambda ts: ts.strftime("%Y-%m-%d %H:%M:%S"),
    "epoch_s": lambda ts: int(ts.timestamp()),
    "epoch_ms": lambda ts: round(ts.timestamp() * 1000),
}


class Record(Protocol):
    ts: datetime
    author: str
    text: str
    kind: str
    reply_to: int | None


def table_rows(
    records: Sequence[Record], *, columns: dict[str, str] | None = None, time_style: str = "iso",
    conversation: str | None = None,
) -> list[dict[str, object]]:
    """Rows as dictionaries keyed by column name; `reply_to` is the replied-to message's index."""
    names = {**DEFAULT_COLUMNS, **(columns or {})}
    rows: list[dict[str, object]] = []
    for record in records:
        row: dict[str, object] = {}
        if conversation is not None:
            row[names.get("conversation", "conversation")] = conversation
        row[names["ts"]] = TIME_STYLES[time_style](record.ts)
        row[names["author"]] = record.author
        row[names["text"]] = record.text
        row[names["kind"]] = record.kind
        row[names["reply_to"]] = record.reply_to
        rows.append(row)
    return rows


def render_table(records: Sequence[Record], path: Path, **options: object) -> Path:
    """A table at `path`, its format chosen by the suffix (.csv, .tsv, .jsonl, .ndjson, .parquet)."""
    rows = table_rows(records, **options)  # type: ignore[arg-type]
    suffix = path.suffix.lower()
    if suffix in (".jsonl", ".ndjson"):
        with path.open("w", encoding="utf-8") as fh:
            fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)
    elif suffix == ".parquet":
        pl.DataFrame(rows).write_parquet(path)
    else:
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=list(rows[0]) if rows else list(DEFAULT_COLUMNS.values()),
                                    delimiter="\t" if suffix == ".tsv" else ",")
            writer.writeheader()
            writer.writerows({k: "" if v is None else v for k, v in row.items()} for row in rows)
    return path
