"""HubSpot: the deals export (CRM > Deals > Export), labels or internal names.

Stage history comes from the stage-calculated columns, one per stage and pipeline:
``Date entered "Qualified To Buy (Sales Pipeline)"`` (or ``hs_v2_date_entered_<id>``).
The UI writes stage labels, the API and integration tools write stage ids; both are
read, and the default pipeline's ids become their labels so the deal's stage and its
history use the same names.
"""

from __future__ import annotations

import re

from unstuck.domain import StageChange
from unstuck.importers.base import IGNORE, FileRole, Importer, Layout, register
from unstuck.importers.values import Cell, DateParser

STAGE_LABELS = {
    "appointmentscheduled": "Appointment Scheduled",
    "qualifiedtobuy": "Qualified To Buy",
    "presentationscheduled": "Presentation Scheduled",
    "decisionmakerboughtin": "Decision Maker Bought-In",
    "contractsent": "Contract Sent",
    "closedwon": "Closed Won",
    "closedlost": "Closed Lost",
}
_ENTERED = re.compile(r'^date entered\s+"?(?P<inner>.+?)"?\s*$', re.IGNORECASE)
_ENTERED_ID = re.compile(r"^hs_(?:v2_)?date_entered_(?P<id>\w+)$", re.IGNORECASE)
_PIPELINE = re.compile(r"^(?P<stage>.+?)\s*\((?P<pipeline>[^()]*)\)$")
_OTHER_STAGE_COLUMNS = re.compile(
    r"^(date exited|latest time in|cumulative time in|time in)\s|"
    r"^hs_(v2_)?(date_exited|latest_time_in|cumulative_time_in|time_in)_",
    re.IGNORECASE,
)

DEALS = Layout(
    title="HubSpot deals export",
    role=FileRole.DEALS,
    columns={
        "id": ("Record ID", "Deal ID", "hs_object_id", "dealId"),
        "name": ("Deal Name", "dealname"),
        "stage": ("Deal Stage", "dealstage"),
        "pipeline": ("Pipeline",),
        "value": ("Amount", "amount"),
        "currency": ("Currency", "deal_currency_code"),
        "expected_close": ("Close Date", "closedate"),
        "created": ("Create Date", "createdate"),
        "owner": ("Deal owner", "Deal Owner", "hubspot_owner_id"),
        "account": ("Associated Company", "Associated Company (Primary)"),
        "contact": ("Associated Contact",),
        "lost_reason": ("Closed lost reason", "closed_lost_reason"),
        "is_won": ("Is Closed Won", "hs_is_closed_won"),
        "is_closed": ("Is deal closed?", "Is Closed", "hs_is_closed"),
    },
    required=("name", "stage"),
    ignored=("hs_lastmodifieddate",),
)


class HubSpot(Importer):
    name = "hubspot"
    label = "HubSpot"
    layouts = (DEALS,)

    def special(self, label: str, layout: Layout) -> object | None:
        if _OTHER_STAGE_COLUMNS.match(label):
            return IGNORE  # time-in and exit dates follow from the entry dates
        match = _ENTERED.match(label)
        if match:
            inner = match["inner"]
            split = _PIPELINE.match(inner)
            return split["stage"] if split else inner
        match = _ENTERED_ID.match(label)
        if match:
            return self.stage_name(match["id"])
        return None

    def special_value(self, special: object, cell: Cell, dates: DateParser) -> StageChange | None:
        return StageChange(str(special), dates.when(cell))

    def stage_name(self, raw: str) -> str:
        return STAGE_LABELS.get(raw.strip().casefold(), raw)


register(HubSpot())
