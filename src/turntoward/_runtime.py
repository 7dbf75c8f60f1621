"""Small runtime helpers shared by every layer."""

from __future__ import annotations

import gc
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TextIO, TypeVar

T = TypeVar("T")


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause Python's cycle collector during bulk work.

    A million messages are millions of tracked objects, and every collection their allocation
    triggers walks them all, looking for cycles that parsing, storing and analysing never make.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def replace_whole(path: Path, make: Callable[[Path], T]) -> T:
    """Put the file `make` writes at `path` only once it is whole. `make` gets a fresh empty file
    beside `path`, readable by its owner only, to write (text, bytes, or a browser's PDF); that file
    is then renamed over `path`, so a failure leaves any earlier file as it was and never half of
    a new one. Raises what `make` raises, or OSError; the file beside is then removed.

    A `path` that is no regular file but a device or a pipe (``/dev/null``, ``/dev/stdout``, a named
    pipe, the ``/dev/fd/63`` of a shell's ``>(jq …)``) is written as it is: renaming over it would put
    a file where the device or pipe was (or fail, where the folder is not the user's)."""
    if _device_or_pipe(path):
        return make(path)
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(name)
    try:
        result = make(tmp)
        os.chmod(tmp, 0o600)  # whatever wrote it (a browser printing a PDF) may have made it anew
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return result


def _device_or_pipe(path: Path) -> bool:
    """Whether `path` (followed through links) exists and is neither a regular file nor a folder."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def write_whole(path: Path, write: Callable[[TextIO], T]) -> T:
    """`replace_whole` for what `write` writes as UTF-8 text."""

    def make(tmp: Path) -> T:
        with tmp.open("w", encoding="utf-8") as fh:
            return write(fh)

    return replace_whole(path, make)
