"""The store: upserts, one transaction, summaries kept correct, schema versions."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text
from tests.builders import NOW, acme, globex

from unstuck.domain import (
    AccountType,
    Answer,
    Channel,
    CloseDateChange,
    Deal,
    Direction,
    StageChange,
    Stakeholder,
    Status,
    Touch,
    summarize,
)
from unstuck.errors import DatabaseUnreachable, NotFound, SchemaTooNew, SchemaTooOld
from unstuck.store import Store
from unstuck.store.rows import summary_values

Opener = Callable[..., Store]


def test_imported_deals_read_back_equal(store: Store) -> None:
    with store.write() as tx:
        result = tx.import_deals([acme(), globex()], NOW)
    assert (result.created, result.updated) == (["acme-fleet", "globex-crm"], [])
    with store.read() as tx:
        assert tx.deal("acme-fleet") == acme().canonical()
        assert tx.deal("globex-crm") == globex().canonical()


def test_reimporting_the_same_deals_changes_nothing(store: Store) -> None:
    with store.write() as tx:
        tx.import_deals([acme(), globex()], NOW)
    with store.write() as tx:
        result = tx.import_deals([acme(), globex()], NOW)
    assert result.unchanged == ["acme-fleet", "globex-crm"]
    with store.read() as tx:
        assert len(tx.deal("acme-fleet").touches) == len(acme().touches)


def test_reimport_updates_fields_and_unites_histories(store: Store) -> None:
    with store.write() as tx:
        tx.import_deals([acme()], NOW)
        tx.log_touch("acme-fleet", Touch(datetime(2026, 11, 1), Direction.INBOUND, Channel.CALL))
    newer = dataclasses.replace(
        acme(), stage="negotiation", value=50000.0, touches=acme().touches[:1]
    )
    with store.write() as tx:
        result = tx.import_deals([newer], NOW)
    assert result.updated == ["acme-fleet"]
    with store.read() as tx:
        deal = tx.deal("acme-fleet")
    assert (deal.stage, deal.value) == ("negotiation", 50000.0)
    assert len(deal.touches) == len(acme().touches) + 1  # the logged touch is kept


def test_a_dry_run_writes_nothing(store: Store) -> None:
    with store.write() as tx:
        result = tx.import_deals([acme()], NOW, dry_run=True)
    assert result.created == ["acme-fleet"]
    with store.read() as tx:
        assert tx.count_deals() == 0


def test_an_error_half_way_rolls_everything_back(store: Store) -> None:
    with pytest.raises(NotFound), store.write() as tx:
        tx.import_deals([acme()], NOW)
        tx.log_touch("no-such-deal", Touch(NOW, Direction.INBOUND, Channel.CALL))
    with store.read() as tx:
        assert tx.count_deals() == 0


def test_an_unknown_deal_says_how_to_find_the_ids(store: Store) -> None:
    hint = r"no deal with id 'nope'\. `unstuck deals` lists the ids\."
    with pytest.raises(NotFound, match=hint), store.read() as tx:
        tx.deal("nope")


def stored_summary(store: Store, deal_id: str) -> dict[str, object]:
    with store.read() as tx:
        return tx.summary_of(deal_id)


def test_logging_a_reply_resets_the_unanswered_count(store: Store) -> None:
    with store.write() as tx:
        tx.import_deals([acme()], NOW)
    assert stored_summary(store, "acme-fleet")["outbound_since_inbound"] == 2
    reply = Touch(datetime(2026, 10, 20), Direction.INBOUND, Channel.EMAIL, ("alice",))
    with store.write() as tx:
        tx.log_touch("acme-fleet", reply)
    summary = stored_summary(store, "acme-fleet")
    assert summary["outbound_since_inbound"] == 0
    assert summary["last_inbound_at"] == datetime(2026, 10, 20)
    assert summary["silent_since"] == datetime(2026, 10, 20)
    assert summary["touch_count"] == 5


def test_every_write_path_keeps_summaries_equal_to_a_rebuild(store: Store) -> None:
    with store.write() as tx:
        tx.import_deals([acme(), globex()], NOW)
        tx.log_touch("globex-crm", Touch(NOW, Direction.OUTBOUND, Channel.CALL, ("bob",)))
        tx.move_stage("acme-fleet", "negotiation", NOW, NOW)
        tx.set_expected_close("acme-fleet", date(2026, 12, 31), NOW, NOW)
        tx.upsert_stakeholder("globex-crm", Stakeholder("eve", "Eve"))
        tx.add_answer("globex-crm", Answer("need", "urgent", NOW, "eve"))
        tx.update_deal("globex-crm", NOW, status=Status.LOST, lost_reason="budget")
    with store.read() as tx:
        incremental = tx.all_summaries()
        deals = tx.deals()
    with store.write() as tx:
        tx.conn.execute(text("UPDATE deals SET touch_count = 0, close_date_pushes = 0"))
        assert tx.rebuild_summaries() == 2
    with store.read() as tx:
        assert tx.all_summaries() == incremental
    for deal in deals:  # and the SQL agrees with the pure definition
        assert incremental[deal.id] | summary_values(summarize(deal)) == incremental[deal.id]
    assert incremental["acme-fleet"]["close_date_pushes"] == 2
    assert incremental["acme-fleet"]["stage_entered_at"] == NOW


moments = st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31)).map(
    lambda d: d.replace(microsecond=0)
)


@st.composite
def histories(draw: st.DrawFn) -> Deal:
    touches = draw(
        st.lists(
            st.builds(
                Touch,
                moments,
                st.sampled_from(Direction),
                st.sampled_from(Channel),
                summary=st.sampled_from(["a", "b", "c"]),
            ),
            max_size=8,
        )
    )
    stages = draw(
        st.lists(st.builds(StageChange, st.sampled_from(["lead", "proposal"]), moments), max_size=4)
    )
    closes = draw(
        st.lists(
            st.builds(CloseDateChange, st.dates(date(2026, 1, 1), date(2027, 6, 1)), moments),
            max_size=4,
        )
    )
    return Deal(
        id=draw(st.from_regex(r"[a-z]{1,8}", fullmatch=True)),
        name="x",
        stage=draw(st.sampled_from(["lead", "proposal"])),
        created=datetime(2025, 12, 1),
        touches=tuple(touches),
        stage_history=tuple(stages),
        close_date_history=tuple(closes),
        expected_close=draw(st.none() | st.dates(date(2026, 1, 1), date(2027, 6, 1))),
    ).canonical()


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(st.lists(histories(), max_size=4, unique_by=lambda d: d.id))
def test_the_sql_rebuild_matches_the_pure_summary(store: Store, deals: list[Deal]) -> None:
    with store.write() as tx:
        tx.conn.execute(text("DELETE FROM touches"))
        tx.conn.execute(text("DELETE FROM stage_changes"))
        tx.conn.execute(text("DELETE FROM close_date_changes"))
        tx.conn.execute(text("DELETE FROM deals"))
        tx.import_deals(deals, NOW)
        tx.rebuild_summaries()
    with store.read() as tx:
        rebuilt = tx.all_summaries()
    for deal in deals:
        expected = summary_values(summarize(deal))
        assert {k: rebuilt[deal.id][k] for k in expected} == expected


def test_an_empty_database_is_created_on_first_use(db_url: str, open_store: Opener) -> None:
    store = open_store(db_url)
    with store.read() as tx:
        assert tx.count_deals() == 0


def test_a_database_from_a_newer_version_is_refused_untouched(
    db_url: str, open_store: Opener
) -> None:
    open_store(db_url)
    raw = open_store(db_url, check=False)
    with raw.write() as tx:
        tx.conn.execute(text("UPDATE alembic_version SET version_num = '9999_future'"))
    with pytest.raises(SchemaTooNew, match="pip install -U unstuck"):
        open_store(db_url)
    with pytest.raises(SchemaTooNew):
        raw.upgrade()
    with raw.read() as tx:
        assert (
            tx.conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
            == "9999_future"
        )


def test_a_database_without_our_tables_is_not_touched(db_url: str, open_store: Opener) -> None:
    raw = open_store(db_url, check=False)
    with raw.write() as tx:
        tx.conn.execute(text("CREATE TABLE foreign_table (x INTEGER)"))
    with pytest.raises(Exception, match="none of Unstuck's"):
        open_store(db_url)


def test_a_schema_behind_the_head_asks_for_db_upgrade_which_keeps_the_data(
    db_url: str, open_store: Opener
) -> None:
    from alembic import command

    from unstuck.store import engine

    old = open_store(db_url, check=False)
    with old.write() as tx:  # a database as the first release left it, with one deal
        command.upgrade(engine._alembic_config(tx.conn), "0001")
        tx.conn.execute(
            text(
                "INSERT INTO deals (id, name, stage, status, created, fields, updated_at, "
                "outbound_since_inbound, touch_count, stage_entered_at, close_date_pushes, "
                "stakeholder_count, silent_since) VALUES ('old-deal', 'Old', 'lead', 'open', "
                ":t, '{}', :t, 0, 0, :t, 0, 0, :t)"
            ),
            {"t": NOW},
        )
    with pytest.raises(SchemaTooOld, match="Run `unstuck db upgrade`"):
        open_store(db_url)
    raw = open_store(db_url, check=False)
    before, after = raw.upgrade()
    assert before == "0001" and after != "0001"
    with open_store(db_url).read() as tx:
        deal = tx.deal("old-deal")
    assert (deal.name, deal.stage, deal.created) == ("Old", "lead", NOW)


def test_an_unreachable_server_gets_a_clear_message(open_store: Opener) -> None:
    store = open_store("postgresql://127.0.0.1:1/nothing", check=False)
    with (
        pytest.raises(DatabaseUnreachable, match="cannot connect to PostgreSQL database"),
        store.read(),
    ):
        pass


def test_a_missing_folder_gets_a_clear_message(open_store: Opener) -> None:
    with pytest.raises(DatabaseUnreachable, match=r"folder .* does not exist"):
        open_store("/no/such/folder/x.db")


def test_time_goes_into_the_database_as_given(store: Store) -> None:
    later = dataclasses.replace(globex(), created=NOW - timedelta(days=3, seconds=7))
    with store.write() as tx:
        tx.import_deals([later], NOW)
    with store.read() as tx:
        assert tx.deal("globex-crm").created == NOW - timedelta(days=3, seconds=7)


def test_a_recorded_reply_is_announced_to_listeners(store: Store) -> None:
    from unstuck.store import events

    heard: list[tuple[str, datetime]] = []

    def listener(_conn: object, _pk: int, deal_id: str, at: datetime) -> None:
        heard.append((deal_id, at))

    events.on_inbound(listener)
    try:
        with store.write() as tx:
            tx.import_deals([acme()], NOW)  # a new deal: nothing can be waiting for a reply
            tx.log_touch(
                "acme-fleet", Touch(datetime(2026, 11, 1), Direction.OUTBOUND, Channel.EMAIL)
            )
            tx.log_touch(
                "acme-fleet", Touch(datetime(2026, 11, 2), Direction.INBOUND, Channel.CALL)
            )
        reply = Touch(datetime(2026, 11, 5), Direction.INBOUND, Channel.EMAIL, summary="yes")
        newer = dataclasses.replace(acme(), touches=(*acme().touches, reply))
        with store.write() as tx:
            tx.import_deals([newer], NOW)
    finally:
        events._inbound.remove(listener)
    assert heard == [("acme-fleet", datetime(2026, 11, 2)), ("acme-fleet", datetime(2026, 11, 5))]


def test_a_touch_recorded_twice_in_one_file_is_stored_once(store: Store) -> None:
    twice = dataclasses.replace(acme(), touches=acme().touches + acme().touches[:2])
    with store.write() as tx:
        tx.import_deals([twice], NOW)
    with store.read() as tx:
        assert tx.deal("acme-fleet").touches == acme().canonical().touches


def test_replies_since_a_moment_keep_the_last_one_before_it(store: Store) -> None:
    """The review reads only recent replies, plus the one whose silence they broke."""
    base = acme()
    days = [40, 30, 9, 3, 1]  # days before NOW of each inbound touch
    replies = [
        Touch(NOW - timedelta(days=d), Direction.INBOUND, Channel.EMAIL, (), None, f"r{d}")
        for d in days
    ]
    ping = Touch(NOW - timedelta(days=2), Direction.OUTBOUND, Channel.EMAIL, (), None, "ping")
    touches = (*replies, ping)
    with store.write() as tx:
        tx.import_deals([dataclasses.replace(base, touches=touches), globex()], NOW)
    with store.read() as tx:
        everything = tx.replies(["acme-fleet"])["acme-fleet"]
        recent = tx.replies(["acme-fleet", "globex-crm"], since=NOW - timedelta(days=7))
    assert [t.summary for t in everything] == ["r40", "r30", "r9", "r3", "r1"]
    assert [t.summary for t in recent["acme-fleet"]] == ["r9", "r3", "r1"]
    since = NOW - timedelta(days=7)
    before = [t.at for t in globex().touches if t.inbound and t.at <= since]
    after = [t.at for t in globex().touches if t.inbound and t.at > since]
    expected = sorted(([max(before)] if before else []) + after)
    assert [t.at for t in recent.get("globex-crm", [])] == expected


def test_a_first_load_writes_once_with_a_rollback_journal_then_wal_is_back(
    tmp_path: Path, open_store: Opener
) -> None:
    store = open_store(str(tmp_path / "first.db"))
    with store.write(first_load=True) as tx:
        during = tx.conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        tx.import_deals([acme(), globex()], NOW)
    with store.read() as tx:
        after = tx.conn.exec_driver_sql("PRAGMA journal_mode").scalar()
        assert tx.deal("acme-fleet") == acme().canonical()
    assert (during, after) == ("delete", "wal")


def test_a_first_load_keeps_wal_when_another_connection_has_the_file_open(
    tmp_path: Path, open_store: Opener
) -> None:
    path = tmp_path / "shared.db"
    store = open_store(str(path))
    reader = sqlite3.connect(path)
    try:
        reader.execute("SELECT count(*) FROM deals").fetchall()
        with store.write(first_load=True) as tx:
            during = tx.conn.exec_driver_sql("PRAGMA journal_mode").scalar()
            tx.import_deals([acme()], NOW)
        assert reader.execute("SELECT count(*) FROM deals").fetchone() == (1,)
    finally:
        reader.close()
    assert during == "wal"


def test_a_first_load_closes_its_connection_so_its_temporary_tables_go_with_it(
    tmp_path: Path, open_store: Opener
) -> None:
    """An import stages its touches in a temporary table; after a first load the
    connection is closed, not pooled, so the table (GBs at scale) is not dropped row by row
    and does not linger."""
    store = open_store(str(tmp_path / "temp.db"))
    temporary = "SELECT count(*) FROM temp.sqlite_master WHERE name = 'staged'"
    with store.write() as tx:
        tx.conn.exec_driver_sql("CREATE TEMP TABLE staged (n INTEGER)")
    with store.read() as tx:
        assert tx.conn.exec_driver_sql(temporary).scalar() == 1  # an ordinary write: pooled
        tx.conn.exec_driver_sql("DROP TABLE temp.staged")
    with store.write(first_load=True) as tx:
        tx.conn.exec_driver_sql("CREATE TEMP TABLE staged (n INTEGER)")
        tx.import_deals([acme()], NOW)
    with store.read() as tx:
        assert tx.conn.exec_driver_sql(temporary).scalar() == 0
        assert tx.deal("acme-fleet") == acme().canonical()


def test_canonical_sorts_and_dedupes_and_keeps_a_canonical_deal_as_it_is() -> None:
    deal = acme()
    shuffled = dataclasses.replace(deal, touches=(*reversed(deal.touches), deal.touches[0]))
    ordered = shuffled.canonical()
    key = lambda x: (x.at, x.direction.value, x.channel.value, x.summary)  # noqa: E731
    assert ordered.touches == tuple(sorted(set(deal.touches), key=key))
    assert ordered.canonical() is ordered  # nothing to change: no copy is made
    assert shuffled.canonical() == ordered and shuffled.canonical() is not ordered


def test_new_deals_share_accounts_by_name_and_a_known_type_replaces_the_stored_one(
    store: Store,
) -> None:
    """Thousands of accounts in one batch (sent as one parameter) and one named again
    later with a type."""
    many = [
        dataclasses.replace(acme(), id=f"d{n}", account=f"Account {n % 3000}", account_type=None)
        for n in range(6000)
    ]
    with store.write() as tx:
        tx.import_deals(many, NOW)
    typed = dataclasses.replace(
        acme(), id="typed", account="Account 7", account_type=AccountType.LONG_TERM
    )
    with store.write() as tx:
        tx.import_deals([typed], NOW)
    with store.read() as tx:
        accounts = int(tx.conn.exec_driver_sql("SELECT count(*) FROM accounts").scalar_one())
        read = {d.id: d for d in tx.deals(ids=["d7", "d3007", "d2999", "typed"])}
    assert accounts == 3000
    assert read["d2999"].account == "Account 2999" and read["d2999"].account_type is None
    for deal_id in ("d7", "d3007", "typed"):
        assert read[deal_id].account == "Account 7"
        assert read[deal_id].account_type is AccountType.LONG_TERM
