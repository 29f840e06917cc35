from django.db import models
from django.utils.translation import gettext_lazy as _

# The workflow's states belong to the reporting app (one workflow for everything reviewable); funding uses them.
from review.choices import PeriodStatus, RecordStatus

__all__ = [
    "PRIVATE_SOURCES",
    "PUBLIC_SOURCES",
    "FunderKind",
    "FundingKind",
    "PeriodStatus",
    "Realisation",
    "RecipientKind",
    "RecordStatus",
    "Source",
]


class Source(models.TextChoices):
    """The five funding sources of the evaluation (DESIGN contract codes)."""

    COMPANIES = "companies", _("Companies")
    NATIONAL = "national", _("National government")
    REGIONAL = "regional", _("Regions")
    KNOWLEDGE = "knowledge", _("Knowledge institutions")
    EU = "eu", _("European Union")


# Colour-blind safe palette (Okabe–Ito), one colour per source, the same on every chart. A new source gets its
# colour here; until it has one it is drawn in NEUTRAL_COLOUR (never a KeyError).
SOURCE_COLOURS = {
    Source.COMPANIES: "#0072B2",
    Source.NATIONAL: "#D55E00",
    Source.REGIONAL: "#009E73",
    Source.KNOWLEDGE: "#CC79A7",
    Source.EU: "#E69F00",
}
NEUTRAL_COLOUR = "#555555"


def source_colour(code: str) -> str:
    """The chart colour of a source code (as stored and exported), neutral for a code without one."""
    return SOURCE_COLOURS.get(code, NEUTRAL_COLOUR)


PRIVATE_SOURCES = (Source.COMPANIES,)
PUBLIC_SOURCES = (Source.NATIONAL, Source.REGIONAL, Source.KNOWLEDGE, Source.EU)


class FunderKind(models.TextChoices):
    COMPANY = "company", _("Company")
    MINISTRY = "ministry", _("Ministry")
    PROVINCE = "province", _("Province")
    MUNICIPALITY = "municipality", _("Municipality or region")
    KNOWLEDGE_INSTITUTION = "knowledge_institution", _("Knowledge institution")
    EU_FUND = "eu_fund", _("EU fund")
    OTHER = "other", _("Other")


class FundingKind(models.TextChoices):
    CASH = "cash", _("Cash")
    IN_KIND = "in_kind", _("In kind")


class Realisation(models.TextChoices):
    PLANNED = "planned", _("Planned")
    REALISED = "realised", _("Realised")


class RecipientKind(models.TextChoices):
    FIELDLAB = "fieldlab", _("Fieldlab")
    HUB = "hub", _("Hub")
    BUREAU = "bureau", _("Programme bureau")
