"""Running the `turntoward` command in-process, as the CLI tests do."""

from __future__ import annotations

import io
import sys

import pytest

from turntoward.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str, stdin: str | None = None) -> tuple[int, str, str]:
    """Run ``turntoward ARGS`` (with `stdin` as its input, if given); its exit code, stdout and stderr."""
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        main(list(args))
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.stdin = sys.__stdin__
    out, err = capsys.readouterr()
    return code, out, err
