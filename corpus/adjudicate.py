#!/usr/bin/env python3
"""Inter-annotator agreement, and labels settled by majority vote, for every split with extra annotators.

    python3 corpus/adjudicate.py      (build.py runs it after building)

ANNOTATION.md, "How we check labels": two more annotators labelled the conversations of a split
independently from the bare text (corpus/annotations/<split>/A and B, same `.tt` format) --
first the held-out split, then the development split, so that the models learn the labels of
careful readers rather than the habits of whoever wrote a conversation. This script measures
agreement between every pair (bid F1, outcome and kind agreement on the bids both found,
Cohen's kappa for bid presence and for the horseman), then settles every label by majority of
the three (original, A, B) and writes the settled files to corpus/<split>/, with each change in
corpus/<split>_adjudication.md.
"""

from __future__ import annotations

import json
from collections import Counter
from itertools import combinations
from pathlib import Path

from build import parse_script

ROOT = Path(__file__).resolve().parent
FIELDS = ("horseman", "control", "accountability", "repair")
SPLITS = ("dev", "heldout", "bursts")  # each settled where corpus/annotations/<split>/A and B exist
TITLES = {"dev": "Development", "heldout": "Held-out", "bursts": "Bursts (a measurement set, not trained on)"}


def _load(folder: Path) -> dict[str, dict]:
    out = {}
    for script in sorted(folder.glob("*.tt")):
        if script.name.startswith("_"):
            continue
        for conv in parse_script(script):
            out[conv["id"]] = conv
    return out


def _kappa(a: list, b: list) -> float:
    n = len(a)
    po = sum(x == y for x, y in zip(a, b, strict=True)) / n
    ca, cb = Counter(a), Counter(b)
    pe = sum(ca[k] * cb[k] for k in set(ca) | set(cb)) / (n * n)
    return (po - pe) / (1 - pe) if pe < 1 else 1.0


def agreement(x: dict[str, dict], y: dict[str, dict]) -> dict[str, float]:
    tp = fp = fn = 0
    same_outcome = same_kind = both = 0
    pres_x, pres_y, h_x, h_y = [], [], [], []
    for cid, cx in x.items():
        cy = y[cid]
        for mx, my in zip(cx["messages"], cy["messages"], strict=True):
            bx, by = mx["bid"], my["bid"]
            pres_x.append(bx is not None)
            pres_y.append(by is not None)
            h_x.append(mx["horseman"])
            h_y.append(my["horseman"])
            if bx and by:
                tp += 1
                both += 1
                same_outcome += bx["outcome"] == by["outcome"]
                same_kind += bx["kind"] == by["kind"]
            elif bx:
                fn += 1
            elif by:
                fp += 1
    f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
    return {"bid_f1": f1, "outcome_agreement": same_outcome / both, "kind_agreement": same_kind / both,
            "bid_kappa": _kappa(pres_x, pres_y), "horseman_kappa": _kappa(h_x, h_y)}


def copies(split: str) -> tuple[dict[str, dict], dict[str, dict], dict[str, dict]]:
    """The original writer's, annotator A's and annotator B's copies of a split, by conversation id."""
    annotations = ROOT / "annotations" / split
    return _load(ROOT / "src" / split), _load(annotations / "A"), _load(annotations / "B")


def _vote(values: list, original: object) -> object:
    counts = Counter(json.dumps(v, sort_keys=True) for v in values)
    top, n = counts.most_common(1)[0]
    return json.loads(top) if n >= 2 else original


def settle(orig: dict, a: dict, b: dict, log: list[str]) -> dict:
    out = json.loads(json.dumps(orig))
    for i, (mo, ma, mb) in enumerate(zip(orig["messages"], a["messages"], b["messages"], strict=True)):
        m = out["messages"][i]
        where = f"{orig['id']} message {i} ({m['author']}: {m['text'][:50]!r})"
        bids = [mo["bid"], ma["bid"], mb["bid"]]
        present = sum(x is not None for x in bids)
        if present >= 2:
            marked = [x for x in bids if x]
            kind = _vote([x["kind"] for x in marked], (mo["bid"] or marked[0])["kind"])
            outcome = _vote([x["outcome"] for x in marked], (mo["bid"] or marked[0])["outcome"])
            # A response is a message by someone else: an annotator's slip that points at the
            # bidder's own next message never wins.
            others = [x for x in marked if x["by"] is None or orig["messages"][x["by"]]["author"] != m["author"]]
            by = _vote([x["by"] for x in others if x["outcome"] == outcome] or [x["by"] for x in others[:1]], None)
            if outcome != "away" and by is None:
                by = next((x["by"] for x in others if x["by"] is not None), None)
            new = {"kind": kind, "outcome": outcome, "by": by}
        else:
            new = None
        if new != mo["bid"]:
            log.append(f"- {where}: bid {mo['bid']} -> {new}")
            m["bid"] = new
        for field in FIELDS:
            value = _vote([mo[field], ma[field], mb[field]], mo[field])
            if value != mo[field]:
                log.append(f"- {where}: {field} {mo[field]!r} -> {value!r}")
                m[field] = value
    return out


def adjudicate(split: str) -> int:
    """Settle one split's labels with its two extra annotators; returns how many conversations were settled."""
    original, a, b = copies(split)
    ids = sorted(set(original) & set(a) & set(b))
    if not ids:
        print(f"{split}: no second annotations, labels left as written")
        return 0
    pairs = {"original": {i: original[i] for i in ids}, "A": {i: a[i] for i in ids}, "B": {i: b[i] for i in ids}}
    lines = [f"# {TITLES[split]} split: agreement between annotators and settled labels", "",
             f"{len(ids)} conversations, {sum(len(original[i]['messages']) for i in ids)} messages, labelled "
             "independently by three annotators (the original writer, A and B) following ANNOTATION.md.", "",
             "| pair | bid F1 | bid kappa | outcome agreement | kind agreement | horseman kappa |",
             "|---|---|---|---|---|---|"]
    for x, y in combinations(pairs, 2):
        g = agreement(pairs[x], pairs[y])
        lines.append(f"| {x} vs {y} | {g['bid_f1']:.3f} | {g['bid_kappa']:.3f} | {g['outcome_agreement']:.3f} | "
                     f"{g['kind_agreement']:.3f} | {g['horseman_kappa']:.3f} |")
    log: list[str] = []
    out_dir = ROOT / split
    for cid in ids:
        settled = settle(original[cid], a[cid], b[cid], log)
        (out_dir / f"{cid}.json").write_text(json.dumps(settled, ensure_ascii=False, indent=1) + "\n",
                                             encoding="utf-8")
    missing = sorted(set(original) - set(ids))
    if missing:
        lines += ["", f"{len(missing)} conversations have no second annotations and keep the writer's labels: "
                  + ", ".join(missing) + "."]
    lines += ["", f"Every label was settled by majority of the three; {len(log)} labels changed from the "
              "original:", "", *log, ""]
    (ROOT / f"{split}_adjudication.md").write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines[:10]))
    print(f"settled {len(ids)} {split} conversations, {len(log)} labels changed")
    return len(ids)


def main() -> int:
    for split in SPLITS:
        adjudicate(split)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
