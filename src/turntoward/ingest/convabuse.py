"""ConvAbuse, a public research corpus of people's replies to conversational agents, each rated for
abuse by several annotators (Cercas Curry, Abercrombie & Rieser 2021).

Its files are CSV with a header row: the splits (``ConvAbuseEMNLPtrain.csv``, ``…valid.csv``,
``…test.csv``) one row per example, ``example_id,conv_id,prev_agent,prev_user,agent,user,bot,
Annotator1_is_abuse.1,…``; the full file (``ConvAbuseEMNLPfull.csv``) one row per annotator of an
example, ``example_no,annotator_id,conv_id,prev_agent,prev_user,agent,user,bot,is_abuse.1,…``. An
example is a stretch of a chat with an agent (``bot``: ``CarbonBot`` or ``E.L.I.Z.A.``): its previous
turn, the person's reply to it, its next turn and the person's reply to that (``user``, the one the
annotators rated); ``_`` stands for a turn that was not there.

Each example becomes one chat of up to four turns between the agent (by its ``bot`` name) and
``user``, titled ``example N`` by its id (also its ``chat_id``; the full file's repeat rows of one
example are read once). The corpus has no times: the turns are placed a minute apart from
``model.NO_TIMES_START``, as for the other corpora, and read from their words and turns alone. The
annotators' ratings are not messages and are not read (``training/check_abuse.py`` reads them to
measure the analysis). A row without the columns of a turn is an `ImportFormatError` naming its line.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Relationship, untimed_messages

HEADERS = (b"example_id,conv_id,prev_agent,prev_user,agent,user,bot",
           b"example_no,annotator_id,conv_id,prev_agent,prev_user,agent,user,bot")
TURNS = (("bot", "prev_agent"), (None, "prev_user"), ("bot", "agent"), (None, "user"))
PERSON = "user"
ABSENT = "_"


class ConvAbuseImporter:
    """Reads ConvAbuse's CSV files (the splits and the full file)."""

    name = "convabuse"
    description = "ConvAbuse research corpus (ConvAbuseEMNLPtrain.csv, …): replies to chat agents, without times"

    def sniff(self, source: Source, head: bytes) -> float:
        head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        return 0.95 if head.startswith(HEADERS) else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        text = source.read_text("a UTF-8 CSV file").lstrip("\ufeff")
        reader = csv.DictReader(io.StringIO(text, newline=""))
        seen: set[str] = set()
        try:
            for row in reader:
                key = (row.get("example_id") or row.get("example_no") or "").strip().removesuffix(".0")
                if not key or key in seen:
                    continue
                seen.add(key)
                agent = (row.get("bot") or "").strip() or "agent"
                said = []
                for who, column in TURNS:
                    words = row.get(column)
                    if words is None:
                        raise ImportFormatError(source.name, f"a {column!r} column (the turns of an example)",
                                                line=reader.line_num)
                    if words.strip() and words.strip() != ABSENT:
                        said.append((agent if who else PERSON, words.strip()))
                messages = untimed_messages(said)
                yield Conversation(source=source.name, source_format=self.name, title=f"example {key}",
                                   messages=messages, chat_id=key, me=options.me,
                                   relationship=Relationship.OTHER, group=False)
        except csv.Error as exc:
            raise ImportFormatError(source.name, "CSV rows", line=reader.line_num, found=str(exc)) from exc


register(ConvAbuseImporter())
