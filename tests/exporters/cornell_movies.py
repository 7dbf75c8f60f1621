"""Render chat records as the Cornell Movie-Dialogs Corpus's files, as Cornell published them.

Records follow `tests.exporters._json_records.ChatRecord`. The output is ``movie_lines.txt`` (a line
per record, ``L<n> +++$+++ <character id> +++$+++ m0 +++$+++ <NAME> +++$+++ <words>``, last first as
the corpus lists them), ``movie_conversations.txt`` (the records cut into exchanges of `per_exchange`
lines, each listing its line ids in order) and ``movie_titles_metadata.txt``, in Windows-1252 (a
character it lacks written as ``?``, as the corpus has them). Times are not written: the corpus has
none. A media record is its text; the corpus has no photos.
"""

from __future__ import annotations

from collections.abc import Sequence

from tests.exporters._json_records import ChatRecord

SEP = " +++$+++ "


def render_cornell_movies(records: Sequence[ChatRecord], *, title: str, per_exchange: int = 4) -> dict[str, bytes]:
    """The corpus's files by name."""
    characters = {name: f"u{k}" for k, name in enumerate(dict.fromkeys(r.author for r in records))}
    lines = [SEP.join((f"L{k + 1}", characters[r.author], "m0", r.author.upper(), " ".join(r.text.split())))
             for k, r in enumerate(records)]
    exchanges = []
    for start in range(0, len(records), per_exchange):
        ids = [f"L{k + 1}" for k in range(start, min(start + per_exchange, len(records)))]
        people = list(dict.fromkeys(characters[records[k].author] for k in range(start, start + len(ids))))
        exchanges.append(SEP.join((people[0], people[-1], "m0", str(ids))))
    files = {"movie_lines.txt": "".join(line + "\n" for line in reversed(lines)),
             "movie_conversations.txt": "".join(e + "\n" for e in exchanges),
             "movie_titles_metadata.txt": SEP.join(("m0", title.lower(), "1999", "6.90", "62847", "['drama']")) + "\n"}
    return {name: text.encode("cp1252", errors="replace") for name, text in files.items()}
