"""Facebook Messenger and Instagram direct messages from Meta's "Download your information" (JSON).

Both apps use one layout: ``messages/inbox/<name>_<id>/message_1.json``, ``message_2.json``,
... hold one conversation split across files (Instagram puts the inbox under
``your_instagram_activity/``). Two importers read it: ``messenger`` and ``instagram``; they
differ only in name, so a conversation records which app it came from. Detection picks
``instagram`` when the path or the media URIs mention Instagram, else ``messenger``; the user
can name either format to override that.

Given ``message_1.json`` we read every ``message_N.json`` beside it and merge them; given
``message_N.json`` (N > 1) next to a ``message_1.json`` we yield nothing, since the first
file already brings it in. Meta writes messages newest first; we reverse them and number
messages chronologically, so `index` 0 is the oldest message of the whole conversation.
``timestamp_ms`` (milliseconds since 1970, UTC) becomes naive local time of this computer, as
`datetime.fromtimestamp` gives it.

A file trimmed to its ``messages`` (no ``participants`` nor ``title``, as other tools' samples
are) is read too, titled by its senders.

Meta writes UTF-8 bytes as if each were a Latin-1 character ("Ã©" for "é"); `repair_mojibake`
undoes that for every string we keep. Calls and people joining or leaving are `SystemEvent`s
(Messenger types them, or not; Instagram writes "Jo joined the group." with a ``users`` list
and no type; group, poll, nickname and call notices written as if someone said them are known
by their words: `GROUP_NOTICES`, `CALL_NOTICES`); an unsent message is DELETED. A shared link
whose words are only "You sent an attachment." reads as the link.

Reactions are not messages: Meta lists them on the message they answer, as
``"reactions": [{"reaction": "\\u00e2\\u009d\\u00a4", "actor": "Zo\\u00c3\\u00ab Adeyemi"}]``, emoji
and name mojibake like everything else; newer files (2024 and 2025 ones) add ``"timestamp":
1718368145`` to each, in *seconds* since 1970 (UTC) where messages have milliseconds. Every
entry becomes a `Reaction` in the listed order: its author is the actor named exactly as message
authors are (repaired; a missing or empty actor is the deleted-account label, as a missing
``sender_name`` is), its emoji is repaired, and its time is this computer's local time, like
message times, or None when the entry has none (a value of 10^11 or more is read as
milliseconds, in case a file writes them like message times). ``reactions`` may be absent or
null; anything else that is not a list of such entries, a missing emoji, or a time that is not a
whole number is an `ImportFormatError` naming the JSON path (``messages[3].reactions[0].actor``).
Meta also writes a notice as a message of its own when someone reacts ("Reacted 😢 to your
message ", trailing space included, or Instagram's "Liked a message"): those are `SystemEvent`s,
and reactions listed on anything that becomes a `SystemEvent` are dropped with it.
Where we looked (third-party code and samples, not Meta documentation): the ``{"reaction",
"actor"}`` shape in the schema dump of bepaald/signalbackup-tools issue #331 (2025) and in
kenn-io/msgvault's importer (internal/fbmessenger/json_parser.go); the seconds ``timestamp`` in
pasted 2024 and 2025 exports found by the code search (a reaction stamped 1718368145 next to its
"Reacted ... to your message " notice stamped 1718368145728 ms).

End-to-end encrypted chats (Messenger's default since December 2023) are not in this export;
Messenger's own "message storage" download holds them in another layout, which
`turntoward.ingest.messenger_e2ee` reads.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime

from turntoward.errors import UnknownFormatError
from turntoward.ingest._clock import local_time
from turntoward.ingest._json_doc import JsonDoc, JsonObject, child, describe, load_json, looks_like_json_object
from turntoward.ingest._registry import ImportOptions, register
from turntoward.ingest._sources import Source, export_pages
from turntoward.model import Conversation, Message, MessageKind, Reaction, SystemEvent

PAGE_NAME = re.compile(r"message_(\d+)\.json")
# Attachment fields and what stands in for them when the message has no words.
MEDIA_PLACEHOLDERS: dict[str, str] = {
    "photos": "<photo>",
    "videos": "<video>",
    "gifs": "<GIF>",
    "audio_files": "<audio>",
    "files": "<file>",
    "sticker": "<sticker>",
}
SYSTEM_TYPES = frozenset({"Call", "Subscribe", "Unsubscribe"})
# Notices Meta writes as messages when someone reacts (Instagram's double-tap heart, mostly);
# reactions are not messages, so these become system events.
# They are written in the reactor's language, whatever the exporter's (Italian and Tagalog ones
# turn up in English exports).
REACTION_NOTICES = re.compile(
    r"(?:\S+ )?[Ll]iked a message|(?:\S.*\s)?[Rr]eacted [^\w\s]+ to (?:your|a) message"
    r"|Reagiu com (?:[^\w\s]+|emoji) (?:à )?sua mensagem"  # Portuguese, as seen (with "emoji" spelled out too)
    r"|Curtiu uma mensagem"  # Portuguese "Liked a message", as seen
    r"|Ha aggiunto la reazione [^\w\s]+ al tuo messaggio"  # Italian
    r"|Nag-react ng [^\w\s]+ sa iyong message(?: na)?|Nag-like ng message"  # Tagalog
    r"|Đã bày tỏ cảm xúc [^\w\s]+ về tin nhắn của bạn"  # Vietnamese
    r"|對你的訊息「.{0,200}」傳達了 ?[^\w\s]+ ?心情",  # Chinese (Taiwan)
    re.DOTALL,
)
REACTION_NOTICE_MAX = 260
"""The longest text `REACTION_NOTICES` is tried on."""
# Notices Meta writes as if someone said them, in the forms seen in real exports of other
# projects (English, French, Portuguese; Vietnamese chat settings). They open with who did it:
# "You", or a name or a nickname (Meta uses both: "#1 Avocado Buisness named the group ..."), so a
# word that is not lower-case; and they end with a full stop, so "she named the group after her
# cat" stays words.
# Not a name: how people start their own sentences ("I created the group.", "Sorry I missed your call.").
_NOT_A_NAME = (r"(?!(?:I|I'm|I've|We|She|He|They|It|Sorry|Oh|Ok|Okay|Yes|Yeah|No|So|And|But|Just|Also|Lol"
               r"|Haha|Omg|Did|Have|Has|Why|When|Who|Someone|Somebody|Everyone|Nobody|Je|J'ai|Eu)\b)")
# Meta's own actors too: "A contact" (someone who left Facebook) and a nickname spelt out ("A  l  e  x").
_ACTOR = rf"(?:A contact|\S(?: {{1,2}}\S){{2,30}}|{_NOT_A_NAME}(?![a-z])\S+(?: (?![a-z])\S+){{0,5}})"
_ANYONE = r"(?:\S+(?: \S+){0,5})"  # before Meta's own term, "bate-papo de vídeo" (a username may be lower-case)
# Whoever, before a phrase only Meta writes ("joined the video chat.", "sent an attachment."): a
# lower-case username ("sudharsan"), a nickname spelt out ("J u l i a n a"), or "A contact".
_SOMEONE = rf"(?:{_NOT_A_NAME.replace('(?!(?:', '(?!(?i:', 1)}[^\n]{{1,60}})"  # "oh i joined the call." is words
# Either, before Meta's wording of a setting changed ("… set the emoji to 🔥."): a name, "A contact", a
# nickname spelt out ("I n e s", which `_SOMEONE` takes for "I") or in lower case ("big spoon").
_SETTER = rf"(?:{_ACTOR}|{_SOMEONE})"
# Where a phrase only Meta writes follows, the actor may be any display name, lower-case ones too
# ("margin minimalist named the group …", "l botti removed … from the group."), and a name given
# with "!" or "?" at its end gets no full stop after it (all seen in real exports).
_END = r"(?:\.|(?<=[!?]))"
GROUP_NOTICES = re.compile(
    rf"{_ACTOR} created the group\."
    rf"|{_SETTER} (?:joined|left) the group\.?"
    rf"|{_SETTER} (?:added|removed) .{{1,120}} (?:to|from) the group\."
    rf"|{_SETTER} (?:added|removed) .{{1,120}} as a group admin\."
    rf"|{_SETTER} named the group .{{1,200}}{_END}|{_SETTER} removed the group name\."
    rf"|{_SETTER} (?:changed|removed) the group photo\."
    rf"|{_SETTER} turned (?:on|off) member approval[^\n]{{0,120}}\."
    rf"|{_SETTER} created a poll: .{{1,300}}"
    rf"|{_SETTER} changed the (?:chat )?theme(?: to [^\n]{{1,80}})?\."
    rf"|{_SOMEONE} changed the theme to [^\n]{{1,80}}"  # Instagram: "… changed the theme to Monochrome" (seen)
    rf"|A contact (?:set your nickname to [^\n]{{1,120}}|changed the theme to [^\n]{{1,80}})"
    rf"|{_SOMEONE} (?:pinned|unpinned) a message\."
    rf"|{_SOMEONE} (?:is waving at you|waved at you)!"
    r"|Say hi to your new Facebook friend [^\n]{1,80}\.?"
    r"|Dites bonjour à votre nouvel(?:le)? ami(?:e)? Facebook [^\n]{1,80}\.?"
    rf"|{_SETTER} set (?:the|his|her|their|your) (?:own )?(?:emoji|quick reaction) to [^\n]{{1,40}}\."
    rf"|{_ACTOR} has taken your quiz\. Find out their score!"  # a quiz game's notice (seen)
    rf"|{_SETTER} (?:set|cleared) (?:his|her|their|your) (?:own )?nickname(?: to [^\n]{{1,120}})?{_END}"
    rf"|{_SETTER} (?:set|cleared) the nickname for [^\n]{{1,120}}{_END}"
    rf"|{_ACTOR} (?:voted for|changed (?:his|her|their|your) vote to) \".{{1,200}}\""
    rf"(?: and \d+ other options?)? in the poll: .{{0,200}}"
    rf"|{_ACTOR}'s poll has (?:multiple )?updates?\.|This poll is no longer available\.?"
    rf"|{_ACTOR} responded"  # to a plan or an event, as Meta writes it: "#1 Workaholic responded "
    # Vietnamese, as seen: emoji, theme, nicknames ("Vợ yêu" is a nickname: its second word is lower-case)
    rf"|{_ANYONE} đã đặt biểu tượng cảm xúc thành .{{1,40}}\."
    rf"|{_ANYONE} đã thay đổi màu sắc chủ đề của đoạn chat thành .{{1,80}}\."
    rf"|{_ANYONE} đã đặt biệt danh (?:cho .{{1,120}}|của mình) là .{{1,120}}\."
    rf"|{_ANYONE} đã xóa biệt danh của .{{1,120}}\."
    rf"|{_SOMEONE} đã đặt cảm xúc nhanh thành [^\n]{{1,40}}\.|{_SOMEONE} đã đổi chủ đề thành [^\n]{{1,80}}\."
    rf"|Một người liên hệ đã đặt biệt danh của bạn là [^\n]{{1,120}}|Bạn đã xóa biệt danh cho người tham gia\.",
    re.DOTALL,
)
# Calls, where a newer export gives no "type": Call (a "call_duration" always says it).
CALL_NOTICES = re.compile(
    rf"The (?:video )?(?:call|chat) ended\.|{_ACTOR} (?:started|joined) (?:a |the )?(?:video )?(?:call|chat)\."
    # Instagram's, without a full stop; spelt-out nicknames and usernames joining (all seen)
    rf"|(?:Audio|Video) (?:call|chat) ended|{_SOMEONE} started (?:a|an) (?:video chat|audio call|video call)"
    rf"|{_SOMEONE} joined the (?:call|video chat|audio call)\."
    rf"|{_SOMEONE} started sharing (?:video|(?:the |their )?screen)\."
    rf"|You missed a (?:video chat|call|video call) from [^\n]{{1,80}}\."
    rf"|{_ACTOR} missed (?:your|a) (?:video )?call(?: with .{{1,80}})?\."
    rf"|{_ACTOR} a manqué votre (?:appel|discussion vidéo)\.|Vous avez (?:manqué|reçu) un appel de .{{1,80}}\."
    rf"|Vous avez appelé .{{1,80}}\.|{_ANYONE} (?:perdeu|iniciou) um bate-papo de vídeo\.?"
    r"|O bate-papo de vídeo terminou\.?",
    re.DOTALL,
)
# "X sent an attachment." stands in for a shared link's words: the link is the message.
ATTACHMENT_NOTICES = re.compile(
    rf"{_SOMEONE} sent an attachment\.|{_SOMEONE} a envoyé une pièce jointe\.|Vous avez envoyé une pièce jointe\."
    rf"|{_SOMEONE} sent a (?:live )?location\."
    rf"|{_SOMEONE} a envoyé (?:un lien|une position actuelle)\."  # French: a link, a location (seen)
    rf"|(?:Você|{_ACTOR}) enviou um anexo\.|{_ANYONE} đã gửi một (?:file đính kèm|liên kết|nhóm)\."
)
UNSUPPORTED = "<unsupported message>"
STICKER_REACTION = "<sticker>"
"""The reaction of someone who reacted with a sticker or a picture rather than an emoji: Instagram writes
``{"reaction": "", "sticker_reaction": {"uri": "…/photos/….jpg"}, "actor": …}`` (seen in a 2026 export)."""
# Reaction times are seconds since 1970; a value this large could only be milliseconds (1973 on).
MILLISECONDS_FROM = 10**11


def repair_mojibake(text: str) -> str:
    """Undo Meta's Latin-1 reading of UTF-8 ("cafÃ©" -> "café"); text that is not mojibake stays.

    A string that mixes both (a file someone opened and saved again, partly repaired: "bună Ã®n"
    with its "ă" whole) is repaired run by run: each run of characters U+0080-U+00FF that reads as
    UTF-8 is turned back, and the rest stays as it is."""
    if text.isascii():
        return text
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return _LATIN1_RUN.sub(_repaired_run, text)


_LATIN1_RUN = re.compile("[\u0080-\u00ff]{2,}")


def _repaired_run(run: re.Match[str]) -> str:
    try:
        return run[0].encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return run[0]


@dataclass(frozen=True)
class MetaInboxImporter:
    """Reads one Messenger or Instagram conversation (all its message_N.json files)."""

    name: str
    description: str
    unknown_sender: str
    """Meta's label for a sender whose account is gone."""

    def sniff(self, source: Source, head: bytes) -> float:
        if not looks_like_json_object(head):
            return 0.0
        is_page = PAGE_NAME.fullmatch(source.filename) is not None
        if b'"participants"' in head and (b'"sender_name"' in head or b'"timestamp_ms"' in head):
            score = 0.9
        elif is_page and b'"participants"' in head:
            score = 0.6
        elif b'"messages"' in head and b'"sender_name"' in head and b'"timestamp_ms"' in head:
            score = 0.7  # a file trimmed to its messages (other tools' samples are)
        else:
            return 0.0
        mentions_instagram = from_instagram(source, head)
        if self.name == "instagram":
            return score + 0.05 if mentions_instagram else 0.0
        return score

    def parse(self, source: Source, options: ImportOptions) -> Iterator[Conversation]:
        page = PAGE_NAME.fullmatch(source.filename)
        number = int(page[1]) if page else 0
        pages = export_pages(source, number, lambda n: f"message_{n}.json")
        if not pages:
            return  # message_1.json brings this file in

        newest_first: list[tuple[datetime, JsonObject, JsonDoc, str]] = []
        header: JsonObject = {}
        for i, page_source in enumerate(pages):
            doc = JsonDoc(page_source)
            root = doc.obj(load_json(page_source), "")
            if "messages" not in root or ("participants" not in root and not _has_senders(root)):
                expected = f"a {self.description}: an object with 'participants' and 'messages'"
                if i == 0 and "messages" not in root:
                    # Another file of Meta's download that holds messages further in, such as the
                    # chats the user reported ({"reported_conversations_v2": [{"messages": ...}]},
                    # beside inbox/): not a chat to read, so a folder import passes over it.
                    raise UnknownFormatError(page_source.name, expected, json_path="$", found=describe(root))
                doc.fail("", expected, root)
            if i == 0:
                header = root
            for j, raw in enumerate(doc.field_list(root, "messages", "")):
                at = f"messages[{j}]"
                entry = doc.obj(raw, at)
                newest_first.append((_timestamp(doc, entry, at), entry, doc, at))
        newest_first.reverse()
        # Meta's order is newest first, but a stable sort guards against files merged out of order.
        newest_first.sort(key=lambda item: item[0])
        yield self._conversation(JsonDoc(source), header, newest_first, options)

    def _conversation(
        self,
        doc: JsonDoc,
        header: JsonObject,
        entries: list[tuple[datetime, JsonObject, JsonDoc, str]],
        options: ImportOptions,
    ) -> Conversation:
        names = []
        for k, raw in enumerate(doc.field_list(header, "participants", "", optional=True)):
            person = doc.obj(raw, f"participants[{k}]")
            names.append(repair_mojibake(doc.field_str(person, "name", f"participants[{k}]")))
        title = doc.optional_str(header, "title", "")
        messages: list[Message] = []
        events: list[SystemEvent] = []
        for ts, entry, page_doc, at in entries:
            author = page_doc.optional_str(entry, "sender_name", at)
            author = repair_mojibake(author) if author else self.unknown_sender
            entry_type = page_doc.optional_str(entry, "type", at)
            content = repair_mojibake(page_doc.optional_str(entry, "content", at) or "")
            notice = content.rstrip()  # Meta ends its "Reacted ... to your message " with a space
            is_reaction = len(notice) <= REACTION_NOTICE_MAX and REACTION_NOTICES.fullmatch(notice)
            # a join notice lists who joined under "users" (Messenger also types it "Subscribe")
            is_notice = ("users" in entry and notice and not entry_type) or (
                len(notice) < 400 and (GROUP_NOTICES.fullmatch(notice) or CALL_NOTICES.fullmatch(notice)))
            if entry_type in SYSTEM_TYPES or "call_duration" in entry or is_reaction or is_notice:
                events.append(SystemEvent(ts, content or _call_text(page_doc, entry, at), author))
                continue
            kind, text = _kind_and_text(page_doc, entry, at, content)
            reactions = read_reactions(page_doc, entry, at, self.unknown_sender, repair_mojibake)
            messages.append(
                Message(index=len(messages), ts=ts, author=author, text=text, kind=kind, reactions=reactions)
            )
        names = names or [m.author for m in messages if m.author != self.unknown_sender]
        return Conversation(
            source=doc.source.name,
            source_format=self.name,
            title=repair_mojibake(title) if title else ", ".join(dict.fromkeys(names)),
            messages=messages,
            system_events=events,
            chat_id=doc.optional_str(header, "thread_path", ""),
            me=options.me,
        )


def from_instagram(source: Source, head: bytes) -> bool:
    """Whether the file is from Instagram: its path or media URIs say so, unless they say Facebook
    (``your_facebook_activity``, a ``facebook-sam-2024-…`` download) where a folder the user named
    mentions Instagram ("my_instagram_and_fb_backups/facebook-leo/…")."""
    name = source.name.replace("\\", "/").lower()
    if "your_facebook_activity" in name or b"your_facebook_activity" in head:
        return False
    if any(part.startswith("facebook-") for part in name.split("/")):
        return False
    return "instagram" in name or b"your_instagram_activity" in head


def _has_senders(root: JsonObject) -> bool:
    """Whether a file without ``participants`` still holds Meta's messages (a trimmed sample)."""
    entries = root.get("messages")
    return isinstance(entries, list) and any(isinstance(e, dict) and "sender_name" in e for e in entries)


def _timestamp(doc: JsonDoc, entry: JsonObject, at: str, key: str = "timestamp_ms") -> datetime:
    """The message's time in milliseconds since 1970 (UTC) at `key`, as naive local time."""
    value = entry.get(key)
    if isinstance(value, int) and not isinstance(value, bool):
        moment = local_time(value)
        if moment is not None:
            return moment
    doc.fail(child(at, key), "a time in milliseconds since 1970", value)


def read_reactions(
    doc: JsonDoc, entry: JsonObject, at: str, unknown_sender: str, repair: Callable[[str], str]
) -> tuple[Reaction, ...]:
    """The reactions listed on the message `entry` at `at`, in the file's order.

    Shared by both of Meta's layouts (``{"reaction": emoji, "actor": name}``, maybe with a
    ``timestamp``): `repair` is applied to the actor and the emoji as the importer applies it to
    message text and authors, and a missing or empty actor is `unknown_sender`, as a message
    without a sender is.
    """
    found = []
    for k, raw in enumerate(doc.field_list(entry, "reactions", at, optional=True)):
        where = f"{child(at, 'reactions')}[{k}]"
        item = doc.obj(raw, where)
        actor = doc.optional_str(item, "actor", where)
        emoji = item.get("reaction")
        if emoji == "" and isinstance(item.get("sticker_reaction"), dict):
            emoji = STICKER_REACTION  # a sticker or picture given as a reaction (Instagram, 2026)
        if not isinstance(emoji, str) or not emoji:
            if "reaction" not in item:
                doc.fail(child(where, "reaction"), "an emoji (a non-empty string)")
            doc.fail(child(where, "reaction"), "an emoji (a non-empty string)", emoji)
        author = repair(actor) if actor else unknown_sender
        found.append(Reaction(author, repair(emoji), _reaction_time(doc, item, where)))
    return tuple(found)


def _reaction_time(doc: JsonDoc, item: JsonObject, where: str) -> datetime | None:
    """When the reaction was given, if the entry says: seconds since 1970 (UTC) as local time."""
    value = item.get("timestamp")
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        moment = local_time(value if value >= MILLISECONDS_FROM else value * 1000)
        if moment is not None:
            return moment
    doc.fail(child(where, "timestamp"), "a time in seconds since 1970", value)


def _kind_and_text(doc: JsonDoc, entry: JsonObject, at: str, content: str) -> tuple[MessageKind, str]:
    if entry.get("is_unsent") is True:
        return MessageKind.DELETED, ""
    for key, placeholder in MEDIA_PLACEHOLDERS.items():
        if entry.get(key):
            return MessageKind.MEDIA, content or placeholder
    if content and ATTACHMENT_NOTICES.fullmatch(content):  # the notice stands in for what was sent
        share = doc.field_obj(entry, "share", at) if entry.get("share") is not None else None
        link = doc.optional_str(share, "link", child(at, "share")) if share is not None else None
        return (MessageKind.TEXT, repair_mojibake(link)) if link else (MessageKind.MEDIA, content)
    if content:
        return MessageKind.TEXT, content
    if entry.get("share") is not None:
        share = doc.field_obj(entry, "share", at)
        link = doc.optional_str(share, "link", child(at, "share"))
        if link:
            return MessageKind.TEXT, repair_mojibake(link)
    return MessageKind.MEDIA, UNSUPPORTED


def _call_text(doc: JsonDoc, entry: JsonObject, at: str) -> str:
    duration = doc.optional_int(entry, "call_duration", at)
    return "call" if duration is None else f"call ({duration} s)"


register(
    MetaInboxImporter(
        name="messenger",
        description="Facebook Messenger JSON export (message_1.json)",
        unknown_sender="Facebook User",
    )
)
register(
    MetaInboxImporter(
        name="instagram",
        description="Instagram direct messages JSON export (message_1.json)",
        unknown_sender="Instagram User",
    )
)
