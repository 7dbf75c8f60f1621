#!/usr/bin/env python3
"""Rebuild the labelled excerpts of real chats that docs/accuracy.md's "Real chats, labelled" measures.

    .venv/bin/python training/real_chats.py --sources DIR --out /tmp/real
    .venv/bin/turntoward evaluate /tmp/real/A      # and /tmp/real/B: the two annotators

Twenty-eight excerpts of 45 messages, cut at random places from real English (and code-switched)
exports that other projects committed to public GitHub repositories: real_01-16 first, real_17-28
later, labelled the same way. The chats are not ours to publish, so the repository keeps only where
each excerpt comes from (`real_chats/manifest.json`: repository, commit, the export's files with
their git blob ids, and where the excerpt starts among the export's text and media messages) and what two
independent annotators labelled on it, following ANNOTATION.md (`real_chats/labels_A.json`,
`labels_B.json`: per message, no text). This script reads each export, checks it is the file that
was labelled (its blob id, and a digest of the excerpt's messages), and writes one labelled
conversation per excerpt and annotator, as `turntoward evaluate` reads them.

`--sources DIR` holds the repositories, each as a git clone (or bare mirror) named
``owner+name`` (a ``repo`` folder inside it is looked in too), or the single export file at its
path inside a folder named ``owner+name``. For example::

    git clone https://github.com/Alam1520/whatsapp-chat DIR/Alam1520+whatsapp-chat

Nothing is fetched here: this runs offline, like everything else.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from turntoward.ingest import read_paths
from turntoward.model import Message, MessageKind

HERE = Path(__file__).resolve().parent / "real_chats"
WINDOW = 45
SHIFT = 20
"""How many places an excerpt is looked for on either side of where it was cut (see `excerpt`)."""


def git_blob_id(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def export_bytes(sources: Path, entry: dict, path: str, blob: str) -> bytes:
    """One file of `entry`'s export, from a clone or mirror of its repository or a copy of the file."""
    folder = sources / entry["repo"].replace("/", "+")
    for git_dir in (folder / "repo" / ".git", folder / "repo", folder / ".git", folder):
        if (git_dir / "HEAD").is_file():
            done = subprocess.run(["git", f"--git-dir={git_dir}", "cat-file", "blob", blob],
                                  capture_output=True, check=False)
            if done.returncode == 0:
                return done.stdout
    plain = folder / path
    if plain.is_file():
        return plain.read_bytes()
    sys.exit(f"{entry['id']}: {entry['repo']} at {entry['commit'][:10]}, {path}: not found under {folder}")


def _author(name: str) -> str:
    return re.sub(r"[:|]", " ", name).strip() or "unknown"


def _text(m: Message) -> str:
    """The message as the annotators saw it (one line, then its other lines, as written in our text format)."""
    lines = m.text.replace("||", "|").split("\n")
    return "\n".join([lines[0].strip() or ".", *(line.strip() for line in lines[1:] if line.strip())])


def excerpt(files: dict[str, bytes], entry: dict) -> list[Message] | None:
    """The excerpt's messages: the export read as turntoward reads it (every page of it, side by
    side as in the repository), then the `WINDOW` text and media messages from `start` whose digest
    is the labelled one's. An importer that has since learnt to tell a notice from a message ("The
    video chat ended.") moves the excerpt by as many places as notices it drops before it, so the
    places up to `SHIFT` away are tried too; None when none of them holds the excerpt."""
    with tempfile.TemporaryDirectory() as tmp:
        for path, data in files.items():
            (Path(tmp) / Path(path).name).write_bytes(data)
        first = Path(tmp) / Path(entry["files"][0]["path"]).name
        convs = [c for _, found in read_paths([str(first)]) for c in found]
    conv = next(c for c in convs if entry.get("title") is None or c.title == entry["title"])
    msgs = [m for m in conv.messages if m.kind in (MessageKind.TEXT, MessageKind.MEDIA)]
    cut = entry["start"]
    for start in sorted(range(max(cut - SHIFT, 0), cut + SHIFT + 1), key=lambda s: abs(s - cut)):
        window = msgs[start:start + WINDOW]
        if len(window) == WINDOW and digest(window) == entry["digest"]:
            return window
    return None


def digest(msgs: list[Message]) -> str:
    lines = [f"{m.ts.isoformat(timespec='seconds')}\t{_author(m.author)}\t{_text(m)}" for m in msgs]
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:16]


def labelled(entry: dict, msgs: list[Message], labels: list[dict]) -> dict:
    people = list(dict.fromkeys(_author(m.author) for m in msgs))
    out = []
    for m, lab in zip(msgs, labels, strict=True):
        bid = lab.get("bid")
        out.append({"ts": m.ts.isoformat(timespec="seconds"), "author": _author(m.author), "text": _text(m),
                    "bid": bid, "horseman": lab.get("horseman"), "control": bool(lab.get("control")),
                    "accountability": lab.get("accountability"), "repair": bool(lab.get("repair"))})
    return {"id": entry["id"], "relationship": entry["relationship"], "people": people, "me": people[0],
            "notes": f"real chat excerpt: {entry['repo']}@{entry['commit'][:10]}:{entry['files'][0]['path']}",
            "messages": out}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sources", type=Path, required=True, help="folder of the repositories (owner+name)")
    ap.add_argument("--out", type=Path, required=True, help="where to write A/ and B/ (outside the repository)")
    args = ap.parse_args()
    manifest = json.loads((HERE / "manifest.json").read_text(encoding="utf-8"))
    annotators = {who: json.loads((HERE / f"labels_{who}.json").read_text(encoding="utf-8")) for who in "AB"}
    for entry in manifest:
        files = {}
        for f in entry["files"]:
            data = files[f["path"]] = export_bytes(args.sources, entry, f["path"], f["blob"])
            if git_blob_id(data) != f["blob"]:
                sys.exit(f"{entry['id']}: {f['path']} is not the file that was labelled (blob {f['blob']})")
        msgs = excerpt(files, entry)
        if msgs is None:
            sys.exit(f"{entry['id']}: the excerpt read differently from the one labelled: has an importer changed?")
        for who, labels in annotators.items():
            folder = args.out / who
            folder.mkdir(parents=True, exist_ok=True)
            doc = labelled(entry, msgs, labels[entry["id"]])
            (folder / f"{entry['id']}.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")
        print(f"{entry['id']}: {entry['repo']} ({len(msgs)} messages)", flush=True)
    print(f"wrote {len(manifest)} excerpts for annotators A and B under {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
