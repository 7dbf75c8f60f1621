"""EmpatheticDialogues, a public research corpus of two-person conversations about a feeling
(Rashkin et al. 2019).

Its files (``train.csv``, ``valid.csv``, ``test.csv`` in ``empatheticdialogues/``) are comma-separated
rows under the header ``conv_id,utterance_idx,context,prompt,speaker_idx,utterance,selfeval,tags``:
one turn a row, a conversation's turns together and in order. ``context`` is the feeling the
conversation is about (``proud``, ``lonely``...), ``prompt`` the situation its first speaker wrote
before it. Commas inside the words are written ``_comma_`` (the files use no quoting: a row is split
at every comma, as the corpus's own reader splits it), and a test row may carry a ninth field of
candidate replies; neither ``selfeval`` nor ``tags`` nor the candidates are read.

Each ``conv_id`` becomes one chat between the ``Speaker``, who tells of something they felt (the
first turn's ``speaker_idx``), and the ``Listener``, who answers them (the corpus's own roles; the
``speaker_idx`` are anonymous workers), titled ``conv_id (feeling)``; ``chat_id`` is the
``conv_id``. The corpus has no times: the turns are placed a minute apart from
``model.NO_TIMES_START``, as for Topical-Chat, and read from their words and turns alone
(`analysis.context.has_times`). A row with fewer than six fields, or whose ``utterance_idx`` is not
a number, is an `ImportFormatError` naming its line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from turntoward.errors import ImportFormatError
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.model import Conversation, Relationship, untimed_messages

HEADER = "conv_id,utterance_idx,context,prompt,speaker_idx,utterance"
ROLES = ("Speaker", "Listener")
COMMA = "_comma_"
"""How the corpus writes a comma in its words (its Hugging Face copy keeps it too: `tabular`)."""
EXPECTED_ROW = "a row conv_id,utterance_idx,context,prompt,speaker_idx,utterance,… (commas in the words as _comma_)"


class EmpatheticDialoguesImporter:
    """Reads EmpatheticDialogues' conversation files (train.csv, valid.csv, test.csv)."""

    name = "empathetic_dialogues"
    description = "EmpatheticDialogues research corpus (train.csv, valid.csv, test.csv): chats of two, without times"

    def sniff(self, source: Source, head: bytes) -> float:
        return 0.95 if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(HEADER.encode()) else 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        text = source.read_text("a UTF-8 text file of comma-separated rows")
        chat: _Chat | None = None
        for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
            if number == 1 or not line.strip():
                continue  # the header, a blank line
            fields = line.split(",")
            if len(fields) < 6:
                raise ImportFormatError(source.name, EXPECTED_ROW, line=number, found=line.strip())
            conv_id, turn, feeling, _, speaker, words = (f.strip() for f in fields[:6])
            if not turn.isdigit():
                raise ImportFormatError(source.name, "a turn number (utterance_idx) in the second field", line=number,
                                        found=turn)
            if chat is None or chat.conv_id != conv_id:
                if chat is not None:
                    yield chat.conversation(source, options)
                chat = _Chat(conv_id, feeling.replace(COMMA, ","))
            chat.turns.append((int(turn), speaker, words.replace(COMMA, ",").replace("_pipe_", "|")))
        if chat is not None:
            yield chat.conversation(source, options)


@dataclass
class _Chat:
    conv_id: str
    feeling: str
    turns: list[tuple[int, str, str]] = field(default_factory=list)

    def conversation(self, source: Source, options: ImportOptions) -> Conversation:
        turns = sorted(self.turns, key=lambda t: t[0])  # stable: rows of one number keep their order
        speakers = list(dict.fromkeys(speaker for _, speaker, _ in turns))
        names = {s: ROLES[i] if len(speakers) <= 2 else f"speaker {s}" for i, s in enumerate(speakers)}
        said = [(names[speaker], words) for _, speaker, words in turns if words]
        messages = untimed_messages(said)
        title = f"{self.conv_id} ({self.feeling})" if self.feeling else self.conv_id
        return Conversation(source=source.name, source_format=EmpatheticDialoguesImporter.name, title=title,
                            messages=messages, chat_id=self.conv_id, me=options.me,
                            relationship=Relationship.OTHER, group=len(speakers) > 2)


register(EmpatheticDialoguesImporter())
