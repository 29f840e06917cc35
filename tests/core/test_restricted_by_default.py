"""Restricted by default: no portal page, portal export or API answer shows a row outside ``visible_to``.

For every role (the bureau, a coordinator and a hub viewer of hub A, an analyst, a user without a role) the test
walks the whole URLconf:

- every portal list (each ``PortalListView`` in the URLconf, found there, not listed by hand): every page, and its
  CSV export; the rows are exactly the ones ``visible_to`` gives that user;
- every portal detail page (each ``PortalDetailView``) and every other page of one row (a job, an evaluation run,
  an edit or delete form) for every row in the database: a row the user may not see is never answered;
- every other GET page (dashboard, search, reports, review queue …);
- every API list (each list route of the routers), JSON, every page, and every API detail of every row, and the
  API's GET extra actions.

On every HTML page the template context is searched for rows of the models the policy restricts per user
(reviewable items, owned jobs), so a page that shows another hub's draft beside its main rows fails too.

A first-party URL the walk does not know makes the test fail until it is put in one of the tables below (walked,
POST-only, or left out with the reason), so a new list or detail URL cannot slip past it.
"""

import csv
import io
import json
from datetime import UTC, datetime

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.paginator import Page
from django.db.models import Model, QuerySet
from django.db.models.query import ModelIterable
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from django.views.generic.detail import SingleObjectMixin
from django.views.generic.list import MultipleObjectMixin
from rest_framework.generics import GenericAPIView

from core import policy
from core.api.views import RestrictedQuerysetMixin
from core.restriction import RestrictedRowsMixin
from core.views import PortalDetailView, PortalListView
from evaluation.models import EvaluationRun, Measurement
from funding.models import Funder, FundingRecord
from jobs.models import Job
from registry.models import Company, Fieldlab, Hub, Partner
from tests import factories
from tests.evaluation.conftest import evaluation_data  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db

ROLES = ["bureau", "coordinator", "hub_viewer", "analyst", "no_role"]
# Django's own pages in the URLconf: sign-in and password (django.contrib.auth.urls), the language switch. They show
# no rows; every other URL outside the API and the admin is the project's and is classified below.
DJANGO_PAGES = ("django.contrib.auth.", "django.views.i18n")

# Views that show rows beyond the policy, each with its reason (core/restriction.py): none today.
OPT_OUTS: dict[str, str] = {}

# --- the URLconf, classified ----------------------------------------------------------------------------------

# Portal pages of one row that are not PortalDetailViews: the model whose rows fill their URL.
ROW_PAGES = {
    "jobs:job_detail": Job,
    "jobs:job_download": Job,
    "evaluation:run_detail": EvaluationRun,
    "evaluation:run_results": EvaluationRun,
    "funding:funding_record_update": FundingRecord,
    "funding:funding_record_delete": FundingRecord,
    "funding:funder_update": Funder,
    "funding:funder_delete": Funder,
    **{
        f"registry:{kind}_{page}": model
        for kind, model in [("hub", Hub), ("fieldlab", Fieldlab), ("partner", Partner), ("company", Company)]
        for page in ("update", "delete")
    },
}


def _hub_years(world):
    return [{"hub": hub.slug, "year": year} for hub in (world["hub_a"], world["hub_b"]) for year in (2017, 2019)]


# Other GET pages: their URL arguments and query (from the data); their context is searched like every page's.
PAGES = {
    "home": lambda world: [({}, {})],
    "search": lambda world: [({}, {"q": "Hub"}), ({}, {"q": "Fieldlab"})],
    "change_log": lambda world: [({}, {})],
    "evaluation:index": lambda world: [({}, {})],
    "reporting:report_index": lambda world: [({}, {}), ({}, {"overview": ""})],
    "reporting:report_review": lambda world: [({}, {})],
    "reporting:report_hub": lambda world: [({"hub": hub.slug}, {}) for hub in (world["hub_a"], world["hub_b"])],
    "reporting:report_year": lambda world: [(kwargs, {}) for kwargs in _hub_years(world)],
    "reporting:report_submit": lambda world: [(kwargs, {}) for kwargs in _hub_years(world)],
    "funding:import_upload": lambda world: [({}, {})],
    "funding:funding_record_create": lambda world: [({}, {})],
    "funding:funder_create": lambda world: [({}, {})],
    **{f"registry:{kind}_create": lambda world: [({}, {})] for kind in ("hub", "fieldlab", "partner", "company")},
}

# Writes only: a GET is refused (405), so they show no rows (the policy's checks of the actions have their own
# tests: tests/web/test_access.py, tests/api/test_permissions.py).
POST_ONLY = {
    "funding:funding_record_submit",
    "funding:funding_record_approve",
    "funding:funding_record_return",
    "funding:import_confirm",
    "evaluation:run_start",
    "reporting:measurement_approve",
    "reporting:measurement_return",
    "reporting:report_decide",
    "reporting:report_approve_all",
    "reporting:report_return_all",
    "reporting:report_close",
    "reporting:report_reopen",
    "reporting:report_cell",
    "reporting:measurement_cell",
}

NOT_WALKED = {
    "healthz": "the load balancer's probe: no rows",
    "evaluation:download": "the evaluation's tables: sums of approved figures only, no row of anyone's",
}

# API routes that are not a viewset's: no rows of a model.
API_NOT_ROWS = {
    "api:api-root": "links to the endpoints",
    "api:schema": "the OpenAPI document",
    "api:docs": "the interactive docs",
    "api:not_found": "a JSON 404",
    **{
        f"api:evaluation-{name}": "an evaluation table: sums of approved figures only (evaluation/selectors)"
        for name in (
            "funding-totals",
            "funding-cumulative",
            "leverage",
            "activity-types",
            "activity-type",
            "companies-reached",
            "effectiveness",
            "cost-per-output",
            "regional-cost-per-output",
            "recommendations",
            "recommendation",
        )
    },
}

# GET extra actions of the viewsets, each walked below.
API_EXTRA_GETS = {"api:fundingrecord-360giving", "api:job-download", "api:evaluation-run-compare"}


class Route:
    """One named URL pattern: its qualified name, view and URL arguments."""

    def __init__(self, name, pattern, namespace):
        self.name = name
        self.callback = pattern.callback
        self.namespace = namespace
        self.arguments = list(getattr(pattern.pattern, "converters", {}).items())

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None) or getattr(self.callback, "cls", None)

    @property
    def module(self) -> str:
        return (self.view_class or self.callback).__module__

    def url(self, obj=None, **kwargs) -> str:
        for name, converter in self.arguments:
            if obj is not None and name not in kwargs:
                # <int:…> is the row's key, any other converter its slug.
                kwargs[name] = obj.pk if type(converter).__name__ == "IntConverter" else obj.slug
        return reverse(self.name, kwargs=kwargs)


def _routes(patterns=None, namespace=""):
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from _routes(entry.url_patterns, inner)
        elif entry.name:
            yield Route(f"{namespace}:{entry.name}" if namespace else entry.name, entry, namespace)


def portal_routes() -> list[Route]:
    return [
        route
        for route in _routes()
        # The admin is the bureau's alone (policy USE_ADMIN, tests/registry/test_admin.py).
        if route.namespace.split(":")[0] not in ("api", "admin") and not route.module.startswith(DJANGO_PAGES)
    ]


def api_routes() -> list[Route]:
    return [route for route in _routes() if route.namespace.split(":")[0] == "api"]


def _is(route, base) -> bool:
    return route.view_class is not None and isinstance(route.view_class, type) and issubclass(route.view_class, base)


# --- the data: two hubs' items in every status, jobs of three owners, a run ----------------------------------


@pytest.fixture
def world(evaluation_data):  # noqa: F811
    d = evaluation_data
    rec = factories.FundingRecordFactory
    funder = factories.FunderFactory()
    rec(fieldlab=d.f3, year=2018, source="eu", status="draft")  # hub B's draft
    rec(fieldlab=None, hub=d.hub_b, year=2018, source="national", status="returned")
    rec(fieldlab=d.f3, year=2018, source="knowledge", status="submitted")
    rec(fieldlab=d.f1, year=2018, source="national", status="submitted")
    rec(fieldlab=None, hub=d.hub_a, year=2019, source="eu", status="draft", funder=funder)
    rec(fieldlab=d.f2, year=2019, source="regional", status="approved", funder=funder)
    m = Measurement.objects
    m.create(activity_type=d.aware, indicator=d.events, year=2019, fieldlab=d.f3, value=1, status="draft")
    m.create(activity_type=d.activate, indicator=d.reach, year=2019, hub=d.hub_b, value=2, status="submitted")
    m.create(activity_type=d.skills, indicator=d.trained, year=2019, fieldlab=d.f2, value=3, status="returned")
    m.create(activity_type=d.activate, indicator=d.reach, year=2019, hub=d.hub_a, value=4, status="submitted")
    factories.PartnerFactory()
    factories.ReportingPeriodFactory(hub=d.hub_a, year=2019)
    factories.ReportingPeriodFactory(hub=d.hub_b, year=2019)
    users = {
        "bureau": factories.BureauUserFactory(username="bureau"),
        "coordinator": factories.CoordinatorFactory(username="coord-a", hub=d.hub_a),
        "hub_viewer": factories.HubViewerFactory(username="viewer-a", hub=d.hub_a),
        "analyst": factories.UserFactory(username="analyst"),
        "no_role": factories.UserFactory(username="nobody", role=""),
    }
    now = datetime.now(UTC)
    export = Job.objects.create(
        kind="export", owner=users["coordinator"], status="done", filename="a.csv", finished_at=now
    )
    export.file.save("a.csv", ContentFile(b"id\n1\n"))
    Job.objects.create(
        kind="import_preview", owner=users["analyst"], status="done", result={"ok": True, "rows": []}, finished_at=now
    )
    Job.objects.create(kind="export", owner=users["bureau"], status="pending", filename="b.csv")
    factories.EvaluationRunFactory(
        job__status="done", job__owner=users["bureau"], fingerprint="f", results={"recommendations": []}
    )
    return {"hub_a": d.hub_a, "hub_b": d.hub_b, "users": users, "visible": {}}


def visible_pks(world, who, model) -> set:
    key = (who, model)
    if key not in world["visible"]:
        rows = policy.visible_to(world["users"][who], model._default_manager.all())
        world["visible"][key] = set(rows.values_list("pk", flat=True))
    return world["visible"][key]


def client_for(world, who) -> Client:
    client = Client()
    client.force_login(world["users"][who])
    return client


# The models the policy restricts per user (reviewable items, owned jobs): searched for in every page's context.
def scoped_models() -> set:
    return {
        model
        for model in apps.get_models()
        if getattr(model, "policy_hub_lookups", None) or getattr(model, "policy_owner_field", None)
    }


def _collect(value, models, found, seen, depth=0):
    if depth > 8 or id(value) in seen:
        return
    seen.add(id(value))
    if isinstance(value, Model):
        model = value._meta.concrete_model
        if model in models:
            found.setdefault(model, set()).add(value.pk)
    elif isinstance(value, QuerySet):
        if value.model in models and issubclass(value._iterable_class, ModelIterable):
            for obj in value:
                _collect(obj, models, found, seen, depth + 1)
    elif isinstance(value, Page):
        _collect(list(value.object_list), models, found, seen, depth + 1)
    elif isinstance(value, dict):
        for item in value.values():
            _collect(item, models, found, seen, depth + 1)
    elif isinstance(value, (list, tuple, set, frozenset)):
        for item in value:
            _collect(item, models, found, seen, depth + 1)


def shown_rows(response, models) -> dict:
    """The rows of ``models`` in the response's template context (every template it rendered)."""
    context = response.context
    if context is None:
        return {}
    found, seen = {}, set()
    for layer in context if isinstance(context, list) else [context]:
        _collect(layer.flatten(), models, found, seen)
    return found


def assert_within_policy(world, who, response, url, also=()):
    for model, pks in shown_rows(response, scoped_models() | set(also)).items():
        outside = pks - visible_pks(world, who, model)
        assert not outside, f"{who} is shown {model.__name__} {sorted(outside)} at {url}"


def body_of(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


# --- the URLconf is known ---------------------------------------------------------------------------------------


def test_every_portal_and_api_url_is_walked_or_named_with_a_reason():
    known = set(ROW_PAGES) | set(PAGES) | POST_ONLY | set(NOT_WALKED)
    portal = portal_routes()
    generic = {r.name for r in portal if _is(r, PortalListView) or _is(r, PortalDetailView)}
    unknown = {r.name for r in portal} - generic - known
    assert not unknown, f"portal URLs the restriction walk does not know: {sorted(unknown)}"
    assert not known - {r.name for r in portal}, "names in the tables above that the URLconf no longer has"
    assert {"registry:hub_list", "funding:funding_record_list", "funding:funding_record_detail"} <= generic

    api = api_routes()
    viewset_gets = {r.name for r in api if hasattr(r.callback, "actions") and "get" in r.callback.actions}
    extra = {r.name for r in api if r.name in viewset_gets and r.callback.actions["get"] not in ("list", "retrieve")}
    assert extra == API_EXTRA_GETS
    others = {r.name for r in api if not hasattr(r.callback, "actions")}
    assert others == set(API_NOT_ROWS)


def test_every_view_of_rows_in_the_urlconf_is_restricted_and_every_opt_out_says_why():
    for route in portal_routes():
        if _is(route, MultipleObjectMixin) or _is(route, SingleObjectMixin):
            assert _is(route, RestrictedRowsMixin), route.name
    for route in api_routes():
        if _is(route, GenericAPIView):
            assert _is(route, RestrictedQuerysetMixin), route.name

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    opted = {f"{c.__module__}.{c.__qualname__}": c.unrestricted_because for c in subclasses(RestrictedRowsMixin)}
    assert {name: why for name, why in opted.items() if why} == OPT_OUTS


def test_an_opt_out_needs_a_reason_and_restricts_nothing(world):
    for flag in (True, "  "):
        with pytest.raises(TypeError):
            type("Careless", (RestrictedRowsMixin,), {"unrestricted_because": flag})

    class Request:
        user = world["users"]["analyst"]

    restricted = type("Restricted", (RestrictedRowsMixin,), {"request": Request})()
    unrestricted = type(
        "Unrestricted", (RestrictedRowsMixin,), {"request": Request, "unrestricted_because": "a test's reason"}
    )()
    assert set(restricted.restrict(Job.objects.all()).values_list("owner__username", flat=True)) == {"analyst"}
    assert unrestricted.restrict(Job.objects.all()).count() == Job.objects.count() == 4  # the run's job too


def test_post_only_urls_answer_no_get(world):
    client = client_for(world, "bureau")
    routes = {route.name: route for route in portal_routes()}
    for name in POST_ONLY:
        kwargs = {}
        for argument, converter in routes[name].arguments:
            kwargs[argument] = 1 if type(converter).__name__ == "IntConverter" else "x"
        kwargs.update({"hub": world["hub_a"].slug, "year": 2019} if "year" in kwargs else {})
        url = reverse(name, kwargs=kwargs)
        assert client.get(url).status_code == 405, url


# --- the portal -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ROLES)
def test_portal_lists_show_exactly_the_rows_the_policy_gives(world, who):
    client = client_for(world, who)
    lists = [route for route in portal_routes() if _is(route, PortalListView)]
    assert len(lists) >= 6
    for route in lists:
        model, url = route.view_class.model, route.url()
        listed, page = [], 1
        while True:
            response = client.get(url, {"page": page})
            assert response.status_code == 200, url
            listed += [obj.pk for obj in response.context["object_list"]]
            assert_within_policy(world, who, response, url, also=[model])
            if not response.context["page_obj"].has_next():
                break
            page += 1
        assert len(listed) == len(set(listed)), url
        assert set(listed) == visible_pks(world, who, model), url
        exported = list(csv.reader(io.StringIO(body_of(client.get(url, {"format": "csv"})).decode("utf-8-sig"))))
        assert len(exported) - 1 == len(listed), f"{url}?format=csv"


@pytest.mark.parametrize("who", ROLES)
def test_portal_pages_of_one_row_never_show_a_hidden_row(world, who):
    client = client_for(world, who)
    walked = 0
    for route in portal_routes():
        detail = _is(route, PortalDetailView)
        if not detail and route.name not in ROW_PAGES:
            continue
        model = route.view_class.model if detail else ROW_PAGES[route.name]
        visible = visible_pks(world, who, model)
        for obj in model._default_manager.all():
            url = route.url(obj)
            response = client.get(url)
            walked += 1
            if obj.pk not in visible:
                assert response.status_code in (403, 404), f"{who} is shown hidden {model.__name__} at {url}"
            elif detail:
                # A detail page answers every row the user may see (restricted, not over-restricted).
                assert response.status_code == 200, url
                assert response.context["object"].pk == obj.pk
            assert_within_policy(world, who, response, url, also=[model])
    assert walked > 50


@pytest.mark.parametrize("who", ROLES)
def test_other_portal_pages_show_no_hidden_row(world, who):
    client = client_for(world, who)
    for name, arguments in PAGES.items():
        for kwargs, query in arguments(world):
            url = reverse(name, kwargs=kwargs)
            response = client.get(url, query)
            assert response.status_code in (200, 302, 403), url
            assert_within_policy(world, who, response, url)


def test_the_context_search_sees_related_rows_where_they_belong(world):
    """The context search is not vacuous: a fieldlab's page of hub A shows its draft funding record to the bureau
    and hub A's people, and the analyst's copy of the same page holds no draft."""
    draft = FundingRecord.objects.get(fieldlab__slug="f1", status="draft")
    url = reverse("registry:fieldlab_detail", kwargs={"slug": "f1"})
    for who, shown in [("bureau", True), ("coordinator", True), ("hub_viewer", True), ("analyst", False)]:
        rows = shown_rows(client_for(world, who).get(url), {FundingRecord})
        assert (draft.pk in rows.get(FundingRecord, set())) == shown, who
        assert rows.get(FundingRecord), who  # the approved records are there for everyone


# --- the API --------------------------------------------------------------------------------------------------


def _api_model(route):
    return route.view_class.queryset.model


@pytest.mark.parametrize("who", ROLES)
def test_api_lists_answer_exactly_the_rows_the_policy_gives(world, who):
    client = client_for(world, who)
    may_use = policy.can(world["users"][who], policy.Action.USE_API)
    lists = [r for r in api_routes() if getattr(r.callback, "actions", {}).get("get") == "list"]
    assert len(lists) >= 15
    for route in lists:
        model, url = _api_model(route), route.url()
        listed, query = [], {"format": "json", "page_size": 4}
        while url:
            response = client.get(url, query)
            if not may_use:
                assert response.status_code == 403, url
                break
            assert response.status_code == 200, url
            body = response.json()
            rows = body["results"] if isinstance(body, dict) else body
            listed += [row["id"] for row in rows]
            url, query = (body.get("next"), {}) if isinstance(body, dict) else (None, {})
        assert len(listed) == len(set(listed)), route.name
        assert set(listed) == (visible_pks(world, who, model) if may_use else set()), route.name


@pytest.mark.parametrize("who", ROLES)
def test_api_details_never_answer_a_hidden_row(world, who):
    client = client_for(world, who)
    may_use = policy.can(world["users"][who], policy.Action.USE_API)
    details = [r for r in api_routes() if getattr(r.callback, "actions", {}).get("get") == "retrieve"]
    walked = 0
    for route in details:
        model, viewset = _api_model(route), route.view_class
        field = viewset.lookup_field
        visible = visible_pks(world, who, model)
        for obj in model._default_manager.all():
            url = reverse(route.name, kwargs={viewset.lookup_url_kwarg or field: getattr(obj, field)})
            response = client.get(url, {"format": "json"})
            walked += 1
            if not may_use:
                assert response.status_code == 403, url
            elif obj.pk in visible:
                assert response.status_code == 200 and response.json()["id"] == obj.pk, url
            else:
                assert response.status_code == 404, f"{who} is answered hidden {model.__name__} at {url}"
    assert walked > 50


@pytest.mark.parametrize("who", ROLES)
def test_api_extra_reads_never_answer_a_hidden_row(world, who):
    client = client_for(world, who)
    may_use = policy.can(world["users"][who], policy.Action.USE_API)
    expected_refusal = 404 if may_use else 403

    response = client.get(reverse("api:fundingrecord-360giving"), {"format": "json"})
    approved = set(FundingRecord.objects.filter(status="approved").values_list("pk", flat=True))
    if may_use:
        assert response.status_code == 200
        package = json.loads(body_of(response))  # streamed
        grants = {int(grant["id"].rsplit("-fr-", 1)[1]) for grant in package["grants"]}
        assert grants == visible_pks(world, who, FundingRecord) & approved
    else:
        assert response.status_code == 403

    for job in Job.objects.all():
        response = client.get(reverse("api:job-download", args=[job.pk]))
        if job.pk not in visible_pks(world, who, Job):
            assert response.status_code == expected_refusal, (who, job.pk)
        elif job.file:
            assert response.status_code == 200 and body_of(response) == b"id\n1\n"

    for run in EvaluationRun.objects.all():
        response = client.get(reverse("api:evaluation-run-compare", args=[run.pk]), {"with": run.pk})
        if run.pk not in visible_pks(world, who, EvaluationRun):
            assert response.status_code == expected_refusal, (who, run.pk)
        else:
            assert response.status_code == 200


def test_the_data_has_what_the_walk_must_keep_apart(world):
    """Hub B's draft is hidden from hub A's coordinator, and the analyst sees no draft, returned item or foreign job
    (otherwise the walks above would prove little)."""
    for item in FundingRecord.objects.filter(fieldlab__hub=world["hub_b"], status="draft"):
        assert item.pk not in visible_pks(world, "coordinator", FundingRecord)
    for model in (FundingRecord, Measurement):
        analyst = model.objects.filter(pk__in=visible_pks(world, "analyst", model))
        assert not analyst.filter(status__in=("draft", "returned")).exists()
        assert model.objects.filter(status__in=("draft", "returned")).count() >= 3
    analysts_jobs = Job.objects.filter(owner__username="analyst").values_list("pk", flat=True)
    assert visible_pks(world, "analyst", Job) == set(analysts_jobs)
    assert visible_pks(world, "no_role", Hub) == set()
