from django.db import models
from django.utils.translation import gettext_lazy as _

# The workflow's states belong to the reporting app (one workflow for everything reviewable); funding uses them.
from reporting.choices import PeriodStatus, RecordStatus

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
