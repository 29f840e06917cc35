"""What funding adds to the registry's pages (core/extensions.py), registered in FundingConfig.ready().

The registry sits below funding: a hub's or a fieldlab's page cannot import funding, yet shows its approved funding
(the source × year matrix), a fieldlab's records and an "Add funding" button, and the fieldlab rows of the list and
of a hub's page show each fieldlab's approved total. This module provides them at the points the registry's views
name.
"""

from core import extensions, policy

from .models import FundingRecord
from .selectors import recipient_funding_matrix, with_approved_total

__all__ = ["extensions_register"]


def hub_funding(*, request, obj) -> dict:
    # Approved funding from its per-recipient rollup (funding/rollups.py): the hub's own and its fieldlabs'.
    return {"matrix": recipient_funding_matrix(hub=obj)}


def fieldlab_funding(*, request, obj) -> dict:
    records = FundingRecord.objects.filter(fieldlab=obj).select_related("funder", "activity_type")
    return {
        "matrix": recipient_funding_matrix(fieldlab=obj),
        "records": policy.visible_to(request.user, records),
        # "Add funding" opens the funding form with this fieldlab filled in, for whoever may add a record for it.
        "may_add_funding": policy.can(request.user, policy.Action.ADD, FundingRecord(fieldlab=obj)),
    }


def extensions_register() -> None:
    extensions.annotation_add("registry.fieldlab_rows", with_approved_total)
    extensions.context_add("registry.hub_detail", hub_funding)
    extensions.context_add("registry.fieldlab_detail", fieldlab_funding)
