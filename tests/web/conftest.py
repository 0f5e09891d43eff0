"""The web test world: the sample pipeline, four people, and clients in both modes.

Sam and Priya are reps who own sample deals; Mia manages the team; Ada is the admin.
The app's clock is fixed at NOW so what the pages show does not depend on the day.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from web_world import NOW, PEOPLE, TestClient, login, make_client, password_hash

from unstuck.sample import generate_pipeline
from unstuck.store import Store
from unstuck.store import users as store_users


@pytest.fixture
def world(db_url: str, open_store: Callable[..., Store]) -> Store:
    """The sample pipeline (60 open deals, 140 closed) and the four users."""
    store = open_store(db_url)
    pipeline = generate_pipeline(NOW, seed=0)
    with store.write() as tx:
        tx.import_deals(pipeline.deals, NOW)
        for email, role in PEOPLE.items():
            name = email.split("@")[0].split(".")[0].title()
            store_users.add_user(
                tx.conn, email, name, role, password_hash(), f"feed-{name.lower()}", NOW
            )
    return store


@pytest.fixture
def local(world: Store) -> Iterator[TestClient]:
    with make_client(world) as client:
        yield client


@pytest.fixture
def team(world: Store) -> Iterator[Callable[[str | None], tuple[TestClient, str]]]:
    """``team(email)``: a team-mode client logged in as that person, and its CSRF token."""
    clients: list[TestClient] = []

    def make(email: str | None) -> tuple[TestClient, str]:
        client = make_client(world, "team")
        client.__enter__()
        clients.append(client)
        return client, (login(client, email) if email else "")

    yield make
    for client in clients:
        client.__exit__(None, None, None)
