"""Bring a pipeline in from a CRM export: HubSpot, Salesforce, Pipedrive, Zoho, any table.

Pure reading and mapping: nothing here opens the database. ``read_files`` recognises
each file from its header (or obeys ``format``), joins the files of one export (deals,
stage history, contacts and their roles, activities, lookup tables) and returns an
:class:`ImportBatch`: the pipeline, a sentence saying what was detected, and the rows
that were rejected with file, line, column and reason. One importer per CRM lives
behind the small interface in ``base.py``; docs/import.md is the user's reference.
"""

from unstuck.importers import generic, hubspot, maven, pipedrive, salesforce, zoho  # noqa: F401
from unstuck.importers.base import FileRole, Importer, Layout, importers, register
from unstuck.importers.batch import ImportBatch, Reject
from unstuck.importers.export import export_table
from unstuck.importers.mapping import write_mapping
from unstuck.importers.reader import FORMATS, read_files

__all__ = [
    "FORMATS",
    "FileRole",
    "ImportBatch",
    "Importer",
    "Layout",
    "Reject",
    "export_table",
    "importers",
    "read_files",
    "register",
    "write_mapping",
]
