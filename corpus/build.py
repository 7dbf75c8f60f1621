#!/usr/bin/env python3
"""Turn hand-written `.tt` conversation scripts into labelled JSON files (ANNOTATION.md format).

    python3 corpus/build.py            # corpus/src/<split>/*.tt  ->  corpus/<split>/<id>.json

A `.tt` file holds one or more conversations. Each starts with header lines, then one line a message:

    # id: partner_001
    # relationship: partner            (partner|friend|family|sibling|group|other)
    # people: Ana, Tom
    # me: Ana
    # notes: what this conversation is meant to show
    # start: 2024-05-02T19:04
    +0   Tom: guess who passed the audition!! || news toward >1
    +2m  Ana: WHAT. no way!! how did they tell you? || question toward >1
    +1m  Tom: they called me at lunch
    +3h  Ana: you always do this || h:criticism
    22:15 Tom: sorry, I messed up || repair toward >1 owns repair

Time: `+N` followed by s, m, h or d after the previous message (`+0` = same minute), `HH:MM`
(the next such clock time after the previous message), or a full ISO timestamp.
A line starting with whitespace continues the previous message on a new line (multi-line message).
After ` || ` come the labels, in any order:
  KIND OUTCOME >N   a bid; >N = the response is N messages later; >- = nobody responded (outcome away)
  h:HORSEMAN        criticism | contempt | defensiveness | stonewalling
  control           controlling / coercive message
  owns | deflects   accountability
  repair            a repair attempt (also label it a bid of kind repair when addressed to the other)
"""

from __future__ import annotations

import json
import re
import sys
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent
KINDS = {"attention", "question", "news", "feelings", "affection", "humor", "invitation", "support", "repair",
         "checkin"}
OUTCOMES = {"toward", "away", "against"}
HORSEMEN = {"criticism", "contempt", "defensiveness", "stonewalling"}
LINE = re.compile(r"^(?P<time>\+\d+[smhd]?|\d{1,2}:\d{2}|\d{4}-\d\d-\d\dT\d\d:\d\d(?::\d\d)?)\s+(?P<author>[^:]+?):"
                  r" ?(?P<text>.*)$")
UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "": 60}


class ScriptError(ValueError):
    pass


def _next_time(prev: datetime, spec: str) -> datetime:
    if spec.startswith("+"):
        n, unit = re.fullmatch(r"\+(\d+)([smhd]?)", spec).groups()  # type: ignore[union-attr]
        return prev + timedelta(seconds=int(n) * UNITS[unit])
    if "T" in spec:
        return datetime.fromisoformat(spec)
    hh, mm = map(int, spec.split(":"))
    t = prev.replace(hour=hh, minute=mm, second=0)
    return t if t > prev else t + timedelta(days=1)


def _labels(text: str, where: str) -> tuple[dict, int | str | None]:
    out: dict = {"bid": None, "horseman": None, "control": False, "accountability": None, "repair": False}
    offset: int | str | None = "none"
    tokens = text.split()
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if tok in KINDS and (tok != "repair" or (i + 1 < len(tokens) and tokens[i + 1] in OUTCOMES)):
            if i + 2 >= len(tokens) or tokens[i + 1] not in OUTCOMES or not tokens[i + 2].startswith(">"):
                raise ScriptError(f"{where}: a bid needs 'KIND OUTCOME >N' (got {' '.join(tokens[i:i + 3])!r})")
            out["bid"] = {"kind": tok, "outcome": tokens[i + 1]}
            ref = tokens[i + 2][1:]
            offset = None if ref == "-" else int(ref)
            i += 3
            continue
        if tok.startswith("h:") and tok[2:] in HORSEMEN:
            out["horseman"] = tok[2:]
        elif tok == "control":
            out["control"] = True
        elif tok in ("owns", "deflects"):
            out["accountability"] = tok
        elif tok == "repair":
            out["repair"] = True
        else:
            raise ScriptError(f"{where}: unknown label {tok!r}")
        i += 1
    return out, offset


def parse_script(path: Path) -> list[dict]:
    convs: list[dict] = []
    cur: dict | None = None
    prev: datetime | None = None
    offsets: list[int | str | None] = []

    def finish() -> None:
        if cur is None:
            return
        msgs = cur["messages"]
        for i, (m, off) in enumerate(zip(msgs, offsets, strict=True)):
            if m["bid"] is not None:
                if off is None:
                    m["bid"]["by"] = None
                else:
                    assert isinstance(off, int)
                    if not 0 < off < len(msgs) - i:
                        raise ScriptError(f"{path}: {cur['id']}: message {i}: >{off} points past the end")
                    m["bid"]["by"] = i + off
        convs.append(cur)

    for n, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        where = f"{path}:{n}"
        if not raw.strip():
            continue
        if raw.startswith("#"):
            key, _, value = raw[1:].partition(":")
            key, value = key.strip(), value.strip()
            if key == "id":
                finish()
                cur = {"id": value, "relationship": "other", "people": [], "me": None, "notes": "",
                       "messages": []}
                offsets = []
                prev = None
            elif cur is None:
                raise ScriptError(f"{where}: header before '# id:'")
            elif key == "people":
                cur["people"] = [p.strip() for p in value.split(",")]
            elif key == "start":
                prev = datetime.fromisoformat(value)
            elif key in ("relationship", "me", "notes"):
                cur[key] = value
            continue
        if cur is None or prev is None:
            raise ScriptError(f"{where}: message before '# id:' and '# start:'")
        if raw[0].isspace():
            if not cur["messages"]:
                raise ScriptError(f"{where}: continuation line before any message")
            if " || " in raw:
                raise ScriptError(f"{where}: labels belong on a message's first line, not a continuation line")
            cur["messages"][-1]["text"] += "\n" + raw.strip()
            continue
        body, _, labels = raw.partition(" || ")
        m = LINE.match(body.strip())
        if not m:
            raise ScriptError(f"{where}: expected 'TIME Author: text [|| labels]'")
        ts = _next_time(prev, m["time"])
        prev = ts
        lab, off = _labels(labels, where)
        if cur["people"] and m["author"].strip() not in cur["people"]:
            raise ScriptError(f"{where}: author {m['author'].strip()!r} is not among '# people:'")
        cur["messages"].append({"ts": ts.isoformat(timespec="seconds"), "author": m["author"].strip(),
                                "text": m["text"].strip(), **lab})
        offsets.append(off)
    finish()
    return convs


def main() -> int:
    built = 0
    for split_dir in sorted((ROOT / "src").iterdir()):
        if not split_dir.is_dir():
            continue
        out_dir = ROOT / split_dir.name
        out_dir.mkdir(exist_ok=True)
        for script in sorted(p for p in split_dir.glob("*.tt") if not p.name.startswith("_")):
            try:
                convs = parse_script(script)
            except ScriptError as exc:
                print(exc)
                return 1
            for conv in convs:
                msgs = conv.pop("messages")
                doc = {**conv, "messages": msgs}
                (out_dir / f"{conv['id']}.json").write_text(
                    json.dumps(doc, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
                built += 1
    print(f"built {built} conversations")
    import adjudicate  # the held-out split's labels are settled by majority with two more annotators

    return adjudicate.main()


if __name__ == "__main__":
    sys.exit(main())
