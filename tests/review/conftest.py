"""Fixtures of the review tests: the sample pipeline in memory (pure core) or imported
into a fresh database (commands)."""

from __future__ import annotations

import pytest
from review_world import NOW, review_of

from unstuck.config import default_config
from unstuck.domain import Deal
from unstuck.review import Review
from unstuck.sample import generate_pipeline
from unstuck.service import Unstuck
from unstuck.store import Store


@pytest.fixture(scope="session")
def sample_deals() -> tuple[list[Deal], list[Deal]]:
    deals = list(generate_pipeline(NOW, seed=0).deals)
    return [d for d in deals if d.is_open], [d for d in deals if not d.is_open]


@pytest.fixture(scope="session")
def sample_review(sample_deals: tuple[list[Deal], list[Deal]]) -> Review:
    return review_of(*sample_deals)


@pytest.fixture
def sample_db(db_url: str) -> str:
    service = Unstuck(default_config(), Store.open(db_url))
    service.import_pipeline(generate_pipeline(NOW, seed=0), NOW, dry_run=False)
    service.store.close()
    return db_url
