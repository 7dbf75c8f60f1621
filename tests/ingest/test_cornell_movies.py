"""The Cornell Movie-Dialogs Corpus in its published files (movie_lines.txt beside
movie_conversations.txt) read as chats.

The films here are our own lines, laid out as the corpus lays its files out: Windows-1252 text, the
fields separated by `` +++$+++ ``, lines listed last first, exchanges listing their lines in the
order they are said.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests._cli import run
from tests.ingest.test_convokit import write_corpus

from turntoward.api.analysis import analyze_conversations, load_conversations, message_records
from turntoward.errors import ImportFormatError
from turntoward.ingest import Source, detect, read_paths
from turntoward.ingest.cornell_movies import BESIDE
from turntoward.model import NO_TIMES_START, Conversation

SEP = " +++$+++ "
LINES = [  # (line id, character id, film id, name, words), last first as the corpus lists them
    ("L110", "u1", "m0", "TEDDY", "Only if you promise to stop <u>humming</u>."),
    ("L109", "u0", "m0", "MARGO", "Will you come to the lighthouse with me tonight?"),
    ("L108", "u1", "m0", "TEDDY", "You've been quiet all day\u2026"),
    ("L12", "u2", "m0", "JUNE", "I got the part. The lead!"),
    ("L11", "u0", "m0", "MARGO", "Well? Don't keep me waiting."),
    ("L9", "u0", "m0", "MARGO", "Is anyone up there?"),
    ("L500", "u7", "m1", "DOC", "Sit down. Tell me what you saw."),
    ("L501", "u8", "m1", "RAY", ""),  # a line without words, as some of the corpus's are
    ("L502", "u8", "m1", "RAY", "Lights. Over the quarry. Three of them."),
]
EXCHANGES = [
    ("u0", "u1", "m0", ["L108", "L109", "L110"]),
    ("u0", "u2", "m0", ["L11", "L12"]),
    ("u7", "u8", "m1", ["L500", "L501", "L502"]),
    ("u0", "u9", "m0", ["L7000", "L7001"]),  # listed, but not in this sample of the lines
]
APPLE_DOUBLE = b"\x00\x05\x16\x07\x00\x02\x00\x00Mac OS X        "  # what macOS zips beside each file
TITLES = [("m0", "the lighthouse keepers", "1987"), ("m1", "quarry lights", "1994")]


def write_film(folder: Path, *, exchanges: bool = True, titles: bool = True, encoding: str = "cp1252",
               newline: str = "\n", lines: list[tuple[str, str, str, str, str]] = LINES) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    body = "".join(SEP.join(fields) + newline for fields in lines)
    (folder / "movie_lines.txt").write_bytes(body.encode(encoding))
    if exchanges:
        (folder / "movie_conversations.txt").write_bytes("".join(
            SEP.join((a, b, film, str(ids))) + newline for a, b, film, ids in EXCHANGES).encode(encoding))
    if titles:
        (folder / "movie_titles_metadata.txt").write_bytes("".join(
            SEP.join((film, title, year, "7.10", "1204", "['drama']")) + newline
            for film, title, year in TITLES).encode(encoding))
    (folder / "movie_characters_metadata.txt").write_bytes("".join(
        SEP.join((c, n, f, "?", "?", "?")) + newline for _, c, f, n, _ in lines).encode(encoding))
    (folder / "raw_script_urls.txt").write_text("m0 +++$+++ the lighthouse keepers +++$+++ http://x.invalid/a\n",
                                                encoding="utf-8")
    return folder


def imported(path: Path) -> list[Conversation]:
    return [c for _, convs in read_paths([path]) for c in convs]


def said(conversation: Conversation) -> list[tuple[str, str]]:
    return [(m.author, m.text) for m in conversation.messages]


def test_each_exchange_is_a_chat_in_the_order_it_lists_its_lines_titled_by_its_film(tmp_path):
    chats = imported(write_film(tmp_path / "cornell movie-dialogs corpus"))
    assert [(c.chat_id, c.title) for c in chats] == [
        ("L108", "the lighthouse keepers"), ("L11", "the lighthouse keepers"), ("L500", "quarry lights")]
    assert said(chats[0]) == [
        ("TEDDY", "You've been quiet all day\u2026"),  # one Windows-1252 byte in the file
        ("MARGO", "Will you come to the lighthouse with me tonight?"),
        ("TEDDY", "Only if you promise to stop humming."),  # the underline marks taken out
    ]
    assert said(chats[2]) == [("DOC", "Sit down. Tell me what you saw."),
                              ("RAY", "Lights. Over the quarry. Three of them.")]  # the empty line left out
    assert [m.ts for m in chats[0].messages] == [NO_TIMES_START.replace(minute=k) for k in range(3)]
    assert all(c.source_format == "cornell_movies" for c in chats)


def test_without_its_exchanges_each_film_is_one_chat_in_the_order_of_the_script(tmp_path):
    chats = imported(write_film(tmp_path / "corpus", exchanges=False, titles=False))
    assert [(c.chat_id, c.title) for c in chats] == [("m0", "m0"), ("m1", "m1")]
    assert [m.text for m in chats[0].messages][:3] == [
        "Is anyone up there?", "Well? Don't keep me waiting.", "I got the part. The lead!"]  # L9, L11, L12
    assert len(chats[0].messages) == 6


def test_a_copy_saved_again_as_utf8_with_windows_line_ends_reads_alike(tmp_path):
    cp1252 = imported(write_film(tmp_path / "a"))
    utf8 = imported(write_film(tmp_path / "b", encoding="utf-8", newline="\r\n"))
    assert [said(c) for c in utf8] == [said(c) for c in cp1252]


def test_the_corpus_zip_with_its_macos_leftovers_reads_as_its_folder(tmp_path):
    folder = write_film(tmp_path / "cornell movie-dialogs corpus")
    archive = tmp_path / "cornell_movie_dialogs_corpus.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for path in sorted(folder.iterdir()):
            zf.write(path, f"cornell movie-dialogs corpus/{path.name}")
            zf.writestr(f"__MACOSX/cornell movie-dialogs corpus/._{path.name}", APPLE_DOUBLE)
    assert [said(c) for c in imported(archive)] == [said(c) for c in imported(folder)]


def test_the_exchanges_file_named_by_itself_reads_through_the_lines_beside_it(tmp_path):
    folder = write_film(tmp_path / "corpus")
    assert [said(c) for c in imported(folder / "movie_conversations.txt")] == [said(c) for c in imported(folder)]
    (folder / "movie_lines.txt").unlink()
    with pytest.raises(ImportFormatError, match=r"movie_lines\.txt beside it"):
        imported(folder / "movie_conversations.txt")


def test_the_files_beside_the_lines_are_not_chats_of_their_own(tmp_path):
    folder = write_film(tmp_path / "corpus")
    for name in ("movie_conversations.txt", "movie_titles_metadata.txt", "movie_characters_metadata.txt"):
        source = Source(name, path=folder / name)
        assert detect(source) is None  # found in a folder, it is the lines file's to read
    assert [source.filename for source, _ in read_paths([folder])] == ["movie_lines.txt"]


def test_two_characters_of_one_name_in_an_exchange_are_told_apart_by_their_ids(tmp_path):
    lines = [("L2", "u4", "m3", "GUARD", "Halt. Who goes there?"), ("L1", "u5", "m3", "GUARD", "Only me, you fool.")]
    chats = imported(write_film(tmp_path / "corpus", exchanges=False, titles=False, lines=lines))
    assert [m.author for m in chats[0].messages] == ["u5", "u4"]


def test_a_broken_line_is_an_error_naming_it(tmp_path):
    folder = write_film(tmp_path / "corpus")
    text = (folder / "movie_lines.txt").read_bytes().decode("cp1252").splitlines()
    text.insert(3, "L13 +++$+++ u2 +++$+++ the rest of this line was lost")
    (folder / "movie_lines.txt").write_bytes("\n".join(text).encode("cp1252"))
    with pytest.raises(ImportFormatError) as raised:
        imported(folder)
    assert raised.value.line == 4 and "movie_lines.txt" in str(raised.value)
    assert "+++$+++" in str(raised.value)


def test_the_same_film_gets_the_same_labels_from_these_files_and_from_convokit(tmp_path):
    film = [("L108", "u1", "m0", "TEDDY", "You've been quiet all day. Did something happen at work?"),
            ("L109", "u0", "m0", "MARGO", "They let me go. I didn't know how to tell you."),
            ("L110", "u1", "m0", "TEDDY", "Oh love, I'm so sorry. Come here."),
            ("L111", "u0", "m0", "MARGO", "Will you come to the lighthouse with me tonight? I need air."),
            ("L112", "u1", "m0", "TEDDY", "Of course. I'll bring the thermos.")]
    cornell = write_film(tmp_path / "cornell", lines=film[::-1], titles=False)
    (cornell / "movie_conversations.txt").write_text(
        SEP.join(("u0", "u1", "m0", str([f[0] for f in film]))) + "\n", encoding="utf-8")
    convokit = write_corpus(tmp_path / "convokit", [
        {"id": i, "conversation_id": "L108", "text": words, "speaker": c, "reply-to": film[k - 1][0] if k else None,
         "timestamp": None, "meta": {}, "vectors": []} for k, (i, c, _, _, words) in enumerate(film)][::-1],
        speakers={"u0": {"character_name": "MARGO"}, "u1": {"character_name": "TEDDY"}})

    def labels(path: Path) -> list[tuple[object, ...]]:
        analysis = analyze_conversations(load_conversations([str(path)]))
        assert len(analysis.conversations) == 1
        return [(r["author"], r["text"], r["bid"], r["horseman"], r["repair"])
                for r in message_records(analysis.conversations[0])]

    assert labels(cornell) == labels(convokit)
    assert any(row[2] for row in labels(cornell))


def test_analyze_reads_the_corpus_folder(tmp_path, capsys):
    folder = write_film(tmp_path / "corpus")
    out = tmp_path / "lines.jsonl"
    code, stdout, stderr = run(capsys, "analyze", str(folder), "--jsonl", str(out))
    assert code == 0, stdout + stderr
    assert len(out.read_text(encoding="utf-8").splitlines()) == 7


@settings(max_examples=150, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
               max_size=80), st.sampled_from(["movie_lines.txt", *BESIDE[:2]]))
def test_any_line_in_any_of_the_files_either_parses_or_raises_a_format_error(line: str, name: str) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        corpus = write_film(Path(folder) / "corpus", encoding="utf-8")
        with (corpus / name).open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        try:
            chats = imported(corpus)
        except ImportFormatError:
            return
        assert all(m.text for c in chats for m in c.messages)


def test_a_line_id_that_is_not_a_number_keeps_its_place_before_the_numbered_ones(tmp_path):
    lines = [("L2", "u1", "m0", "TEDDY", "Second."), ("L\u00b2", "u0", "m0", "MARGO", "Odd one."),
             ("L1", "u0", "m0", "MARGO", "First.")]
    [chat] = imported(write_film(tmp_path / "corpus", exchanges=False, titles=False, lines=lines))
    assert [m.text for m in chat.messages] == ["Odd one.", "First.", "Second."]


def test_kaggles_tab_separated_copy_reads_as_the_published_files(tmp_path):
    published = imported(write_film(tmp_path / "published"))
    folder = tmp_path / "kaggle"
    folder.mkdir()

    def row(fields: tuple[str, ...]) -> str:
        line = "\t".join(fields)
        return f'"{line.replace(chr(34), chr(34) * 2)}"' if '"' in line else line

    (folder / "movie_lines.tsv").write_text("".join(row(f) + "\n" for f in LINES), encoding="utf-8")
    (folder / "movie_conversations.tsv").write_text("".join(
        f"{a}\t{b}\t{film}\t[{' '.join(repr(i) for i in ids)}]\n" for a, b, film, ids in EXCHANGES), encoding="utf-8")
    (folder / "movie_titles_metadata.tsv").write_text("".join(
        f"{film}\t{title}\t{year}\t7.10\t1204\t['drama']\n" for film, title, year in TITLES), encoding="utf-8")
    kaggle = imported(folder)
    assert [(c.chat_id, c.title, said(c)) for c in kaggle] == [(c.chat_id, c.title, said(c)) for c in published]
    quoted = folder / "movie_lines.tsv"
    quoted.write_text('"L1\tu0\tm9\tANA\tShe said ""no"" twice."\nL2\tu1\tm9\tBO\tWhy?\n'
                      '"L3\tu0\tm9\tANA\tBefore you even ""hello you ask me that?\n', encoding="utf-8")  # never closed
    (folder / "movie_conversations.tsv").unlink()
    [chat] = imported(quoted)
    assert said(chat) == [("ANA", 'She said "no" twice.'), ("BO", "Why?"),
                          ("ANA", 'Before you even "hello you ask me that?')]
    assert [c.title for c in imported(folder / "movie_titles_metadata.tsv")] == ["m9"]
