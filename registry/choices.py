from django.db import models
from django.utils.translation import gettext_lazy as _


class PartnerKind(models.TextChoices):
    INDUSTRY_ASSOCIATION = "industry_association", _("Industry association")
    EMPLOYERS_ORGANISATION = "employers_organisation", _("Employers' organisation")
    KNOWLEDGE_INSTITUTION = "knowledge_institution", _("Knowledge institution")
    CHAMBER_OF_COMMERCE = "chamber_of_commerce", _("Chamber of commerce")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")


class TnoType(models.IntegerChoices):
    KNOWLEDGE = 1, _("Type 1: knowledge and technology renewal")
    DEMONSTRATION = 2, _("Type 2: demonstration, business driven")
    SKILLS = 3, _("Type 3: skills development")
    MIX = 4, _("Type 4: a mix")


class FieldlabStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


class CompanySize(models.TextChoices):
    MICRO = "micro", _("Micro (<10)")
    SMALL = "small", _("Small (10–49)")
    MEDIUM = "medium", _("Medium (50–249)")
    LARGE = "large", _("Large (250+)")


class SupportType(models.TextChoices):
    EXPERIMENT = "experiment", _("Experiment or pilot")
    DEMONSTRATION = "demonstration", _("Demonstration")
    TRAINING = "training", _("Training")
    VOUCHER = "voucher", _("Voucher")
    ADVICE = "advice", _("Advice or scan")
    EVENT = "event", _("Event")
