"""Salesforce: Data Loader / Bulk API files (API names) and report exports (UI labels).

A Data Loader export is several files given together: ``Opportunity`` (the deals),
``OpportunityHistory`` (stage and close-date history), ``OpportunityContactRole`` (who
plays which part), ``Contact`` (their names and e-mails) and ``Task`` / ``Event``
(activities, joined on ``WhatId``). Contact roles map to ours through ``ROLE_TABLE``
in ``base.py`` (documented in docs/import.md).
"""

from __future__ import annotations

from unstuck.importers.base import FileRole, Importer, Layout, register

_SYSTEM = (
    "IsDeleted", "SystemModstamp", "LastViewedDate", "LastReferencedDate", "CreatedById",
    "LastModifiedById", "attributes",
)  # fmt: skip

OPPORTUNITY = Layout(
    title="Salesforce Data Loader export",
    role=FileRole.DEALS,
    columns={
        "id": ("Id",),
        "name": ("Name",),
        "stage": ("StageName",),
        "value": ("Amount",),
        "currency": ("CurrencyIsoCode",),
        "expected_close": ("CloseDate",),
        "created": ("CreatedDate",),
        "owner": ("Owner.Name", "OwnerId"),
        "account": ("Account.Name", "AccountId"),
        "is_closed": ("IsClosed",),
        "is_won": ("IsWon",),
        "last_stage_change": ("LastStageChangeDate",),
        "lost_reason": ("Loss_Reason__c", "Reason_Lost__c", "Lost_Reason__c"),
    },
    required=("id", "name", "stage"),
    ignored=_SYSTEM,
)

REPORT = Layout(
    title="Salesforce report export",
    role=FileRole.DEALS,
    columns={
        "id": ("Opportunity ID", "Opportunity Id"),
        "name": ("Opportunity Name",),
        "account": ("Account Name",),
        "stage": ("Stage",),
        "value": ("Amount", "Amount (converted)"),
        "currency": ("Opportunity Currency", "Amount Currency"),
        "expected_close": ("Close Date",),
        "created": ("Created Date",),
        "owner": ("Opportunity Owner", "Owner Name", "Owner"),
        "last_stage_change": ("Last Stage Change Date",),
        "is_won": ("Won",),
        "is_closed": ("Closed",),
        "contact": ("Primary Contact", "Contact Name"),
        "lost_reason": ("Loss Reason", "Reason Lost"),
    },
    required=("name", "stage"),
)

HISTORY = Layout(
    title="Salesforce OpportunityHistory file",
    role=FileRole.STAGE_HISTORY,
    columns={
        "deal_id": ("OpportunityId",),
        "stage": ("StageName",),
        "at": ("CreatedDate",),
        "expected_close": ("CloseDate",),
    },
    required=("deal_id", "at", "stage"),
    ignored=(
        *_SYSTEM, "Id", "Amount", "ExpectedRevenue", "Probability", "ForecastCategory",
        "PrevAmount", "PrevCloseDate",
    ),
)  # fmt: skip

CONTACT_ROLES = Layout(
    title="Salesforce OpportunityContactRole file",
    role=FileRole.CONTACT_ROLES,
    columns={
        "deal_id": ("OpportunityId",),
        "contact_id": ("ContactId",),
        "role": ("Role",),
        "is_primary": ("IsPrimary",),
    },
    required=("deal_id", "contact_id"),
    ignored=(*_SYSTEM, "Id"),
)

CONTACTS = Layout(
    title="Salesforce Contact file",
    role=FileRole.CONTACTS,
    columns={
        "contact_id": ("Id",),
        "name": ("Name",),
        "first_name": ("FirstName",),
        "last_name": ("LastName",),
        "email": ("Email",),
        "title": ("Title",),
    },
    required=("contact_id", "last_name|email"),
    ignored=(*_SYSTEM, "AccountId", "Phone", "MobilePhone", "Salutation", "OwnerId"),
)

TASKS = Layout(
    title="Salesforce Task/Event file",
    role=FileRole.ACTIVITIES,
    columns={
        "deal_id": ("WhatId",),
        "subject": ("Subject",),
        "type": ("TaskSubtype", "EventSubtype", "Type"),
        "done": ("IsClosed",),
        "due_date": ("ActivityDate",),
        "done_at": ("CompletedDateTime",),
        "at": ("ActivityDateTime", "StartDateTime"),
        "added_at": ("CreatedDate",),
        "note": ("Description",),
        "contact": ("WhoId",),
    },
    required=("deal_id", "subject"),
    ignored=(*_SYSTEM, "Id", "Status", "Priority", "OwnerId", "AccountId"),
)


class Salesforce(Importer):
    name = "salesforce"
    label = "Salesforce"
    layouts = (OPPORTUNITY, REPORT, HISTORY, CONTACT_ROLES, CONTACTS, TASKS)


register(Salesforce())
