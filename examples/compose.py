#!/usr/bin/env python3
"""Lay the hand-written scenes in ``examples/scenes`` onto calendars and write the bundled example chats.

    .venv/bin/python examples/compose.py            # write the labelled JSON and the three exports
    .venv/bin/python examples/compose.py --check    # write them, then check labels and re-import them

Each scene is a short labelled exchange from one day, written in the corpus's ``.tt`` format
(``corpus/build.py`` documents it; its parser is imported, not copied). Besides the corpus
headers a scene may carry:

    # phase: warm          which stretch of the story it belongs to (see PLANS below)
    # date: 2024-05-18     the calendar day it happens on (birthdays, the big fight, ...)
    # uses: 1              how often it may appear; story scenes appear once, everyday ones up to 3x

Text may offer small alternatives, ``{pizza|thai}``, chosen afresh each time a scene is placed (the same
alternatives twice in one scene resolve the same way).

The composer is deterministic (one fixed seed, standard library only). Story scenes keep their
written day (a fixed ``date`` exactly, others give or take a day); everyday scenes fill the rest of
each stretch at that stretch's pace until the chat reaches its size, never twice in three weeks,
each at its own time of day shifted a little, its reply gaps stretched or squeezed a little.
Labels travel with the messages; ``by`` is re-based onto the long conversation.

Outputs (``examples/``):
  labelled/couple.json, labelled/friends.json, labelled/family.json   ANNOTATION.md documents
  couple/WhatsApp Chat with Jonah.txt          WhatsApp Android export
  friends/result.json                           Telegram Desktop export
  family/WhatsApp Chat - Okafor family.zip      WhatsApp iOS export with photos attached
The exports are rendered by the test suite's exporters (``tests/exporters``), so they need the
project installed (run with the project's virtual environment).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SCENES = HERE / "scenes"
MEDIA = SCENES / "media"
LABELLED = HERE / "labelled"
SEED = 20240214
DEFAULT_USES = 2
MIN_DAYS_BETWEEN_REUSE = 21
ALTERNATIVES = re.compile(r"\{([^{}|]*(?:\|[^{}|]*)+)\}")
SCENE_HEADER = re.compile(r"^#\s*(id|phase|date|uses)\s*:\s*(.+?)\s*$")


def _load_module(name: str, path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_build = _load_module("turntoward_corpus_build", REPO / "corpus" / "build.py")


@dataclass(frozen=True)
class Scene:
    """One hand-written exchange and where it may go."""

    id: str
    chat: str
    phase: str
    fixed: date | None
    uses: int
    start: datetime
    messages: list[dict[str, Any]]

    @property
    def story(self) -> bool:
        """A scene that tells one moment of the story, so it appears once and near its written day."""
        return self.fixed is not None or self.uses == 1


@dataclass(frozen=True)
class Stretch:
    """A stretch of a chat's story: its days, the scene phases it draws on, and its pace."""

    first: date
    last: date
    phases: tuple[str, ...]
    weekday: float  # expected everyday scenes on a weekday
    weekend: float


@dataclass(frozen=True)
class Plan:
    """One long example chat: who is in it, its story in stretches, and how big it should get."""

    chat: str
    conv_id: str
    relationship: str
    people: tuple[str, ...]
    notes: str
    stretches: tuple[Stretch, ...]
    target: int
    seconds: bool  # whether the export shows seconds (WhatsApp Android does not)

    def stretch_of(self, day: date) -> Stretch | None:
        """The stretch `day` falls in, if any."""
        return next((s for s in self.stretches if s.first <= day <= s.last), None)


D = date.fromisoformat
PLANS = (
    Plan(
        chat="couple", conv_id="example_couple", relationship="partner", people=("Maya", "Jonah"),
        notes="Maya & Jonah, Feb-Jul 2024: mostly warm; in May a rough patch (missed bids, criticism, "
              "contempt, defensiveness, stonewalling) ending in a fight on 18 May and a repair on 20 May; "
              "then recovery.",
        stretches=(
            Stretch(D("2024-02-01"), D("2024-04-28"), ("warm", "any"), 1.0, 1.1),
            Stretch(D("2024-04-29"), D("2024-05-19"), ("rough", "any"), 0.2, 0.2),
            Stretch(D("2024-05-20"), D("2024-06-02"), ("repair", "recovery", "any"), 0.5, 0.6),
            Stretch(D("2024-06-03"), D("2024-07-31"), ("recovery", "warm", "any"), 1.0, 1.1),
        ),
        target=1500, seconds=False,
    ),
    Plan(
        chat="friends", conv_id="example_friends", relationship="friend", people=("Maya", "Priya"),
        notes="Maya & Priya, Jan-Jul 2024: close and frequent until Priya moves to Manchester in April; "
              "then drifting: rarer, shorter, shallower replies; Maya's last bids in July go unanswered.",
        stretches=(
            Stretch(D("2024-01-01"), D("2024-04-07"), ("close",), 0.55, 0.6),
            Stretch(D("2024-04-08"), D("2024-06-30"), ("drift",), 0.0, 0.0),
            Stretch(D("2024-07-01"), D("2024-07-31"), ("final",), 0.0, 0.0),
        ),
        target=700, seconds=True,
    ),
    Plan(
        chat="family", conv_id="example_family", relationship="family",
        people=("Maya", "Mum", "Dad", "Chidi", "Ada"),
        notes="Okafor family group, Mar-Jul 2024: banter, photos, news and logistics; Dad's scan and its "
              "good result; Ada's promotion ignored on 3 April and noticed the next day; Mum checking in "
              "on Maya in May; birthdays, an anniversary dinner, Chidi's graduation.",
        stretches=(Stretch(D("2024-03-01"), D("2024-07-31"), ("any",), 0.45, 0.6),),
        target=900, seconds=True,
    ),
)
ME = "Maya"


def load_scenes(folder: Path = SCENES) -> list[Scene]:
    """Every scene in `folder`'s ``.tt`` files, with the composer's own headers read beside build.py's."""
    scenes: list[Scene] = []
    for script in sorted(folder.glob("*.tt")):
        extra: dict[str, dict[str, str]] = {}
        current = ""
        for line in script.read_text(encoding="utf-8").splitlines():
            found = SCENE_HEADER.match(line)
            if not found:
                continue
            key, value = found.groups()
            if key == "id":
                current = value
                extra[current] = {}
            else:
                extra[current][key] = value
        for conv in _build.parse_script(script):
            headers = extra[conv["id"]]
            chat = conv["id"].split("_scene_")[0]
            scenes.append(Scene(
                id=conv["id"], chat=chat, phase=headers.get("phase", "any"),
                fixed=date.fromisoformat(headers["date"]) if "date" in headers else None,
                uses=int(headers.get("uses", DEFAULT_USES)),
                start=datetime.fromisoformat(conv["messages"][0]["ts"]),
                messages=conv["messages"],
            ))
    return scenes


@dataclass
class Placement:
    """A scene put on the calendar: its messages with their new times and chosen wording."""

    scene: Scene
    messages: list[dict[str, Any]]

    @property
    def start(self) -> datetime:
        return datetime.fromisoformat(self.messages[0]["ts"])

    @property
    def end(self) -> datetime:
        return datetime.fromisoformat(self.messages[-1]["ts"])


@dataclass
class Calendar:
    """The placements of one chat so far, kept apart in time."""

    placements: list[Placement] = field(default_factory=list)
    last_use: dict[str, list[date]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return sum(len(p.messages) for p in self.placements)

    def fits(self, candidate: Placement, margin: timedelta = timedelta(minutes=25)) -> bool:
        """True when `candidate` does not overlap (or crowd) anything already placed."""
        return all(candidate.end + margin <= p.start or p.end + margin <= candidate.start
                   for p in self.placements)

    def add(self, placement: Placement) -> None:
        self.placements.append(placement)
        self.last_use.setdefault(placement.scene.id, []).append(placement.start.date())

    def rested(self, scene_id: str, day: date) -> bool:
        """True when the scene has not been used within three weeks of `day`."""
        return all(abs((day - used).days) >= MIN_DAYS_BETWEEN_REUSE
                   for used in self.last_use.get(scene_id, []))


def _choose_wording(text: str, rng: random.Random, chosen: dict[str, str]) -> str:
    """`text` with each ``{a|b}`` resolved; the same alternatives resolve the same way within a scene."""

    def pick(found: re.Match[str]) -> str:
        options = found.group(1)
        if options not in chosen:
            chosen[options] = rng.choice(options.split("|"))
        return chosen[options]

    return re.sub(r"  +", " ", ALTERNATIVES.sub(pick, text)).strip()


def place(scene: Scene, day: date, rng: random.Random, *, shift_minutes: int, seconds: bool) -> Placement:
    """`scene` on `day`: its written clock time moved by `shift_minutes`, its gaps varied a little."""
    start = datetime.combine(day, scene.start.time()) + timedelta(minutes=shift_minutes)
    if seconds:
        start += timedelta(seconds=rng.randint(0, 59))
    written = [datetime.fromisoformat(m["ts"]) for m in scene.messages]
    out: list[dict[str, Any]] = []
    chosen: dict[str, str] = {}
    when = start
    for i, message in enumerate(scene.messages):
        if i:
            gap = (written[i] - written[i - 1]).total_seconds()
            if gap == 0:  # "+0": a burst, or a quick reply in the same minute
                gap = rng.randint(4, 40)
            elif gap <= 15 * 60:
                gap = max(8.0, gap * rng.uniform(0.7, 1.35) + rng.randint(-20, 20))
            else:
                gap *= rng.uniform(0.85, 1.15)
            when += timedelta(seconds=int(gap))
        stamp = when if seconds else when.replace(second=0)
        out.append({**message, "ts": stamp.isoformat(timespec="seconds"),
                    "text": _choose_wording(message["text"], rng, chosen),
                    "bid": dict(message["bid"]) if message["bid"] else None})
    return Placement(scene, out)


def _shift_for(scene: Scene, rng: random.Random, spread: int) -> int:
    """Minutes to move a scene's clock time by, keeping it out of the small hours."""
    shift = rng.randint(-spread, spread)
    clock = datetime.combine(date(2024, 1, 1), scene.start.time()) + timedelta(minutes=shift)
    if (scene.start.time() >= time(6, 0) and clock.time() < time(6, 15)) or clock.date() != date(2024, 1, 1):
        shift = 0
    return shift


def compose(plan: Plan, scenes: list[Scene], rng: random.Random) -> list[Placement]:
    """Lay `plan`'s scenes onto its calendar: story scenes first, then everyday ones up to its size."""
    mine = [s for s in scenes if s.chat == plan.chat]
    cal = Calendar()
    for scene in sorted((s for s in mine if s.story), key=lambda s: (s.fixed is None, s.start)):
        candidates = [scene.fixed] if scene.fixed else [scene.start.date() + timedelta(days=d)
                                                        for d in rng.sample([-1, 0, 0, 1, 2, -2], 6)]
        for day in candidates:
            stretch = plan.stretch_of(day)
            if stretch is None or (scene.phase not in stretch.phases and not scene.fixed):
                continue
            placement = place(scene, day, rng, shift_minutes=0 if scene.fixed else _shift_for(scene, rng, 20),
                              seconds=plan.seconds)
            if cal.fits(placement):
                cal.add(placement)
                break
        else:
            raise SystemExit(f"compose: no room for story scene {scene.id} near {scene.start.date()}")

    everyday = [s for s in mine if not s.story]
    uses = dict.fromkeys((s.id for s in everyday), 0)
    days: list[tuple[float, date]] = []
    for stretch in plan.stretches:
        day = stretch.first
        while day <= stretch.last:
            rate = stretch.weekend if day.weekday() >= 5 else stretch.weekday
            for k in range(3):  # a day can hold up to three everyday scenes, each less likely
                if rate > 0:
                    # lower keys come first: likelier slots (higher pace, first of the day) go earlier
                    days.append(((k + rng.random()) / rate, day))
            day += timedelta(days=1)
    for _, day in sorted(days):
        if cal.size >= plan.target:
            break
        stretch = plan.stretch_of(day)
        assert stretch is not None
        pool = [s for s in everyday if s.phase in stretch.phases and uses[s.id] < s.uses
                and cal.rested(s.id, day)]
        rng.shuffle(pool)
        pool.sort(key=lambda s: uses[s.id])
        for scene in pool[:6]:
            placement = place(scene, day, rng, shift_minutes=_shift_for(scene, rng, 50), seconds=plan.seconds)
            if cal.fits(placement):
                cal.add(placement)
                uses[scene.id] += 1
                break
    return sorted(cal.placements, key=lambda p: p.start)


def conversation(plan: Plan, placements: list[Placement]) -> dict[str, Any]:
    """The long labelled conversation (ANNOTATION.md), with every `by` re-based onto it."""
    messages: list[dict[str, Any]] = []
    for placement in placements:
        base = len(messages)
        for message in placement.messages:
            bid = message["bid"]
            if bid is not None and bid["by"] is not None:
                bid = {**bid, "by": bid["by"] + base}
            messages.append({"ts": message["ts"], "author": message["author"], "text": message["text"],
                             "bid": bid, "horseman": message["horseman"], "control": message["control"],
                             "accountability": message["accountability"], "repair": message["repair"]})
    return {"id": plan.conv_id, "relationship": plan.relationship, "people": list(plan.people), "me": ME,
            "notes": plan.notes, "messages": messages}


# --- the exports -------------------------------------------------------------------------------

ANDROID_MEDIA = "<Media omitted>"
IOS_MEDIA = ("image omitted", "video omitted", "audio omitted", "sticker omitted", "GIF omitted")


@dataclass
class Record:
    """One message as the exporters in ``tests/exporters`` take it."""

    ts: datetime
    author: str
    text: str
    kind: str = "text"
    edited: bool = False
    reply_to: int | None = None


def _records(conv: dict[str, Any]) -> list[Record]:
    return [Record(datetime.fromisoformat(m["ts"]), m["author"], m["text"],
                   "media" if _is_media(m["text"]) else "text") for m in conv["messages"]]


def _is_media(text: str) -> bool:
    return text == ANDROID_MEDIA or text in IOS_MEDIA or text.startswith("<attached: ") or text == "<photo>"


def adapt_media(conv: dict[str, Any], convert: Callable[[int, dict[str, Any]], str]) -> None:
    """Rewrite each media placeholder the way the chat's app shows it (`convert` gets its index)."""
    for i, message in enumerate(conv["messages"]):
        if _is_media(message["text"]):
            message["text"] = convert(i, message)


def write_exports(convs: dict[str, dict[str, Any]]) -> list[Path]:
    """Render the three chats with the project's exporters; returns the files written."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.exporters.telegram import render_telegram
    from tests.exporters.whatsapp import render_whatsapp, zip_whatsapp

    written: list[Path] = []
    couple = HERE / "couple" / "WhatsApp Chat with Jonah.txt"
    couple.parent.mkdir(exist_ok=True)
    couple.write_text(render_whatsapp(_records(convs["couple"]), layout="android", date_order="dmy",
                                      clock="24h", encryption_notice=True), encoding="utf-8")
    written.append(couple)

    friends = HERE / "friends" / "result.json"
    friends.parent.mkdir(exist_ok=True)
    friends.write_text(render_telegram(_records(convs["friends"]), title="Priya"), encoding="utf-8")
    written.append(friends)

    family = HERE / "family" / "WhatsApp Chat - Okafor family.zip"
    family.parent.mkdir(exist_ok=True)
    media = {name: (MEDIA / source).read_bytes() for name, source in FAMILY_MEDIA.items()}
    text = render_whatsapp(_records(convs["family"]), layout="ios", date_order="dmy", clock="24h",
                           title="Okafor family", encryption_notice=True)
    zip_whatsapp(family, text, layout="ios", title="Okafor family", media=media)
    last = datetime.fromisoformat(convs["family"]["messages"][-1]["ts"])
    _pin_zip_times(family, last + timedelta(hours=14))
    written.append(family)
    return written


def _pin_zip_times(path: Path, when: datetime) -> None:
    """Give every member of the zip the same time (the moment of export), so reruns write the same bytes."""
    with zipfile.ZipFile(path) as zf:
        members = [(info, zf.read(info)) for info in zf.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for info, data in members:
            pinned = zipfile.ZipInfo(info.filename, date_time=when.timetuple()[:6])
            pinned.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(pinned, data)


FAMILY_MEDIA: dict[str, str] = {}  # attachment name in the zip -> photo in examples/scenes/media
PHOTOS = ("photo_baby.jpg", "photo_garden.jpg", "photo_dinner.jpg")


def _family_attachment(i: int, message: dict[str, Any]) -> str:
    """iOS "export with media": photos become attached files; voice notes and videos stay omitted."""
    if message["text"] != "image omitted":
        return message["text"]
    ts = datetime.fromisoformat(message["ts"])
    name = f"{i:08d}-PHOTO-{ts:%Y-%m-%d-%H-%M-%S}.jpg"
    FAMILY_MEDIA[name] = PHOTOS[len(FAMILY_MEDIA) % len(PHOTOS)]
    return f"<attached: {name}>"


def _telegram_photo(_i: int, _message: dict[str, Any]) -> str:
    return "<photo>"  # what turntoward's Telegram importer shows for a photo without a caption


# --- checks ------------------------------------------------------------------------------------

def check(convs: dict[str, dict[str, Any]], exports: list[Path]) -> int:
    """Validate the labelled files and re-import each export; returns the number of problems."""
    validate = _load_module("turntoward_corpus_validate", REPO / "corpus" / "validate.py")
    problems = 0
    for chat in convs:
        found, n = validate.check(LABELLED / f"{chat}.json")
        for problem in found:
            print(problem)
        problems += len(found)
        bids = sum(1 for m in convs[chat]["messages"] if m["bid"])
        print(f"{chat}: {n} messages, {bids} bids, {len(found)} label problem(s)")
    from turntoward.ingest import read_paths

    for chat, path in zip(convs, exports, strict=True):
        imported = [c for _, cs in read_paths([path]) for c in cs]
        if len(imported) != 1:
            print(f"{path}: expected one conversation, got {len(imported)}")
            problems += 1
            continue
        got, want = imported[0].messages, convs[chat]["messages"]
        if len(got) != len(want):
            print(f"{path}: {len(got)} messages imported, {len(want)} labelled")
            problems += 1
        for m, w in zip(got, want, strict=False):
            if (m.author, m.text, m.ts) != (w["author"], w["text"], datetime.fromisoformat(w["ts"])):
                print(f"{path}: message {m.index}: imported {m.ts} {m.author}: {m.text!r}, "
                      f"labelled {w['ts']} {w['author']}: {w['text']!r}")
                problems += 1
                break
        print(f"{path.relative_to(HERE)}: {len(got)} messages imported ({imported[0].source_format})")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="validate labels and re-import the exports")
    parser.add_argument("--labelled-only", action="store_true", help="write the labelled JSON only")
    args = parser.parse_args(argv)
    scenes = load_scenes()
    rng = random.Random(SEED)
    convs: dict[str, dict[str, Any]] = {}
    LABELLED.mkdir(exist_ok=True)
    for plan in PLANS:
        convs[plan.chat] = conversation(plan, compose(plan, scenes, rng))
    FAMILY_MEDIA.clear()
    adapt_media(convs["family"], _family_attachment)
    adapt_media(convs["friends"], _telegram_photo)
    for chat, conv in convs.items():
        (LABELLED / f"{chat}.json").write_text(json.dumps(conv, ensure_ascii=False, indent=1) + "\n",
                                               encoding="utf-8")
        print(f"labelled/{chat}.json: {len(conv['messages'])} messages")
    if args.labelled_only:
        return 0
    exports = write_exports(convs)
    return 1 if args.check and check(convs, exports) else 0


if __name__ == "__main__":
    sys.exit(main())
