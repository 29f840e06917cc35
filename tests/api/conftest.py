"""A small, fully known world for the API tests: two hubs, their fieldlabs, records in every workflow state."""

from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from accounts.services import api_token_create
from funding.choices import RecordStatus, Source
from tests import factories

ROLES = (
    "anonymous",
    "analyst",
    "read_only_token",
    "viewer_here",
    "coordinator_here",
    "coordinator_other",
    "bureau",
)


class ReadBeforeWriteClient(APIClient):
    """A token client that behaves as a well-made script does: before PUT/PATCH/DELETE (and a workflow action's
    POST) it reads the record and sends its ETag as If-Match. Tests of the precondition itself (428/412) pass
    If-Match explicitly or use a plain APIClient."""

    def generic(self, method, path, data="", content_type="application/octet-stream", secure=False, **extra):
        if method in ("PUT", "PATCH", "DELETE", "POST") and "HTTP_IF_MATCH" not in extra:
            record_path = path.split("?", 1)[0]
            if method == "POST":
                record_path = record_path.rstrip("/").rsplit("/", 1)[0] + "/"  # …/16/approve/ → …/16/
            etag = super().generic("GET", record_path, secure=secure).get("ETag")
            if etag:
                extra["HTTP_IF_MATCH"] = etag
        return super().generic(method, path, data, content_type, secure=secure, **extra)


@dataclass
class World:
    province: object
    province_b: object
    hub: object
    hub_b: object
    fieldlab: object
    fieldlab_b: object
    bureau_org: object
    partner: object
    company: object
    participation: object
    funder: object
    activity: object
    period: object
    draft: object
    submitted: object
    approved: object
    returned_b: object
    users: dict = field(default_factory=dict)
    keys: dict = field(default_factory=dict)

    def client(self, role: str) -> APIClient:
        client = ReadBeforeWriteClient()
        if role != "anonymous":
            client.credentials(HTTP_AUTHORIZATION=f"Token {self.keys[role]}")
        return client


@pytest.fixture(autouse=True)
def _fresh_throttle_cache():
    # Throttle counters live in the cache; tests must not inherit each other's budgets.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    # Lower-case codes: ProvinceFactory's sequence makes upper-case pairs and would, later in a session, collide.
    province = factories.ProvinceFactory(name="Zuid-Holland", slug="zuid-holland", code="zh")
    province_b = factories.ProvinceFactory(name="Groningen", slug="groningen", code="gr")
    hub = factories.HubFactory(name="Hub Here", slug="here")
    hub.provinces.set([province])
    hub_b = factories.HubFactory(name="Hub Other", slug="other")
    hub_b.provinces.set([province_b])
    fieldlab = factories.FieldlabFactory(name="Lab Here", slug="lab-here", hub=hub, province=province, city="Delft")
    fieldlab_b = factories.FieldlabFactory(name="Lab Other", slug="lab-other", hub=hub_b, province=province_b)
    bureau_org = factories.ProgrammeBureauFactory()
    partner = factories.PartnerFactory(name="Partner One", short_name="P1", slug="p1")
    company = factories.CompanyFactory(name="Acme B.V.", kvk_number="12345678", province=province)
    participation = factories.ParticipationFactory(company=company, fieldlab=fieldlab, year=2018)
    funder = factories.FunderFactory(name="Provincie Zuid-Holland", slug="pzh", source=Source.REGIONAL)
    activity = factories.ActivityTypeFactory(code="awareness", name="Awareness")
    period = factories.ReportingPeriodFactory(hub=hub, year=2019)

    def record(status, **kwargs):
        defaults = {"fieldlab": fieldlab, "year": 2018, "amount": Decimal("1000.00")}
        return factories.FundingRecordFactory(status=status, **{**defaults, **kwargs})

    world = World(
        province=province,
        province_b=province_b,
        hub=hub,
        hub_b=hub_b,
        fieldlab=fieldlab,
        fieldlab_b=fieldlab_b,
        bureau_org=bureau_org,
        partner=partner,
        company=company,
        participation=participation,
        funder=funder,
        activity=activity,
        period=period,
        draft=record(RecordStatus.DRAFT, source=Source.COMPANIES, amount=Decimal("1500.00")),
        submitted=record(RecordStatus.SUBMITTED, source=Source.REGIONAL, funder=funder, amount=Decimal("250.50")),
        approved=record(RecordStatus.APPROVED, source=Source.NATIONAL, activity_type=activity),
        returned_b=record(RecordStatus.RETURNED, fieldlab=fieldlab_b, source=Source.EU, amount=Decimal("99.99")),
    )
    world.users = {
        "analyst": factories.UserFactory(username="ana"),
        "coordinator_here": factories.CoordinatorFactory(username="coord-here", hub=hub),
        "coordinator_other": factories.CoordinatorFactory(username="coord-other", hub=hub_b),
        # The hub viewer reads everything of "here", drafts included, and writes nothing.
        "viewer_here": factories.HubViewerFactory(username="viewer-here", hub=hub),
        "bureau": factories.BureauUserFactory(username="bur"),
    }
    # A read-only token of a bureau user: the scope, not the role, must stop its writes.
    world.users["read_only_token"] = world.users["bureau"]
    for role, user in world.users.items():
        _token, world.keys[role] = api_token_create(user=user, read_only=role == "read_only_token")
    return world
