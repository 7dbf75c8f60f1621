"""Where export bytes come from: plain files, files inside folders, members of zip archives."""

from __future__ import annotations

import codecs
import os
import zipfile
import zlib
from collections.abc import Callable, Hashable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import IO, Any, TypeVar, cast

from turntoward.errors import ImportFormatError, UsageError

HEAD_BYTES = 64 * 1024
PAGE_GAP = 3
"""How many page numbers past a missing one are looked for, to tell a gap from the end."""


def decode_text(name: str, data: bytes, expected: str) -> str:
    """`data` as text: UTF-8 (a byte-order mark dropped), or UTF-16 when it starts with UTF-16's
    byte-order mark (Excel's "Unicode Text" and some Windows tools write that). Anything else
    raises ImportFormatError naming the line of the first byte that is not UTF-8 and `expected`."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ImportFormatError(name, expected, found="UTF-16 text that ends in the middle of a character") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.end].hex(" ")
        raise ImportFormatError(name, expected, line=line,
                                found=f"byte {bad}, not UTF-8: save or export the file as UTF-8") from exc


_UNREADABLE: tuple[type[BaseException], ...] = (OSError, zipfile.BadZipFile, KeyError, zlib.error, EOFError)
"""What reading a file or an archive's member raises where its bytes cannot be had: a damaged
archive's deflated data raises zlib.error, a truncated one EOFError."""
_UNOPENABLE: tuple[type[BaseException], ...] = (RuntimeError, NotImplementedError)
"""What opening an archive's member raises where it is encrypted or compressed in a way zipfile
cannot read: caught only around the opening, so a bug of the same type in a parser still shows."""
_BAD_ARCHIVE: tuple[type[BaseException], ...] = (OSError, zipfile.BadZipFile, NotImplementedError)
"""What opening a zip archive raises where it cannot be read: zipfile also refuses a damaged
directory that claims a "zip file version" it does not know with NotImplementedError."""


def _why(exc: BaseException) -> str:
    """An exception in words for an error message ("damaged compressed data: ...")."""
    if isinstance(exc, zlib.error | EOFError):
        return f"damaged compressed data ({exc or 'it ends too soon'})"
    return str(exc)


@dataclass(frozen=True)
class Source:
    """One file to import: on disk (`path`), or a member of a zip archive (`archive`, `member`).

    `name` is what errors and the analysis contract show: the path as the user gave it, or
    ``archive.zip!member`` for a member of an archive.
    """

    name: str
    path: Path | None = None
    archive: Path | None = None
    member: str | None = None
    named: bool = False
    """Whether the user named this file itself (not a folder or archive holding it)."""
    root: Path | None = None
    """The folder the user named that this file was found in (None for a file named itself or a
    member of an archive): what else of an export is part of the same import."""

    @property
    def filename(self) -> str:
        """The bare file name (``_chat.txt``, ``message_1.json``)."""
        return PurePosixPath(self.member).name if self.member else Path(self.name).name

    @property
    def folder_name(self) -> str:
        """The name of the folder the file is in, on disk or inside its archive ("" at an archive's top):
        a Slack channel's, a Google Voice ``Spam`` folder, a WeChat chat's ``小红(wxid_…)``; for a file
        named from inside its folder (``message.json``), that folder's."""
        if self.path is not None:
            return self.path.absolute().parent.name
        return PurePosixPath(self.member or "").parent.name

    def read_bytes(self) -> bytes:
        try:
            if self.path is not None:
                return self.path.read_bytes()
            assert self.archive is not None and self.member is not None
            with _zip(self.archive) as zf:
                return zf.read(self.member)
        except (*_UNREADABLE, *_UNOPENABLE) as exc:
            raise ImportFormatError(self.name, "a readable file", found=_why(exc)) from exc

    def read_text(self, expected: str) -> str:
        """The file as text (`decode_text`); bytes it cannot decode raise ImportFormatError
        naming their line and `expected` ("a UTF-8 encoded JSON document")."""
        return decode_text(self.name, self.read_bytes(), expected)

    @contextmanager
    def stream(self) -> Iterator[IO[bytes]]:
        """The file as a binary stream, read as it goes (for exports too big to hold whole). A member
        of an archive that cannot be opened (encrypted, an unknown compression) or whose compressed
        data is damaged raises ImportFormatError, whether it fails on opening or while read."""
        with ExitStack() as stack:
            try:
                if self.path is not None:
                    fh: IO[bytes] = stack.enter_context(self.path.open("rb"))
                else:
                    assert self.archive is not None and self.member is not None
                    fh = stack.enter_context(stack.enter_context(_zip(self.archive)).open(self.member))
            except (*_UNREADABLE, *_UNOPENABLE) as exc:
                raise ImportFormatError(self.name, "a readable file", found=_why(exc)) from exc
            try:
                yield fh
            except _UNREADABLE as exc:
                raise ImportFormatError(self.name, "a readable file", found=_why(exc)) from exc

    def head(self, size: int = HEAD_BYTES) -> bytes:
        """The first `size` bytes, for format detection."""
        with self.stream() as fh:
            return fh.read(size)

    def sibling(self, filename: str) -> Source | None:
        """The file called `filename` in the same folder (or archive folder), if it exists; `filename`
        may go down into a folder there (GroupMe's ``likes/for_me.json`` beside ``message.json``)."""
        if self.path is not None:
            if not (self.path.parent / filename).is_file():
                return None
        else:
            assert self.archive is not None and self.member is not None
            if str(PurePosixPath(self.member).parent / filename) not in archive_members(self.archive):
                return None
        return self.beside(filename)

    def beside(self, filename: str) -> Source:
        """The file called `filename` in the same folder (or archive folder), not looked for: for a
        name `names_beside` listed. Its name is spelt as this one's (the archive as the user gave it)."""
        if self.path is not None:
            return Source(str(Path(self.name).parent / filename), path=self.path.parent / filename, root=self.root)
        assert self.archive is not None and self.member is not None
        member = str(PurePosixPath(self.member).parent / filename)
        shown = self.name[: -len(self.member)] if self.name.endswith(self.member) else f"{self.archive}!"
        return Source(shown + member, archive=self.archive, member=member)


class LaterPageError(UsageError):
    """A later page of a paged export, named by itself, beside the page that reads it in (`export_pages`)."""

    def __init__(self, source: Source, number: int, first: Source) -> None:
        super().__init__(f"{source.name} is page {number} of a chat export: give {first.filename} or the folder, "
                         "which read every page in order")
        self.first = first


def export_pages(source: Source, number: int, page_name: Callable[[int], str]) -> list[Source]:
    """The files a page of a paged export stands for (``message_1.json``, ``message_2.json``...).

    `number` is the page `source` is (0 when its name is not a page's) and `page_name(n)` the
    name of page n. The first page stands for every page after it beside it, in order; a later
    page whose first page is beside it stands for nothing (the first page brings it in). Where
    the first page is missing, the earliest page there stands for the pages after it, so an
    export that lost its first page is still one conversation in order, not one per page; any
    other file stands for itself alone. A later page named by itself is an error that says which
    to give instead: read alone, it would be a chat without its beginning, and skipped, nothing.
    So is a gap (pages 1, 2 and 4): the pages after it would otherwise be lost without a word.
    """
    if number > 1 and (source.sibling(page_name(1)) is not None or source.sibling(page_name(number - 1)) is not None):
        if source.named:
            first = next(s for s in map(source.sibling, map(page_name, range(1, number))) if s is not None)
            raise LaterPageError(source, number, first)
        return []
    pages = [source]
    if number >= 1:
        while (more := source.sibling(page_name(number + len(pages)))) is not None:
            pages.append(more)
        missing = number + len(pages)
        later = next((n for n in range(missing + 1, missing + 1 + PAGE_GAP) if source.sibling(page_name(n))), None)
        if later is not None:  # the pages after the gap would be lost without a word
            raise ImportFormatError(source.name, f"{page_name(missing)} beside it, before {page_name(later)} (the "
                                    "export is missing a page: download or copy it again)", found="no such file")
    return pages


@dataclass(frozen=True)
class _Held:
    """An archive `_zip_members` is going through, open once for all its members, with its member
    names: opening a zip reads its whole directory, so opening it again for each member made an
    export of a few thousand files (Slack's day files, Takeout's folders) slow in the square of
    their number (944 members: 6.3 s -> 1.1 s)."""

    zf: zipfile.ZipFile
    names: frozenset[str]


_OPEN: dict[Path, _Held] = {}


@contextmanager
def _zip(archive: Path) -> Iterator[zipfile.ZipFile]:
    """`archive` open for reading: the one `_zip_members` holds open, else opened for this read."""
    held = _OPEN.get(archive)
    if held is not None:
        yield held.zf
        return
    with zipfile.ZipFile(archive) as zf:
        yield zf


def _open_zip(archive: Path | str, shown: str, expected: str = "a readable zip archive") -> zipfile.ZipFile:
    """The zip `archive`, opened; one that cannot be read raises ImportFormatError naming it as `shown`."""
    try:
        return zipfile.ZipFile(archive)
    except _BAD_ARCHIVE as exc:
        raise ImportFormatError(shown, expected, found=str(exc)) from exc


def archive_members(archive: Path) -> frozenset[str]:
    """Every member name of the zip `archive` (kept while `_zip_members` goes through it). Raises
    ImportFormatError where the archive cannot be read."""
    held = _OPEN.get(archive)
    if held is not None:
        return held.names
    with _open_zip(archive, str(archive)) as zf:
        return frozenset(zf.namelist())


T = TypeVar("T")


def archive_index(archive: Path, index: Callable[..., T], *args: Hashable) -> T:
    """``index(names, *args)`` of the names of the zip `archive`'s files (not folders, in the
    archive's order), made once while the archive is unchanged: an export of thousands of files asks
    once for each of them (Slack's day files, Google Voice's pages), and listing the archive every
    time is quadratic. `index` and `args` are part of the cache's key (a module-level function, not
    a lambda made anew each call). Raises ImportFormatError where the archive cannot be read."""
    try:
        stat = archive.stat()
    except OSError as exc:
        raise ImportFormatError(str(archive), "a readable zip archive", found=str(exc)) from exc
    return cast(T, _archive_index(str(archive), stat.st_mtime_ns, stat.st_size, index, args))


@lru_cache(maxsize=4)
def _archive_index(archive: str, mtime_ns: int, size: int, index: Callable[..., Any],
                   args: tuple[Hashable, ...]) -> Any:
    with _open_zip(archive, archive) as zf:
        names = tuple(i.filename for i in zf.infolist() if not i.is_dir())
    return index(names, *args)


def names_beside(source: Source, keep: Callable[[str], bool], expected: str) -> tuple[str, ...]:
    """The names of the files in `source`'s folder (or archive folder) that `keep` takes, sorted: the
    pages or day files of an export that spreads over many files. Listed once for all of them while
    the folder or archive is unchanged (each of thousands of files asks); `keep` is part of the
    cache's key (a module-level function). `expected` names the folder in an error."""
    if source.path is not None:
        folder = source.path.parent
        try:
            return _folder_names(str(folder), folder.stat().st_mtime_ns, keep)
        except OSError as exc:
            raise ImportFormatError(source.name, f"a readable folder of {expected}", found=str(exc)) from exc
    if source.archive is None or source.member is None:
        return ()
    return archive_index(source.archive, _names_by_folder, keep).get(str(PurePosixPath(source.member).parent), ())


@lru_cache(maxsize=4)
def _folder_names(folder: str, mtime_ns: int, keep: Callable[[str], bool]) -> tuple[str, ...]:
    with os.scandir(folder) as found:
        return tuple(sorted(e.name for e in found if keep(e.name) and e.is_file()))


def _names_by_folder(names: tuple[str, ...], keep: Callable[[str], bool]) -> dict[str, tuple[str, ...]]:
    """The bare names `keep` takes among an archive's `names`, by folder, sorted."""
    folders: dict[str, list[str]] = {}
    for name in names:
        member = PurePosixPath(name)
        if keep(member.name):
            folders.setdefault(str(member.parent), []).append(member.name)
    return {folder: tuple(sorted(found)) for folder, found in folders.items()}


def _zip_members(archive: Path, shown: str) -> Iterator[Source]:
    with _open_zip(archive, shown, "a zip archive of a chat export") as zf:
        outer = _OPEN.get(archive)
        _OPEN[archive] = _Held(zf, frozenset(zf.namelist()))
        try:
            names = [i.filename for i in zf.infolist() if not i.is_dir()]
            for member in sorted(names):
                if member.startswith("__MACOSX/") or PurePosixPath(member).name.startswith("._"):
                    continue  # resource forks that macOS's Archive Utility adds
                yield Source(f"{shown}!{member}", archive=archive, member=member)
        finally:
            if outer is None:
                del _OPEN[archive]
            else:
                _OPEN[archive] = outer


def expand_paths(paths: list[str | Path]) -> Iterator[Source]:
    """Every file under `paths`; those the user named directly are `Source.named`.

    Folders are walked in sorted order and zip archives are opened; a file found inside a
    folder or archive that no importer recognises (a photo, a stray note) is skipped by the
    caller, while a file named directly must be importable.
    """
    for raw in paths:
        path = Path(raw)
        shown = str(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name.startswith("."):
                    continue
                if zipfile.is_zipfile(child) and child.suffix.lower() == ".zip":
                    yield from _zip_members(child, str(child))
                else:
                    yield Source(str(child), path=child, root=path)
        elif path.is_file():
            if path.suffix.lower() == ".zip" or (zipfile.is_zipfile(path) and path.suffix.lower() != ".db"):
                yield from _zip_members(path, shown)
            else:
                yield Source(shown, path=path, named=True)
        elif path.exists():
            raise ImportFormatError(shown, "a regular file, a folder or a zip archive")
        else:
            raise ImportFormatError(shown, "an existing file or folder", found="no such file")
