"""The Cornell Movie-Dialogs Corpus in the files it was published as (Danescu-Niculescu-Mizil and Lee
2011): ``movie_lines.txt`` beside ``movie_conversations.txt``, ``movie_titles_metadata.txt`` and
``movie_characters_metadata.txt``, its fields separated by `` +++$+++ ``::

    L1045 +++$+++ u0 +++$+++ m0 +++$+++ BIANCA +++$+++ They do not!
    u0 +++$+++ u2 +++$+++ m0 +++$+++ ['L194', 'L195', 'L196', 'L197']
    m0 +++$+++ 10 things i hate about you +++$+++ 1999 +++$+++ 6.90 +++$+++ 62847 +++$+++ ['comedy', 'romance']

Each line of ``movie_lines.txt`` is a line of a film: its id, the character's id, the film's id, the
character's name and the words. Each line of ``movie_conversations.txt`` is one exchange, the ids of
its lines in the order they are said. ConvoKit publishes the same corpus in its own shape (`convokit`);
many other projects, and corpora built after it in other languages, use these files.

Each exchange becomes one chat, titled by its film's title (else the film's id) and keyed by its first
line's id, as ConvoKit keys it; characters are named as the lines name them, unless two of one
exchange share a name, then by their ids (as `convokit` does, so both copies of the corpus read alike).
Without ``movie_conversations.txt`` beside it, each film is read as one chat, its lines in the order of
their ids (the order of the script). Lines the exchanges list but the lines file lacks (a sample of the
corpus) are left out, and so is an exchange with none left. The corpus has no times: the lines are
placed a minute apart from ``model.NO_TIMES_START`` (`analysis.context.has_times`). The published
files are Windows-1252 (``…`` as one byte); copies saved again as UTF-8 are read as such. Italic and
underline marks (``<i>``, ``<u>``) are taken out of the words.

Named by itself, one of the other files is read through the ``movie_lines.txt`` beside it; in a folder
they are passed over, the lines file reading them. A line not in the shape is an `ImportFormatError`
naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Message, Relationship, untimed_ts

LINES = "movie_lines.txt"
CONVERSATIONS = "movie_conversations.txt"
TITLES = "movie_titles_metadata.txt"
BESIDE = (CONVERSATIONS, TITLES, "movie_characters_metadata.txt")
SEPARATOR = " +++$+++ "
TAB = "\t"
"""The separator of the copy on Kaggle (``movie_lines.tsv``, …): tabs, a line holding quotes wrapped
in quotes as CSV wraps it, the lists of line ids without commas (``['L194' 'L195']``)."""
_LINE = re.compile(rb"\A(?:\xef\xbb\xbf)?L\d+ \+\+\+\$\+\+\+ [^\n]*? \+\+\+\$\+\+\+ [^\n]*? \+\+\+\$\+\+\+ "
                   rb"[^\n]* \+\+\+\$\+\+\+ ")
_TSV_LINE = re.compile(rb"\A(?:\xef\xbb\xbf)?\"?L\d+\tu\d+\tm\d+\t[^\t\n]*\t")
_OTHER = re.compile(rb"\A(?:\xef\xbb\xbf)?[^\s+]+(?: \+\+\+\$\+\+\+ |\t)")
_LINE_IDS = re.compile(r"""['"]([^'"]+)['"]""")
_MARKS = re.compile(r"</?[ibu]>", re.IGNORECASE)
_EXPECTED_LINE = ("a line of the film: its id, character id, film id, character's name and words, separated by "
                  "+++$+++ (or tabs)")
_EXPECTED_EXCHANGE = ("an exchange: two character ids, a film id and the list of its line ids, separated by +++$+++ "
                      "(or tabs)")


@dataclass(frozen=True, slots=True)
class _Line:
    id: str
    character: str
    film: str
    name: str
    text: str


class CornellMoviesImporter:
    """Reads the Cornell Movie-Dialogs Corpus's ``movie_lines.txt`` with the files beside it."""

    name = "cornell_movies"
    description = ("Cornell Movie-Dialogs Corpus as published (movie_lines.txt beside "
                   "movie_conversations.txt): film dialogue, no times")

    def sniff(self, source: Source, head: bytes) -> float:
        if _LINE.match(head) or _TSV_LINE.match(head):
            return 0.95
        # The files beside it read through it when named; in a folder the lines file reads them.
        if source.named and _beside_name(source.filename) in BESIDE and _OTHER.match(head):
            return 0.9
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        suffix = PurePosixPath(source.filename).suffix.lower() or ".txt"
        if not (_LINE.match(source.head()) or _TSV_LINE.match(source.head())):
            wanted = _named(LINES, suffix)
            lines_file = source.sibling(wanted)
            if lines_file is None:
                raise ImportFormatError(source.name, f"{wanted} beside it (the film lines that it lists)",
                                        found=f"no {wanted} in its folder")
            source = lines_file
        lines = _lines(source)
        titles = _titles(source, suffix)
        exchanges = _exchanges(source, lines, suffix)
        if not exchanges:  # no exchange file, or none of its exchanges in this sample of the lines
            exchanges = _films(lines)
        for key, said in exchanges:
            film = said[0].film
            yield Conversation(source=source.name, source_format=self.name, title=titles.get(film, film),
                               messages=_messages(said), chat_id=key, me=options.me,
                               relationship=Relationship.OTHER)


def _text(source: Source) -> str:
    """The file's text: UTF-8 where it is (a copy saved again), else the corpus's own Windows-1252."""
    data = source.read_bytes().removeprefix(b"\xef\xbb\xbf")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:  # the five bytes Windows-1252 leaves undefined
        return data.decode("latin-1")


def _named(name: str, suffix: str) -> str:
    """A file of the corpus as this copy names it (``movie_conversations.tsv`` beside ``.tsv`` lines)."""
    return str(PurePosixPath(name).with_suffix(suffix))


def _beside_name(filename: str) -> str:
    """`filename` as the published corpus names it (``movie_conversations.tsv``: its ``.txt``)."""
    path = PurePosixPath(filename.lower())
    return str(path.with_suffix(".txt")) if path.suffix == ".tsv" else str(path)


def _fields(text: str) -> Iterator[tuple[int, list[str], str]]:
    """Each line's fields: separated by `` +++$+++ `` as published, or by tabs in Kaggle's copy (a
    line holding quotes wrapped in quotes there, each quote doubled; on one real line of that copy
    the closing quote is missing)."""
    tabbed: bool | None = None
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.rstrip("\r")
        if not line.strip():
            continue
        if tabbed is None:
            tabbed = SEPARATOR not in line and TAB in line
        if tabbed:
            if line.startswith('"'):  # quoted as CSV quotes it; a real one never closes its quote
                line = line[1:-1] if len(line) > 1 and line.endswith('"') else line[1:]
                line = line.replace('""', '"')
            yield number, line.split(TAB), TAB
        else:
            yield number, line.split(SEPARATOR), SEPARATOR


def _lines(source: Source) -> dict[str, _Line]:
    out: dict[str, _Line] = {}
    for number, fields, sep in _fields(_text(source)):
        if len(fields) < 5 or not fields[0].startswith("L"):
            error = UnknownFormatError if not out else ImportFormatError
            raise error(source.name, _EXPECTED_LINE, line=number, found=sep.join(fields).strip())
        line_id, character, film, name = (f.strip() for f in fields[:4])
        words = _MARKS.sub("", sep.join(fields[4:])).strip()  # the words may hold the separator
        out[line_id] = _Line(line_id, character, film, name or character, words)
    return out


def _exchanges(source: Source, lines: dict[str, _Line], suffix: str) -> list[tuple[str, list[_Line]]]:
    """The exchanges ``movie_conversations.txt`` lists, each as its lines found in `lines`."""
    found = source.sibling(_named(CONVERSATIONS, suffix))
    if found is None:
        return []
    out = []
    for number, fields, sep in _fields(_text(found)):
        ids = _LINE_IDS.findall(fields[-1])
        if len(fields) < 4 or not ids:
            raise ImportFormatError(found.name, _EXPECTED_EXCHANGE, line=number, found=sep.join(fields).strip())
        said = [lines[i] for i in ids if i in lines and lines[i].text]
        if said:
            out.append((ids[0], said))
    return out


def _films(lines: dict[str, _Line]) -> list[tuple[str, list[_Line]]]:
    """Each film's lines in the order of their ids, the script's order, where no exchanges are listed."""
    films: dict[str, list[_Line]] = {}
    for line in sorted(lines.values(), key=lambda line: _number(line.id)):
        if line.text:
            films.setdefault(line.film, []).append(line)
    return list(films.items())


def _number(line_id: str) -> tuple[int, str]:
    digits = line_id[1:]
    return (int(digits), "") if digits.isascii() and digits.isdigit() else (0, line_id)


def _titles(source: Source, suffix: str) -> dict[str, str]:
    """Each film's title from ``movie_titles_metadata.txt`` ({} where there is none)."""
    found = source.sibling(_named(TITLES, suffix))
    if found is None:
        return {}
    out = {}
    for _, fields, _sep in _fields(_text(found)):
        if len(fields) >= 2 and fields[1].strip():
            out[fields[0].strip()] = fields[1].strip()
    return out


def _messages(said: list[_Line]) -> list[Message]:
    characters = list(dict.fromkeys(line.character for line in said))
    names = {line.character: line.name for line in said}
    if len(set(names.values())) < len(characters):  # two characters of one name: told apart by their ids
        names = {c: c for c in characters}
    return [Message(i, untimed_ts(i), names[line.character], line.text) for i, line in enumerate(said)]


register(CornellMoviesImporter())
