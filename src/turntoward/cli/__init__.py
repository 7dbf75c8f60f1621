"""The ``turntoward`` command: a thin Typer layer over `turntoward.api`.

Each group of commands lives in its own module and adds itself to `app`; `main` turns every
`TurntowardError` into one plain line on stderr and its exit code, never a traceback.
"""

from __future__ import annotations

import sys
from importlib import import_module

import typer
from rich.console import Console
from rich.markup import escape

from turntoward.errors import TurntowardError

app = typer.Typer(
    name="turntoward",
    help="Measure and grow connection in your relationships, from your own chats and check-ins. "
    "Everything stays on this machine.",
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
)
err_console = Console(stderr=True, highlight=False, soft_wrap=True)

# Command groups, in the order --help lists them; a module adds its commands to `app`.
_COMMAND_MODULES = ("data", "analysis", "report", "checkin")


def _load_commands() -> None:
    for name in _COMMAND_MODULES:
        try:
            import_module(f"turntoward.cli.{name}")
        except ModuleNotFoundError as exc:
            if exc.name != f"turntoward.cli.{name}":
                raise


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``turntoward`` script."""
    _load_commands()
    try:
        app(args=argv, prog_name="turntoward")
    except TurntowardError as exc:
        err_console.print(f"[bold red]error:[/] {escape(str(exc))}")
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err_console.print("interrupted: the unfinished step changed nothing")
        sys.exit(130)


def _version(value: bool) -> None:
    if value:
        from turntoward import __version__

        typer.echo(f"turntoward {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Show the version."),
) -> None:
    """Measure and grow connection in your relationships, from your own chats and check-ins.

    Everything stays on this machine: no network, no telemetry.
    """


@app.command("formats", rich_help_panel="Data")
def formats() -> None:
    """List the chat export formats turntoward can import."""
    from rich.table import Table

    from turntoward.ingest import importers

    table = Table("format", "what it reads", box=None)
    for name, importer in sorted(importers().items()):
        table.add_row(name, importer.description)
    Console().print(table)
