"""Analysis commands: ``analyze``, ``explain`` and ``evaluate``.

Thin wrappers over `turntoward.api.analysis`: parse arguments, call, print (tables or JSON).
"""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Callable
from contextlib import ExitStack
from itertools import groupby
from pathlib import Path
from typing import Annotated, Any, TextIO, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.panel import Panel
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn
from rich.table import Table

from turntoward._runtime import write_whole
from turntoward.analysis.backends import DEFAULT_BACKEND
from turntoward.analysis.context import UNTIMED_NOTE, has_times
from turntoward.analysis.scoring import DETECTION_NAMES, DETECTIONS, RELIABILITY_NOTE, Scores, at, differences, score
from turntoward.api import analysis as aa
from turntoward.cli import app
from turntoward.cli.data import AnyLanguage, ColumnMap, Db, Passphrase, Workers, import_options
from turntoward.errors import NotFoundError, UsageError
from turntoward.ingest import ImportOptions

PANEL = "Analysis"
T = TypeVar("T")
console = Console()


def store_if_needed(targets: list[str], all_: bool, db: str | None, passphrase: str | None,
                    stack: ExitStack) -> Any | None:
    """The store, opened only when a target is not a file on disk or `--all` asks for it."""
    from turntoward import api

    missing = [t for t in targets if not Path(t).exists()]
    if missing and not all_ and db is None and not _default_database_exists():
        # Nothing was ever imported: a name that is not a file is a typo, not a stored chat.
        # (Opening the store here would create an empty database as a side effect.)
        raise NotFoundError(f"{missing[0]}: no such file, and nothing has been imported yet to look it up in")
    if not (all_ or missing):
        return None
    return stack.enter_context(api.open_store(db, passphrase or None))


def _load(targets: list[str], all_: bool, db: str | None, passphrase: str | None, options: ImportOptions,
          fmt: str | None, stack: ExitStack) -> list[Any]:
    store = store_if_needed(targets, all_, db, passphrase, stack)
    err = Console(stderr=True)
    return aa.load_conversations(
        targets, store=store, all_conversations=all_, options=options, fmt=fmt,
        skipped=lambda error: err.print(f"skipped, not a chat: {escape(str(error))}", soft_wrap=True))


def _default_database_exists() -> bool:
    from sqlalchemy.engine import make_url

    from turntoward.store import default_url

    url = make_url(default_url())
    return not url.drivername.startswith("sqlite") or bool(url.database and Path(url.database).exists())


SHOWN_PEOPLE = 10
"""People listed by name in `analyze`'s table of a group (the most active; the rest summed), as in the report."""


def _rate(v: float | None) -> str:
    return "-" if v is None else f"{v:.0%}"


SHOWN_CONVERSATIONS = 20
"""Conversations `analyze` gives a panel of their own. A folder or corpus of more shows those where
control, threats or contempt call for help first, then the longest, and counts the rest: a corpus of
two thousand dialogues printed 36,000 lines. The summary, the JSONL and the report hold them all."""
SHOWN_UNTIMED = 3
"""Chats without times named one by one on stderr; more are counted in one line."""
SHOWN_DRIFT = 8
"""Drift findings the terminal shows; the report and the summary hold them all."""
SHOWN_EVIDENCE = 5
"""Messages named under a suggestion in `analyze`'s output (the report quotes them)."""


def _evidence_line(source: str, evidence: list[int]) -> str:
    """Where a suggestion comes from, as messages to look at: "messages 17, 203 and 340 (see why:
    turntoward explain 'chat.txt:17')"; the first few of them where there are many. Printed
    without line breaks of its own (`soft_wrap`), so the command copies whole from the terminal."""
    shown = [str(i) for i in evidence[:SHOWN_EVIDENCE]]
    more = len(evidence) - len(shown)
    if len(shown) == 1:
        named = f"message {shown[0]}"
    elif more:
        named = f"messages {', '.join(shown)} and {more} more"
    else:
        named = f"messages {', '.join(shown[:-1])} and {shown[-1]}"
    return f"{named} (see why: turntoward explain {shlex.quote(f'{source}:{evidence[0]}')})"


def _print_analysis(analysis: aa.Analysis) -> None:
    summaries = [aa.conversation_summary(result) for result in analysis.conversations]
    shown_chats = set(analysis.most_pressing(SHOWN_CONVERSATIONS))
    for k, (result, s) in enumerate(zip(analysis.conversations, summaries, strict=True)):
        if k not in shown_chats:
            continue
        conv = result.conversation
        table = Table("person", "bids made", "toward", "away", "against", "turns toward (received)", box=None)
        shown = result.most_active(list(s["bids"]), SHOWN_PEOPLE)  # a big group: the rest in one line
        for person in shown:
            t = s["bids"][person]
            table.add_row(escape(person), str(t["made"]), str(t["toward"]), str(t["away"]), str(t["against"]),
                          _rate(s["turn_toward_rate"].get(person)))
        shown_set = set(shown)
        rest = [t for person, t in s["bids"].items() if person not in shown_set]
        if rest:
            table.add_row(f"and {len(rest)} others", *(str(sum(t[k] for t in rest))
                                                       for k in ("made", "toward", "away", "against")), "")
        lines = [f"{s['messages']} messages, {s['first'][:10]} to {s['last'][:10]}" if s["messages"] else "no messages"]
        if s["language"]["note"]:
            lines.append(f"[bold]not labelled:[/] {escape(s['language']['note'])} (--any-language labels it anyway)")
        if not s["timed"]:
            lines.append(f"[bold]no times:[/] {UNTIMED_NOTE}")
        for name, sign in s["signs"].items():
            lines.append(f"communication {name}: [bold]{sign['status']}[/] — {escape(sign['evidence'])}")
        if s["episodes"]:
            repaired = sum(e["repaired"] for e in s["episodes"])
            lines.append(f"conflict episodes: {len(s['episodes'])}, repaired: {repaired}")
        if s["control_messages"]:
            lines.append(f"[bold red]control or coercion in {s['control_messages']} message(s)[/]")
        console.print(Panel.fit("\n".join(lines), title=escape(f"{conv.title} ({conv.source})")))
        console.print(table)
        for sug in result.suggestions[:3]:
            console.print(f"• {escape(sug.text)}")
            if sug.evidence:
                console.print(f"  [dim]{escape(_evidence_line(conv.source, sug.evidence))}[/]", soft_wrap=True)
        if len(result.suggestions) > 3:
            console.print(f"  (and {len(result.suggestions) - 3} more in the report and --summary-json)")
        if s["help"]:  # `help_resources` of the suggestions: nothing when none calls for help
            console.print("[bold]Help:[/] " + " ".join(escape(h) for h in s["help"]))
        console.print()
    if len(shown_chats) < len(summaries):
        rest = [s for k, s in enumerate(summaries) if k not in shown_chats]
        flagged = sum(1 for k, r in enumerate(analysis.conversations) if k not in shown_chats and r.calls_for_help)
        among = f"; {flagged:,} of them with control, threats or contempt" if flagged else ""
        console.print(f"and {len(rest):,} more conversations ({sum(s['messages'] for s in rest):,} messages{among}), "
                      "each with its findings in --summary-json, --jsonl and the report\n")
    for d in analysis.drift[:SHOWN_DRIFT]:  # concerns first, the largest falls first (`analysis.drift`)
        console.print(f"[bold]drift ({d.status.value}):[/] {escape(d.evidence)}")
        if d.unanswered_bids:  # the bids to them that went unanswered, by chat
            for source, group in groupby(d.unanswered_bids, key=lambda bid: bid[0]):
                console.print(f"  [dim]{escape(_evidence_line(source, [index for _, index in group]))}[/]",
                              soft_wrap=True)
    if len(analysis.drift) > SHOWN_DRIFT:
        console.print(f"  (and {len(analysis.drift) - SHOWN_DRIFT} more people in the report and --summary-json)")
    if analysis.conversations:
        console.print(f"[dim]{escape(RELIABILITY_NOTE)} `turntoward explain SOURCE:INDEX` shows why one "
                      "message was read as it was.[/]")


TargetsArg = Annotated[
    list[str] | None, typer.Argument(help="Export files, folders, zips, or stored conversation ids or titles.")
]
BackendOpt = Annotated[str, typer.Option("--backend", help="Analysis backend: hybrid (default) or rules.")]


@app.command("analyze", rich_help_panel=PANEL)
def analyze_command(
    targets: TargetsArg = None,
    jsonl: Annotated[Path | None, typer.Option(
        "--jsonl", help="Write the per-message JSONL contract here (- for standard output).")] = None,
    summary_json: Annotated[
        Path | None, typer.Option("--summary-json",
                                  help="Write the per-conversation summary contract here (- for standard output).")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="Analyse every stored conversation.")] = False,
    fmt: Annotated[str | None, typer.Option("--format", help="Force an export format (see `formats`).")] = None,
    date_order: Annotated[str | None, typer.Option("--date-order", help="dmy, mdy or ymd for ambiguous dates.")] = None,
    me: Annotated[str | None, typer.Option("--me", help="Your name in these chats (for drift).")] = None,
    column_map: ColumnMap = None,
    backend: BackendOpt = DEFAULT_BACKEND,
    any_language: AnyLanguage = False,
    workers: Workers = None,
    db: Db = None,
    passphrase: Passphrase = None,
) -> None:
    """Find bids and how they were answered, conflict and repair, control, and signs of drift.

    Works directly on export files (no database needed) and on stored conversations.
    """
    if jsonl is not None and summary_json is not None and str(jsonl) == str(summary_json) == STDOUT:
        raise UsageError("--jsonl - and --summary-json -: only one of them can go to standard output")
    for path, option in ((jsonl, "--jsonl"), (summary_json, "--summary-json")):
        if path is not None and str(path) != STDOUT:
            _check_writable(path, option)  # before the long work, not after it
    with ExitStack() as stack:
        convs = _load(list(targets or []), all_, db, passphrase, import_options(date_order, me, column_map), fmt, stack)
    total = sum(len(c.messages) for c in convs)
    err = Console(stderr=True)
    with Progress(TextColumn("analysing"), BarColumn(), MofNCompleteColumn(), TextColumn("messages"),
                  console=err, transient=True, disable=total < 20_000) as bar:
        task = bar.add_task("analyse", total=total)
        analysis = aa.analyze_conversations(convs, backend=backend, me=me, any_language=any_language,
                                            progress=lambda c: bar.advance(task, len(c.messages)), workers=workers)
    untimed: list[str] = []
    for result in analysis.conversations if jsonl is not None or summary_json is not None else []:
        note = result.language.note()
        if note:
            err.print(f"[bold]{escape(result.conversation.source)}:[/] {escape(note)} "
                      "(--any-language labels it anyway)")
        if not has_times(result.conversation.messages):
            untimed.append(result.conversation.source)
    if len(untimed) > SHOWN_UNTIMED:  # a research corpus: one line for all its chats, not one each
        err.print(f"[bold]{len(untimed)} of the {len(analysis.conversations)} conversations[/] (the first: "
                  f"{escape(untimed[0])}), each: {UNTIMED_NOTE}")
    else:
        for source in untimed:
            err.print(f"[bold]{escape(source)}:[/] {UNTIMED_NOTE}")
    if jsonl is not None:
        n = _write_whole(jsonl, "--jsonl", lambda fh: aa.write_jsonl(analysis, fh))
        err.print(f"wrote {n} messages to {escape(_shown(jsonl))}")
    if summary_json is not None:
        _write_whole(summary_json, "--summary-json",
                     lambda fh: fh.write(json.dumps(aa.summary(analysis), ensure_ascii=False, indent=2) + "\n"))
        err.print(f"wrote the summary of {len(analysis.conversations)} conversation(s) to "
                  f"{escape(_shown(summary_json))}")
    if jsonl is None and summary_json is None:
        _print_analysis(analysis)


@app.command("explain", rich_help_panel=PANEL)
def explain_command(
    ref: Annotated[str, typer.Argument(help="SOURCE:INDEX, e.g. chat.txt:17 (a file or a stored conversation).")],
    fmt: Annotated[str | None, typer.Option("--format", help="Force an export format.")] = None,
    date_order: Annotated[str | None, typer.Option("--date-order")] = None,
    column_map: ColumnMap = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    backend: BackendOpt = DEFAULT_BACKEND,
    any_language: AnyLanguage = False,
    db: Db = None,
    passphrase: Passphrase = None,
) -> None:
    """Show why a message was labelled as it was: the cues, the response, the context."""
    source = ref.rpartition(":")[0]
    # A member of a zip ("chats.zip!_chat.txt") or one chat of a many-chat export ("result.json#42")
    # is found by reading the file it came from.
    for mark in ("!", "#"):
        head = source.split(mark)[0]
        if mark in source and Path(head).exists():
            source = head
    with ExitStack() as stack:
        convs = _load([source], False, db, passphrase, import_options(date_order, None, column_map), fmt, stack)
    ex = aa.explain_message(convs, ref, backend=backend, any_language=any_language)
    if as_json:
        typer.echo(json.dumps({"message": ex.record, "cues": ex.cues, "response": ex.response,
                               "response_cues": ex.response_cues,
                               "in_words": {**ex.in_words, **({"bid": ex.near_bid} if ex.near_bid else {})},
                               "context": ex.context,
                               "reactions": ex.reactions, "language_note": ex.language_note,
                               "times_note": ex.times_note},
                              ensure_ascii=False, indent=2))
        return
    r = ex.record
    console.print(f"[bold]{escape(r['author'])}[/] ({r['ts']}): {escape(r['text'])}")
    if ex.language_note:
        console.print(f"[bold]not labelled:[/] {escape(ex.language_note)} (--any-language labels it anyway)")
    if ex.times_note:
        console.print(f"[bold]no times:[/] {ex.times_note}")
    console.print(f"cues that fired: {escape('; '.join(ex.in_words.get('cues', [])) or 'none')}")
    if ex.reactions:
        console.print("reactions: " + escape(", ".join(f"{x['emoji']} {x['author']}" for x in ex.reactions)))
    if r["bid"]:
        b = r["bid"]
        console.print(f"bid: [bold]{b['kind']}[/] (score {b['score']})")
        _because(ex.in_words.get("bid", []))
        if ex.response:
            lat = b["latency_s"]
            after = "" if lat is None else f" after {lat / 60:.0f} min"  # a chat without times has none
            console.print(f"answered by message {b['response_index']}{after}: "
                          f"[italic]{escape(ex.response['text'])}[/]")
        console.print(f"outcome: [bold]{b['outcome']}[/]")
        _because(ex.in_words.get("outcome", []))
    else:
        console.print("not a bid")
        _because(ex.near_bid)
    for k in ("horseman", "accountability"):
        if r[k]:
            console.print(f"{k}: [bold]{r[k]}[/]")
            _because(ex.in_words.get(k, []))
    if r["control"]:
        console.print("[bold red]control or coercion[/]")
        _because(ex.in_words.get("control", []))
    if r["repair"]:
        console.print("repair attempt")
        _because(ex.in_words.get("repair", []))
    table = Table("#", "who", "text", box=None)
    for c in ex.context:
        mark = "→" if c["index"] == r["index"] else ""
        table.add_row(f"{mark}{c['index']}", escape(c["author"]), escape(c["text"][:90]))
    console.print(table)


def _because(reasons: list[str]) -> None:
    """The cues behind a label, in words, one per line under it."""
    for reason in reasons:
        console.print(f"  - {escape(reason)}")


GROUPINGS = {
    "relationship": lambda conv: conv.relationship.value,
    "people": lambda conv: "group" if conv.is_group else "two people",
    "times": lambda conv: "with times" if has_times(conv.messages) else "without times",
}


@app.command("evaluate", rich_help_panel=PANEL)
def evaluate_command(
    paths: Annotated[list[str], typer.Argument(help="Folders or files of labelled conversations (ANNOTATION.md).")],
    backend: BackendOpt = DEFAULT_BACKEND,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    compare: Annotated[str | None, typer.Option(
        "--compare", help="Also measure this backend on the same conversations, and how sure the difference is.",
    )] = None,
    by: Annotated[str | None, typer.Option(
        "--by", help="Also measure each kind of conversation apart: 'relationship', 'people' (two people "
                     "against groups), or 'times' (chats with times of their own against those without).",
    )] = None,
    errors: Annotated[Path | None, typer.Option(
        "--errors", dir_okay=False, writable=True,
        help="Write every message where the analysis and the labels differ to this JSONL file, with both "
             "sides' labels and the cues behind the analysis's.",
    )] = None,
) -> None:
    """Measure the analysis against labelled conversations: precision, recall, F1, with 95% intervals."""
    if by is not None and by not in GROUPINGS:
        raise UsageError(f"--by {by!r}: expected one of {', '.join(sorted(GROUPINGS))}")
    err = Console(stderr=True)
    backends = [backend, compare] if compare else [backend]
    scores, other = Scores(), Scores()
    groups: dict[str, Scores] = {}
    untimed = 0
    with ExitStack() as stack:
        out = stack.enter_context(_open_for_writing(errors, "--errors")) if errors else None
        progress = stack.enter_context(Progress(
            TextColumn("labelling"), TextColumn("{task.completed} conversations"), console=err, transient=True))
        task = progress.add_task("labelling")
        for judged in aa.judge(paths, backends, skipped=lambda error: err.print(
                f"skipped, not a labelled conversation: {escape(str(error))}", soft_wrap=True)):
            authors = [m.author for m in judged.conversation.messages]
            untimed += not has_times(judged.conversation.messages)
            one = score(judged.gold, judged.labels[0], authors=authors)
            scores.add(one)
            if compare:
                other.add(score(judged.gold, judged.labels[1], authors=authors))
            if by:
                groups.setdefault(GROUPINGS[by](judged.conversation), Scores()).add(one)
            if out:
                for line in aa.disagreement_records(judged):
                    out.write(json.dumps(line, ensure_ascii=False) + "\n")
            progress.advance(task)
    d = scores.as_dict()
    ci = scores.intervals()
    if as_json:
        doc = {**d, "ci95": ci} if ci else d
        if compare:
            doc["compare"] = {"backend": compare, **other.as_dict(), "difference_ci95": scores.intervals(other)}
        if by:
            doc["by"] = {by: {name: {**g.as_dict(), "ci95": g.intervals()} for name, g in sorted(groups.items())}}
        typer.echo(json.dumps(doc, indent=2))
        return

    console.print(f"{d['conversations']} conversations, {d['messages']} messages")
    if untimed:
        console.print(f"{untimed} of them without times of their own: read from their words and turns "
                      "(README, \"Chats without times\"; --by times measures them apart)")
    table = Table("measure", "precision", "recall", "F1", *(["F1, 95% CI"] if ci else []), "support", box=None)
    rows = [(DETECTION_NAMES.get(name, name), d[name], ci.get(name)) for name in DETECTIONS]
    rows += [(f"outcome {o}", m, ci["outcome"][o] if ci else None) for o, m in d["outcome"].items()]
    for name, m, c in rows:
        table.add_row(name, f"{m['precision']:.3f}", f"{m['recall']:.3f}", f"{m['f1']:.3f}",
                      *([_between(c["f1"])] if c else []), str(m["support"]))
    console.print(table)
    if not ci:
        console.print(f"outcome macro-F1: {d['outcome_macro_f1']:.3f}   kind accuracy: {d['kind_accuracy']:.3f}")
    else:
        against = ci["outcome"]["against"]["recall"]
        console.print(f"outcome macro-F1: {d['outcome_macro_f1']:.3f} ({_between(ci['outcome_macro_f1'])})   "
                      f"kind accuracy: {d['kind_accuracy']:.3f} ({_between(ci['kind_accuracy'])})")
        console.print(f"against recall: {d['outcome']['against']['recall']:.3f} ({_between(against)})")
        console.print(f"95% intervals: the {d['conversations']} conversations resampled 2,000 times (bootstrap); "
                      "a difference inside them may be chance.", style="dim")
    if by:
        _print_groups(by, groups)
    if compare:
        _print_difference(backend, compare, scores, other)
    if errors:
        console.print(f"disagreements written to {escape(str(errors))} "
                      "(`turntoward explain SOURCE:INDEX` shows why a message was labelled as it was)")


STDOUT = "-"
"""The file name that means standard output (``--jsonl -``), as in most command-line tools."""


def _shown(path: Path) -> str:
    return "standard output" if str(path) == STDOUT else str(path)


def _check_writable(path: Path, option: str) -> None:
    """A usage error now if `path` plainly cannot be written: a folder, in a missing or read-only folder."""
    folder = path.parent
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a folder; give a file name")
    if not folder.is_dir():
        raise UsageError(f"{option} {path}: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise UsageError(f"{option} {path}: cannot write there (permission denied)")


def _write_whole(path: Path, option: str, write: Callable[[TextIO], T]) -> T:
    """`write_whole`, with a failure said as a usage error naming the option; ``-`` is standard output."""
    if str(path) == STDOUT:
        if hasattr(sys.stdout, "reconfigure"):  # the contract is UTF-8 whatever the terminal's locale
            sys.stdout.reconfigure(encoding="utf-8")
        written = write(sys.stdout)
        sys.stdout.flush()
        return written
    try:
        return write_whole(path, write)
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot write there ({exc.strerror or exc})") from exc


def _open_for_writing(path: Path, option: str) -> TextIO:
    try:
        return path.open("w", encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{option} {path}: cannot write there ({exc.strerror})") from exc


def _between(pair: tuple[float, float] | None) -> str:
    if pair is None:
        return "-"
    low, high = pair
    return f"{low:.3f}-{high:.3f}"


def _print_groups(by: str, groups: dict[str, Scores]) -> None:
    """The headline measures of each kind of conversation, each with its 95% interval on the line below."""
    table = Table(by, "convs", "bids", "bid F1", "outcome", "against", "kind", "horseman", box=None)
    paths = [("bid", "f1"), ("outcome_macro_f1",), ("outcome", "against", "recall"), ("kind_accuracy",),
             ("horseman", "f1")]

    def short(pair: object) -> str:
        return "" if pair is None else "-".join(f"{x:.2f}".removeprefix("0") for x in pair)  # type: ignore[attr-defined]

    for name, g in sorted(groups.items()):
        d, ci = g.as_dict(), g.intervals()
        table.add_row(name, str(g.conversations), str(at(d, ("bid", "support"))),
                      *(f"{at(d, path):.3f}" for path in paths))
        if ci:
            table.add_row("", "", "", *(short(at(ci, path)) for path in paths), style="dim")
    console.print(f"\nby {by}: bid F1, outcome macro-F1, against recall, kind accuracy, horseman F1; each "
                  "group's own 95% intervals below its figures (a small group's are wide):")
    console.print(table)


def _print_difference(name: str, other_name: str, scores: Scores, other: Scores) -> None:
    """Each measure by both backends, and the paired interval of the difference."""
    table = Table("measure", name, other_name, "difference", "95% CI", box=None)
    for label, x, y, pair in differences(scores, other):
        sure = "-"
        if pair is not None:
            low, high = pair
            sure = f"{low:+.3f} to {high:+.3f}" + ("" if low <= 0 <= high else " better" if low > 0 else " worse")
        table.add_row(label, f"{x:.3f}", f"{y:.3f}", f"{x - y:+.3f}", sure)
    console.print(f"\n{name} against {other_name} on the same conversations (paired bootstrap):")
    console.print(table)
