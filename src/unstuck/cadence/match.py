"""Reading replies: parse a raw message, then find its deal. Pure.

A reply belongs to a deal when it answers a message Unstuck sent (its In-Reply-To or
References name a Message-ID stored on a step), or else when its sender is a stakeholder
of exactly one deal. A sender known on several deals is matched only if exactly one of
them has a running cadence; otherwise the message is reported, never guessed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Set
from dataclasses import dataclass
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

_ID = re.compile(r"<[^<>\s]+>")


@dataclass(frozen=True)
class Reply:
    message_id: str
    sender: str  # lower-case address
    subject: str
    at: datetime  # naive UTC
    refers_to: tuple[str, ...]  # In-Reply-To and References ids
    text: str


@dataclass(frozen=True)
class Malformed:
    key: str  # a stable key for the raw message (its Message-ID or a hash)
    reason: str


@dataclass(frozen=True)
class Match:
    deal: str
    stakeholder: str | None
    how: str  # "thread" or "sender"


@dataclass(frozen=True)
class NoMatch:
    reason: str


def raw_key(raw: bytes) -> str:
    return "sha256:" + hashlib.sha256(raw).hexdigest()[:32]


def parse_reply(raw: bytes) -> Reply | Malformed:
    """A message's headers and text, or why it cannot be read."""
    try:
        msg = message_from_bytes(raw, policy=policy.default)
    except Exception as exc:  # the parser is lenient; anything it raises means unusable
        return Malformed(raw_key(raw), f"cannot be parsed ({exc})")
    assert isinstance(msg, EmailMessage)
    try:
        return _reply(msg, raw)
    except (ValueError, TypeError, LookupError, AttributeError) as exc:
        return Malformed(_header(msg, "Message-ID") or raw_key(raw), str(exc))


def _header(msg: EmailMessage, name: str) -> str:
    try:
        value = msg.get(name)
    except (ValueError, TypeError, LookupError, AttributeError):
        return ""
    return str(value).strip() if value is not None else ""


def _reply(msg: EmailMessage, raw: bytes) -> Reply | Malformed:
    mid = _header(msg, "Message-ID")
    found = _ID.findall(mid)
    key = found[0] if found else raw_key(raw)
    senders = [addr for _, addr in getaddresses([_header(msg, "From")]) if "@" in addr]
    if not senders:
        return Malformed(key, "no sender address in From")
    date_text = _header(msg, "Date")
    if not date_text:
        return Malformed(key, "no Date header")
    try:
        when = parsedate_to_datetime(date_text)
    except (ValueError, TypeError):
        return Malformed(key, f"unreadable Date header {date_text!r}")
    if when.tzinfo is not None:
        when = when.astimezone(UTC).replace(tzinfo=None)
    refers = _ID.findall(_header(msg, "In-Reply-To")) + _ID.findall(_header(msg, "References"))
    return Reply(
        message_id=key,
        sender=senders[0].lower(),
        subject=_header(msg, "Subject"),
        at=when,
        refers_to=tuple(dict.fromkeys(refers)),
        text=_text(msg),
    )


def _text(msg: EmailMessage) -> str:
    part = msg.get_body(preferencelist=("plain",))
    if part is None:
        return ""
    content = part.get_content()
    return content.replace("\r\n", "\n") if isinstance(content, str) else ""


def first_words(text: str, limit: int = 200) -> str:
    """The reply's own words: quoted lines and the quote header dropped, one line."""
    kept = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith(">"):
            continue
        if stripped.startswith("On ") and stripped.endswith("wrote:"):
            break
        kept.append(stripped)
    flat = " ".join(" ".join(kept).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rsplit(" ", 1)[0] + "…"


def match_reply(
    reply: Reply,
    sent: Mapping[str, str],
    people: Mapping[str, list[tuple[str, str]]],
    running: Set[str],
) -> Match | NoMatch:
    """``sent``: Message-ID -> deal; ``people``: address -> [(deal, stakeholder id)];
    ``running``: deals with a running cadence."""
    for ref in reply.refers_to:
        if ref in sent:
            deal = sent[ref]
            who = next((s for d, s in people.get(reply.sender, []) if d == deal), None)
            return Match(deal, who, "thread")
    candidates = people.get(reply.sender, [])
    deals = sorted({d for d, _ in candidates})
    if not deals:
        return NoMatch(f"{reply.sender} is not a stakeholder of any deal")
    if len(deals) > 1:
        live = [d for d in deals if d in running]
        if len(live) != 1:
            return NoMatch(
                f"{reply.sender} is a stakeholder of several deals ({', '.join(deals)}); "
                "log it by hand with `unstuck log`"
            )
        deals = live
    who = next(s for d, s in candidates if d == deals[0])
    return Match(deals[0], who, "sender")


__all__ = [
    "Malformed",
    "Match",
    "NoMatch",
    "Reply",
    "first_words",
    "match_reply",
    "parse_reply",
    "raw_key",
]
