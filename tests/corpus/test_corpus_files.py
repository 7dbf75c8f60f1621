"""The labelled corpus in the repository is what its scripts and annotations say it is.

Each split's JSON files are built from the writers' `.tt` scripts (corpus/build.py) and, where
two more annotators labelled a split, settled by majority of the three (corpus/adjudicate.py).
Models are trained and measured on the JSON; an edit to a script or an annotation that was not
rebuilt, or a JSON edited by hand, would train and measure on labels no one wrote.
"""

from __future__ import annotations

import json
import sys
from functools import cache
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[2] / "corpus"
sys.path.insert(0, str(CORPUS))

import adjudicate  # noqa: E402  (the corpus's own scripts, not a package)
import build  # noqa: E402
import validate  # noqa: E402

SPLITS = sorted(p.name for p in (CORPUS / "src").iterdir() if p.is_dir())
copies = cache(adjudicate.copies)  # each split's three copies, parsed once for every test here


def test_every_split_with_scripts_is_settled_by_the_adjudication():
    assert {"dev", "heldout", "bursts"} <= set(SPLITS)
    assert set(SPLITS) <= set(adjudicate.SPLITS)


@pytest.mark.parametrize("split", SPLITS)
def test_each_json_is_its_scripts_settled_by_the_annotators(split: str):
    original, a, b = copies(split)
    built = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (CORPUS / split).glob("*.json")}
    assert set(built) == set(original), "a conversation was added or removed without rebuilding"
    for cid, conv in original.items():
        expected = adjudicate.settle(conv, a[cid], b[cid], []) if cid in a and cid in b else conv
        assert built[cid] == expected, f"{split}/{cid}.json differs from its script and annotations"


@pytest.mark.parametrize("split", SPLITS)
def test_each_json_follows_the_annotation_guide(split: str):
    for path in sorted((CORPUS / split).glob("*.json")):
        problems, _ = validate.check(path)
        assert not problems, problems[:3]


def test_annotators_label_the_same_messages_the_writer_wrote():
    for split in SPLITS:
        original, a, b = copies(split)
        for copy in (a, b):
            for cid, conv in copy.items():
                texts = [(m["ts"], m["author"], m["text"]) for m in conv["messages"]]
                assert texts == [(m["ts"], m["author"], m["text"]) for m in original[cid]["messages"]], (split, cid)


def test_a_script_line_without_a_time_is_an_error_naming_the_line(tmp_path: Path):
    script = tmp_path / "x.tt"
    script.write_text("# id: x_001\n# people: Ana, Tom\n# start: 2024-05-02T19:04\nTom hello there\n", encoding="utf-8")
    with pytest.raises(build.ScriptError, match=r"x\.tt:4: expected 'TIME Author: text"):
        build.parse_script(script)
