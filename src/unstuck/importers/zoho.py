"""Zoho CRM: the Deals module export (UI labels, or API names such as ``Deal_Name``).

Zoho labels follow module renaming: an org that renamed Deals to Opportunities exports
``Opportunity Name`` and ``Opportunity Owner``; old versions called the module
Potentials. Known names are aliases; any other renaming is found by meaning: a pair of
``<Module> Name`` and ``<Module> Owner`` columns next to Zoho's own ``Closing Date``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from unstuck.importers.base import FileRole, Importer, Layout, Match, register
from unstuck.importers.source import norm

DEALS = Layout(
    title="Zoho CRM deals export",
    role=FileRole.DEALS,
    columns={
        "id": ("Record Id", "Deal Id", "Opportunity Id", "Potential Id", "Id"),
        "name": ("Deal Name", "Opportunity Name", "Potential Name"),
        "account": ("Account Name",),
        "owner": ("Deal Owner", "Opportunity Owner", "Potential Owner", "Owner"),
        "stage": ("Stage",),
        "value": ("Amount",),
        "currency": ("Currency",),
        "expected_close": ("Closing Date",),
        "created": ("Created Time",),
        "lost_reason": ("Reason For Loss", "Reason_For_Loss__s"),
        "contact": ("Contact Name",),
    },
    required=("name", "stage"),
)

_NOT_MODULES = {"account", "contact", "campaign", "lead", "vendor", "product", "first", "last"}


class Zoho(Importer):
    name = "zoho"
    label = "Zoho CRM"
    layouts = (DEALS,)

    def match(self, header: Sequence[str], layout: Layout) -> Match:
        module = _renamed_module(header)
        if module is not None:
            columns = dict(layout.columns)
            for target, suffix in (("name", "Name"), ("owner", "Owner"), ("id", "Id")):
                columns[target] = (*columns[target], f"{module} {suffix}")
            title = f"Zoho CRM deals export (module renamed to {module!r})"
            layout = dataclasses.replace(layout, title=title, columns=columns)
        return super().match(header, layout)


def _renamed_module(header: Sequence[str]) -> str | None:
    """The module's name if the header has '<X> Name' and '<X> Owner' for an unknown X."""
    folded = {norm(label): label for label in header}
    if "closing date" not in folded:
        return None
    known = {norm(label) for label in DEALS.columns["name"]}
    for key, label in folded.items():
        if key.endswith(" name") and key not in known:
            prefix = key.removesuffix(" name")
            if prefix not in _NOT_MODULES and f"{prefix} owner" in folded:
                return label.strip()[: len(label.strip()) - len(" name")]
    return None


register(Zoho())
