"""Reading a message's words: normalisation, tokens, and which lexicon cues it carries.

Matching is by phrase lookup on normalised tokens (a hash probe per n-gram, pruned by the set
of phrase prefixes), not by one regular expression per cue, so a message costs a few
microseconds whatever the size of the lexicons; identical short messages ("ok", "lol", "❤️")
are read once and cached.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

_TOKEN = re.compile(r"\w+(?:'\w+)*|[^\w\s]")
_REPEAT = re.compile(r"(\w)\1{2,}")
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_STRIP = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\ufe0f": None, "\u200d": None, "\u200e": None,
     "\u200f": None, "\u202f": " ", "\u00a0": " ", **{chr(c): None for c in range(0x1F3FB, 0x1F400)}}
)
_MAX_PHRASE = 7
_CANCELS = "!"  # how a cue's `not_in` phrases are listed among the phrases

FIRST_PERSON = frozenset({"i", "i'm", "im", "me", "my", "mine", "i've", "ive", "i'd", "i'll", "myself", "we",
                          "we're", "our", "us"})
SECOND_PERSON = frozenset({"you", "u", "your", "ur", "you're", "youre", "yours", "ya", "you've", "youve", "you'd",
                           "you'll", "yourself", "y'all", "yall", "ye"})
WE_WORDS = frozenset({"we", "we're", "were", "us", "our", "ours", "ourselves", "we've", "we'll", "let's", "lets"})
INTERROGATIVES = frozenset({"how", "what", "why", "when", "where", "who", "which", "whats", "what's", "hows",
                            "how's", "whos", "who's", "wyd", "wbu", "hbu", "do", "does", "did", "are", "r", "is",
                            "was", "were", "have", "has", "can", "could", "would", "will", "should", "shall",
                            "wanna", "any", "anyone", "fancy"})


def normalise(text: str) -> str:
    """Lower case, straight quotes, no emoji modifiers, letters repeated at most twice ("sooo" -> "soo")."""
    return _REPEAT.sub(r"\1\1", text.lower().translate(_STRIP))


def tokens(text: str) -> list[str]:
    """Words (with inner apostrophes) and single non-word characters (emoji, '?', '!')."""
    return _TOKEN.findall(normalise(text))


@dataclass(frozen=True, slots=True)
class Cue:
    """One entry of the lexicon: the finding it feeds, how much a hit counts, and where it comes from."""

    name: str
    feeds: str
    weight: float
    source: str
    context_only: frozenset[str] = frozenset()
    """Phrases that count only inside conflict (or control) context: "calm down", "fine.", "god"."""
    alone_is_strong: bool = False
    """A context-only phrase that is (nearly) the whole message counts anyway ("whatever", "fine.")."""


@dataclass(slots=True)
class Lexicon:
    """Phrase lexicons loaded from data files, with a fast n-gram matcher."""

    cues: dict[str, Cue]
    phrases: dict[tuple[str, ...], tuple[str, ...]]
    prefixes: frozenset[tuple[str, ...]]
    starts: frozenset[str]
    vocabulary: dict[str, frozenset[str]]
    """Every token of each cue's phrases: a message made only of them says nothing else."""

    @classmethod
    def from_toml(cls, data: bytes) -> Lexicon:
        doc = tomllib.loads(data.decode("utf-8"))
        cues: dict[str, Cue] = {}
        phrases: dict[tuple[str, ...], list[str]] = {}
        for name, entry in doc["cue"].items():
            weak = frozenset(" ".join(tokens(p)) for p in entry.get("context_only", []))
            cues[name] = Cue(name, entry["feeds"], float(entry["weight"]), entry["source"], weak,
                             bool(entry.get("alone_is_strong", False)))
            # `not_in`: longer phrases in which one of the cue's phrases means something else
            # ("you never know" is no "you never"); matched like phrases, under "!" + the cue's name.
            for phrase, listed_as in [*((p, name) for p in entry["phrases"]),
                                      *((p, _CANCELS + name) for p in entry.get("not_in", []))]:
                key = tuple(tokens(phrase))
                if not key or len(key) > _MAX_PHRASE:
                    raise ValueError(f"lexicon phrase {phrase!r} of cue {name!r} is empty or too long")
                bucket = phrases.setdefault(key, [])
                if listed_as not in bucket:
                    bucket.append(listed_as)
        prefixes = {key[:n] for key in phrases for n in range(1, len(key))}
        starts = frozenset(key[0] for key in phrases)
        vocabulary: dict[str, set[str]] = {}
        for key, names in phrases.items():
            for name in names:
                if not name.startswith(_CANCELS):
                    vocabulary.setdefault(name, set()).update(key)
        return cls(cues, {k: tuple(v) for k, v in phrases.items()}, frozenset(prefixes), starts,
                   {name: frozenset(words) for name, words in vocabulary.items()})

    def match(self, toks: list[str]) -> dict[str, list[str]]:
        """Cue name -> the phrases of it found in `toks`, less those inside one of the cue's `not_in`."""
        hits, cancelling = self._scan(toks, ())
        if cancelling:  # rare: scan again, leaving out the phrases inside them
            hits = self._scan(toks, cancelling)[0]
        return hits

    def _scan(
        self, toks: list[str], cancelled: Sequence[tuple[str, int, int]]
    ) -> tuple[dict[str, list[str]], list[tuple[str, int, int]]]:
        hits: dict[str, list[str]] = {}
        cancelling: list[tuple[str, int, int]] = []
        phrases, prefixes, starts = self.phrases, self.prefixes, self.starts
        n = len(toks)
        for i, tok in enumerate(toks):
            if tok not in starts:
                continue
            for j in range(i + 1, min(i + _MAX_PHRASE, n) + 1):
                key = tuple(toks[i:j])
                names = phrases.get(key)
                if names is not None:
                    shown = " ".join(key)
                    for name in names:
                        if name.startswith(_CANCELS):
                            cancelling.append((name[1:], i, j))
                        elif not cancelled or not any(c == name and s <= i and j <= e for c, s, e in cancelled):
                            hits.setdefault(name, []).append(shown)
                if key not in prefixes:
                    break
        return hits, cancelling


@cache
def default_lexicon() -> Lexicon:
    """The lexicon shipped in `turntoward/analysis/lexicons/cues.toml`."""
    data = resources.files("turntoward.analysis.lexicons").joinpath("cues.toml").read_bytes()
    return Lexicon.from_toml(data)


@dataclass(slots=True)
class TextCues:
    """What one message's words say, before any context: the raw material of every label."""

    hits: dict[str, list[str]] = field(default_factory=dict)
    words: int = 0
    question: bool = False
    exclaim: bool = False
    url: bool = False
    emoji_only: bool = False
    first_person: bool = False
    second_person: bool = False
    we_words: int = 0
    you_words: int = 0
    whole: str = ""
    """The normalised message when it is short (at most four tokens), for exact-phrase checks."""

    def has(self, *names: str) -> bool:
        hits = self.hits
        if not hits:
            return False
        for n in names:  # noqa: SIM110  (a plain loop: this is the hottest call of the analysis)
            if n in hits:
                return True
        return False

    def strong(self, name: str, lexicon: Lexicon) -> bool:
        """Whether cue `name` fired on a phrase that counts without any context."""
        found = self.hits.get(name)
        if not found:
            return False
        cue = lexicon.cues[name]
        # For some cues a weak phrase that is (nearly) the whole message is unambiguous:
        # "whatever", "fine.", "so?" — but not "block him", which is advice as often as control.
        return (cue.alone_is_strong and self.words <= 2) or any(p not in cue.context_only for p in found)


_CACHE: dict[str, TextCues] = {}
_CACHE_LIMIT = 200_000


def read_text(text: str, lexicon: Lexicon) -> TextCues:
    """The cues in `text` (cached for short texts, which repeat a lot in real chats)."""
    short = len(text) <= 48
    if short:
        found = _CACHE.get(text)
        if found is not None:
            return found
    url = bool(_URL.search(text)) if ("http" in text or "www." in text) else False
    text_for_words = _URL.sub(" ", text) if url else text
    toks = _TOKEN.findall(normalise(text_for_words))
    words = [t for t in toks if t[0].isalnum() or t[0] == "_"]
    cues = TextCues(
        hits=lexicon.match(toks),
        words=len(words),
        question="?" in toks or (bool(words) and words[0] in INTERROGATIVES and len(words) >= 3),
        exclaim="!" in toks,
        url=url,
        emoji_only=bool(toks) and not words and any(ord(t[0]) > 0x2000 for t in toks),
        first_person=any(w in FIRST_PERSON for w in words),
        second_person=any(w in SECOND_PERSON for w in words),
        we_words=sum(1 for w in words if w in WE_WORDS),
        you_words=sum(1 for w in words if w in SECOND_PERSON),
        whole=" ".join(toks) if len(toks) <= 4 else "",
    )
    if short:
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.clear()
        _CACHE[text] = cues
    return cues
