"""How fast the other text and HTML importers read 10k and 100k messages, and their peak memory.

    .venv/bin/python benchmarks/bench_formats.py [--sizes 10000,100000] [--formats discord_html,line]

For each format it renders the same synthetic chat (bench_whatsapp's `synthetic_records`: two
people over the years, photos, deleted messages, some lines of several lines) with the test
suite's exporters, writes it to benchmarks/data/ once (Meta's HTML as pages of 10,000 messages,
as Meta splits it), then reads it with `turntoward.ingest.read_paths` in a fresh subprocess, so
each peak resident memory belongs to that run alone (the rendering runs in a process of its own
too, as a child's peak would count the memory its parent held when it started). WhatsApp has its own benchmark
(bench_whatsapp.py).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "benchmarks" / "data"
SIZES = (10_000, 100_000)
FORMATS = ("discord_html", "discord_txt", "messenger_html", "line", "google_chat", "skype", "snapchat", "qq", "element",
           "slack", "signal_backup", "google_voice", "twitter_dm", "instagram_legacy", "messenger_legacy", "groupme",
           "convokit", "cornell_movies", "irc", "whatsapp_db", "whatsapp_db_iphone", "android_sms_db", "skype_db",
           "samsum", "twcs")

CHILD = r"""
import json, resource, sys, time
from turntoward.ingest import ImportOptions, importers, read_paths
importers()
path = sys.argv[1]
start, cpu = time.perf_counter(), time.process_time()
count = sum(len(c.messages) for _, convs in read_paths([path], ImportOptions()) for c in convs)
print(json.dumps({"messages": count, "wall": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def export(fmt: str, count: int) -> Path:
    """The rendered export of `count` messages in `fmt` (a file, or a folder of pages), made once."""
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from bench_whatsapp import synthetic_records

    folder = DATA / f"{fmt}_{count}"
    target = folder / {"discord_html": "dm.html", "discord_txt": "dm.txt", "messenger_html": "message_1.html",
                       "line": "[LINE] Chat with Jonah.txt", "google_chat": "Google Chat",
                       "skype": "messages.json", "snapchat": "chat_history.json", "qq": "Jonah.txt",
                       "element": "matrix - Jonah - Chat Export.json", "slack": "export",
                       "signal_backup": "main.jsonl", "google_voice": "Calls",
                       "twitter_dm": "direct-messages.js", "instagram_legacy": "messages.json",
                       "messenger_legacy": "messages.htm", "groupme": "71204388", "convokit": "corpus",
                       "cornell_movies": "cornell movie-dialogs corpus", "irc": "#jonah.log",
                       "whatsapp_db": "msgstore.db", "whatsapp_db_iphone": "ChatStorage.sqlite",
                       "android_sms_db": "mmssms.db", "skype_db": "main.db", "samsum": "train.json",
                       "twcs": "twcs.csv"}[fmt]
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    records = [r for r in synthetic_records(count) if r.kind != "system"]
    if fmt == "discord_html":
        from tests.exporters.discord_html import render_discord_html
        target.write_text(render_discord_html(records, channel="jonah"), encoding="utf-8")
    elif fmt == "discord_txt":
        from tests.exporters.discord_txt import render_discord_txt
        target.write_text(render_discord_txt(records, channel="jonah"), encoding="utf-8")
    elif fmt == "messenger_html":
        from tests.exporters.messenger_html import render_messenger_html_files
        for name, page in render_messenger_html_files(records, title="Jonah").items():
            (folder / name).write_text(page, encoding="utf-8")
    elif fmt == "line":
        from tests.exporters.line import render_line
        target.write_text(render_line(records, title="Jonah"), encoding="utf-8")
    elif fmt == "google_chat":  # a folder: Groups/DM .../messages.json and group_info.json
        from tests.exporters.google_chat import render_google_chat
        for name, text in render_google_chat(records, me="Maya").items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_text(text, encoding="utf-8")
    elif fmt == "skype":
        from tests.exporters.skype import render_skype
        target.write_text(render_skype(records, title="Jonah", me="Maya"), encoding="utf-8")
    elif fmt == "snapchat":
        from tests.exporters.snapchat import render_snapchat
        target.write_text(render_snapchat(records, key="jonah", me="Maya"), encoding="utf-8")
    elif fmt == "qq":
        from tests.exporters.qq import render_qq
        target.write_text(render_qq(records, title="Jonah", layout="friend"), encoding="utf-8")
    elif fmt == "signal_backup":
        from tests.exporters.signal_backup import render_signal_backup
        target.write_text(render_signal_backup(records, me="Maya"), encoding="utf-8")
    elif fmt == "slack":  # a folder: users.json, channels.json and a day file a day
        from tests.exporters.slack import render_slack
        for name, text in render_slack(records, name="jonah").items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_text(text, encoding="utf-8")
    elif fmt == "google_voice":  # Voice/Calls as Takeout writes it: a page for each stretch of texts
        from tests.exporters.google_voice import render_google_voice
        target.mkdir(parents=True, exist_ok=True)
        for start in range(0, len(records), 40):
            stretch = records[start:start + 40]
            page = f"Jonah - Text - {stretch[0].ts:%Y-%m-%dT%H_%M_%S}Z"
            (target / f"{page}.html").write_text(render_google_voice(stretch, me="Maya", page=page),
                                                         encoding="utf-8")
    elif fmt == "twitter_dm":
        from tests.exporters.twitter_dm import render_twitter_dm
        target.write_text(render_twitter_dm(records, me="Maya"), encoding="utf-8")
    elif fmt == "instagram_legacy":
        from tests.exporters.instagram_legacy import render_instagram_legacy
        target.write_text(render_instagram_legacy(records, participants=["Maya", "Jonah"]), encoding="utf-8")
    elif fmt == "messenger_legacy":
        from tests.exporters.messenger_legacy import render_messenger_legacy
        target.write_text(render_messenger_legacy(records, owner="Maya", others=["Jonah"]), encoding="utf-8")
    elif fmt == "groupme":
        from tests.exporters.groupme import render_groupme
        for name, text in render_groupme(records, title="Jonah", me="Maya").items():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            (target / name).write_text(text, encoding="utf-8")
    elif fmt == "convokit":
        from tests.exporters.convokit import render_convokit
        target.mkdir(parents=True, exist_ok=True)
        for name, text in render_convokit(records, title="Jonah").items():
            (target / name).write_text(text, encoding="utf-8")
    elif fmt == "irc":
        from tests.exporters.irc import render_irc
        target.write_text(render_irc(records), encoding="utf-8")
    elif fmt == "cornell_movies":
        from tests.exporters.cornell_movies import render_cornell_movies
        target.mkdir(parents=True, exist_ok=True)
        for name, data in render_cornell_movies(records, title="Jonah").items():
            (target / name).write_bytes(data)
    elif fmt == "whatsapp_db":  # the newer layout, with wa.db beside it for the names
        from tests.exporters.whatsapp_db import render_contacts, render_msgstore
        numbers = {"Maya": "447700900123", "Jonah": "447700900456"}
        render_msgstore(target, records, me="Maya", numbers=numbers)
        render_contacts(folder / "wa.db", {"Jonah": numbers["Jonah"]})
    elif fmt == "whatsapp_db_iphone":  # ChatStorage.sqlite, with ContactsV2.sqlite beside it
        from tests.exporters.whatsapp_db import render_chat_storage, render_contacts_v2
        numbers = {"Maya": "447700900123", "Jonah": "447700900456"}
        render_chat_storage(target, records, me="Maya", numbers=numbers)
        render_contacts_v2(folder / "ContactsV2.sqlite", {"Jonah": numbers["Jonah"]})
    elif fmt == "android_sms_db":  # SMS, photos as MMS, with contacts2.db beside it
        from tests.exporters.android_sms_db import render_contacts2, render_mmssms
        render_mmssms(records, target, me="Maya", numbers={"Jonah": "+447700900456"})
        render_contacts2(folder / "contacts2.db", {"Jonah": "+447700900456"})
    elif fmt == "skype_db":
        from tests.exporters.skype_db import render_main_db
        render_main_db(target, records, title="Jonah", me="Maya")
    elif fmt == "samsum":  # SAMSum's JSON: dialogues of 12 turns, each one cell of "Name: words" lines
        dialogues = [{"id": str(13800000 + k), "summary": "",
                      "dialogue": "\r\n".join(f"{r.author}: {' '.join(r.text.split())}" for r in records[k:k + 12])}
                     for k in range(0, len(records), 12)]
        target.write_text(json.dumps(dialogues, ensure_ascii=False, indent=1), encoding="utf-8")
    elif fmt == "twcs":  # Customer Support on Twitter: threads of 4 tweets, each replying to the one before
        import csv
        with target.open("w", encoding="utf-8", newline="") as fh:
            out = csv.writer(fh)
            out.writerow(["tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
                          "in_response_to_tweet_id"])
            for k, r in enumerate(records, start=1):
                first = (k - 1) % 4 == 0
                out.writerow([k, r.author, str(r.author == "Jonah"), r.ts.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                              r.text, "" if k % 4 == 0 else k + 1, "" if first else k - 1])
    else:
        from tests.exporters.element import render_element
        target.write_text(render_element(records, room="Jonah", me="Maya"), encoding="utf-8")
    return target


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)))
    parser.add_argument("--formats", default=",".join(FORMATS))
    args = parser.parse_args()
    print(f"{'format':>15} {'messages':>9} {'MB':>6} {'wall s':>7} {'cpu s':>6} {'msg/s':>9} {'peak RSS MB':>12}")
    for fmt in args.formats.split(","):
        for count in (int(size) for size in args.sizes.split(",")):
            # rendered in a process of its own: a child's peak memory counts its parent's at the fork
            render = f"import sys; sys.path.insert(0, {str(ROOT / 'benchmarks')!r}); import bench_formats as b; " \
                     f"print(b.export({fmt!r}, {count}))"
            path = Path(subprocess.run([sys.executable, "-c", render], check=True, capture_output=True,
                                       text=True).stdout.strip())
            size = sum(p.stat().st_size for p in path.parent.rglob("*") if p.is_file()) / 1e6
            out = subprocess.run([sys.executable, "-c", CHILD, str(path)], check=True, capture_output=True, text=True)
            run = json.loads(out.stdout)
            print(f"{fmt:>15} {run['messages']:>9,} {size:>6.1f} {run['wall']:>7.2f} {run['cpu']:>6.2f} "
                  f"{run['messages'] / run['cpu']:>9,.0f} {run['peak_mb']:>12,.0f}")


if __name__ == "__main__":
    main()
