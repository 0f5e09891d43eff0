"""Request bodies of the JSON API: the pipeline document's names and vocabularies."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from fastapi.responses import Response
from pydantic import BaseModel, ConfigDict, Field

from unstuck.domain import (
    AccountType,
    Authority,
    Channel,
    Direction,
    Role,
    Stance,
    Status,
    TouchKind,
)


class Body(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NewDeal(Body):
    id: str = Field(min_length=1, max_length=200, pattern=r"^[^/\s][^/]*$")
    name: str | None = Field(None, max_length=500)
    stage: str | None = Field(None, min_length=1, max_length=100)
    account: str | None = Field(None, max_length=300)
    account_type: AccountType | None = None
    owner: str | None = Field(None, max_length=200)
    value: float | None = Field(None, ge=0, le=1e15, allow_inf_nan=False)
    currency: str | None = Field(None, max_length=10)
    expected_close: date | None = None
    why: str | None = None
    created: str | None = Field(None, description="ISO date or date-time (default: now)")


class TouchIn(Body):
    direction: Direction
    channel: Channel
    summary: str = ""
    with_: list[str] = Field(default_factory=list, alias="with")
    kind: TouchKind | None = None
    at: str | None = Field(None, description="ISO date or date-time (default: now)")

    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class PersonIn(Body):
    name: str | None = Field(None, max_length=300)
    email: str | None = Field(None, max_length=300)
    title: str | None = Field(None, max_length=300)
    roles: list[Role] | None = None
    stance: Stance | None = None
    authority: Authority | None = None
    faction: str | None = Field(None, max_length=200)


class AnswerIn(Body):
    question: str = Field(min_length=1, max_length=200)
    answer: str = Field(min_length=1)
    stakeholder: str | None = None
    at: str | None = None


class WhyIn(Body):
    why: str | None


class StageIn(Body):
    stage: str = Field(min_length=1, max_length=100)
    at: str | None = None


class CloseDateIn(Body):
    expected_close: date


class CloseIn(Body):
    status: Status
    reason: str | None = None
    revisit_on: date | None = None


def json_response(data: Any, status_code: int = 200) -> Response:
    """Plain data as JSON, skipping FastAPI's generic encoder on the hot read paths.

    The data is already JSON-ready (the contract's dicts); encoding it directly takes a
    fraction of the time, which matters for the API's throughput.
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=str)
    return Response(text, status_code=status_code, media_type="application/json")


class ErrorOut(BaseModel):
    error: dict[str, Any]


ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in (
        (400, "Bad request"),
        (401, "Not logged in"),
        (403, "Not allowed"),
        (404, "Not found"),
        (409, "Conflicts with the deal's state"),
        (413, "Body too large"),
        (422, "Invalid input; details lists every problem"),
    )
}

__all__ = [
    "ERRORS",
    "AnswerIn",
    "CloseDateIn",
    "CloseIn",
    "NewDeal",
    "PersonIn",
    "StageIn",
    "TouchIn",
    "WhyIn",
    "json_response",
]
