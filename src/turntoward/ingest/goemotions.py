"""GoEmotions, a public corpus of Reddit comments labelled with emotions (Demszky et al. 2020).

Its simplified splits (``train.tsv``, ``dev.tsv``, ``test.tsv``) hold one comment a line and no
header: the words, the ids of its emotions (0-27, commas between them), and the comment's id::

    I've never been this sad in my life!	25	edcu99z

The comments are not conversations: each is read as a chat of its one message, by ``redditor``
(the corpus keeps no authors; names in the words are already ``[NAME]``), titled by its id (also
its ``chat_id``), without times (`model.NO_TIMES_START`): what the analysis says of each message
(a bid, a horseman, control) is there, what it says of replies is not. The emotion labels are not
read. A line that is not three such fields is an `ImportFormatError` naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Relationship, untimed_messages

AUTHOR = "redditor"
_LINE = re.compile(r"(?P<text>[^\t]*)\t(?P<labels>\d{1,2}(?:,\d{1,2})*)\t(?P<id>[a-z0-9]{5,10})")
_HEAD = re.compile(rb"\A(?:\xef\xbb\xbf)?[^\t\n]+\t\d{1,2}(?:,\d{1,2})*\t[a-z0-9]{5,10}\r?\n")
_EXPECTED = "a GoEmotions line: the comment, its emotion ids (0-27, commas between), its id, tab-separated"


class GoEmotionsImporter:
    """Reads GoEmotions' simplified splits (one labelled Reddit comment a line)."""

    name = "goemotions"
    description = "GoEmotions research corpus (train.tsv, dev.tsv, test.tsv): each Reddit comment alone, no times"

    def sniff(self, source: Source, head: bytes) -> float:
        return 0.9 if source.filename.lower().endswith(".tsv") and _HEAD.match(head) else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        text = source.read_text("a UTF-8 text file of comments, one a line")
        for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
            if not line.strip():
                continue
            found = _LINE.fullmatch(line.rstrip("\r"))
            if found is None:
                raise ImportFormatError(source.name, _EXPECTED, line=number, found=line.strip()[:80])
            words = found["text"].strip()
            if not words:
                continue
            yield Conversation(source=source.name, source_format=self.name, title=found["id"],
                               messages=untimed_messages([(AUTHOR, words)]), chat_id=found["id"], me=options.me,
                               relationship=Relationship.OTHER, group=False)


register(GoEmotionsImporter())
