"""Data commands: ``import``, ``conversations``, ``people`` and ``forget``.

Each command parses its arguments, calls one function of `turntoward.api`, and prints a
table (or JSON with ``--json``). Errors are `TurntowardError`s, which `turntoward.cli.main`
prints as one line with an exit code.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from enum import Enum
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn
from rich.table import Table

from turntoward import api
from turntoward.cli import app
from turntoward.errors import UsageError
from turntoward.model import Relationship
from turntoward.store import DB_ENV, PASSPHRASE_ENV

if TYPE_CHECKING:
    from turntoward.store import Store

PANEL = "Data"
DATE_ORDERS = ("dmy", "mdy", "ymd")

Db = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar=DB_ENV,
        show_envvar=True,
        help="Database URL or SQLite file (default: turntoward.db in your data folder).",
    ),
]
Passphrase = Annotated[
    str | None,
    typer.Option(
        "--passphrase",
        envvar=PASSPHRASE_ENV,
        show_envvar=True,
        help="Encrypt the SQLite database with this passphrase (SQLCipher).",
    ),
]
AsJson = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON.")]


TABLE_ROWS = 200
"""Up to this many rows a list is drawn as a table that fits the terminal; past it, as plain columns
(a research corpus holds thousands of chats, and fitting 10,000 rows took Rich 7 s)."""
PLAIN_WIDTH = 40
"""The widest a column of plain rows grows before its cells are cut (with "…")."""


def _print_table(headers: tuple[str, ...], rows: list[tuple[str, ...]]) -> None:
    if len(rows) <= TABLE_ROWS:
        table = Table(*headers, box=None)
        for row in rows:
            table.add_row(*map(escape, row))
        Console().print(table)
        return
    from rich.cells import cell_len, set_cell_size

    widths = [min(PLAIN_WIDTH, max(cell_len(h), *(cell_len(r[k]) for r in rows))) for k, h in enumerate(headers)]

    def line(cells: tuple[str, ...]) -> str:
        fitted = [c if cell_len(c) <= w else set_cell_size(c, w - 1) + "…" for c, w in zip(cells, widths, strict=True)]
        return "  ".join(set_cell_size(c, w) for c, w in zip(fitted, widths, strict=True)).rstrip()

    typer.echo("\n".join([line(headers), *map(line, rows)]))


@contextmanager
def _store(db: str | None, passphrase: str | None) -> Iterator[Store]:
    store = api.open_store(db, passphrase or None)
    try:
        yield store
    finally:
        store.close()


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def _print_json(value: Any) -> None:
    typer.echo(json.dumps(_jsonable(value), ensure_ascii=False, indent=2))


def _day(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d") if value else "-"


ColumnMap = Annotated[
    list[str] | None,
    typer.Option("--map", help="Table columns for our fields: ts=date,author=sender,text=body (or --map once per "
                 "field)."),
]


AnyLanguage = Annotated[
    bool,
    typer.Option("--any-language", help="Label chats that are not in English too (the lexicons and models read "
                 "English: expect poor labels)."),
]

Workers = Annotated[
    int | None,
    typer.Option("--workers", min=1, help="Processes to analyse in: conversations are shared out, and a long one's "
                 "labelling too (default: one per core from 50,000 messages on; the results are the same)."),
]


def import_options(
    date_order: str | None, me: str | None, column_map: list[str] | None = None
) -> api.ImportOptions:
    """The `--date-order`, `--me` and `--map` options of every command that reads export files, checked."""
    if date_order is not None and date_order not in DATE_ORDERS:
        raise UsageError(f"--date-order {date_order!r}: expected one of {', '.join(DATE_ORDERS)}")
    return api.ImportOptions(date_order=date_order, me=me, column_map=column_map_option(column_map))


def column_map_option(specs: list[str] | None) -> dict[str, str]:
    """Every ``--map`` given (``ts=date,author=sender``, or one field each) as {"ts": "date", "author": "sender"}.

    A field mapped twice is a usage error rather than a silent choice of one of the columns."""
    mapping: dict[str, str] = {}
    for spec in specs or []:
        for part in spec.split(","):
            ours, sep, theirs = part.partition("=")
            if not sep or not ours.strip() or not theirs.strip():
                raise UsageError(f"--map {spec!r}: expected field=column pairs like ts=date,author=sender")
            if ours.strip() in mapping and mapping[ours.strip()] != theirs.strip():
                raise UsageError(f"--map: {ours.strip()} is mapped twice ({mapping[ours.strip()]!r} and "
                                 f"{theirs.strip()!r})")
            mapping[ours.strip()] = theirs.strip()
    return mapping


@app.command("import", rich_help_panel=PANEL)
def import_(
    paths: Annotated[list[str], typer.Argument(help="Export files, folders or zip archives.")],
    format: Annotated[
        str | None, typer.Option("--format", help="Read as this format (see `turntoward formats`).")
    ] = None,
    date_order: Annotated[
        str | None, typer.Option("--date-order", help="Order of ambiguous dates: dmy, mdy or ymd.")
    ] = None,
    column_map: ColumnMap = None,
    me: Annotated[str | None, typer.Option("--me", help="Your name in these chats.")] = None,
    relationship: Annotated[
        Relationship | None, typer.Option("--relationship", help="Who these chats are with.")
    ] = None,
    as_json: AsJson = False,
    db: Db = None,
    passphrase: Passphrase = None,
) -> None:
    """Import chat exports. Importing the same or a longer export again adds only new messages."""
    options = import_options(date_order, me, column_map)
    err = Console(stderr=True)
    with (
        _store(db, passphrase) as store,
        _ImportProgressBar(err, enabled=err.is_terminal and not as_json) as bar,
    ):
        summaries = api.import_paths(
            paths, store=store, options=options, fmt=format, relationship=relationship, progress=bar.update,
            skipped=lambda error: err.print(f"skipped, not a chat: {escape(str(error))}", soft_wrap=True),
        )
    if as_json:
        _print_json(summaries)
        return
    table = Table(box=None)
    table.add_column("file", overflow="fold")
    for name in ("format", "chats", "added", "skipped", "notices"):  # notices: joins, calls... (never labelled)
        table.add_column(name, no_wrap=True)
    table.add_column("people")
    table.add_column("from", no_wrap=True)
    table.add_column("to", no_wrap=True)
    no_chat = [s for s in summaries if not s.conversations]
    for s in summaries:
        if not s.conversations:
            continue  # mostly a later page or day file of an export, which its first file read (a row above)
        table.add_row(
            escape(s.source),
            s.format,
            str(s.conversations),
            str(s.added),
            str(s.skipped),
            str(s.system_events),
            escape(", ".join(s.people[:4]) + (f" +{len(s.people) - 4}" if len(s.people) > 4 else "")),
            _day(s.first),
            _day(s.last),
        )
    Console().print(table)
    if no_chat:
        Console().print(f"{len(no_chat)} more file(s) held no chat of their own: later pages or day files that "
                        "the first file of their export read, or empty exports (--json lists them)")


class _ImportProgressBar:
    """One Rich progress bar per export file, counting rows as they are written."""

    def __init__(self, console: Console, *, enabled: bool) -> None:
        self._progress = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            console=console,
            transient=True,
            disable=not enabled,
        )
        self._reading = self._progress.add_task("reading exports", total=None)
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> _ImportProgressBar:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def update(self, event: api.ImportProgress) -> None:
        if not event.total:
            return  # nothing of its own to store (a later page its first page read): no bar for it
        task = self._tasks.get(event.source)
        if task is None:
            task = self._progress.add_task(f"storing {escape(event.source)}", total=event.total or 1)
            self._tasks[event.source] = task
        self._progress.update(task, completed=event.stored if event.total else int(event.done))
        if event.done:
            self._progress.update(task, description=f"stored {escape(event.source)}")


conversations_app = typer.Typer(
    help="List your imported conversations, or say who one is with.", no_args_is_help=False
)
app.add_typer(conversations_app, name="conversations", rich_help_panel=PANEL)


@conversations_app.callback(invoke_without_command=True)
def conversations(
    ctx: typer.Context, as_json: AsJson = False, db: Db = None, passphrase: Passphrase = None
) -> None:
    """List your imported conversations: id, title, relationship, messages, people, dates."""
    if ctx.invoked_subcommand is not None:
        return
    with _store(db, passphrase) as store:
        found = api.list_conversations(store)
    if as_json:
        _print_json(found)
        return
    _print_table(("id", "title", "format", "relationship", "messages", "people", "from", "to"), [
        (str(c.id), c.title, c.source_format, c.relationship.value, str(c.messages), ", ".join(c.people),
         _day(c.first), _day(c.last))
        for c in found
    ])


@conversations_app.command("set")
def conversations_set(
    conversation: Annotated[str, typer.Argument(help="Conversation id or title.")],
    relationship: Annotated[Relationship, typer.Option("--relationship", help="Who the chat is with.")],
    as_json: AsJson = False,
    db: Db = None,
    passphrase: Passphrase = None,
) -> None:
    """Say who a conversation is with: partner, friend, family or other."""
    with _store(db, passphrase) as store:
        changed = api.set_relationship(store, conversation, relationship)
    if as_json:
        _print_json(changed)
    else:
        typer.echo(f"{changed.title} (id {changed.id}) is now with a {changed.relationship.value}")


people_app = typer.Typer(help="List the people in your chats, merge their aliases, say which one is you.")
app.add_typer(people_app, name="people", rich_help_panel=PANEL)


@people_app.callback(invoke_without_command=True)
def people(ctx: typer.Context, as_json: AsJson = False, db: Db = None, passphrase: Passphrase = None) -> None:
    """List the people in your chats, with the names they appear under."""
    if ctx.invoked_subcommand is not None:
        return
    with _store(db, passphrase) as store:
        found = api.list_people(store)
    if as_json:
        _print_json(found)
        return
    _print_table(("id", "name", "me", "also known as", "messages", "chats"), [
        (str(p.id), p.name, "yes" if p.is_me else "", ", ".join(a for a in p.aliases if a != p.name),
         str(p.messages), str(p.conversations))
        for p in found
    ])


@people_app.command("merge")
def people_merge(
    keep: Annotated[str, typer.Argument(help="The person to keep (name, alias or id).")],
    other: Annotated[str, typer.Argument(help="Another name of the same person, merged into KEEP.")],
    as_json: AsJson = False,
    db: Db = None,
    passphrase: Passphrase = None,
) -> None:
    """Treat OTHER as another name of KEEP ("+44 7700 900123" and "sam.smith@mail" are Sam)."""
    with _store(db, passphrase) as store:
        merged = api.merge_people(store, keep, other)
    if as_json:
        _print_json(merged)
    else:
        typer.echo(
            f"{merged.name} is now also known as {', '.join(a for a in merged.aliases if a != merged.name)}"
        )


@people_app.command("me")
def people_me(
    name: Annotated[str, typer.Argument(help="Your name, alias or id in the chats.")],
    as_json: AsJson = False,
    db: Db = None,
    passphrase: Passphrase = None,
) -> None:
    """Say which person is you."""
    with _store(db, passphrase) as store:
        person = api.set_me(store, name)
    if as_json:
        _print_json(person)
    else:
        typer.echo(f"{person.name} is you")


@app.command("forget", rich_help_panel=PANEL)
def forget(
    conversation: Annotated[str | None, typer.Argument(help="Conversation id or title.")] = None,
    everything: Annotated[
        bool, typer.Option("--all", help="Forget everything: every conversation, person, check-in and time logged.")
    ] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Do not ask for confirmation.")] = False,
    as_json: AsJson = False,
    db: Db = None,
    passphrase: Passphrase = None,
) -> None:
    """Delete a conversation (or --all) for good: messages, people only it had, and its traces on disk."""
    if everything == (conversation is not None):
        raise UsageError("name one conversation to forget, or give --all")
    with _store(db, passphrase) as store:
        if not yes:
            if everything:
                question = (f"Forget all {len(api.list_conversations(store))} conversations, every check-in and "
                            "all time logged together, for good?")
            else:
                target = store.conversation(conversation or "")
                question = f"Forget {target.title!r} ({target.messages} messages) for good?"
            if not typer.confirm(question):
                typer.echo("Nothing forgotten.", err=True)
                raise typer.Exit(1)
        forgotten = api.forget(store, conversation, everything=everything)
    if as_json:
        _print_json(forgotten)
    else:
        for c in forgotten:
            typer.echo(f"forgot {c.title} (id {c.id}, {c.messages} messages)")
