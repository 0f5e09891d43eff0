"""The Maven Analytics "CRM + Sales + Opportunities" layout, a generic multi-file export.

``sales_pipeline.csv`` holds one row per opportunity (an engage date and a close date,
no stage history); ``accounts.csv``, ``sales_teams.csv`` and ``products.csv`` are lookup
tables joined on account, sales agent and product, whose columns become custom fields.
Stage history is rebuilt from the two dates: entering Engaging on ``engage_date`` and
Won/Lost on ``close_date``.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from zoneinfo import ZoneInfo

from unstuck.domain import StageChange, Status
from unstuck.importers.base import FileRole, Importer, Layout, register
from unstuck.importers.rows import DealDraft

PIPELINE = Layout(
    title="Maven-layout sales pipeline export",
    role=FileRole.DEALS,
    columns={
        "id": ("opportunity_id",),
        "owner": ("sales_agent",),
        "account": ("account",),
        "stage": ("deal_stage",),
        "created": ("engage_date",),
        "expected_close": ("close_date",),
        "value": ("close_value",),
    },
    required=("id", "stage", "owner"),
)

ACCOUNTS = Layout(
    title="Maven-layout accounts table",
    role=FileRole.LOOKUP,
    columns={
        "key": ("account",),
        "sector": ("sector",),
        "year_established": ("year_established",),
        "revenue": ("revenue",),
        "employees": ("employees",),
        "office_location": ("office_location",),
        "subsidiary_of": ("subsidiary_of",),
    },
    required=("key", "sector"),
    lookup_on="account",
    field_prefix="account_",
)

TEAMS = Layout(
    title="Maven-layout sales teams table",
    role=FileRole.LOOKUP,
    columns={"key": ("sales_agent",), "manager": ("manager",), "office": ("regional_office",)},
    required=("key", "manager"),
    lookup_on="owner",
)

PRODUCTS = Layout(
    title="Maven-layout products table",
    role=FileRole.LOOKUP,
    columns={"key": ("product",), "series": ("series",), "price": ("sales_price",)},
    required=("key", "series", "price"),
    lookup_on="fields.product",
    field_prefix="product_",
)

DICTIONARY = Layout(
    title="Maven-layout data dictionary (not data, skipped)",
    role=FileRole.IGNORED,
    columns={"table": ("Table",), "field": ("Field",), "description": ("Description",)},
    required=("table", "field", "description"),
)

ENGAGED = "Engaging"


class Maven(Importer):
    name = "maven"
    label = "Maven-style CSV"
    format = "csv"
    layouts = (PIPELINE, ACCOUNTS, TEAMS, PRODUCTS, DICTIONARY)

    def finish(self, draft: DealDraft, tz: ZoneInfo) -> None:
        product = draft.fields.get("product")
        if draft.name == draft.id and product is not None:
            draft.name = f"{product} for {draft.account}" if draft.account else str(product)
        if draft.created is not None and not draft.stages:
            draft.stages.append(StageChange(ENGAGED, draft.created))
        closed = draft.expected_close
        if closed is not None and draft.status in (Status.WON, Status.LOST):
            moment = datetime.combine(closed, time(), tzinfo=tz).astimezone(UTC)
            draft.stages.append(StageChange(draft.stage, moment.replace(tzinfo=None)))


register(Maven())
