"""Per-row explanations: which columns pushed a deal's chance up or down, in plain words.

Effects are on the log-odds scale (LightGBM's exact tree contributions plus the logistic
model's coefficient times the centred value), summed per original column so one-hot
levels and missing flags read as one factor.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

# On the log-odds scale 1.0 moves a 50% chance to 73%: "strongly"; 0.3 moves it to 57%.
STRONG = 1.0
SLIGHT = 0.3


@dataclass(frozen=True)
class Factor:
    column: str
    value: str
    effect: float

    @property
    def text(self) -> str:
        direction = "raises" if self.effect > 0 else "lowers"
        size = abs(self.effect)
        adverb = "strongly " if size >= STRONG else "slightly " if size < SLIGHT else ""
        return f"{self.column} is {self.value}: {adverb}{direction} the chance"

    def to_dict(self) -> dict[str, object]:
        return {
            "column": self.column,
            "value": self.value,
            "effect": round(self.effect, 4),
            "text": self.text,
        }


def _shown(value: object) -> str:
    if value is None:
        return "missing"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def top_factors(
    frame: pl.DataFrame, columns: list[str], effects: np.ndarray, top: int
) -> list[list[Factor]]:
    order = np.argsort(-np.abs(effects), axis=1)[:, :top]
    rows = frame.select(columns).rows() if columns else [() for _ in range(frame.height)]
    result = []
    for r, picks in enumerate(order):
        result.append(
            [
                Factor(columns[j], _shown(rows[r][j]), float(effects[r, j]))
                for j in picks
                if effects[r, j] != 0.0
            ]
        )
    return result
