"""Small runtime helpers shared by every layer."""

from __future__ import annotations

import gc
import os
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


def write_whole(path: Path, write: Callable[[TextIO], T]) -> T:
    """What `write` writes (UTF-8 text), put at `path` only once it is whole: written into a file
    beside it (readable by its owner only), then renamed over it, so a failure leaves any earlier
    file as it was and never half of a new one. Raises OSError; the file beside is then removed."""
    tmp: str | None = None
    try:
        with tempfile.NamedTemporaryFile("w", encoding="utf-8", dir=path.parent, prefix=f".{path.name}.",
                                         suffix=".tmp", delete=False) as fh:
            tmp = fh.name
            result = write(fh)
        os.replace(tmp, path)
        tmp = None
        return result
    finally:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)
