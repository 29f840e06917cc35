"""factory_boy factories for every model; tests build exactly the rows they reason about."""

from decimal import Decimal

import factory

from accounts.models import Role, User
from evaluation.models import ActivityType, EvaluationRun
from funding.choices import FundingKind, Realisation, RecordStatus, Source
from funding.models import Funder, FundingRecord
from funding.rollups import funding_rollup_apply
from jobs.choices import JobKind
from jobs.models import Job
from registry.models import Company, Fieldlab, Hub, Participation, Partner, ProgrammeBureau, Province
from review.models import ReportingPeriod


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Province {n}")
    slug = factory.Sequence(lambda n: f"province-{n}")
    code = factory.Sequence(lambda n: f"{chr(65 + n // 26 % 26)}{chr(65 + n % 26)}")


class PartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partner

    name = factory.Sequence(lambda n: f"Partner {n}")
    short_name = factory.Sequence(lambda n: f"P{n}")
    slug = factory.Sequence(lambda n: f"partner-{n}")
    kind = "industry_association"
    joined_year = 2015


class ProgrammeBureauFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProgrammeBureau
        django_get_or_create = ("slug",)

    name = "Programmabureau Smart Industry"
    slug = "programmabureau"
    founded_year = 2015


class HubFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hub

    name = factory.Sequence(lambda n: f"Hub {n}")
    slug = factory.Sequence(lambda n: f"hub-{n}")
    founded_year = 2018


class FieldlabFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Fieldlab

    name = factory.Sequence(lambda n: f"Fieldlab {n}")
    slug = factory.Sequence(lambda n: f"fieldlab-{n}")
    theme = "robotics"
    hub = factory.SubFactory(HubFactory)
    start_year = 2015
    tno_type = 2


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n} B.V.")
    kvk_number = factory.Sequence(lambda n: f"{10000000 + n}")
    size_class = "small"


class ParticipationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Participation

    company = factory.SubFactory(CompanyFactory)
    fieldlab = factory.SubFactory(FieldlabFactory)
    year = 2018
    support_type = "experiment"


class FunderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Funder

    name = factory.Sequence(lambda n: f"Funder {n}")
    slug = factory.Sequence(lambda n: f"funder-{n}")
    source = Source.REGIONAL
    kind = "province"


class ActivityTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityType

    code = factory.Sequence(lambda n: f"activity-{n}")
    name = factory.Sequence(lambda n: f"Activity {n}")
    lead_level = "fieldlab"


class FundingRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingRecord

    fieldlab = factory.SubFactory(FieldlabFactory)
    year = 2018
    source = Source.COMPANIES
    amount = Decimal("1000.00")
    kind = FundingKind.CASH
    realisation = Realisation.REALISED
    status = RecordStatus.APPROVED

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # A factory writes past funding's services (any status, no actor): like every such writer it moves the
        # approved-funding rollups itself, so the tests' records count as the services' would.
        record = super()._create(model_class, *args, **kwargs)
        funding_rollup_apply(added=[record])
        return record


def funding_records_delete(queryset) -> None:
    """Delete funding records past the services (a test's clean slate), taking what they counted out of the rollups
    as every writer does: no signal does it behind the delete."""
    records = list(queryset)
    FundingRecord.objects.filter(pk__in=[r.pk for r in records]).delete()
    funding_rollup_apply(removed=records)


class ReportingPeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    hub = factory.SubFactory(HubFactory)
    year = 2019


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    role = Role.ANALYST
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def sync_groups(self, create, extracted, **kwargs):
        if create:
            from accounts.services import user_role_sync

            self.save()
            user_role_sync(user=self)


class BureauUserFactory(UserFactory):
    role = Role.BUREAU
    is_staff = True


class CoordinatorFactory(UserFactory):
    role = Role.COORDINATOR
    hub = factory.SubFactory(HubFactory)


class HubViewerFactory(UserFactory):
    role = Role.HUB_VIEWER
    hub = factory.SubFactory(HubFactory)


class JobFactory(factory.django.DjangoModelFactory):
    """A job as its row stands: no file, no task sent."""

    class Meta:
        model = Job

    kind = JobKind.IMPORT_PREVIEW
    owner = factory.SubFactory(UserFactory)


class EvaluationRunFactory(factory.django.DjangoModelFactory):
    """A run with its job (kind evaluation_run, started by the system unless said): no task sent. Its life is set on
    the job: ``EvaluationRunFactory(job__status="running", job__owner=user)``."""

    class Meta:
        model = EvaluationRun

    job = factory.SubFactory(JobFactory, kind=JobKind.EVALUATION_RUN, owner=None)
    parameters = factory.LazyFunction(lambda: {"year_min": 2015, "year_max": 2019})
