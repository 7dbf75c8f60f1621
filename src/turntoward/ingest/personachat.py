"""PersonaChat and ConvAI2, a public research corpus of two strangers getting to know each other, each
playing a persona (Zhang et al. 2018; Dinan et al. 2019), in the two shapes it is shared in.

ParlAI's text files (``train_self_original.txt``, ``valid_both_revised.txt``,
``train_none_original.txt``, ConvAI2's ``train_self_original_no_cands.txt``, …), its "fbdialog"
shape: every line numbered, the number starting again at 1 with each dialogue, the persona lines
first, then one line per exchange, the partner's turn and the reply separated by a tab, the reward
and the candidate replies after them::

    1 your persona: i like to remodel homes.
    2 partner's persona: i work at a bakery .
    3 hi , how are you doing ?\tgreat , just got back from the gym . you ?\t\tcand 1|cand 2|…
    4 …

And the JSON that Hugging Face's conversational models read (``personachat_self_original.json``):
``{"train": [{"personality": [...], "utterances": [{"history": [...], "candidates": [...]}, ...]}],
"valid": [...]}``, each utterance's ``history`` the turns so far and its last candidate the reply; the
dialogue is the last utterance's history and reply.

Each dialogue becomes one chat between ``A`` (who speaks first: the partner, in ParlAI's files) and
``B`` (the persona's side), titled ``dialogue N`` by its place in the file (``train dialogue N`` in the
JSON; also its ``chat_id``). The personas and candidate replies are not messages and are not read;
``__SILENCE__`` (the partner saying nothing, so that ``B`` starts) is left out. The words are written
tokenised (``hi , how are you ?``) and are put back as written (`dailydialog.detokenise`). The corpus
has no times: the turns are placed a minute apart from ``model.NO_TIMES_START``. A line in neither
shape is an `ImportFormatError` naming it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest._json_doc import JsonDoc, child, load_json, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source
from turntoward.ingest.dailydialog import SPEAKERS, detokenise
from turntoward.model import Conversation, Relationship, untimed_messages

PERSONA = re.compile(r"(?:your|partner's) persona:", re.IGNORECASE)
SILENCE = re.compile(r"_+\s*silence\s*_+", re.IGNORECASE)
"""ParlAI's word for a turn not taken (``__SILENCE__``; ``__ silence __`` once tokenised)."""
_FIRST_LINE = re.compile(rb"\A(?:\xef\xbb\xbf)?1 (?:(?:your|partner's) persona: [^\n]*|[^\t\n]+\t[^\t\n]*)(?:\r?\n|\Z)")
_JSON_SHAPE = re.compile(rb'\A\s*\{\s*"[a-z_]{2,20}"\s*:\s*\[\s*\{\s*"(?:personality|utterances)"\s*:')
_NUMBERED = re.compile(r"(\d+) (.*)")
_EXPECTED = ("a numbered line of a dialogue: its number, then a persona line or a turn and its reply "
             "separated by a tab")


class PersonaChatImporter:
    """Reads PersonaChat / ConvAI2 in ParlAI's text files or Hugging Face's JSON."""

    name = "personachat"
    description = ("PersonaChat / ConvAI2 research corpus (ParlAI's train_self_original.txt, …, or "
                   "personachat_self_original.json): chats of two, no times")

    def sniff(self, source: Source, head: bytes) -> float:
        if _FIRST_LINE.match(head):
            return 0.9
        if looks_like_json_object(head) and _JSON_SHAPE.match(head.removeprefix(b"\xef\xbb\xbf")):
            return 0.9
        return 0.0

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        json_doc = looks_like_json_object(source.head())
        dialogues = _json_dialogues(source) if json_doc else _text_dialogues(source)
        for key, turns in dialogues:
            # A turn not taken is left out: where A's first is, B speaks first.
            said = [(SPEAKERS[i % 2], detokenise(t)) for i, t in enumerate(turns) if not SILENCE.fullmatch(t.strip())]
            messages = untimed_messages((who, words) for who, words in said if words)
            if messages:
                yield Conversation(source=source.name, source_format=self.name, title=key, messages=messages,
                                   chat_id=key, me=options.me, relationship=Relationship.OTHER, group=False)


def _text_dialogues(source: Source) -> Iterator[tuple[str, list[str]]]:
    """ParlAI's numbered lines, a dialogue at each number 1: its turns in order."""
    text = source.read_text("a UTF-8 text file of numbered dialogue lines (ParlAI's PersonaChat)")
    turns: list[str] = []
    count = 0
    for number, line in enumerate(text.lstrip("\ufeff").splitlines(), 1):
        if not line.strip():
            continue
        found = _NUMBERED.fullmatch(line.rstrip("\r"))
        if found is None:
            error = UnknownFormatError if number == 1 else ImportFormatError
            raise error(source.name, _EXPECTED, line=number, found=line.strip())
        place, body = int(found.group(1)), found.group(2)
        if place == 1 and (turns or count):
            if turns:
                yield f"dialogue {count}", turns
            turns = []
        if place == 1:
            count += 1
        if PERSONA.match(body):
            continue
        fields = body.split("\t")
        if len(fields) < 2:
            raise ImportFormatError(source.name, _EXPECTED, line=number, found=line.strip())
        turns.extend(fields[:2])
    if turns:
        yield f"dialogue {count}", turns


def _json_dialogues(source: Source) -> Iterator[tuple[str, list[str]]]:
    """Hugging Face's JSON: each split's dialogues, each the last utterance's history and reply."""
    doc = JsonDoc(source)
    splits = doc.obj(load_json(source), "")
    for split, value in splits.items():
        for k, raw in enumerate(doc.items(value, split), 1):
            path = f"{split}[{k - 1}]"
            dialogue = doc.obj(raw, path)
            utterances = doc.field_list(dialogue, "utterances", path)
            if not utterances:
                continue
            at = f"{child(path, 'utterances')}[{len(utterances) - 1}]"
            last = doc.obj(utterances[-1], at)
            history = doc.field_strs(last, "history", at, "a turn (a string)")
            candidates = doc.field_strs(last, "candidates", at, "a candidate reply (a string)")
            if not candidates:
                doc.fail(child(at, "candidates"), "the candidate replies, the last of them the one given")
            yield f"{split} dialogue {k}", [*history, candidates[-1]]


register(PersonaChatImporter())
