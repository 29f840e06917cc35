"""Approved funding records in the 360Giving Data Standard's shape, so existing grant-data tools can read them.

JSON follows the 360Giving JSON schema (a package ``{"grants": [...]}`` with camelCase fields and arrays of
organisations); CSV and XLSX use the standard's spreadsheet column titles (``Identifier``, ``Amount Awarded``,
``Recipient Org:Identifier`` …). Identifiers use the prefix ``360G-smartindustry``; it is the registry's own
(illustrative) prefix, not one issued by 360Giving, so a publisher must swap in an issued one before registering the
data with 360Giving.
"""

import json
from collections.abc import Iterator
from datetime import date

from django.utils import timezone

from .choices import FundingKind, Realisation, Source

PREFIX = "360G-smartindustry"
CURRENCY = "EUR"
PROGRAMME_TITLE = "Smart Industry"

# Spreadsheet column title per flat key, in the standard's order.
CSV_COLUMNS = [
    ("id", "Identifier"),
    ("title", "Title"),
    ("description", "Description"),
    ("currency", "Currency"),
    ("amountAwarded", "Amount Awarded"),
    ("awardDate", "Award Date"),
    ("plannedStart", "Planned Dates:Start Date"),
    ("plannedEnd", "Planned Dates:End Date"),
    ("recipientId", "Recipient Org:Identifier"),
    ("recipientName", "Recipient Org:Name"),
    ("funderId", "Funding Org:Identifier"),
    ("funderName", "Funding Org:Name"),
    ("programmeCode", "Grant Programme:Code"),
    ("programmeTitle", "Grant Programme:Title"),
    ("dateModified", "Last Modified"),
]
CSV_HEADER = [title for _key, title in CSV_COLUMNS]

SOURCE_LABELS = dict(Source.choices)
KIND_LABELS = dict(FundingKind.choices)
REALISATION_LABELS = dict(Realisation.choices)


def _flat(record) -> dict:
    recipient = record.recipient
    kind = record.recipient_kind
    if record.funder_id:
        funder_id, funder_name = f"{PREFIX}-funder-{record.funder.slug}", record.funder.name
    else:
        funder_id = f"{PREFIX}-source-{record.source}"
        funder_name = str(SOURCE_LABELS[record.source])
    activity = record.activity_type
    return {
        "id": f"{PREFIX}-fr-{record.pk}",
        "title": f"{recipient.name} {record.year}",
        "description": (
            f"{SOURCE_LABELS[record.source]}, {KIND_LABELS[record.kind]}, {REALISATION_LABELS[record.realisation]}; "
            f"provenance: {record.provenance}" + (f" ({record.provenance_source})" if record.provenance_source else "")
        ),
        "currency": CURRENCY,
        "amountAwarded": record.amount,
        "awardDate": date(record.year, 1, 1).isoformat(),
        "plannedStart": date(record.year, 1, 1).isoformat(),
        "plannedEnd": date(record.year, 12, 31).isoformat(),
        "recipientId": f"{PREFIX}-{kind}-{recipient.slug}",
        "recipientName": recipient.name,
        "funderId": funder_id,
        "funderName": funder_name,
        "programmeCode": activity.code if activity else "smart-industry",
        "programmeTitle": f"{PROGRAMME_TITLE}: {activity.name}" if activity else PROGRAMME_TITLE,
        "dateModified": timezone.localtime(record.updated_at).isoformat(),
    }


def grant(record) -> dict:
    """One record as a 360Giving JSON grant."""
    flat = _flat(record)
    return {
        "id": flat["id"],
        "title": flat["title"],
        "description": flat["description"],
        "currency": flat["currency"],
        "amountAwarded": flat["amountAwarded"],
        "awardDate": flat["awardDate"],
        "plannedDates": [{"startDate": flat["plannedStart"], "endDate": flat["plannedEnd"]}],
        "recipientOrganization": [{"id": flat["recipientId"], "name": flat["recipientName"]}],
        "fundingOrganization": [{"id": flat["funderId"], "name": flat["funderName"]}],
        "grantProgramme": [{"code": flat["programmeCode"], "title": flat["programmeTitle"]}],
        "dateModified": flat["dateModified"],
    }


def spreadsheet_row(record) -> dict:
    """One record as a row of the 360Giving spreadsheet template (column titles as keys)."""
    flat = _flat(record)
    row = {title: flat[key] for key, title in CSV_COLUMNS}
    row["Amount Awarded"] = f"{record.amount:.2f}"
    return row


def iter_json_package(records) -> Iterator[bytes]:
    """``{"grants": [...]}`` written grant by grant, so the package is never held in memory."""
    yield b'{"grants": ['
    for index, record in enumerate(records):
        item = grant(record)
        # The amount goes in as a JSON number exactly as stored (json cannot write a Decimal; a float could round).
        del item["amountAwarded"]
        text = '{"amountAwarded": ' + f"{record.amount:.2f}, " + json.dumps(item, ensure_ascii=False)[1:]
        yield ((", " if index else "") + text).encode("utf-8")
    yield b"]}"
