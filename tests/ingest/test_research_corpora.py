"""DailyDialog's and EmpatheticDialogues' files read as chats of two without times (the turns are ours)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests._cli import run

from turntoward.errors import ImportFormatError, UnknownFormatError
from turntoward.ingest import ImportOptions, Source, detect, read_paths
from turntoward.ingest.dailydialog import detokenise
from turntoward.model import NO_TIMES_START, Conversation

DAILY = (
    "Hey , Priya , are you coming to the picnic on Saturday ? __eou__ I ’ d love to , but I have to work . "
    "__eou__ Oh no.That ' s too bad . Maybe next time ! __eou__ Definitely . Save me a sandwich ! __eou__\n"
    "\n"
    "I passed my driving test today ! __eou__ Congratulations ! I knew you would . __eou__\n"
)
ACTS = "2 4 1 3\n\n1 1\n"
EMPATHETIC = (
    "conv_id,utterance_idx,context,prompt,speaker_idx,utterance,selfeval,tags\n"
    "hit:7_conv:14,1,lonely,I moved to a new city_comma_ and I eat dinner alone most nights.,31,"
    "I moved here in June and I still eat dinner alone most nights.,4|4|5_3|3|4,\n"
    "hit:7_conv:14,2,lonely,I moved to a new city_comma_ and I eat dinner alone most nights.,12,"
    "That sounds hard. Have you found any groups or clubs nearby?,4|4|5_3|3|4,\n"
    "hit:7_conv:14,3,lonely,I moved to a new city_comma_ and I eat dinner alone most nights.,31,"
    "Not yet_comma_ but there is a running club I keep meaning to try.,4|4|5_3|3|4,\n"
    "hit:8_conv:16,1,proud,My son read his first book by himself.,5,My son read a whole book by himself last night!,,\n"
    "hit:8_conv:16,2,proud,My son read his first book by himself.,40,That is wonderful! What book was it?,,"
    "It was great|Tell me more_comma_ please\n"
)


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def imported(*paths: Path, options: ImportOptions | None = None) -> list[Conversation]:
    return [c for _, convs in read_paths(list(paths), options) for c in convs]


def detected(path: Path) -> str | None:
    importer = detect(Source(str(path), path=path))
    return importer.name if importer else None


def test_each_dailydialog_line_is_a_chat_of_two_a_minute_a_turn_in_the_words_as_written(tmp_path: Path) -> None:
    folder = tmp_path / "train"
    write(folder, "dialogues_train.txt", DAILY)
    write(folder, "dialogues_act_train.txt", ACTS)  # the labels beside it are no chat
    write(folder, "dialogues_emotion_train.txt", ACTS)
    first, second = imported(folder)
    assert (first.title, first.chat_id, first.source_format, first.group) == ("dialogue 1", "1", "dailydialog", False)
    assert [(m.ts, m.author, m.text) for m in first.messages] == [
        (NO_TIMES_START, "A", "Hey, Priya, are you coming to the picnic on Saturday?"),
        (NO_TIMES_START.replace(minute=1), "B", "I’d love to, but I have to work."),
        (NO_TIMES_START.replace(minute=2), "A", "Oh no. That's too bad. Maybe next time!"),
        (NO_TIMES_START.replace(minute=3), "B", "Definitely. Save me a sandwich!"),
    ]
    assert (second.title, [m.text for m in second.messages]) == (
        "dialogue 3", ["I passed my driving test today!", "Congratulations! I knew you would."])


@pytest.mark.parametrize(("tokenised", "written"), [
    ("Say , Jim , how about a few beers ?", "Say, Jim, how about a few beers?"),
    ("Let ' s go , it ’ s late .", "Let's go, it’s late."),
    ("I don ' t know ( really ) , it costs $ 20 !", "I don't know (really), it costs $20!"),
    ("right.But what shall we do ?", "right. But what shall we do?"),
    ("The U.S. is big .", "The U.S. is big."),
])
def test_dailydialog_turns_lose_the_spaces_tokenising_put_in(tokenised: str, written: str) -> None:
    assert detokenise(tokenised) == written


def test_a_dailydialog_line_without_end_of_turn_marks_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "dialogues_text.txt", DAILY + "this line lost its markers\n")
    with pytest.raises(ImportFormatError) as error:
        imported(path)
    assert error.value.line == 4 and "__eou__" in error.value.expected


def test_each_empatheticdialogues_conversation_is_a_chat_of_the_speaker_and_the_listener(tmp_path: Path) -> None:
    folder = tmp_path / "empatheticdialogues"
    write(folder, "train.csv", EMPATHETIC)
    first, second = imported(folder)
    assert (first.title, first.chat_id, first.source_format, first.group) == (
        "hit:7_conv:14 (lonely)", "hit:7_conv:14", "empathetic_dialogues", False)
    assert [(m.ts, m.author, m.text) for m in first.messages] == [
        (NO_TIMES_START, "Speaker", "I moved here in June and I still eat dinner alone most nights."),
        (NO_TIMES_START.replace(minute=1), "Listener", "That sounds hard. Have you found any groups or clubs nearby?"),
        (NO_TIMES_START.replace(minute=2), "Speaker", "Not yet, but there is a running club I keep meaning to try."),
    ]
    # a test row's ninth field (candidate replies) is not a turn
    assert [(m.author, m.text) for m in second.messages] == [
        ("Speaker", "My son read a whole book by himself last night!"),
        ("Listener", "That is wonderful! What book was it?")]


def test_empatheticdialogues_turns_are_put_in_their_numbered_order(tmp_path: Path) -> None:
    header, *rows = EMPATHETIC.splitlines()
    path = write(tmp_path, "valid.csv", "\n".join([header, rows[1], rows[0], rows[2]]) + "\n")
    [chat] = imported(path)
    assert [m.text[:7] for m in chat.messages] == ["I moved", "That so", "Not yet"]
    assert [m.author for m in chat.messages] == ["Speaker", "Listener", "Speaker"]  # who wrote turn 1 is the Speaker


@pytest.mark.parametrize(("row", "expected"), [
    ("hit:9_conv:18,1,sad,My dog died.", "a row conv_id,utterance_idx"),
    ("hit:9_conv:18,first,sad,My dog died.,3,My dog died last week.,,", "a turn number"),
])
def test_a_broken_empatheticdialogues_row_names_its_line(tmp_path: Path, row: str, expected: str) -> None:
    path = write(tmp_path, "test.csv", EMPATHETIC + row + "\n")
    with pytest.raises(ImportFormatError) as error:
        imported(path)
    assert error.value.line == 7 and error.value.expected.startswith(expected)


def test_detection_picks_each_corpus_and_nothing_else(tmp_path: Path) -> None:
    assert detected(write(tmp_path, "dialogues_text.txt", DAILY)) == "dailydialog"
    assert detected(write(tmp_path, "dialogues_act.txt", ACTS)) is None
    assert detected(write(tmp_path, "train.csv", EMPATHETIC)) == "empathetic_dialogues"
    chats = Path(__file__).parent.parent / "fixtures"
    others = [*(chats / "whatsapp").glob("*.txt"), *(chats / "line").glob("*.txt"), *(chats / "tabular").glob("*.csv")]
    for path in others:
        assert detected(path) not in ("dailydialog", "empathetic_dialogues"), path


def test_analyze_reads_a_corpus_file_from_its_words_and_turns(tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "dialogues_test.txt", DAILY)
    code, _out, err = run(capsys, "analyze", str(path), "--jsonl", str(tmp_path / "out.jsonl"))
    assert code == 0, err
    lines = (tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 6 and '"latency_s": null' in "".join(lines)


@settings(max_examples=100, deadline=None)
@given(st.text(st.characters(codec="utf-8", exclude_characters="\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"),
               max_size=80), st.sampled_from(["dailydialog", "empathetic_dialogues"]))
def test_any_line_either_parses_or_raises_a_format_error(line: str, fmt: str) -> None:
    import tempfile

    text = (DAILY + line + " __eou__\n") if fmt == "dailydialog" else (EMPATHETIC + line + "\n")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("dialogues_text.txt" if fmt == "dailydialog" else "train.csv")
        path.write_text(text, encoding="utf-8")
        try:
            chats = imported(path)
        except ImportFormatError:
            return
        assert all(m.text for c in chats for m in c.messages)


HF_ROWS = [
    {"dialog": ["Say , Jim , how about going for a few beers after dinner ? ", "You know that is tempting . "],
     "act": [3, 4], "emotion": [0, 0]},
    {"dialog": ["I passed my driving test today ! ", "Congratulations ! I knew you would . ", " "],
     "act": [1, 1, 1], "emotion": [4, 4, 0]},
]


@pytest.mark.parametrize("suffix", [".parquet", ".jsonl", ".json"])
def test_a_table_of_one_dialogue_a_row_reads_each_row_as_a_chat_of_two(tmp_path: Path, suffix: str) -> None:
    """Hugging Face's copy of DailyDialog: {"dialog": [turn, ...], "act": [...], "emotion": [...]} a row."""
    import json

    import polars as pl

    path = tmp_path / f"train{suffix}"
    if suffix == ".parquet":
        pl.DataFrame(HF_ROWS).write_parquet(path)
    elif suffix == ".jsonl":
        path.write_text("".join(json.dumps(row) + "\n" for row in HF_ROWS), encoding="utf-8")
    else:
        path.write_text(json.dumps(HF_ROWS), encoding="utf-8")
    first, second = imported(path)
    assert (first.title, [(m.ts, m.author, m.text) for m in first.messages]) == ("dialogue 1", [
        (NO_TIMES_START, "A", "Say, Jim, how about going for a few beers after dinner?"),
        (NO_TIMES_START.replace(minute=1), "B", "You know that is tempting.")])
    assert (second.title, [m.text for m in second.messages]) == (
        "dialogue 2", ["I passed my driving test today!", "Congratulations! I knew you would."])


def test_dialogues_in_lists_keep_their_words_where_they_are_not_tokenised_and_are_titled_by_their_ids(
        tmp_path: Path) -> None:
    import json

    rows = [{"dialogue_id": "d-7", "turns": ["hey, are you free tonight?", "maybe! what's the plan?"]},
            {"dialogue_id": "d-9", "turns": ["I'm so proud of you.", "thank you, that means a lot."]}]
    path = write(tmp_path, "chats.jsonl", "".join(json.dumps(row) + "\n" for row in rows))
    chats = imported(path)
    assert [(c.title, [m.text for m in c.messages]) for c in chats] == [
        ("d-7", ["hey, are you free tonight?", "maybe! what's the plan?"]),
        ("d-9", ["I'm so proud of you.", "thank you, that means a lot."])]
    # a table of one message a row stays one: its author column says so, whatever lists it holds
    rows = [{"author": "Ana", "text": "see you at 7", "turns": ["x"]}, {"author": "Ben", "text": "ok!", "turns": []}]
    path = write(tmp_path, "messages.jsonl", "".join(json.dumps(row) + "\n" for row in rows))
    [chat] = imported(path)
    assert [(m.author, m.text) for m in chat.messages] == [("Ana", "see you at 7"), ("Ben", "ok!")]


def test_hugging_faces_empatheticdialogues_reads_through_the_table_importer(tmp_path: Path) -> None:
    """Its Parquet copy: one turn a row under the CSV's column names, commas still written _comma_."""
    import polars as pl

    rows = [dict(conv_id="hit:3_conv:6", utterance_idx=i + 1, context="lonely", prompt="I moved_comma_ alone.",
                 speaker_idx=speaker, utterance=words, selfeval="", tags="")
            for i, (speaker, words) in enumerate([(31, "I eat dinner alone most nights_comma_ it's hard."),
                                                  (12, "That sounds hard. Have you found any clubs nearby?")])]
    path = tmp_path / "train-00000-of-00001.parquet"
    pl.DataFrame(rows).write_parquet(path)
    [chat] = imported(path)
    assert (chat.title, [(m.author, m.text) for m in chat.messages]) == ("hit:3_conv:6", [
        ("31", "I eat dinner alone most nights, it's hard."),
        ("12", "That sounds hard. Have you found any clubs nearby?")])
    assert chat.messages[1].ts == NO_TIMES_START.replace(minute=1)


CONVABUSE = (
    "example_id,conv_id,prev_agent,prev_user,agent,user,bot,Annotator1_is_abuse.1,Annotator1_is_abuse.0\n"
    "12.0,5501.0,_,hello,Please go on.,i had a long day at work,E.L.I.Z.A.,1,0\n"
    '13.0,5501.0,Please go on.,i had a long day at work,"Why do you say ""a long day""?",stop asking me that,'
    "E.L.I.Z.A.,1,0\n"
    "14.0,8802,Where will you be flying from?,london,Where would you like to go?,,CarbonBot,1,0\n"
)
CONVABUSE_FULL = (
    "example_no,annotator_id,conv_id,prev_agent,prev_user,agent,user,bot,is_abuse.1\n"
    "12,Annotator1,5501.0,_,hello,Please go on.,i had a long day at work,E.L.I.Z.A.,1\n"
    "12,Annotator2,5501.0,_,hello,Please go on.,i had a long day at work,E.L.I.Z.A.,1\n"
)


def test_each_convabuse_example_is_a_chat_between_the_agent_and_the_person(tmp_path: Path) -> None:
    first, second, third = imported(write(tmp_path, "ConvAbuseEMNLPvalid.csv", CONVABUSE))
    assert (first.title, first.chat_id, first.source_format, first.group) == ("example 12", "12", "convabuse", False)
    assert [(m.ts, m.author, m.text) for m in first.messages] == [  # "_": the agent had not spoken yet
        (NO_TIMES_START, "user", "hello"),
        (NO_TIMES_START.replace(minute=1), "E.L.I.Z.A.", "Please go on."),
        (NO_TIMES_START.replace(minute=2), "user", "i had a long day at work"),
    ]
    assert [m.text for m in second.messages][-2:] == ['Why do you say "a long day"?', "stop asking me that"]
    assert [m.author for m in third.messages] == ["CarbonBot", "user", "CarbonBot"]  # no reply rated


def test_convabuses_full_file_reads_each_example_once_and_a_broken_row_names_its_line(tmp_path: Path) -> None:
    [chat] = imported(write(tmp_path, "ConvAbuseEMNLPfull.csv", CONVABUSE_FULL))  # a row per annotator
    assert chat.title == "example 12" and len(chat.messages) == 3
    assert detected(tmp_path / "ConvAbuseEMNLPfull.csv") == "convabuse"
    path = write(tmp_path, "broken.csv", "example_id,conv_id,prev_agent,prev_user,agent,user,bot\n"
                                         '1,2,hi,"there,you\n')
    with pytest.raises(ImportFormatError):
        imported(path)


def test_dialogues_whose_turns_name_their_speakers_keep_those_names(tmp_path: Path) -> None:
    """ESConv's turns as objects ({"speaker", "content"}, beside nested surveys), ShareGPT's
    ({"from", "value"}), and SODA's words with a list of speakers beside them."""
    import json

    esconv = [{"emotion_type": "anxiety", "problem_type": "job crisis", "situation": "lost my job",
               "survey_score": {"seeker": {"initial_emotion_intensity": "5"}},
               "dialog": [{"speaker": "seeker", "annotation": {}, "content": "Hello\n"},
                          {"speaker": "supporter", "annotation": {"strategy": "Question"},
                           "content": "Hi, how are you feeling today?"},
                          {"speaker": "seeker", "annotation": {"feedback": "4"},
                           "content": "Not great. I lost my job."},
                          {"speaker": "supporter", "annotation": {}, "content": " "}]}]
    [chat] = imported(write(tmp_path, "ESConv.json", json.dumps(esconv)))
    assert [(m.author, m.text) for m in chat.messages] == [
        ("seeker", "Hello"), ("supporter", "Hi, how are you feeling today?"), ("seeker", "Not great. I lost my job.")]
    sharegpt = [{"id": "c1", "conversations": [{"from": "human", "value": "I miss my sister."},
                                               {"from": "gpt", "value": "When did you last talk?"}]}]
    [chat] = imported(write(tmp_path, "sharegpt.json", json.dumps(sharegpt)))
    assert (chat.title, [m.author for m in chat.messages]) == ("c1", ["human", "gpt"])
    soda = [{"narrative": "Kai asks Mo to the fair.", "PersonX": "Kai",
             "dialogue": ["Want to go to the fair?", "Yes! When?", "Saturday."], "speakers": ["Kai", "Mo", "Kai"]},
            {"narrative": "", "dialogue": ["hi", "hello"], "speakers": ["Ana"]}]  # a list that does not fit: A and B
    first, second = imported(write(tmp_path, "soda.jsonl", "".join(json.dumps(r) + "\n" for r in soda)))
    assert [(m.author, m.text) for m in first.messages] == [
        ("Kai", "Want to go to the fair?"), ("Mo", "Yes! When?"), ("Kai", "Saturday.")]
    assert [m.author for m in second.messages] == ["A", "B"]


def test_more_corpora_of_dialogues_read_as_chats_of_their_speakers(tmp_path: Path) -> None:
    """EmotionLines (Friends): a list of dialogues, each a list of turns; Wizard of Wikipedia: turns as
    objects beside the topic; Blended Skill Talk: turns as [speaker, words] pairs in ParlAI's copy, two
    lists taking turns in Hugging Face's."""
    import json

    friends = [[{"speaker": "Mona", "utterance": "you're back early!", "emotion": "surprise"},
                {"speaker": "Ravi", "utterance": "the meeting got cancelled", "emotion": "neutral"}],
               [{"speaker": "Ravi", "utterance": "want pancakes?", "emotion": "joy"}]]
    first, second = imported(write(tmp_path, "friends_dev.json", json.dumps(friends)))
    assert [(m.author, m.text) for m in first.messages] == [
        ("Mona", "you're back early!"), ("Ravi", "the meeting got cancelled")]
    assert (second.title, [m.text for m in second.messages]) == ("dialogue 2", ["want pancakes?"])
    wizard = [{"chosen_topic": "Hiking", "persona": "i love the outdoors.", "wizard_eval": 5,
               "dialog": [{"speaker": "0_Wizard", "text": "Hiking is walking in nature.", "checked_passage": {}},
                          {"speaker": "1_Apprentice", "text": "I went up a hill last weekend!"}]}]
    [chat] = imported(write(tmp_path, "wizard/valid_random_split.json", json.dumps(wizard)))
    assert [m.author for m in chat.messages] == ["0_Wizard", "1_Apprentice"]
    parlai = [{"personas": [["i have a dog."], ["i bake."]], "dialog": [[0, "my dog ate my cake"], [1, "oh no!"],
                                                                         [0, "she looks so guilty"]]}]
    [chat] = imported(write(tmp_path, "bst/train.json", json.dumps(parlai)))
    assert [(m.author, m.text) for m in chat.messages] == [
        ("A", "my dog ate my cake"), ("B", "oh no!"), ("A", "she looks so guilty")]
    hugging_face = {"personas": ["i have a dog.", "i bake."], "previous_utterance": ["hi", "hey"],
                    "free_messages": ["my dog ate my cake", "she looks so guilty"],
                    "guided_messages": ["oh no!", "aww, what kind of cake?"]}
    [chat] = imported(write(tmp_path, "bst/validation.jsonl", json.dumps(hugging_face) + "\n"))
    assert [m.text for m in chat.messages] == [
        "my dog ate my cake", "oh no!", "she looks so guilty", "aww, what kind of cake?"]


@pytest.mark.parametrize("name", ["prosocial_train.json", "prosocial.jsonl", "prosocial.csv"])
def test_a_corpus_of_exchanges_reads_each_dialogue_as_its_contexts_and_responses_in_turn(
    tmp_path: Path, name: str
) -> None:
    """ProsocialDialog: a row per exchange (what one speaker said, and the answer), a dialogue's rows
    sharing its id; Hugging Face saves it as JSON Lines named .json."""
    import csv
    import io
    import json

    rows = [{"context": "I'm skipping my sister's wedding, she annoys me",
             "response": "That could really hurt her. What happened between you?", "rots": ["Family matters"],
             "safety_label": "__needs_caution__", "dialogue_id": 0, "response_id": 0, "episode_done": False},
            {"context": "She made my birthday about her", "response": "That sounds painful. Have you told her?",
             "rots": [], "safety_label": "__casual__", "dialogue_id": 0, "response_id": 1, "episode_done": True},
            {"context": "I yelled at my kid today", "response": "Parenting is hard. Do you want to talk about it?",
             "rots": [], "safety_label": "__casual__", "dialogue_id": 1, "response_id": 0, "episode_done": True}]
    if name.endswith(".csv"):
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=[k for k in rows[0] if k != "rots"])
        writer.writeheader()
        writer.writerows({k: v for k, v in row.items() if k != "rots"} for row in rows)
        text = out.getvalue()
    else:
        text = "".join(json.dumps(row) + "\n" for row in rows)
    first, second = imported(write(tmp_path, name, text))
    assert [(m.author, m.text[:12]) for m in first.messages] == [
        ("A", "I'm skipping"), ("B", "That could r"), ("A", "She made my "), ("B", "That sounds ")]
    assert (second.title, len(second.messages)) == ("1", 2)


def test_json_lines_saved_as_json_read_as_json_lines_and_other_json_is_still_refused(tmp_path: Path) -> None:
    import json

    rows = [{"author": "Sam", "text": "home safe?", "ts": "2024-03-12 21:04"},
            {"author": "Jo", "text": "yes! thank you", "ts": "2024-03-12 21:09"}]
    [chat] = imported(write(tmp_path, "chat.json", "".join(json.dumps(r) + "\n" for r in rows)))
    assert [m.author for m in chat.messages] == ["Sam", "Jo"]
    broken = write(tmp_path, "broken.json", json.dumps(rows[0]) + "\n" + '{"author": "Jo", "text": \n')
    with pytest.raises(ImportFormatError, match=r"broken\.json"):
        imported(broken)


def test_the_switchboard_dialog_act_corpus_reads_its_callers_per_conversation_in_their_words(
        tmp_path: Path) -> None:
    """The transcribers' marks (disfluency brackets, utterance ends, noises, overlaps, unsure hearing)
    are not words; an utterance of a noise alone keeps it."""
    swda = ("swda_filename,conversation_no,transcript_index,act_tag,caller,utterance_index,subutterance_index,text\n"
            'sw00utt/sw_0001_4325.utt,4325,0,qw,A,1,1,"{D So, }  what kind of pets do you have? /"\n'
            'sw00utt/sw_0001_4325.utt,4325,1,sd,B,2,1,"[ I, + I ] have, {F uh, } two cats <laughter>. /"\n'
            "sw00utt/sw_0001_4325.utt,4325,2,b,A,3,1,<Laughter>.\n"
            'sw00utt/sw_0001_4325.utt,4325,3,sd,B,4,1,"# Yeah, # they\'re ((kind of)) wild -/"\n'
            "sw00utt/sw_0002_4330.utt,4330,0,o,A,1,1,Okay. /\n")
    first, second = imported(write(tmp_path, "sw00-0001.csv", swda))
    assert [(m.author, m.text) for m in first.messages] == [
        ("A", "So, what kind of pets do you have?"), ("B", "I, I have, uh, two cats."), ("A", "<Laughter>."),
        ("B", "Yeah, they're kind of wild -")]
    assert first.title == "4325" and [m.text for m in second.messages] == ["Okay."]


def test_a_table_of_other_columns_keeps_the_same_marks_as_words(tmp_path: Path) -> None:
    table = "author,text,ts\nSam,[ok] {not markup} a/b,2024-03-12 21:04\n"
    [chat] = imported(write(tmp_path, "chat.csv", table))
    assert chat.messages[0].text == "[ok] {not markup} a/b"


def test_the_character_mining_corpus_reads_a_dialogue_a_scene(tmp_path: Path) -> None:
    """EmoryNLP's Friends files: a season's episodes of scenes of utterances, each said by a list of
    speakers (none for a stage direction left empty)."""
    import json

    season = {"season_id": "s01", "episodes": [{"episode_id": "s01_e01", "scenes": [
        {"scene_id": "s01_e01_c01", "utterances": [
            {"utterance_id": "u1", "speakers": ["Mona Lee"], "transcript": "you're back early!", "emotion": "Joyful"},
            {"utterance_id": "u2", "speakers": ["Ravi Shah"], "transcript": "the meeting got cancelled"},
            {"utterance_id": "u3", "speakers": [], "transcript": ""}]},
        {"scene_id": "s01_e01_c02", "utterances": [
            {"utterance_id": "u4", "speakers": ["Mona Lee", "Ravi Shah"], "transcript": "Surprise!"}]}]}]}
    first, second = imported(write(tmp_path, "friends_season_01.json", json.dumps(season, indent=2)))
    assert (first.title, [(m.author, m.text) for m in first.messages]) == (
        "s01_e01_c01", [("Mona Lee", "you're back early!"), ("Ravi Shah", "the meeting got cancelled")])
    assert [m.author for m in second.messages] == ["Mona Lee & Ravi Shah"]


def test_each_goemotions_comment_is_a_chat_of_its_one_message(tmp_path: Path) -> None:
    """GoEmotions' simplified splits: the comment, its emotion ids, its id, tab-separated, no header."""
    lines = ("Honestly [NAME] you made my whole week, thank you\t0,15\tf3kq9zd\n"
             "\t27\tf3kqa01\n"
             "why would anyone think that's ok?? unbelievable\t2,3\tf3kqb22\n")
    path = write(tmp_path, "dev.tsv", lines)
    assert detected(path) == "goemotions"
    first, second = imported(path)
    assert [(m.author, m.text, m.ts) for m in first.messages] == [
        ("redditor", "Honestly [NAME] you made my whole week, thank you", NO_TIMES_START)]
    assert (first.title, first.chat_id, second.chat_id) == ("f3kq9zd", "f3kq9zd", "f3kqb22")
    broken = write(tmp_path, "test.tsv", lines + "a line without its labels\n")
    with pytest.raises(ImportFormatError, match=r"test\.tsv:4: expected a GoEmotions line"):
        imported(broken)
    other = write(tmp_path, "scores.tsv", "name\tscore\nSam\t3\n")
    assert detected(other) == "tabular"


SAMSUM = [
    {"id": "13800101", "summary": "Noor will bring soup to Ines, who is ill.",
     "dialogue": "Noor: how are you feeling today?\r\nInes: awful. fever again\r\nInes: <file_photo>\r\n"
                 "Noor: oh no :( want me to bring soup later?\r\nInes: you're an angel\r\n"
                 "Ines: bring the lentil one pls\r\nlike last time"},
    {"id": "13800102", "summary": "Tom and Ravi meet at 12:30.",
     "dialogue": "Tom: lunch at 12:30? see https://example.org/menu\nRavi: <file_gif> sure, see you there"},
]


@pytest.mark.parametrize("name", ["train.json", "samsum-train.csv", "train.parquet"])
def test_samsum_reads_each_dialogue_a_chat_of_its_speakers_with_photos_and_gifs_as_media(
        tmp_path: Path, name: str) -> None:
    """SAMSum (the JSON of its release, Kaggle's CSV, Hugging Face's Parquet): a dialogue a row, its
    turns the lines of one cell, each naming its speaker; a line naming none goes on the turn before."""
    import json

    import polars as pl

    path = tmp_path / name
    if name.endswith(".json"):
        path.write_text(json.dumps(SAMSUM, indent=2), encoding="utf-8")
    elif name.endswith(".csv"):
        pl.DataFrame(SAMSUM).select("id", "dialogue", "summary").write_csv(path)
    else:
        pl.DataFrame(SAMSUM).write_parquet(path)
    first, second = imported(path)
    assert (first.title, first.chat_id) == ("13800101", "13800101")
    assert [(m.author, m.text, m.kind.value) for m in first.messages] == [
        ("Noor", "how are you feeling today?", "text"), ("Ines", "awful. fever again", "text"),
        ("Ines", "<file_photo>", "media"), ("Noor", "oh no :( want me to bring soup later?", "text"),
        ("Ines", "you're an angel", "text"), ("Ines", "bring the lentil one pls\nlike last time", "text")]
    assert [m.ts for m in first.messages[:2]] == [NO_TIMES_START, NO_TIMES_START + timedelta(minutes=1)]
    assert [(m.author, m.text, m.kind.value) for m in second.messages] == [
        ("Tom", "lunch at 12:30? see https://example.org/menu", "text"), ("Ravi", "sure, see you there", "media")]


def test_dialogsum_and_dream_name_their_speakers_before_a_colon(tmp_path: Path) -> None:
    """DialogSum's JSON Lines (``#Person1#:``, titled by ``fname``) and DREAM's JSON (each dialogue its
    lines, its questions and its id)."""
    import json

    rows = [{"fname": "train_7", "dialogue": "#Person1#: Did you call your brother back?\n#Person2#: Not yet. "
                                             "I'm nervous.\n#Person1#: Why?", "summary": "s", "topic": "family"},
            {"fname": "train_8", "dialogue": "#Person1#: Table for two?\n#Person2#: Yes, by the window.",
             "summary": "s", "topic": "restaurant"}]
    first, second = imported(write(tmp_path, "dialogsum.train.jsonl", "".join(json.dumps(r) + "\n" for r in rows)))
    assert first.title == "train_7" and [(m.author, m.text) for m in first.messages] == [
        ("Person1", "Did you call your brother back?"), ("Person2", "Not yet. I'm nervous."), ("Person1", "Why?")]
    assert len(second.messages) == 2
    dream = [[["W: You look tired, Sam.", "M: I was up all night with the baby."],
              [{"question": "Why is the man tired?", "choice": ["a", "b", "c"], "answer": "a"}], "4-12"],
             [["M: Is this seat free?", "W: Sorry, my friend is coming."], [], "7-301"]]
    path = write(tmp_path, "dream" / Path("train.json"), json.dumps(dream))
    first, second = imported(path)
    assert (first.title, [(m.author, m.text) for m in first.messages]) == (
        "4-12", [("W", "You look tired, Sam."), ("M", "I was up all night with the baby.")])
    assert second.title == "7-301"


def test_a_column_of_words_that_only_sometimes_has_a_colon_is_not_read_as_transcripts(tmp_path: Path) -> None:
    """A table of notes with a ``dialogue`` column of prose is no corpus of transcripts: it is still
    asked for its authors."""
    table = 'id,dialogue\n1,"Remember: the keys are under the mat"\n2,"We met at 9:30 and talked"\n'
    with pytest.raises(UnknownFormatError, match=r"notes\.csv: expected a column for ts"):
        imported(write(tmp_path, "notes.csv", table))


TWCS = (
    "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n"
    "11,AcmeHelps,False,Tue Oct 31 22:10:47 +0000 2017,@200 Sorry about that! Could you DM us your order?,12,10\n"
    "10,200,True,Tue Oct 31 21:58:02 +0000 2017,@AcmeHelps my parcel says delivered but it isn't here??,11,\n"
    "12,200,True,Tue Oct 31 22:15:30 +0000 2017,@AcmeHelps done. thanks for the quick reply,13,11\n"
    "13,AcmeHelps,False,Tue Oct 31 22:20:00 +0000 2017,@200 Got it - a new one ships tomorrow ^KL,,12\n"
    "20,201,True,Wed Nov 01 08:00:12 +0000 2017,@AcmeHelps is the app down for anyone else,21,\n"
    "21,AcmeHelps,False,Wed Nov 01 08:03:40 +0000 2017,@201 We're looking into it now,,20.0\n"
)


def test_customer_support_on_twitter_reads_each_thread_of_replies_a_chat(tmp_path: Path) -> None:
    """Customer Support on Twitter (``twcs.csv``): tweets by author id, Twitter's times, each thread
    (a tweet and the replies going back to it) a conversation in time order, replies kept."""
    first, second = imported(write(tmp_path, "twcs.csv", TWCS))
    assert first.title == "10" and [(m.author, m.text[:14], m.reply_to) for m in first.messages] == [
        ("200", "@AcmeHelps my ", None), ("AcmeHelps", "@200 Sorry abo", 0), ("200", "@AcmeHelps don", 1),
        ("AcmeHelps", "@200 Got it - ", 2)]
    assert first.messages[0].ts == datetime(2017, 10, 31, 21, 58, 2, tzinfo=UTC).astimezone().replace(tzinfo=None)
    assert (second.title, [m.reply_to for m in second.messages]) == ("20", [None, 0])


def test_persuasion_for_good_reads_each_dialogue_a_chat_of_the_persuader_and_the_persuadee(tmp_path: Path) -> None:
    """Persuasion For Good's ``full_dialog.csv`` (``,Unit,Turn,B4,B2``: words, turn, role, dialogue);
    its rows without words are left out."""
    table = (",Unit,Turn,B4,B2\n"
             "0,Morning! Have you ever given to a children's charity?,0,0,20180801-101500_11_live\n"
             "1,Once or twice. Why do you ask?,0,1,20180801-101500_11_live\n"
             "2,,,,20180801-101500_11_live\n"
             "3,Hi there. How is your day going?,0,0,20180802-090000_12_live\n")
    first, second = imported(write(tmp_path, "full_dialog.csv", table))
    assert (first.title, [(m.author, m.text[:12]) for m in first.messages]) == (
        "20180801-101500_11_live", [("persuader", "Morning! Hav"), ("persuadee", "Once or twic")])
    assert [m.author for m in second.messages] == ["persuader"]


def cmu_dog(history: list[dict[str, object]]) -> str:
    import json

    return json.dumps({"date": "2018-03-01", "history": history, "rating": 2, "status": 1,
                       "uid1LogInTime": "2018-03-01T00:11:05.970Z", "user1_id": "USR1906", "user2_id": "USR3118",
                       "whoSawDoc": ["user1", "user2"], "wikiDocumentIdx": 11}, indent=2, sort_keys=True)


def test_cmu_dog_reads_each_conversation_file_a_chat_of_two_with_its_times(tmp_path: Path) -> None:
    """CMU Document Grounded Conversations: a folder of conversations, each a JSON object whose
    ``history`` holds the turns with their UTC times."""
    from datetime import UTC, datetime

    folder = tmp_path / "Conversations" / "train"
    write(folder, "0a1b2c.json", cmu_dog([
        {"docIdx": 0, "text": "hey! have you seen the film yet?", "uid": "user2",
         "utcTimestamp": "2018-03-01T00:12:01.120Z"},
        {"docIdx": 0, "text": "not yet, no spoilers pls 😅", "uid": "user1",
         "utcTimestamp": "2018-03-01T00:12:40.500Z"},
        {"docIdx": 1, "text": " ", "uid": "user2", "utcTimestamp": "2018-03-01T00:13:00.000Z"}]))
    write(folder, "3d4e5f.json", cmu_dog([
        {"docIdx": 0, "text": "hi", "uid": "user1", "utcTimestamp": "2018-03-02T10:00:00.000Z"}]))
    assert detected(folder / "0a1b2c.json") == "cmu_dog"
    first, second = sorted(imported(tmp_path / "Conversations"), key=lambda c: c.title)
    assert (first.title, first.chat_id, first.source_format) == ("0a1b2c", "0a1b2c", "cmu_dog")
    assert [(m.author, m.text) for m in first.messages] == [
        ("user2", "hey! have you seen the film yet?"), ("user1", "not yet, no spoilers pls 😅")]
    local = datetime(2018, 3, 1, 0, 12, 1, 120000, tzinfo=UTC).astimezone().replace(tzinfo=None)
    assert first.messages[0].ts == local and len(second.messages) == 1


def test_a_broken_cmu_dog_turn_names_its_json_path(tmp_path: Path) -> None:
    path = write(tmp_path, "0a1b2c.json", cmu_dog([
        {"docIdx": 0, "text": "hey", "uid": "user2", "utcTimestamp": "2018-03-01T00:12:01.120Z"},
        {"docIdx": 0, "text": "hi", "uid": "user1", "utcTimestamp": "yesterday"}]))
    with pytest.raises(ImportFormatError, match=r"0a1b2c\.json.*history\[1\]\.utcTimestamp"):
        imported(path)


def test_multiwoz_reads_each_dialogue_a_chat_of_the_user_and_the_system(tmp_path: Path) -> None:
    """MultiWOZ 2.1's ``data.json``: dialogues by name, each a log of turns naming no speaker (the
    user first, then the system, in turn)."""
    import json

    data = {"SNG0001.json": {"goal": {"hotel": {}}, "log": [
        {"text": "i need a cheap place to stay near the station", "metadata": {}},
        {"text": "There are three. Would you like me to book one?", "metadata": {"hotel": {}}},
        {"text": "yes please, for two nights", "metadata": {}}]},
        "PMUL0002.json": {"goal": {}, "log": [{"text": "a table for four tonight?", "metadata": {}}]}}
    first, second = imported(write(tmp_path, "data.json", json.dumps(data)))
    assert (first.title, [m.author for m in first.messages]) == ("SNG0001", ["user", "system", "user"])
    assert first.messages[1].text == "There are three. Would you like me to book one?"
    assert (second.title, len(second.messages)) == ("PMUL0002", 1)


def test_turns_that_name_their_sender_or_sit_under_conversation_read_as_chats(tmp_path: Path) -> None:
    """ConvAI2 as Hugging Face keeps it (``dialog`` of ``{"sender", "text"}``, titled by ``dialog_id``),
    and corpora whose list of turns is called ``conversation`` (``{"role", "content"}``)."""
    import json

    convai2 = [{"id": "c1", "dialog_id": "0x38b3", "dialog": [
        {"id": 0, "sender": "participant1", "text": "hi! how was your weekend?", "sender_class": "Human"},
        {"id": 1, "sender": "participant2", "text": "great, went hiking. you?", "sender_class": "Bot"}]}]
    [chat] = imported(write(tmp_path, "train.jsonl", "".join(json.dumps(r) + "\n" for r in convai2)))
    assert (chat.title, [(m.author, m.text) for m in chat.messages]) == (
        "0x38b3", [("participant1", "hi! how was your weekend?"), ("participant2", "great, went hiking. you?")])
    rows = [{"conversation_id": "a1", "conversation": [{"role": "user", "content": "my sister stopped replying"},
                                                       {"role": "friend", "content": "oh no, since when?"}]}]
    [chat] = imported(write(tmp_path, "talks.json", json.dumps(rows)))
    assert [(m.author, m.text) for m in chat.messages] == [
        ("user", "my sister stopped replying"), ("friend", "oh no, since when?")]


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_turns_kept_as_lists_of_their_fields_read_as_chats(tmp_path: Path, suffix: str) -> None:
    """MultiWOZ 2.2's and the Schema-Guided Dialogue's Hugging Face copies keep a dialogue's turns as
    lists of their fields (``"turns": {"speaker": [0, 1], "utterance": [...]}``): 0 speaks first (A)."""
    import json

    import polars as pl

    rows = [{"dialogue_id": "PMUL4398.json", "services": ["restaurant"], "turns": {
        "turn_id": ["0", "1"], "speaker": [0, 1],
        "utterance": ["i need a place to eat in the centre", "There are many. Any cuisine?"]}}]
    path = tmp_path / f"train{suffix}"
    if suffix == ".jsonl":
        path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    else:
        pl.DataFrame(rows).write_parquet(path)
    [chat] = imported(path)
    assert (chat.title, [(m.author, m.text) for m in chat.messages]) == (
        "PMUL4398.json", [("A", "i need a place to eat in the centre"), ("B", "There are many. Any cuisine?")])


def test_a_column_of_transcripts_is_found_by_its_name_too(tmp_path: Path) -> None:
    """Synthetic-Persona-Chat keeps each dialogue in a column called ``Best Generated Conversation``,
    beside the two personas."""
    import csv
    import io

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["user 1 personas", "user 2 personas", "Best Generated Conversation"])
    writer.writerow(["I keep bees.", "I work nights.",
                     "User 1: Hi! How are you today?\nUser 2: Tired, long shift.\nUser 1: Oh no, want to talk?"])
    writer.writerow(["I run.", "I bake.", "User 1: Morning!\nUser 2: Morning, off to the market?"])
    first, second = imported(write(tmp_path, "Synthetic-Persona-Chat_train.csv", out.getvalue()))
    assert [(m.author, m.text) for m in first.messages] == [
        ("User 1", "Hi! How are you today?"), ("User 2", "Tired, long shift."), ("User 1", "Oh no, want to talk?")]
    assert (second.title, len(second.messages)) == ("dialogue 2", 2)
