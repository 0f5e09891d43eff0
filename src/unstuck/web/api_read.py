"""Response shapes documented in the OpenAPI schema for the reads that carry a chance.

The routes return pre-encoded JSON (``json_response``) for speed; these models only
describe it. A deal read is the pipeline document's deal plus ``chance``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class ChanceOut(BaseModel):
    p: float = Field(description="Chance of winning, 0 to 1")
    low: float = Field(description="Low end of the 80 % range")
    high: float = Field(description="High end of the 80 % range")
    source: str = Field(description="The model version, or the stage rate used")
    model: Literal["trained", "stage_rates"] = Field(
        description="A trained model, or stage win rates with a prior (the fallback)"
    )
    learned_from: int = Field(description="Closed deals the figure was learned from")
    up: list[str] = Field(description="Factors raising the chance, in plain words")
    down: list[str] = Field(description="Factors lowering the chance, in plain words")
    no_model: str | None = Field(description="Why no trained model is used, if it is not")


class DealRead(BaseModel):
    """A deal as in the pipeline document (id, name, stage, people, touches, ...)."""

    model_config = ConfigDict(extra="allow")

    id: str
    name: str
    stage: str
    chance: ChanceOut | None = Field(description="None once the deal is closed")


DEAL_READ: dict[int | str, dict[str, Any]] = {
    200: {"model": DealRead, "description": "The deal with its chance of winning"}
}

__all__ = ["DEAL_READ", "ChanceOut", "DealRead"]
