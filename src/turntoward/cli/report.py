"""The ``report`` command: the connection report as one offline HTML page, PNG charts and a PDF.

A thin wrapper over `turntoward.api.report.report`.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from turntoward.cli import app
from turntoward.cli.analysis import store_if_needed
from turntoward.cli.data import AnyLanguage, ColumnMap, Db, Passphrase, Workers, import_options

PANEL = "Report"


@app.command("report", rich_help_panel=PANEL)
def report_command(
    out: Annotated[Path, typer.Option("--out", "-o", help="Write the HTML report here.")],
    targets: Annotated[list[str] | None, typer.Argument(
        help="Export files, folders or zips to report on (no database needed).")] = None,
    conversation: Annotated[list[str] | None, typer.Option(
        "--conversation", "-c", help="A stored conversation (id or title); repeat for several.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every stored conversation.")] = False,
    png: Annotated[Path | None, typer.Option("--png", help="Also write one PNG per chart into this folder.")] = None,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="Also write a PDF of the report (needs Chromium).")] = None,
    redact: Annotated[bool, typer.Option(
        "--redact", help="Replace names and messages with placeholders (Person A, \\[message]), for sharing.")] = False,
    me: Annotated[str | None, typer.Option("--me", help="Your name in these chats.")] = None,
    date_order: Annotated[str | None, typer.Option("--date-order", help="dmy, mdy or ymd for ambiguous dates.")] = None,
    fmt: Annotated[str | None, typer.Option("--format", help="Force an export format (see `formats`).")] = None,
    column_map: ColumnMap = None,
    any_language: AnyLanguage = False,
    workers: Workers = None,
    db: Db = None,
    passphrase: Passphrase = None,
) -> None:
    """Write the connection report: bids and how they were answered, conflict and repair, signs, drift.

    One self-contained HTML page that works offline; it is written only where --out says.
    """
    options = import_options(date_order, me, column_map)
    wanted = [*(targets or []), *(conversation or [])]
    with ExitStack() as stack:
        store = store_if_needed(wanted, all_, db, passphrase, stack)
        from turntoward.api.report import report  # Altair and the report's templates: only here

        files = report(wanted, out=out, store=store, all_conversations=all_, png_dir=png, pdf=pdf, redact=redact,
                       me=me, options=options, fmt=fmt, any_language=any_language, workers=workers)
    console = Console(stderr=True, highlight=False)
    console.print(f"wrote the report of {files.conversations} conversation(s), {files.messages:,} messages")
    if files.pngs:
        console.print(f"wrote {len(files.pngs)} chart(s) to {escape(str(png))}")
    if files.pdf is not None:
        console.print(f"wrote {escape(str(files.pdf))}")
    typer.echo(str(files.html))
