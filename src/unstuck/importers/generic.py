"""Any CSV/XLSX: our own table export, and other tables read through a mapping file."""

from __future__ import annotations

from collections.abc import Sequence

from unstuck.domain import Status
from unstuck.importers.base import REJECT_COLUMNS, FileRole, Importer, Layout, Match, register
from unstuck.importers.mapping import Mapping, guess_columns
from unstuck.importers.source import norm

# The flat columns export_table writes, in order; custom fields follow.
TABLE_COLUMNS = (
    "id", "name", "account", "account_type", "owner", "stage", "status", "value",
    "currency", "created", "expected_close", "lost_reason", "revisit_on", "why",
)  # fmt: skip
FIELD_PREFIX = "fields."

TABLE = Layout(
    title="Unstuck table export",
    role=FileRole.DEALS,
    columns={column: (column,) for column in TABLE_COLUMNS},
    required=("id", "stage", "status", "created"),
)


class UnstuckTable(Importer):
    """The CSV/XLSX ``export_table`` writes (the JSON document is read by unstuck.document)."""

    name = "unstuck"
    label = "Unstuck"
    layouts = (TABLE,)

    def match(self, header: Sequence[str], layout: Layout) -> Match:
        # Our own names, exactly: a CRM's "Name" or "Stage" is not our table.
        exact = [label if _ours(label) else f"\0{label}" for label in header]
        found = super().match(exact, layout)
        found.header = list(header)
        return found

    def field_name(self, label: str) -> str:
        return label.removeprefix(FIELD_PREFIX)


def _ours(label: str) -> bool:
    return (
        not label
        or label in TABLE_COLUMNS
        or label in REJECT_COLUMNS
        or label.startswith(FIELD_PREFIX)
    )


class MappedCsv(Importer):
    """A table read through a mapping (given, or guessed from the header)."""

    name = "csv"
    label = "CSV"

    def __init__(self, mapping: Mapping | None = None) -> None:
        self.mapping = mapping

    def layout_for(self, header: Sequence[str]) -> tuple[Layout, Mapping]:
        mapping = self.mapping
        title = "table with a mapping"
        if mapping is None:
            guessed = {label: target for label, (target, _) in guess_columns(header).items()}
            mapping = Mapping(guessed, source="guessed")
            title = "table, columns guessed from the header"
        columns: dict[str, tuple[str, ...]] = {}
        ignored: list[str] = []
        for label, target in mapping.columns.items():
            if target == "ignore":
                ignored.append(label)
            elif not target.startswith("field"):
                columns.setdefault(target, ())
                columns[target] = (*columns[target], label)
        layout = Layout(title=title, role=FileRole.DEALS, columns=columns,
                        required=("id|name", "stage"), ignored=tuple(ignored))  # fmt: skip
        return layout, mapping

    def match(self, header: Sequence[str], layout: Layout) -> Match:
        layout, mapping = self.layout_for(header)
        found = super().match(header, layout)
        found.importer = MappedCsv(mapping)
        return found

    @property
    def layouts(self) -> tuple[Layout, ...]:  # type: ignore[override]
        # A placeholder: the real layout is built from each file's header in ``match``.
        return (Layout("table with a mapping", FileRole.DEALS, {}, ("stage",)),)

    def stage_name(self, raw: str) -> str:
        if self.mapping is None:
            return raw
        return self.mapping.stages.get(norm(raw), raw)

    def status(self, raw: str | None, won: bool | None, closed: bool | None, stage: str) -> Status:
        table = self.mapping.status if self.mapping else {}
        key = norm(raw) if raw is not None else norm(stage)
        if key in table:
            return table[key]
        if raw is not None and table:
            try:
                return super().status(raw, won, closed, stage)
            except ValueError:
                raise ValueError(
                    f"unknown status {raw!r}; add it under [status] in the mapping file"
                ) from None
        return super().status(raw, won, closed, stage)

    def field_name(self, label: str) -> str:
        target = self.mapping.columns.get(label, "field") if self.mapping else "field"
        if target.startswith("field:"):
            return target.removeprefix("field:")
        return label.removeprefix(FIELD_PREFIX)


register(UnstuckTable())
register(MappedCsv())


__all__ = ["FIELD_PREFIX", "TABLE_COLUMNS", "MappedCsv", "UnstuckTable"]
