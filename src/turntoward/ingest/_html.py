"""What the importers of HTML exports share: a parser that knows which open element means what,
and reading a page into it as it streams in.

An importer's parser subclasses `RoleParser`: `role` says what an opening tag means to it (or
None), and `ended` is told when an element with a role ends, so the parser can finish what that
element held. Pages are fed in slices as they are decoded, so a 100 MB export never sits in
memory as one string beside its parse.
"""

from __future__ import annotations

import codecs
from html.parser import HTMLParser

from turntoward.errors import ImportFormatError
from turntoward.ingest._sources import Source

VOID = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"})
"""Elements that have no end tag."""
CHUNK = 1 << 20


class RoleParser(HTMLParser):
    """An HTML parser that keeps the open elements with the role each has for the importer."""

    RECORDS: frozenset[str] = frozenset()
    """The roles of a message's element: one still open at the end of the page means the page was cut off."""

    def __init__(self, *, convert_charrefs: bool = True) -> None:
        super().__init__(convert_charrefs=convert_charrefs)
        self.stack: list[tuple[str, str | None]] = []  # (tag, role) of each open element

    def role(self, tag: str, attributes: dict[str, str]) -> str | None:
        """What the element opening now means; the stack holds its parents."""
        raise NotImplementedError

    def ended(self, role: str, depth: int) -> None:
        """The element with `role` at `depth` (its parents' count) has ended."""
        raise NotImplementedError

    def inside(self, role: str) -> bool:
        return any(r == role for _, r in self.stack)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        role = self.role(tag, {name: value or "" for name, value in attrs})
        if tag not in VOID:
            self.stack.append((tag, role))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth][0] == tag:
                while len(self.stack) > depth:
                    role = self.stack.pop()[1]
                    if role is not None:
                        self.ended(role, len(self.stack))
                return
        # an end tag that closes nothing: browsers ignore it, and so do we


def read_page(source: Source, parser: HTMLParser, writer: str) -> None:
    """Feed `source` to `parser` as UTF-8 (a byte-order mark dropped), in slices.

    Bytes that are not UTF-8, or markup the standard parser gives up on, raise ImportFormatError
    naming the line; `writer` ("DiscordChatExporter") says who writes the page.
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    lines_before = 0  # in the slices read before the one being decoded
    try:
        with source.stream() as fh:
            while chunk := fh.read(CHUNK):
                parser.feed(decoder.decode(chunk))
                lines_before += chunk.count(b"\n")
            parser.feed(decoder.decode(b"", final=True))
        parser.close()
    except UnicodeDecodeError as exc:
        bad = exc.object[exc.start : exc.end].hex(" ")
        line = lines_before + exc.object[: exc.start].count(b"\n") + 1  # where the byte is, not where the parser is
        raise ImportFormatError(source.name, f"UTF-8 text, as {writer} writes it", line=line,
                                found=f"byte {bad}") from exc
    except (AssertionError, ValueError, IndexError) as exc:
        raise ImportFormatError(source.name, "well-formed HTML", line=parser.getpos()[0], found=str(exc)) from exc
    if isinstance(parser, RoleParser) and any(role in parser.RECORDS for _, role in parser.stack):
        raise ImportFormatError(source.name, f"the rest of the page (it ends inside a message: it was cut off, "
                                f"export it again from {writer})", line=parser.getpos()[0], found="the end of the file")
