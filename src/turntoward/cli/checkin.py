"""The check-in commands: ``checkin`` (and ``checkin share|list|instruments``), ``together``, ``remind``.

A thin layer over `turntoward.api.checkin`. The questionnaire is asked in the terminal with
the keyboard only; every answer is saved the moment it is given, so stopping (q, Ctrl-C or
the end of input) leaves a draft that the next ``turntoward checkin`` resumes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.prompt import Prompt
from rich.table import Table

from turntoward._lazy import lazy_module
from turntoward.checkin.instruments import Instrument, Item
from turntoward.checkin.scoring import Answer, Score
from turntoward.cli import app
from turntoward.cli.data import AsJson, Db, Passphrase, _print_json, _store
from turntoward.errors import UsageError

if TYPE_CHECKING:
    from turntoward.api import checkin as api
else:
    api = lazy_module("turntoward.api.checkin")  # the store, imported when a command needs it

PANEL = "Check-ins"
DEFAULT_INSTRUMENT = "five_signs"
STOP, SKIP = "q", "s"

As = Annotated[str | None, typer.Option("--as", help="Who is answering (default: you, see `turntoward people me`).")]

checkin_app = typer.Typer(help="Answer a short private check-in; resumes an unfinished one.")
app.add_typer(checkin_app, name="checkin", rich_help_panel=PANEL)


@checkin_app.callback(invoke_without_command=True)
def checkin(
    ctx: typer.Context,
    instrument: Annotated[
        str, typer.Option("--instrument", "-i", help="Which check-in (see `turntoward checkin instruments`).")
    ] = DEFAULT_INSTRUMENT,
    about: Annotated[str | None, typer.Option("--about", help="The person this check-in is about.")] = None,
    as_: As = None,
    share: Annotated[
        bool, typer.Option("--share", help="Let the others in the store see this check-in (private by default).")
    ] = False,
    db: Db = None,
    passphrase: Passphrase = None,
) -> None:
    """Answer a check-in in the terminal. Private unless you --share it; q stops and keeps a draft."""
    if ctx.invoked_subcommand is not None:
        return
    console = Console(highlight=False)
    with _store(db, passphrase) as store:
        draft, chosen = api.begin_checkin(store, instrument, author=as_, about=about)
        answered = len(draft.answers)
        if answered:
            console.print(
                f"Resuming your {escape(chosen.title)} check-in from {draft.started_at:%d %b %Y %H:%M} "
                f"({answered} of {len(chosen.items)} answered)."
            )
        elif chosen.intro:
            console.print(Panel(escape(chosen.fill(chosen.intro, about)), title=chosen.title))
        todo = [item for item in chosen.items if item.id not in draft.answers]
        for number, item in enumerate(todo, start=answered + 1):
            value = _ask(console, chosen, item, number, about)
            if value is _Stop:
                console.print("Saved as a draft: run the same command again to carry on.")
                raise typer.Exit(0)
            api.answer_checkin(store, draft.id, item.id, value, author=draft.author)  # type: ignore[arg-type]
        result = api.finish_checkin(store, draft.id, author=draft.author, share=share)
    _show_result(console, chosen, result)


class _Stop:
    """The person stopped for now."""


def _ask(console: Console, instrument: Instrument, item: Item, number: int, about: str | None) -> Answer | type[_Stop]:
    total = len(instrument.items)
    console.print(f"\n[bold]{number}/{total}[/] {escape(instrument.text_of(item, about))}")
    try:
        if item.scale is None:
            console.print("[dim]Write your answer on one line; an empty line skips it, q stops for now.[/]")
            text = Prompt.ask(">", console=console, default="", show_default=False).strip()
            return _Stop if text == STOP else (text or None)
        scale = item.scale
        console.print("   ".join(f"[bold]{v}[/] {escape(scale.label(v))}" for v in range(scale.min, scale.max + 1)))
        skip = " or ".join(instrument.missing_choices) or "skip"
        console.print(f"[dim]{SKIP} = {escape(skip)}, {STOP} = stop for now (your answers so far are kept)[/]")
        while True:
            text = Prompt.ask(">", console=console).strip().lower()
            if text == STOP:
                return _Stop
            if text == SKIP:
                return None
            if text.lstrip("-").isdigit() and scale.min <= int(text) <= scale.max:
                return int(text)
            console.print(f"[red]Type a number {scale.min}-{scale.max}, {SKIP} or {STOP}.[/]")
    except (EOFError, KeyboardInterrupt):
        return _Stop


def _show_result(console: Console, instrument: Instrument, result: api.CheckinResult) -> None:
    c = result.checkin
    privacy = "shared" if c.shared else "private to you"
    if instrument.is_journal:
        console.print(f"\nSaved to your journal as check-in {c.id} ({privacy}).")
        return
    table = Table("score", "value", "range", "answered", box=None)
    for name, score in result.scores.items():
        table.add_row(escape(name), _value(score), f"{score.low:g}-{score.high:g}", f"{score.answered}/{score.items}")
    console.print()
    console.print(table)
    console.print(f"Saved check-in {c.id} ({privacy}).")
    if not c.shared:
        console.print(f"[dim]To share it: turntoward checkin share {c.id}[/]")
    if result.help:
        console.print(Panel(escape(result.help), title="You are not alone", border_style="yellow"))


def _value(score: Score) -> str:
    return "-" if score.value is None else f"{score.value:.2f}".rstrip("0").rstrip(".")


@checkin_app.command("share")
def checkin_share(
    checkin_id: Annotated[int, typer.Argument(help="The check-in's number (see `turntoward checkin list`).")],
    undo: Annotated[bool, typer.Option("--undo", help="Stop sharing it.")] = False,
    as_: As = None,
    db: Db = None,
    passphrase: Passphrase = None,
) -> None:
    """Share one of your check-ins with the others in this store (or stop sharing it with --undo)."""
    with _store(db, passphrase) as store:
        changed = api.share_checkin(store, checkin_id, author=as_, shared=not undo)
    typer.echo(f"check-in {changed.id} is now {'shared' if changed.shared else 'private to you'}")


@checkin_app.command("list")
def checkin_list(
    about: Annotated[str | None, typer.Option("--about", help="Only check-ins about this person.")] = None,
    drafts: Annotated[bool, typer.Option("--drafts", help="Include your unfinished check-ins.")] = False,
    as_: As = None,
    as_json: AsJson = False,
    db: Db = None,
    passphrase: Passphrase = None,
) -> None:
    """List the check-ins you can see: your own, and those others shared with you."""
    with _store(db, passphrase) as store:
        found = api.list_checkins(store, viewer=as_, about=about, drafts=drafts)
    if as_json:
        _print_json([_jsonable_checkin(r) for r in found])
        return
    table = Table("id", "when", "check-in", "by", "about", "total", "status", box=None)
    for r in found:
        c = r.checkin
        when = c.completed_at or c.started_at
        total = r.scores.get("total")
        status = c.status + (", shared" if c.shared else "")
        table.add_row(
            str(c.id),
            f"{when:%Y-%m-%d}",
            c.instrument,
            escape(c.author),
            escape(c.about or "-"),
            _value(total) if total else "-",
            status,
        )
    Console().print(table)


def _jsonable_checkin(result: api.CheckinResult) -> dict[str, object]:
    c = result.checkin
    return {
        "id": c.id,
        "instrument": c.instrument,
        "version": c.instrument_version,
        "author": c.author,
        "about": c.about,
        "status": c.status,
        "shared": c.shared,
        "started_at": c.started_at.isoformat(),
        "completed_at": c.completed_at.isoformat() if c.completed_at else None,
        "answers": c.answers,
        "scores": {name: s.value for name, s in result.scores.items()},
    }


@checkin_app.command("signs")
def checkin_signs(
    about: Annotated[str | None, typer.Option("--about", help="Check-ins about, and chats with, this person.")] = None,
    as_: As = None,
    as_json: AsJson = False,
    db: Db = None,
    passphrase: Passphrase = None,
) -> None:
    """What your check-ins and time together say about four of the five signs of disconnection."""
    with _store(db, passphrase) as store:
        signs = api.checkin_findings(store, viewer=as_, about=about)
    if as_json:
        _print_json({name: {"status": s.status, "evidence": s.evidence} for name, s in signs.items()})
        return
    table = Table("sign", "status", "evidence", box=None)
    colours = {"ok": "green", "watch": "yellow", "concern": "red"}
    for name, sign in signs.items():
        table.add_row(
            name.replace("_", " "), f"[{colours[sign.status.value]}]{sign.status.value}[/]", escape(sign.evidence)
        )
    Console().print(table)


@checkin_app.command("instruments")
def checkin_instruments() -> None:
    """List the check-ins you can answer, with their source."""
    table = Table("id", "title", "questions", "about", "source", box=None)
    for i in api.list_instruments():
        table.add_row(i.id, escape(i.title), str(len(i.items)), i.about, escape(i.source))
    Console().print(table)


@app.command("together", rich_help_panel=PANEL)
def together(
    minutes: Annotated[int, typer.Option("--minutes", "-m", help="How long, in minutes.")],
    in_person: Annotated[
        bool | None, typer.Option("--in-person/--online", help="Together in person, or online (call, video, game).")
    ] = None,
    what: Annotated[str, typer.Option("--what", help='What you did: "dinner", "a walk".')] = "",
    with_: Annotated[str | None, typer.Option("--with", help="Who with (default: not named).")] = None,
    when: Annotated[
        str | None, typer.Option("--when", help="When: YYYY-MM-DD, YYYY-MM-DD HH:MM, today or yesterday.")
    ] = None,
    as_: As = None,
    share: Annotated[bool, typer.Option("--share", help="Let the others in the store see this entry.")] = False,
    as_json: AsJson = False,
    db: Db = None,
    passphrase: Passphrase = None,
) -> None:
    """Log time together, in person or online: how the in-person / online balance moves over time."""
    if in_person is None:
        raise UsageError("say how you were together: --in-person or --online")
    with _store(db, passphrase) as store:
        entry = api.log_time_together(
            store,
            minutes,
            in_person=in_person,
            with_person=with_,
            what=what,
            when=parse_when(when),
            author=as_,
            share=share,
        )
        balance = api.together_balance(store, viewer=entry.author, with_person=entry.with_person)
    if as_json:
        _print_json(entry)
        return
    how = "in person" if entry.in_person else "online"
    whom = f" with {entry.with_person}" if entry.with_person else ""
    doing = f" ({entry.what})" if entry.what else ""
    typer.echo(f"logged {entry.minutes} min {how}{whom} on {entry.started_at:%Y-%m-%d}{doing}")
    share_text = balance.in_person_share
    if share_text is not None:
        typer.echo(
            f"last {balance.weeks} weeks: {balance.in_person_minutes} min in person, "
            f"{balance.online_minutes} min online ({share_text:.0%} in person)"
        )


def parse_when(text: str | None, today: date | None = None) -> datetime | None:
    """``--when`` as a datetime: an ISO date (at noon), date and time, ``today`` or ``yesterday``."""
    if text is None:
        return None
    day = today or date.today()
    words = {"today": day, "yesterday": day - timedelta(days=1)}
    cleaned = text.strip().lower()
    if cleaned in words:
        return datetime.combine(words[cleaned], datetime.min.time()).replace(hour=12)
    try:
        if len(cleaned) == 10:
            return datetime.fromisoformat(cleaned).replace(hour=12)
        return datetime.fromisoformat(cleaned)
    except ValueError as exc:
        raise UsageError(f"--when {text!r}: expected YYYY-MM-DD, YYYY-MM-DD HH:MM, today or yesterday") from exc


@app.command("remind", rich_help_panel=PANEL)
def remind(
    every: Annotated[str, typer.Option("--every", help="day, week, fortnight or month.")],
    at: Annotated[str, typer.Option("--at", help="Time of day, 24-hour clock.")] = "19:00",
    day: Annotated[str | None, typer.Option("--day", help="Weekday (mon..sun); default sun.")] = None,
    instrument: Annotated[str | None, typer.Option("--instrument", "-i", help="Which check-in to run.")] = None,
    about: Annotated[str | None, typer.Option("--about", help="Who the check-in is about.")] = None,
    out: Annotated[str, typer.Option("--out", "-o", help="Calendar file to write.")] = "turntoward-checkin.ics",
) -> None:
    """Write a recurring calendar event (.ics) that reminds you to check in; import it into any calendar."""
    path = api.write_reminder(out, every, at=at, day=day, instrument=instrument, about=about)
    typer.echo(f"wrote {path}: import it into your calendar (no background process runs)")
