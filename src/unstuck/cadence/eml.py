"""Building an RFC 5322 message from a cadence step. Pure: step, addresses and ``now`` in.

The Message-ID is derived from the step and the moment, so the same step mailed twice
gets two ids, and a reply's In-Reply-To leads back to the step and its deal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr

from unstuck.cadence.model import Step, StepChannel
from unstuck.errors import ConflictError, UsageError

_UNSAFE = re.compile(r"[^A-Za-z0-9.-]+")


@dataclass(frozen=True)
class Recipient:
    name: str
    email: str


def domain_of(address: str) -> str:
    _, addr = parseaddr(address)
    if "@" not in addr:
        raise UsageError(
            f"mail.from {address!r} is not an email address. Set it to the address your "
            "messages come from, e.g. 'Sam Lee <sam@example.com>'."
        )
    return addr.rsplit("@", 1)[1]


def message_id(step: Step, now: datetime, sender: str) -> str:
    deal = _UNSAFE.sub("-", step.deal).strip("-") or "deal"
    return f"<unstuck.{deal}.{step.seq}.{now:%Y%m%d%H%M%S}@{domain_of(sender)}>"


def build_message(
    step: Step, to: Recipient, sender: str, now: datetime, msgid: str | None = None
) -> EmailMessage:
    """The step's draft as a plain-text email ready to open in a mail client or send."""
    if step.channel is not StepChannel.EMAIL:
        raise ConflictError(
            f"step {step.id} is a {step.channel.label.lower()}, not an email: do it yourself "
            f"and record it with `unstuck done {step.id}`."
        )
    name, addr = parseaddr(sender)
    message = EmailMessage()
    message["From"] = str(Address(display_name=name, addr_spec=addr)) if name else addr
    message["To"] = str(Address(display_name=to.name, addr_spec=to.email))
    message["Subject"] = step.subject or step.title
    message["Date"] = format_datetime(now.replace(tzinfo=UTC))
    message["Message-ID"] = msgid or message_id(step, now, sender)
    message["X-Unstuck-Step"] = step.id
    message.set_content(step.draft)
    return message


__all__ = ["Recipient", "build_message", "domain_of", "message_id"]
