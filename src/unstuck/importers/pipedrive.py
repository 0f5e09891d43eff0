"""Pipedrive: the deals list export (``Deal - <Field>`` headers) and the activities export.

Status is Pipedrive's own column (open/won/lost/deleted); ``Won time``/``Lost time``
give the close day of closed deals; ``Last stage change`` dates the entry into the
current stage. Activities join on the deal id; activities not marked done are plans,
not touches, and are counted but not imported.
"""

from __future__ import annotations

from unstuck.importers.base import FileRole, Importer, Layout, register

DEALS = Layout(
    title="Pipedrive deals export",
    role=FileRole.DEALS,
    columns={
        "id": ("Deal - ID", "id"),
        "name": ("Deal - Title", "title"),
        "value": ("Deal - Value", "value"),
        "currency": ("Deal - Currency", "currency"),
        "pipeline": ("Deal - Pipeline",),
        "stage": ("Deal - Stage", "stage_name"),
        "status": ("Deal - Status", "status"),
        "owner": ("Deal - Owner", "owner_name"),
        "account": ("Deal - Organization", "org_name"),
        "contact": ("Deal - Contact person", "person_name"),
        "created": ("Deal - Deal created", "add_time"),
        "won_at": ("Deal - Won time", "won_time"),
        "lost_at": ("Deal - Lost time", "lost_time"),
        "closed_at": ("Deal - Deal closed on", "close_time"),
        "lost_reason": ("Deal - Lost reason", "lost_reason"),
        "expected_close": ("Deal - Expected close date", "expected_close_date"),
        "last_stage_change": ("Deal - Last stage change", "stage_change_time"),
    },
    required=("name", "stage"),
)

ACTIVITIES = Layout(
    title="Pipedrive activities export",
    role=FileRole.ACTIVITIES,
    columns={
        "deal_id": ("Activity - Deal ID", "Deal - ID", "deal_id"),
        "type": ("Activity - Type",),
        "subject": ("Activity - Subject",),
        "done": ("Activity - Done", "Activity - Status"),
        "due_date": ("Activity - Due date",),
        "due_time": ("Activity - Due time",),
        "done_at": ("Activity - Marked as done time",),
        "added_at": ("Activity - Add time", "Activity - Created"),
        "note": ("Activity - Note",),
        "contact": ("Activity - Contact person", "Person - Name"),
    },
    required=("deal_id", "type|subject", "due_date|done_at|added_at"),
)


class Pipedrive(Importer):
    name = "pipedrive"
    label = "Pipedrive"
    layouts = (DEALS, ACTIVITIES)

    def field_name(self, label: str) -> str:
        return label.removeprefix("Deal - ")


register(Pipedrive())
