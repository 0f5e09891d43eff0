from __future__ import annotations

from collections.abc import Callable

import pytest

pl = pytest.importorskip("polars")
np = pytest.importorskip("numpy")

from unstuck.scoring.columns import NoteKind, plan_columns  # noqa: E402
from unstuck.scoring.encode import OTHER, Encoder  # noqa: E402


def test_id_and_date_columns_are_dropped_with_a_note(deals: Callable[..., pl.DataFrame]) -> None:
    plan = plan_columns(deals(300).drop("Outcome"))
    kinds = {note.column: note.kind for note in plan.notes}
    assert kinds["Deal ID"] is NoteKind.ID
    assert kinds["Created"] is NoteKind.DATE
    assert "Deal ID" not in plan.features and "Created" not in plan.features
    assert plan.numeric == ["Amount", "Days In Stage"]
    assert set(plan.categorical) == {"Region", "Owner"}
    texts = " ".join(n.text for n in plan.notes)
    assert "record id" in texts and "dates" in texts


@pytest.mark.parametrize(
    ("name", "values", "kind"),
    [
        ("Opportunity Number", list(range(5000, 5100)), NoteKind.ID),
        ("row", list(range(100)), NoteKind.ID),
        ("closed", [f"2024-03-{d % 28 + 1:02d} 10:00" for d in range(100)], NoteKind.DATE),
        ("closed_us", [f"{d % 12 + 1}/{d % 28 + 1}/2024" for d in range(100)], NoteKind.DATE),
        ("stage", ["Won"] * 100, NoteKind.CONSTANT),
    ],
)
def test_columns_that_cannot_carry_over_are_recognised(
    name: str, values: list[object], kind: NoteKind
) -> None:
    frame = pl.DataFrame({name: values, "amount": np.arange(100.0)})
    plan = plan_columns(frame)
    assert [(n.column, n.kind) for n in plan.notes] == [(name, kind)]


def test_an_all_different_amount_column_is_kept_as_a_number() -> None:
    # Unique integers are only ids when named like one or counting up one by one.
    amounts = np.random.default_rng(0).choice(1_000_000, 100, replace=False)
    plan = plan_columns(pl.DataFrame({"close_value": amounts}))
    assert plan.numeric == ["close_value"]
    assert plan.notes == []


def test_high_cardinality_text_is_capped_to_frequent_values(
    deals: Callable[..., pl.DataFrame],
) -> None:
    frame = deals(600).drop("Outcome")
    plan = plan_columns(frame)
    capped = [n for n in plan.notes if n.kind is NoteKind.CAPPED]
    assert [n.column for n in capped] == ["Owner"]
    assert "(other)" in capped[0].text
    encoder = Encoder(plan).fit(frame)
    owners = {encoder.level_name("Owner", c) for c in encoder.codes(frame, encoder._categorical[1])}
    assert len(owners) <= 31
    assert OTHER in owners
    unseen = frame.head(3).with_columns(pl.lit("a brand new rep").alias("Owner"))
    assert encoder.transform(unseen).tree.shape == (3, 4)


def test_missing_values_are_kept_for_trees_and_imputed_for_the_linear_model(
    deals: Callable[..., pl.DataFrame],
) -> None:
    frame = deals(300).drop("Outcome")
    encoded = Encoder(plan_columns(frame)).fit(frame).transform(frame)
    assert np.isnan(encoded.tree[:, 1]).any()
    assert not np.isnan(encoded.linear).any()
