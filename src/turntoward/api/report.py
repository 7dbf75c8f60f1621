"""Writing the connection report: load conversations, analyse them, build the report, write it out.

`turntoward report` is this function plus argument parsing. Outputs are written only to the
paths given; nothing is uploaded or written anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from turntoward.analysis.backends import DEFAULT_BACKEND
from turntoward.api.analysis import Progress, analyze_conversations, load_conversations
from turntoward.errors import UsageError
from turntoward.ingest import ImportOptions
from turntoward.report import CheckinSeries, Report, build_report


@dataclass(slots=True)
class ReportFiles:
    """What `report` wrote."""

    html: Path
    pngs: list[Path] = field(default_factory=list)
    pdf: Path | None = None
    conversations: int = 0
    messages: int = 0


def report(
    targets: list[str],
    *,
    out: str | Path,
    store: Any | None = None,
    all_conversations: bool = False,
    png_dir: str | Path | None = None,
    pdf: str | Path | None = None,
    redact: bool = False,
    me: str | None = None,
    options: ImportOptions | None = None,
    fmt: str | None = None,
    backend: str = DEFAULT_BACKEND,
    checkins: list[CheckinSeries] | None = None,
    progress: Progress | None = None,
    any_language: bool = False,
    workers: int | None = 1,
) -> ReportFiles:
    """Write the report of `targets` (export files or stored conversations) to `out`.

    With `all_conversations`, every conversation in `store` is included. `png_dir` also gets
    one PNG per chart, `pdf` a printed copy (needs Chromium); `redact` replaces names and
    message text with placeholders, for sharing. Chats that are hardly English are labelled
    only with `any_language`; `workers` processes share the analysis out (see `analyze_conversations`).
    """
    conversations = load_conversations(targets, store=store, all_conversations=all_conversations,
                                       options=options, fmt=fmt, progress=progress)
    analysis = analyze_conversations(conversations, backend=backend, me=me, any_language=any_language,
                                    workers=workers)
    if checkins is None and store is not None:
        checkins = stored_checkins(store, me or analysis.me)
    built = build(analysis, redact=redact, checkins=checkins)
    files = ReportFiles(built.write_html(out), conversations=len(conversations),
                        messages=sum(len(c.messages) for c in conversations))
    if png_dir is not None:
        files.pngs = built.write_pngs(png_dir)
    if pdf is not None:
        files.pdf = built.write_pdf(pdf)
    return files


def stored_checkins(store: Any, viewer: str | None) -> list[CheckinSeries] | None:
    """The check-ins and time together that `viewer` may see: their own, and what others shared.

    None when nobody is known to be the viewer or there is nothing to show; never anyone's
    unshared answers (`turntoward.checkin.series.checkin_series` enforces it).
    """
    from turntoward.checkin.series import checkin_series
    from turntoward.errors import NotFoundError

    try:
        series = checkin_series(store, viewer)
    except (UsageError, NotFoundError):
        return None
    return [series] if series.readings or series.together else None


def build(analysis: Any, *, redact: bool = False, checkins: list[CheckinSeries] | None = None) -> Report:
    """The report of an `Analysis` already made (see `turntoward.report.build_report`)."""
    return build_report(analysis, redact=redact, checkins=checkins)
