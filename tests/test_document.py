"""The native pipeline document: reading, every error with its path, and round trips."""

from __future__ import annotations

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.builders import acme, globex

from unstuck.document import parse_datetime, parse_document, to_document
from unstuck.domain import (
    Channel,
    Deal,
    Direction,
    Role,
    StageChange,
    Stakeholder,
    Status,
    Touch,
    TouchKind,
)
from unstuck.errors import InputError

UTC_ZONE = ZoneInfo("UTC")


def doc_with(**deal_fields: object) -> str:
    deal = {"id": "d1", "name": "One", "stage": "lead", "created": "2026-01-05"}
    deal.update(deal_fields)
    return json.dumps({"format": "unstuck-pipeline/1", "deals": [deal]})


def problems_of(text: str) -> list[str]:
    with pytest.raises(InputError) as caught:
        parse_document(text, UTC_ZONE)
    return caught.value.problems


def test_the_contract_example_reads_into_one_deal() -> None:
    from pathlib import Path

    contract = Path(__file__).parents[1] / "docs" / "pipeline-document.md"
    text = contract.read_text().split("```json")[1].split("```")[0]
    pipeline = parse_document(text, UTC_ZONE)
    (deal,) = pipeline.deals
    assert deal.id == "acme-fleet"
    assert deal.stakeholders[0].roles == (Role.EVALUATION, Role.END_USER)
    assert deal.touches[1].direction is Direction.INBOUND
    assert pipeline.qualification is not None
    assert pipeline.qualification.questions == ("budget", "authority", "need", "timeline")


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"status": "pending"}, 'deals[0].status: unknown value "pending"; use one of: open, won'),
        ({"value": -5}, "deals[0].value: must not be negative, got -5"),
        ({"value": "lots"}, 'deals[0].value: expected a number, got "lots"'),
        ({"created": "31/31/2026"}, "deals[0].created: not a date: '31/31/2026'"),
        ({"expected_close": "soon"}, "deals[0].expected_close: not a date: 'soon'"),
        ({"stage": None}, "deals[0].stage: missing; this field is required"),
        ({"account_type": "forever"}, 'deals[0].account_type: unknown value "forever"'),
        (
            {"touches": [{"at": "2026-02-01", "direction": "sideways", "channel": "email"}]},
            'deals[0].touches[0].direction: unknown value "sideways"',
        ),
        (
            {"touches": [{"at": "2026-02-01", "direction": "inbound", "channel": "fax"}]},
            'deals[0].touches[0].channel: unknown value "fax"',
        ),
        (
            {
                "touches": [
                    {"at": "2026-02-01", "direction": "inbound", "channel": "call", "kind": "bribe"}
                ]
            },
            'deals[0].touches[0].kind: unknown value "bribe"',
        ),
        (
            {
                "touches": [
                    {
                        "at": "2026-02-01",
                        "direction": "inbound",
                        "channel": "call",
                        "with": ["ghost"],
                    }
                ]
            },
            "deals[0].touches[0].with[0]: no stakeholder 'ghost' on this deal",
        ),
        (
            {"stakeholders": [{"id": "a", "name": "A", "roles": ["boss"]}]},
            'deals[0].stakeholders[0].roles[0]: unknown value "boss"',
        ),
        (
            {"stakeholders": [{"id": "a", "stance": "hostile"}]},
            'deals[0].stakeholders[0].stance: unknown value "hostile"',
        ),
        (
            {"stakeholders": [{"id": "a"}, {"id": "a"}]},
            "deals[0].stakeholders[1].id: duplicate id 'a'",
        ),
        (
            {
                "answers": [
                    {
                        "question": "budget",
                        "answer": "yes",
                        "at": "2026-02-01",
                        "stakeholder": "nobody",
                    }
                ]
            },
            "deals[0].answers[0].stakeholder: no stakeholder 'nobody' on this deal",
        ),
        ({"colour": "red"}, "deals[0].colour: unknown field"),
        ({"stage_history": [{"stage": "lead"}]}, "deals[0].stage_history[0].at: missing"),
        ({"fields": {"nested": {"a": 1}}}, "deals[0].fields.nested: expected text, a number"),
    ],
)
def test_a_bad_value_is_reported_with_its_path(fields: dict[str, object], expected: str) -> None:
    problems = problems_of(doc_with(**fields))
    assert any(p.startswith(expected) for p in problems), problems


def test_every_problem_is_reported_at_once() -> None:
    text = json.dumps(
        {
            "deals": [
                {"id": "a", "stage": "lead", "created": "nope", "value": -1},
                {"id": "a", "stage": "lead", "created": "2026-01-01"},
                {"id": "a", "stage": "lead", "created": "2026-01-01"},
            ]
        }
    )
    problems = problems_of(text)
    assert (
        "deals[0].created: not a date: 'nope' (use 2026-09-12 or 2026-09-12T10:00:00)" in problems
    )
    assert "deals[0].value: must not be negative, got -1" in problems
    assert "deals[2].id: duplicate id 'a' (also at deals[1])" in problems


@pytest.mark.parametrize(
    "text",
    ["{not json", "[1, 2", ""],
)
def test_text_that_is_not_json_is_refused(text: str) -> None:
    (problem,) = problems_of(text)
    assert problem.startswith("not JSON")


def test_an_unknown_format_version_is_refused() -> None:
    problems = problems_of(json.dumps({"format": "unstuck-pipeline/9", "deals": []}))
    assert problems == [
        "format: unsupported format 'unstuck-pipeline/9'; this version reads 'unstuck-pipeline/1'"
    ]


def test_json_lines_hold_one_deal_per_line() -> None:
    lines = "\n".join(
        json.dumps(to_document([d], UTC_ZONE)["deals"][0]) for d in (acme(), globex())
    )
    pipeline = parse_document(lines, UTC_ZONE)
    assert [d.id for d in pipeline.deals] == ["acme-fleet", "globex-crm"]
    assert pipeline.deals[0] == acme().canonical()


def test_a_bad_line_of_json_lines_is_named() -> None:
    text = json.dumps({"id": "a", "stage": "lead", "created": "2026-01-01"}) + "\n{oops\n"
    assert problems_of(text) == [
        "line 2: not JSON: Expecting property name enclosed in double quotes at column 2"
    ]


def test_naive_times_are_in_the_pipeline_time_zone_and_stored_as_utc() -> None:
    paris = ZoneInfo("Europe/Paris")
    assert parse_datetime("2026-07-01T10:00:00", paris) == datetime(2026, 7, 1, 8, 0)
    assert parse_datetime("2026-07-01T10:00:00Z", paris) == datetime(2026, 7, 1, 10, 0)
    assert parse_datetime("2026-07-01T10:00:00+02:00", UTC_ZONE) == datetime(2026, 7, 1, 8, 0)
    assert parse_datetime("2026-07-01", UTC_ZONE) == datetime(2026, 7, 1)


def test_a_missing_created_date_falls_back_to_the_earliest_history() -> None:
    text = json.dumps(
        {
            "deals": [
                {
                    "id": "a",
                    "stage": "lead",
                    "stage_history": [{"stage": "lead", "at": "2026-03-04"}],
                }
            ]
        }
    )
    (deal,) = parse_document(text, UTC_ZONE).deals
    assert deal.created == datetime(2026, 3, 4)


def test_export_then_import_gives_the_same_deals() -> None:
    deals = [acme(), globex()]
    doc = to_document(deals, UTC_ZONE)
    again = parse_document(json.dumps(doc), UTC_ZONE)
    assert list(again.deals) == [d.canonical() for d in deals]


# -- property: export -> import -> export is identical -----------------------------------

names = st.text(
    st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=1, max_size=12
)
# A stage must say something (the reader rejects one of only spaces, as it should).
stage_names = names.filter(lambda text: bool(text.strip()))
moments = st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2040, 1, 1)).map(
    lambda d: d.replace(microsecond=0)
)


@st.composite
def deals(draw: st.DrawFn) -> Deal:
    ident = draw(st.from_regex(r"[a-z][a-z0-9-]{0,10}", fullmatch=True))
    people = draw(st.lists(st.from_regex(r"[a-z]{1,6}", fullmatch=True), unique=True, max_size=3))
    touches = draw(
        st.lists(
            st.builds(
                Touch,
                at=moments,
                direction=st.sampled_from(Direction),
                channel=st.sampled_from(Channel),
                with_=st.lists(st.sampled_from(people), unique=True).map(tuple)
                if people
                else st.just(()),
                kind=st.none() | st.sampled_from(TouchKind),
                summary=names,
            ),
            max_size=4,
        )
    )
    return Deal(
        id=ident,
        name=draw(names),
        stage=draw(stage_names),
        created=draw(moments),
        status=draw(st.sampled_from(Status)),
        value=draw(st.none() | st.integers(0, 10**9).map(float) | st.floats(0, 1e9)),
        fields=draw(st.dictionaries(names, st.none() | st.integers(-5, 5) | names, max_size=2)),
        stakeholders=tuple(
            Stakeholder(
                p,
                draw(names),
                roles=tuple(draw(st.lists(st.sampled_from(Role), unique=True, max_size=2))),
            )
            for p in people
        ),
        touches=tuple(touches),
        stage_history=tuple(
            draw(st.lists(st.builds(StageChange, stage_names, moments), max_size=3))
        ),
        expected_close=draw(st.none() | st.dates(date(2000, 1, 1), date(2040, 1, 1))),
    ).canonical()


@settings(max_examples=60, deadline=None)
@given(
    st.lists(deals(), max_size=3, unique_by=lambda d: d.id),
    st.sampled_from(["UTC", "Europe/Paris", "America/New_York"]),
)
def test_export_import_export_is_identical(pipeline: list[Deal], zone: str) -> None:
    tz = ZoneInfo(zone)
    first = json.dumps(to_document(pipeline, tz), sort_keys=True)
    second = json.dumps(to_document(parse_document(first, tz).deals, tz), sort_keys=True)
    assert first == second
