"""The hot paths read through indexes: no full scan of a history table (SQLite plans).

Captures the SQL that each single-deal operation runs and asks SQLite for its plan. A
plan line "SCAN touches" (without an index) would mean the operation reads every touch
of every deal, which does not scale to twenty million touches.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any

import pytest
from sqlalchemy import event
from tests.builders import NOW, acme, globex

from unstuck.domain import Answer, Channel, Direction, Stakeholder, Status, Touch
from unstuck.store import Store

HISTORY_TABLES = ("touches", "answers", "stage_changes", "close_date_changes", "stakeholders",
                  "decisions")  # fmt: skip
FULL_SCAN = re.compile(r"\bSCAN (\w+)(?! USING)")


@contextmanager
def captured(store: Store) -> Iterator[list[tuple[str, Any]]]:
    statements: list[tuple[str, Any]] = []

    def remember(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith(("SELECT", "UPDATE", "INSERT", "DELETE")):
            statements.append((statement, parameters))

    event.listen(store.engine, "before_cursor_execute", remember)
    try:
        yield statements
    finally:
        event.remove(store.engine, "before_cursor_execute", remember)


def full_scans(store: Store, statements: list[tuple[str, Any]]) -> list[str]:
    found = []
    raw = store.engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, parameters in statements:
            if isinstance(parameters, list):  # executemany: one set is enough for the plan
                parameters = parameters[0] if parameters else ()
            for row in cursor.execute(f"EXPLAIN QUERY PLAN {statement}", parameters):
                detail = row[-1]
                match = FULL_SCAN.search(detail)
                if match and match.group(1) in HISTORY_TABLES:
                    found.append(f"{detail}  <-  {statement.split(chr(10))[0][:80]}")
    finally:
        raw.close()
    return found


def operations() -> list[tuple[str, Callable[[Any], object]]]:
    touch = Touch(datetime(2026, 11, 19), Direction.INBOUND, Channel.CALL, ("alice",), None, "ok")
    return [
        ("read one deal", lambda tx: tx.deal("acme-fleet")),
        ("log a touch", lambda tx: tx.log_touch("acme-fleet", touch)),
        ("move the stage", lambda tx: tx.move_stage("acme-fleet", "negotiation", NOW, NOW)),
        ("record an answer",
         lambda tx: tx.add_answer("acme-fleet", Answer("need", "yes", NOW, "alice"))),
        ("add a person", lambda tx: tx.upsert_stakeholder("acme-fleet", Stakeholder("zed", "Zed"))),
        ("close the deal", lambda tx: tx.update_deal("globex-crm", NOW, status=Status.LOST)),
        ("one owner's open deals",
         lambda tx: tx.deal_rows(status=Status.OPEN, owner="sam@example.com")),
        ("re-import a known deal", lambda tx: tx.import_deals([acme()], NOW)),
    ]  # fmt: skip


@pytest.mark.parametrize(("name", "operation"), operations(), ids=[n for n, _ in operations()])
def test_single_deal_operations_never_scan_a_history_table(
    tmp_path: Any, name: str, operation: Callable[[Any], object]
) -> None:
    store = Store.open(str(tmp_path / "plans.db"))
    try:
        with store.write() as tx:
            tx.import_deals([acme(), globex()], NOW)
        with captured(store) as statements, store.write() as tx:
            operation(tx)
        assert statements, name
        assert full_scans(store, statements) == []
    finally:
        store.close()


def test_the_check_does_see_a_full_scan(tmp_path: Any) -> None:
    store = Store.open(str(tmp_path / "plans.db"))
    try:
        bad = [("SELECT pk FROM touches WHERE summary = ?", ("x",))]
        good = [("SELECT pk FROM touches WHERE deal_pk = ?", (1,))]
        assert len(full_scans(store, bad)) == 1
        assert full_scans(store, good) == []
    finally:
        store.close()


def test_the_stall_query_reads_only_the_open_deals_through_an_index(tmp_path: Any) -> None:
    from unstuck import scan
    from unstuck.config import default_config
    from unstuck.service import Unstuck

    app = Unstuck(default_config(), Store.open(str(tmp_path / "plans.db")))
    try:
        with app.store.write() as tx:
            tx.import_deals([acme(), globex()], NOW)
        context = app.diagnosis_context()
        params = scan.sql_params(context, scan.context_key(context))
        with captured(app.store) as statements, app.store.read() as tx:
            tx.count_stalled(params, NOW, None, 10)
        assert len(statements) == 1  # one pass: the counts and the worst few
        raw = app.store.engine.raw_connection()
        try:
            for statement, parameters in statements:
                plan = [
                    r[-1]
                    for r in raw.cursor().execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
                ]
                assert not [p for p in plan if re.search(r"\bSCAN deals\b", p)], plan
                assert any(
                    re.match(r"SEARCH deals USING (COVERING )?INDEX \w+ \(status=", p) for p in plan
                ), plan
        finally:
            raw.close()
    finally:
        app.store.close()


def test_checking_an_owner_reads_the_owner_index_not_every_deal(tmp_path: Any) -> None:
    store = Store.open(str(tmp_path / "plans.db"))
    try:
        with store.write() as tx:
            tx.import_deals([acme(), globex()], NOW)
        with captured(store) as statements, store.read() as tx:
            assert tx.has_owner(acme().owner.upper())
            assert not tx.has_owner("nobody@example.com")
        raw = store.engine.raw_connection()
        try:
            plans = [
                row[-1]
                for statement, parameters in statements
                for row in raw.cursor().execute(f"EXPLAIN QUERY PLAN {statement}", parameters)
            ]
        finally:
            raw.close()
        assert plans and not [p for p in plans if FULL_SCAN.search(p)]
        assert any("ix_deals_owner_lower_status" in p for p in plans)
    finally:
        store.close()
