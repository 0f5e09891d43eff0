"""The native pipeline document (``contract.md`` section 1): JSON and JSON Lines.

``parse_document`` turns text into a :class:`~unstuck.domain.Pipeline`, collecting every
problem as ``PATH: message`` and raising them together; ``to_document`` turns a pipeline
back into the contract's JSON shape. Export then import then export gives the same text.
"""

from unstuck.document.dates import FORMAT, format_datetime, parse_date, parse_datetime
from unstuck.document.read import iter_json_lines, parse_document, touch_key
from unstuck.document.write import deal_to_dict, to_document

__all__ = [
    "FORMAT",
    "deal_to_dict",
    "format_datetime",
    "iter_json_lines",
    "parse_date",
    "parse_datetime",
    "parse_document",
    "to_document",
    "touch_key",
]
