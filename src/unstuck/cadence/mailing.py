"""Mail for cadence steps: draft an .eml, send by SMTP, read replies by IMAP.

The application layer over :mod:`unstuck.cadence.eml`, :mod:`unstuck.cadence.match` and
:mod:`unstuck.cadence.transport`. A step is marked done only after the SMTP server has
taken the message; a reply is logged once, as an inbound touch, which stops the cadence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from email.message import EmailMessage
from email.utils import parseaddr

from unstuck.cadence import state
from unstuck.cadence import transport as net
from unstuck.cadence.eml import Recipient, build_message, message_id
from unstuck.cadence.match import Malformed, Match, Reply, first_words, match_reply, parse_reply
from unstuck.cadence.model import Step, StepStatus
from unstuck.cadence.service import Cadences, DoneResult
from unstuck.domain import Channel, Deal, Direction, Touch
from unstuck.errors import ConflictError
from unstuck.store import cadences as db


@dataclass
class SyncReport:
    logged: list[dict[str, str]] = field(default_factory=list)
    unmatched: list[dict[str, str]] = field(default_factory=list)
    malformed: list[dict[str, str]] = field(default_factory=list)
    already_seen: int = 0
    still_unmatched: int = 0

    def to_dict(self) -> dict[str, object]:
        return {
            "logged": self.logged,
            "unmatched": self.unmatched,
            "malformed": self.malformed,
            "already_seen": self.already_seen,
            "still_unmatched": self.still_unmatched,
        }


@dataclass
class Mailer:
    cadences: Cadences
    settings: net.MailSettings

    def recipient(self, step: Step, deal: Deal) -> Recipient:
        person = deal.stakeholder(step.contact) if step.contact else None
        if person is None:
            person = next((p for p in deal.stakeholders if p.email), None)
        if person is None or not person.email:
            who = person.name if person else "nobody at the prospect"
            raise ConflictError(
                f"{who} has no email address on {deal.id}, so step {step.id} cannot be "
                f"mailed. Add one with `unstuck stakeholder {deal.id} ID --email ADDRESS`."
            )
        return Recipient(person.name, person.email)

    def draft(self, ref: str, now: datetime) -> EmailMessage:
        sender = self.settings.need_sender()
        step, deal = self.cadences.step(ref)
        if step.status is not StepStatus.PLANNED:
            raise ConflictError(f"step {step.id} is already {step.status}.")
        return build_message(step, self.recipient(step, deal), sender, now)

    def send(self, ref: str, now: datetime) -> tuple[EmailMessage, DoneResult]:
        """Send the step's email, then mark it done with the Message-ID of what was sent."""
        sender = self.settings.need_sender()
        server = self.settings.need("smtp")
        step, deal = self.cadences.step(ref)
        with self.cadences.app.store.read() as tx:
            cadence = db.cadence_of_step(tx, step.deal, step.seq)
        # Check the step can be done before anything leaves the machine.
        state.do_step(cadence, step.seq, now, self.cadences.revisit_days)
        msgid = message_id(step, now, sender)
        message = build_message(step, self.recipient(step, deal), sender, now, msgid)
        net.send(server, message)
        result = self.cadences.done(step.id, now, note="sent by email", message_id=msgid)
        return message, result

    def sync(self, now: datetime, since: date | None = None) -> SyncReport:
        server = self.settings.need("imap")
        raws = net.fetch(server, self.settings.folder, since)
        own = parseaddr(self.settings.sender or "")[1].lower()
        parsed = [parse_reply(raw) for raw in raws]
        report = SyncReport()
        store = self.cadences.app.store
        with store.write() as tx:
            keys = [p.message_id if isinstance(p, Reply) else p.key for p in parsed]
            seen = db.known_messages(tx, keys)
            sent = db.sent_message_ids(tx)
            people = db.stakeholder_addresses(tx)
            running = db.running_deals(tx)
            for item in parsed:
                if isinstance(item, Malformed):
                    if item.key not in seen:
                        report.malformed.append({"message": item.key, "reason": item.reason})
                        db.record_message(tx, item.key, "malformed", None, item.reason, now)
                        seen[item.key] = "malformed"
                    continue
                earlier = seen.get(item.message_id)
                if earlier in ("logged", "malformed") or (own and item.sender == own):
                    report.already_seen += earlier is not None
                    continue
                found = match_reply(item, sent, people, running)
                if isinstance(found, Match):
                    tx.log_touch(found.deal, _reply_touch(item, found))
                    db.record_message(tx, item.message_id, "logged", found.deal, found.how, now)
                    seen[item.message_id] = "logged"
                    report.logged.append(_entry(item, found.deal, found.how))
                elif earlier == "unmatched":
                    report.still_unmatched += 1
                else:
                    db.record_message(tx, item.message_id, "unmatched", None, found.reason, now)
                    seen[item.message_id] = "unmatched"
                    report.unmatched.append(_entry(item, None, found.reason))
        return report


def _reply_touch(reply: Reply, found: Match) -> Touch:
    words = first_words(reply.text)
    summary = f'Reply by email: "{reply.subject}"' + (f" — {words}" if words else "")
    people = (found.stakeholder,) if found.stakeholder else ()
    return Touch(reply.at, Direction.INBOUND, Channel.EMAIL, people, None, summary)


def _entry(reply: Reply, deal: str | None, how: str) -> dict[str, str]:
    return {
        "message_id": reply.message_id,
        "from": reply.sender,
        "subject": reply.subject,
        "date": reply.at.isoformat(),
        "deal": deal or "",
        "how" if deal else "reason": how,
    }


__all__ = ["Mailer", "SyncReport"]
