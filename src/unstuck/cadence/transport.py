"""Talking to mail servers: SMTP to send, IMAP to read. The only network code here.

Settings come from :class:`MailSettings` (built from the ``mail.*`` settings); passwords
come from an environment variable or a file, never from the database. Every failure is
turned into a :class:`MailError` that says which server, what happened and what to check.
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import smtplib
import socket
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from unstuck.config import Config
from unstuck.errors import ConfigError, UnstuckError

SECURITY = ("starttls", "tls", "none")


class MailError(UnstuckError):
    """The mail server could not be reached or refused: nothing was marked as sent."""

    exit_code = 2


@dataclass(frozen=True)
class Server:
    kind: str  # "SMTP" or "IMAP"
    host: str
    port: int
    security: str
    user: str | None
    password: str | None
    timeout: float

    @property
    def where(self) -> str:
        return f"{self.kind} server {self.host}:{self.port}"


@dataclass(frozen=True)
class MailSettings:
    sender: str | None
    smtp: Server | None
    imap: Server | None
    folder: str

    @classmethod
    def from_config(cls, config: Config, environ: Mapping[str, str] | None = None) -> MailSettings:
        env = os.environ if environ is None else environ
        return cls(
            sender=config.str_("mail.from"),
            smtp=_server(config, env, "smtp", "SMTP"),
            imap=_server(config, env, "imap", "IMAP"),
            folder=config.str_("mail.imap_folder") or "INBOX",
        )

    def need_sender(self) -> str:
        if not self.sender:
            raise ConfigError(
                "mail.from is not set. Set it to your address, e.g. in unstuck.toml: "
                "[mail] from = 'Sam Lee <sam@example.com>'."
            )
        return self.sender

    def need(self, kind: str) -> Server:
        server = self.smtp if kind == "smtp" else self.imap
        if server is None:
            raise ConfigError(
                f"mail.{kind}_host is not set, so Unstuck does not know where to "
                f"{'send' if kind == 'smtp' else 'read'} mail. Set it in unstuck.toml "
                f"([mail] {kind}_host = ...) or UNSTUCK_MAIL_{kind.upper()}_HOST."
            )
        return server


def _server(config: Config, env: Mapping[str, str], kind: str, label: str) -> Server | None:
    host = config.str_(f"mail.{kind}_host")
    if not host:
        return None
    security = (config.str_(f"mail.{kind}_security") or "").lower()
    if security not in SECURITY:
        raise ConfigError(f"mail.{kind}_security = {security!r}: use one of {', '.join(SECURITY)}.")
    user = config.str_(f"mail.{kind}_user")
    password = None
    if user:
        password = _password(config, env, kind)
    return Server(
        label,
        host,
        config.int_(f"mail.{kind}_port"),
        security,
        user,
        password,
        config.float_("mail.timeout"),
    )


def _password(config: Config, env: Mapping[str, str], kind: str) -> str:
    variable = config.str_(f"mail.{kind}_password_env")
    if variable and env.get(variable):
        return env[variable]
    file = config.str_(f"mail.{kind}_password_file")
    if file:
        path = Path(file).expanduser()
        try:
            return path.read_text(encoding="utf-8").splitlines()[0].strip()
        except (OSError, IndexError):
            raise ConfigError(
                f"mail.{kind}_password_file {str(path)!r} cannot be read or is empty."
            ) from None
    raise ConfigError(
        f"mail.{kind}_user is set but no password was found: set the environment variable "
        f"{variable or f'named by mail.{kind}_password_env'} or point "
        f"mail.{kind}_password_file at a file holding it."
    )


def _reason(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode(errors="replace") if isinstance(exc.smtp_error, bytes) else ""
        return f"{exc.smtp_code} {text}".strip()
    if isinstance(exc, socket.timeout | TimeoutError):
        return "no answer in time"
    return str(exc) or exc.__class__.__name__


def send(server: Server, message: EmailMessage) -> None:
    """Hand the message to the SMTP server; raises :class:`MailError` when it is not taken."""
    try:
        if server.security == "tls":
            context = ssl.create_default_context()
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                server.host, server.port, timeout=server.timeout, context=context
            )
        else:
            client = smtplib.SMTP(server.host, server.port, timeout=server.timeout)
        with client:
            if server.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if server.user:
                client.login(server.user, server.password or "")
            refused = client.send_message(message)
    except (OSError, smtplib.SMTPException) as exc:
        raise MailError(
            f"could not send through {server.where}: {_reason(exc)}. Nothing was marked as "
            "sent. Check mail.smtp_host, mail.smtp_port, mail.smtp_security and the login."
        ) from None
    if refused:
        raise MailError(
            f"{server.where} refused the recipients {', '.join(sorted(refused))}. "
            "Nothing was marked as sent."
        )


def fetch(server: Server, folder: str, since: date | None = None) -> list[bytes]:
    """Every message in ``folder`` (received on or after ``since``), raw."""
    try:
        if server.security == "tls":
            client: imaplib.IMAP4 = imaplib.IMAP4_SSL(
                server.host,
                server.port,
                ssl_context=ssl.create_default_context(),
                timeout=server.timeout,
            )
        else:
            client = imaplib.IMAP4(server.host, server.port, timeout=server.timeout)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailError(
            f"could not reach {server.where}: {_reason(exc)}. Check mail.imap_host, "
            "mail.imap_port and mail.imap_security."
        ) from None
    try:
        return _read(client, server, folder, since)
    except (OSError, imaplib.IMAP4.error) as exc:
        raise MailError(f"{server.where}: {_reason(exc)}. Nothing was logged.") from None
    finally:
        with contextlib.suppress(OSError, imaplib.IMAP4.error):
            client.logout()


def _read(client: imaplib.IMAP4, server: Server, folder: str, since: date | None) -> list[bytes]:
    if server.security == "starttls":
        client.starttls(ssl.create_default_context())
    if server.user:
        client.login(server.user, server.password or "")
    status, _ = client.select(_quote(folder), readonly=True)
    if status != "OK":
        raise imaplib.IMAP4.error(f"no folder {folder!r} (mail.imap_folder)")
    criteria = f"SINCE {since.strftime('%d-%b-%Y')}" if since else "ALL"
    status, data = client.uid("SEARCH", criteria)
    if status != "OK":
        raise imaplib.IMAP4.error(f"search failed: {data!r}")
    out: list[bytes] = []
    for uid in (data[0] or b"").split():
        status, parts = client.uid("FETCH", uid.decode(), "(BODY.PEEK[])")
        if status != "OK":
            continue
        for part in parts:
            if isinstance(part, tuple) and len(part) == 2:
                out.append(bytes(part[1]))
    return out


def _quote(folder: str) -> str:
    return folder if folder.isalnum() else '"' + folder.replace('"', '\\"') + '"'


__all__ = ["MailError", "MailSettings", "Server", "fetch", "send"]
