"""Helpers of the web test world (fixtures are in conftest.py)."""

from __future__ import annotations

import re
import warnings
from datetime import datetime
from typing import Any

from unstuck.config import default_config
from unstuck.store import Store
from unstuck.store import users as store_users
from unstuck.store.users import UserRole

with warnings.catch_warnings():
    # Starlette's test client warns when it runs on httpx rather than httpx2.
    warnings.simplefilter("ignore")
    from fastapi.testclient import TestClient

NOW = datetime(2026, 11, 20, 12, 0)
AS_OF = "2026-11-20"
SECRET = "test-secret-key-that-is-long-enough"
PASSWORD = "correct horse battery"
SAM = "sam.ortiz@example.com"
PRIYA = "priya.nair@example.com"
MIA = "mia@example.com"
ADA = "ada@example.com"
PEOPLE = {SAM: UserRole.REP, PRIYA: UserRole.REP, MIA: UserRole.MANAGER, ADA: UserRole.ADMIN}

_HASH: dict[str, str] = {}


def password_hash() -> str:
    from unstuck.web import security

    if "hash" not in _HASH:
        _HASH["hash"] = security.hash_password(PASSWORD)
    return _HASH["hash"]


def deal_of(store: Store, owner: str) -> str:
    with store.read() as tx:
        rows = tx.deal_rows(owner=owner)
    return sorted(r.id for r in rows if r.status.value == "open")[0]


def make_client(store: Store, mode: str = "local", **settings: Any) -> TestClient:
    from unstuck.web import create_app

    config = default_config().with_values(**settings) if settings else default_config()
    app = create_app(config, store, auth_mode=mode, secret_key=SECRET)
    app.state.web.clock = lambda: NOW
    return TestClient(app, base_url="http://testserver")


CSRF = re.compile(r'data-csrf="([^"]*)"')


def csrf_of(html: str) -> str:
    found = CSRF.search(html)
    assert found, "the page carries no CSRF token"
    return found.group(1)


def login(client: TestClient, email: str, password: str = PASSWORD) -> str:
    """Logs in through the form; returns the session's CSRF token."""
    form = client.get("/login")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text)
    assert token
    done = client.post(
        "/login",
        data={"email": email, "password": password, "csrf": token.group(1), "next": "/board"},
        follow_redirects=False,
    )
    assert done.status_code == 303, done.text
    return csrf_of(client.get(f"/board?as_of={AS_OF}").text)


def api_token(store: Store, email: str, name: str = "script") -> str:
    from unstuck.web import security

    token = security.new_token(security.TOKEN_PREFIX)
    with store.write() as tx:
        store_users.create_token(tx.conn, security.token_hash(token), email, name, NOW)
    return token
