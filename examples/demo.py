"""`make demo`: import the bundled example chats into an embedded SQLite database, analyse them,
write the outputs, and say where they are. Each step is the command a user would type.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

from rich.console import Console

from turntoward.cli import _load_commands, app, main

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "demo-output"
DB = f"sqlite:///{OUT / 'demo.db'}"
EXAMPLES = [
    (ROOT / "examples/couple/WhatsApp Chat with Jonah.txt", "partner"),
    (ROOT / "examples/friends/result.json", "friend"),
    (ROOT / "examples/family/WhatsApp Chat - Okafor family.zip", "family"),
]
console = Console()


def run(*args: str) -> None:
    shown = " ".join(shlex.quote(str(a).replace(str(ROOT) + "/", "")) for a in args)
    console.print(f"\n[bold cyan]$ turntoward {shown}[/]")
    try:
        main([*args])
    except SystemExit as exc:
        if exc.code:
            raise


def main_demo() -> None:
    OUT.mkdir(exist_ok=True)
    _load_commands()
    commands = {c.name for c in app.registered_commands}
    for path, relationship in EXAMPLES:
        run("import", str(path), "--relationship", relationship, "--db", DB)
    run("people", "me", "Maya", "--db", DB)
    run("conversations", "--db", DB)
    run("analyze", "--all", "--db", DB, "--jsonl", str(OUT / "messages.jsonl"),
        "--summary-json", str(OUT / "summary.json"))
    run("analyze", "--all", "--db", DB, "--me", "Maya")
    outputs = [OUT / "messages.jsonl", OUT / "summary.json"]
    if "report" in commands:
        run("report", "--all", "--db", DB, "--me", "Maya", "--out", str(OUT / "report.html"),
            "--png", str(OUT / "charts"))
        outputs.insert(0, OUT / "report.html")
    console.print("\n[bold green]Done.[/] The outputs are here:")
    for p in outputs:
        console.print(f"  {p}")
    console.print(f"  database: {OUT / 'demo.db'} (your own data goes to your user data folder instead)")


if __name__ == "__main__":
    sys.exit(main_demo())
