"""DailyDialog, a public research corpus of everyday two-person conversations (Li et al. 2017).

Its text files (``dialogues_text.txt``, and the splits' ``dialogues_train.txt``,
``dialogues_validation.txt``, ``dialogues_test.txt``) hold one conversation a line, each turn ended
by ``__eou__`` ("end of utterance"), the two speakers taking turns::

    Say , Jim , how about going for a few beers after dinner ? __eou__ You know that is tempting ... __eou__

The words are written tokenised, with a space before punctuation (``Say , Jim``) and around the
apostrophe of some contractions (``Let ' s``, ``I ’ m``): those spaces are taken out
(``Say, Jim``, ``Let's``, ``I’m``), as the speakers wrote them, and a sentence run into the next
(``right.But``, in many of its turns) gets its space back. The files beside them that label
each turn (``dialogues_act_*.txt``, ``dialogues_emotion_*.txt``, ``dialogues_topic.txt``: numbers
only) are not chats, and are not read.

Each line becomes one chat between ``A`` (the first turn's speaker) and ``B``, titled ``dialogue
N`` by its line (also its ``chat_id``). The corpus has no times: the turns are placed a minute apart
from ``model.NO_TIMES_START``, as for Topical-Chat, and the analysis reads them from their words
and turns alone (`analysis.context.has_times`). A blank line is passed over; a line with words but
no ``__eou__`` is an `ImportFormatError` naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Relationship, untimed_messages

EOU = "__eou__"
SPEAKERS = ("A", "B")
_HEAD = re.compile(rb"\A(?:\xef\xbb\xbf)?\s*[^\n]*\S\s+__eou__[ \t]*(?:\S[^\n]*)?(?:\r?\n|\Z)")
_BEFORE_PUNCTUATION = re.compile(r"\s+([,.!?;:%)\]])")
_AFTER_OPENING = re.compile(r"([(\[$])\s+")
_APOSTROPHE = re.compile(r"(?<=\w) ?(['’]) ?(?=(?:s|m|t|d|ll|re|ve)\b)", re.IGNORECASE)
_JOINED = re.compile(r"(?<=[a-z])([.?!])(?=[A-Z][a-z])")
_NEGATION = re.compile(r"(?<=\w) (n['’]t)\b", re.IGNORECASE)
"""``do n't``, ``ca n't``: the negation split off as Penn Treebank's tokeniser splits it (PersonaChat)."""


class DailyDialogImporter:
    """Reads DailyDialog's conversation files (one conversation a line, turns ended by __eou__)."""

    name = "dailydialog"
    description = "DailyDialog research corpus (dialogues_text.txt, dialogues_train.txt, …): chats of two, no times"

    def sniff(self, source: Source, head: bytes) -> float:
        return 0.9 if _HEAD.match(head) else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        text = source.read_text("a UTF-8 text file of conversations, one a line, each turn ended by __eou__")
        for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
            if not line.strip():
                continue
            if EOU not in line:
                raise ImportFormatError(source.name, f"a conversation whose turns each end with {EOU}", line=number,
                                        found=line.strip())
            turns = [detokenise(t) for t in line.split(EOU)]
            messages = untimed_messages((SPEAKERS[i % 2], t) for i, t in enumerate(t for t in turns if t))
            yield Conversation(source=source.name, source_format=self.name, title=f"dialogue {number}",
                               messages=messages, chat_id=str(number), me=options.me,
                               relationship=Relationship.OTHER, group=False)


def detokenise(turn: str) -> str:
    """A tokenised turn as it was written: ``Good.Let ' s go , Jim !`` -> ``Good. Let's go, Jim!``,
    ``i do n't know`` -> ``i don't know``."""
    turn = " ".join(turn.split())
    turn = _APOSTROPHE.sub(r"\1", turn)
    turn = _NEGATION.sub(r"\1", turn)
    turn = _BEFORE_PUNCTUATION.sub(r"\1", turn)
    turn = _JOINED.sub(r"\1 ", turn)
    return _AFTER_OPENING.sub(r"\1", turn)


register(DailyDialogImporter())
