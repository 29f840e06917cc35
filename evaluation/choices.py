from django.db import models
from django.utils.translation import gettext_lazy as _


class LeadLevel(models.TextChoices):
    BUREAU = "bureau", _("Programme bureau")
    HUB = "hub", _("Hub")
    FIELDLAB = "fieldlab", _("Fieldlab")


class ScopeDecision(models.TextChoices):
    """Recommendation 2: for skills activities, has the programme decided whether they belong in it?"""

    UNDECIDED = "", _("Not decided")
    IN_PROGRAMME = "in_programme", _("Part of the programme")
    OUTSIDE_PROGRAMME = "outside_programme", _("Outside the programme")


class IndicatorUnit(models.TextChoices):
    COMPANIES_REACHED = "companies_reached", _("Companies reached")
    COMPANIES_PARTICIPATING = "companies_participating", _("Companies taking part")
    PEOPLE_TRAINED = "people_trained", _("People trained")
    EXPERIMENTS = "experiments", _("Experiments")
    EVENTS = "events", _("Events")
    VOUCHERS = "vouchers", _("Vouchers")
    STANDARDS = "standards", _("Standards or agreements")
    OTHER = "other", _("Other")


class Verdict(models.TextChoices):
    """Effectiveness verdicts. The first three are bands stored as data (VerdictBand); the last means no goal."""

    EFFECTIVE = "effective", _("Effective")
    PARTLY_EFFECTIVE = "partly_effective", _("Partly effective")
    LIMITED = "limited", _("Limited")
    NOT_ASSESSABLE = "not_assessable", _("Not assessable")


BAND_VERDICTS = (Verdict.EFFECTIVE, Verdict.PARTLY_EFFECTIVE, Verdict.LIMITED)


class EfficiencyVerdict(models.TextChoices):
    WITHIN_NORM = "within_norm", _("Within the norm")
    ABOVE_NORM = "above_norm", _("Above the norm")
    NOT_ASSESSABLE = "not_assessable", _("Not assessable")


class CheckStatus(models.TextChoices):
    MET = "met", _("Met")
    PARTLY = "partly", _("Partly met")
    NOT_MET = "not_met", _("Not met")


class RecommendationCode(models.TextChoices):
    """The five recommendations of the evaluation; each code has one check in evaluation/checks.py."""

    NATIONAL_MODULES = "national_modules", _("National modules co-financed with the regions")
    SKILLS_SCOPE = "skills_scope", _("Skills: scope and targets")
    TARGET_GROUPS = "target_groups", _("Defined target groups and growth in reach")
    LEAD_LEVELS = "lead_levels", _("One lead level per activity and demand steering")
    INTERVENTION_LOGIC = "intervention_logic", _("Output goals that rest on entrepreneurs' bottlenecks")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("Open")
    IN_PROGRESS = "in_progress", _("In progress")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")
