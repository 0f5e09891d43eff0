"""Fixtures of the cadence tests: a loaded database, and real mail servers on loopback.

SMTP is aiosmtpd's Controller in this process; IMAP is a private Dovecot instance with
its own configuration in a temporary folder (see /work/shared/notes/test-servers.md),
started once per test session, each test reading its own mailbox (its own user name).
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cadence_servers import DOVECOT, DOVECOT_CONF, ImapServer, Inbox, Mailbox, free_port, wait_for
from cadence_world import NOW, world

from unstuck.config import default_config
from unstuck.service import Unstuck
from unstuck.store import Store


@pytest.fixture
def loaded_db(db_url: str) -> str:
    """The database with the cadence world imported."""
    store = Store.open(db_url)
    try:
        with store.write() as tx:
            tx.import_deals(world(), NOW)
    finally:
        store.close()
    return db_url


@pytest.fixture
def app(loaded_db: str) -> Iterator[Unstuck]:
    application = Unstuck(default_config(), Store.open(loaded_db))
    yield application
    application.store.close()


# -- SMTP ---------------------------------------------------------------------------------


@pytest.fixture
def smtp_server() -> Iterator[tuple[int, Inbox]]:
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield port, inbox
    controller.stop()


# -- IMAP ---------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    if not Path(DOVECOT).exists() or os.geteuid() != 0:
        pytest.skip("needs Debian's dovecot-imapd and root (scripts/test-servers installs it)")
    # Dovecot's own users must reach the folder: a world-readable temp dir, not pytest's.
    tmp = Path(tempfile.mkdtemp(prefix="unstuck-imap-"))
    tmp.chmod(0o755)
    (tmp / "mail").mkdir()
    dovecot = pwd.getpwnam("dovecot")
    os.chown(tmp / "mail", dovecot.pw_uid, dovecot.pw_gid)
    port = free_port()
    conf = tmp / "dovecot.conf"
    conf.write_text(DOVECOT_CONF.format(tmp=tmp, port=port))
    subprocess.run(
        [DOVECOT, "-c", str(conf)],
        check=True,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(port)
        yield ImapServer(port)
    finally:
        subprocess.run(
            [DOVECOT, "-c", str(conf), "stop"],
            check=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(0.2)
        shutil.rmtree(tmp, ignore_errors=True)


@pytest.fixture
def mailbox(imap_server: ImapServer) -> Mailbox:
    return imap_server.mailbox()


@pytest.fixture
def mail_config(smtp_server: tuple[int, Inbox], mailbox: Mailbox) -> Callable[..., dict[str, str]]:
    """UNSTUCK_* variables pointing the mail settings at the loopback servers."""

    def make(**extra: str) -> dict[str, str]:
        env = {
            "UNSTUCK_MAIL_FROM": "Sam Lee <sam@example.com>",
            "UNSTUCK_MAIL_SMTP_HOST": "127.0.0.1",
            "UNSTUCK_MAIL_SMTP_PORT": str(smtp_server[0]),
            "UNSTUCK_MAIL_SMTP_SECURITY": "none",
            "UNSTUCK_MAIL_IMAP_HOST": "127.0.0.1",
            "UNSTUCK_MAIL_IMAP_PORT": str(mailbox.port),
            "UNSTUCK_MAIL_IMAP_SECURITY": "none",
            "UNSTUCK_MAIL_IMAP_USER": mailbox.user,
            "UNSTUCK_IMAP_PASSWORD": "secret",
            "UNSTUCK_MAIL_TIMEOUT": "5",
        }
        env.update(extra)
        return env

    return make
